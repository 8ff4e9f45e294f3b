"""What every output maker gets (`RenderContext`), and what a rendered edition is.

Kept apart from pipeline.py so that the output makers (render/outputs.py and
contract/outputs.py) and the pipeline can each import it without importing each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2

from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.project import Project
from guidance_builder.render.html import GuidanceRenderer
from guidance_builder.render.pdf_jobs import PdfJob, PdfOutcome, PdfRenderer, builder_fingerprint, render_jobs

if TYPE_CHECKING:
    from guidance_builder.pipeline import Edition


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
        return pdf_bytes(self.edition.project, render_jobs([job], self.edition.project.assets, cache=None))[job]


def pdf_bytes(project: Project, outcomes: list[PdfOutcome]) -> dict[PdfJob, bytes]:
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
