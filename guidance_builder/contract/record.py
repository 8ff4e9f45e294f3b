"""The assessment record: its fields generated from the rules, so a new criterion,
exemption, ground or support measure appears in the form without a template change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from guidance_builder.contract.model import Choice, Field
from guidance_builder.model import Rulebook

PARTY_TYPES = [
    ("central_government", "Central government"),
    ("local_authority", "Local authority"),
    ("other_public_authority", "Other public authority"),
    ("private", "Private company"),
    ("voluntary", "Voluntary or community organisation"),
]


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


def criterion_field(criterion_id: str) -> str:
    return f"criterion_{criterion_id}"


def exemption_field(exemption_id: str) -> str:
    return f"exemption_{exemption_id}"


def support_field(measure_id: str) -> str:
    return f"support_{measure_id}"


def build_record(book: Rulebook, plain: Callable[[str], str] = str) -> RecordForm:
    """Every field of the record, in order, from the rulebook; `plain` turns guidance prose into plain text."""
    details = RecordSection(
        "details",
        "The contract",
        "Identify the contract assessed and the event that started the assessment.",
        [
            RecordGroup(
                "Contract",
                "",
                [
                    _f("reference", "Assessment reference", "text", "The authority's own reference for this assessment.", True),
                    _f("contract_title", "Contract title", "text", "The title of the contract as let.", True),
                    _f("authority_name", "Authority", "text", "The authority making the assessment.", True),
                    _f("authority_type", "Type of authority", "choice", None, True, [(t.id, t.name) for t in book.authority_types]),
                    _f("provider_name", "Provider", "text", "The provider under the contract.", True),
                    _f("provider_type", "Type of provider", "choice", None, True, PARTY_TYPES),
                    _f(
                        "relevant_contract",
                        "The contract is a relevant contract",
                        "yesno",
                        "Tick if the contract falls within the statutory definition.",
                    ),
                    _f(
                        "contract_value",
                        "Contract value (£)",
                        "money",
                        "The value of the contract, calculated as the guidance describes.",
                        True,
                    ),
                    _f("event", "Event", "choice", "What started the assessment.", True, [(t.id, t.name) for t in book.triggers]),
                    _f("event_date", "Date of the event", "date", "The date of expiry or termination.", True),
                ],
                "record-contract",
            )
        ],
    )
    tests = RecordSection(
        "tests",
        "The tests",
        "Answer each test. A service that meets any one of them is in scope.",
        [
            RecordGroup(
                c.name,
                plain(c.question),
                [
                    _f(criterion_field(c.id), f"{c.name}: yes", "yesno", "Tick if the service meets this test."),
                    _f(
                        f"{criterion_field(c.id)}_reasons",
                        f"{c.name}: reasons",
                        "multiline",
                        "The reasons and the evidence relied on.",
                        True,
                    ),
                ],
                f"record-criterion-{c.id}",
            )
            for c in book.criteria
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
                [
                    _f(exemption_field(e.id), f"{e.name}: applies", "yesno", "Tick if the exemption applies."),
                    _f(f"{exemption_field(e.id)}_reasons", f"{e.name}: reasons", "multiline", "Why it does or does not apply."),
                ],
                f"record-exemption-{e.id}",
            )
            for e in book.exemptions
        ],
    )
    good = RecordSection(
        "good-reason",
        "Good reason",
        "Complete this part only if the authority relies on a good reason.",
        [
            RecordGroup(
                "Ground relied on",
                "",
                [
                    _f(
                        "good_reason_ground",
                        "Ground relied on",
                        "choice",
                        None,
                        False,
                        [("none", "None")] + [(g.id, g.name) for g in book.grounds],
                    ),
                    _f("good_reason_evidence", "Evidence for the ground", "multiline", "The evidence the guidance asks for."),
                ],
                "record-good-reason",
            )
        ]
        + [
            RecordGroup(
                s.name,
                plain(s.description),
                [
                    _f(support_field(s.id), f"{s.name}: considered", "yesno", "Tick if the authority considered this support measure."),
                    _f(
                        f"{support_field(s.id)}_notes",
                        f"{s.name}: how it was considered",
                        "multiline",
                        "What it would contribute, and when.",
                    ),
                ],
                f"record-support-{s.id}",
            )
            for s in book.support_measures
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
    return RecordForm([details, tests, exemptions, good, outcome, sign_off])
