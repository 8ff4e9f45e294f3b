"""The stage order, in one place: load → validate → structure → resolve → render.

Nothing here writes files or prints; commands do that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2

from guidance_builder.diagnostics import ContentError, Diagnostic, Diagnostics, Location
from guidance_builder.editions.history import HistoryEntry, check_not_republished, edition_history
from guidance_builder.editions.snapshot import check_content_folder
from guidance_builder.editions.store import PublishedEdition, list_published
from guidance_builder.loading.content import load_sections, load_yaml_files
from guidance_builder.model import Rulebook
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment
from guidance_builder.render.html import GuidanceRenderer
from guidance_builder.render.pdf_jobs import PdfJob, PdfOutcome, PdfRenderer, builder_fingerprint, render_jobs
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


@dataclass
class RenderedEdition:
    """Every output of one edition, as bytes keyed by path under the site folder."""

    version: str
    files: dict[str, bytes]


@dataclass
class RenderContext:
    """What every output maker gets: the edition, the templates and a PDF renderer."""

    edition: Edition
    env: jinja2.Environment
    with_pdf: bool
    deferred: bool = False
    renderer: PdfRenderer | None = None
    """Where deferred PDF jobs go the moment they are made, to render while the build goes on."""

    @property
    def version(self) -> str:
        return self.edition.book.meta.version

    @property
    def guidance(self) -> GuidanceRenderer:
        return self.edition.renderer()

    def memo(self, name: str, inputs: list[str | bytes], produce: Callable[[], bytes]) -> bytes:
        """Bytes of an output that is slow to make, reused while its inputs are unchanged."""
        digest = hashlib.sha256(f"{builder_fingerprint()}|{name}".encode())
        for part in inputs:
            digest.update(hashlib.sha256(part.encode() if isinstance(part, str) else part).digest())
        stored = self.edition.project.build / ".cache" / "outputs" / f"{digest.hexdigest()}.bin"
        if stored.is_file():
            return stored.read_bytes()
        data = produce()
        stored.parent.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(stored)
        return data

    def pdf(self, html: str, name: str, template: str, forms: bool = False) -> bytes | PdfJob:
        """A PDF of print HTML. Inside a build this is a job, rendered with the others in
        parallel (see render_edition); elsewhere it is rendered at once."""
        job = PdfJob(html, name, template, forms, hashlib.sha256(f"{name}|{self.version}".encode()).hexdigest()[:32].encode())
        if self.deferred:
            if self.renderer is not None:
                self.renderer.submit(job)
            return job
        return _pdf_bytes(self.edition.project, render_jobs([job], self.edition.project.assets, cache=None))[job]


def _pdf_bytes(project: Project, outcomes: list[PdfOutcome]) -> dict[PdfJob, bytes]:
    problems = []
    for outcome in outcomes:
        where = Location(project.display(project.templates / outcome.job.template))
        problems += [
            Diagnostic(where, f"PDF rendering of {outcome.job.name} failed: {problem}", pdf_hint(problem)) for problem in outcome.problems
        ]
        if outcome.data is None and not outcome.problems:
            problems.append(Diagnostic(where, f"PDF rendering of {outcome.job.name} produced nothing"))
    if problems:
        raise ContentError(problems)
    return {outcome.job: outcome.data for outcome in outcomes}


def pdf_hint(problem: str) -> str:
    """What to do about one problem a PDF render reported."""
    lowered = problem.lower()
    if "alt description" in lowered or " alt " in lowered:
        return 'give every image alternative text (alt="...": a tagged PDF has no decorative images) and every <svg> a <title>'
    if "lang" in lowered:
        return 'set the document language: <html lang="..."> in the template (language in guidance.yaml)'
    if "title" in lowered:
        return "give the document a title: a non-empty <title> in the template's head"
    if "anchor" in lowered:
        return "make every id in the template unique, and every link point at an id that exists"
    return "remove the reference, or put the file in templates/assets/"


OutputMaker = Callable[[RenderContext], dict[str, bytes]]


@dataclass
class PendingRender:
    """An edition's outputs with its PDFs still rendering in worker processes."""

    edition: Edition
    files: dict[str, bytes | PdfJob]
    renderer: PdfRenderer | None
    owns_renderer: bool

    def finish(self, as_ready: Callable[[str, bytes], None] | None = None) -> RenderedEdition:
        """Wait for the PDFs; `as_ready` sees each one the moment it is rendered, while the
        others still render."""
        try:
            files = dict(self.files)
            paths = {value: path for path, value in files.items() if isinstance(value, PdfJob)}
            outcomes = {}
            failed: Exception | None = None
            for outcome in self.renderer.each_result(list(paths)) if paths else ():
                outcomes[outcome.job] = outcome
                if outcome.data is not None and not outcome.problems:
                    files[paths[outcome.job]] = outcome.data
                    if as_ready is not None and failed is None:
                        try:
                            as_ready(paths[outcome.job], outcome.data)
                        except Exception as error:  # raised after the renders' own problems
                            failed = error
            _pdf_bytes(self.edition.project, [outcomes[job] for job in paths])  # every render's problems, in a stable order
            if failed is not None:
                raise failed
        finally:
            if self.owns_renderer:
                self.renderer.close()
        return RenderedEdition(self.edition.book.meta.version, files)


def start_render(edition: Edition, with_pdf: bool = True, renderer: PdfRenderer | None = None) -> PendingRender:
    """Run every output maker once; each PDF starts rendering the moment its print HTML exists,
    so the caller can do other work (the consistency checks) while they render."""
    from guidance_builder.render.outputs import OUTPUTS

    project = edition.project
    owns = renderer is None and with_pdf
    if owns:
        renderer = PdfRenderer(project.assets, project.build / ".cache" / "pdf").start()
    try:
        context = RenderContext(edition, edition.renderer().env, with_pdf, deferred=True, renderer=renderer)
        files: dict[str, bytes | PdfJob] = {}
        for make in OUTPUTS:
            files.update(make(context))
    except BaseException:
        if owns:
            renderer.close()
        raise
    return PendingRender(edition, files, renderer, owns)


def render_edition(edition: Edition, with_pdf: bool = True, renderer: PdfRenderer | None = None) -> RenderedEdition:
    """Every output of the edition, PDFs included."""
    return start_render(edition, with_pdf, renderer).finish()
