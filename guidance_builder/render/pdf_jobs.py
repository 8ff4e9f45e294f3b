"""PDF rendering as jobs: cached by what makes them, and run across the cores.

A job's key is the hash of everything that decides its bytes: the print HTML, the assets
folder, the form flag, the identifier and the versions of guidance-builder and WeasyPrint.
An unchanged document is taken from build/.cache/pdf/ instead of being rendered again;
the rest render in worker processes, largest first, one per core.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from guidance_builder import __version__


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


def job_key(job: PdfJob, assets_fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (__version__, package_version("weasyprint"), assets_fingerprint, str(job.forms), job.identifier.decode(), job.html):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _render(job: PdfJob, assets: Path) -> tuple[bytes | None, list[str]]:
    from guidance_builder.render.pdf import render_pdf

    result = render_pdf(job.html, assets, job.identifier, forms=job.forms)
    return result.data, result.problems


def render_jobs(jobs: list[PdfJob], assets: Path, cache: Path | None, workers: int | None = None) -> list[PdfOutcome]:
    fingerprint = folder_fingerprint(assets)
    outcomes: dict[int, PdfOutcome] = {}
    todo: list[tuple[int, PdfJob, Path | None]] = []
    for index, job in enumerate(jobs):
        stored = cache / f"{job_key(job, fingerprint)}.pdf" if cache else None
        if stored is not None and stored.is_file():
            outcomes[index] = PdfOutcome(job, stored.read_bytes(), [], True)
        else:
            todo.append((index, job, stored))
    todo.sort(key=lambda item: len(item[1].html), reverse=True)
    workers = min(len(todo), workers or os.cpu_count() or 1)
    if workers <= 1:
        results = [_render(job, assets) for _, job, _ in todo]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_render, [job for _, job, _ in todo], [assets] * len(todo)))
    for (index, job, stored), (data, problems) in zip(todo, results, strict=True):
        outcomes[index] = PdfOutcome(job, data, problems, False)
        if stored is not None and data is not None and not problems:
            stored.parent.mkdir(parents=True, exist_ok=True)
            temporary = stored.with_suffix(".tmp")
            temporary.write_bytes(data)
            temporary.replace(stored)
    return [outcomes[i] for i in range(len(jobs))]
