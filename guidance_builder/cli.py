"""Command line: parse arguments, run one command, and be the only error boundary.

Expected problems (bad content, bad input) print one line each and exit 2; anything
else is a bug, reported in one line with exit 1 unless --debug asks for the traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidance_builder import __version__
from guidance_builder.diagnostics import ContentError
from guidance_builder.project import Project

EXIT_OK, EXIT_BUG, EXIT_CONTENT = 0, 1, 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guidance-builder", description="Build statutory guidance from structured policy content.")
    parser.add_argument("--version", action="version", version=f"guidance-builder {__version__}")
    parser.add_argument("--project", default=".", help="project folder holding content/ and templates/ (default: current folder)")
    parser.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="check the content and build the site into build/site")
    build.add_argument("--no-pdf", action="store_true", help="skip PDF rendering (faster preview)")
    commands.add_parser("check", help="run every validation and consistency check; write nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    project = Project.at(Path(args.project))
    try:
        return _dispatch(args, project)
    except ContentError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len([d for d in error.diagnostics if d.severity == "error"])
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged.", file=sys.stderr)
        return 130
    except Exception as error:  # the boundary: a bug must not reach a drafter as a traceback
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback, and report it)", file=sys.stderr)
        return EXIT_BUG


def _dispatch(args: argparse.Namespace, project: Project) -> int:
    if args.command == "check":
        from guidance_builder.commands import check

        for warning in check.run(project):
            print(warning, file=sys.stderr)
        print("check passed: the content is consistent.")
        return EXIT_OK
    if args.command == "build":
        from guidance_builder.commands import build

        report = build.run(project, with_pdf=not args.no_pdf)
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        for path, size in sorted(report.files.items()):
            print(f"wrote build/site/{path} ({size:,} bytes)")
        return EXIT_OK
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
