"""A contract register: one contract per CSV row, streamed, checked against the facts and assessed.

The columns are the facts' ids (`authority.type`, `criteria.at_risk_contact`), or their
older names; each cell is read as `rules/values.py` reads it, so a register and a YAML
contract are refused for the same things in the same words. A bad row is reported with
its row and column and the rest are still assessed.

For speed, each distinct cell of a column with few values (choices, yes/no, dates) is read
once. Assessing a whole file, on two cores for a large one, is register_run.py.
"""

from __future__ import annotations

import csv
import difflib
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from guidance_builder.diagnostics import Diagnostic, Location, did_you_mean
from guidance_builder.engine.inputs import threshold_problem
from guidance_builder.engine.rules import Assessment, Engine
from guidance_builder.rules.values import Problem, read_cell

CACHED_TYPES = frozenset({"yes_no", "choice", "choices", "date"})
CACHE_LIMIT = 20_000
"""Entries a column's cache may hold before it starts again: bounds memory on any register."""
MAX_KEPT_ERRORS = 1_000
"""Errors a summary keeps for --json; beyond that they are counted (and all printed as they come)."""


def register_columns(engine: Engine) -> list[str]:
    """The register's columns, in the order a template file lists them: one per fact."""
    return [fact.id for fact in engine.facts]


@dataclass
class Summary:
    file: str
    guidance_version: str
    rows: int = 0
    invalid: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    exempt_by: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, dict[str, int]] = field(default_factory=dict)
    """For each outcome an exemption led to, how many contracts each exemption decided."""
    errors: list[Diagnostic] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, diagnostic: Diagnostic) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(diagnostic)

    def merge(self, other: Summary) -> Summary:
        """This summary followed by another part of the same register."""
        self.rows += other.rows
        self.invalid += other.invalid
        for name, count in other.outcomes.items():
            self.outcomes[name] = self.outcomes.get(name, 0) + count
        for name, count in other.exempt_by.items():
            self.exempt_by[name] = self.exempt_by.get(name, 0) + count
        for outcome, counts in other.by_outcome.items():
            mine = self.by_outcome.setdefault(outcome, {})
            for name, count in counts.items():
                mine[name] = mine.get(name, 0) + count
        for diagnostic in other.errors:
            self.add_error(diagnostic)
        self.error_count += other.error_count - len(other.errors)
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
            "exempt_by_outcome": self.by_outcome,
            "errors": [
                {"row": d.location.line, "column": d.location.column, "message": d.message, "hint": d.hint, "text": str(d)}
                for d in self.errors
            ],
            "errors_not_listed": self.error_count - len(self.errors),
        }


class RegisterError(Exception):
    """The file cannot be read as a register at all (no header, a bad header)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


@dataclass
class RowResult:
    row: int
    answers: dict | None = None
    assessment: Assessment | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    reference: str = ""


class RowReader:
    """Turns the cells of one row into answers, or into one error per bad cell."""

    def __init__(self, engine: Engine, header: list[str], display: str):
        self.engine = engine
        self.display = display
        self.width = len(header)
        names = {name: i for i, name in enumerate(header)}
        self.columns = []
        for fact in engine.facts:
            column = names.get(fact.id)
            if column is None:
                column = next((names[a] for a in fact.also_called if a in names), None)
            self.columns.append((fact, column, {} if fact.type in CACHED_TYPES else None))
        self.reference_at = self.columns[0][1] if engine.program.identity else None
        identity = engine.program.identity[0] if engine.program.identity else None
        self.reference_at = next((column for fact, column, _ in self.columns if fact.id == identity), None)
        self.threshold = engine.program.thresholds
        # The register's fast path for conditions (rules/cel_closures.py), where one is made.
        self._asked_when = {
            fact_id: closure for fact_id, _ in engine.asked_when if (closure := engine.env.closure(engine.fact[fact_id].asked_when))
        }

    def reference(self, cells: list[str]) -> str:
        at = self.reference_at
        return cells[at].strip() if at is not None and at < len(cells) else ""

    def read(self, cells: list[str], row: int) -> tuple[dict | None, list[Diagnostic]]:
        if len(cells) != self.width:
            column = min(len(cells), self.width)
            return None, [
                Diagnostic(
                    Location(self.display, row, column + 1),
                    f"the row has {len(cells)} cells but the header has {self.width} columns",
                    "check for a missing or extra comma",
                )
            ]
        answers: dict[str, object] = {}
        errors: list[Diagnostic] = []
        for fact, column, cache in self.columns:
            cell = cells[column].strip() if column is not None else ""
            if not cell and fact.asked_when:
                value = fact.blank  # as a YAML contract that leaves it out; `unasked` below sees to the rest
            elif cache is not None:
                value = cache.get(cell, cache)
                if value is cache:
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    value = cache[cell] = read_cell(fact, cell)
            elif fact.type == "text" and cell:
                value = cell
            else:
                value = read_cell(fact, cell)
            if value.__class__ is Problem:
                errors.append(Diagnostic(Location(self.display, row, (column or 0) + 1), value.message, value.hint))
            else:
                answers[fact.id] = value
        if errors:
            return None, errors
        engine = self.engine
        if engine.asked_when:
            for fact_id in engine.unasked(answers, self._asked_when):
                fact = engine.fact[fact_id]
                if answers[fact_id] != fact.blank:
                    column = next(c for f, c, _ in self.columns if f.id == fact_id)
                    errors.append(
                        Diagnostic(
                            Location(self.display, row, column + 1),
                            f"'{fact_id}' is given, but it is asked only when {fact.asked_when}",
                            "answer the fact it depends on, or leave this cell empty",
                        )
                    )
                answers[fact_id] = fact.blank
        spec = self.threshold
        if spec.type_fact is not None and spec.date_fact is not None and not errors:
            kind, on = answers[spec.type_fact], answers[spec.date_fact]
            if engine.thresholds.index(kind, on) < 0:
                message, hint = threshold_problem(engine, kind, on)
                column = next(c for f, c, _ in self.columns if f.id == spec.date_fact)
                errors.append(Diagnostic(Location(self.display, row, (column or 0) + 1), message, hint))
        return (None, errors) if errors else (answers, errors)


def check_header(header: list[str], engine: Engine, display: str) -> list[Diagnostic]:
    """Problems with the header row: unknown, repeated or missing columns (a misspelt one is reported once)."""
    names = {}
    for fact in engine.facts:
        names[fact.id] = fact
        for alias in fact.also_called:
            names[alias] = fact
    given = {names[name].id for name in header if name in names}
    missing = [f.id for f in engine.facts if f.id not in given and not (f.optional or f.asked_when)]
    problems = []
    seen: dict[str, str] = {}
    explained: set[str] = set()
    for position, name in enumerate(header, 1):
        where = Location(display, 1, position)
        fact = names.get(name)
        if fact is not None and fact.id in seen:
            problems.append(Diagnostic(where, f"the column '{name}' appears twice", "keep one"))
        elif fact is None:
            close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
            if close:
                explained.add(close[0])
                problems.append(Diagnostic(where, f"unknown column '{name}'", did_you_mean(name, close)))
            else:
                hint = did_you_mean(name, [f.id for f in engine.facts]) or "remove it; see docs/assess.md for the columns"
                problems.append(Diagnostic(where, f"unknown column '{name}'", hint))
        if fact is not None:
            seen[fact.id] = name
    for name in missing:
        if name not in explained:
            problems.append(Diagnostic(Location(display, 1), f"missing column '{name}'", "add it to the header row"))
    return problems


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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters other than tab and line breaks (which a quoted cell may hold): NUL, escape sequences and the like."""


