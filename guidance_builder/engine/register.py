"""A contract register: one contract per CSV row, streamed, validated and assessed.

Rows are checked by hand rather than through the pydantic model, which is too slow
for a large register; the rules are the same, and tests/test_assess_register.py
runs both on the same contracts. A bad row is reported with its row and column and
the rest are still assessed.

For speed, a row that is plainly valid takes a short path (`RowReader.quick`); a row
whose deciding cells match an earlier valid row's reuses that reading (`_Shortcut`);
and contracts that the engine would decide the same way (`Engine.decision_key`) share
one assessment, whose result row is encoded once, so only the words that quote the
contract's value are made for each row. Anything unusual takes the full path. A large
register is split in two and assessed on two cores (`assess_register`).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import errno
import io
import multiprocessing
import operator
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO

from guidance_builder.diagnostics import Diagnostic, Location, did_you_mean
from guidance_builder.engine.contract import NO_EVENT, PROVIDER_TYPES, Contract, GoodReason
from guidance_builder.engine.reasons import money
from guidance_builder.engine.rules import Assessment, Engine, ThresholdApplied

LIST_SEPARATOR = ";"
REASON_SEPARATOR = " | "
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}
_QUICK_BOOLEANS = {spelling: value for word, value in BOOLEANS.items() for spelling in (word, word.upper(), word.capitalize())}
GOOD_REASON_COLUMNS = ("good_reason.ground", "good_reason.evidence", "good_reason.support_considered")
RESULT_COLUMNS = (
    "row",
    "reference",
    "outcome",
    "decided_by",
    "exemptions",
    "criteria_met",
    "threshold_gbp",
    "threshold_authority_type",
    "threshold_from",
    "reasons",
    "guidance_version",
    "errors",
)
INVALID = "invalid"
MAX_DIGITS = sys.int_info.default_max_str_digits
"""The longest number Python reads by default (4,300 digits); a longer value_gbp is refused, not a crash."""
CACHE_LIMIT = 20_000
"""Entries each cache (dates, shared result rows) may hold before it starts again: bounds memory on any register."""


def register_columns(engine: Engine) -> list[str]:
    """The register's columns, in the order a template file lists them; good_reason.* may be left out."""
    return [
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
        *(f"criteria.{c}" for c in engine.criteria_ids),
        *GOOD_REASON_COLUMNS,
    ]


@dataclass
class RowResult:
    row: int
    contract: Contract | None = None
    assessment: Assessment | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    reference: str = ""
    """For a row that is not valid: its reference cell, if it has one."""


@dataclass
class Summary:
    file: str
    guidance_version: str
    rows: int = 0
    invalid: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    exempt_by: dict[str, int] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)

    def merge(self, other: Summary) -> Summary:
        """This summary followed by another part of the same register."""
        self.rows += other.rows
        self.invalid += other.invalid
        for name, count in other.outcomes.items():
            self.outcomes[name] = self.outcomes.get(name, 0) + count
        for name, count in other.exempt_by.items():
            self.exempt_by[name] = self.exempt_by.get(name, 0) + count
        self.errors.extend(other.errors)
        return self

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "guidance_version": self.guidance_version,
            "rows": self.rows,
            "assessed": self.rows - self.invalid,
            "invalid": self.invalid,
            "outcomes": self.outcomes,
            "exempt_by": self.exempt_by,
            "errors": [
                {"row": d.location.line, "column": d.location.column, "message": d.message, "hint": d.hint, "text": str(d)}
                for d in self.errors
            ],
        }


def _cells_at(columns: tuple[int, ...], optional: bool = False) -> Callable[[list[str]], tuple[str, ...]]:
    """A function taking the cells at these columns from a row, as a tuple (column -1, if optional, gives "")."""
    if optional and -1 in columns:
        return lambda cells: tuple("" if column < 0 else cells[column] for column in columns)
    if len(columns) == 1:
        (column,) = columns
        return lambda cells: (cells[column],)
    return operator.itemgetter(*columns)


