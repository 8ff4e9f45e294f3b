"""Benchmark: assess a generated register of 100,000 contracts.

    .venv/bin/python benchmarks/assess_register.py [--rows N] [--project DIR] [--keep DIR]

Generates a register (seeded, so every run assesses the same contracts), then runs
`guidance-builder assess --register ... --out ...` in a fresh process and prints its
wall-clock time and peak memory (the child's maximum resident set size). The time
includes starting Python and loading the edition, as a user would see it.
Target: at most 2 s and 200 MB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TARGET_MB = 200

CRITERIA = ("at_risk_contact", "coercive_powers", "rights_infringement")
SUPPORT = ("model_contract", "government_legal_department", "councillor_collaboration")
HEADER = [
    "reference",
    "title",
    "authority_name",
    "authority_type",
    "provider_name",
    "provider_type",
    "relevant_contract",
    "value_gbp",
    "event",
    "event_date",
    *(f"criteria.{c}" for c in CRITERIA),
    "good_reason.ground",
    "good_reason.evidence",
    "good_reason.support_considered",
]
SERVICES = (
    "Home care",
    "Children's residential care",
    "Waste collection",
    "Parking enforcement",
    "Housing repairs",
    "Payroll",
    "Detention escort",
)


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """A register shaped like a council's: mostly valid rows across every outcome, a few bad ones."""
    rng = random.Random(seed)
    start = datetime.date(2024, 6, 1)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(rows):
            authority = rng.choice(("local_authority", "local_authority", "central_government", "other_public_authority"))
            provider = rng.choice(("private", "private", "private", "voluntary", "local_authority", "other_public_authority"))
            ground = rng.choice(("", "", "", "risk_mitigation", "insufficient_capacity"))
            support = ";".join(s for s in SUPPORT if rng.random() < 0.8) if ground else ""
            evidence = "Capacity review, March 2026" if ground and rng.random() < 0.8 else ""
            value = str(rng.choice((rng.randint(10_000, 400_000), rng.randint(100_000, 50_000_000))))
            if n % 1000 == 999:
                value = "£1,200"  # a bad cell: about one row in a thousand is invalid
            writer.writerow(
                [
                    f"REG-{n:06d}",
                    f"{rng.choice(SERVICES)} lot {n % 97}",
                    f"Council {n % 300}",
                    authority,
                    f"Provider {n % 1500} Ltd",
                    provider,
                    "true" if rng.random() < 0.92 else "false",
                    value,
                    rng.choice(("expiry", "expiry", "termination", "none")),
                    (start + datetime.timedelta(days=rng.randint(0, 900))).isoformat(),
                    *("true" if rng.random() < 0.35 else "false" for _ in CRITERIA),
                    ground,
                    evidence,
                    support,
                ]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--project", default=str(ROOT), help="project whose content to assess against (default: this one)")
    parser.add_argument("--keep", metavar="DIR", help="write the register and results here instead of a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        register, results = folder / "register.csv", folder / "results.csv"
        generate(register, args.rows)
        command = [
            sys.executable,
            "-m",
            "guidance_builder",
            "--project",
            args.project,
            "assess",
            "--register",
            str(register),
            "--out",
            str(results),
        ]
        before = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - before
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if done.returncode not in (0, 2) or not results.exists():
            print(done.stderr, file=sys.stderr)
            print(f"assess failed with exit code {done.returncode}", file=sys.stderr)
            return 1
        with results.open(newline="", encoding="utf-8") as stream:
            written = sum(1 for _ in stream) - 1
        print(done.stdout.rstrip())
        print(f"rows: {args.rows:,} in, {written:,} result rows out; register {register.stat().st_size / 1e6:.1f} MB")
        print(f"time: {seconds:.2f} s (target {TARGET_SECONDS:.0f} s)")
        print(f"peak memory: {peak_mb:.0f} MB (target {TARGET_MB} MB)")
        ok = seconds <= TARGET_SECONDS and peak_mb <= TARGET_MB
        print("within target" if ok else "OVER TARGET")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
