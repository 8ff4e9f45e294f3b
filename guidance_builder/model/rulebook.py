"""The Rulebook: every rule fact of one edition, typed, after validation."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from guidance_builder.model import content as c

CONTENT_FILES: dict[str, type[c.Strict]] = {
    "guidance.yaml": c.GuidanceMeta,
    "assumptions.yaml": c.AssumptionsFile,
    "definitions.yaml": c.DefinitionsFile,
    "triggers.yaml": c.TriggersFile,
    "criteria.yaml": c.CriteriaFile,
    "exemptions.yaml": c.ExemptionsFile,
    "good-reason.yaml": c.GoodReasonFile,
    "thresholds.yaml": c.ThresholdsFile,
    "procedure.yaml": c.Procedure,
    "facts.yaml": c.FactsFile,
    "record.yaml": c.RecordFile,
}
"""Each content file and the schema it must match. The Rulebook is their union."""

OPTIONAL_FILES = frozenset({"facts.yaml", "record.yaml"})
"""Files an edition may lack: editions published before 0.3.0 have neither."""


class Rulebook(BaseModel):
    model_config = ConfigDict(frozen=True)

    meta: c.GuidanceMeta
    assumptions: list[c.Assumption]
    definitions: list[c.Definition]
    triggers: list[c.Trigger]
    criteria: list[c.Criterion]
    exemptions: list[c.Exemption]
    grounds: list[c.GoodReasonGround]
    support_measures: list[c.SupportMeasure]
    threshold_assumption: str | None
    authority_types: list[c.AuthorityType]
    procedure: c.Procedure
    facts: list[c.Fact] = []
    identity: list[str] = []
    thresholds_chosen_by: c.ThresholdsChosenBy | None = None
    record_parts: list[c.RecordPart] = []

    def threshold_in_force(self, authority_type: str, on: datetime.date) -> c.ThresholdValue | None:
        """The threshold value for `authority_type` in force on date `on`."""
        for kind in self.authority_types:
            if kind.id == authority_type:
                dated = [v for v in kind.values if v.from_ <= on]
                return max(dated, key=lambda v: v.from_) if dated else None
        return None

    def items(self, kind: str) -> list:
        """The list of items of a kind, by the name used in helpers ({count:criteria})."""
        return {
            "assumptions": self.assumptions,
            "definitions": self.definitions,
            "triggers": self.triggers,
            "criteria": self.criteria,
            "exemptions": self.exemptions,
            "grounds": self.grounds,
            "support_measures": self.support_measures,
            "authority_types": self.authority_types,
            "steps": self.procedure.steps,
            "outcomes": self.procedure.outcomes,
            "conditions": self.procedure.conditions,
            "record": self.record_parts,
            "facts": self.facts,
        }[kind]

    def walk_texts(self) -> Iterator[tuple[str, tuple, str]]:
        """Every prose field in the YAML as (file, yaml path, text), for reference checks."""
        yield "guidance.yaml", ("statutory_basis", "text"), self.meta.statutory_basis.text
        yield "guidance.yaml", ("change_summary",), self.meta.change_summary
        for i, a in enumerate(self.assumptions):
            yield "assumptions.yaml", ("assumptions", i, "detail"), a.detail
        for i, d in enumerate(self.definitions):
            yield "definitions.yaml", ("definitions", i, "definition"), d.definition
        for i, t in enumerate(self.triggers):
            yield "triggers.yaml", ("triggers", i, "description"), t.description
        for i, cr in enumerate(self.criteria):
            yield "criteria.yaml", ("criteria", i, "question"), cr.question
            yield "criteria.yaml", ("criteria", i, "explanation"), cr.explanation
            for j, text in enumerate(cr.indicators):
                yield "criteria.yaml", ("criteria", i, "indicators", j), text
            for j, ex in enumerate(cr.examples):
                yield "criteria.yaml", ("criteria", i, "examples", j, "note"), ex.note
        for i, e in enumerate(self.exemptions):
            yield "exemptions.yaml", ("exemptions", i, "statement"), e.statement
            for j, text in enumerate(e.evidence):
                yield "exemptions.yaml", ("exemptions", i, "evidence", j), text
        for i, g in enumerate(self.grounds):
            yield "good-reason.yaml", ("grounds", i, "description"), g.description
            for j, text in enumerate(g.evidence):
                yield "good-reason.yaml", ("grounds", i, "evidence", j), text
        for i, s in enumerate(self.support_measures):
            yield "good-reason.yaml", ("support_measures", i, "description"), s.description
            yield "good-reason.yaml", ("support_measures", i, "how_to_access"), s.how_to_access
        for i, step in enumerate(self.procedure.steps):
            yield "procedure.yaml", ("steps", i, "question"), step.question
        for i, o in enumerate(self.procedure.outcomes):
            yield "procedure.yaml", ("outcomes", i, "description"), o.description
        for i, f in enumerate(self.facts):
            if f.question:
                yield "facts.yaml", ("facts", i, "question"), f.question
            if f.help:
                yield "facts.yaml", ("facts", i, "help"), f.help
