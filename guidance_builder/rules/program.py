"""The rules program: the procedure, its items and their conditions, as one plain structure.

Both engines run it: guidance_builder/engine/rules.py in Python and the checker page's
script in the browser (templates/assets/rules-*.js); rules.json publishes it for
other systems. Each item a step asks about is a condition in CEL:

- a trigger or a criterion is answered by the fact that records it: a choice fact whose
  choices come from that list (`event == "expiry"`), or a `for_each` fact with one yes/no
  fact per item (`criteria.at_risk_contact`);
- an exemption is its own `applies_when`.

Reason texts keep `{fact:id}` and `{threshold:amount|from|authority_type}` for each
assessment to fill in; `{name}` and helpers such as {term:id} are resolved here.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

from guidance_builder.model import Rulebook
from guidance_builder.model import content as c
from guidance_builder.rules.facts import FactSpec, constants, expand_facts, lower_first
from guidance_builder.rules.values import MONTHS

FORMAT = "guidance-builder/rules@2"
ITEM_KINDS = (("triggers", "trigger"), ("criteria", "criterion"), ("exemptions", "exemption"), ("conditions", "condition"))
"""Each list a step may ask about, and what one of its items is called (its anchor kind)."""
FALLBACK_WORDING = {"if_yes": "{name}: yes.", "if_no": "{name}: no."}
FALLBACK_OUTCOME = "Outcome: {name}. {description}"


@dataclass(frozen=True, slots=True)
class Cite:
    key: str
    label: str
    anchor: str

    def as_json(self) -> dict:
        return {"key": self.key, "label": self.label, "anchor": self.anchor}


@dataclass(frozen=True, slots=True)
class Case:
    when: str | None
    text: str
    cites: str | None = None
    """An anchor key, with {fact:id} filled by the answer's id, to cite instead of the item."""


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    kind: str
    id: str
    name: str
    condition: str
    reads: tuple[str, ...]
    cite: Cite
    yes: tuple[Case, ...]
    no: tuple[Case, ...]

    def as_json(self) -> dict:
        def cases(found: tuple[Case, ...]) -> list[dict]:
            return [{"when": case.when, "text": case.text, "cites": case.cites} for case in found]

        return {
            "key": self.key,
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "condition": self.condition,
            "reads": list(self.reads),
            "cite": self.cite.as_json(),
            "reasons": {"yes": cases(self.yes), "no": cases(self.no)},
        }


@dataclass(frozen=True, slots=True)
class Branch:
    next: str | None
    outcome: str | None

    def as_json(self) -> dict:
        return {"next": self.next} if self.next else {"outcome": self.outcome}


@dataclass(frozen=True, slots=True)
class StepSpec:
    id: str
    number: int
    title: str
    question: str
    cite: Cite
    asks: tuple[str, ...]
    if_any: Branch
    if_none: Branch


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    id: str
    name: str
    description: str
    reason: str
    cite: Cite


@dataclass(frozen=True, slots=True)
class ThresholdSpec:
    type_fact: str | None
    date_fact: str | None
    values: dict[str, tuple[tuple[datetime.date, int, str], ...]]
    """Per authority type: (in force from, amount, reference), oldest first."""


@dataclass
class Program:
    version: str
    title: str
    facts: list[FactSpec]
    constants: dict[str, tuple[str, ...]]
    thresholds: ThresholdSpec
    start: str
    steps: dict[str, StepSpec]
    items: dict[str, Item]
    outcomes: dict[str, OutcomeSpec]
    identity: tuple[str, ...]
    citations: dict[str, Cite] = field(default_factory=dict)
    """Every paragraph a reason case may cite in place of its item's ('ground.risk_mitigation')."""
    facts_by_id: dict[str, FactSpec] = field(init=False)

    def __post_init__(self) -> None:
        self.facts_by_id = {f.id: f for f in self.facts}

    def items_of(self, kind: str) -> list[Item]:
        return [item for item in self.items.values() if item.kind == kind]

    def as_json(self, plain) -> dict:
        """The program as the checker page and rules.json carry it; `plain` turns prose into text."""
        return {
            "format": FORMAT,
            "version": self.version,
            "title": self.title,
            "identity": list(self.identity),
            "facts": [
                {
                    "id": f.id,
                    "type": f.type,
                    "question": plain(f.question),
                    "help": plain(f.help) if f.help else None,
                    "optional": f.optional,
                    "asked_when": f.asked_when,
                    **({"choices": [{"id": x.id, "name": x.name, "phrase": x.phrase} for x in f.choices]} if f.choices else {}),
                }
                for f in self.facts
            ],
            "constants": {name: list(values) for name, values in self.constants.items()},
            "thresholds": {
                "type_fact": self.thresholds.type_fact,
                "date_fact": self.thresholds.date_fact,
                "values": {
                    kind: [{"amount": amount, "from": start.isoformat(), "reference": reference} for start, amount, reference in dated]
                    for kind, dated in self.thresholds.values.items()
                },
            },
            "start": self.start,
            "steps": [
                {
                    "id": s.id,
                    "number": s.number,
                    "title": s.title,
                    "question": s.question,
                    "cite": s.cite.as_json(),
                    "asks": list(s.asks),
                    "if_any": s.if_any.as_json(),
                    "if_none": s.if_none.as_json(),
                }
                for s in self.steps.values()
            ],
            "items": [item.as_json() for item in self.items.values()],
            "outcomes": [
                {"id": o.id, "name": o.name, "description": o.description, "reason": o.reason, "cite": o.cite.as_json()}
                for o in self.outcomes.values()
            ],
            "citations": {key: {"label": c.label, "anchor": c.anchor} for key, c in self.citations.items()},
            "months": list(MONTHS),
        }


