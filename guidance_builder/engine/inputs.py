"""Read one contract from YAML, validate it against the rulebook, and point at any mistake.

Every problem is one line with file:line:column, from the positions the YAML
loader keeps, so a drafter never sees a traceback or a pydantic dump.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from guidance_builder.diagnostics import ContentError, Diagnostics, describe_value, did_you_mean
from guidance_builder.engine.contract import Contract, GoodReason
from guidance_builder.engine.rules import Engine
from guidance_builder.engine.schema import contract_model
from guidance_builder.loading.yaml_source import YamlDocument, load_yaml, parse_yaml

NOUNS = {
    ("authority", "type"): "authority type",
    ("provider", "type"): "provider type",
    ("event",): "event",
    ("good_reason", "ground"): "ground",
    ("good_reason", "support_considered"): "support measure",
}
"""What a choice is called in a message: "unknown ground 'capacity'"."""

PARENT_NOUNS = {
    ("criteria",): "criterion",
    ("good_reason",): "good_reason key",
    ("authority",): "authority key",
    ("provider",): "provider key",
}


class ContractReader:
    """Validates contracts for one rulebook; build it once and reuse it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.model = contract_model(engine)

    def read_file(self, path: Path, display: str) -> Contract:
        diagnostics = Diagnostics()
        doc = load_yaml(path, display, diagnostics)
        return self._finish(doc, diagnostics)

    def read_text(self, text: str, display: str = "contract.yaml") -> Contract:
        diagnostics = Diagnostics()
        doc = parse_yaml(text, Path(display), display, diagnostics)
        return self._finish(doc, diagnostics)

    def _finish(self, doc: YamlDocument | None, diagnostics: Diagnostics) -> Contract:
        contract = self.validate(doc, diagnostics) if doc is not None else None
        if contract is None or diagnostics:
            raise ContentError(diagnostics.sorted())
        return contract

    def validate(self, doc: YamlDocument, diagnostics: Diagnostics) -> Contract | None:
        data = doc.data
        if data == {} or data is None:
            diagnostics.error(doc.location(()), "the contract file is empty", "see docs/assess.md for the keys a contract needs")
            return None
        if not isinstance(data, dict):
            diagnostics.error(
                doc.location(()), "the contract should be a set of keys and values", "write 'reference: ...', 'title: ...' and so on"
            )
            return None
        try:
            model = self.model.model_validate(data)
        except ValidationError as error:
            report_errors(error.errors(), doc, diagnostics)
            return None
        contract = to_contract(model)
        support = contract.good_reason.support_considered if contract.good_reason else ()
        seen: set[str] = set()
        for index, measure in enumerate(support):
            if measure in seen:
                diagnostics.error(
                    doc.location(("good_reason", "support_considered", index)),
                    f"the support measure '{measure}' is listed twice",
                    "list each support measure once",
                )
            seen.add(measure)
        if self.engine.threshold_for(contract.authority_type, contract.event_date) is None:
            earliest = self.engine.earliest_threshold(contract.authority_type)
            diagnostics.error(
                doc.location(("event_date",)),
                f"no threshold is in force for {contract.authority_type} on {contract.event_date.isoformat()}",
                f"the guidance's thresholds start on {earliest.isoformat()}; check the date",
            )
        return None if diagnostics else contract


def to_contract(model: BaseModel) -> Contract:
    reason = model.good_reason
    return Contract(
        reference=model.reference.strip(),
        title=model.title.strip(),
        authority_name=model.authority.name.strip(),
        authority_type=model.authority.type,
        provider_name=model.provider.name.strip(),
        provider_type=model.provider.type,
        relevant_contract=model.relevant_contract,
        value_gbp=model.value_gbp,
        event=model.event,
        event_date=model.event_date,
        criteria=dict(model.criteria),
        good_reason=None if reason is None else GoodReason(reason.ground, reason.evidence.strip(), tuple(reason.support_considered)),
    )


