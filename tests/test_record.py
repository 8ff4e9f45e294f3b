"""The assessment record: fields generated from the rules, and pre-filled from an assess input file."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from guidance_builder.contract.model import PDF_FIELD_TYPES
from guidance_builder.contract.record import build_record
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from tests.conftest import ROOT, run_cli

ASSESS_INPUT = """\
reference: BCC-2026-014
title: Supported housing for care leavers
authority: {name: Barsetshire County Council, type: local_authority}
provider: {name: Example Housing Ltd, type: private}
relevant_contract: true
value_gbp: 2400000
event: expiry
event_date: 2026-09-30
criteria:
  at_risk_contact: true
  coercive_powers: false
  rights_infringement: true
good_reason:
  ground: insufficient_capacity
  evidence: The authority has no registered provider of supported housing.
  support_considered: [model_contract, government_legal_department]
"""


def _version_dir(site: Path) -> Path:
    return next(p for p in site.iterdir() if re.match(r"^\d+\.\d+\.\d+$", p.name))


def test_record_pdf_fields_come_from_the_rules(built_site: Path):
    edition, _ = require_edition(Project.at(ROOT))
    form = build_record(edition.book)
    fields = PdfReader(_version_dir(built_site) / "assessment-record.pdf", strict=True).get_fields()
    assert {n: str(f.get("/FT")) for n, f in fields.items()} == {f.name: PDF_FIELD_TYPES[f.type] for f in form.fields}
    for criterion in edition.book.criteria:
        assert f"criteria_{criterion.id}" in fields and f"criteria_{criterion.id}_reasons" in fields
    for item in edition.book.exemptions:
        assert f"exemption_{item.id}_reasons" in fields and f"exemption_{item.id}" not in fields  # one answer, not two ticks
    for part in edition.book.record_parts:
        assert all(field.id in fields for field in part.fields)
    for measure in edition.book.support_measures:
        assert f"good_reason_support_considered_{measure.id}" in fields
    grounds = [str(o[0]) for o in fields["good_reason_ground"]["/_States_"]]
    assert grounds[-len(edition.book.grounds) :] == [g.id for g in edition.book.grounds]
    # Every fact in facts.yaml has its field: the record lists what an assessment records.
    for fact in edition.book.facts:
        if fact.for_each is None and fact.type != "choices":
            assert fact.id.replace(".", "_") in fields, fact.id
    html = (_version_dir(built_site) / "assessment-record.html").read_text(encoding="utf-8")
    assert "{term:" not in html


def test_fill_record_from_an_assess_input(tmp_path: Path):
    source = tmp_path / "assess.yaml"
    source.write_text(ASSESS_INPUT, encoding="utf-8")
    out = tmp_path / "record.pdf"
    result = run_cli("contract", "fill-record", str(source), "--out", str(out))
    assert result.code == 0, result.stderr
    values = {n: f.get("/V") for n, f in PdfReader(io.BytesIO(out.read_bytes()), strict=True).get_fields().items()}
    assert values["reference"] == "BCC-2026-014"
    assert values["authority_type"] == "local_authority"
    assert values["provider_name"] == "Example Housing Ltd"
    assert values["value_gbp"] == "£2,400,000.00"
    assert values["event_date"] == "30 September 2026"
    assert values["criteria_at_risk_contact"] == "/on" and values["criteria_coercive_powers"] == "/Off"
    assert values["good_reason_ground"] == "insufficient_capacity"
    assert values["good_reason_support_considered_model_contract"] == "/on"
    assert values["good_reason_support_considered_councillor_collaboration"] == "/Off"
    # The assessment itself: no exemption applies (a support measure was not considered), so insource.
    assert values["exemptions_apply"] == "None" and values["outcome"] == "insource"
    assert values["threshold_applied"].startswith("£207,720, in force from 1 January 2026 (")
    assert "has not considered support for collaboration among councillors" in values["exemption_good_reason_reasons"]
    assert values["outcome_reasons"].startswith("The contract's expiry starts the duty to assess it")


def test_fill_record_rejects_unknown_keys_and_criteria_with_lines(tmp_path: Path):
    source = tmp_path / "assess.yaml"
    source.write_text(
        ASSESS_INPUT.replace("  coercive_powers: false", "  coercive_power: false").replace("value_gbp: 2400000", "value_gbp: lots")
        + "colour: blue\n",
        encoding="utf-8",
    )
    result = run_cli("contract", "fill-record", str(source), "--out", str(tmp_path / "record.pdf"))
    assert result.code == 2
    assert f"{source}:11:" in result.stderr and "unknown criterion 'coercive_power'" in result.stderr
    assert f"{source}:6:" in result.stderr
    assert "unknown key 'colour'" in result.stderr


def test_a_new_criterion_appears_in_the_record_without_a_template_change(project: Path, tmp_path: Path):
    templates_before = {p: p.read_bytes() for p in (project / "templates").rglob("*") if p.is_file()}
    criteria = project / "content" / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8")
        + """\
  - id: essential_public_function
    name: Essential public function
    question: Is the service an essential function that the public cannot get elsewhere?
    explanation: The service is one that only the state provides.
    indicators:
      - No other provider offers it.
    examples:
      - service: Emergency accommodation
        note: People have nowhere else to go.
""",
        encoding="utf-8",
    )
    procedure = project / "content" / "procedure.yaml"
    procedure.write_text(
        procedure.read_text(encoding="utf-8").replace(
            "asks: {criteria: [at_risk_contact, coercive_powers, rights_infringement]}",
            "asks: {criteria: [at_risk_contact, coercive_powers, rights_infringement, essential_public_function]}",
        ),
        encoding="utf-8",
    )
    source = tmp_path / "assess.yaml"
    source.write_text(ASSESS_INPUT.replace("  rights_infringement: true", "  rights_infringement: true\n  essential_public_function: true"))
    out = tmp_path / "record.pdf"
    result = run_cli("contract", "fill-record", str(source), "--out", str(out), project=project)
    assert result.code == 0, result.stderr
    fields = PdfReader(io.BytesIO(out.read_bytes()), strict=True).get_fields()
    assert fields["criteria_essential_public_function"].get("/V") == "/on"
    assert fields["criteria_essential_public_function"].get("/TU") == "Essential public function: yes"
    assert "criteria_essential_public_function_reasons" in fields
    assert {p: p.read_bytes() for p in (project / "templates").rglob("*") if p.is_file()} == templates_before