def item_condition(book: Rulebook, kind: str, item: object) -> str | None:
    """The condition that answers one trigger, criterion or exemption; None if no fact records it."""
    if kind in ("exemptions", "conditions"):
        return item.applies_when if isinstance(item.applies_when, str) else None
    for fact in book.facts:
        if fact.for_each == kind:
            return f"{fact.id}.{item.id}"
        if isinstance(fact.choices, c.ChoicesFrom) and fact.choices.from_ == kind:
            literal = json.dumps(item.id)
            return f"{literal} in {fact.id}" if fact.type == "choices" else f"{fact.id} == {literal}"
    return None


def reason_cases(given: list[c.ReasonCase] | str | None, fallback: list[c.ReasonCase] | str | None, default: str) -> tuple[Case, ...]:
    chosen = given if given is not None else fallback
    if chosen is None:
        return (Case(None, default),)
    if isinstance(chosen, str):
        return (Case(None, chosen),)
    return tuple(Case(case.when, case.text, case.cites) for case in chosen)


def build_program(book: Rulebook, cite, plain, reads) -> Program:
    """The rules program of a validated rulebook.

    `cite(key)` gives (label, anchor) of a guidance paragraph; `plain(text)` turns prose
    with helpers into text; `reads(condition)` lists the facts a condition names.
    """

    def make_cite(key: str) -> Cite:
        label, anchor = cite(key)
        return Cite(key, label, anchor)

    wording = book.procedure.wording or c.Wording()
    items: dict[str, Item] = {}
    for kind, noun in ITEM_KINDS:
        default = getattr(wording, noun) or c.Reasons()
        for entry in book.items(kind):
            condition = item_condition(book, kind, entry)
            if condition is None:
                continue
            own = getattr(entry, "reasons", None) or c.Reasons()
            name = lower_first(entry.name)

            def words(cases: tuple[Case, ...], name: str = name) -> tuple[Case, ...]:
                return tuple(Case(case.when, plain(case.text.replace("{name}", name)), case.cites) for case in cases)

            key = f"{noun}.{entry.id}"
            item_cite = make_cite(key)
            if not item_cite.anchor:  # a procedure condition cites the step that asks it
                asker = next((s for s in book.procedure.steps if entry.id in getattr(s.asks, kind)), None)
                item_cite = Cite(f"step.{asker.id}", *cite(f"step.{asker.id}")) if asker else item_cite
            items[key] = Item(
                key=key,
                kind=noun,
                id=entry.id,
                name=entry.name,
                condition=" ".join(condition.split()),
                reads=reads(condition),
                cite=item_cite,
                yes=words(reason_cases(own.if_yes, default.if_yes, FALLBACK_WORDING["if_yes"])),
                no=words(reason_cases(own.if_no, default.if_no, FALLBACK_WORDING["if_no"])),
            )
    steps = {}
    for number, step in enumerate(book.procedure.steps, 1):
        asks = tuple(f"{noun}.{ref}" for kind, noun in ITEM_KINDS for ref in getattr(step.asks, kind))
        steps[step.id] = StepSpec(
            id=step.id,
            number=number,
            title=step.title,
            question=plain(step.question),
            cite=make_cite(f"step.{step.id}"),
            asks=asks,
            if_any=Branch(step.if_any.next, step.if_any.outcome),
            if_none=Branch(step.if_none.next, step.if_none.outcome),
        )
    outcome_words = wording.outcome or FALLBACK_OUTCOME
    outcomes = {}
    for outcome in book.procedure.outcomes:
        description = plain(outcome.description)
        reason = plain(outcome_words.replace("{name}", outcome.name).replace("{description}", outcome.description))
        outcomes[outcome.id] = OutcomeSpec(outcome.id, outcome.name, description, reason, make_cite(f"outcome.{outcome.id}"))
    chosen = book.thresholds_chosen_by
    thresholds = ThresholdSpec(
        type_fact=chosen.type if chosen else None,
        date_fact=chosen.date if chosen else None,
        values={
            kind.id: tuple((v.from_, v.amount, v.reference) for v in sorted(kind.values, key=lambda v: v.from_))
            for kind in book.authority_types
        },
    )
    facts = expand_facts(book)
    by_id = {f.id: f for f in facts}
    citations = {}
    for item in items.values():
        for case in (*item.yes, *item.no):
            for key in _cited_keys(case.cites, by_id):
                label, anchor = cite(key)
                if anchor:
                    citations[key] = Cite(key, label, anchor)
    return Program(
        version=book.meta.version,
        title=book.meta.short_title,
        facts=facts,
        constants=constants(book),
        thresholds=thresholds,
        start=book.procedure.start,
        steps=steps,
        items=items,
        outcomes=outcomes,
        identity=tuple(book.identity),
        citations=citations,
    )


_PLACEHOLDER = re.compile(r"\{(?:fact|not_chosen|threshold):([A-Za-z0-9_.]+)\}")


def _cited_keys(template: str | None, facts: dict[str, FactSpec]) -> list[str]:
    """Every anchor key a case's `cites` can give: one per choice of the fact it names."""
    if not template:
        return []
    names = _PLACEHOLDER.findall(template)
    if not names:
        return [template]
    if len(names) != 1 or names[0] not in facts:
        return []
    return [_PLACEHOLDER.sub(choice.id, template) for choice in facts[names[0]].choices]
