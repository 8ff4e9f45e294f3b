"""The facts an assessment records, expanded from facts.yaml and the lists they draw on.

A fact with `for_each: criteria` stands for one yes/no fact per criterion
(`criteria.<criterion id>`, asked with the criterion's own question); a fact with
`choices: {from: grounds}` takes its choices from good-reason.yaml. After expansion
every fact is a plain `FactSpec`, and nothing downstream needs to know where it came from.
"""

from __future__ import annotations

import datetime
import typing
from dataclasses import dataclass, field

from guidance_builder.model import Rulebook
from guidance_builder.model import content as c

CEL_TYPES = {
    "yes_no": "bool",
    "money": "int",
    "whole_number": "int",
    "date": "timestamp",
    "choice": "string",
    "text": "string",
    "choices": "list<string>",
}
"""Each fact type's CEL type; the browser declares the same (google.protobuf.Timestamp for timestamp)."""

EPOCH = datetime.date(1970, 1, 1)
BLANK = {"yes_no": False, "money": 0, "whole_number": 0, "date": EPOCH, "choice": "", "text": "", "choices": ()}
"""The value of a fact that was not asked, or an optional one left blank."""

KIND_NOUNS = {
    "authority_types": "authority type",
    "triggers": "event",
    "grounds": "ground",
    "support_measures": "support measure",
    "criteria": "criterion",
    "exemptions": "exemption",
}
"""What one choice is called in a message, by the content list it comes from."""

OPTIONAL_TYPES = frozenset({"text", "choice", "choices"})
"""The types whose blank value reads as 'no answer' ("" or no choices), so only they may be optional."""


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    id: str
    name: str
    phrase: str
    """The name as it reads mid-sentence: 'local authorities', 'a private company'."""


@dataclass(frozen=True, slots=True)
class FactSpec:
    id: str
    type: str
    question: str
    """Prose with helpers, as written in the YAML (the criterion's question for a derived fact)."""
    help: str | None = None
    choices: tuple[ChoiceSpec, ...] = ()
    optional: bool = False
    asked_when: str | None = None
    also_called: tuple[str, ...] = ()
    source: tuple[str, tuple] = ("facts.yaml", ())
    """Where the fact is written: (content file, YAML path), for messages."""
    choice_ids: frozenset[str] = field(default=frozenset(), compare=False)
    noun: str = ""
    """What one answer is called in a message: 'authority type', 'support measure'."""

    @property
    def cel_type(self) -> str:
        return CEL_TYPES[self.type]

    @property
    def blank(self) -> object:
        return BLANK[self.type]

    def choice(self, choice_id: str) -> ChoiceSpec | None:
        return next((c for c in self.choices if c.id == choice_id), None)


def lower_first(name: str) -> str:
    """'Local authorities' -> 'local authorities', for a name used mid-sentence."""
    if len(name) > 1 and name[1].isupper():  # an acronym such as 'NHS bodies'
        return name
    return name[:1].lower() + name[1:]


def list_choices(book: Rulebook, kind: str) -> tuple[ChoiceSpec, ...]:
    return tuple(ChoiceSpec(item.id, item.name, lower_first(item.name)) for item in book.items(kind))


def expand_facts(book: Rulebook) -> list[FactSpec]:
    """Every fact, in the order facts.yaml lists them, derived ones in place."""
    facts: list[FactSpec] = []
    for index, fact in enumerate(book.facts):
        where = ("facts.yaml", ("facts", index))
        if fact.for_each is not None:
            for item in book.items(fact.for_each):
                question = getattr(item, "question", None) or item.name
                facts.append(_spec(fact, f"{fact.id}.{item.id}", question, (), where, KIND_NOUNS.get(fact.for_each, "")))
            continue
        noun = KIND_NOUNS[fact.choices.from_] if isinstance(fact.choices, c.ChoicesFrom) else ""
        facts.append(_spec(fact, fact.id, fact.question or fact.id, _choices(book, fact), where, noun))
    return facts


def _choices(book: Rulebook, fact: c.Fact) -> tuple[ChoiceSpec, ...]:
    given = fact.choices
    if given is None:
        return ()
    if isinstance(given, c.ChoicesFrom):
        extra = tuple(ChoiceSpec(x.id, x.name, lower_first(x.name)) for x in given.also)
        return list_choices(book, given.from_) + extra
    return tuple(ChoiceSpec(x.id, x.name, lower_first(x.name)) for x in given)


def _spec(fact: c.Fact, fact_id: str, question: str, choices: tuple[ChoiceSpec, ...], where, noun: str) -> FactSpec:
    return FactSpec(
        id=fact_id,
        type=fact.type,
        question=question,
        help=fact.help,
        choices=choices,
        optional=fact.optional,
        asked_when=fact.asked_when,
        also_called=tuple(fact.also_called) if fact.for_each is None else (),
        source=where,
        choice_ids=frozenset(x.id for x in choices),
        noun=noun,
    )


def constants(book: Rulebook) -> dict[str, tuple[str, ...]]:
    """The lists a condition may name: each list's ids, and, for each yes/no field of a list's
    items, the ids of the items where it is true (`grounds_requires_support_considered`).

    A list named like a fact, or like a group of facts ('criteria' beside
    'criteria.at_risk_contact'), is left out: the name means the facts."""
    taken = {part for fact in expand_facts(book) for part in _prefixes(fact.id)}
    found: dict[str, tuple[str, ...]] = {}
    for kind in typing.get_args(c.ChoiceSource):
        items = book.items(kind)
        found[kind] = tuple(item.id for item in items)
        flags = {name for item in items for name, value in item if isinstance(value, bool)}
        for flag in sorted(flags):
            found[f"{kind}_{flag}"] = tuple(item.id for item in items if getattr(item, flag))
    return {name: ids for name, ids in found.items() if name not in taken}


def _prefixes(fact_id: str) -> list[str]:
    parts = fact_id.split(".")
    return [".".join(parts[: n + 1]) for n in range(len(parts))]
