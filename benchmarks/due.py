"""Benchmark: `due` over a generated bulk download of 1,000,000 OCDS releases.

    .venv/bin/python benchmarks/due.py [--releases N] [--also N ...] [--keep DIR]

Generates JSON Lines shaped like a Find a Tender bulk download (seeded, so every run
reads the same data): a UK7 contract details notice for each process, a UK10 change
for some (a new end date), a UK11 termination for others, in no particular order, so
the releases of one process are far apart in the file. Then it runs
`guidance-builder due --on 2026-01-15 releases.jsonl --json` in a fresh process and
prints the wall-clock time, CPU time and peak memory (every process, together), with
the time to start Python and load the edition included, as a user would see it.
Each input is listed twice: with the default window (12 months back, 18 ahead), and
with a one-month window, whose short list shows the memory the input itself takes.
`--also` runs smaller inputs too, to show that this does not grow with the input.
It prints figures; it never passes or fails.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assess_register import run_once  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "ocds-h6vhtk-"
BUYERS = (
    ("GB-PPON-PA{:04d}", "publicAuthoritySubCentralGovernment", "{} County Council"),
    ("GB-PPON-PC{:04d}", "publicAuthorityCentralGovernment", "Department {}"),
    ("GB-PPON-PU{:04d}", "publicUndertaking", "Public Body {}"),
)
SERVICES = ("Home care", "Children's residential care", "Waste collection", "Housing repairs", "Detention escort", "Payroll")


def _date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def release(kind: str, n: int) -> dict:
    """One notice of process `n`; each process's notices are made from its own seed, so they agree."""
    rng = random.Random(n)
    ocid = f"{PREFIX}{n:07d}"
    scheme, ca_type, name = rng.choice(BUYERS)
    buyer_id = scheme.format(n % 400)
    signed = _date(rng, 2019, 2025)
    end = _date(rng, 2020, 2034)
    if kind == "UK7":
        value = rng.choice((rng.randint(20_000, 400_000), rng.randint(100_000, 20_000_000)))
        return {
            "ocid": ocid,
            "id": f"{n:07d}-UK7",
            "date": f"{signed}T09:00:00Z",
            "tag": ["award", "contract"],
            "tender": {"id": ocid, "title": f"{rng.choice(SERVICES)} lot {n % 97}", "legalBasis": {"scheme": "UKPGA", "id": "2023/54"}},
            "buyer": {"id": buyer_id, "name": name.format(n % 400)},
            "parties": [
                {
                    "id": buyer_id,
                    "name": name.format(n % 400),
                    "roles": ["buyer"],
                    "details": {"classifications": [{"scheme": "UK_CA_TYPE", "id": ca_type}]},
                },
                {"id": f"GB-COH-{n:08d}", "name": f"Provider {n % 1500} Ltd", "roles": ["supplier"]},
            ],
            "awards": [{"id": "1", "status": "active", "suppliers": [{"id": f"GB-COH-{n:08d}", "name": f"Provider {n % 1500} Ltd"}]}],
            "contracts": [
                {
                    "id": "1",
                    "awardID": "1",
                    "status": "active",
                    "period": {"startDate": f"{signed}T00:00:00Z", "endDate": f"{end}T23:59:59Z"},
                    "value": {"amount": value, "amountGross": round(value * 1.2), "currency": "GBP"},
                    "documents": [{"id": f"{n:07d}-UK7", "documentType": "contractNotice", "noticeType": "UK7"}],
                }
            ],
        }
    if kind == "UK10":
        return {
            "ocid": ocid,
            "id": f"{n:07d}-UK10",
            "date": "2025-11-01T09:00:00Z",
            "tag": ["contractAmendment"],
            "contracts": [
                {
                    "id": "1",
                    "period": {"endDate": f"{_date(rng, 2026, 2030)}T23:59:59Z"},
                    "amendments": [{"id": "1", "date": "2025-11-01T09:00:00Z", "description": "Extension"}],
                }
            ],
        }
    return {
        "ocid": ocid,
        "id": f"{n:07d}-UK11",
        "date": "2025-12-01T09:00:00Z",
        "tag": ["contractTermination"],
        "contracts": [{"id": "1", "status": "terminated", "implementation": {"endDate": f"{_date(rng, 2025, 2026)}T00:00:00Z"}}],
    }


def generate(path: Path, releases: int, seed: int = 2026) -> int:
    """Write `releases` releases as JSON Lines; return the number of processes."""
    rng = random.Random(seed)
    notices: list[tuple[str, int]] = []
    n = 0
    while len(notices) < releases:
        notices.append(("UK7", n))
        if rng.random() < 0.35:
            notices.append(("UK10", n))
        if rng.random() < 0.15:
            notices.append(("UK11", n))
        n += 1
    del notices[releases:]
    rng.shuffle(notices)
    with path.open("w", encoding="utf-8") as stream:
        for kind, number in notices:
            stream.write(json.dumps(release(kind, number), separators=(",", ":")) + "\n")
    return n


def measure(command: list[str]) -> tuple[float, float, float, float, int] | None:
    """Run `command` from a fresh process of this script, so the peak memory the kernel reports is this command's alone."""
    done = subprocess.run([sys.executable, __file__, "--measure", json.dumps(command)], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return None
    return tuple(json.loads(done.stdout))


def _measure(command: list[str]) -> int:
    done, seconds, cpu, peak_mb, largest_mb = run_once(command)
    if done.returncode not in (0, 2):
        print(done.stderr, file=sys.stderr)
        return 1
    print(json.dumps([seconds, cpu, peak_mb, largest_mb, len(json.loads(done.stdout)["contracts"])]))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=1_000_000)
    parser.add_argument("--also", type=int, nargs="*", default=[], help="smaller inputs to run as well (their peak memory, for comparison)")
    parser.add_argument("--keep", metavar="DIR", help="write the generated files here instead of a temporary folder")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        return _measure(json.loads(args.measure))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        # A copy of the bundled content and templates, as the tests use (no published editions to compare with).
        project = folder / "project"
        for name in ("content", "templates"):
            shutil.rmtree(project / name, ignore_errors=True)
            shutil.copytree(ROOT / name, project / name)
        for count in [*args.also, args.releases]:
            data = folder / f"releases-{count}.jsonl"
            processes = generate(data, count)
            size = data.stat().st_size / 1e6
            command = [
                sys.executable,
                "-m",
                "guidance_builder",
                "--project",
                str(project),
                "due",
                "--on",
                "2026-01-15",
                str(data),
                "--json",
            ]
            for window, options in (("default window", []), ("one-month window", ["--since", "0", "--within", "1"])):
                measured = measure([*command, *options])
                if measured is None:
                    return 1
                seconds, cpu, peak_mb, largest_mb, listed = measured
                print(
                    f"{count:,} releases ({processes:,} processes, {size:.0f} MB of JSON Lines), {window}: {seconds:.1f} s wall, "
                    f"{cpu:.1f} s CPU, peak memory {peak_mb:.0f} MB (largest process {largest_mb:.0f} MB); {listed:,} contracts listed",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
