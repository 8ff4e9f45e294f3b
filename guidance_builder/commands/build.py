"""`guidance-builder build`: check, render the working edition, assemble every edition into the
site, check the outputs, then publish them in one swap."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from guidance_builder.commands.check import verify, verify_outputs
from guidance_builder.editions.site import SiteEdition, assemble_site, from_published
from guidance_builder.pipeline import Edition, render_edition, require_edition
from guidance_builder.project import Project
from guidance_builder.publish import publish


@dataclass
class BuildReport:
    version: str
    files: dict[str, int]
    warnings: list[str]
    frozen: bool


def site_files(edition: Edition, with_pdf: bool = True) -> dict[str, bytes]:
    """Every file of the site for this edition and all published ones."""
    histories = {entry.version: entry.changes for entry in edition.history}
    editions: list[SiteEdition] = [from_published(p, _changes_of(edition, p.version, histories)) for p in edition.published]
    shared: dict[str, bytes] = {}
    if edition.frozen is None:
        rendered = render_edition(edition, with_pdf=with_pdf)
        verify_outputs(edition, rendered.files)
        prefix = f"{rendered.version}/"
        own = {k.removeprefix(prefix): v for k, v in rendered.files.items() if k.startswith(prefix)}
        shared = {k: v for k, v in rendered.files.items() if not k.startswith(prefix)}
        meta = edition.book.meta
        editions.append(
            SiteEdition(
                meta.version,
                meta.title,
                meta.status,
                meta.change_type,
                meta.change_summary,
                meta.publication_date,
                meta.effective_date,
                own,
                histories.get(meta.version, []),
                False,
            )
        )
    else:
        from guidance_builder.render.outputs import asset_outputs

        shared = asset_outputs_only(edition, asset_outputs)
    return assemble_site(editions, shared, edition.renderer().env, edition.book.meta.site_url)


def asset_outputs_only(edition: Edition, maker) -> dict[str, bytes]:
    from guidance_builder.pipeline import RenderContext

    return maker(RenderContext(edition, edition.renderer().env, with_pdf=False))


def _changes_of(edition: Edition, version: str, histories: dict) -> list:
    if version in histories:
        return histories[version]
    return []


def run(project: Project, with_pdf: bool = True) -> BuildReport:
    edition, _ = require_edition(project)
    warnings = verify(edition)
    files = site_files(edition, with_pdf=with_pdf)
    publish(files, project.build / "site")
    return BuildReport(edition.book.meta.version, {k: len(v) for k, v in files.items()}, warnings, edition.frozen is not None)


def configure(parser) -> None:
    parser.add_argument("--no-pdf", action="store_true", help="skip PDF rendering (faster preview)")
    parser.add_argument("--quiet", action="store_true", help="print only a summary line")


def main(args, project: Project) -> int:
    report = run(project, with_pdf=not args.no_pdf)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet:
        for path, size in sorted(report.files.items()):
            if not path.startswith(("pagefind/", "latest/")):
                print(f"wrote build/site/{path} ({size:,} bytes)")
    how = "its published documents, unchanged" if report.frozen else "freshly rendered"
    print(f"built {len(report.files)} files into build/site; version {report.version} is {how}.")
    return 0