def report_errors(problems: list[dict[str, Any]], doc: YamlDocument, diagnostics: Diagnostics) -> None:
    """One message per problem; a misspelt key is reported once, not also as a missing one."""
    problems = [{**p, "loc": tuple(p["loc"])} for p in problems]
    missing: dict[tuple, set[str]] = {}
    for problem in problems:
        if problem["type"] == "missing":
            missing.setdefault(problem["loc"][:-1], set()).add(str(problem["loc"][-1]))
    explained: set[tuple] = set()
    for problem in problems:
        loc = problem["loc"]
        if problem["type"] == "extra_forbidden":
            parent, key = loc[:-1], str(loc[-1])
            close = difflib.get_close_matches(key, sorted(missing.get(parent, ())), n=1, cutoff=0.6)
            noun = PARENT_NOUNS.get(parent, "key")
            if close:
                explained.add(parent + (close[0],))
                diagnostics.error(doc.location(loc), f"unknown {noun} '{key}'", f"did you mean '{close[0]}'?")
            else:
                diagnostics.error(
                    doc.location(loc), f"unknown {noun} '{key}'", "remove it; see docs/assess.md for the keys a contract may have"
                )
    for problem in problems:
        if problem["type"] != "extra_forbidden" and problem["loc"] not in explained:
            _report(problem, doc, diagnostics)


def _report(problem: dict[str, Any], doc: YamlDocument, diagnostics: Diagnostics) -> None:
    loc = problem["loc"]
    kind = problem["type"]
    value = problem.get("input")
    field = ".".join(str(p) for p in loc if isinstance(p, str)) or "value"
    where = doc.location(loc)
    if kind == "missing":
        parent = loc[:-1]
        noun = "criterion" if parent == ("criteria",) else "key"
        diagnostics.error(
            doc.location(parent),
            f"missing required {noun} '{loc[-1]}'",
            f"add '{loc[-1]}: ...'" + (" under " + ".".join(map(str, parent)) if parent else ""),
        )
    elif kind == "literal_error":
        noun = NOUNS.get(tuple(p for p in loc if isinstance(p, str)), field)
        expected = problem.get("ctx", {}).get("expected", "")
        choices = [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip(" '")]
        diagnostics.error(
            where,
            f"unknown {noun} '{_short(value)}'",
            did_you_mean(str(value), choices) if isinstance(value, str) else "expected one of: " + ", ".join(choices),
        )
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        diagnostics.error(
            where, f"'{field}' should be a real date, not {describe_value(value)}", "write dates as YYYY-MM-DD, for example 2026-09-30"
        )
    elif kind == "string_type":
        hint = "put the text in quotes" if isinstance(value, (int, float, bool)) or value is None else "write text here"
        diagnostics.error(where, f"'{field}' should be text, not {describe_value(value)}", hint)
    elif kind in ("string_too_short", "string_pattern_mismatch"):
        diagnostics.error(where, f"'{field}' is empty", "write the text")
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        diagnostics.error(
            where,
            f"'{field}' should be a whole number of pounds, not {describe_value(value)}",
            "write the number without £, commas, pence or quotes",
        )
    elif kind == "greater_than_equal":
        diagnostics.error(where, f"'{field}' cannot be negative", "write the contract value in pounds, zero or more")
    elif kind == "bool_type":
        diagnostics.error(where, f"'{field}' should be true or false, not {describe_value(value)}", "write true or false")
    elif kind == "list_type":
        diagnostics.error(where, f"'{field}' should be a list, not {describe_value(value)}", "write [a, b] or start each entry with '- '")
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        diagnostics.error(
            where, f"'{field}' should be a set of keys and values, not {describe_value(value)}", "indent 'key: value' lines under it"
        )
    else:
        diagnostics.error(where, f"'{field}': {problem['msg']}")


def _short(value: Any, limit: int = 60) -> str:
    """A value quoted in a message, cut short so one huge value is still a one-line message."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
