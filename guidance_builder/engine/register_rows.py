"""The register's result rows: written once per way of reading a contract, then filled per row.

Two contracts that every condition, every chosen reason and the threshold read the same
way get the same result row but for their own values (the reference, and the money,
numbers, dates and text a reason quotes). `ResultWriter` encodes that row once, with a
marker where each such value goes, and fills the markers for each contract.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from guidance_builder.diagnostics import Diagnostic
from guidance_builder.engine.rules import PLACEHOLDER, Engine, ThresholdApplied, Walk
from guidance_builder.rules.program import Item
from guidance_builder.rules.values import long_date, money, words

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


def blank_tested_facts(engine: Engine) -> frozenset[str]:
    """Text facts that every condition reading them only asks whether they are blank (evidence,
    say): of such a fact a row's profile holds only that, and its words are the row's own."""
    only_blank: dict[str, bool] = {}
    for source in dict.fromkeys(condition_sources(engine)):
        tested = engine.env.blank_tested(source)
        for name in engine.env.reads(source):
            only_blank[name] = only_blank.get(name, True) and name in tested
    return frozenset(f.id for f in engine.facts if f.type == "text" and only_blank.get(f.id))


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


class Plan(NamedTuple):
    """The part of a result that the items' answers fix: the walk, each reason's case, the threshold."""

    number: int
    walked: Walk
    threshold: ThresholdApplied | None
    threshold_key: tuple | None
    """(authority type, in force from) of the threshold."""
    shown: tuple[tuple[Item, bool, str | None, int], ...]
    """Each reason to give: the item, its answer, the step that asked it, which of its cases."""
    quoted: Callable[[Mapping[str, object]], object]
    """The answers those reasons quote as they are (choices, yes/no), from a contract's answers: part of the result's key."""
    head: str
    """The result line's words from just after the reference up to its reasons (see `ResultWriter._head`)."""


