"""The stage order, in one place: load → validate → structure → resolve → render.

Rendering itself (every output maker, PDFs in parallel) is render/edition.py; this module
names it last, so the order of the stages reads from top to bottom here. Nothing here
writes files or prints; commands do that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guidance_builder.diagnostics import ContentError, Diagnostics
from guidance_builder.editions.history import HistoryEntry, check_not_republished, edition_history
from guidance_builder.editions.snapshot import check_content_folder
from guidance_builder.editions.store import PublishedEdition, list_published
from guidance_builder.loading.content import load_sections, load_yaml_files
from guidance_builder.model import Rulebook
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment
from guidance_builder.render.html import GuidanceRenderer
from guidance_builder.resolve import check_references
from guidance_builder.structure import GuidanceDocument, build_document
from guidance_builder.validate import SourceMap, assemble, validate_rules, validate_schema


@dataclass
class Edition:
    """One edition's content, validated, numbered and with every reference resolved."""

    project: Project
    book: Rulebook
    document: GuidanceDocument
    sources: SourceMap
    published: list[PublishedEdition] = field(default_factory=list)
    """Every published edition in editions/, verified, oldest first."""
    history: list[HistoryEntry] = field(default_factory=list)
    """This edition and the earlier ones, newest first, with what each changed."""
    frozen: PublishedEdition | None = None
    """The published edition this content is, when it is one: its documents are not rebuilt."""
    caching: bool = False
    """Whether this run may keep caches in build/.cache (a build may; `check` writes nothing)."""
    _renderer: GuidanceRenderer | None = None
    cache: dict[str, object] = field(default_factory=dict)
    """Rendered and parsed pages that several checks read, made once."""

    def renderer(self) -> GuidanceRenderer:
        """The one renderer of this edition, shared by checks and outputs so nothing renders twice."""
        if self._renderer is None:
            self._renderer = GuidanceRenderer(self.book, self.document, create_environment(self.project, self.caching), self.history)
        return self._renderer

    def rules_json(self) -> str:
        """rules.json, made once for the output and the checks."""
        if "rules_json" not in self.cache:
            from guidance_builder.render.rules_json import render_rules_json

            self.cache["rules_json"] = render_rules_json(self.book, self.document)
        return self.cache["rules_json"]


def load_edition(project: Project, diagnostics: Diagnostics) -> Edition | None:
    check_content_folder(project, diagnostics)
    documents = load_yaml_files(project, diagnostics)
    models = validate_schema(documents, diagnostics)
    book = assemble(models)
    if book is None or diagnostics:
        return None
    sources = SourceMap(documents)
    # Cross-file rule errors do not stop the prose being read: a drafter who deletes an
    # exemption should also hear about every paragraph that still mentions it.
    validate_rules(book, sources, diagnostics)
    sections = load_sections(project, book.meta, lambda path: sources.location("guidance.yaml", path), diagnostics)
    document = build_document(book, sections, diagnostics)
    check_references(book, document, sources, diagnostics)
    published = list_published(project, diagnostics)
    frozen = check_not_republished(project, book, published, sources.location("guidance.yaml", ("version",)), diagnostics)
    history = edition_history(project, book, published, diagnostics)
    if diagnostics:
        return None
    return Edition(project, book, document, sources, published, history, frozen)


def require_edition(project: Project, caching: bool = False) -> tuple[Edition, Diagnostics]:
    diagnostics = Diagnostics()
    edition = load_edition(project, diagnostics)
    if edition is None:
        raise ContentError(diagnostics.sorted())
    edition.caching = caching
    return edition, diagnostics


# The last stage: render. Imported here so a reader of this module sees every stage.
from guidance_builder.render.context import RenderContext, RenderedEdition  # noqa: E402
from guidance_builder.render.edition import PendingRender, render_edition, start_render  # noqa: E402

__all__ = [
    "Edition",
    "PendingRender",
    "RenderContext",
    "RenderedEdition",
    "load_edition",
    "render_edition",
    "require_edition",
    "start_render",
]
