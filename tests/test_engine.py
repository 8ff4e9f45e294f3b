"""The decision engine against the scenario table (tests/scenarios/assess.yaml), and the
rules it takes from content rather than code."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from scenarios.table import load_table, scenarios, to_yaml

from guidance_builder.diagnostics import ContentError
from guidance_builder.engine.inputs import ContractReader
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = scenarios()


def make_engine(root: Path) -> Engine:
    edition, _ = require_edition(Project.at(root))
    return Engine(edition.book, edition.document.anchors)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return make_engine(ROOT)


@pytest.fixture(scope="module")
def reader(engine) -> ContractReader:
    return ContractReader(engine)


def assess(reader: ContractReader, data: dict):
    """Through the YAML path, as `guidance-builder assess contract.yaml` does."""
    return reader.engine.assess(reader.read_text(to_yaml(data)))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(reader, scenario):
    a = assess(reader, scenario["contract"])
    expect = scenario["expect"]
    assert a.outcome == expect["outcome"]
    assert a.exemptions == expect["exemptions"]
    if "decided_by" in expect:
        assert a.decided_by == expect["decided_by"]
    if "criteria_met" in expect:
        assert a.criteria_met == expect["criteria_met"]
    if "threshold" in expect:
        t = expect["threshold"]
        assert (a.threshold.amount, a.threshold.authority_type, a.threshold.in_force_from) == (
            t["amount_gbp"],
            t["authority_type"],
            t["in_force_from"],
        )
    cited = {r.key for r in a.reasons}
    for key in expect.get("cites", []):
        assert key in cited, f"no reason cites {key}: {[r.cited() for r in a.reasons]}"
    for key in expect.get("not_cites", []):
        assert key not in cited, f"a reason cites {key}"
    text = " ".join(r.text for r in a.reasons)
    for words in expect.get("says", []):
        assert words in text


def test_the_table_covers_what_the_issue_asks(engine):
    """Every outcome and exemption, each ground with and without evidence, capacity with
    support missing, both sides of each threshold change, and values equal to a threshold."""
    book = engine.book
    results = [(s, engine.assess(ContractReader(engine).read_text(to_yaml(s["contract"])))) for s in SCENARIOS]
    assert {a.outcome for _, a in results} == {o.id for o in book.procedure.outcomes}
    assert {e for _, a in results for e in a.decided_by} == {e.id for e in book.exemptions}
    for ground in book.grounds:
        with_evidence = [a for s, a in results if (s["contract"].get("good_reason") or {}).get("ground") == ground.id]
        assert any("good_reason" in a.exemptions for a in with_evidence), f"{ground.id} never counts"
        assert any(
            not (s["contract"]["good_reason"].get("evidence") or "").strip()
            for s, _ in results
            if (s["contract"].get("good_reason") or {}).get("ground") == ground.id
        ), f"{ground.id} is never tried without evidence"
    needing = [g.id for g in book.grounds if g.requires_support_considered]
    partial = [
        s
        for s, _ in results
        if (s["contract"].get("good_reason") or {}).get("ground") in needing
        and 0 < len(s["contract"]["good_reason"].get("support_considered", [])) < len(book.support_measures)
    ]
    assert partial, "no scenario considers only some support measures"
    changes = [(kind.id, v) for kind in book.authority_types for v in sorted(kind.values, key=lambda v: v.from_)[1:]]
    dates = {(s["contract"]["authority"]["type"], s["contract"]["event_date"]) for s, _ in results}
    assert any((kind, v.from_) in dates and (kind, v.from_ - datetime.timedelta(days=1)) in dates for kind, v in changes), (
        "no threshold change is tried on both sides of its date"
    )
    assert any(s["contract"]["value_gbp"] == a.threshold.amount for s, a in results), "no value equals its threshold"


def test_every_reason_cites_a_numbered_paragraph(engine, reader):
    anchors = engine.anchors.anchors
    for scenario in SCENARIOS:
        a = assess(reader, scenario["contract"])
        assert a.reasons[-1].key == f"outcome.{a.outcome}"
        for reason in a.reasons:
            assert reason.key in anchors, reason
            assert reason.label == anchors[reason.key].label and reason.anchor == anchors[reason.key].html_id
            assert reason.cited() == f"{reason.text[:-1]} ({reason.label}, #{reason.anchor})."
            assert reason.text.endswith(".")


def test_reasons_follow_the_path_then_other_exemptions_then_the_outcome(reader):
    data = load_table()
    contract = dict(data["base"], relevant_contract=False, value_gbp=1000)
    a = assess(reader, contract)
    assert a.path == ["event", "tests", "relevant"]
    steps = [r.step for r in a.reasons]
    assert steps == ["event", "tests", "relevant", None, None]
    assert [r.key for r in a.reasons[-2:]] == ["exemption.below_threshold", "outcome.exempt"]


def test_the_threshold_is_the_one_in_force_on_the_event_date(engine):
    for kind in engine.book.authority_types:
        for value in kind.values:
            assert engine.threshold_for(kind.id, value.from_).amount == value.amount
            later = [v for v in kind.values if v.from_ > value.from_]
            if later:
                day_before = min(v.from_ for v in later) - datetime.timedelta(days=1)
                assert engine.threshold_for(kind.id, day_before).amount == value.amount
        first = min(v.from_ for v in kind.values)
        assert engine.threshold_for(kind.id, first - datetime.timedelta(days=1)) is None


def test_a_date_before_any_threshold_is_an_input_error(reader):
    contract = dict(load_table()["base"], event_date=datetime.date(2023, 12, 31))
    text = to_yaml(contract)
    line = next(n for n, content in enumerate(text.splitlines(), 1) if content.startswith("event_date:"))
    with pytest.raises(ContentError) as caught:
        reader.read_text(text, "old.yaml")
    (problem,) = caught.value.diagnostics
    assert str(problem).startswith(f"old.yaml:{line}:13:")
    assert "no threshold is in force for local_authority on 2023-12-31" in problem.message


# The order of the procedure, and the ids of the input, come from the content ------------


def swap_steps(project: Path, first: str, second: str) -> list[str]:
    """Rewrite procedure.yaml so that `second` is asked before `first` (they follow each other
    on their 'if_none' branches); return the new order of step ids."""
    path = project / "content" / "procedure.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = {s["id"]: s for s in data["steps"]}
    before = next(s for s in data["steps"] if s["if_none"].get("next") == first)
    after = steps[second]["if_none"]
    before["if_none"] = {"next": second}
    steps[second]["if_none"] = {"next": first}
    steps[first]["if_none"] = after
    order = [s["id"] for s in data["steps"]]
    i, j = order.index(first), order.index(second)
    order[i], order[j] = order[j], order[i]
    data["steps"] = [steps[step] for step in order]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return order


def test_the_order_of_steps_is_content(project):
    """Put the parties step before the threshold step in procedure.yaml: the engine follows."""
    order = swap_steps(project, "threshold", "parties")
    try:
        engine = make_engine(project)
    except ContentError as error:
        pytest.fail("\n".join(map(str, error.diagnostics)))
    assert [s.id for s in engine.book.procedure.steps] == order
    contract = dict(load_table()["base"], value_gbp=1000, provider={"name": "District Council", "type": "local_authority"})
    result = engine.assess(ContractReader(engine).read_text(to_yaml(contract)))
    assert result.path == ["event", "tests", "relevant", "parties"]
    assert result.decided_by == ["inter_authority"]
    assert result.exemptions == ["below_threshold", "inter_authority"]


def test_a_new_criterion_is_a_required_input_key(project):
    criteria = project / "content" / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8")
        + """  - id: public_funds_at_risk
    name: Large sums of public money at risk
    question: Could a failure put large sums of public money at risk?
    explanation: A failure would cost the authority a great deal to put right.
    indicators:
      - The contract is among the authority's ten largest.
    examples:
      - service: Hospital management
        note: The cost of recovering a failed service falls on the authority.