def _parse_date(text: str) -> datetime.date | None:
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii() or not text.replace("-", "").isdigit():
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


class RowReader:
    """Turns the cells of one row into a Contract, or into one error per bad cell."""

    def __init__(self, engine: Engine, header: list[str], display: str):
        self.engine = engine
        self.display = display
        self.width = len(header)
        index = {name: i for i, name in enumerate(header)}
        self.index = index
        self.authority_types = frozenset(engine.authority_types)
        self.provider_types = frozenset(PROVIDER_TYPES)
        self.events = frozenset({*engine.trigger_ids, NO_EVENT})
        self.grounds = frozenset(engine.ground_ids)
        self.supports = frozenset(engine.support_ids)
        self.criteria = [(c, index[f"criteria.{c}"]) for c in engine.criteria_ids]
        self.good_reason = [index.get(name) for name in GOOD_REASON_COLUMNS]
        self._positions = tuple(
            index[name]
            for name in (
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
            )
        )
        self._dates: dict[str, datetime.date | None] = {}
        self._main = _cells_at(self._positions)
        self.criteria_ids = [c for c, _ in self.criteria]
        self._flags = _cells_at(tuple(column for _, column in self.criteria))
        self._reason_cells = _cells_at(tuple(-1 if column is None else column for column in self.good_reason), optional=True)
        self._earliest = {kind: engine.earliest_threshold(kind) for kind in engine.authority_types}

    # The short path ----------------------------------------------------------------

    def quick(self, cells: list[str]) -> Contract | None:
        """The contract of a row whose every cell is plainly valid; None sends the row to `read`.

        It may refuse a valid row (the full path then accepts it) but must never accept
        a row `read` would refuse, nor read one differently.
        """
        if len(cells) != self.width:
            return None
        reference, title, authority_name, authority_type, provider_name, provider_type, relevant, raw_value, event, raw_date = self._main(
            cells
        )
        # Text must be non-empty with no spaces around it (str.strip returns the same object then).
        if not (reference and title and authority_name and provider_name):
            return None
        if reference.strip() is not reference or title.strip() is not title:
            return None
        if authority_name.strip() is not authority_name or provider_name.strip() is not provider_name:
            return None
        if authority_type not in self.authority_types or provider_type not in self.provider_types or event not in self.events:
            return None
        relevant = _QUICK_BOOLEANS.get(relevant)
        if relevant is None or not raw_value.isdigit() or not raw_value.isascii() or len(raw_value) > MAX_DIGITS:
            return None
        event_date = self._dates.get(raw_date, False)
        if event_date is False:
            if len(self._dates) >= CACHE_LIMIT:
                self._dates.clear()
            event_date = self._dates[raw_date] = _parse_date(raw_date)
        if event_date is None or event_date < self._earliest[authority_type]:
            return None
        flags = tuple(map(_QUICK_BOOLEANS.get, self._flags(cells)))
        if None in flags:
            return None
        good_reason = None
        ground, evidence, support_text = self._reason_cells(cells)
        if ground:
            if ground not in self.grounds:
                return None
            support = tuple(support_text.split(LIST_SEPARATOR)) if support_text else ()
            if not self.supports.issuperset(support) or len(set(support)) != len(support):
                return None
            good_reason = GoodReason(ground, evidence.strip(), support)
        elif evidence.strip() or support_text:
            return None
        return Contract(
            reference,
            title,
            authority_name,
            authority_type,
            provider_name,
            provider_type,
            relevant,
            int(raw_value),
            event,
            event_date,
            dict(zip(self.criteria_ids, flags, strict=True)),
            good_reason,
        )

    # The full path -------------------------------------------------------------------

    def error(self, errors: list[Diagnostic], row: int, column: int, message: str, hint: str = "") -> None:
        errors.append(Diagnostic(Location(self.display, row, column + 1), message, hint))

    def read(self, cells: list[str], row: int) -> tuple[Contract | None, list[Diagnostic]]:
        errors: list[Diagnostic] = []
        if len(cells) != self.width:
            column = min(len(cells), self.width)
            self.error(
                errors,
                row,
                column,
                f"the row has {len(cells)} cells but the header has {self.width} columns",
                "check for a missing or extra comma",
            )
            return None, errors
        index = self.index

        def text(name: str) -> str:
            value = cells[index[name]].strip()
            if not value:
                self.error(errors, row, index[name], f"'{name}' is empty", "every contract needs it")
            return value

        def choice(name: str, allowed: frozenset[str], noun: str) -> str:
            value = cells[index[name]].strip()
            if value not in allowed:
                if value:
                    self.error(errors, row, index[name], f"unknown {noun} '{value}'", did_you_mean(value, allowed))
                else:
                    self.error(errors, row, index[name], f"'{name}' is empty", "expected one of: " + ", ".join(sorted(allowed)))
            return value

        def boolean(name: str, column: int) -> bool:
            value = BOOLEANS.get(cells[column].strip().lower())
            if value is None:
                self.error(errors, row, column, f"'{name}' should be true or false, not '{cells[column].strip()}'", "write true or false")
                return False
            return value

        reference = text("reference")
        title = text("title")
        authority_name = text("authority_name")
        authority_type = choice("authority_type", self.authority_types, "authority type")
        provider_name = text("provider_name")
        provider_type = choice("provider_type", self.provider_types, "provider type")
        relevant = boolean("relevant_contract", index["relevant_contract"])
        raw_value = cells[index["value_gbp"]].strip()
        value = 0
        if raw_value.isascii() and raw_value.isdigit() and len(raw_value) <= MAX_DIGITS:
            value = int(raw_value)
        elif raw_value.isascii() and raw_value.isdigit():
            self.error(
                errors,
                row,
                index["value_gbp"],
                f"'value_gbp' has {len(raw_value):,} digits; no contract is worth that much",
                "check the cell",
            )
        else:
            self.error(
                errors,
                row,
                index["value_gbp"],
                f"'value_gbp' should be a whole number of pounds, not '{raw_value}'",
                "write the number without £, commas, pence or a minus sign",
            )
        event = choice("event", self.events, "event")
        raw_date = cells[index["event_date"]].strip()
        event_date = _parse_date(raw_date)
        if event_date is None:
            self.error(
                errors,
                row,
                index["event_date"],
                f"'event_date' should be a real date, not '{raw_date}'",
                "write dates as YYYY-MM-DD, for example 2026-09-30",
            )
        criteria = {c: boolean(f"criteria.{c}", column) for c, column in self.criteria}
        good_reason = self._good_reason(cells, row, errors)
        if event_date is not None and authority_type in self.authority_types:
            if self.engine.threshold_for(authority_type, event_date) is None:
                earliest = self.engine.earliest_threshold(authority_type)
                self.error(
                    errors,
                    row,
                    index["event_date"],
                    f"no threshold is in force for {authority_type} on {event_date.isoformat()}",
                    f"the guidance's thresholds start on {earliest.isoformat()}; check the date",
                )
        if errors:
            return None, errors
        contract = Contract(
            reference,
            title,
            authority_name,
            authority_type,
            provider_name,
            provider_type,
            relevant,
            value,
            event,
            event_date,
            criteria,
            good_reason,
        )
        return contract, errors

    def _good_reason(self, cells: list[str], row: int, errors: list[Diagnostic]) -> GoodReason | None:
        ground_at, evidence_at, support_at = self.good_reason
        ground = cells[ground_at].strip() if ground_at is not None else ""
        evidence = cells[evidence_at].strip() if evidence_at is not None else ""
        support_text = cells[support_at].strip() if support_at is not None else ""
        if not ground:
            for name, column, value in (
                ("good_reason.evidence", evidence_at, evidence),
                ("good_reason.support_considered", support_at, support_text),
            ):
                if value:
                    self.error(
                        errors, row, column, f"'{name}' is given but 'good_reason.ground' is empty", "give the ground, or leave both empty"
                    )
            return None
        if ground not in self.grounds:
            self.error(errors, row, ground_at, f"unknown ground '{ground}'", did_you_mean(ground, self.grounds))
        support: list[str] = []
        for item in support_text.split(LIST_SEPARATOR):
            item = item.strip()
            if not item:
                continue
            if item not in self.supports:
                self.error(errors, row, support_at, f"unknown support measure '{item}'", did_you_mean(item, self.supports))
            elif item in support:
                self.error(errors, row, support_at, f"the support measure '{item}' is listed twice", "list each support measure once")
            else:
                support.append(item)
        return GoodReason(ground, evidence, tuple(support))


