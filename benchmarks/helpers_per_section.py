"""Benchmark: `check` with many helpers in one section.

    .venv/bin/python benchmarks/helpers_per_section.py [--sizes 2000,4000,8000,16000] [--profile]

Appends N paragraphs, each with helpers ({term:...}, {ref:...}, {value:...}), to one
section of a copy of the bundled project, runs `check` in this process and prints the
time for each N and the time per helper. Time per helper should stay flat as N grows:
a rising figure means some step is quadratic in the helpers of one section.

Figures with --dense on the 2-core machine (seconds for 8,000 / 16,000 / 32,000 / 64,000
helpers): 2.06 / 6.39 / 21.64 / 74.82 when each helper's line was counted from the start of
its paragraph; 1.25 / 1.96 / 3.59 / 5.83 once counted on from the previous helper.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = (
    "The authority should check whether the {term:relevant_contract} meets {ref:criterion.coercive_powers} "
    "and whether it is above {value:threshold.local_authority}.\n\n"
)
HELPERS_PER_PARAGRAPH = 3


def project_with(helpers: int, root: Path, dense: bool = False) -> Path:
    project = root / f"p{helpers}{'d' if dense else ''}"
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, project / folder)
    section = project / "content" / "sections" / "support.md"
    with section.open("a", encoding="utf-8") as stream:
        if dense:  # one paragraph, one helper after another
            stream.write("\n\nThe criteria are " + "{count:criteria} " * helpers + "in all.\n")
        else:
            stream.write("\n\n" + PARAGRAPH * (helpers // HELPERS_PER_PARAGRAPH))
    return project


def run_check(project: Path) -> tuple[int, float]:
    from guidance_builder.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(project), "check"])
    return code, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,4000,8000,16000")
    parser.add_argument("--dense", action="store_true", help="every helper in one paragraph, not three to a paragraph")
    parser.add_argument("--profile", action="store_true", help="print the 15 costliest functions for the largest size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        run_check(project_with(HELPERS_PER_PARAGRAPH, Path(folder)))  # warm imports and caches
        print(f"{'helpers':>8} {'seconds':>8} {'µs per helper':>14}  exit")
        for size in sizes:
            project = project_with(size, Path(folder), args.dense)
            code, seconds = run_check(project)
            print(f"{size:>8} {seconds:>8.2f} {seconds / size * 1e6:>14.1f}  {code}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            run_check(project)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
