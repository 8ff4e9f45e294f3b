"""Load, validate and number the model contract (content/contract/).

Load once per edition: `contract_for(edition, diagnostics)` caches the result on the
edition, so `check` (through the contract_references check) and the output makers
share one load. Every problem is reported with the file and line it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from guidance_builder.contract.files import CONTRACT_FOLDER
from guidance_builder.contract.model import (
    CONTRACT_FILES,
    Clause,
    Field,
)
from guidance_builder.contract.numbering import (  # noqa: F401 - the numbered structure, imported from here by most callers
    Anchor,
    ContractDocument,
    NumberedClause,
    NumberedEntry,
    NumberedParagraph,
    NumberedPart,
    NumberedSchedule,
    PlacedField,
    number_contract,
)
from guidance_builder.contract.text import GUIDANCE_KEYS, HELPER_KINDS, helpers_in
from guidance_builder.diagnostics import Diagnostics, Location, did_you_mean
from guidance_builder.loading.yaml_source import YamlDocument, YamlPath, load_yaml
from guidance_builder.validate import _report


def validate_document(doc: YamlDocument, schema: type[BaseModel], diagnostics: Diagnostics) -> BaseModel | None:
    """Validate one loaded YAML document against a model, reporting each problem at its line."""
    if not isinstance(doc.data, dict):
        diagnostics.error(doc.location(()), "the file should hold keys and values (a mapping) at the top level", "see docs/contract.md")
        return None
    try:
        return schema.model_validate(doc.data)
    except ValidationError as error:
        for problem in error.errors():
            _report(problem, doc, schema, diagnostics)
        return None


# Validation -----------------------------------------------------------------


def texts(document: ContractDocument) -> Iterator[tuple[str, YamlPath, str]]:
    """Every prose field of the contract as (file, yaml path, text)."""
    meta, award, core = document.meta, document.award, document.core
    yield "contract.yaml", ("status_note",), meta.status_note
    for i, text in enumerate(meta.how_to_use):
        yield "contract.yaml", ("how_to_use", i), text
    for i, a in enumerate(meta.assumptions):
        yield "contract.yaml", ("assumptions", i, "detail"), a.detail
    yield "award-form.yaml", ("intro",), award.intro
    for i, entry in enumerate(award.entries):
        base = ("entries", i)
        for key in ("text", "note"):
            if getattr(entry, key):
                yield "award-form.yaml", base + (key,), getattr(entry, key)
        yield from _field_texts("award-form.yaml", base + ("fields",), entry.fields)
    if core.intro:
        yield "core-terms.yaml", ("intro",), core.intro
    for p, part in enumerate(core.parts):
        yield from _clause_texts("core-terms.yaml", ("parts", p, "clauses"), part.clauses)
    for s, numbered in enumerate(document.schedules):
        schedule = numbered.schedule
        for key in ("note", "intro"):
            if getattr(schedule, key):
                yield "schedules.yaml", ("schedules", s, key), getattr(schedule, key)
        yield from _clause_texts("schedules.yaml", ("schedules", s, "clauses"), schedule.clauses)


def _field_texts(file: str, base: YamlPath, fields: list[Field]):
    for f, item in enumerate(fields):
        if item.help:
            yield file, base + (f, "help"), item.help


def _clause_texts(file: str, base: YamlPath, clauses: list[Clause]):
    for c, clause in enumerate(clauses):
        path = base + (c,)
        if clause.note:
            yield file, path + ("note",), clause.note
        for d, definition in enumerate(clause.definitions):
            yield file, path + ("definitions", d, "meaning"), definition.meaning
        for p, para in enumerate(clause.paragraphs):
            ppath = path + ("paragraphs", p)
            yield file, ppath + ("text",), para.text
            for i, item in enumerate(para.items):
                yield file, ppath + ("items", i), item
            if para.note:
                yield file, ppath + ("note",), para.note
            yield from _field_texts(file, ppath + ("fields",), para.fields)
            if para.table:
                for r, row in enumerate(para.table.rows):
                    for k, cell in enumerate(row.cells):
                        yield file, ppath + ("table", "rows", r, "cells", k), cell
                    yield from _field_texts(file, ppath + ("table", "rows", r, "fields"), row.fields)


def helper_location(doc: YamlDocument, path: YamlPath, source: str) -> Location:
    """The line of a helper inside a text value: the first line at or after the value's start that holds it."""
    start = doc.location(path)
    lines = _lines(doc)
    for number in range(max(start.line, 1), len(lines) + 1):
        column = lines[number - 1].find(source)
        if column >= 0:
            return Location(doc.display, number, column + 1)
    return start


_LINES: dict[int, list[str]] = {}


def _lines(doc: YamlDocument) -> list[str]:
    key = id(doc)
    if key not in _LINES:
        try:
            _LINES[key] = doc.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            _LINES[key] = []
    return _LINES[key]