class ResultWriter:
    """Encodes result rows, reusing one encoding for every contract whose result reads the same.

    A result is made of its *plan* (the walk through the procedure, each reason's case, the
    threshold) and the answers those reasons quote. `plan(answers)` finds the first, and
    `encoded(plan, answers)` the row, made once for each plan and quoted answers. Money,
    dates and text a reason quotes are left as slots and filled in for each contract
    (`finish`). The short path (register_fast.py) finds plans by a row's profile instead.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        program = engine.program
        quoted: dict[str, list[str]] = {}
        cited: dict[str, list[str]] = {}
        for item in program.items.values():
            cases = (*item.yes, *item.no)
            quoted[item.key] = list(
                dict.fromkeys(name for case in cases for kind, name in PLACEHOLDER.findall(case.text) if kind != "threshold")
            )
            cited[item.key] = list(dict.fromkeys(name for case in cases for _, name in PLACEHOLDER.findall(case.cites or "")))
        every = list(dict.fromkeys(name for names in quoted.values() for name in names))
        self.per_row = [f for f in every if engine.fact[f].type in PER_ROW_TYPES]
        # A citation names a paragraph, so the answers it is made from are part of the key whatever their type.
        self.item_shared = {
            key: tuple(dict.fromkeys([*(f for f in names if f not in self.per_row), *cited[key]])) for key, names in quoted.items()
        }
        self.markers = {f: f"\x00{index}\x00" for index, f in enumerate(self.per_row)}
        self._words = [_filler(engine.fact[f]) for f in self.per_row]
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
        self._plans: dict[tuple, Plan] = {}
        self._item_keys = list(program.items)
        self._walks: dict[tuple, Walk] = {}
        self._rows: dict[tuple, Encoded] = {}
        self._reasons: dict[object, tuple[tuple[str, ...], tuple]] = {}
        """A reason (or an outcome's, by the outcome) as its words around slots, and what fills each (`_piece`)."""
        self._quoting = {key: _getter(names) for key, names in self.item_shared.items()}
        self._numbers = itertools.count()  # never reused, so a cleared cache cannot mix two plans up
        self._tail = f",{cell(engine.version)},\n"

    def encode(self, answers) -> tuple[bytes, Encoded]:
        """(the result row after its row number, as UTF-8; its encoding: the outcome and the exemption that decided it are there)."""
        found = self.encoded(self.plan(answers), answers)
        return self.finish(found, answers), found

    def plan(self, answers, decided: Mapping[str, bool] | None = None, known: Mapping[str, object] | None = None) -> Plan:
        """The plan of a contract's result. `decided` may hold every item's answer, and `known`
        the values of some conditions (reason cases' among them), already worked out."""
        engine = self.engine
        if decided is not None and len(decided) == len(self._item_keys):
            answered = tuple(map(decided.__getitem__, self._item_keys))
            walked = self._walks.get(answered)
            if walked is None:
                if len(self._walks) >= CACHE_LIMIT:
                    self._walks.clear()
                walked = self._walks[answered] = engine.walk(lambda item: decided[item.key])
        elif decided is not None:
            walked = engine.walk(lambda item: decided[item.key] if item.key in decided else engine.decide(item, answers))
        else:
            walked = engine.walk(lambda item: engine.decide(item, answers))
        threshold = engine.applied_threshold(answers)
        shown = []
        for item, yes, step in walked.shown:
            cases = item.yes if yes else item.no
            shown.append((item, yes, step, engine.case_index(cases, answers, known) if len(cases) > 1 else 0))
        key = (
            walked.path,
            walked.outcome,
            walked.decided_by,
            walked.exemptions,
            walked.criteria_met,
            tuple((item.key, yes, step, index) for item, yes, step, index in shown),
            (threshold.authority_type, threshold.in_force_from) if threshold else None,
        )
        found = self._plans.get(key)
        if found is None:
            if len(self._plans) >= CACHE_LIMIT:
                self._plans.clear()
            shared = tuple(dict.fromkeys(f for item, *_ in shown for f in self.item_shared[item.key]))
            head = self._head(walked, threshold)
            found = self._plans[key] = Plan(next(self._numbers), walked, threshold, key[-1], tuple(shown), _getter(shared), head)
        return found

    def encoded(self, plan: Plan, answers) -> Encoded:
        """The row of a plan and the answers its reasons quote, with slots for the per-row words."""
        key = (plan.number, plan.quoted(answers))
        found = self._rows.get(key)
        if found is None:
            if len(self._rows) >= CACHE_LIMIT:
                self._rows.clear()
            found = self._rows[key] = self._encode(plan, answers)
        return found

    def _encode(self, plan: Plan, answers) -> Encoded:
        # Each part is made once and kept as a piece: the head per plan, each reason per
        # (case, the answers it quotes, the threshold), the outcome's reason per outcome.
        walked = plan.walked
        pieces = []
        for item, yes, step, index in plan.shown:
            key = (item.key, yes, index, self._quoting[item.key](answers), plan.threshold_key)
            found = self._reasons.get(key)
            if found is None:
                if len(self._reasons) >= CACHE_LIMIT:
                    self._reasons.clear()
                reason = self.engine.reason(item, yes, answers, plan.threshold, step, self.markers)
                found = self._reasons[key] = self._piece(reason.cited())
            pieces.append(found)
        found = self._reasons.get(walked.outcome)
        if found is None:
            found = self._reasons[walked.outcome] = self._piece(self.engine.outcome_reasons[walked.outcome].cited())
        pieces.append(found)
        # The words between one slot and the next, from just after the reference to the line's end.
        # The reasons are always quoted: the words filled in may hold commas.
        parts, fills, literal = [], [], [plan.head, '"']
        for number, (texts, filled) in enumerate(pieces):
            if number:
                literal.append(REASON_SEPARATOR)
            literal.append(texts[0])
            for text, fill in zip(texts[1:], filled, strict=True):
                parts.append("".join(literal))
                fills.append(fill)
                literal = [text]
        literal += ('"', self._tail)
        parts.append("".join(literal))
        decided_first = walked.decided_by[0] if walked.decided_by else None
        return Encoded(tuple(part.encode() for part in parts), tuple(fills), walked.outcome, decided_first)

    def _piece(self, reason: str) -> tuple[tuple[str, ...], tuple]:
        """A reason as part of a quoted cell: its words (quotes doubled) around the slots where a
        contract's own words go, and for each slot how to put them in words and which fact's."""
        texts = _MARKER.split(reason.replace('"', '""'))
        fills = tuple((self._words[int(slot)], self.per_row[int(slot)]) for slot in texts[1::2])
        return tuple(texts[0::2]), fills

    def _head(self, walked: Walk, threshold: ThresholdApplied | None) -> str:
        """A result line's words from just after the reference up to its reasons: the plan's cells."""
        head = [
            walked.outcome,
            ";".join(walked.decided_by),
            ";".join(walked.exemptions),
            ";".join(walked.criteria_met),
            threshold.amount if threshold else "",
            threshold.authority_type if threshold else "",
            threshold.in_force_from.isoformat() if threshold else "",
        ]
        return "," + ",".join(cell(c) for c in head) + ","

    def finish(self, found: Encoded, answers) -> bytes:
        """The row's result line, its own values filled in, as UTF-8."""
        reference = _reference_cell(str(answers.get(self.reference, ""))).encode() if self.reference else b""
        return found.fill(reference, answers)


class Encoded:
    """A result line as UTF-8, cut where the reference and each value filled in per contract go.

    Kept as bytes, so that the register's lines are joined and written without encoding each
    again. Equal only to itself (and hashed by identity), so that a register can count its
    rows by encoding cheaply."""

    __slots__ = ("outcome", "decided_by", "fill")

    def __init__(self, parts: tuple[bytes, ...], fills: tuple, outcome: str, decided_by: str | None):
        """`parts`: the line's bytes after the reference, cut at each slot (one more than the
        fills); `fills`: for each slot, how to put the value in words, and which fact's value."""
        self.outcome = outcome
        self.decided_by = decided_by
        """The first exemption that decided the outcome, if any."""
        self.fill: Callable[[bytes, Mapping[str, object]], bytes] = _filling(parts, fills)
        """`fill(reference cell, answers)`: the line with this contract's own words in it."""


def _filling(parts: tuple[bytes, ...], fills: tuple) -> Callable[[bytes, Mapping[str, object]], bytes]:
    """The line filled in, without a loop for the usual none or one value (a join copies; `%` reads every byte)."""
    if not fills:
        (rest,) = parts
        return lambda reference, answers: reference + rest
    if len(fills) == 1:
        ((words, fact),) = fills
        first, rest = parts
        return lambda reference, answers: b"".join((reference, first, words(answers[fact]).encode(), rest))

    def fill(reference: bytes, answers: Mapping[str, object]) -> bytes:
        line = [reference, parts[0]]
        for (words, fact), part in zip(fills, parts[1:], strict=True):
            line += (words(answers[fact]).encode(), part)
        return b"".join(line)

    return fill


_MARKER = re.compile("\x00(\\d+)\x00")


def _reference_cell(text: str) -> str:
    """`cell(inert(text))`, without the regular expression for the usual plain reference."""
    if text[:1] in FORMULA_TRIGGERS or '"' in text or "," in text or "\n" in text or "\r" in text:
        return cell(inert(text))
    return text


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, object]], tuple]:
    """The answers to `names`, as one tuple."""
    if len(names) > 1:
        return operator.itemgetter(*names)
    if names:
        (name,) = names
        return lambda answers: (answers[name],)
    return lambda answers: ()


def _filler(fact) -> Callable[[object], str]:
    """A fact's words as they go into an already quoted cell."""
    if fact.type == "money":
        return money
    if fact.type == "date":
        return long_date
    return lambda value: _escape(words(fact, value))


def _escape(text: str) -> str:
    """Words filled into an already quoted cell: quotes doubled, as the cell's own were."""
    return text.replace('"', '""')
