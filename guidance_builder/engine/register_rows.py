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
NEW_EACH_ROW = frozenset({"money", "whole_number", "date"})


def condition_sources(engine: Engine) -> list[str]:
    """Every condition of the rules: items, reason cases and facts' asked_when."""
    sources = [f.asked_when for f in engine.facts if f.asked_when]
    for item in engine.program.items.values():
        sources.append(item.condition)
        sources += [case.when for case in (*item.yes, *item.no) if case.when]
    return sources


def per_row_facts(engine: Engine) -> frozenset[str]:
    """Facts whose values are nearly always new in a register (money, numbers, dates, and text
    no condition reads): a row's *profile* is the cells of every other fact."""
    read = set()
    for source in condition_sources(engine):
        read.update(engine.env.reads(source))
    return frozenset(f.id for f in engine.facts if f.type in NEW_EACH_ROW or (f.type == "text" and f.id not in read))


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
    """Encodes result rows, reusing one encoding for every contract whose result reads the same.

    The key is what the result is made of: the walk through the procedure (path, each reason
    given and which of its cases), the outcome and lists, the threshold, and the answers that
    the given reasons quote by choice. Money, dates and text a reason quotes are filled in
    for each contract.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        program = engine.program
        quoted: dict[str, list[str]] = {}
        for item in program.items.values():
            names = []
            for case in (*item.yes, *item.no):
                names += [name for kind, name in PLACEHOLDER.findall(case.text) if kind != "threshold"]
                names += [name for _, name in PLACEHOLDER.findall(case.cites or "")]
            quoted[item.key] = list(dict.fromkeys(names))
        every = list(dict.fromkeys(name for names in quoted.values() for name in names))
        self.per_row = [f for f in every if engine.fact[f].type in PER_ROW_TYPES]
        self.item_shared = {key: tuple(f for f in names if f not in self.per_row) for key, names in quoted.items()}
        self.markers = {f: f"\x00{index}\x00" for index, f in enumerate(self.per_row)}
        self.marker = re.compile("\x00(\\d+)\x00")
        self.reference = program.identity[0] if program.identity else None
        per_row = per_row_facts(engine)
        reads = engine.env.reads
        self.dynamic_items = [item for item in program.items.values() if not per_row.isdisjoint(reads(item.condition))]
        self.per_row_cases = {
            (item.key, side): cases
            for item in program.items.values()
            for side, cases in (("yes", item.yes), ("no", item.no))
            if len(cases) > 1 and any(case.when and not per_row.isdisjoint(reads(case.when)) for case in cases)
        }
        self._cache: dict[tuple, tuple[str, str, str | None]] = {}
        self._by_profile: dict[tuple, tuple[str, str, str | None]] = {}
        self._tail = f",{cell(engine.version)},\n"

    def key(self, answers, decide=None) -> tuple:
        engine = self.engine
        walked = engine.walk(decide or (lambda item: engine.decide(item, answers)))
        threshold = engine.applied_threshold(answers)
        shown = []
        for item, yes, step in walked.shown:
            cases = item.yes if yes else item.no
            index = engine.case_index(cases, answers) if len(cases) > 1 else 0
            shown.append((item.key, yes, step, index, tuple(answers[f] for f in self.item_shared[item.key])))
        return (
            walked.path,
            walked.outcome,
            walked.decided_by,
            walked.exemptions,
            walked.criteria_met,
            tuple(shown),
            (threshold.authority_type, threshold.in_force_from) if threshold else None,
        )

    def encode(self, answers, decided: dict[str, bool] | None = None, profile: tuple | None = None) -> tuple[str, str, str | None]:
        """(the result row after its row number, the outcome, the exemption that decided it).

        `decided`, if given, holds the answers of the items that read no per-row fact, and
        `profile` the row's cells that fix them (see register_fast.py): a row is then known by
        its profile and what its own values decide, without walking the procedure again."""
        engine = self.engine
        quick = None
        if decided is None:
            key = self.key(answers)
        else:
            dynamic = {item.key: engine.decide(item, answers) for item in self.dynamic_items}
            cases = tuple(
                engine.case_index(cases, answers)
                for (key, side), cases in self.per_row_cases.items()
                if (dynamic.get(key, decided.get(key)) is True) == (side == "yes")
            )
            threshold = engine.applied_threshold(answers)
            quick = (profile, tuple(dynamic.values()), cases, (threshold.authority_type, threshold.in_force_from) if threshold else None)
            found = self._by_profile.get(quick)
            if found is not None:
                return self._finish(found, answers)
            known = {**decided, **dynamic}
            key = self.key(answers, lambda item: known[item.key] if item.key in known else engine.decide(item, answers))
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            a = self.engine.assess(answers, value_words=self.markers)
            cells = assessment_cells(a)
            head = ",".join(cell(c) for c in cells[:-3]) + ","
            reasons = '"' + cells[-3].replace('"', '""') + '"'  # always quoted: filled-in words may hold commas
            found = self._cache[key] = (head + reasons, a.outcome, a.decided_by[0] if a.decided_by else None)
        if quick is not None:
            if len(self._by_profile) >= CACHE_LIMIT:
                self._by_profile.clear()
            self._by_profile[quick] = found
        return self._finish(found, answers)

    def _finish(self, found: tuple[str, str, str | None], answers) -> tuple[str, str, str | None]:
        text, outcome, decided_first = found
        if self.per_row:
            fact = self.engine.fact
            per_row = self.per_row
            text = self.marker.sub(lambda m: _escape(words(fact[per_row[int(m.group(1))]], answers[per_row[int(m.group(1))]])), text)
        reference = inert(str(answers.get(self.reference, ""))) if self.reference else ""
        return f"{cell(reference)},{text}{self._tail}", outcome, decided_first


def _escape(text: str) -> str:
    """Words filled into an already quoted cell: quotes doubled, as the cell's own were."""
    return text.replace('"', '""')
