"""PDF rendering as jobs: cached by what makes them, and run across the cores.

A job's key is the hash of everything that decides its bytes: the print HTML, the assets
folder, the form flag, the identifier and the versions of guidance-builder and WeasyPrint.
An unchanged document is taken from build/.cache/pdf/ instead of being rendered again;
the rest render in worker processes, largest first, one per core.
"""

from __future__ import annotations

import functools
import hashlib
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guidance_builder import __version__

if TYPE_CHECKING:  # the pool is imported only when PDFs are made
    from concurrent.futures import ProcessPoolExecutor


@dataclass(frozen=True)
class PdfJob:
    html: str
    name: str
    template: str
    forms: bool
    identifier: bytes


@dataclass(frozen=True)
class PdfOutcome:
    job: PdfJob
    data: bytes | None
    problems: list[str]
    cached: bool


def folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@functools.cache
def builder_fingerprint() -> str:
    """guidance-builder's own code, so a cached output is never older than the code that made it."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")


def job_key(job: PdfJob, assets_fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (
        builder_fingerprint(),
        _weasyprint_version(),
        assets_fingerprint,
        str(job.forms),
        job.identifier.decode(),
        job.html,
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _render(job: PdfJob, assets: Path) -> tuple[bytes | None, list[str]]:
    from guidance_builder.render.pdf import render_pdf

    result = render_pdf(job.html, assets, job.identifier, forms=job.forms)
    return result.data, result.problems


_STOPPING = (signal.SIGINT, signal.SIGTERM)


def _start_worker(parent: int) -> None:
    """Each worker's first act. Ctrl-C reaches every process of the terminal's group, and a
    forked worker inherits the build's handlers, which turn SIGINT and SIGTERM into an
    exception: a traceback from each worker. A worker ignores Ctrl-C (the build notices
    it and stops the workers) and dies at once, silently, on SIGTERM. The build blocked
    both signals around the fork, so none can land before these handlers are in place."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Make a worker end with the build, even one killed outright (SIGKILL), instead of
    waiting for work forever: on Linux the kernel kills it when its parent dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: nothing to do
        return
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _warm() -> None:
    """Import WeasyPrint in a worker while the main process is still checking the content."""
    import weasyprint  # noqa: F401


class PdfRenderer:
    """Renders PDF jobs in worker processes as soon as they are submitted.

    Start it before the content is loaded and checked, so the workers have WeasyPrint
    imported by the time the first document is ready; submit each document the moment its
    print HTML exists, so rendering overlaps the rest of the build.
    """

    def __init__(self, assets: Path, cache: Path | None, workers: int | None = None):
        self.assets = assets
        self.cache = cache
        self.workers = workers or os.cpu_count() or 1
        self.fingerprint = folder_fingerprint(assets)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[PdfJob, object] = {}

    def start(self) -> PdfRenderer:
        if self.workers > 1 and self.pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_start_worker, initargs=(os.getpid(),))
            # The workers are forked by the first submit; a signal arriving meanwhile waits
            # until they have their own handlers, and then reaches this process as usual.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
            try:
                for _ in range(self.workers):
                    self.pool.submit(_warm)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return self

    def _stored(self, job: PdfJob) -> Path | None:
        return self.cache / f"{job_key(job, self.fingerprint)}.pdf" if self.cache else None

    def submit(self, job: PdfJob) -> None:
        if job in self.pending:
            return
        stored = self._stored(job)
        if stored is not None and stored.is_file():
            self.pending[job] = PdfOutcome(job, stored.read_bytes(), [], True)
        elif self.pool is not None:
            self.pending[job] = self.pool.submit(_render, job, self.assets)
        else:
            self.pending[job] = None

    def results(self, jobs: list[PdfJob]) -> list[PdfOutcome]:
        """The outcome of each job, in the order given."""
        outcomes = {outcome.job: outcome for outcome in self.each_result(jobs)}
        return [outcomes[job] for job in jobs]

    def each_result(self, jobs: list[PdfJob]) -> Iterator[PdfOutcome]:
        """The outcome of each job, in the order they finish, each as soon as it is ready."""
        for job in jobs:
            self.submit(job)
        waiting = list(dict.fromkeys(jobs))
        while waiting:
            job = self._first_ready(waiting)
            waiting.remove(job)
            pending = self.pending[job]
            if isinstance(pending, PdfOutcome):
                yield pending
                continue
            data, problems = pending.result() if pending is not None else _render(job, self.assets)
            outcome = PdfOutcome(job, data, problems, False)
            self.pending[job] = outcome
            stored = self._stored(job)
            if stored is not None and data is not None and not problems:
                stored.parent.mkdir(parents=True, exist_ok=True)
                temporary = stored.with_suffix(".tmp")
                temporary.write_bytes(data)
                temporary.replace(stored)
            yield outcome

    def _first_ready(self, jobs: list[PdfJob]) -> PdfJob:
        rendering = {}
        for job in jobs:
            pending = self.pending[job]
            if pending is None or isinstance(pending, PdfOutcome):
                return job
            rendering[pending] = job
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(rendering, return_when=FIRST_COMPLETED)
        return next(job for future, job in rendering.items() if future in done)

    def close(self) -> None:
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        if any(f is not None and not isinstance(f, PdfOutcome) and not f.done() for f in self.pending.values()):
            # A failed or interrupted build: stop the renders now instead of waiting for them.
            # (shutdown(wait=False) would leave the executor's exit hook writing to a closed
            # pipe, which prints a traceback as the interpreter exits.)
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PdfRenderer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def render_jobs(jobs: list[PdfJob], assets: Path, cache: Path | None, workers: int | None = None) -> list[PdfOutcome]:
    """Render `jobs` (largest first) and wait for all of them."""
    ordered = sorted(jobs, key=lambda job: len(job.html), reverse=True)
    needed = min(len(jobs), workers or os.cpu_count() or 1)
    with PdfRenderer(assets, cache, needed) as renderer:
        renderer.results(ordered)
        return renderer.results(jobs)
