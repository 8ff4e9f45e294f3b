"""Stage 2: check loaded YAML against the schema, then the rules between files.

Layered like a gate: a file's semantic checks run only if its schema check passed.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from guidance_builder.diagnostics import Diagnostics, Location, describe_value, did_you_mean, id_hint
from guidance_builder.loading.yaml_source import YamlDocument, YamlPath
from guidance_builder.model import CONTENT_FILES, Rulebook
from guidance_builder.model import content as c
from guidance_builder.model.rulebook import OPTIONAL_FILES
from guidance_builder.rules.conditions import check_rules
from guidance_builder.validate_meta import validate_meta


@dataclass
class SourceMap:
    """Where each YAML value came from, so any later stage can point at it."""

    documents: dict[str, YamlDocument]

    def location(self, file: str, path: YamlPath = ()) -> Location:
        doc = self.documents.get(file)
        if doc is None:
            return Location(f"content/{file}")
        return doc.location(path)

    def item_location(self, file: str, list_key: str, item_id: str) -> Location:
        doc = self.documents.get(file)
        data = doc.data if doc else None
        items = data.get(list_key, []) if isinstance(data, dict) else []
        for index, item in enumerate(items):
            if isinstance(item, dict) and item.get("id") == item_id:
                return self.location(file, (list_key, index, "id"))
        return self.location(file, (list_key,))


def validate_schema(documents: dict[str, YamlDocument], diagnostics: Diagnostics) -> dict[str, BaseModel]:
    models: dict[str, BaseModel] = {}
    for name, schema in CONTENT_FILES.items():
        doc = documents.get(name)
        if doc is None:
            continue
        if not isinstance(doc.data, dict):
            diagnostics.error(
                doc.location(()),
                "the file should hold keys and values (a mapping) at the top level",
                f"see the schema of {name} in docs/drafting.md",
            )
            continue
        try:
            models[name] = schema.model_validate(doc.data)
        except ValidationError as error:
            for problem in error.errors():
                _report(problem, doc, schema, diagnostics)
    return models


def _report(problem: dict[str, Any], doc: YamlDocument, schema: type[BaseModel], diagnostics: Diagnostics) -> None:
    loc = tuple(part for part in problem["loc"] if not (isinstance(part, str) and "[" in part))
    kind = problem["type"]
    value = problem.get("input")
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    where = doc.location(loc)
    if kind == "extra_forbidden":
        hint = did_you_mean(field, _known_keys(schema))
        diagnostics.error(doc.key_location(loc), f"unknown key '{field}'", hint or "remove it")
    elif kind == "missing":
        diagnostics.error(doc.location(loc[:-1]), f"missing required key '{field}'", f"add '{field}: ...'")
    elif kind == "literal_error":
        expected = problem.get("ctx", {}).get("expected", "")
        choices = [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip(" '")]
        diagnostics.error(where, f"'{field}' cannot be '{value}'", did_you_mean(str(value), choices))
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        diagnostics.error(where, f"'{field}' should be a real date, not '{value}'", "write dates as YYYY-MM-DD, for example 2026-04-01")
    elif kind == "string_type":
        hint = "put the text in quotes" if isinstance(value, (int, float, bool)) else "write text here"
        diagnostics.error(where, f"'{field}' should be text, not {describe_value(value)}", hint)
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        diagnostics.error(
            where, f"'{field}' should be a whole number, not {describe_value(value)}", "write the number without £, commas or quotes"
        )
    elif kind == "bool_type":
        diagnostics.error(where, f"'{field}' should be true or false, not {describe_value(value)}", "write true or false")
    elif kind in ("list_type",):
        diagnostics.error(where, f"'{field}' should be a list, not {describe_value(value)}", "start each entry with '- '")
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        diagnostics.error(
            where, f"'{field}' should be a set of keys and values, not {describe_value(value)}", "indent 'key: value' lines under it"
        )
    elif kind == "too_short":
        diagnostics.error(where, f"'{field}' needs at least one entry", "add an entry")
    elif kind == "string_too_short":
        diagnostics.error(where, f"'{field}' is empty", "write the text, or remove the key if it is optional")
    elif kind == "string_pattern_mismatch":
        pattern = problem.get("ctx", {}).get("pattern", "")
        if pattern.startswith("^https"):
            hint = "write the site's address as https://host/path/, ending with /"
        elif "\\d+\\." in pattern:
            hint = "versions look like 1.2.0 (major.minor.patch)"
        else:
            hint = id_hint(str(value), section="0-9-" in pattern)
        diagnostics.error(where, f"'{value}' is not a valid {field}", hint)
    elif kind == "union_tag_invalid":
        expected = problem.get("ctx", {}).get("expected_tags", "")
        choices = [part.strip(" '") for part in expected.split(",")]
        diagnostics.error(
            where, f"unknown rule kind '{problem.get('ctx', {}).get('tag')}'", did_you_mean(str(problem.get("ctx", {}).get("tag")), choices)
        )
    elif kind == "union_tag_not_found":
        diagnostics.error(where, "the rule needs a 'kind'", "add 'kind: ...'")
    elif kind == "greater_than_equal":
        diagnostics.error(where, f"'{field}' cannot be negative", "use zero or more")
    else:
        diagnostics.error(where, f"'{field}': {problem['msg']}")


def _known_keys(schema: type[BaseModel]) -> set[str]:
    """Every key name anywhere in a file's schema, for 'did you mean' hints."""
    seen: set[type] = set()
    keys: set[str] = set()

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for name, info in annotation.model_fields.items():
                keys.add(info.alias or name)
                visit(info.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(schema)
    return keys


def assemble(models: dict[str, BaseModel]) -> Rulebook | None:
    if not set(models) >= set(CONTENT_FILES) - OPTIONAL_FILES:
        return None
    facts = models.get("facts.yaml")
    good = models["good-reason.yaml"]
    thresholds = models["thresholds.yaml"]
    return Rulebook(
        meta=models["guidance.yaml"],
        assumptions=models["assumptions.yaml"].assumptions,
        definitions=models["definitions.yaml"].definitions,
        triggers=models["triggers.yaml"].triggers,
        criteria=models["criteria.yaml"].criteria,
        exemptions=models["exemptions.yaml"].exemptions,
        grounds=good.grounds,
        support_measures=good.support_measures,
        threshold_assumption=thresholds.assumption,
        authority_types=thresholds.authority_types,
        procedure=models["procedure.yaml"],
        facts=facts.facts if facts else [],
        identity=facts.identity if facts else [],
        thresholds_chosen_by=thresholds.chosen_by,
        record_parts=models["record.yaml"].sections if "record.yaml" in models else [],
    )


LIST_FILES = {
    "assumptions": ("assumptions.yaml", "assumptions"),
    "definitions": ("definitions.yaml", "definitions"),
    "triggers": ("triggers.yaml", "triggers"),
    "criteria": ("criteria.yaml", "criteria"),
    "exemptions": ("exemptions.yaml", "exemptions"),
    "grounds": ("good-reason.yaml", "grounds"),
    "support_measures": ("good-reason.yaml", "support_measures"),
    "authority_types": ("thresholds.yaml", "authority_types"),
    "steps": ("procedure.yaml", "steps"),
    "outcomes": ("procedure.yaml", "outcomes"),
    "facts": ("facts.yaml", "facts"),
    "conditions": ("procedure.yaml", "conditions"),
}


def validate_rules(book: Rulebook, sources: SourceMap, diagnostics: Diagnostics) -> None:
    """Rules that span items and files: unique ids, references, a procedure that ends."""
    for kind, (file, key) in LIST_FILES.items():
        seen: dict[str, int] = {}
        for index, item in enumerate(book.items(kind)):
            if item.id in seen:
                diagnostics.error(
                    sources.location(file, (key, index, "id")), f"the id '{item.id}' is used twice in {key}", "give each entry its own id"
                )
            seen[item.id] = index

    section_ids: dict[str, int] = {}
    for index, section in enumerate(book.meta.sections):
        if section.id in section_ids:
            diagnostics.error(
                sources.location("guidance.yaml", ("sections", index, "id")),
                f"the section id '{section.id}' is used twice",
                "give each section its own id",
            )
        section_ids[section.id] = index

    assumption_ids = {a.id for a in book.assumptions}

    def check_assumption(ref: str | None, file: str, path: YamlPath) -> None:
        if ref is not None and ref not in assumption_ids:
            diagnostics.error(sources.location(file, path), f"no assumption has the id '{ref}'", did_you_mean(ref, assumption_ids))

    check_assumption(book.meta.statutory_basis.assumption, "guidance.yaml", ("statutory_basis", "assumption"))
    check_assumption(book.threshold_assumption, "thresholds.yaml", ("assumption",))
    for index, definition in enumerate(book.definitions):
        check_assumption(definition.assumption, "definitions.yaml", ("definitions", index, "assumption"))
    for index, exemption in enumerate(book.exemptions):
        check_assumption(exemption.assumption, "exemptions.yaml", ("exemptions", index, "assumption"))

    for index, kind in enumerate(book.authority_types):
        dates = [v.from_ for v in kind.values]
        if len(set(dates)) != len(dates):
            diagnostics.error(
                sources.location("thresholds.yaml", ("authority_types", index, "values")),
                f"two threshold values for '{kind.id}' start on the same date",
                "each value needs its own 'from' date",
            )

    _validate_procedure(book, sources, diagnostics)
    validate_meta(book, sources, diagnostics)
    if not diagnostics:
        check_rules(book, sources, diagnostics)


def _validate_procedure(book: Rulebook, sources: SourceMap, diagnostics: Diagnostics) -> None:
    procedure = book.procedure
    step_ids = {s.id: i for i, s in enumerate(procedure.steps)}
    outcome_ids = {o.id for o in procedure.outcomes}
    file = "procedure.yaml"
    if procedure.start not in step_ids:
        diagnostics.error(
            sources.location(file, ("start",)),
            f"the procedure starts at '{procedure.start}', which is not a step",
            did_you_mean(procedure.start, step_ids),
        )
    known = {
        "triggers": {t.id for t in book.triggers},
        "criteria": {x.id for x in book.criteria},
        "exemptions": {x.id for x in book.exemptions},
        "conditions": {x.id for x in book.procedure.conditions},
    }
    for index, step in enumerate(procedure.steps):
        asked = 0
        for kind in ("triggers", "criteria", "exemptions", "conditions"):
            ids = getattr(step.asks, kind)
            for j, ref in enumerate(ids):
                asked += 1
                if ref not in known[kind]:
                    diagnostics.error(
                        sources.location(file, ("steps", index, "asks", kind, j)),
                        f"step '{step.id}' asks about the {kind[:-1] if kind != 'criteria' else 'criterion'} '{ref}', which is not defined",
                        did_you_mean(ref, known[kind]) or f"define it in {LIST_FILES[kind][0]} ('{LIST_FILES[kind][1]}') or remove it here",
                    )
        if asked == 0:
            diagnostics.error(
                sources.location(file, ("steps", index, "asks")),
                f"step '{step.id}' asks about nothing",
                "list the triggers, criteria, exemptions or conditions it asks about",
            )
        if len([k for k in ("triggers", "criteria", "exemptions", "conditions") if getattr(step.asks, k)]) > 1:
            diagnostics.error(
                sources.location(file, ("steps", index, "asks")),
                f"step '{step.id}' mixes kinds of question",
                "ask about one kind (triggers, criteria, exemptions or conditions) per step",
            )
        for branch_name in ("if_any", "if_none"):
            branch = getattr(step, branch_name)
            where = sources.location(file, ("steps", index, branch_name))
            if (branch.next is None) == (branch.outcome is None):
                diagnostics.error(
                    where, f"step '{step.id}' {branch_name} needs exactly one of 'next' or 'outcome'", "say where the procedure goes"
                )
            elif branch.outcome is not None and branch.outcome not in outcome_ids:
                diagnostics.error(
                    where,
                    f"step '{step.id}' ends in the outcome '{branch.outcome}', which is not described",
                    did_you_mean(branch.outcome, outcome_ids) or "add it to 'outcomes' in procedure.yaml",
                )
            elif branch.next is not None and branch.next not in step_ids:
                diagnostics.error(
                    where, f"step '{step.id}' goes to '{branch.next}', which is not a step", did_you_mean(branch.next, step_ids)
                )
            elif branch.next is not None and step_ids[branch.next] <= index:
                diagnostics.error(
                    where,
                    f"step '{step.id}' goes back to the earlier step '{branch.next}'",
                    "steps may only go forward, so the procedure always ends",
                )
    if diagnostics:
        return
    for kind in ("criteria", "exemptions", "triggers", "conditions"):
        asked = {ref for s in procedure.steps for ref in getattr(s.asks, kind)}
        file_name, key = LIST_FILES[kind]
        for item in book.items(kind):
            if item.id not in asked:
                diagnostics.error(
                    sources.item_location(file_name, key, item.id),
                    f"the {kind} entry '{item.id}' is never asked about in the decision procedure",
                    "add it to a step's 'asks' in procedure.yaml, or remove it",
                )
    reached = {b.outcome for s in procedure.steps for b in (s.if_any, s.if_none) if b.outcome}
    for index, outcome in enumerate(procedure.outcomes):
        if outcome.id not in reached:
            diagnostics.error(
                sources.location(file, ("outcomes", index, "id")),
                f"no step ends in the outcome '{outcome.id}'",
                "end a step's if_any or if_none in it, or remove it",
            )
    reachable = _reachable_steps(procedure)
    for index, step in enumerate(procedure.steps):
        if step.id not in reachable:
            diagnostics.error(
                sources.location(file, ("steps", index, "id")),
                f"no path through the procedure reaches step '{step.id}'",
                "link to it with 'next', or remove it",
            )


def _reachable_steps(procedure: c.Procedure) -> set[str]:
    by_id = {s.id: s for s in procedure.steps}
    seen: set[str] = set()
    todo = [procedure.start]
    while todo:
        current = todo.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        step = by_id[current]
        todo.extend(b.next for b in (step.if_any, step.if_none) if b.next)
    return seen
