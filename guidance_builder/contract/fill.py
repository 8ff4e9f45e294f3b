"""Pre-fill a form PDF from YAML answers, checked against the YAML field definitions.

Answers for the model contract are a mapping of field name to value. Answers for the
assessment record come from an `assess` input file, mapped onto the record's fields.
Unknown names and wrong types are errors at the line of the answer.
"""

from __future__ import annotations

import datetime
import io
import logging
import math
from decimal import Decimal
from typing import Any

from guidance_builder.contract.model import Field
from guidance_builder.contract.record import RecordForm, criterion_field, support_field
from guidance_builder.diagnostics import Diagnostics, did_you_mean
from guidance_builder.loading.yaml_source import YamlDocument, YamlPath
from guidance_builder.resolve.values import format_date

CHECKED, UNCHECKED = "/on", "/Off"


def format_answer(item: Field, value: Any) -> str:
    """The text written into the PDF for a checked answer (a yes/no becomes a checkbox state)."""
    if item.type == "yesno":
        return CHECKED if value else UNCHECKED
    if item.type == "date":
        return format_date(value)
    if item.type == "money":
        amount = Decimal(str(value))
        return f"£{amount:,.2f}"
    if item.type == "number":
        return str(value)
    return str(value).strip()


def check_answer(item: Field, value: Any) -> str | None:
    """A problem with one answer, or None if it suits the field's type."""
    kind = item.type
    if kind == "yesno":
        return None if isinstance(value, bool) else "should be yes or no: write true or false"
    if kind == "date":
        if isinstance(value, datetime.date):
            return None
        return "should be a date written as YYYY-MM-DD"
    if kind in ("money", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "should be a number, written without £, commas or quotes"
        if not math.isfinite(value):  # .inf or .nan in YAML: would be filled in as "£Infinity"
            return "should be a number, not infinity or 'not a number'"
        return "cannot be negative" if value < 0 else None
    if kind == "choice":
        values = [c.value for c in item.choices]
        if not isinstance(value, str) or value not in values:
            return f"should be one of: {', '.join(values)}"
        return None
    if not isinstance(value, str) or not value.strip():
        return "should be text: put it in quotes if it looks like a number or a date"
    if kind != "multiline" and "\n" in value.strip():
        return "is a one-line field: write the text on one line"
    return None


def check_answers(doc: YamlDocument, fields: list[Field], diagnostics: Diagnostics) -> dict[str, str]:
    """The contract answers file: {field name: value}. Returns the values to write, by field name."""
    known = {f.name: f for f in fields}
    values: dict[str, str] = {}
    if not isinstance(doc.data, dict):
        diagnostics.error(doc.location(()), "the answers file should map field names to values", "write 'field_name: value' lines")
        return values
    for name, value in doc.data.items():
        item = known.get(name)
        if item is None:
            diagnostics.error(
                doc.location((name,)),
                f"unknown field '{name}'",
                did_you_mean(name, known) or "run 'guidance-builder contract fields' to list the fields",
            )
            continue
        if value is None:
            continue
        problem = check_answer(item, value)
        if problem:
            diagnostics.error(doc.location((name,)), f"'{name}' ({item.type}) {problem}", f"the field is '{item.label}'")
            continue
        values[name] = format_answer(item, value)
    return values


def missing_required(fields: list[Field], values: dict[str, str]) -> list[str]:
    return [f.name for f in fields if f.required and f.name not in values]


# Assessment record --------------------------------------------------------------

ASSESS_KEYS = {
    "reference",
    "title",
    "authority",
    "provider",
    "relevant_contract",
    "value_gbp",
    "event",
    "event_date",
    "criteria",
    "good_reason",
}


def record_answers(doc: YamlDocument, form: RecordForm, diagnostics: Diagnostics) -> dict[str, str]:
    """Map an `assess` input file onto the record's fields; unknown keys and wrong types are errors."""
    fields = {f.name: f for f in form.fields}
    data = doc.data
    values: dict[str, str] = {}
    if not isinstance(data, dict):
        diagnostics.error(doc.location(()), "the assess input should be a set of keys and values", "see docs/contract.md")
        return values

    def put(name: str, value: Any, path: YamlPath) -> None:
        item = fields[name]
        if value is None:
            return
        problem = check_answer(item, value)
        if problem:
            diagnostics.error(doc.location(path), f"'{'.'.join(str(p) for p in path)}' {problem}", f"it fills '{item.label}'")
        else:
            values[name] = format_answer(item, value)

    def mapping(value: Any, path: YamlPath, keys: set[str]) -> dict:
        if not isinstance(value, dict):
            diagnostics.error(
                doc.location(path), f"'{path[-1]}' should be a set of keys and values", f"expected keys: {', '.join(sorted(keys))}"
            )
            return {}
        for key in value:
            if key not in keys:
                diagnostics.error(doc.location(path + (key,)), f"unknown key '{key}'", did_you_mean(key, keys) or "remove it")
        return value

    for key in data:
        if key not in ASSESS_KEYS:
            diagnostics.error(doc.location((key,)), f"unknown key '{key}'", did_you_mean(key, ASSESS_KEYS) or "remove it")
    simple = {"reference": "reference", "title": "contract_title", "relevant_contract": "relevant_contract", "event": "event"}
    for key, name in simple.items():
        if key in data:
            put(name, data[key], (key,))
    if "value_gbp" in data:
        put("contract_value", data["value_gbp"], ("value_gbp",))
    if "event_date" in data:
        put("event_date", data["event_date"], ("event_date",))
    for party in ("authority", "provider"):
        if party in data:
            block = mapping(data[party], (party,), {"name", "type"})
            for key in ("name", "type"):
                if key in block:
                    put(f"{party}_{key}", block[key], (party, key))
    if "criteria" in data:
        criteria = data["criteria"]
        known = {n.removeprefix("criterion_") for n in fields if n.startswith("criterion_") and not n.endswith("_reasons")}
        if isinstance(criteria, dict):
            for cid, answer in criteria.items():
                if cid not in known:
                    diagnostics.error(
                        doc.location(("criteria", cid)), f"unknown criterion '{cid}'", did_you_mean(cid, known) or "see criteria.yaml"
                    )
                else:
                    put(criterion_field(cid), answer, ("criteria", cid))
        else:
            diagnostics.error(
                doc.location(("criteria",)), "'criteria' should map each criterion id to true or false", "for example at_risk_contact: true"
            )
    if "good_reason" in data and data["good_reason"] is not None:
        block = mapping(data["good_reason"], ("good_reason",), {"ground", "evidence", "support_considered"})
        if "ground" in block:
            put("good_reason_ground", block["ground"], ("good_reason", "ground"))
        if "evidence" in block:
            evidence = block["evidence"]
            if isinstance(evidence, list) and all(isinstance(e, str) for e in evidence):
                evidence = "\n".join(f"- {e}" for e in evidence)
            put("good_reason_evidence", evidence, ("good_reason", "evidence"))
        if "support_considered" in block:
            considered = block["support_considered"]
            measures = {n.removeprefix("support_") for n in fields if n.startswith("support_") and not n.endswith("_notes")}
            if not isinstance(considered, list):
                diagnostics.error(
                    doc.location(("good_reason", "support_considered")),
                    "'support_considered' should be a list of support measure ids",
                    "start each entry with '- '",
                )
            else:
                for index, measure in enumerate(considered):
                    if measure not in measures:
                        diagnostics.error(
                            doc.location(("good_reason", "support_considered", index)),
                            f"unknown support measure '{measure}'",
                            did_you_mean(str(measure), measures) or "see good-reason.yaml",
                        )
                for measure in sorted(measures):
                    values[support_field(measure)] = CHECKED if measure in considered else UNCHECKED
    return values


# Writing ------------------------------------------------------------------------


def pdf_field_types(pdf: bytes) -> dict[str, str]:
    """Each AcroForm field of a PDF and its type (/Tx, /Btn, /Ch), read in strict mode."""
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(pdf), strict=True).get_fields() or {}
    return {name: str(field.get("/FT")) for name, field in fields.items()}


def fill_pdf(pdf: bytes, values: dict[str, str]) -> bytes:
    """Write values into a form PDF's fields; viewers regenerate the appearance (NeedAppearances)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf), strict=True))
    writer.set_need_appearances_writer(True)
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # pypdf warns that the subset font may lack glyphs; viewers redraw the fields
    try:
        for page in writer.pages:
            names = {str(annot.get_object().get("/T")) for annot in page.get("/Annots", []) if annot.get_object().get("/T") is not None}
            page_values = {k: v for k, v in values.items() if k in names}
            if page_values:
                writer.update_page_form_field_values(page, page_values, auto_regenerate=False)
    finally:
        logger.setLevel(level)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
