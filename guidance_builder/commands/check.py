"""`guidance-builder check`: validate everything, write nothing."""

from __future__ import annotations

from guidance_builder.checks import run_checks
from guidance_builder.diagnostics import ContentError
from guidance_builder.pipeline import Edition, require_edition
from guidance_builder.project import Project


def verify(edition: Edition) -> list[str]:
    """Run every consistency check; raise ContentError on any error, return warnings."""
    problems = run_checks(edition)
    if any(p.severity == "error" for p in problems):
        raise ContentError(sorted(problems, key=lambda d: (d.location, d.message)))
    return [str(p) for p in problems]


def run(project: Project) -> list[str]:
    edition, _ = require_edition(project)
    return verify(edition)


def configure(parser) -> None:
    pass


def main(args, project: Project) -> int:
    import sys

    for warning in run(project):
        print(warning, file=sys.stderr)
    print("check passed: the content is consistent.")
    return 0
