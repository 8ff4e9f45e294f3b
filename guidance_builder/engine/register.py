"""A contract register: one contract per CSV row, streamed, validated and assessed.

Rows are checked by hand rather than through the pydantic model, which is too slow
for a large register; the rules are the same (tests/test_assess_register.py runs
both on the same contracts). A bad row is reported with its row and column and
the rest are still assessed.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from guidance_builder.diagnostics import Diagnostic, Location, did_you_mean
from guidance_builder.engine.contract import NO_EVENT, PROVIDER_TYPES, Contract, GoodReason
from guidance_builder.engine.rules import Assessment, Engine

LIST_SEPARATOR = ";"
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}
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


@dataclass
class Summary:
    file: str
    guidance_version: str
    rows: int = 0
    invalid: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    exempt_by: dict[str, int] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)

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
                {"row": d.location.line, "column": d.location.column, "message": d.message, "hint": d.hint, "text": str(d)} for d in self.errors
            ],
        }


class RowReader:
    """Turns the cells of one row into a Contract, or into one error per bad cell."""

    def __init__(self, engine: Engine, header: list[str], display: str):
        self.engine = engine
        self.display = display
        self.width = len(header)
        index = {name: i for i, name in enumerate(header)}
        self.index = index
        self.authority_types = set(engine.authority_types)
        self.provider_types = set(PROVIDER_TYPES)
        self.events = {*engine.trigger_ids, NO_EVENT}
        self.grounds = set(engine.ground_ids)
        self.supports = set(engine.support_ids)
        self.criteria = [(c, index[f"criteria.{c}"]) for c in engine.criteria_ids]
        self.good_reason = [index.get(name) for name in GOOD_REASON_COLUMNS]
        self._dates: dict[str, datetime.date | None] = {}

    def error(self, errors: list[Diagnostic], row: int, column: int, message: str, hint: str = "") -> None:
        errors.append(Diagnostic(Location(self.display, row, column + 1), message, hint))

    def read(self, cells: list[str], row: int) -> tuple[Contract | None, list[Diagnostic]]:
        errors: list[Diagnostic] = []
        if len(cells) != self.width:
            column = min(len(cells), self.width)
            self.error(
                errors, row, column, f"the row has {len(cells)} cells but the header has {self.width} columns", "check for a missing or extra comma"
            )
            return None, errors
        index = self.index

        def text(name: str) -> str:
            value = cells[index[name]].strip()
            if not value:
                self.error(errors, row, index[name], f"'{name}' is empty", "every contract needs it")
            return value

        def choice(name: str, allowed: set[str], noun: str) -> str:
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
        if raw_value.isascii() and raw_value.isdigit():
            value = int(raw_value)
        else:
            value = 0
            self.error(
                errors,
                row,
                index["value_gbp"],
                f"'value_gbp' should be a whole number of pounds, not '{raw_value}'",
                "write the number without £, commas, pence or a minus sign",
            )
        event = choice("event", self.events, "event")
        raw_date = cells[index["event_date"]].strip()
        event_date = self._dates.get(raw_date, False)
        if event_date is False:
            event_date = self._dates[raw_date] = _parse_date(raw_date)
        if event_date is None:
            self.error(
                errors, row, index["event_date"], f"'event_date' should be a real date, not '{raw_date}'", "write dates as YYYY-MM-DD, for example 2026-09-30"
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
        return Contract(
            reference, title, authority_name, authority_type, provider_name, provider_type, relevant, value, event, event_date, criteria, good_reason
        ), errors

    def _good_reason(self, cells: list[str], row: int, errors: list[Diagnostic]) -> GoodReason | None:
        ground_at, evidence_at, support_at = self.good_reason
        ground = cells[ground_at].strip() if ground_at is not None else ""
        evidence = cells[evidence_at].strip() if evidence_at is not None else ""
        support_text = cells[support_at].strip() if support_at is not None else ""
        if not ground:
            for name, column, value in (("good_reason.evidence", evidence_at, evidence), ("good_reason.support_considered", support_at, support_text)):
                if value:
                    self.error(errors, row, column, f"'{name}' is given but 'good_reason.ground' is empty", "give the ground, or leave both empty")
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


def _parse_date(text: str) -> datetime.date | None:
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.replace("-", "").isdigit() or not text.isascii():
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def check_header(header: list[str], engine: Engine, display: str) -> list[Diagnostic]:
    """Problems with the header row: unknown, repeated or missing columns."""
    known = register_columns(engine)
    required = [c for c in known if c not in GOOD_REASON_COLUMNS]
    problems = []
    seen: set[str] = set()
    for position, name in enumerate(header, 1):
        where = Location(display, 1, position)
        if name in seen:
            problems.append(Diagnostic(where, f"the column '{name}' appears twice", "keep one"))
        elif name not in known:
            missing = [c for c in required if c not in header]
            hint = did_you_mean(name, missing) or did_you_mean(name, known) or "remove it; see docs/assess.md for the columns"
            problems.append(Diagnostic(where, f"unknown column '{name}'", hint))
        seen.add(name)
    for name in required:
        if name not in seen:
            problems.append(Diagnostic(Location(display, 1), f"missing column '{name}'", "add it to the header row"))
    return problems


class RegisterError(Exception):
    """The file cannot be read as a register at all (no header, a bad header)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


