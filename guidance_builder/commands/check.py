"""`guidance-builder check`: validate everything, write nothing."""

from __future__ import annotations

from guidance_builder.checks import run_checks
from guidance_builder.diagnostics import ContentError, Diagnostic, Diagnostics
from guidance_builder.pipeline import Edition, require_edition
from guidance_builder.project import Project


def verify(edition: Edition, problems: list[Diagnostic] | None = None) -> list[str]:
    """Run every consistency check (or take the `problems` they found elsewhere); raise
    ContentError on any error, return warnings."""
    problems = run_checks(edition) if problems is None else problems
    if any(p.severity == "error" for p in problems):
        raise ContentError(sorted(problems, key=lambda d: d.location))
    return [str(p) for p in problems]


def verify_outputs(edition: Edition, files: dict[str, bytes]) -> None:
    """Check 7 on everything a build produced, PDFs included, before anything is published."""
    problems = output_problems(edition, files)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)


def output_problems(edition: Edition, files: dict[str, bytes]) -> list[Diagnostic]:
    from guidance_builder.checks.one_version import check_outputs

    diagnostics = Diagnostics()
    check_outputs(edition, files, diagnostics)
    return diagnostics.sorted()


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