""",
        encoding="utf-8",
    )
    procedure = project / "content" / "procedure.yaml"
    procedure.write_text(
        procedure.read_text(encoding="utf-8").replace("rights_infringement]}", "rights_infringement, public_funds_at_risk]}"),
        encoding="utf-8",
    )
    engine = make_engine(project)
    reader = ContractReader(engine)
    base = load_table()["base"]
    with pytest.raises(ContentError) as caught:
        reader.read_text(to_yaml(base), "contract.yaml")
    assert [d.message for d in caught.value.diagnostics] == ["missing required criterion 'public_funds_at_risk'"]
    only_new = dict(
        base, criteria={"at_risk_contact": False, "coercive_powers": False, "rights_infringement": False, "public_funds_at_risk": True}
    )
    result = engine.assess(reader.read_text(to_yaml(only_new)))
    assert result.outcome == "insource" and result.criteria_met == ["public_funds_at_risk"]
    from guidance_builder.engine.schema import json_schema

    schema = json_schema(engine)
    assert "public_funds_at_risk" in schema["properties"]["criteria"]["required"]


def test_a_changed_threshold_changes_the_answer(project):
    thresholds = project / "content" / "thresholds.yaml"
    text = thresholds.read_text(encoding="utf-8")
    assert "amount: 207720" in text
    thresholds.write_text(text.replace("amount: 207720", "amount: 5000000"), encoding="utf-8")
    engine = make_engine(project)
    result = engine.assess(ContractReader(engine).read_text(to_yaml(load_table()["base"])))
    assert result.outcome == "exempt" and result.decided_by == ["below_threshold"]
    assert "£4,500,000 is below the threshold £5,000,000" in " ".join(r.text for r in result.reasons)
