"""The register's short path: rows alike in every cell that a condition reads as a whole are
read and decided once.

A fact is *per row* when its value is nearly always new (money, whole numbers, dates, and
text no condition reads: references, titles, names). The cells of every other fact form a
row's *profile*; the first row with a profile is read and checked in full, and each later
row with the same profile only has its per-row cells checked, and only the conditions that
read a per-row fact evaluated. Anything unusual returns None and takes the full path, so
the result is always what `RowReader.read` and `ResultWriter.encode` give
(tests/test_assess_register.py compares them on generated registers).
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from guidance_builder.engine.register_rows import ResultWriter, per_row_facts
from guidance_builder.engine.rules import Engine
from guidance_builder.rules.values import MAX_DIGITS, parse_date

CACHE_LIMIT = 20_000
_INVALID = object()


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
        profile = [column for fact, column, _ in columns if fact.id not in per_row and column is not None]
        self._profile = operator.itemgetter(*profile) if len(profile) > 1 else (lambda cells: tuple(cells[i] for i in profile))
        self.row_facts = [
            (fact.id, fact.type, fact.optional or bool(fact.asked_when), column) for fact, column, _ in columns if fact.id in per_row
        ]
        self._dates: dict[str, object] = {}
        self._cache: dict[tuple, object] = {}
        spec = engine.program.thresholds
        self.threshold_facts = (spec.type_fact, spec.date_fact) if spec.type_fact and spec.date_fact else None

    def line(self, cells: list[str]) -> tuple[str, str, str | None] | None:
        if not self.usable or len(cells) != self.width:
            return None
        token = self._profile(cells)
        known = self._cache.get(token)
        if known is None:
            known = self._learn(cells, token)
        if known is _INVALID:
            return None
        static, unasked, decided = known
        answers = dict(static)
        for fact_id, kind, may_be_blank, column in self.row_facts:
            raw = cells[column] if column is not None else ""
            if raw[:1].isspace() or raw[-1:].isspace():
                return None  # the full path strips and reports exactly as the YAML reader does
            if fact_id in unasked:
                if raw:
                    return None
                answers[fact_id] = self.engine.fact[fact_id].blank
                continue
            if kind == "text":
                if not raw and not may_be_blank:
                    return None
                value = raw
            elif kind == "date":
                value = self._dates.get(raw)
                if value is None:
                    value = parse_date(raw)
                    if value is None:
                        return None
                    if len(self._dates) < CACHE_LIMIT:
                        self._dates[raw] = value
            else:
                if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
                    return None
                value = int(raw)
            answers[fact_id] = value
        if self.threshold_facts is not None:
            kind, on = self.threshold_facts
            if self.engine.thresholds.index(answers[kind], answers[on]) < 0:
                return None
        return self.results.encode(answers, decided, token)

    def _learn(self, cells: list[str], token: tuple) -> object:
        """Read the first row of a profile in full: its profile's answers, or invalid."""
        answers, errors = self.read_full(cells, 0)
        if answers is None or errors:
            return _INVALID  # not remembered: the fault may be in this row's own cells
        per_row = {fact_id for fact_id, *_ in self.row_facts}
        static = {k: v for k, v in answers.items() if k not in per_row}
        unasked = frozenset(f for f in self.engine.unasked(answers) if f in per_row)
        dynamic = {item.key for item in self.results.dynamic_items}
        decided = {item.key: self.engine.decide(item, answers) for item in self.engine.program.items.values() if item.key not in dynamic}
        found = (static, unasked, decided)
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = found
        return found
