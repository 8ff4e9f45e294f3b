"""The engine: run the rules program (rules/program.py) for one contract's facts.

Nothing here knows a criterion, an exemption or an outcome: the steps, the conditions
and the words of every reason come from the content. The walk is the one
docs/drafting.md describes and templates/assets/rules-walk.js repeats in the browser:
each step asks its items; if any is true the step's `if_any` branch is taken, and the
reasons of the true items are given, otherwise every item's reason and `if_none`.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from guidance_builder.engine.text import plain_text
from guidance_builder.model import Rulebook
from guidance_builder.rules.cel import RulesEnvironment, Thresholds, timestamp
from guidance_builder.rules.facts import FactSpec, constants, expand_facts
from guidance_builder.rules.program import Case, Item, Program, build_program
from guidance_builder.rules.values import long_date, money, words
from guidance_builder.structure import AnchorIndex

PLACEHOLDER = re.compile(r"\{(fact|not_chosen|threshold):([A-Za-z0-9_.]+)\}")

Answers = Mapping[str, object]


def _same(value: object) -> object:
    return value


@functools.lru_cache(maxsize=4096)
def _date_to_cel(value: datetime.date) -> datetime.datetime:
    return timestamp(value)


"""A contract as the engine reads it: every fact id and its value (blank where not asked)."""


@dataclass(frozen=True, slots=True)
class Reason:
    text: str
    key: str
    """The anchor key the reason rests on, such as 'exemption.below_threshold'."""
    label: str
    """How the guidance numbers it: 'paragraph 5.4', 'step 2'."""
    anchor: str
    """The HTML id in guidance.html: 'exemption-below-threshold'."""
    step: str | None = None
    """The procedure step that asked the question; None for the outcome and for
    exemptions that apply but that the procedure did not reach."""
    about: str = ""
    """The item the reason answers ('exemption.good_reason'), whatever paragraph it cites."""

    def cited(self) -> str:
        """The sentence with its citation before the full stop: '... for local authorities (paragraph 5.4, #exemption-below-threshold).'"""
        if not self.label:
            return self.text
        body = self.text[:-1] if self.text.endswith(".") else self.text
        return f"{body} ({self.label}, #{self.anchor})."

    def as_json(self) -> dict:
        return {"text": self.text, "paragraph": self.label, "anchor": self.anchor, "cites": self.key, "step": self.step}


@dataclass(frozen=True, slots=True)
class ThresholdApplied:
    amount: int
    authority_type: str
    in_force_from: datetime.date
    reference: str

    def as_json(self) -> dict:
        return {
            "amount_gbp": self.amount,
            "authority_type": self.authority_type,
            "in_force_from": self.in_force_from.isoformat(),
            "reference": self.reference,
        }


@dataclass(slots=True)
class Assessment:
    reference: str
    title: str
    outcome: str
    outcome_name: str
    exemptions: list[str]
    """Every exemption that applies, in the guidance's order, whether or not the procedure reached it."""
    decided_by: list[str]
    """The exemptions answered yes at the latest step on the path where any was: those the outcome rests on."""
    criteria_met: list[str]
    threshold: ThresholdApplied | None
    reasons: list[Reason]
    path: list[str]
    guidance_version: str

    def as_json(self) -> dict:
        return {
            "reference": self.reference,
            "title": self.title,
            "outcome": self.outcome,
            "outcome_name": self.outcome_name,
            "exemptions": self.exemptions,
            "decided_by": self.decided_by,
            "criteria_met": self.criteria_met,
            "threshold": self.threshold.as_json() if self.threshold else None,
            "reasons": [r.as_json() for r in self.reasons],
            "path": self.path,
            "guidance_version": self.guidance_version,
        }


@dataclass(frozen=True, slots=True)
class Walk:
    """The procedure as the items' answers take it, before any sentence is written."""

    path: tuple[str, ...]
    shown: tuple[tuple[Item, bool, str | None], ...]
    """Each reason to give: the item, its answer, and the step that asked it (None off the path)."""
    outcome: str
    decided_by: tuple[str, ...]
    exemptions: tuple[str, ...]
    criteria_met: tuple[str, ...]