def _cell_problem(cells: list[str], display: str, row: int) -> Diagnostic | None:
    """A cell no spreadsheet should hold: text that is not UTF-8, or a control character."""
    text = "".join(cells)
    if not text.isascii():
        for position, cell in enumerate(cells):
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError:
                return Diagnostic(Location(display, row, position + 1), "the cell is not valid UTF-8 text", "save the file as UTF-8")
    if not text.isprintable():
        for position, cell in enumerate(cells):
            found = _CONTROL.search(cell)
            if found:
                return Diagnostic(
                    Location(display, row, position + 1),
                    f"the cell holds the control character U+{ord(found.group()):04X}",
                    "delete it; save the register as plain UTF-8 text",
                )
    return None


@dataclass
class Boundary:
    """Where another process has started on the rest of the file: after line `line` (a guess,
    since a line break inside a quoted cell ends no record). `read_rows` stops there if a
    record ends there (`met` True), and otherwise reads on to the end (`met` False)."""

    line: int
    met: bool | None = None


def read_rows(
    engine: Engine,
    stream: TextIO,
    display: str,
    header: list[str] | None = None,
    lines_before: int = 0,
    make_fast: Callable[[RowReader], Callable[[list[str], int], bool]] | None = None,
    boundary: Boundary | None = None,
) -> Iterator[tuple[int, dict | None, list[Diagnostic], str]]:
    """Yield (row, answers, errors, reference) for each record of a register.

    With `header`, `stream` is a later part of the file that starts after `lines_before` lines.
    With `make_fast`, each record is first offered to the short path (`take(cells, row)`),
    and only those it does not take are yielded. With `boundary`, stop where it says.
    """
    reader = csv.reader(stream, strict=True)
    if header is None:
        header = read_header(reader, engine, display)
    rows = RowReader(engine, header, display)
    take = make_fast(rows) if make_fast is not None else None
    stop = boundary.line if boundary is not None else sys.maxsize
    while True:
        line = reader.line_num
        if line >= stop:
            # A record ended on the boundary's line: the rest is the other process's. A record
            # that went past it means the boundary was inside quotes: this process reads on.
            boundary.met = line == stop
            if boundary.met:
                return
            stop = sys.maxsize
        start = lines_before + line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield (
                start,
                None,
                [Diagnostic(Location(display, start, 1), f"the row is not valid CSV: {error}", _csv_hint(str(error)))],
                "",
            )
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if take is not None and (text := "".join(cells)).isascii() and text.isprintable() and take(cells, start):
            continue
        problem = _cell_problem(cells, display, start)
        if problem is not None:
            yield start, None, [problem], ""
            continue
        answers, errors = rows.read(cells, start)
        yield start, answers, errors, rows.reference(cells) if answers is None else ""


def read_register(engine: Engine, stream: TextIO, display: str) -> Iterator[RowResult]:
    """Yield one RowResult per record, assessing each valid contract (the plain path, for tests and tools)."""
    for row, answers, errors, reference in read_rows(engine, stream, display):
        if answers is None:
            yield RowResult(row, errors=errors, reference=reference)
        else:
            yield RowResult(row, answers, engine.assess(answers))


def _csv_hint(message: str) -> str:
    if "end of data" in message:
        return "a quote is opened and never closed; every row after it was read as part of this one"
    if "expected after" in message:
        return 'a quote inside a quoted cell must be doubled ("")'
    if "NUL" in message:
        return "the file holds a NUL byte; save it as plain UTF-8 text"
    if "field limit" in message:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters: shorten it; if it holds many lines,"
            " each line after the limit is read as a row of its own"
        )
    return "check the quotes and commas of this row"