def check_header(header: list[str], engine: Engine, display: str) -> list[Diagnostic]:
    """Problems with the header row: unknown, repeated or missing columns (a misspelt one is reported once)."""
    known = register_columns(engine)
    required = [c for c in known if c not in GOOD_REASON_COLUMNS]
    missing = [c for c in required if c not in header]
    problems = []
    seen: set[str] = set()
    explained: set[str] = set()
    for position, name in enumerate(header, 1):
        where = Location(display, 1, position)
        if name in seen:
            problems.append(Diagnostic(where, f"the column '{name}' appears twice", "keep one"))
        elif name not in known:
            close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
            if close:
                explained.add(close[0])
                problems.append(Diagnostic(where, f"unknown column '{name}'", f"did you mean '{close[0]}'?"))
            else:
                hint = did_you_mean(name, known) or "remove it; see docs/assess.md for the columns"
                problems.append(Diagnostic(where, f"unknown column '{name}'", hint))
        seen.add(name)
    for name in missing:
        if name not in explained:
            problems.append(Diagnostic(Location(display, 1), f"missing column '{name}'", "add it to the header row"))
    return problems


class RegisterError(Exception):
    """The file cannot be read as a register at all (no header, a bad header)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


class Record(NamedTuple):
    """One record of the register: a valid contract, or the errors that stop it."""

    row: int
    contract: Contract | None
    errors: list[Diagnostic]
    reference: str = ""
    """The reference cell of a row that is not valid, when there is one, to find the row by."""
    encoded: tuple[str, _Encoded] | None = None
    """The result row already made by the shortcut (see `_Shortcut`), with contract None."""


def read_header(reader, engine: Engine, display: str) -> list[str]:
    """The register's header row, checked: unknown, repeated or missing columns stop the whole file."""
    try:
        header = next(reader)
    except StopIteration:
        raise RegisterError([Diagnostic(Location(display, 1), "the register is empty", "the first row should name the columns")]) from None
    except csv.Error as error:
        raise RegisterError(
            [Diagnostic(Location(display, 1), f"the header row is not valid CSV: {error}", _csv_hint(str(error)))]
        ) from None
    header = [name.strip() for name in header]
    problems = check_header(header, engine, display)
    if problems:
        raise RegisterError(problems)
    return header


