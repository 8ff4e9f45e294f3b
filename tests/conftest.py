"""Shared fixtures: a private copy of the bundled project, and the real CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (derandomize: a seed fixed by each test's
# source), so CI passes or fails for the code, not the draw. HYPOTHESIS_PROFILE=explore draws
# afresh each run, with the example database, to hunt for new failures by hand.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent


def _content_version() -> str:
    import re as _re

    found = _re.search(r"^version: (\S+)$", (ROOT / "content" / "guidance.yaml").read_text(encoding="utf-8"), _re.M)
    assert found, "content/guidance.yaml has no version line"
    return found.group(1)


def interruptible() -> None:
    """For a child process: Ctrl-C (SIGINT) as a terminal's foreground command has it. A test run
    started in the background (`cmd &`) inherits SIGINT ignored, and Python then never turns
    it into KeyboardInterrupt; tests that interrupt a command must not depend on that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


VERSION = _content_version()
"""The bundled content's version (also the newest published edition)."""
NEXT_VERSION = ".".join([*VERSION.split(".")[:1], str(int(VERSION.split(".")[1]) + 1), "0"])
"""A version after it, for tests that start the next edition."""


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, project: Path | None = None, cwd: Path | None = None, stdin: str | None = None) -> CliResult:
    command = [sys.executable, "-m", "guidance_builder"]
    if project is not None:
        command += ["--project", str(project)]
    command += list(args)
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd or ROOT, input=stdin, timeout=600)
    return CliResult(done.returncode, done.stdout, done.stderr)


def copy_project(target: Path) -> Path:
    """A copy of the bundled content and templates, safe to change."""
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """One real build of the bundled content (with PDFs), shared by read-only tests."""
    target = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_cli("build", project=target)
    assert result.code == 0, result.stderr
    return target / "build" / "site"
