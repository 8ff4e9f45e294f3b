"""The register's short path: rows alike in every cell that a condition reads as a whole are
read and decided once.

A fact is *per row* when its value is nearly always new (money, whole numbers, dates, and
text no condition reads: references, titles, names). The cells of every other fact form a
row's *profile*, except that of a text the conditions only test for blank (evidence) the
profile holds only whether it is blank. The first row with a profile is read and checked in
full, and what the profile fixes is kept: the answers of every condition that reads no
per-row fact, and the answers a reason quotes. Each later row with that profile only has its
per-row cells checked and the few conditions that read them run (as closures where they can,
else in one CEL evaluation). Its result line is kept by the profile for each (value of those
conditions, threshold in force); a new one is made by way of a plan (register_rows.py), found
by (what the profile fixes, those values, the threshold), and only its own values are filled in.

Anything unusual returns None and takes the full path, so the result is always what
`RowReader.read` and `ResultWriter.encode` give (tests/test_assess_register.py compares
them on generated registers).
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable
from typing import NamedTuple

from cel_expr_python import cel

from guidance_builder.engine.register_rows import (
    FORMULA_TRIGGERS,
    Encoded,
    ResultWriter,
    blank_tested_facts,
    cell,
    condition_sources,
    inert,
    per_row_facts,
)
from guidance_builder.engine.rules import Engine
from guidance_builder.rules.cel import ConditionError
from guidance_builder.rules.values import MAX_DIGITS, parse_date

CACHE_LIMIT = 20_000
ARENA_EVALUATIONS = 1_000
"""Evaluations that share one CEL arena (memory): sharing saves a quarter of the time of each."""
_INVALID = object()
_FAILED = object()
"""A condition that could not be evaluated for a profile (the full path reports it if it matters)."""


class Profile(NamedTuple):
    answers: dict
    """The answers of the profile's own facts, and of the last row's per-row facts."""
    unasked: frozenset[str]
    """Per-row facts the profile does not ask (their cells must be empty)."""
    values: tuple
    """The value of each condition that reads no per-row fact (see `FastRows.static_sources`)."""
    fixed: int
    """What the profile fixes of the result, as a small number (equal for profiles that read the same)."""
    lines: dict[tuple, Encoded]
    """The encoded result of each (per-row conditions' values, threshold in force) met so far."""


class RowConditions:
    """The conditions that read a per-row fact, evaluated together for one row's answers.

    Where every one keeps to the part of CEL that rules/cel_closures.py turns into Python,
    they run as Python closures (a tenth of the time); otherwise as one CEL evaluation."""

    def __init__(self, engine: Engine, sources: list[str]):
        env = engine.env
        self.count = len(sources)
        self.sources = sources
        reads = {name for source in sources for name in env.reads(source)}
        self.reads = [f.id for f in engine.facts if f.id in reads]
        self.converters = [engine.converter(f) for f in self.reads]
        self.constants = {name: values for source in sources for name, values in env.constants_read(source).items()}
        closures = [env.closure(source) for source in sources]
        self.closures = closures if all(c is not None for c in closures) else None
        self.compiled = None
        if sources and self.closures is None:
            # One evaluation instead of one per condition: a list of them, each in brackets and
            # ending on its own line, so that a `//` comment in one cannot swallow the rest.
            together = "[" + ",\n".join(f"({source}\n)" for source in sources) + "]"
            try:
                self.compiled = env.compile(together, want_bool=False)
            except ConditionError:
                self.compiled = None
        self.run = env.run
        self._arena, self._left = cel.Arena(), ARENA_EVALUATIONS
        self.values: Callable[[dict], tuple | None] = _together(self.closures) if self.closures is not None else self._by_cel
        """Every condition's value, or None if the evaluation failed (the full path then decides)."""

    def _by_cel(self, answers: dict) -> tuple | None:
        if not self.count:
            return ()
        if self.compiled is None:
            return None
        data = {name: convert(answers[name]) for name, convert in zip(self.reads, self.converters, strict=True)}
        if self.constants:
            data.update(self.constants)
        self._left -= 1
        if not self._left:  # values made in an arena stay until it goes: start a new one now and then
            self._arena, self._left = cel.Arena(), ARENA_EVALUATIONS
        try:
            return tuple(self.run(self.compiled, data, self._arena))
        except ValueError:
            return None


def _token(columns: list[int], blank_columns: list[int]) -> Callable[[list[str]], str]:
    """A row's profile as one string: its cells at `columns`, and whether each at `blank_columns`
    is blank. One string, not a tuple of them, because a register looks it up for every row:
    one hash and one comparison of adjacent bytes. The short path takes only printable rows,
    so no cell holds the NUL that separates them."""
    join = "\x00".join
    cells_at = operator.itemgetter(*columns) if len(columns) > 1 else (lambda cells: tuple([cells[i] for i in columns]))
    if not blank_columns:
        return lambda cells: join(cells_at(cells))
    if len(blank_columns) == 1:
        (blank,) = blank_columns
        return lambda cells: join(cells_at(cells)) + ("\x00+" if cells[blank] else "\x00-")
    return lambda cells: join(cells_at(cells)) + "\x00" + "".join(["+" if cells[column] else "-" for column in blank_columns])


def _together(closures: list[Callable[[dict], object]]) -> Callable[[dict], tuple]:
    """One function giving every closure's value as a tuple (for the usual one or two, without a loop)."""
    if len(closures) == 1:
        (first,) = closures
        return lambda answers: (first(answers),)
    if len(closures) == 2:
        first, second = closures
        return lambda answers: (first(answers), second(answers))
    return lambda answers: tuple([closure(answers) for closure in closures])


class FastRows:
    """`line(cells)`: the encoded result of a row whose profile was seen before, or None."""

    def __init__(self, engine: Engine, read_full: Callable, columns: list[tuple], width: int, results: ResultWriter):
        self.engine = engine
        self.read_full = read_full
        self.width = width
        self.results = results
        per_row = per_row_facts(engine)
        asked_when_reads = {name for f in engine.facts if f.asked_when for name in engine.env.reads(f.asked_when)}
        # A per-row fact that decides whether another is asked would make the profile incomplete.
        self.usable = not (asked_when_reads & per_row)
        blank_only = blank_tested_facts(engine) - per_row
        profile = [column for fact, column, _ in columns if fact.id not in per_row | blank_only and column is not None]
        self.blank_cells = [(fact.id, column) for fact, column, _ in columns if fact.id in blank_only and column is not None]
        self._profile = _token(profile, [column for _, column in self.blank_cells])
        self.per_row = per_row
        self.per_row_asked = any(fact.asked_when for fact, _, _ in columns if fact.id in per_row)
        self.row_facts = [
            (fact.id, fact.type, fact.optional or bool(fact.asked_when), column) for fact, column, _ in columns if fact.id in per_row
        ]
        reads = engine.env.reads
        dynamic = [item.condition for item in results.dynamic_items]
        cases = [case.when for cases in results.per_row_cases.values() for case in cases if case.when]
        self.conditions = RowConditions(engine, dynamic + cases)
        self.dynamic_keys = [item.key for item in results.dynamic_items]
        self.static_sources = [_static_source(engine, s) for s in dict.fromkeys(condition_sources(engine)) if per_row.isdisjoint(reads(s))]
        at = {source.text: index for index, source in enumerate(self.static_sources)}
        self.static_items = [(item.key, at[item.condition]) for item in engine.program.items.values() if item.condition in at]
        self._static_values = [source.closure or functools.partial(self._value, source) for source in self.static_sources]
        present = [(fact_id, kind, may_be_blank, column) for fact_id, kind, may_be_blank, column in self.row_facts if column is not None]
        # A per-row column left out reads as blank for every row: the same value for the whole
        # register where it may be blank (the profile's answers keep it), the full path's errors where not.
        if any(column is None and (kind != "text" or not may_be_blank) for _, kind, may_be_blank, column in self.row_facts):
            self.usable = False
        self.texts = [(fact_id, column, not may_be_blank) for fact_id, kind, may_be_blank, column in present if kind == "text"]
        self.numbers = [(fact_id, column) for fact_id, kind, _, column in present if kind in ("money", "whole_number")]
        self.dates = [(fact_id, column) for fact_id, kind, _, column in present if kind == "date"]
        self._dates: dict[str, object] = {}
        self._cache: dict[str, object] = {}
        self._fixed: dict[tuple, int] = {}
        self._plans: dict[tuple, object] = {}
        self._numbers = itertools.count()  # never reused: a number stands for one `fixed` for good
        self.lines_per_profile = (per_row | blank_only).isdisjoint(name for names in results.item_shared.values() for name in names)
        spec = engine.program.thresholds
        self.threshold_facts = (spec.type_fact, spec.date_fact) if spec.type_fact and spec.date_fact else None
        self._threshold_index = engine.thresholds.index
        self._thresholds: dict[tuple, int] = {}
        identity = engine.program.identity[0] if engine.program.identity else None
        # The reference's cell, where it is a per-row text (so always text, set on every row).
        self._reference = identity if any(fact_id == identity for fact_id, *_ in self.texts) else None
        self._values = self.conditions.values
        self._finish = results.finish
        if not self.usable:
            self.line = lambda cells: None

    def line(self, cells: list[str]) -> tuple[bytes, Encoded] | None:
        """The row's result line (after its row number, as UTF-8) and its encoding, or None for the full path."""
        if len(cells) != self.width:
            return None
        token = self._profile(cells)
        profile = self._cache.get(token)
        if profile is None:
            profile = self._learn(cells, token)
        if profile is _INVALID:
            return None
        # The profile's own dict, reused: every per-row fact is set again below before it is read.
        answers = profile.answers
        for fact_id, column in self.blank_cells:  # blank or not is in the profile; the words are the row's own
            raw = cells[column]
            if raw and (raw[0] == " " or raw[-1] == " "):
                return None
            answers[fact_id] = raw
        if profile.unasked:
            if not self._read_unasked(cells, profile.unasked, answers):
                return None
        else:
            # The row is printable ASCII (read_rows checks), so a space is the only blank a cell can start or end with.
            for fact_id, column, required in self.texts:
                raw = cells[column]
                if raw:
                    if raw[0] == " " or raw[-1] == " ":
                        return None  # the full path strips and reports exactly as the YAML reader does
                elif required:
                    return None
                answers[fact_id] = raw
            for fact_id, column in self.numbers:
                raw = cells[column]
                if not raw.isdigit() or len(raw) > MAX_DIGITS:
                    return None
                answers[fact_id] = int(raw)
            dates = self._dates
            for fact_id, column in self.dates:
                raw = cells[column]
                value = dates.get(raw)
                if value is None:
                    value = parse_date(raw)
                    if value is None:
                        return None
                    if len(dates) < CACHE_LIMIT:
                        dates[raw] = value
                answers[fact_id] = value
        threshold = None
        if self.threshold_facts is not None:
            kind, on = self.threshold_facts
            key = (answers[kind], answers[on])
            threshold = self._thresholds.get(key)
            if threshold is None:
                threshold = self._thresholds[key] = self._threshold_index(*key)
                if len(self._thresholds) >= CACHE_LIMIT:
                    self._thresholds.clear()
            if threshold < 0:
                return None
        values = self._values(answers)
        if values is None:
            return None
        found = profile.lines.get((values, threshold))
        if found is None:
            found = self._encoded(profile, answers, values, threshold)
        if self._reference is None:
            return self._finish(found, answers), found
        # The reference is a cell of this printable row: no line break can be in it.
        reference = answers[self._reference]
        if reference[:1] in FORMULA_TRIGGERS or '"' in reference or "," in reference:
            reference = cell(inert(reference))
        return found.fill(reference.encode(), answers), found

    def _encoded(self, profile: Profile, answers: dict, values: tuple, threshold: int | None) -> Encoded:
        """The encoded result of a profile's row, by way of its plan (shared by every profile that reads the same)."""
        key = (profile.fixed, values, threshold)
        plan = self._plans.get(key)
        if plan is None:
            static = profile.values
            decided = {item: bool(static[at]) for item, at in self.static_items if static[at] is not _FAILED}
            decided.update(zip(self.dynamic_keys, values[: len(self.dynamic_keys)], strict=True))
            known = {source.text: value for source, value in zip(self.static_sources, profile.values, strict=True) if value is not _FAILED}
            known.update(zip(self.conditions.sources, values, strict=True))
            plan = self.results.plan(answers, decided, known)
            if len(self._plans) >= CACHE_LIMIT:
                self._plans.clear()
            self._plans[key] = plan
        found = self.results.encoded(plan, answers)
        if self.lines_per_profile:  # what a result quotes as it is comes from the profile alone
            profile.lines[values, threshold] = found
        return found

    def _read_unasked(self, cells: list[str], unasked: frozenset[str], answers: dict) -> bool:
        """The per-row cells of a profile that leaves some unasked (they must be empty); False sends the row the full way."""
        for fact_id, kind, may_be_blank, column in self.row_facts:
            raw = cells[column] if column is not None else ""
            if raw[:1] == " " or raw[-1:] == " ":
                return False
            if fact_id in unasked:
                if raw:
                    return False
                answers[fact_id] = self.engine.fact[fact_id].blank
            elif kind == "text":
                if not raw and not may_be_blank:
                    return False
                answers[fact_id] = raw
            elif kind == "date":
                value = parse_date(raw)
                if value is None:
                    return False
                answers[fact_id] = value
            else:
                if not raw.isdigit() or len(raw) > MAX_DIGITS:
                    return False
                answers[fact_id] = int(raw)
        return True

    def _learn(self, cells: list[str], token: str) -> object:
        """Read the first row of a profile in full: what its profile fixes, or invalid."""
        answers, errors = self.read_full(cells, 0)
        if answers is None or errors:
            return _INVALID  # not remembered: the fault may be in this row's own cells
        if any(bool(answers[fact_id]) != bool(cells[column]) for fact_id, column in self.blank_cells):
            return _INVALID  # a cell of spaces alone: blank once read, not blank in the profile
        per_row = self.per_row
        unasked = frozenset(f for f in self.engine.unasked(answers) if f in per_row) if self.per_row_asked else frozenset()
        # Every condition that reads only the profile (items and reason cases alike) and the
        # threshold's authority type: equal for two profiles, equal plans.
        values = tuple([value(answers) for value in self._static_values])
        fixed = (values, answers[self.threshold_facts[0]] if self.threshold_facts else None)
        number = self._fixed.get(fixed)
        if number is None:
            if len(self._fixed) >= CACHE_LIMIT:
                self._fixed.clear()
            number = self._fixed[fixed] = next(self._numbers)
        # The row's own dict becomes the profile's: each row sets its per-row facts again.
        found = Profile(answers, unasked, values, number, {})
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = found
        return found

    def _value(self, source: StaticSource, answers: dict) -> object:
        """A condition's value where it has no closure: remembered by the answers it reads (profiles share most of them)."""
        key = source.key(answers)
        found = source.memo.get(key, _FAILED)
        if found is _FAILED and key not in source.memo:
            try:
                found = self.engine.evaluate(source.text, answers)
            except ValueError:
                found = _FAILED
            if len(source.memo) >= CACHE_LIMIT:
                source.memo.clear()
            source.memo[key] = found
        return found


class StaticSource(NamedTuple):
    text: str
    key: Callable[[dict], object]
    """The answers the condition reads, as one hashable value."""
    memo: dict
    closure: Callable[[dict], object] | None


def _static_source(engine: Engine, text: str) -> StaticSource:
    reads = engine.env.reads(text)
    key = operator.itemgetter(*reads) if reads else (lambda answers: ())
    return StaticSource(text, key, {}, engine.env.closure(text))