def read_records(
    engine: Engine,
    stream: TextIO,
    display: str,
    header: list[str] | None = None,
    lines_before: int = 0,
    results: ResultWriter | None = None,
) -> Iterator[Record]:
    """Yield each record of a register, validated.

    With `header`, `stream` is a later part of the file that starts after `lines_before` lines.
    With `results`, a row like one seen before comes with its result row already made.
    """
    reader = csv.reader(stream, strict=True)
    if header is None:
        header = read_header(reader, engine, display)
    rows = RowReader(engine, header, display)
    quick, read = rows.quick, rows.read
    shortcut = _Shortcut(rows, results).line if results is not None else None
    reference_at = rows.index["reference"]
    no_errors: list[Diagnostic] = []
    while True:
        start = lines_before + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Record(
                start, None, [Diagnostic(Location(display, start, 1), f"the row is not valid CSV: {error}", _csv_hint(str(error)))]
            )
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        text = "".join(cells)
        if not text.isascii():
            bad = _undecodable(cells)
            if bad is not None:
                yield Record(
                    start,
                    None,
                    [Diagnostic(Location(display, start, bad + 1), "the cell is not valid UTF-8 text", "save the file as UTF-8")],
                )
                continue
        if not text.isprintable():  # a quick test; the precise one follows only when it fails
            bad = _control(cells)
            if bad is not None:
                position, char = bad
                yield Record(
                    start,
                    None,
                    [
                        Diagnostic(
                            Location(display, start, position + 1),
                            f"the cell holds the control character U+{ord(char):04X}",
                            "delete it; save the register as plain UTF-8 text",
                        )
                    ],
                )
                continue
        if shortcut is not None:
            done = shortcut(cells)
            if done is not None:
                yield Record(start, None, no_errors, "", done)
                continue
        contract = quick(cells)
        if contract is not None:
            yield Record(start, contract, no_errors)
        else:
            contract, errors = read(cells, start)
            yield Record(start, contract, errors, cells[reference_at].strip() if contract is None and len(cells) > reference_at else "")


