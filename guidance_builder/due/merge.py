"""Releases grouped by ocid on disk, then merged one contracting process at a time.

The releases of one process may be anywhere in the input (a bulk download is in no
particular order), so a first pass spills each release to a temporary SQLite table;
reading it back ordered by ocid gives each process's releases together, and memory
holds only one process at a time. Merging is ocdsmerge's, with the merge rules of the
OCDS 1.1.5 release schema stored beside this module: it never fetches anything.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCHEMA = Path(__file__).with_name("release-schema.json")
BATCH = 20_000


@cache
def merger():
    import ocdsmerge
    from ocdsmerge.rules import get_merge_rules

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return ocdsmerge.Merger(merge_rules=get_merge_rules(schema))


@dataclass(frozen=True)
class Placed:
    """A release and where it was read: the file (by its name as shown) and row."""

    release: dict
    file: str
    row: int


@dataclass(frozen=True)
class Process:
    """One contracting process: its releases in date order, and the compiled release."""

    ocid: str
    releases: list[Placed]
    compiled: dict


class MergeFailed(Exception):
    """ocdsmerge refused the releases of one process; the message says why."""


class Spill:
    """A temporary table of releases, removed when closed."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="guidance-builder-due-")
        self._db = sqlite3.connect(Path(self._folder.name) / "releases.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA temp_store=FILE")
        self._db.execute("CREATE TABLE releases (seq INTEGER PRIMARY KEY, ocid TEXT NOT NULL, file INTEGER, row INTEGER, data TEXT)")
        self._files: list[str] = []
        self.count = 0

    def add_all(self, placed: Iterable[tuple[dict, int]], file: str) -> None:
        """Spill (release, row) pairs read from one file."""
        self._files.append(file)
        number = len(self._files) - 1
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
        batch: list[tuple] = []
        self._db.execute("BEGIN")
        for release, row in placed:
            batch.append((release["ocid"], number, row, dumps(release)))
            if len(batch) >= BATCH:
                self._db.executemany("INSERT INTO releases (ocid, file, row, data) VALUES (?, ?, ?, ?)", batch)
                self.count += len(batch)
                batch.clear()
        self._db.executemany("INSERT INTO releases (ocid, file, row, data) VALUES (?, ?, ?, ?)", batch)
        self.count += len(batch)
        self._db.execute("COMMIT")

    def processes(self) -> Iterator[tuple[str, list[Placed]]]:
        """Each ocid with its releases in date order (input order among equal dates)."""
        self._db.execute("CREATE INDEX by_ocid ON releases (ocid, seq)")
        cursor = self._db.execute("SELECT ocid, file, row, data FROM releases ORDER BY ocid, seq")
        files = self._files
        loads = json.loads
        for ocid, rows in itertools.groupby(cursor, key=lambda r: r[0]):
            placed = [Placed(loads(data), files[file], row) for _, file, row, data in rows]
            placed.sort(key=lambda p: _date_key(p.release))
            yield ocid, placed

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()


def _date_key(release: dict) -> str:
    date = release.get("date")
    return date if isinstance(date, str) else ""


def merge(ocid: str, placed: list[Placed]) -> Process:
    if len(placed) == 1:  # one release is its own compiled release (the fields we read are the same)
        return Process(ocid, placed, placed[0].release)
    import ocdsmerge.exceptions

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ocdsmerge.exceptions.OCDSMergeWarning)
            compiled = merger().create_compiled_release([p.release for p in placed])
    except ocdsmerge.exceptions.OCDSMergeError as error:
        raise MergeFailed(str(error)) from None
    return Process(ocid, placed, compiled)
