"""The assess input format as JSON Schema, made from the facts.

Each fact is a property at its dotted place (`authority.type` is `type` inside
`authority`); a new fact in facts.yaml, or a new criterion, is in the published schema
with no code change.
"""

from __future__ import annotations

import json

from guidance_builder.engine.rules import Engine
from guidance_builder.rules.facts import FactSpec

SCHEMA_ID = "https://guidance-builder.example/schemas/assess-input.schema.json"
"""The published schema's id; schemas/assess-input.schema.json holds the bundled content's version."""


def _fact_schema(fact: FactSpec, describe) -> dict:
    kind = fact.type
    if kind == "yes_no":
        schema: dict = {"type": "boolean"}
    elif kind in ("money", "whole_number"):
        schema = {"type": "integer", "minimum": 0}
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "choice":
        schema = {"enum": [c.id for c in fact.choices] + ([""] if fact.optional else [])}
    elif kind == "choices":
        schema = {"type": "array", "items": {"enum": [c.id for c in fact.choices]}, "uniqueItems": True}
    else:
        schema = {"type": "string"} if fact.optional else {"type": "string", "minLength": 1, "pattern": r"\S"}
    schema["description"] = describe(fact)
    if fact.optional:
        schema = {"anyOf": [schema, {"type": "null"}], "description": schema.pop("description")}
    return schema


def json_schema(engine: Engine) -> dict:
    def describe(fact: FactSpec) -> str:
        text = engine.plain(fact.question)
        if fact.help:
            text += " " + engine.plain(fact.help)
        if fact.asked_when:
            text += f" Asked only when: {fact.asked_when}."
        return text

    root: dict = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
    for fact in engine.facts:
        parts = fact.id.split(".")
        node = root
        for part in parts[:-1]:
            child = node["properties"].get(part)
            if child is None:
                child = node["properties"][part] = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
            if not (fact.optional or fact.asked_when) and part not in node["required"]:
                node["required"].append(part)
            node = child
        node["properties"][parts[-1]] = _fact_schema(fact, describe)
        if not (fact.optional or fact.asked_when):
            node["required"].append(parts[-1])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Contract to assess",
        "description": "The input of `guidance-builder assess`: one contract, written in YAML (or JSON). "
        "Each key is a fact the guidance's rules read (content/facts.yaml).",
        **root,
    }


def json_schema_text(engine: Engine) -> str:
    return json.dumps(json_schema(engine), indent=2, ensure_ascii=False) + "\n"