def read_register(engine: Engine, stream: TextIO, display: str) -> Iterator[RowResult]:
    """Yield one RowResult per record, assessing each valid contract (the plain, uncached path)."""
    for record in read_records(engine, stream, display):
        if record.contract is None:
            yield RowResult(record.row, errors=record.errors, reference=record.reference)
        else:
            yield RowResult(record.row, record.contract, engine.assess(record.contract))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters other than tab and line breaks (which a quoted cell may hold): NUL, escape sequences and the like."""


def _control(cells: list[str]) -> tuple[int, str] | None:
    for position, cell in enumerate(cells):
        found = _CONTROL.search(cell)
        if found:
            return position, found.group()
    return None


def _undecodable(cells: list[str]) -> int | None:
    for position, cell in enumerate(cells):
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


def _csv_hint(message: str) -> str:
    if "end of data" in message:
        return "a quote is opened and never closed; every row after it was read as part of this one"
    if "expected after" in message:
        return 'a quote inside a quoted cell must be doubled ("")'
    if "NUL" in message:
        return "the file holds a NUL byte; save it as plain UTF-8 text"
    return "check the quotes and commas of this row"


# Result rows ------------------------------------------------------------------------


def result_row(result: RowResult, version: str) -> list:
    """The result columns of one record, as values for csv.writer."""
    a = result.assessment
    if a is None:
        reference = inert(result.contract.reference if result.contract else result.reference)
        errors = REASON_SEPARATOR.join(
            f"{d.location.line}:{d.location.column}: {d.message}" + (f" ({d.hint})" if d.hint else "") for d in result.errors
        )
        return [result.row, reference, INVALID, "", "", "", "", "", "", "", version, errors]
    t = a.threshold
    return [
        result.row,
        inert(a.reference),
        a.outcome,
        ";".join(a.decided_by),
        ";".join(a.exemptions),
        ";".join(a.criteria_met),
        t.amount,
        t.authority_type,
        t.in_force_from.isoformat(),
        REASON_SEPARATOR.join([r.cited() for r in a.reasons]),
        a.guidance_version,
        "",
    ]


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def inert(text: str) -> str:
    """A cell copied from the input that a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def _cell(value: object) -> str:
    """One CSV cell as csv.writer (QUOTE_MINIMAL) writes it."""
    text = str(value)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


_VALUE = "\x00value\x00"
"""Stands in for a contract value's words while a shared result row is encoded."""


class _Encoded(NamedTuple):
    outcome: str
    decided: str | None
    head: str
    """The cells from outcome to threshold_from, encoded, each followed by a comma."""
    reasons: tuple[str, ...]
    """The reasons cell's text, escaped, in parts to be joined with the contract value's words."""
    tail: str


