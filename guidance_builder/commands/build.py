"""`guidance-builder build`: check, render every output, then publish them in one swap."""

from __future__ import annotations

from dataclasses import dataclass

from guidance_builder.commands.check import verify, verify_outputs
from guidance_builder.pipeline import render_edition, require_edition
from guidance_builder.project import Project
from guidance_builder.publish import publish


@dataclass
class BuildReport:
    version: str
    files: dict[str, int]
    warnings: list[str]


def run(project: Project, with_pdf: bool = True) -> BuildReport:
    edition, _ = require_edition(project)
    warnings = verify(edition)
    rendered = render_edition(edition, with_pdf=with_pdf)
    verify_outputs(edition, rendered.files)
    publish(rendered.files, project.build / "site")
    return BuildReport(rendered.version, {k: len(v) for k, v in rendered.files.items()}, warnings)


def configure(parser) -> None:
    parser.add_argument("--no-pdf", action="store_true", help="skip PDF rendering (faster preview)")


def main(args, project: Project) -> int:
    import sys

    report = run(project, with_pdf=not args.no_pdf)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    for path, size in sorted(report.files.items()):
        print(f"wrote build/site/{path} ({size:,} bytes)")
    return 0
