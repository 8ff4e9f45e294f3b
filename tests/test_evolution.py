"""The rules change during consultation with no programmer: each test changes content alone
(YAML, and prose that names what changed) in a copy of the project, builds it, and finds
the change in every output: the engine, a register, the checker page in Chromium, the
assessment record, the guidance and rules.json."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from guidance_builder.engine.inputs import ContractReader
from guidance_builder.engine.register import register_columns
from guidance_builder.engine.register_run import assess_register
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from tests.browser import browser, local_only_page
from tests.checker_driver import READ_OUTCOME, Driver
from tests.conftest import NEXT_VERSION, VERSION, run_cli

CONTRACT = """\
reference: EVO-1
title: Residential care
authority: {name: Example Borough Council, type: local_authority}
provider: {name: Example Care Ltd, type: private}
relevant_contract: true
value_gbp: 4500000
event: expiry
event_date: 2026-09-30
criteria: {at_risk_contact: true, coercive_powers: false, rights_infringement: false}
"""
PAGE_ANSWERS = {
    "event": "expiry",
    "criteria.at_risk_contact": True,
    "criteria.coercive_powers": False,
    "criteria.rights_infringement": False,
    "relevant_contract": True,
    "value_gbp": "4500000",
    "authority.type": "local_authority",
    "event_date": "2026-09-30",
    "provider.type": "private",
    "good_reason.ground": "",
    "good_reason.evidence": "",
    "good_reason.support_considered": [],
    "insourcing.scope": "",
}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected one {old!r} in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def next_edition(project: Path) -> None:
    edit(project / "content" / "guidance.yaml", f"version: {VERSION}", f"version: {NEXT_VERSION}")


def build(project: Path, *flags: str) -> Path:
    result = run_cli("build", *flags, project=project)
    assert result.code == 0, result.stderr
    return project / "build" / "site" / NEXT_VERSION


def engine_of(project: Path) -> Engine:
    edition, _ = require_edition(Project.at(project))
    return Engine(edition.book, edition.document.anchors)


def assess(engine: Engine, text: str):
    return engine.assess(ContractReader(engine).read_text(text))


def page_outcome(site: Path, engine: Engine, answers: dict) -> dict:
    program = engine.program.as_json(engine.plain)
    with browser() as chromium, local_only_page(chromium) as (page, _):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((site / "checker.html").as_uri())
        page.wait_for_selector("#checker[data-ready=true]")
        told, screens = Driver(page, keyboard=False, program=program).run(answers)
        view = page.evaluate(READ_OUTCOME)
        view["screens"] = screens
        view["told"] = told
        assert errors == []
    return view


def test_a_new_fact_exemption_and_step_reach_every_output(project: Path, tmp_path: Path):
    next_edition(project)
    content = project / "content"
    edit(
        content / "facts.yaml",
        "  - id: criteria\n",
        """  - id: transfer.extension_needed
    type: yes_no
    question: Is a short extension of the contract needed so that the service can transfer safely?
  - id: criteria
""",
    )
    edit(
        content / "exemptions.yaml",
        "  - id: good_reason\n",
        """  - id: urgent_extension
    name: A short extension lets the service transfer safely
    statement: >-
      The authority extends the contract for a short time so that the service can be brought
      {term:in_house} safely.
    applies_when: transfer.extension_needed
    evidence:
      - The transfer plan and the date the service will come in house.
  - id: good_reason
""",
    )
    procedure = content / "procedure.yaml"
    steps = {step["id"]: step for step in yaml.safe_load(procedure.read_text(encoding="utf-8"))["steps"]}
    exempt_outcome = steps["relevant"]["if_any"]["outcome"]  # where an exemption's yes ends
    edit(procedure, "    if_none: {next: reason}\n", "    if_none: {next: extension}\n")
    edit(
        procedure,
        "  - id: reason\n",
        f"""  - id: extension
    question: "Is a short extension needed for a safe transfer?"
    title: Check whether a short extension is needed
    asks: {{exemptions: [urgent_extension]}}
    if_any: {{outcome: {exempt_outcome}}}
    if_none: {{next: reason}}
  - id: reason
