"""`guidance-builder build`: check, render every output, then publish them in one swap."""

from __future__ import annotations

from dataclasses import dataclass

from guidance_builder.commands.check import verify
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
    publish(rendered.files, project.build / "site")
    return BuildReport(rendered.version, {k: len(v) for k, v in rendered.files.items()}, warnings)
