"""The typed content model: one pydantic class per content file, and the Rulebook that holds them.

The classes are the schema: `guidance-builder schema` exports them as JSON Schema,
so the format is described once.
"""

from guidance_builder.model.content import (
    Assumption,
    AuthorityType,
    Criterion,
    Definition,
    Exemption,
    GoodReasonGround,
    GuidanceMeta,
    Outcome,
    Procedure,
    Section,
    Step,
    SupportMeasure,
    ThresholdValue,
    Trigger,
)
from guidance_builder.model.rulebook import CONTENT_FILES, Rulebook

__all__ = [
    "Assumption",
    "AuthorityType",
    "CONTENT_FILES",
    "Criterion",
    "Definition",
    "Exemption",
    "GoodReasonGround",
    "GuidanceMeta",
    "Outcome",
    "Procedure",
    "Rulebook",
    "Section",
    "Step",
    "SupportMeasure",
    "ThresholdValue",
    "Trigger",
]
