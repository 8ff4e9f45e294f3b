"""Schema of each content file. `extra="forbid"` rejects unknown keys; strict types
stop YAML's guesses (a version written 1.0 is a number, not text) slipping through."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
SectionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
"""Prose that may hold helpers such as {term:id}; rendered as inline Markdown."""
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]

Status = Literal["draft", "consultation", "final", "withdrawn"]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
"""A fact's dotted place in the assess input: 'value_gbp', 'authority.type', 'criteria.at_risk_contact'."""
Condition = Annotated[str, StringConstraints(min_length=1)]
"""A CEL expression over fact ids, checked against the facts by rules/conditions.py."""
FactType = Literal["yes_no", "money", "date", "whole_number", "choice", "choices", "text"]
ChoiceSource = Literal["authority_types", "triggers", "grounds", "support_measures", "criteria", "exemptions", "outcomes"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class StatutoryBasis(Strict):
    text: Text
    assumption: Id | None = None


class Section(Strict):
    id: SectionId
    title: Text
    file: Text
    annex: bool = False


class GuidanceMeta(Strict):
    title: Text
    subtitle: Text
    short_title: Text
    issuing_body: Text
    statutory_basis: StatutoryBasis
    audience: list[Text] = Field(min_length=1)
    version: Version
    status: Status
    publication_date: datetime.date
    effective_date: datetime.date
    review_date: datetime.date
    assessment_lead_time_months: int = Field(default=12, ge=1, le=60)
    """How long before a contract ends the assessment should start; the guidance and the contract's Award Form both quote it."""
    change_type: Literal["major", "minor"]
    change_summary: Text
    language: Text = "en-GB"
    site_url: Annotated[str, StringConstraints(pattern=r"^https://[a-z0-9.-]+(/[A-Za-z0-9._~/-]*)?/$")] = "https://guidance.example/"
    """Where the site is published; used only where a full address is required (sitemap, feed)."""
    sections: list[Section] = Field(min_length=1)


class Assumption(Strict):
    id: Id
    summary: Text
    detail: Text


class Definition(Strict):
    id: Id
    term: Text
    forms: list[Text] = []
    definition: Text
    assumption: Id | None = None


class Trigger(Strict):
    id: Id
    name: Text
    description: Text


class Example(Strict):
    service: Text
    note: Text


class Criterion(Strict):
    id: Id
    name: Text
    question: Text
    explanation: Text
    indicators: list[Text] = Field(min_length=1)
    examples: list[Example] = Field(min_length=1)


class ReasonCase(Strict):
    when: Condition | None = None
    """The case applies when this holds; the last case usually has none (otherwise)."""
    text: Text
    cites: Annotated[str, StringConstraints(min_length=1)] | None = None
    """The paragraph the reason rests on, if not the item's own: 'ground.{fact:good_reason.ground}'."""


class Reasons(Strict):
    """How an assessment explains the answer about one item: the first case that applies is used."""

    if_yes: list[ReasonCase] | Text | None = None
    if_no: list[ReasonCase] | Text | None = None


class Exemption(Strict):
    id: Id
    name: Text
    statement: Text
    applies_when: Condition | dict
    """A CEL condition; a mapping is the retired 'kind:' form, kept readable for published editions."""
    evidence: list[Text] = Field(min_length=1)
    reasons: Reasons | None = None
    assumption: Id | None = None


class GoodReasonGround(Strict):
    id: Id
    name: Text
    description: Text
    evidence: list[Text] = Field(min_length=1)
    requires_support_considered: bool


class SupportMeasure(Strict):
    id: Id
    name: Text
    description: Text
    how_to_access: Text


class ThresholdValue(Strict):
    amount: int = Field(ge=0)
    from_: datetime.date = Field(alias="from")
    reference: Text

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class AuthorityType(Strict):
    id: Id
    name: Text
    values: list[ThresholdValue] = Field(min_length=1)


class Asks(Strict):
    triggers: list[Id] = []
    criteria: list[Id] = []
    exemptions: list[Id] = []
    conditions: list[Id] = []
    """Conditions named in the procedure's own `conditions` list (neither a test nor an exemption)."""


class Branch(Strict):
    next: Id | None = None
    outcome: Id | None = None


class Step(Strict):
    id: Id
    question: Text
    title: Text
    asks: Asks
    if_any: Branch
    if_none: Branch


class Outcome(Strict):
    id: Id
    name: Text
    description: Text


class Wording(Strict):
    """The default reasons for each kind of item; {name} is the item's name, mid-sentence."""

    trigger: Reasons | None = None
    criterion: Reasons | None = None
    exemption: Reasons | None = None
    condition: Reasons | None = None
    outcome: Text | None = None


class ProcedureCondition(Strict):
    """A question the procedure asks that is not a test or an exemption: which outcome follows."""

    id: Id
    name: Text
    applies_when: Condition
    reasons: Reasons | None = None


class Procedure(Strict):
    start: Id
    wording: Wording | None = None
    conditions: list[ProcedureCondition] = []
    steps: list[Step] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)


# One class per file: the file's top-level keys.


class AssumptionsFile(Strict):
    assumptions: list[Assumption] = []


class DefinitionsFile(Strict):
    definitions: list[Definition] = Field(min_length=1)


class TriggersFile(Strict):
    triggers: list[Trigger] = Field(min_length=1)


class CriteriaFile(Strict):
    criteria: list[Criterion] = Field(min_length=1)


class ExemptionsFile(Strict):
    exemptions: list[Exemption] = Field(min_length=1)


class GoodReasonFile(Strict):
    grounds: list[GoodReasonGround] = Field(min_length=1)
    support_measures: list[SupportMeasure] = Field(min_length=1)


class ThresholdsChosenBy(Strict):
    type: FactId
    """The choice fact whose answer is the authority type."""
    date: FactId
    """The date fact whose answer picks the dated value in force."""


class ThresholdsFile(Strict):
    assumption: Id | None = None
    chosen_by: ThresholdsChosenBy | None = None
    authority_types: list[AuthorityType] = Field(min_length=1)


class InlineChoice(Strict):
    id: Id
    name: Text


class ChoicesFrom(Strict):
    from_: ChoiceSource = Field(alias="from")
    also: list[InlineChoice] = []
    """Choices added after the list's own, such as 'none of these'."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class Fact(Strict):
    id: FactId
    type: FactType
    question: Text | None = None
    """Prose with helpers. Required, except for a fact with for_each (each item's question is asked)."""
    help: Text | None = None
    choices: list[InlineChoice] | ChoicesFrom | None = None
    optional: bool = False
    asked_when: Condition | None = None
    for_each: ChoiceSource | None = None
    """One fact '<id>.<item id>' per item of a list (the criteria): derived, not listed one by one."""
    also_called: list[Annotated[str, StringConstraints(min_length=1)]] = []
    """Older names of the fact that inputs and registers may still use ('authority_name')."""


class FactsFile(Strict):
    identity: list[FactId] = Field(min_length=1)
    """The facts that name a contract in results: its reference first."""
    facts: list[Fact] = Field(min_length=1)


class RecordField(Strict):
    id: Id
    label: Text
    type: Literal["text", "multiline", "date", "yesno", "money"]
    help: Text | None = None


class RecordPart(Strict):
    id: SectionId
    title: Text
    intro: Text
    fields: list[RecordField] = Field(min_length=1)


class RecordFile(Strict):
    """What the assessment record holds beyond the facts, the tests, the exemptions and the outcome."""

    sections: list[RecordPart] = []
