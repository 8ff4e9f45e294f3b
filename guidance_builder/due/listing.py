"""A contract as the sources give it, and which of them fall due in the window."""

from __future__ import annotations

import datetime
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from guidance_builder.diagnostics import Diagnostic, Location
from guidance_builder.due.values import add_months


@dataclass(frozen=True, slots=True)
class Found:
    """One contract and its end, from a register row or a merged OCDS contract."""

    reference: str
    title: str
    authority: str
    authority_type: str | None
    provider: str
    value_gbp: int | None
    event: str
    event_date: datetime.date
    source: str
    """`file:row` for a register row, the `ocid` for OCDS."""


JSON_THRESHOLD_KEY = "below_threshold"
"""The `due --json` field for the threshold test, named by the published output format. It is
the same word as an exemption id in the bundled content, but names no rule: the one allowed
exception in tests/test_no_policy_in_code.py."""


@dataclass(frozen=True, slots=True)
class Due:
    """A listed contract: what was found, when its assessment should start, and the threshold test."""

    found: Found
    assess_by: datetime.date
    under_threshold: bool | None
    """None when the authority type or the value is not known, or no threshold is in force on the date."""

    def as_json(self) -> dict:
        f = self.found
        return {
            "reference": f.reference,
            "title": f.title,
            "authority": f.authority,
            "authority_type": f.authority_type,
            "provider": f.provider,
            "value_gbp": f.value_gbp,
            "event": f.event,
            "event_date": f.event_date.isoformat(),
            "assess_by": self.assess_by.isoformat(),
            JSON_THRESHOLD_KEY: self.under_threshold,
            "source": f.source,
        }


class Problems:
    """Bad data, each as `file:row: column: what is wrong (hint)`; reading goes on after each."""

    def __init__(self, on_problem: Callable[[Diagnostic], None] | None = None):
        self.items: list[Diagnostic] = []
        self._on_problem = on_problem

    def add(self, where: str, row: int, column: str, message: str, hint: str = "") -> None:
        text = f"{column}: {message}" if column else message
        diagnostic = Diagnostic(Location(where, row), text, hint)
        self.items.append(diagnostic)
        if self._on_problem is not None:
            self._on_problem(diagnostic)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Window:
    on: datetime.date
    since_months: int
    within_months: int
    lead_months: int

    @property
    def start(self) -> datetime.date:
        return add_months(self.on, -self.since_months)

    @property
    def end(self) -> datetime.date:
        return add_months(self.on, self.within_months)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


ThresholdOf = Callable[[str, datetime.date], int | None]
"""The threshold amount in force for an authority type on a date, or None."""


def select(found: Iterable[Found], window: Window, threshold_of: ThresholdOf, into: Sorted | None = None) -> Sorted | list[Due]:
    """The contracts whose end falls in the window, in end-date order (then by source and reference).

    Into a `Sorted` store on disk, so memory does not grow with the list; else as a list.
    """
    listed = into if into is not None else _InMemory()
    start, end = window.start, window.end
    for item in found:
        if not start <= item.event_date <= end:
            continue
        below = None
        if item.authority_type is not None and item.value_gbp is not None:
            amount = threshold_of(item.authority_type, item.event_date)
            below = None if amount is None else item.value_gbp < amount
        listed.add(Due(item, add_months(item.event_date, -window.lead_months), below))
    return listed if into is not None else listed.done()


def _order(d: Due) -> tuple:
    return (d.found.event_date, d.found.source, d.found.reference)


class _InMemory(list):
    add = list.append

    def done(self) -> list[Due]:
        self.sort(key=_order)
        return list(self)


class Sorted:
    """Listed contracts kept in a temporary SQLite table and read back in order, as often as needed."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="guidance-builder-due-list-")
        self._db = sqlite3.connect(Path(self._folder.name) / "listed.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE listed (ends TEXT, source TEXT, reference TEXT, data TEXT)")
        self._batch: list[tuple] = []
        self._count = 0

    def add(self, due: Due) -> None:
        f = due.found
        ends = f.event_date.isoformat()
        data = (f.reference, f.title, f.authority, f.authority_type, f.provider, f.value_gbp, f.event, ends, f.source)
        self._batch.append((ends, f.source, f.reference, json.dumps([*data, due.assess_by.isoformat(), due.under_threshold])))
        self._count += 1
        if len(self._batch) >= 10_000:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO listed VALUES (?, ?, ?, ?)", self._batch)
        self._batch.clear()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Due]:
        self._flush()
        for (data,) in self._db.execute("SELECT data FROM listed ORDER BY ends, source, reference, rowid"):
            *found, assess_by, below = json.loads(data)
            found[7] = datetime.date.fromisoformat(found[7])
            yield Due(Found(*found), datetime.date.fromisoformat(assess_by), below)

    def __enter__(self) -> Sorted:
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()
        self._folder.cleanup()


Listing = Sorted | list[Due]
"""Listed contracts in order: read as often as needed, and `len()` gives their number."""
