"""`guidance-builder publish`: freeze the working edition into editions/<version>/ for good."""

from __future__ import annotations

import fcntl

from guidance_builder.commands.build import prepare_build_folder
from guidance_builder.commands.check import verify, verify_outputs
from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.editions.store import freeze, version_key
from guidance_builder.pipeline import render_edition, require_edition
from guidance_builder.project import Project

LOCK = ".publish.lock"


def configure(parser) -> None:
    pass


def main(args, project: Project) -> int:
    prepare_build_folder(project)  # the PDF cache lives there
    project.editions.mkdir(exist_ok=True)
    # One publish at a time: a second waits here, then loads the content afresh, so it finds
    # the edition the first one froze and says "already published". The lock dies with its
    # process, so a killed publish never blocks the next.
    with open(project.editions / LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _publish(project)


def _publish(project: Project) -> int:
    edition, _ = require_edition(project, caching=True)
    verify(edition)
    meta = edition.book.meta
    where = edition.sources.location("guidance.yaml", ("version",))
    if edition.frozen is not None:
        raise ContentError([Diagnostic(where, f"version {meta.version} is already published", "set a new version in guidance.yaml first")])
    newer = [p.version for p in edition.published if version_key(p.version) > version_key(meta.version)]
    if newer:
        raise ContentError(
            [
                Diagnostic(
                    where, f"version {meta.version} is older than the published version {newer[-1]}", "a new edition needs a higher version"
                )
            ]
        )
    if meta.status == "draft":
        raise ContentError([Diagnostic(where, "a draft cannot be published", "set status to consultation or final")])
    rendered = render_edition(edition, with_pdf=True)
    verify_outputs(edition, rendered.files)
    prefix = f"{meta.version}/"
    target = freeze(project, meta, {k.removeprefix(prefix): v for k, v in rendered.files.items() if k.startswith(prefix)})
    print(f"published version {meta.version} into {project.display(target)}; commit it. It will never change.")
    return 0


__all__ = ["Location", "configure", "main"]