""",
    )

    site = build(project, "--no-pdf")
    engine = engine_of(project)
    # The engine: the new question decides.
    needed = assess(engine, CONTRACT + "transfer: {extension_needed: true}\n")
    assert (needed.outcome, needed.decided_by, needed.path[-1]) == (exempt_outcome, ["urgent_extension"], "extension")
    not_needed = assess(engine, CONTRACT + "transfer: {extension_needed: false}\n")
    assert "extension" in not_needed.path and "urgent_extension" not in not_needed.exemptions
    # A register: the new column is required, and read.
    columns = register_columns(engine)
    assert "transfer.extension_needed" in columns
    register = tmp_path / "register.csv"
    row = {c: "" for c in columns} | {
        "reference": "R-1",
        "title": "Care",
        "authority.name": "Council",
        "authority.type": "local_authority",
        "provider.name": "Ltd",
        "provider.type": "private",
        "relevant_contract": "true",
        "value_gbp": "4500000",
        "event": "expiry",
        "event_date": "2026-09-30",
        "criteria.at_risk_contact": "true",
        "criteria.coercive_powers": "false",
        "criteria.rights_infringement": "false",
        "transfer.extension_needed": "yes",
    }
    with register.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerow(row)
    out = io.StringIO()
    summary = assess_register(engine, register, "register.csv", out)
    assert summary.invalid == 0 and summary.exempt_by["urgent_extension"] == 1
    assert "urgent_extension" in out.getvalue()
    # The checker page asks the new question at the new step, and concludes as the engine does.
    view = page_outcome(site, engine, PAGE_ANSWERS | {"transfer.extension_needed": True})
    assert view["screens"][-1] == "extension" and view["told"]["transfer.extension_needed"] is True
    assert (view["outcome"], view["decided_by"]) == (exempt_outcome, ["urgent_extension"])
    # The record, the guidance and rules.json.
    record = (site / "assessment-record.html").read_text(encoding="utf-8")
    assert "Is a short extension of the contract needed so that the service can transfer safely?" in record
    assert 'name="exemption_urgent_extension"' in record or "exemption_urgent_extension" in record
    guidance = (site / "guidance.html").read_text(encoding="utf-8")
    assert "A short extension lets the service transfer safely" in guidance and "Check whether a short extension is needed" in guidance
    rules = json.loads((site / "rules.json").read_text(encoding="utf-8"))
    keys = {item["key"]: item for item in rules["program"]["items"]}
    assert keys["exemption.urgent_extension"]["condition"] == "transfer.extension_needed"
    assert "transfer.extension_needed" in {fact["id"] for fact in rules["program"]["facts"]}
    schema = json.loads((site / "assess-input.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["transfer"]["required"] == ["extension_needed"]


def test_a_narrower_inter_authority_condition_flips_outcomes(project: Path, tmp_path: Path):
    next_edition(project)
    site_before = build(project, "--no-pdf")
    before = engine_of(project)
    contract = CONTRACT.replace("type: private", "type: other_public_authority")
    answers = PAGE_ANSWERS | {"provider.type": "other_public_authority"}
    exempt = assess(before, contract)
    assert "inter_authority" in exempt.decided_by
    assert page_outcome(site_before, before, answers)["decided_by"] == ["inter_authority"]
    exemptions = project / "content" / "exemptions.yaml"
    text = exemptions.read_text(encoding="utf-8")
    start = text.index("    applies_when: >-\n      authority.type ==")
    end = text.index("    reasons:", start)
    exemptions.write_text(
        text[:start] + '    applies_when: authority.type == "local_authority" && provider.type == "local_authority"\n' + text[end:],
        encoding="utf-8",
    )
    site = build(project, "--no-pdf")
    after = engine_of(project)
    flipped = assess(after, contract)
    assert flipped.outcome != exempt.outcome and "inter_authority" not in flipped.exemptions
    view = page_outcome(site, after, answers)
    assert (view["outcome"], view["decided_by"]) == (flipped.outcome, flipped.decided_by)
    assert "inter_authority" in assess(after, CONTRACT.replace("type: private", "type: local_authority")).exemptions


def test_a_new_outcome_needs_no_code(project: Path):
    next_edition(project)
    procedure = project / "content" / "procedure.yaml"
    text = procedure.read_text(encoding="utf-8")
    start = text.index("  - id: parties\n")
    branch = text.index("    if_any: {outcome:", start)
    line_end = text.index("\n", branch)
    text = text[:branch] + "    if_any: {outcome: shared_service_review}" + text[line_end:]
    text += """  - id: shared_service_review
    name: Review with the other authority
    description: >-
      The guidance expects the authorities to review together whether the service should be
      run jointly in house.