class Engine:
    """The rulebook compiled for fast, repeated assessment."""

    def __init__(self, book: Rulebook, anchors: AnchorIndex):
        self.book = book
        self.version = book.meta.version
        self.anchors = anchors

        def plain(text: str) -> str:
            return plain_text(book, anchors, text)

        self.plain = plain
        values = {kind: [(start, amount) for start, amount, _ in dated] for kind, dated in _threshold_values(book).items()}
        self.thresholds = Thresholds(values)
        self.env = RulesEnvironment(expand_facts(book), constants(book), self.thresholds)
        self.program: Program = build_program(book, self.cite, plain, self.env.reads)
        program = self.program
        self.facts: list[FactSpec] = program.facts
        self.fact = program.facts_by_id
        self._compiled: dict[str, object] = {}
        for item in program.items.values():
            self.compiled(item.condition)
            for case in (*item.yes, *item.no):
                if case.when:
                    self.compiled(case.when)
        self.asked_when = [(f.id, self.compiled(f.asked_when)) for f in self.facts if f.asked_when]
        self.outcome_names = {o.id: o.name for o in program.outcomes.values()}
        self._exemption_items = program.items_of("exemption")
        self._criterion_items = program.items_of("criterion")
        self.exemption_ids = [i.id for i in self._exemption_items]
        self.criteria_ids = [i.id for i in self._criterion_items]
        self.outcome_reasons = {o.id: Reason(o.reason, o.cite.key, o.cite.label, o.cite.anchor) for o in program.outcomes.values()}
        self._memo: dict[tuple, object] = {}
        self._applied: dict[tuple[str, int], ThresholdApplied] = {}
        """Each (authority type, position) of a threshold, as applied: one object however many contracts it applies to."""
        self._runnables: dict[str, tuple] = {}
        # Answers of these types are nearly all different: remembering them would only fill memory.
        self._unique = frozenset(f.id for f in self.facts if f.type in ("money", "whole_number", "text"))

    # Citations and thresholds ----------------------------------------------------------

    def cite(self, key: str) -> tuple[str, str]:
        """(label, html id) of an anchor key; an item the guidance does not number cites nothing."""
        anchor = self.anchors.get(key)
        return (anchor.label, anchor.html_id) if anchor else ("", "")

    def compiled(self, source: str):
        found = self._compiled.get(source)
        if found is None:
            found = self._compiled[source] = self.env.compile(source)
        return found

    def threshold_for(self, authority_type: str, on: datetime.date) -> ThresholdApplied | None:
        """The threshold in force for `authority_type` on date `on` (the latest value starting on or before it)."""
        position = self.thresholds.index(authority_type, on)
        if position < 0:
            return None
        found = self._applied.get((authority_type, position))
        if found is None:
            start, amount, reference = self.program.thresholds.values[authority_type][position]
            found = self._applied[authority_type, position] = ThresholdApplied(amount, authority_type, start, reference)
        return found

    def applied_threshold(self, answers: Answers) -> ThresholdApplied | None:
        spec = self.program.thresholds
        if spec.type_fact is None or spec.date_fact is None:
            return None
        return self.threshold_for(answers[spec.type_fact], answers[spec.date_fact])

    # Facts ------------------------------------------------------------------------------

    def evaluate(self, source: str, answers: Answers) -> object:
        """A condition's value for these answers, remembered by the facts it reads (where they repeat)."""
        reads = self.env.reads(source)
        values = tuple(answers[f] for f in reads)
        remember = self._unique.isdisjoint(reads)
        if remember:
            found = self._memo.get((source, values))
            if found is not None:
                return found
        compiled, constants, converters = self._runnable(source)
        data = {name: convert(value) for name, convert, value in zip(reads, converters, values, strict=True)}
        if constants:
            data.update(constants)
        found = self.env.run(compiled, data)
        if remember:
            if len(self._memo) > 50_000:
                self._memo.clear()
            self._memo[(source, values)] = found
        return found

    def _runnable(self, source: str) -> tuple:
        """(compiled, the lists it reads, a converter per fact it reads), made once per condition."""
        found = self._runnables.get(source)
        if found is None:
            converters = tuple(self.converter(f) for f in self.env.reads(source))
            found = self._runnables[source] = (self.compiled(source), self.env.constants_read(source), converters)
        return found

    def converter(self, fact_id: str) -> Callable[[object], object]:
        """How a fact's value is handed to CEL (see `rules.cel.cel_value`)."""
        kind = self.fact[fact_id].type
        return _date_to_cel if kind == "date" else (list if kind == "choices" else _same)

    def unasked(self, answers: Answers, closures: Mapping[str, Callable[[Answers], object]] | None = None) -> list[str]:
        """The facts whose `asked_when` is false for these answers (each takes its blank value).

        `closures` may hold a fast form of some facts' `asked_when` (a register's; see rules/cel_closures.py)."""
        values = dict(answers)
        skipped = []
        for fact_id, _ in self.asked_when:
            fact = self.fact[fact_id]
            closure = closures.get(fact_id) if closures else None
            if not (closure(values) if closure is not None else self.evaluate(fact.asked_when, values)):
                skipped.append(fact_id)
                values[fact_id] = fact.blank
        return skipped

    def decide(self, item: Item, answers: Answers) -> bool:
        """One item's answer."""
        return bool(self.evaluate(item.condition, answers))

    def case_index(self, cases: tuple[Case, ...], answers: Answers, known: Mapping[str, object] | None = None) -> int:
        """Which reason case applies: the first whose `when` holds, or the last. `known` may
        hold the values of some conditions already worked out (a register's)."""
        for index, case in enumerate(cases):
            if case.when is None:
                return index
            if known and case.when in known:
                if known[case.when]:
                    return index
            elif self.evaluate(case.when, answers):
                return index
        return len(cases) - 1

    def fill(self, text: str, answers: Answers, threshold: ThresholdApplied | None, value_words: Mapping[str, str] | None = None) -> str:
        """A reason's placeholders filled with this contract's answers."""
        if "{" not in text:
            return text

        def replace(match: re.Match) -> str:
            kind, name = match.groups()
            if kind == "fact":
                if value_words is not None and name in value_words:
                    return value_words[name]
                return words(self.fact[name], answers[name])
            if kind == "not_chosen":
                fact = self.fact[name]
                return words(fact, tuple(c.id for c in fact.choices if c.id not in answers[name]))
            if name == "amount":
                return money(threshold.amount) if threshold else "no threshold"
            if name == "from":
                return long_date(threshold.in_force_from) if threshold else "no date"
            type_fact = self.program.thresholds.type_fact
            return words(self.fact[type_fact], answers[type_fact]) if type_fact else ""

        return PLACEHOLDER.sub(replace, text)

    def reason(self, item: Item, yes: bool, answers: Answers, threshold, step: str | None, value_words=None) -> Reason:
        cases = item.yes if yes else item.no
        case = cases[self.case_index(cases, answers)]
        text = self.fill(case.text, answers, threshold, value_words)
        if case.cites:
            key = PLACEHOLDER.sub(lambda m: str(answers.get(m.group(2), "")), case.cites)
            label, anchor = self.cite(key)
            if anchor:
                return Reason(text, key, label, anchor, step, item.key)
        cite = item.cite
        return Reason(text, cite.key, cite.label, cite.anchor, step, item.key)

    # The procedure ------------------------------------------------------------------------

    def walk(self, decide: Callable[[Item], bool]) -> Walk:
        """The procedure walked on the items' answers alone: the path, each reason to give
        (item, answer, step) and the outcome. `decide(item)` answers one item."""
        program = self.program
        decided: dict[str, bool] = {}
        shown: list[tuple[Item, bool, str | None]] = []
        path: list[str] = []
        step = program.steps[program.start]
        decided_by: list[str] = []  # the exemptions answered yes at the latest step where any was
        while True:
            path.append(step.id)
            answers_here = [(item, decide(item)) for item in map(program.items.__getitem__, step.asks)]
            for item, yes in answers_here:
                decided[item.key] = yes
            hit = any(yes for _, yes in answers_here)
            decided_by = [item.id for item, yes in answers_here if yes and item.kind == "exemption"] or decided_by
            shown += [(item, yes, step.id) for item, yes in answers_here if yes == hit]
            branch = step.if_any if hit else step.if_none
            if branch.outcome is not None:
                outcome = branch.outcome
                break
            step = program.steps[branch.next]
        exemptions = []
        for item in self._exemption_items:
            applies = decided.get(item.key)
            if applies is None:
                applies = decide(item)
                if applies:
                    shown.append((item, True, None))
            if applies:
                exemptions.append(item.id)
        criteria_met = [item.id for item in self._criterion_items if decided.get(item.key) or decide(item)]
        return Walk(tuple(path), tuple(shown), outcome, tuple(decided_by), tuple(exemptions), tuple(criteria_met))

    def assess(self, answers: Answers, value_words: Mapping[str, str] | None = None) -> Assessment:
        """The outcome for one contract's complete answers, with every exemption that applies and the reasons.

        `value_words`, if given, stands in for some facts' words in the reasons (a register
        encodes one assessment for many contracts and fills each one's own values in).
        """
        threshold = self.applied_threshold(answers)
        walked = self.walk(lambda item: self.decide(item, answers))
        reasons = [self.reason(item, yes, answers, threshold, step, value_words) for item, yes, step in walked.shown]
        reasons.append(self.outcome_reasons[walked.outcome])
        identity = [str(answers.get(f, "")) for f in self.program.identity]
        return Assessment(
            reference=identity[0] if identity else "",
            title=identity[1] if len(identity) > 1 else "",
            outcome=walked.outcome,
            outcome_name=self.outcome_names[walked.outcome],
            exemptions=list(walked.exemptions),
            decided_by=list(walked.decided_by),
            criteria_met=list(walked.criteria_met),
            threshold=threshold,
            reasons=reasons,
            path=list(walked.path),
            guidance_version=self.version,
        )


def _threshold_values(book: Rulebook) -> dict[str, list[tuple[datetime.date, int, str]]]:
    return {kind.id: sorted((v.from_, v.amount, v.reference) for v in kind.values) for kind in book.authority_types}
