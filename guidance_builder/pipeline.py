"""The stage order, in one place: load → validate → structure → resolve → render.

Rendering itself (every output maker, PDFs in parallel) is render/edition.py; this module
names it last, so the order of the stages reads from top to bottom here. Nothing here
writes files or prints; commands do that.

The render stage is imported on first use, not with this module: `assess` reads only the
rules, and should not start by loading the templates, the PDF jobs and lxml.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guidance_builder.diagnostics import ContentError, Diagnostics
from guidance_builder.editions.history import HistoryEntry, check_not_republished, earlier_editions, edition_history
from guidance_builder.editions.snapshot import check_content_folder
from guidance_builder.editions.store import PublishedEdition, list_published
from guidance_builder.loading.content import load_sections, load_yaml_files
from guidance_builder.model import Rulebook
from guidance_builder.project import Project
from guidance_builder.resolve import check_references
from guidance_builder.structure import GuidanceDocument, build_document
from guidance_builder.validate import SourceMap, assemble, validate_rules, validate_schema

if TYPE_CHECKING:
    from guidance_builder.render.html import GuidanceRenderer


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
    """This edition and the earlier ones, newest first, with what each changed (empty when loaded without it)."""
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
            from guidance_builder.render.environment import create_environment
            from guidance_builder.render.html import GuidanceRenderer

            self._renderer = GuidanceRenderer(self.book, self.document, create_environment(self.project, self.caching), self.history)
        return self._renderer

    def rules_json(self) -> str:
        """rules.json, made once for the output and the checks."""
        if "rules_json" not in self.cache:
            from guidance_builder.render.rules_json import render_rules_json

            self.cache["rules_json"] = render_rules_json(self.book, self.document)
        return self.cache["rules_json"]


def load_edition(project: Project, diagnostics: Diagnostics, history: bool = True) -> Edition | None:
    """The edition in project/content, or None with every problem in `diagnostics`.

    history=False is for a command that needs only the rules and the paragraphs they cite
    (`assess`): the earlier editions are still loaded, so one that no longer loads is still
    an error, but what each changed is not worked out (that reads every edition's contract).
    """
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
    earlier = earlier_editions(project, book, published, diagnostics)
    if diagnostics:
        return None
    changes = edition_history(project, book, earlier) if history else []
    return Edition(project, book, document, sources, published, changes, frozen)


def require_edition(project: Project, caching: bool = False, history: bool = True) -> tuple[Edition, Diagnostics]:
    diagnostics = Diagnostics()
    edition = load_edition(project, diagnostics, history)
    if edition is None:
        raise ContentError(diagnostics.sorted())
    edition.caching = caching
    return edition, diagnostics


# The last stage: render (render/edition.py). Named here so a reader of this module sees every
# stage; imported when a command first asks for it (`from guidance_builder.pipeline import start_render`).
if TYPE_CHECKING:
    from guidance_builder.render.context import RenderContext, RenderedEdition
    from guidance_builder.render.edition import PendingRender, render_edition, start_render

_RENDER_STAGE = {
    "RenderContext": "guidance_builder.render.context",
    "RenderedEdition": "guidance_builder.render.context",
    "PendingRender": "guidance_builder.render.edition",
    "render_edition": "guidance_builder.render.edition",
    "start_render": "guidance_builder.render.edition",
}


def __getattr__(name: str):
    """The render stage's names, imported on first use."""
    if name not in _RENDER_STAGE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_RENDER_STAGE[name]), name)


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
