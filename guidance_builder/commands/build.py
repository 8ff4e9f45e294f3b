"""`guidance-builder build`: check, render the working edition, assemble every edition into the
site, check the outputs, then publish them in one swap.

A build whose inputs have not changed since the last one does nothing: the fingerprint of
everything that makes the site (content, editions, templates, the builder itself) is
compared before anything heavy is even imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from guidance_builder.project import Project

PACKAGE = Path(__file__).resolve().parent.parent


@dataclass
class BuildReport:
    version: str
    files: dict[str, int]
    warnings: list[str]
    frozen: bool
    up_to_date: bool = False


def inputs_fingerprint(project: Project, with_pdf: bool) -> str:
    """A hash of everything that makes the site. A file's hash is reused while its size,
    inode, modification and change times are all as they were, and it had not changed for a
    second before the hashes were last written (as git's index does, and against the same
    filesystem clock), so an unchanged tree costs a `stat` per file."""
    import json

    remembered_path = project.build / ".cache" / "file-hashes.json"
    try:
        trusted_before = remembered_path.stat().st_mtime_ns - 1_000_000_000
        remembered = json.loads(remembered_path.read_text())
    except (OSError, ValueError):
        trusted_before, remembered = 0, {}
    if not isinstance(remembered, dict):  # a damaged cache is only a slower build
        remembered = {}
    hashes: dict[str, list] = {}
    digest = hashlib.sha256(f"pdf={with_pdf}\n".encode())
    for folder in (project.content, project.templates, project.editions, PACKAGE):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            stat = path.stat()
            key = str(path)
            seen = [stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns]
            known = remembered.get(key)
            if (
                isinstance(known, list)
                and known[:4] == seen
                and len(known) == 5
                and max(stat.st_mtime_ns, stat.st_ctime_ns) < trusted_before
            ):
                file_hash = known[4]
            else:
                file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
            hashes[key] = [*seen, file_hash]
            digest.update(f"{path}\n{file_hash}\n".encode())
    if project.build.is_dir():
        with contextlib.suppress(OSError):
            remembered_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = remembered_path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(hashes))
            temporary.replace(remembered_path)
    return digest.hexdigest()


def _stamp(project: Project) -> Path:
    return project.build / ".cache" / "inputs.sha256"


def site_files(edition, with_pdf: bool = True, renderer=None, before_waiting=None) -> dict[str, bytes]:
    """Every file of the site for this edition and all published ones. `before_waiting` runs
    while the PDFs render (the build passes the consistency checks)."""
    from guidance_builder.commands.check import output_problems
    from guidance_builder.diagnostics import ContentError
    from guidance_builder.editions.site import assemble_site, from_published, from_working, in_force
    from guidance_builder.pipeline import RenderContext, start_render
    from guidance_builder.render.outputs import asset_outputs

    histories = {entry.version: entry.changes for entry in edition.history}
    editions = [from_published(p, histories.get(p.version, [])) for p in edition.published]
    meta = edition.book.meta
    changes = histories.get(meta.version, [])
    context = RenderContext(edition, edition.renderer().env, with_pdf)
    if edition.frozen is None:
        pending = start_render(edition, with_pdf=with_pdf, renderer=renderer)
        # While the PDFs render (or the checks run alongside): check the outputs already made,
        # then each PDF the moment it arrives. The consistency checks' problems come first.
        made = {path: data for path, data in pending.files.items() if isinstance(data, bytes)}
        problems = output_problems(edition, made)
        if before_waiting is not None:
            before_waiting()
        if with_pdf:  # the search index needs only the HTML: build it before the PDFs arrive
            # (a failure is met again, and reported, when the site is assembled below)
            with contextlib.suppress(Exception):
                _search(context, in_force([*editions, from_working(meta, made, changes)]))
        rendered = pending.finish(as_ready=lambda path, data: problems.extend(output_problems(edition, {path: data})))
        if any(p.severity == "error" for p in problems):
            raise ContentError(sorted(problems, key=lambda d: d.location))
        editions.append(from_working(meta, rendered.files, changes))
        shared = {k: v for k, v in rendered.files.items() if not k.startswith(f"{rendered.version}/")}
    else:
        if before_waiting is not None:
            before_waiting()
        shared = asset_outputs(RenderContext(edition, edition.renderer().env, with_pdf=False))
    return assemble_site(editions, shared, context.env, edition.book.meta.site_url, search=lambda current: _search(context, current))


def _search(context, current) -> dict[str, bytes]:
    """The search index, rebuilt only when the guidance page it indexes has changed. A preview
    (no PDFs) keeps the index it already has: the full build that follows refreshes it."""
    import json

    from guidance_builder.editions.site import search_index

    existing = context.edition.project.build / "site" / "pagefind"
    if not context.with_pdf and existing.is_dir():
        return {f"pagefind/{p.relative_to(existing).as_posix()}": p.read_bytes() for p in sorted(existing.rglob("*")) if p.is_file()}
    page = current.files.get("guidance.html", b"")
    packed = context.memo(
        "search-index", [current.version, page], lambda: json.dumps({k: v.hex() for k, v in search_index(current).items()}).encode()
    )
    return {name: bytes.fromhex(value) for name, value in json.loads(packed).items()}


def prepare_build_folder(project: Project) -> None:
    """Say in one line, before any work is done, why build/ cannot be written, if it cannot.
    Nothing is left behind: the probe is an unnamed temporary file, in build/ or where it would go."""
    from guidance_builder.diagnostics import ContentError, Diagnostic, Location

    where = Location(project.display(project.build))
    if project.build.exists() and not project.build.is_dir():
        raise ContentError(
            [Diagnostic(where, "this is a file, but the build writes into a folder of this name", "move or remove the file")]
        )
    try:
        probe = tempfile.TemporaryFile(dir=project.build if project.build.is_dir() else project.root)
    except OSError as error:
        raise ContentError(
            [
                Diagnostic(
                    where,
                    f"cannot write the build here: {error.strerror}",
                    "make the project folder writable, or copy it somewhere writable",
                )
            ]
        ) from None
    probe.close()


def run(project: Project, with_pdf: bool = True, force: bool = False, jobs: int | None = None) -> BuildReport:
    prepare_build_folder(project)
    fingerprint = inputs_fingerprint(project, with_pdf)
    stamp = _stamp(project)
    if not force and (project.build / "site").is_dir() and stamp.is_file() and stamp.read_text() == fingerprint:
        return BuildReport("", {}, [], False, up_to_date=True)

    from guidance_builder.render.pdf_jobs import PdfRenderer

    # PDF workers start first: they import WeasyPrint while this process checks the content.
    starting = PdfRenderer(project.assets, project.build / ".cache" / "pdf", jobs) if with_pdf else contextlib.nullcontext()
    with starting as renderer:
        from guidance_builder.checks.alongside import ChecksAlongside
        from guidance_builder.commands.check import verify
        from guidance_builder.pipeline import require_edition
        from guidance_builder.publish import publish

        edition, _ = require_edition(project, caching=True)
        warnings: list[str] = []
        # The checks run while the PDFs render, or beside the HTML when there are no PDFs;
        # nothing is published unless they pass.
        with ChecksAlongside(edition, fork=not with_pdf) as checks:
            files = site_files(
                edition, with_pdf=with_pdf, renderer=renderer, before_waiting=lambda: warnings.extend(verify(edition, checks.result()))
            )
        publish(files, project.build / "site")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    return BuildReport(edition.book.meta.version, {k: len(v) for k, v in files.items()}, warnings, edition.frozen is not None)


def configure(parser) -> None:
    parser.add_argument("--no-pdf", action="store_true", help="skip PDF rendering (faster preview)")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="PDF worker processes (default: one per core; 1 renders in this process)"
    )
    parser.add_argument("--quiet", action="store_true", help="print only a summary line")


def main(args, project: Project) -> int:
    report = run(project, with_pdf=not args.no_pdf, force=args.force, jobs=args.jobs)
    if report.up_to_date:
        print("build/site is up to date: nothing changed since the last build.")
        return 0
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet:
        for path, size in sorted(report.files.items()):
            if not path.startswith(("pagefind/", "latest/")):
                print(f"wrote build/site/{path} ({size:,} bytes)")
    how = "its published documents, unchanged" if report.frozen else "freshly rendered"
    print(f"built {len(report.files)} files into build/site; version {report.version} is {how}.")
    return 0
