"""Benchmark: how long `check` takes to refuse each case of the hostile corpus.

    .venv/bin/python benchmarks/hostile_refusals.py [--only ID,ID]

Each refused case (tests/hostile/cases.yaml, `run: check`) is placed in a fresh copy of
the bundled project and checked in this process, as tests/test_hostile.py does; the time
of each is printed, slowest first. Target: each under 10 s on a 2-core machine (a hostile
file must be refused quickly). The tests check what is refused; this prints how fast.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

TARGET_SECONDS = 10.0


def main() -> None:
    import test_hostile
    from conftest import copy_project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated case ids")
    args = parser.parse_args()
    wanted = set(filter(None, args.only.split(",")))
    cases = [case for case in test_hostile.CHECKED if not wanted or case["id"] in wanted]
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            root = Path(folder) / case["id"]
            project = copy_project(root / "project")
            (root / "outside").mkdir()
            test_hostile.place(case, project, root / "outside")
            start = time.perf_counter()
            run = test_hostile.run_in_process("--project", str(project), "check")
            timings.append((time.perf_counter() - start, case["id"], run.code))
    for seconds, name, code in sorted(timings, reverse=True):
        flag = "" if seconds < TARGET_SECONDS else "  OVER TARGET"
        print(f"{seconds:7.2f} s  exit {code}  {name}{flag}")
    print(f"{len(timings)} cases; slowest {max(timings)[0]:.2f} s (target {TARGET_SECONDS:.0f} s each)")


if __name__ == "__main__":
    main()
