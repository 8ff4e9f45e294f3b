"""Benchmark: how long the quick commands take to start, as a user sees them (prints figures,
never passes or fails).

    .venv/bin/python benchmarks/startup.py [--runs N] [TREE ...]

Each run is a fresh process: starting Python, importing the command and loading the edition
are the whole cost for a small input. Three commands are timed:

    assess --register    a register of one contract, with --out
    assess               one contract in YAML
    check                every check of the content (writes nothing)

TREE is a checkout of this repository (default: this one), for instance an older commit
made with `git archive <commit> | tar -x -C /tmp/before`; its own code runs (PYTHONPATH),
with this environment's packages, against its own content and published editions. With
several trees the runs take turns, so a busy machine slows each tree alike. Prints, for each
command and tree, the median and the fastest wall-clock time and the median CPU time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from assess_register import generate  # noqa: E402  (the register benchmark's contracts, one of them)

SCENARIOS = ROOT / "tests" / "scenarios" / "assess.yaml"


def cli() -> list[str]:
    """The console script users run (no runpy), or `python -m` where it is not installed."""
    script = Path(sys.executable).parent / "guidance-builder"
    return [str(script)] if script.exists() else [sys.executable, "-m", "guidance_builder"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one fresh process, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with exit code {done.returncode}:\n{done.stderr}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per command and tree (default 9)")
    parser.add_argument("trees", nargs="*", type=Path, default=[ROOT], help="checkouts to time (default: this one)")
    args = parser.parse_args(argv)
    trees = [tree.resolve() for tree in args.trees]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        register, contract = folder / "one.csv", folder / "contract.yaml"
        generate(register, 1)
        contract.write_text(yaml.safe_dump(yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))["base"]), encoding="utf-8")
        commands = {
            "assess --register (1 row)": ["assess", "--register", str(register), "--out", str(folder / "results.csv")],
            "assess contract.yaml": ["assess", str(contract)],
            "check": ["check"],
        }
        figures: dict[tuple[str, Path], list[tuple[float, float]]] = {}
        for tree in trees:  # one untimed run each: compiled bytecode and the disk cache, as a user's second run has
            for words in commands.values():
                timed([*cli(), "--project", str(tree), *words], dict(os.environ, PYTHONPATH=str(tree)))
        for _ in range(max(1, args.runs)):
            for name, words in commands.items():
                for tree in trees:
                    run = timed([*cli(), "--project", str(tree), *words], dict(os.environ, PYTHONPATH=str(tree)))
                    figures.setdefault((name, tree), []).append(run)
    print(f"{max(1, args.runs)} fresh processes each; load average now {os.getloadavg()[0]:.2f}")
    for name in commands:
        print(name)
        for tree in trees:
            runs = figures[(name, tree)]
            wall = [w for w, _ in runs]
            cpu = statistics.median(c for _, c in runs)
            print(f"  {statistics.median(wall):6.3f} s median, {min(wall):6.3f} s fastest, {cpu:6.3f} s CPU (median)  {tree}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
