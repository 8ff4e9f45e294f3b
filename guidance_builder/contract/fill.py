"""Pre-fill a form PDF from YAML answers, checked against the YAML field definitions.

Answers for the model contract are a mapping of field name to value. Answers for the
assessment record come from an `assess` input file, read exactly as `assess` reads it; the
record gets each fact's answer and the assessment (exemptions, outcome and reasons).
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
from guidance_builder.contract.record import RecordForm, choice_field, exemption_field, fact_field
from guidance_builder.diagnostics import Diagnostics, did_you_mean
from guidance_builder.loading.yaml_source import YamlDocument
from guidance_builder.resolve.values import format_date
from guidance_builder.rules.values import long_date, money

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


def record_answers(doc: YamlDocument, form: RecordForm, engine, diagnostics: Diagnostics) -> dict[str, str]:
    """An `assess` input file, checked as `assess` checks it, and its assessment, as the record's field values."""
    from guidance_builder.engine.inputs import ContractReader

    answers = ContractReader(engine).validate(doc, diagnostics)
    if answers is None or diagnostics:
        return {}
    fields = {f.name: f for f in form.fields}
    values: dict[str, str] = {}

    def put(name: str, value: Any) -> None:
        item = fields.get(name)
        if item is not None and value not in (None, ""):
            values[name] = format_answer(item, value)

    for fact in engine.facts:
        value = answers[fact.id]
        if fact.type == "choices":
            for choice in fact.choices:
                put(choice_field(fact.id, choice.id), choice.id in value)
        elif fact.type == "choice" and value == "":
            continue
        elif fact.type == "money":
            put(fact_field(fact.id), Decimal(value))
        else:
            put(fact_field(fact.id), value)
    assessment = engine.assess(answers)
    names = {item.id: item.name for item in engine.program.items_of("exemption")}
    put("exemptions_apply", "\n".join(names[e] for e in assessment.exemptions) or "None")
    threshold = assessment.threshold
    if threshold is not None:
        put("threshold_applied", f"{money(threshold.amount)}, in force from {long_date(threshold.in_force_from)} ({threshold.reference})")
    for reason in assessment.reasons:
        kind, _, item = reason.about.partition(".")
        name = f"{exemption_field(item)}_reasons" if kind == "exemption" else None
        if name in fields:
            values[name] = (values.get(name, "") + "\n" + reason.text).strip()
    put("outcome", assessment.outcome)
    put("outcome_reasons", "\n".join(r.cited() for r in assessment.reasons))
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