def read_register(engine: Engine, stream: TextIO, display: str) -> Iterator[RowResult]:
    """Yield one RowResult per record of the register, assessing each valid one."""
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise RegisterError([Diagnostic(Location(display, 1), "the register is empty", "the first row should name the columns")]) from None
    except csv.Error as error:
        raise RegisterError([Diagnostic(Location(display, 1), f"the header row is not valid CSV: {error}")]) from None
    header = [name.strip() for name in header]
    problems = check_header(header, engine, display)
    if problems:
        raise RegisterError(problems)
    rows = RowReader(engine, header, display)
    assess = engine.assess
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowResult(start, errors=[Diagnostic(Location(display, start, 1), f"the row is not valid CSV: {error}", _csv_hint(str(error)))])
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        bad = _undecodable(cells)
        if bad is not None:
            yield RowResult(start, errors=[Diagnostic(Location(display, start, bad + 1), "the cell is not valid UTF-8 text", "save the file as UTF-8")])
            continue
        contract, errors = rows.read(cells, start)
        if contract is None:
            yield RowResult(start, errors=errors)
        else:
            yield RowResult(start, contract, assess(contract))


def _undecodable(cells: list[str]) -> int | None:
    for position, cell in enumerate(cells):
        if not cell.isascii():
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError:
                return position
    return None


def _csv_hint(message: str) -> str:
    if "end of data" in message:
        return "a quote is opened and never closed; every row after it was read as part of this one"
    if "expected after" in message:
        return "a quote inside a quoted cell must be doubled (\"\")"
    if "NUL" in message:
        return "the file holds a NUL byte; save it as plain UTF-8 text"
    return "check the quotes and commas of this row"


def result_row(result: RowResult, version: str) -> list:
    a = result.assessment
    if a is None:
        reference = result.contract.reference if result.contract else ""
        errors = " | ".join(f"{d.location.line}:{d.location.column}: {d.message}" + (f" ({d.hint})" if d.hint else "") for d in result.errors)
        return [result.row, reference, INVALID, "", "", "", "", "", "", "", version, errors]
    t = a.threshold
    return [
        result.row,
        a.reference,
        a.outcome,
        ";".join(a.decided_by),
        ";".join(a.exemptions),
        ";".join(a.criteria_met),
        t.amount,
        t.authority_type,
        t.in_force_from.isoformat(),
        " | ".join([r.cited() for r in a.reasons]),
        a.guidance_version,
        "",
    ]


def assess_register(
    engine: Engine, path: Path, display: str, out: TextIO | None = None, on_error: Callable[[Diagnostic], None] | None = None
) -> Summary:
    """Assess every row of the register at `path`, writing one result row per contract to `out`."""
    summary = Summary(display, engine.version)
    outcomes = summary.outcomes
    for outcome in engine.outcome_names:
        outcomes[outcome] = 0
    exempt_by = summary.exempt_by
    for exemption in engine.exemption_ids:
        exempt_by[exemption] = 0
    writer = csv.writer(out, lineterminator="\n") if out is not None else None
    if writer is not None:
        writer.writerow(RESULT_COLUMNS)
    version = engine.version
    try:
        stream = path.open(newline="", encoding="utf-8-sig", errors="surrogateescape")
    except OSError as error:
        raise RegisterError([Diagnostic(Location(display), f"cannot read the register: {error.strerror}")]) from None
    with stream:
        for result in read_register(engine, stream, display):
            summary.rows += 1
            a = result.assessment
            if a is None:
                summary.invalid += 1
                summary.errors.extend(result.errors)
                if on_error is not None:
                    for diagnostic in result.errors:
                        on_error(diagnostic)
            else:
                outcomes[a.outcome] += 1
                if a.decided_by:
                    exempt_by[a.decided_by[0]] += 1
            if writer is not None:
                writer.writerow(result_row(result, version))
    return summary
