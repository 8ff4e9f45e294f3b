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
OutcomeId = Literal["insource", "exempt", "not_in_scope", "no_assessment_due"]
AuthorityTypeId = Literal["central_government", "local_authority", "other_public_authority"]
PartyType = Literal["central_government", "local_authority", "other_public_authority", "private", "voluntary"]


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


class NotRelevantContractRule(Strict):
    kind: Literal["not_relevant_contract"]


class BelowThresholdRule(Strict):
    kind: Literal["below_threshold"]


class BetweenPartiesRule(Strict):
    kind: Literal["between_parties"]
    one_party: list[PartyType] = Field(min_length=1)
    other_party: list[PartyType] = Field(min_length=1)


class GoodReasonRule(Strict):
    kind: Literal["good_reason"]


ExemptionRule = Annotated[
    NotRelevantContractRule | BelowThresholdRule | BetweenPartiesRule | GoodReasonRule,
    Field(discriminator="kind"),
]


class Exemption(Strict):
    id: Id
    name: Text
    statement: Text
    applies_when: ExemptionRule
    evidence: list[Text] = Field(min_length=1)


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
    id: AuthorityTypeId
    name: Text
    values: list[ThresholdValue] = Field(min_length=1)


class Asks(Strict):
    triggers: list[Id] = []
    criteria: list[Id] = []
    exemptions: list[Id] = []


class Branch(Strict):
    next: Id | None = None
    outcome: OutcomeId | None = None


class Step(Strict):
    id: Id
    question: Text
    title: Text
    asks: Asks
    if_any: Branch
    if_none: Branch


class Outcome(Strict):
    id: OutcomeId
    name: Text
    description: Text


class Procedure(Strict):
    start: Id
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


class ThresholdsFile(Strict):
    assumption: Id | None = None
    authority_types: list[AuthorityType] = Field(min_length=1)
