"""The stage order, in one place: load → validate → structure → resolve → render.

Nothing here writes files or prints; commands do that.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from guidance_builder.diagnostics import ContentError, Diagnostics
from guidance_builder.loading.content import load_sections, load_yaml_files
from guidance_builder.model import Rulebook
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment
from guidance_builder.render.html import GuidanceRenderer
from guidance_builder.render.rules_json import render_rules_json
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


def load_edition(project: Project, diagnostics: Diagnostics) -> Edition | None:
    documents = load_yaml_files(project, diagnostics)
    models = validate_schema(documents, diagnostics)
    book = assemble(models)
    if book is None or diagnostics:
        return None
    sources = SourceMap(documents)
    validate_rules(book, sources, diagnostics)
    if diagnostics:
        return None
    sections = load_sections(project, book.meta, lambda path: sources.location("guidance.yaml", path), diagnostics)
    document = build_document(book, sections, diagnostics)
    check_references(book, document, sources, diagnostics)
    if diagnostics:
        return None
    return Edition(project, book, document, sources)


def require_edition(project: Project) -> tuple[Edition, Diagnostics]:
    diagnostics = Diagnostics()
    edition = load_edition(project, diagnostics)
    if edition is None:
        raise ContentError(diagnostics.sorted())
    return edition, diagnostics


@dataclass
class RenderedEdition:
    """Every output of one edition, as bytes keyed by path under the site folder."""

    version: str
    files: dict[str, bytes]


def render_edition(edition: Edition, with_pdf: bool = True) -> RenderedEdition:
    book = edition.book
    project = edition.project
    env = create_environment(project)
    renderer = GuidanceRenderer(book, edition.document, env)
    version = book.meta.version
    files: dict[str, bytes] = {
        f"{version}/guidance.html": renderer.page(print_mode=False, asset_base="../assets/").encode(),
        f"{version}/rules.json": render_rules_json(book, edition.document).encode(),
    }
    if with_pdf:
        from guidance_builder.render.pdf import ASSET_PREFIX, render_pdf

        print_html = renderer.page(print_mode=True, asset_base=ASSET_PREFIX)
        identifier = hashlib.sha256(f"{book.meta.title}|{version}".encode()).hexdigest()[:32].encode()
        result = render_pdf(print_html, project.assets, identifier)
        if result.data is None or result.problems:
            raise ContentError([_pdf_problem(project, problem) for problem in result.problems])
        files[f"{version}/guidance.pdf"] = result.data
    for asset in ("guidance.css",):
        files[f"assets/{asset}"] = (project.assets / asset).read_bytes()
    return RenderedEdition(version, files)


def _pdf_problem(project: Project, message: str):
    from guidance_builder.diagnostics import Diagnostic, Location

    return Diagnostic(Location(project.display(project.templates / "guidance.html")), f"PDF rendering failed: {message}", "remove the reference, or put the file in templates/assets/")