def check_references(document: ContractDocument, diagnostics: Diagnostics) -> None:
    """Every helper resolves; optional parts name a yes/no field that chooses them; fields are well formed."""
    docs = document.documents
    field_map: dict[str, PlacedField] = {}
    for placed in document.fields:
        where = docs[placed.file].location(placed.path + ("name",))
        item = placed.field
        if item.name in field_map:
            diagnostics.error(where, f"the field name '{item.name}' is used twice", f"it is already used at {field_map[item.name].where}")
            continue
        field_map[item.name] = placed
        if item.type == "choice" and len(item.choices) < 2:
            diagnostics.error(where, f"the choice field '{item.name}' needs at least two choices", "add 'choices:' with value and label")
        if item.type != "choice" and item.choices:
            diagnostics.error(
                where, f"the field '{item.name}' is a {item.type} field and cannot have choices", "remove 'choices' or use type: choice"
            )
        values = [c.value for c in item.choices]
        if len(set(values)) != len(values):
            diagnostics.error(where, f"the field '{item.name}' lists a choice value twice", "give each choice its own value")

    for file, path, clause in _all_clauses(document):
        for p, para in enumerate(clause.paragraphs):
            if para.table is None:
                continue
            width = len(para.table.columns)
            for r, row in enumerate(para.table.rows):
                cells = len(row.cells) + (1 if row.fields else 0)
                if cells != width:
                    diagnostics.error(
                        docs[file].location(path + ("paragraphs", p, "table", "rows", r)),
                        f"this row fills {cells} columns but the table has {width}",
                        "give one cell per column; a row's fields fill its last column",
                    )

    assumption_ids = {a.id for a in document.meta.assumptions}
    for file, path, text in texts(document):
        for helper in helpers_in(text):
            problem, hint = _resolve_problem(helper, document, field_map, assumption_ids)
            if problem:
                diagnostics.error(helper_location(docs[file], path, helper.source), problem, hint)

    optional_items: list[tuple[str, YamlPath, Any]] = list(_all_clauses(document))
    for s, numbered in enumerate(document.schedules):
        optional_items.append(("schedules.yaml", ("schedules", s), numbered.schedule))
    for file, path, item in optional_items:
        where = docs[file].location(path + ("id",))
        if item.optional and item.chosen_by is None:
            diagnostics.error(where, f"the optional '{item.id}' does not say which field chooses it", "add 'chosen_by: <a yes/no field>'")
        elif item.chosen_by is not None and not item.optional:
            diagnostics.error(
                docs[file].location(path + ("chosen_by",)), f"'{item.id}' is not optional but has chosen_by", "add 'optional: true'"
            )
        elif item.chosen_by is not None:
            chooser = field_map.get(item.chosen_by)
            if chooser is None:
                diagnostics.error(
                    docs[file].location(path + ("chosen_by",)),
                    f"no field is named '{item.chosen_by}'",
                    did_you_mean(item.chosen_by, field_map) or "add a yes/no field to the Award Form",
                )
            elif chooser.field.type != "yesno":
                diagnostics.error(
                    docs[file].location(path + ("chosen_by",)),
                    f"the field '{item.chosen_by}' is not a yes/no field",
                    "use a field of type yesno",
                )


def _all_clauses(document: ContractDocument) -> Iterator[tuple[str, YamlPath, Clause]]:
    for p, part in enumerate(document.core.parts):
        for c, clause in enumerate(part.clauses):
            yield "core-terms.yaml", ("parts", p, "clauses", c), clause
    for s, numbered in enumerate(document.schedules):
        for c, clause in enumerate(numbered.schedule.clauses):
            yield "schedules.yaml", ("schedules", s, "clauses", c), clause


def _resolve_problem(helper, document: ContractDocument, field_map, assumption_ids) -> tuple[str, str]:
    kind, arg = helper.kind, helper.arg
    if kind not in HELPER_KINDS:
        return f"unknown helper '{{{kind}:...}}' in contract text", did_you_mean(kind, HELPER_KINDS)
    if kind == "clause" and arg not in document.anchors:
        return f"the cross-reference {helper.source} names no clause, paragraph, schedule or Award Form item", (
            did_you_mean(arg, document.anchors) or "check the id, or restore the clause it refers to"
        )
    if kind == "field" and arg not in field_map:
        return f"{helper.source} names no field", did_you_mean(arg, field_map) or "check the field name"
    if kind == "assumption" and arg not in assumption_ids:
        return f"{helper.source} names no contract assumption", did_you_mean(arg, assumption_ids) or "add it to contract.yaml"
    if kind == "guidance" and arg not in GUIDANCE_KEYS:
        return f"{helper.source} is not a guidance value", did_you_mean(arg, GUIDANCE_KEYS)
    return "", ""


# Loading --------------------------------------------------------------------


def load_contract(project, diagnostics: Diagnostics) -> ContractDocument | None:
    start = len(diagnostics.errors)
    folder = project.content / CONTRACT_FOLDER
    if not folder.is_dir():
        diagnostics.error(Location(project.display(folder)), "the contract folder is missing", "restore content/contract/")
        return None
    for path in sorted(folder.glob("*.y*ml")):
        if path.name not in CONTRACT_FILES:
            diagnostics.error(
                Location(project.display(path)),
                f"unknown contract file '{path.name}'",
                did_you_mean(path.name, CONTRACT_FILES) or "remove it or rename it",
            )
    docs: dict[str, YamlDocument] = {}
    models: dict[str, BaseModel] = {}
    for name, schema in CONTRACT_FILES.items():
        path = folder / name
        doc = load_yaml(path, project.display(path), diagnostics, inside=project.content)
        if doc is None:
            continue
        docs[name] = doc
        model = validate_document(doc, schema, diagnostics)
        if model is not None:
            models[name] = model
    if set(models) != set(CONTRACT_FILES) or len(diagnostics.errors) > start:
        return None
    document = number_contract(
        models["contract.yaml"], models["award-form.yaml"], models["core-terms.yaml"], models["schedules.yaml"], diagnostics, docs
    )
    if len(diagnostics.errors) > start:
        return None
    check_references(document, diagnostics)
    if len(diagnostics.errors) > start:
        return None
    return document


def contract_for(edition, diagnostics: Diagnostics | None = None) -> ContractDocument | None:
    """The contract of an edition, loaded and checked once (kept in edition.cache); its problems are added to `diagnostics`."""
    cached = edition.cache.get("contract")
    if cached is None:
        collected = Diagnostics()
        cached = edition.cache["contract"] = (load_contract(edition.project, collected), collected.items)
    document, problems = cached
    if diagnostics is not None:
        diagnostics.extend(problems)
    return document
