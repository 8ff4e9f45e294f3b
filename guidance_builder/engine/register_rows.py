"""The register's result rows: written once per way of reading a contract, then filled per row.

Two contracts that every condition, every chosen reason and the threshold read the same
way get the same result row but for their own values (the reference, and the money,
numbers, dates and text a reason quotes). `ResultWriter` encodes that row once, with a
marker where each such value goes, and fills the markers for each contract.
"""

from __future__ import annotations

import re

from guidance_builder.diagnostics import Diagnostic
from guidance_builder.engine.rules import PLACEHOLDER, Engine
from guidance_builder.rules.values import words

REASON_SEPARATOR = " | "
INVALID = "invalid"
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
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""
CACHE_LIMIT = 20_000
_NEEDS_QUOTES = re.compile(r'[",\r\n]')
PER_ROW_TYPES = frozenset({"money", "whole_number", "date", "text"})
"""Facts whose words a shared result row leaves to each contract."""


def inert(text: str) -> str:
    """A cell copied from the input that a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text


def cell(value: object) -> str:
    """One CSV cell as csv.writer (QUOTE_MINIMAL) writes it."""
    text = str(value)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def error_row(row: int, reference: str, errors: list[Diagnostic], version: str) -> list:
    """The result columns of a row that could not be assessed, as values for csv.writer."""
    text = REASON_SEPARATOR.join(f"{d.location.line}:{d.location.column}: {d.message}" + (f" ({d.hint})" if d.hint else "") for d in errors)
    return [row, inert(reference), INVALID, "", "", "", "", "", "", "", version, text]


def assessment_cells(a) -> list:
    """The result columns after the reference, for one assessment."""
    t = a.threshold
    return [
        a.outcome,
        ";".join(a.decided_by),
        ";".join(a.exemptions),
        ";".join(a.criteria_met),
        t.amount if t else "",
        t.authority_type if t else "",
        t.in_force_from.isoformat() if t else "",
        REASON_SEPARATOR.join(r.cited() for r in a.reasons),
        a.guidance_version,
        "",
    ]


class ResultWriter:
    """Encodes result rows, reusing one encoding for every contract that reads the same way."""

    def __init__(self, engine: Engine):
        self.engine = engine
        program = engine.program
        self.items = list(program.items.values())
        self.multi = [(item, side) for item in self.items for side in ("yes", "no") if len(getattr(item, side)) > 1]
        quoted: list[str] = []
        for item in self.items:
            for case in (*item.yes, *item.no):
                quoted += [name for kind, name in PLACEHOLDER.findall(case.text) if kind != "threshold"]
                quoted += [name for _, name in PLACEHOLDER.findall(case.cites or "")]
        quoted = list(dict.fromkeys(quoted))
        self.per_row = [f for f in quoted if engine.fact[f].type in PER_ROW_TYPES]
        self.shared = [f for f in quoted if f not in self.per_row]
        self.markers = {f: f"\x00{index}\x00" for index, f in enumerate(self.per_row)}
        self.marker = re.compile("\x00(\\d+)\x00")
        self.reference = program.identity[0] if program.identity else None
        self._cache: dict[tuple, tuple[str, str, str | None]] = {}
        self._tail = f",{cell(engine.version)},\n"

    def key(self, answers) -> tuple:
        engine = self.engine
        threshold = engine.applied_threshold(answers)
        return (
            tuple(engine.decide(item, answers) for item in self.items),
            tuple(engine.case_index(getattr(item, side), answers) for item, side in self.multi),
            (threshold.authority_type, threshold.in_force_from) if threshold else None,
            tuple(answers[f] for f in self.shared),
        )

    def encode(self, answers) -> tuple[str, str, str | None]:
        """(the result row after its row number, the outcome, the exemption that decided it)."""
        key = self.key(answers)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            a = self.engine.assess(answers, value_words=self.markers)
            cells = assessment_cells(a)
            head = ",".join(cell(c) for c in cells[:-3]) + ","
            reasons = '"' + cells[-3].replace('"', '""') + '"'  # always quoted: filled-in words may hold commas
            found = self._cache[key] = (head + reasons, a.outcome, a.decided_by[0] if a.decided_by else None)
        text, outcome, decided = found
        if self.per_row:
            fact = self.engine.fact
            text = self.marker.sub(
                lambda m: _escape(words(fact[self.per_row[int(m.group(1))]], answers[self.per_row[int(m.group(1))]])), text
            )
        reference = inert(str(answers.get(self.reference, ""))) if self.reference else ""
        return f"{cell(reference)},{text}{self._tail}", outcome, decided


def _escape(text: str) -> str:
    """Words filled into an already quoted cell: quotes doubled, as the cell's own were."""
    return text.replace('"', '""')
