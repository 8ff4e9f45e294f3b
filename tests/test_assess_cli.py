"""`guidance-builder assess contract.yaml`: the answer, its JSON form, the schema, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent

EXAMPLE = """\
reference: HO-IRC-2026-01
title: Immigration removal centre operation
authority: {name: Home Office, type: central_government}   # central_government | local_authority | other_public_authority
provider: {name: Example Custodial Ltd, type: private}      # private | voluntary | local_authority | other_public_authority
relevant_contract: true
value_gbp: 240000000            # whole-life value, as the guidance defines contract value
event: expiry                    # expiry | termination | none
event_date: 2026-09-30
criteria: {at_risk_contact: true, coercive_powers: true, rights_infringement: true}
good_reason:                     # optional
  ground: insufficient_capacity  # risk_mitigation | insufficient_capacity
  evidence: "Why the authority cannot insource yet ..."
  support_considered: [model_contract, government_legal_department, councillor_collaboration]
"""


def assess(tmp_path: Path, text: str, *options: str, name: str = "contract.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return run_cli("assess", name, *options, project=ROOT, cwd=tmp_path)


def test_the_example_in_text(tmp_path):
    result = assess(tmp_path, EXAMPLE)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Contract: HO-IRC-2026-01 (Immigration removal centre operation)"
    assert "Outcome: keep_and_review (Keep the service outsourced for now, and review by a date)" in lines
    assert "Exemptions that apply: good_reason" in lines
    assert "Criteria met: at_risk_contact, coercive_powers, rights_infringement" in lines
    assert any(line.startswith("Threshold: £135,018 for central_government, in force from 1 January 2026") for line in lines)
    reasons = [line for line in lines if line.startswith("  - ")]
    assert len(reasons) >= 8
    for line in reasons:
        assert line.endswith(").") and ", #" in line and ("(paragraph " in line or "(step " in line), line
    assert lines[-1].startswith("Guidance version: ")


def test_the_example_in_json(tmp_path):
    result = assess(tmp_path, EXAMPLE, "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "reference",
        "title",
        "outcome",
        "outcome_name",
        "exemptions",
        "decided_by",
        "criteria_met",
        "threshold",
        "reasons",
        "path",
        "guidance_version",
    }
    assert data["reference"] == "HO-IRC-2026-01"
    assert data["outcome"] == "keep_and_review"
    assert data["exemptions"] == ["good_reason"] and data["decided_by"] == ["good_reason"]
    assert data["threshold"] == {
        "amount_gbp": 135018,
        "authority_type": "central_government",
        "in_force_from": "2026-01-01",
        "reference": data["threshold"]["reference"],
    }
    assert data["path"] == ["event", "tests", "relevant", "threshold", "parties", "reason", "review"]
    for reason in data["reasons"]:
        assert set(reason) == {"text", "paragraph", "anchor", "cites", "step"}
        assert reason["paragraph"].startswith(("paragraph ", "step "))
        assert reason["anchor"] and reason["text"].endswith(".")
    assert data["reasons"][-1]["cites"] == "outcome.keep_and_review"
    assert data["guidance_version"] == yaml.safe_load((ROOT / "content" / "guidance.yaml").read_text(encoding="utf-8"))["version"]


def test_the_published_schema_is_up_to_date():
    """schemas/assess-input.schema.json is what `assess --schema` prints for the bundled content.
    Regenerate it with: guidance-builder assess --schema > schemas/assess-input.schema.json"""
    result = run_cli("assess", "--schema", project=ROOT)
    assert result.code == 0, result.stderr
    published = (ROOT / "schemas" / "assess-input.schema.json").read_text(encoding="utf-8")
    assert result.stdout == published
    schema = json.loads(published)
    assert schema["$id"].endswith("/assess-input.schema.json")
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "reference",
        "title",
        "authority",
        "provider",
        "relevant_contract",
        "value_gbp",
        "event",
        "event_date",
        "criteria",
    }
    assert set(schema["properties"]) == set(schema["required"]) | {"good_reason", "insourcing"}
    props = schema["properties"]
    assert set(props["criteria"]["required"]) == {"at_risk_contact", "coercive_powers", "rights_infringement"}
    assert props["authority"]["properties"]["type"]["enum"] == ["central_government", "local_authority", "other_public_authority"]
    assert props["provider"]["properties"]["type"]["enum"] == ["private", "voluntary", "local_authority", "other_public_authority"]
    assert props["event"]["enum"] == ["expiry", "termination", "none"]
    assert props["good_reason"]["required"] == []
    assert props["good_reason"]["properties"]["ground"]["anyOf"][0]["enum"] == ["risk_mitigation", "insufficient_capacity", ""]


def test_every_scenario_is_valid_against_the_published_schema():
    from jsonschema import Draft202012Validator
    from scenarios.table import scenarios

    schema = json.loads((ROOT / "schemas" / "assess-input.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for scenario in scenarios():
        data = json.loads(json.dumps(scenario["contract"], default=str))
        assert list(validator.iter_errors(data)) == [], scenario["name"]
    bad = json.loads(json.dumps(scenarios()[0]["contract"], default=str))
    bad["authority"]["type"] = "council"
    assert list(validator.iter_errors(bad))


def change(line_start: str, replacement: str | None) -> str:
    """The example with the line starting `line_start` replaced (None deletes it)."""
    lines = EXAMPLE.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(line_start))
    if replacement is None:
        del lines[index]
    else:
        lines[index] = replacement + "\n"
    return "".join(lines)


BAD_INPUTS = [
    (
        "unknown key",
        EXAMPLE + "colour: blue\n",
        "contract.yaml:14:9: unknown key 'colour' (remove it; see docs/assess.md for the keys a contract may have)",
    ),
    (
        "misspelt key",
        change("title:", "titel: Immigration removal centre operation"),
        "contract.yaml:2:8: unknown key 'titel' (did you mean 'title'?)",
    ),
    (
        "misspelt criterion",
        change("criteria:", "criteria: {at_risk_contat: true, coercive_powers: true, rights_infringement: true}"),
        "contract.yaml:9:28: unknown criterion 'at_risk_contat' (did you mean 'at_risk_contact'?)",
    ),
    (
        "missing criterion",
        change("criteria:", "criteria: {at_risk_contact: true, coercive_powers: true}"),
        "contract.yaml:9:1: missing required criterion 'rights_infringement' (add 'rights_infringement: ...' under criteria)",
    ),
    ("missing field", change("event_date:", None), "contract.yaml:1:1: missing required key 'event_date' (add 'event_date: ...')"),
    (
        "text for a number",
        change("value_gbp:", 'value_gbp: "240,000,000"'),
        "contract.yaml:6:12: 'value_gbp' should be a whole number of pounds, not '240,000,000' (write the number without £, commas, pence or quotes)",
    ),
    (
        "a decimal value",
        change("value_gbp:", "value_gbp: 240000000.50"),
        "contract.yaml:6:12: 'value_gbp' should be a whole number of pounds, not the number 240000000.5 (write the number without £, commas, pence or quotes)",
    ),
    (
        "a negative value",
        change("value_gbp:", "value_gbp: -5"),
        "contract.yaml:6:12: 'value_gbp' cannot be negative (write the amount in whole pounds, zero or more)",
    ),
    (
        "text for true or false",
        change("relevant_contract:", 'relevant_contract: "yes"'),
        "contract.yaml:5:20: 'relevant_contract' should be true or false, not 'yes' (write true or false)",
    ),
    (
        "a number for text",
        change("reference:", "reference: 2026"),
        "contract.yaml:1:12: 'reference' should be text, not the number 2026 (put the text in quotes)",
    ),
    ("empty text", change("title:", 'title: "  "'), "contract.yaml:2:8: 'title' is empty (write the text)"),
    (
        "an impossible date",
        change("event_date:", "event_date: 2026-02-30"),
        "contract.yaml:8:13: 'event_date' should be a real date, not '2026-02-30' (write dates as YYYY-MM-DD, for example 2026-09-30)",
    ),
    (
        "a date in another format",
        change("event_date:", "event_date: 30/09/2026"),
        "contract.yaml:8:13: 'event_date' should be a real date, not '30/09/2026' (write dates as YYYY-MM-DD, for example 2026-09-30)",
    ),
    (
        "unknown ground",
        change("  ground:", "  ground: capacity"),
        "contract.yaml:11:11: unknown ground 'capacity' (expected one of: insufficient_capacity, risk_mitigation)",
    ),
    (
        "misspelt ground",
        change("  ground:", "  ground: insufficent_capacity"),
        "contract.yaml:11:11: unknown ground 'insufficent_capacity' (did you mean 'insufficient_capacity'?)",
    ),
    (
        "unknown support measure",
        change("  support_considered:", "  support_considered: [model_contract, legal_advice]"),
        "contract.yaml:13:40: unknown support measure 'legal_advice' (expected one of: councillor_collaboration, government_legal_department, model_contract)",
    ),
    (
        "a support measure twice",
        change("  support_considered:", "  support_considered: [model_contract, model_contract]"),
        "contract.yaml:13:40: the support measure 'model_contract' is listed twice (list each support measure once)",
    ),
    (
        "unknown authority type",
        change("authority:", "authority: {name: Home Office, type: central_govt}"),
        "contract.yaml:3:38: unknown authority type 'central_govt' (did you mean 'central_government'?)",
    ),
    (
        "unknown provider type",
        change("provider:", "provider: {name: Example Custodial Ltd, type: company}"),
        "contract.yaml:4:47: unknown provider type 'company' (expected one of: local_authority, other_public_authority, private, voluntary)",
    ),
    ("unknown event", change("event:", "event: expired"), "contract.yaml:7:8: unknown event 'expired' (did you mean 'expiry'?)"),
    (
        "a value for a mapping",
        change("provider:", "provider: Example Custodial Ltd"),
        "contract.yaml:4:11: 'provider' should be a set of keys and values, not 'Example Custodial Ltd' (indent 'key: value' lines under it)",
    ),
    (
        "malformed YAML",
        change("criteria:", "criteria: {at_risk_contact: true, coercive_powers: true"),
        "contract.yaml:10:12: YAML syntax error: did not find expected ',' or '}' while parsing a flow mapping (check the YAML syntax around this point)",
    ),
    (
        "a duplicate key",
        EXAMPLE + "event: termination\n",
        "contract.yaml:14:1: duplicate key 'event' (it is already set on line 7; keep one)",
    ),
    ("an empty file", "", "contract.yaml:1:1: the contract file is empty (see docs/assess.md for the keys a contract needs)"),
    (
        "a list",
        "- reference: X\n",
        "contract.yaml:1:1: the contract should be a set of keys and values (write 'reference: ...', 'title: ...' and so on)",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_gives_one_clear_message(tmp_path, name, text, message):
    result = assess(tmp_path, text)
    assert result.code == 2, result.stdout
    problems = result.stderr.splitlines()[:-1]
    assert problems == [message]
    assert result.stderr.splitlines()[-1] in ("1 problem found; nothing was written.",)
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_missing_file(tmp_path):
    result = run_cli("assess", "nowhere.yaml", project=ROOT, cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.splitlines()[0] == "nowhere.yaml: file not found (create it or fix the path that names it)"


def test_every_problem_is_reported_at_once(tmp_path):
    text = change("event:", "event: expired").replace("value_gbp: 240000000", "value_gbp: lots").replace("at_risk_contact", "at_risk")
    result = assess(tmp_path, text)
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == "3 problems found; nothing was written."


def test_the_command_needs_one_input(tmp_path):
    neither = run_cli("assess", project=ROOT, cwd=tmp_path)
    assert neither.code == 2 and "give a contract file, --register CSV or --schema" in neither.stderr
    both = run_cli("assess", "a.yaml", "--register", "b.csv", project=ROOT, cwd=tmp_path)
    assert both.code == 2 and "give only one of a contract file and --register" in both.stderr
    out_alone = run_cli("assess", "a.yaml", "--out", "r.csv", project=ROOT, cwd=tmp_path)
    assert out_alone.code == 2 and "--out is only for --register" in out_alone.stderr
    assert "Traceback" not in neither.stderr + both.stderr + out_alone.stderr
