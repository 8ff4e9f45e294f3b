"""Benchmark: the clean full build and `check` of a tree's bundled content, to compare two
versions of the code side by side (prints figures, never passes or fails).

    .venv/bin/python benchmarks/build_and_check.py [TREE]

TREE is a checkout of this repository (default: this one), for instance an older commit made
with `git worktree add /tmp/before <commit>`; its own code runs (PYTHONPATH), with this
environment's packages. Its content and templates are copied without the published editions,
so every document of the working edition is rendered. Prints the median of three clean
builds and of five checks.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    tree = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    env = dict(os.environ, PYTHONPATH=str(tree))
    work = Path(tempfile.mkdtemp()) / "project"
    work.mkdir()
    for name in ("content", "templates", ".deps"):
        shutil.copytree(tree / name if (tree / name).exists() else ROOT / name, work / name)
    (work / "node_modules").symlink_to(ROOT / "node_modules")

    def run(*args: str) -> float:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "guidance_builder", "--project", str(work), *args], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        return time.perf_counter() - start

    builds = []
    for _ in range(3):
        shutil.rmtree(work / "build", ignore_errors=True)
        builds.append(run("build"))
    checks = [run("check") for _ in range(5)]
    print(
        f"{tree}: clean full build {statistics.median(builds):.2f} s (median of 3), check {statistics.median(checks):.2f} s (median of 5)"
    )
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
