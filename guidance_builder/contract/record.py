"""The assessment record: its fields generated from the facts and the rules, so a new fact,
criterion, exemption, ground or support measure appears in the form without a template change.

Each fact has a field named after its id (`authority.type` fills `authority_type`); a
fact with several choices has a tick box and a notes field for each choice; each yes/no
fact derived from a list (one per criterion) has a reasons field beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from guidance_builder.contract.model import Choice, Field
from guidance_builder.model import Rulebook
from guidance_builder.rules.facts import FactSpec, expand_facts


@dataclass
class RecordGroup:
    title: str
    text: str
    fields: list[Field]
    html_id: str


@dataclass
class RecordSection:
    id: str
    title: str
    intro: str
    groups: list[RecordGroup]
    from_content: bool = False
    """A part written in content/record.yaml: the guidance lists each of its fields."""


@dataclass
class RecordForm:
    sections: list[RecordSection]

    @property
    def fields(self) -> list[Field]:
        return [f for s in self.sections for g in s.groups for f in g.fields]


def _f(name: str, label: str, type_: str, help_: str | None = None, required: bool = False, choices=()) -> Field:
    return Field(
        name=name,
        label=label,
        type=type_,
        help=help_,
        required=required,
        choices=[Choice(value=v, label=lab) for v, lab in choices],
    )


FIELD_TYPES = {"text": "text", "choice": "choice", "yes_no": "yesno", "money": "money", "date": "date", "whole_number": "number"}


def fact_field(fact_id: str) -> str:
    """The record field that holds a fact: 'authority.type' -> 'authority_type'."""
    return fact_id.replace(".", "_")


def choice_field(fact_id: str, choice_id: str) -> str:
    return f"{fact_field(fact_id)}_{choice_id}"


def exemption_field(exemption_id: str) -> str:
    return f"exemption_{exemption_id}"


def _group_title(prefix: str) -> str:
    return prefix.replace("_", " ").capitalize()


def _fact_fields(fact: FactSpec, plain: Callable[[str], str]) -> list[Field]:
    label = plain(fact.question)
    required = not (fact.optional or fact.asked_when)
    if fact.type == "choices":
        fields = []
        for choice in fact.choices:
            fields.append(_f(choice_field(fact.id, choice.id), f"{choice.name}: yes", "yesno", f"{label} Tick if so."))
            fields.append(_f(f"{choice_field(fact.id, choice.id)}_notes", f"{choice.name}: notes", "multiline", None))
        return fields
    kind = FIELD_TYPES[fact.type]
    if fact.type == "text" and fact.asked_when:
        kind = "multiline"
    choices = [(c.id, c.name) for c in fact.choices]
    return [_f(fact_field(fact.id), label, kind, plain(fact.help) if fact.help else None, required and fact.type != "yes_no", choices)]


def build_record(book: Rulebook, plain: Callable[[str], str] = str) -> RecordForm:
    """Every field of the record, in order, from the facts and the rules; `plain` turns guidance prose into plain text."""
    derived = {f"{fact.id}.{item.id}": item for fact in book.facts if fact.for_each for item in book.items(fact.for_each)}
    facts = expand_facts(book)
    groups: dict[str, list[Field]] = {}
    for fact in facts:
        if fact.id in derived:
            continue
        prefix = fact.id.split(".", 1)[0] if "." in fact.id else ""
        groups.setdefault(prefix, []).extend(_fact_fields(fact, plain))
    details = RecordSection(
        "details",
        "The contract",
        "Identify the contract assessed, the event that started the assessment, and the answers the rules read.",
        [
            RecordGroup(_group_title(prefix) if prefix else "Contract", "", fields, f"record-{(prefix or 'contract').replace('_', '-')}")
            for prefix, fields in groups.items()
        ],
    )
    tests = RecordSection(
        "tests",
        "The tests",
        "Answer each test. A service that meets any one of them is in scope.",
        [
            RecordGroup(
                derived[fact.id].name,
                plain(fact.question),
                [
                    _f(fact_field(fact.id), f"{derived[fact.id].name}: yes", "yesno", "Tick if the service meets this test."),
                    _f(
                        f"{fact_field(fact.id)}_reasons",
                        f"{derived[fact.id].name}: reasons",
                        "multiline",
                        "The reasons and the evidence relied on.",
                        True,
                    ),
                ],
                f"record-{fact_field(fact.id).replace('_', '-')}",
            )
            for fact in facts
            if fact.id in derived
        ],
    )
    exemptions = RecordSection(
        "exemptions",
        "The exemptions",
        "Consider each exemption, whatever the answer to the tests.",
        [
            RecordGroup(
                e.name,
                plain(e.statement),
                [_f(f"{exemption_field(e.id)}_reasons", f"{e.name}: reasons", "multiline", "Why it does or does not apply.")],
                f"record-exemption-{e.id}",
            )
            for e in book.exemptions
        ],
    )
    outcome = RecordSection(
        "outcome",
        "Outcome",
        "Record the outcome of the assessment and the reasons for it.",
        [
            RecordGroup(
                "Outcome",
                "",
                [
                    _f("outcome", "Outcome", "choice", None, True, [(o.id, o.name) for o in book.procedure.outcomes]),
                    _f(
                        "exemptions_apply", "Exemptions that apply", "multiline", "Every exemption that applies, whether or not it decided."
                    ),
                    _f("outcome_reasons", "Reasons for the outcome", "multiline", None, True),
                ],
                "record-outcome",
            )
        ],
    )
    sign_off = RecordSection(
        "sign-off",
        "Sign-off",
        "The officer who made the assessment and the person who approved it.",
        [
            RecordGroup(
                role_title,
                "",
                [
                    _f(f"{role}_name", f"{role_title}: name", "text", None, True),
                    _f(f"{role}_position", f"{role_title}: position", "text", None, True),
                    _f(f"{role}_signature", f"{role_title}: signature", "signature", None, True),
                    _f(f"{role}_date", f"{role_title}: date", "date", None, True),
                ],
                f"record-{role}",
            )
            for role, role_title in (("assessor", "Assessed by"), ("approver", "Approved by"))
        ],
    )
    parts = [
        RecordSection(
            part.id,
            part.title,
            part.intro,
            [
                RecordGroup(
                    part.title, "", [_f(f.id, f.label, f.type, plain(f.help) if f.help else None) for f in part.fields], f"record-{part.id}"
                )
            ],
            from_content=True,
        )
        for part in book.record_parts
    ]
    return RecordForm([details, tests, exemptions, *parts, outcome, sign_off])
