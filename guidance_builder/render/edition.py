"""Render an edition: every output maker once, PDFs in worker processes while the rest goes on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guidance_builder.render.context import RenderContext, RenderedEdition, pdf_bytes
from guidance_builder.render.outputs import OUTPUTS
from guidance_builder.render.pdf_jobs import PdfJob, PdfRenderer

if TYPE_CHECKING:
    from guidance_builder.pipeline import Edition


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
            pdf_bytes(self.edition.project, [outcomes[job] for job in paths])  # every render's problems, in a stable order
            if failed is not None:
                raise failed
        finally:
            if self.owns_renderer:
                self.renderer.close()
        return RenderedEdition(self.edition.book.meta.version, files)


def start_render(edition: Edition, with_pdf: bool = True, renderer: PdfRenderer | None = None) -> PendingRender:
    """Run every output maker once; each PDF starts rendering the moment its print HTML exists,
    so the caller can do other work (the consistency checks) while they render."""
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
