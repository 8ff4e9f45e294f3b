"""Command line: parse arguments, run one command, and be the only error boundary.

Expected problems (bad content, bad input) print one line each and exit 2; anything
else is a bug, reported in one line with exit 1 unless --debug asks for the traceback.
Each subcommand lives in commands/<name>.py with `configure(parser)` and
`main(args, project) -> int`.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import os
import signal
import sys
import threading
from pathlib import Path

from guidance_builder import __version__
from guidance_builder.diagnostics import ContentError
from guidance_builder.project import Project

EXIT_OK, EXIT_BUG, EXIT_CONTENT = 0, 1, 2

COMMANDS = {
    "build": "check the content and build the site into build/site",
    "check": "run every validation and consistency check; write nothing",
    "publish": "freeze the working edition into editions/<version>/; published editions never change",
    "diff": "list what changed in the rules between two editions",
    "serve": "build, serve the site on localhost and rebuild on every change",
    "assess": "assess a contract, or a register of contracts, against the guidance's rules",
    "due": "list the contracts whose end falls due for an assessment, from registers and OCDS notices",
    "contract": "fill the model contract or the assessment record from YAML answers; list their fields",
}
"""Subcommand name → help; the module is guidance_builder.commands.<name>."""


def make_parser(argv: list[str]) -> argparse.ArgumentParser:
    """All subcommands are listed, but only the one being run is imported and configured,
    so a quick command does not pay for loading the others."""
    parser = argparse.ArgumentParser(prog="guidance-builder", description="Build statutory guidance from structured policy content.")
    parser.add_argument("--version", action="version", version=f"guidance-builder {__version__}")
    parser.add_argument("--project", default=".", help="project folder holding content/ and templates/ (default: current folder)")
    parser.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    for name, help_text in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            _command_module(name).configure(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so temporary files are removed on the way out."""


def _terminate(signum, frame) -> None:
    raise _Terminated


def _template_errors() -> tuple[type[Exception], ...]:
    """Jinja's errors of a missing or broken template, when a command has loaded Jinja at all
    (a command that renders nothing, such as `assess`, does not import it)."""
    jinja2 = sys.modules.get("jinja2")
    return (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound) if jinja2 is not None else ()


def _command_module(name: str):
    return importlib.import_module(f"guidance_builder.commands.{name.replace('-', '_')}")


def main(argv: list[str] | None = None) -> int:
    # One command, then exit: collect cyclic garbage rarely (mypy's setting). The default
    # collects a hundred times in a preview build, a tenth of its time, and frees almost nothing.
    gc.set_threshold(200_000, 30, 30)
    argv = sys.argv[1:] if argv is None else argv
    parser = make_parser(argv)
    args = parser.parse_args(argv)
    project = Project.at(Path(args.project))
    if not project.root.is_dir():
        what = "is a file, not a folder" if project.root.exists() else "does not exist"
        tried = "" if args.project == str(project.root) else f": {project.root}"
        print(f"{args.project}: the project folder {what}{tried} (pass --project with the folder that holds content/)", file=sys.stderr)
        return EXIT_CONTENT
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if on_main_thread else None
    try:
        return _command_module(args.command).main(args, project)
    except ContentError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len([d for d in error.diagnostics if d.severity == "error"])
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    except _template_errors() as error:
        from guidance_builder.render.environment import template_problem

        print(template_problem(error, project), file=sys.stderr)
        return EXIT_CONTENT
    except BrokenPipeError:  # the reader stopped reading (`| head`): not an error of ours
        return 141
    except OSError as error:
        problem = filesystem_problem(error, project)
        if problem is None or args.debug:
            raise
        print(problem, file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt as interrupt:
        print("interrupted; the previous output is unchanged.", file=sys.stderr)
        return 143 if isinstance(interrupt, _Terminated) else 130
    except Exception as error:  # the boundary: a bug must not reach a drafter as a traceback
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback, and report it)", file=sys.stderr)
        return EXIT_BUG
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


_FILESYSTEM = {
    errno.EACCES: "make it writable, or run the command where you may write",
    errno.EPERM: "make it writable, or run the command where you may write",
    errno.EROFS: "the disk is read-only: copy the project somewhere writable",
    errno.ENOSPC: "the disk is full: free some space and run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space and run the command again",
    errno.ENOTDIR: "a file stands where a folder should be: move it away",
    errno.EISDIR: "a folder stands where a file should be: move it away",
    errno.EEXIST: "something is already there: move it away",
}
"""Errors of the place a command writes to, not of guidance-builder: the user can fix each."""


def filesystem_problem(error: OSError, project: Project) -> str | None:
    """One line for a file-system error the user can fix, or None for anything else (a bug)."""
    hint = _FILESYSTEM.get(error.errno)
    if hint is None or not error.filename:
        return None
    path = Path(os.path.abspath(error.filename))
    if error.errno == errno.ENOTDIR:  # name the file in the way, not the path that runs through it
        path = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), path)
    where = project.display(path)
    return f"{where}: {error.strerror} ({hint})"


def run() -> None:
    """The console entry point: run one command, then end the process at once. Tearing the
    interpreter down (freeing every object one by one) takes longer than a preview build's
    checks; every command has closed its files and processes by the time it returns, so
    only the standard streams are left to flush. (mypy ends the same way.)"""
    try:
        code = main()
    except SystemExit as stop:  # argparse: --help, --version, a usage error
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader has gone (`| head`): say nothing, as `main` does
            code = code or 141
        except (OSError, ValueError):  # output lost (a full disk): as Python's own shutdown does
            code = code or 120
    os._exit(code)


if __name__ == "__main__":
    run()