class ResultWriter:
    """Encodes result rows, reusing one encoding for every contract with the same decision key."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.version = engine.version
        self._cache: dict[tuple, _Encoded] = {}
        self._tail = f",{_cell(self.version)},\n"

    def encode(self, contract: Contract) -> tuple[str, _Encoded]:
        """The result row of a valid contract, as CSV text after its row number, and its shared part."""
        engine = self.engine
        threshold = engine.threshold_for(contract.authority_type, contract.event_date)
        key = engine.decision_key(contract, threshold)
        encoded = self._cache.get(key)
        if encoded is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            encoded = self._cache[key] = self._encode(contract, threshold)
        return self.line(contract.reference, contract.value_gbp, encoded), encoded

    @staticmethod
    def line(reference: str, value: int, encoded: _Encoded) -> str:
        """A result row (after its row number) from its shared encoding, the reference and the value."""
        reasons = encoded.reasons
        reasons = reasons[0] if len(reasons) == 1 else money(value).join(reasons)
        if reference[:1] in FORMULA_TRIGGERS:
            reference = inert(reference)
        if _NEEDS_QUOTES.search(reference):
            reference = _cell(reference)
        return f'{reference},{encoded.head}"{reasons}"{encoded.tail}'

    def _encode(self, contract: Contract, threshold: ThresholdApplied) -> _Encoded:
        engine = self.engine
        a = engine.assess(contract, value_words=_VALUE)
        t = a.threshold
        cells = (
            a.outcome,
            ";".join(a.decided_by),
            ";".join(a.exemptions),
            ";".join(a.criteria_met),
            t.amount,
            t.authority_type,
            t.in_force_from.isoformat(),
        )
        texts = [reason.cited() for reason in a.reasons]
        reasons = REASON_SEPARATOR.join(texts).replace('"', '""')
        return _Encoded(
            a.outcome,
            a.decided_by[0] if a.decided_by else None,
            "".join(_cell(c) + "," for c in cells),
            tuple(reasons.split(_VALUE)),
            self._tail,
        )


PARALLEL_MIN_BYTES = 4_000_000
"""A register at least this large is split in two and assessed on two cores."""


class _Profile(NamedTuple):
    contract: Contract
    """The first contract seen with these cells."""
    amount: int
    """The threshold that applies to it."""
    encoded: dict[int, _Encoded]
    """Its shared encoding for a value below (-1), equal to (0) and above (1) the threshold."""


class _Shortcut:
    """Result rows for rows whose deciding cells were seen before, without reading them again.

    The deciding cells (types, flags, event, ground and support measures as written,
    whether there is evidence, and the threshold in force on the date) are its key; a
    row whose key matches an earlier plainly valid row's (`RowReader.quick`) is read the
    same way, so only its own cells (reference, title, names, value) are checked, as
    `quick` checks them. Anything else returns None and takes the ordinary path.
    """

    def __init__(self, rows: RowReader, results: ResultWriter):
        self.rows = rows
        self.results = results
        index = rows.index
        self._own = operator.itemgetter(*(index[name] for name in ("reference", "title", "authority_name", "provider_name", "value_gbp")))
        deciding = [index[name] for name in ("authority_type", "provider_type", "relevant_contract", "event")]
        deciding += [column for _, column in rows.criteria]
        ground_at, evidence_at, support_at = rows.good_reason
        deciding += [column for column in (ground_at, support_at) if column is not None]
        self._deciding = operator.itemgetter(*deciding)
        self._evidence_at = evidence_at
        self._when = operator.itemgetter(index["authority_type"], index["event_date"])
        self._periods: dict[tuple[str, str], datetime.date | None] = {}
        self._cache: dict[tuple, _Profile] = {}

    def _period(self, authority_type: str, raw_date: str) -> datetime.date | None:
        """The date the threshold in force on `raw_date` took effect; None if `quick` would refuse the date."""
        if authority_type not in self.rows.authority_types:
            return None
        on = _parse_date(raw_date)
        if on is None:
            return None
        threshold = self.rows.engine.threshold_for(authority_type, on)
        return None if threshold is None else threshold.in_force_from

    def line(self, cells: list[str]) -> tuple[str, _Encoded] | None:
        if len(cells) != self.rows.width:
            return None
        # The date matters only through the threshold in force on it.
        when = self._when(cells)
        period = self._periods.get(when, False)
        if period is False:
            if len(self._periods) >= CACHE_LIMIT:
                self._periods.clear()
            period = self._periods[when] = self._period(*when)
        if period is None:
            return None
        key = (self._deciding(cells), period, self._evidence_at is not None and not cells[self._evidence_at].strip())
        profile = self._cache.get(key)
        if profile is None:
            contract = self.rows.quick(cells)
            if contract is None:
                return None
            threshold = self.rows.engine.threshold_for(contract.authority_type, contract.event_date)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            profile = self._cache[key] = _Profile(contract, threshold.amount, {})
        reference, title, authority_name, provider_name, raw_value = self._own(cells)
        # The checks `quick` makes of these cells.
        if not (reference and title and authority_name and provider_name):
            return None
        if reference.strip() is not reference or title.strip() is not title:
            return None
        if authority_name.strip() is not authority_name or provider_name.strip() is not provider_name:
            return None
        if not raw_value.isdigit() or not raw_value.isascii() or len(raw_value) > MAX_DIGITS:
            return None
        value = int(raw_value)
        amount = profile.amount
        side = (value > amount) - (value < amount)
        encoded = profile.encoded.get(side)
        if encoded is None:
            contract = profile.contract._replace(
                reference=reference, title=title, authority_name=authority_name, provider_name=provider_name, value_gbp=value
            )
            line, encoded = self.results.encode(contract)
            profile.encoded[side] = encoded
            return line, encoded
        return self.results.line(reference, value, encoded), encoded


def assess_register(
    engine: Engine,
    path: Path,
    display: str,
    out: TextIO | None = None,
    on_error: Callable[[Diagnostic], None] | None = None,
    parallel: bool | None = None,
) -> Summary:
    """Assess every row of the register at `path`, writing one result row per contract to `out`.

    A large register is split at a record boundary near its middle; a forked process
    assesses the second part while this one does the first, and the results are
    joined in order, so the output is the same as one pass would give.
    """
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file")
        size = path.stat().st_size
        split = None
        if parallel or (parallel is None and size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) >= 2):
            split = _split_point(path, size)
    except OSError as error:
        raise RegisterError([Diagnostic(Location(display), f"cannot read the register: {error.strerror}")]) from None
    if split is None or "fork" not in multiprocessing.get_all_start_methods():
        with _open_part(path, 0, None) as stream:
            return _assess_stream(engine, stream, display, out, on_error)
    offset, lines_before = split
    with _open_part(path, 0, offset) as stream:
        header = read_header(csv.reader(stream, strict=True), engine, display)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    part = None
    if out is not None:
        handle, part = tempfile.mkstemp(prefix="assess-part-", suffix=".csv")
        os.close(handle)
    worker = context.Process(
        target=_assess_second_part, args=(send, engine, path, display, offset, header, lines_before, part), daemon=True
    )
    worker.start()
    send.close()
    try:
        with _open_part(path, 0, offset) as stream:
            summary = _assess_stream(engine, stream, display, out, on_error)
        try:
            second = receive.recv()
        except EOFError:
            second = None
        worker.join()
        if not isinstance(second, Summary):  # the worker failed: do its part here
            with _open_part(path, offset, None) as stream:
                second = _assess_stream(engine, stream, display, out, on_error, header, lines_before, write_header=False)
        else:
            if out is not None:
                _append_file(out, part)
            if on_error is not None:
                for diagnostic in second.errors:
                    on_error(diagnostic)
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        if part is not None:
            Path(part).unlink(missing_ok=True)
    return summary.merge(second)


def _append_file(out: TextIO, part: str) -> None:
    """Append a UTF-8 file to `out`, as bytes when `out` is a file (no decoding and encoding again)."""
    binary = getattr(out, "buffer", None)
    if binary is not None:
        out.flush()
        with open(part, "rb") as stream:
            shutil.copyfileobj(stream, binary, 1 << 20)
    else:
        with open(part, encoding="utf-8", newline="") as stream:
            shutil.copyfileobj(stream, out, 1 << 20)


def _assess_second_part(
    send, engine: Engine, path: Path, display: str, offset: int, header: list[str], lines_before: int, part: str | None
) -> None:
    try:
        with _open_part(path, offset, None) as stream:
            if part is None:
                summary = _assess_stream(engine, stream, display, None, None, header, lines_before, write_header=False)
            else:
                with open(part, "w", encoding="utf-8", newline="") as out:
                    summary = _assess_stream(engine, stream, display, out, None, header, lines_before, write_header=False)
        send.send(summary)
    except BaseException:  # the parent redoes this part and reports any error itself
        send.send(None)
    finally:
        send.close()


def _assess_stream(
    engine: Engine,
    stream: TextIO,
    display: str,
    out: TextIO | None,
    on_error: Callable[[Diagnostic], None] | None,
    header: list[str] | None = None,
    lines_before: int = 0,
    write_header: bool = True,
) -> Summary:
    summary = Summary(display, engine.version)
    outcomes = summary.outcomes
    for outcome in engine.outcome_names:
        outcomes[outcome] = 0
    exempt_by = summary.exempt_by
    for exemption in engine.exemption_ids:
        exempt_by[exemption] = 0
    errors = summary.errors
    writer = csv.writer(out, lineterminator="\n") if out is not None else None
    if writer is not None and write_header:
        writer.writerow(RESULT_COLUMNS)
    results = ResultWriter(engine)
    encode = results.encode
    version = engine.version
    lines: list[str] = []
    rows = invalid = 0
    for row, contract, row_errors, reference, done in read_records(engine, stream, display, header, lines_before, results):
        rows += 1
        if done is not None:
            line, encoded = done
        elif contract is None:
            invalid += 1
            errors.extend(row_errors)
            if on_error is not None:
                for diagnostic in row_errors:
                    on_error(diagnostic)
            if writer is not None:
                out.writelines(lines)
                lines.clear()
                writer.writerow(result_row(RowResult(row, errors=row_errors, reference=reference), version))
            continue
        else:
            line, encoded = encode(contract)
        outcomes[encoded.outcome] += 1
        if encoded.decided is not None:
            exempt_by[encoded.decided] += 1
        if writer is not None:
            lines.append(f"{row},{line}")
            if len(lines) >= 4096:
                out.writelines(lines)
                lines.clear()
    if writer is not None:
        out.writelines(lines)
    summary.rows, summary.invalid = rows, invalid
    return summary


class _Window(io.RawIOBase):
    """Bytes [start, end) of a file, as a stream."""

    def __init__(self, path: Path, start: int, end: int | None):
        self._file = open(path, "rb")  # closed by close()
        if start:  # a pipe (--register /dev/stdin) cannot seek, and is only ever read from its start
            self._file.seek(start)
        self._left = None if end is None else end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer) if self._left is None else min(len(buffer), self._left)
        if size <= 0:
            return 0
        data = self._file.read(size)
        buffer[: len(data)] = data
        if self._left is not None:
            self._left -= len(data)
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def _open_part(path: Path, start: int, end: int | None) -> TextIO:
    encoding = "utf-8-sig" if start == 0 else "utf-8"
    return io.TextIOWrapper(io.BufferedReader(_Window(path, start, end), 1 << 16), encoding=encoding, errors="surrogateescape", newline="")


def _split_point(path: Path, size: int) -> tuple[int, int] | None:
    """A record boundary near the middle of the file, and the number of lines before it.

    A line break ends a record only outside quotes, that is after an even number of
    quote characters; a file whose quotes never balance is not split.
    """
    if size < 2:
        return None
    quotes = lines = 0
    with open(path, "rb") as stream:
        stream.seek(size // 2)
        stream.readline()
        target = stream.tell()
        stream.seek(0)
        done = 0
        while done < target:
            chunk = stream.read(min(1 << 20, target - done))
            if not chunk:
                return None
            quotes += chunk.count(b'"')
            lines += chunk.count(b"\n")
            done += len(chunk)
        while quotes % 2:
            line = stream.readline()
            if not line:
                return None
            quotes += line.count(b'"')
            lines += line.count(b"\n")
            done += len(line)
    if done >= size:
        return None
    return done, lines