"""
    procedure.write_text(text, encoding="utf-8")
    site = build(project, "--no-pdf")
    engine = engine_of(project)
    result = assess(engine, CONTRACT.replace("type: private", "type: local_authority"))
    assert result.outcome == "shared_service_review" and result.outcome_name == "Review with the other authority"
    assert result.reasons[-1].text.startswith("Outcome: Review with the other authority.")
    view = page_outcome(site, engine, PAGE_ANSWERS | {"provider.type": "local_authority"})
    assert view["outcome"] == "shared_service_review"
    assert "Review with the other authority" in (site / "guidance.html").read_text(encoding="utf-8")
    assert "Review with the other authority" in (site / "assessment-record.html").read_text(encoding="utf-8")
    rules = json.loads((site / "rules.json").read_text(encoding="utf-8"))
    assert "shared_service_review" in {o["id"] for o in rules["program"]["outcomes"]}


def test_a_removed_exemption_leaves_no_trace(project: Path):
    next_edition(project)
    content = project / "content"
    exemptions = content / "exemptions.yaml"
    text = exemptions.read_text(encoding="utf-8")
    name = next(e["name"] for e in yaml.safe_load(text)["exemptions"] if e["id"] == "inter_authority")
    start = text.index("  - id: inter_authority\n")
    end = text.index("  - id: good_reason\n")
    exemptions.write_text(text[:start] + text[end:], encoding="utf-8")
    procedure = content / "procedure.yaml"
    text = procedure.read_text(encoding="utf-8")
    start = text.index("  - id: parties\n")
    end = text.index("  - id: reason\n")
    text = text[:start] + text[end:]
    procedure.write_text(text.replace("    if_none: {next: parties}\n", "    if_none: {next: reason}\n"), encoding="utf-8")
    support = content / "sections" / "support.md"
    text = support.read_text(encoding="utf-8")
    sentence = re.search(r" A contract between the authorities[^.]*\{ref:exemption\.inter_authority\}\.", text).group(0)
    support.write_text(text.replace(sentence, ""), encoding="utf-8")
    leftover = [p for p in content.rglob("*") if p.is_file() and "inter_authority" in p.read_text(encoding="utf-8")]
    assert leftover == []
    site = build(project)
    engine = engine_of(project)
    assert "inter_authority" not in engine.exemption_ids
    traces = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".json", ".csv", ".xml", ".txt"):
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".pdf":
            text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
        else:
            continue
        # Prose a drafter wrote about such contracts may stay; the exemption itself, its id,
        # anchor, name, question and reasons must be gone from everything generated.
        if re.search(r"inter[_-]authority", text, re.I) or name in text:
            traces.append(path.name)
    assert traces == []
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do: the key is simply unknown now
        ContractReader(engine).read_text(CONTRACT + "inter_authority: true\n")


def test_a_field_added_to_the_record_appears_in_the_record_and_in_the_guidance(project: Path):
    next_edition(project)
    edit(
        project / "content" / "record.yaml",
        "      - id: publication\n",
        "      - id: equality_impact\n        label: The equality impact assessment and its date\n        type: text\n      - id: publication\n",
    )
    site = build(project, "--no-pdf")
    guidance = (site / "guidance.html").read_text(encoding="utf-8")
    record = (site / "assessment-record.html").read_text(encoding="utf-8")
    listed = guidance[guidance.index('id="record-table"') :]
    assert "The equality impact assessment and its date" in listed[: listed.index("</ol>")]
    assert "The equality impact assessment and its date" in record


def test_the_guidance_must_say_what_the_record_holds(project: Path):
    next_edition(project)
    edit(project / "content" / "sections" / "procedure.md", "{insert:record}\n", "")
    result = run_cli("check", project=project)
    assert result.code == 2
    assert "content/record.yaml:" in result.stderr and "the guidance does not say what the assessment record holds" in result.stderr
