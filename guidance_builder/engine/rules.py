"""The engine: walk content/procedure.yaml from its start for one contract.

Nothing about the order of the questions is written here: each step's `asks` and
its `if_any` / `if_none` branches come from the content. What is code is how each
kind of question is answered from the input (an event is a trigger, a criterion
is a flag, an exemption follows its `applies_when.kind`), and the sentences in
reasons.py that explain each answer, citing the paragraph it rests on.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass

from guidance_builder.engine.contract import PARTY_LABELS, Contract
from guidance_builder.engine.reasons import TEMPLATES, long_date, money
from guidance_builder.engine.text import join_words, lower_first, plain_text
from guidance_builder.model import Rulebook
from guidance_builder.structure import AnchorIndex


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
    """The exemptions, asked at the last step, that made the outcome 'exempt'."""
    criteria_met: list[str]
    threshold: ThresholdApplied
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
            "threshold": self.threshold.as_json(),
            "reasons": [r.as_json() for r in self.reasons],
            "path": self.path,
            "guidance_version": self.guidance_version,
        }


class NoThreshold(ValueError):
    """No threshold value is in force for the authority type on the event date."""


class Engine:
    """The rulebook compiled for fast, repeated assessment."""

    def __init__(self, book: Rulebook, anchors: AnchorIndex):
        self.book = book
        self.version = book.meta.version
        self.anchors = anchors
        procedure = book.procedure
        self.start = procedure.start
        self.steps = {s.id: s for s in procedure.steps}
        self.outcome_names = {o.id: o.name for o in procedure.outcomes}
        self.outcome_reasons = {
            o.id: self._reason(
                TEMPLATES["outcome"].format(outcome=o.name, description=plain_text(book, anchors, o.description)), f"outcome.{o.id}"
            )
            for o in procedure.outcomes
        }
        self.criteria_ids = [c.id for c in book.criteria]
        self.trigger_ids = [t.id for t in book.triggers]
        self.exemption_ids = [e.id for e in book.exemptions]
        self.rules = {e.id: e.applies_when for e in book.exemptions}
        self.ground_ids = [g.id for g in book.grounds]
        self.support_ids = [s.id for s in book.support_measures]
        self.authority_types = [a.id for a in book.authority_types]
        self._grounds = {g.id: g for g in book.grounds}
        self.trigger_phrase = {t.id: lower_first(t.name) for t in book.triggers}
        self.criterion_phrase = {c.id: lower_first(c.name) for c in book.criteria}
        self.ground_phrase = {g.id: lower_first(g.name) for g in book.grounds}
        self.support_phrase = {s.id: lower_first(s.name) for s in book.support_measures}
        self.authority_phrase = {a.id: lower_first(a.name) for a in book.authority_types}
        self._thresholds: dict[str, tuple[list[datetime.date], list[ThresholdApplied]]] = {}
        for kind in book.authority_types:
            values = sorted(kind.values, key=lambda v: v.from_)
            self._thresholds[kind.id] = (
                [v.from_ for v in values],
                [ThresholdApplied(v.amount, kind.id, v.from_, v.reference) for v in values],
            )
        # Reasons that do not depend on the contract's values are made once, and so are the
        # answers to questions that depend on only a few facts (see `_memo_key`).
        self._fixed: dict[tuple[str, str], Reason] = {}
        self._memo: dict[tuple, tuple[bool, tuple[Reason, ...]]] = {}
        self._step_memo: dict[tuple, tuple[bool, tuple[Reason, ...]]] = {}

    # Citations -----------------------------------------------------------------

    def cite(self, key: str) -> tuple[str, str]:
        """(label, html id) of an anchor key; an item the guidance does not number cites nothing."""
        anchor = self.anchors.get(key)
        return (anchor.label, anchor.html_id) if anchor else ("", "")

    def _reason(self, text: str, key: str, step: str | None = None) -> Reason:
        label, anchor = self.cite(key)
        return Reason(text, key, label, anchor, step)

    def _fixed_reason(self, template: str, key: str, step: str | None, **words: str) -> Reason:
        cache_key = (template, key, step or "", *words.values())
        reason = self._fixed.get(cache_key)
        if reason is None:
            reason = self._fixed[cache_key] = self._reason(TEMPLATES[template].format(**words), key, step)
        return reason

    # Thresholds ------------------------------------------------------------------

    def threshold_for(self, authority_type: str, on: datetime.date) -> ThresholdApplied | None:
        """The threshold in force for `authority_type` on date `on` (the latest value starting on or before it)."""
        dates, values = self._thresholds[authority_type]
        index = bisect.bisect_right(dates, on)
        return values[index - 1] if index else None

    def earliest_threshold(self, authority_type: str) -> datetime.date:
        return self._thresholds[authority_type][0][0]

    # Questions -----------------------------------------------------------------

    def exemption(
        self, exemption_id: str, contract: Contract, threshold: ThresholdApplied, step: str | None = None, value_words: str | None = None
    ) -> tuple[bool, tuple[Reason, ...]]:
        """Whether one exemption applies, with the reasons for the answer.

        `value_words` stands in for the contract value's words in a reason that quotes it
        (a register fills in each row's value there).
        """
        rule = self.rules[exemption_id]
        kind = rule.kind
        if kind != "below_threshold":
            memo_key = (exemption_id, step, self._memo_key(kind, contract))
            found = self._memo.get(memo_key)
            if found is None:
                found = self._memo[memo_key] = self._decide(exemption_id, rule, contract, threshold, step, value_words)
            return found
        return self._decide(exemption_id, rule, contract, threshold, step, value_words)

    def _memo_key(self, kind: str, contract: Contract) -> object:
        """The only facts an exemption of this kind reads (its answer is remembered by them)."""
        if kind == "not_relevant_contract":
            return contract.relevant_contract
        if kind == "between_parties":
            return (contract.authority_type, contract.provider_type)
        given = contract.good_reason
        if given is None:
            return None
        return (given.ground, bool(given.evidence.strip()), frozenset(given.support_considered))

    def _decide(
        self, exemption_id: str, rule, contract: Contract, threshold: ThresholdApplied, step: str | None, value_words: str | None
    ) -> tuple[bool, tuple[Reason, ...]]:
        kind = rule.kind
        key = f"exemption.{exemption_id}"
        if kind == "not_relevant_contract":
            applies = not contract.relevant_contract
            return applies, (self._fixed_reason("not_relevant_applies" if applies else "not_relevant_not", key, step),)
        if kind == "below_threshold":
            value, amount = contract.value_gbp, threshold.amount
            applies = value < amount
            template = "below_applies" if applies else ("below_equal" if value == amount else "below_not")
            text = TEMPLATES[template].format_map(
                {
                    "value": money(value) if value_words is None else value_words,
                    "threshold": money(amount),
                    "from": long_date(threshold.in_force_from),
                    "authority_type": self.authority_phrase[threshold.authority_type],
                }
            )
            return applies, (Reason(text, key, *self.cite(key), step),)
        if kind == "between_parties":
            a, p = contract.authority_type, contract.provider_type
            applies = (a in rule.one_party and p in rule.other_party) or (p in rule.one_party and a in rule.other_party)
            words = {"authority": PARTY_LABELS[a], "provider": PARTY_LABELS[p]}
            return applies, (self._fixed_reason("parties_applies" if applies else "parties_not", key, step, **words),)
        if kind == "good_reason":
            return self._good_reason(key, contract, step)
        raise ValueError(f"unknown exemption rule kind {kind!r}")  # the content model allows no other

    def _good_reason(self, key: str, contract: Contract, step: str | None) -> tuple[bool, tuple[Reason, ...]]:
        given = contract.good_reason
        if given is None:
            return False, (self._fixed_reason("reason_none", key, step),)
        ground = self._grounds[given.ground]
        ground_key = f"ground.{ground.id}"
        words = {"ground": self.ground_phrase[ground.id]}
        reasons = []
        has_evidence = bool(given.evidence.strip())
        if not has_evidence:
            reasons.append(self._fixed_reason("reason_no_evidence", ground_key, step, **words))
        missing = []
        if ground.requires_support_considered:
            considered = given.support_considered
            missing = [s for s in self.support_ids if s not in considered]
            if missing:
                reasons.append(self._fixed_reason("reason_missing_support", ground_key, step, **words))
                reasons.extend(self._fixed_reason("support_missing", f"support.{s}", step, support=self.support_phrase[s]) for s in missing)
        if has_evidence and not missing:
            template = "reason_met_support" if ground.requires_support_considered else "reason_met"
            return True, (self._fixed_reason(template, ground_key, step, **words),)
        return False, tuple(reasons)

    def decision_key(self, contract: Contract, threshold: ThresholdApplied) -> tuple:
        """Everything `assess` reads from a contract, except its names and its exact value.

        Two contracts with the same key get the same assessment but for the words that
        quote the value (see `assess(value_words=...)`); a register reuses assessments by it.
        Only how the value compares with the threshold decides anything.
        """
        value, amount = contract.value_gbp, threshold.amount
        given = contract.good_reason
        reason = None
        if given is not None:
            support = frozenset(given.support_considered) if self._grounds[given.ground].requires_support_considered else None
            reason = (given.ground, bool(given.evidence.strip()), support)
        return (
            contract.authority_type,
            contract.provider_type,
            contract.relevant_contract,
            contract.event,
            threshold.in_force_from,
            (value > amount) - (value < amount),
            tuple(map(contract.criteria.__getitem__, self.criteria_ids)),
            reason,
        )

    # The procedure ---------------------------------------------------------------

    def assess(self, contract: Contract, value_words: str | None = None) -> Assessment:
        """The outcome for one contract, with every exemption that applies and the reasons.

        `value_words`, if given, stands in for the contract value's words in the reasons
        (a register encodes one assessment for many contracts and fills each value in).
        """
        threshold = self.threshold_for(contract.authority_type, contract.event_date)
        if threshold is None:
            raise NoThreshold(
                f"no threshold is in force for {contract.authority_type} on {contract.event_date.isoformat()}; "
                f"the earliest starts on {self.earliest_threshold(contract.authority_type).isoformat()}"
            )
        decided: dict[str, bool] = {}
        reasons: list[Reason] = []
        path: list[str] = []
        step_id = self.start
        while True:
            step = self.steps[step_id]
            path.append(step_id)
            asks = step.asks
            memo_key = (step_id, contract.event if asks.triggers else None, tuple(map(contract.criteria.__getitem__, asks.criteria)))
            found = self._step_memo.get(memo_key)
            if found is None:
                found = self._step_memo[memo_key] = self._triggers_and_criteria(step_id, asks, contract)
            hit, why = found
            reasons.extend(why)
            for exemption_id in asks.exemptions:
                applies, why = self.exemption(exemption_id, contract, threshold, step_id, value_words)
                decided[exemption_id] = applies
                hit = hit or applies
                reasons.extend(why)
            branch = step.if_any if hit else step.if_none
            if branch.outcome is not None:
                outcome = branch.outcome
                break
            step_id = branch.next
        decided_by = [e for e in asks.exemptions if decided[e]] if outcome == "exempt" else []
        exemptions = []
        for exemption_id in self.exemption_ids:
            applies = decided.get(exemption_id)
            if applies is None:
                applies, why = self.exemption(exemption_id, contract, threshold, None, value_words)
                if applies:
                    reasons.extend(why)
            if applies:
                exemptions.append(exemption_id)
        reasons.append(self.outcome_reasons[outcome])
        flags = contract.criteria
        return Assessment(
            reference=contract.reference,
            title=contract.title,
            outcome=outcome,
            outcome_name=self.outcome_names[outcome],
            exemptions=exemptions,
            decided_by=decided_by,
            criteria_met=[c for c in self.criteria_ids if flags[c]],
            threshold=threshold,
            reasons=reasons,
            path=path,
            guidance_version=self.version,
        )

    def _triggers_and_criteria(self, step_id: str, asks, contract: Contract) -> tuple[bool, tuple[Reason, ...]]:
        """A step's answer about triggers (the event is one of them) and criteria (any is met)."""
        hit = False
        reasons: list[Reason] = []
        if asks.triggers:
            if contract.event in asks.triggers:
                hit = True
                reasons.append(
                    self._fixed_reason("trigger_met", f"trigger.{contract.event}", step_id, event=self.trigger_phrase[contract.event])
                )
            else:
                events = join_words([self.trigger_phrase[t] for t in asks.triggers], "or")
                reasons.append(self._fixed_reason("trigger_none", f"step.{step_id}", step_id, events=events))
        if asks.criteria:
            flags = contract.criteria
            met = [c for c in asks.criteria if flags[c]]
            if met:
                hit = True
                reasons.extend(
                    self._fixed_reason("criterion_met", f"criterion.{c}", step_id, criterion=self.criterion_phrase[c]) for c in met
                )
            else:
                reasons.extend(
                    self._fixed_reason("criterion_not_met", f"criterion.{c}", step_id, criterion=self.criterion_phrase[c])
                    for c in asks.criteria
                )
        return hit, tuple(reasons)
