"""`guidance-builder assess --register contracts.csv`: streaming, summaries, bad rows, and
proof that the register's fast path gives the same answers as the YAML path."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NEXT_VERSION, VERSION, copy_project, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenarios.table import scenarios, to_row, to_yaml

from guidance_builder.engine.inputs import ContractReader
from guidance_builder.engine.register import RegisterError, RowReader, RowResult, read_register, register_columns
from guidance_builder.engine.register_fast import FastRows
from guidance_builder.engine.register_rows import REASON_SEPARATOR, RESULT_COLUMNS, ResultWriter, error_row, inert
from guidance_builder.engine.register_run import WRITE_EVERY, assess_register, split_point
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = scenarios()


@pytest.fixture(scope="module")
def engine() -> Engine:
    edition, _ = require_edition(Project.at(ROOT))
    return Engine(edition.book, edition.document.anchors)


def assessment_cells(a) -> list:
    """The result columns after the reference, written from one assessment as it stands: the
    plain path that the register's shared result lines must equal."""
    t = a.threshold
    return [
        a.outcome,
        ";".join(a.decided_by),
        ";".join(a.exemptions),
        ";".join(a.criteria_met),
        t.amount if t else "",
        t.authority_type if t else "",
        t.in_force_from.isoformat() if t else "",
        REASON_SEPARATOR.join(r.cited() for r in a.reasons),
        a.guidance_version,
        "",
    ]


def write_register(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def plain_results(engine: Engine, path: Path) -> str:
    """The results file as reading and assessing each row on its own writes it (the oracle the register's short path is held to)."""
    plain = io.StringIO()
    writer = csv.writer(plain, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    with path.open(newline="", encoding="utf-8") as stream:
        for result in read_register(engine, stream, "contracts.csv"):
            writer.writerow(result_row(result, engine.version))
    return plain.getvalue()


def result_row(result: RowResult, version: str) -> list:
    """A result row made the plain way: one assessment, written by csv.writer."""
    if result.assessment is None:
        return error_row(result.row, result.reference, result.errors, version)
    return [result.row, inert(result.assessment.reference), *assessment_cells(result.assessment)]


def read_results(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


# The scenario table as a register ------------------------------------------------------


def test_the_scenarios_as_a_register_agree_with_the_yaml_path(tmp_path, engine):
    columns = register_columns(engine)
    rows = [to_row(s["contract"], engine.criteria_ids) for s in SCENARIOS]
    write_register(tmp_path / "contracts.csv", rows, columns)
    result = run_cli("assess", "--register", "contracts.csv", "--out", "results.csv", "--json", project=ROOT, cwd=tmp_path)
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    reader = ContractReader(engine)
    expected = [engine.assess(reader.read_text(to_yaml(s["contract"]))) for s in SCENARIOS]
    assert summary["rows"] == summary["assessed"] == len(SCENARIOS) and summary["invalid"] == 0
    assert summary["outcomes"] == {o: sum(a.outcome == o for a in expected) for o in engine.outcome_names}
    assert summary["exempt_by"] == {e: sum(a.decided_by[:1] == [e] for a in expected) for e in engine.exemption_ids}
    assert sum(sum(counts.values()) for counts in summary["exempt_by_outcome"].values()) == sum(summary["exempt_by"].values())
    results = read_results(tmp_path / "results.csv")
    assert list(results[0]) == list(RESULT_COLUMNS)
    for number, (row, a, scenario) in enumerate(zip(results, expected, SCENARIOS, strict=True), 2):
        assert row["row"] == str(number)
        assert row["reference"] == scenario["contract"]["reference"] == a.reference
        assert row["outcome"] == a.outcome == scenario["expect"]["outcome"], scenario["name"]
        assert row["exemptions"] == ";".join(a.exemptions)
        assert row["decided_by"] == ";".join(a.decided_by)
        assert row["criteria_met"] == ";".join(a.criteria_met)
        assert (row["threshold_gbp"], row["threshold_authority_type"], row["threshold_from"]) == (
            str(a.threshold.amount),
            a.threshold.authority_type,
            a.threshold.in_force_from.isoformat(),
        )
        assert row["reasons"] == " | ".join(r.cited() for r in a.reasons)
        assert row["guidance_version"] == engine.version and row["errors"] == ""


def test_the_text_summary(tmp_path, engine):
    rows = [to_row(s["contract"], engine.criteria_ids) for s in SCENARIOS]
    write_register(tmp_path / "contracts.csv", rows, register_columns(engine))
    result = run_cli("assess", "--register", "contracts.csv", project=ROOT, cwd=tmp_path)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Assessed contracts.csv against guidance version {engine.version}: {len(SCENARIOS)} contracts"
    labels = [line.split()[0] for line in lines[1:]]
    reader = ContractReader(engine)
    decided = {}
    for scenario in SCENARIOS:
        a = engine.assess(reader.read_text(to_yaml(scenario["contract"])))
        if a.decided_by:
            decided.setdefault(a.outcome, set()).add(a.decided_by[0])
    expected = []
    for outcome in engine.outcome_names:
        expected += [outcome, *(e for e in engine.exemption_ids if e in decided.get(outcome, ()))]
    assert labels == [*expected, "invalid"]
    assert "keep_and_review" in decided and "good_reason" in decided["keep_and_review"]
    assert lines[-1].split() == ["invalid", "0"]
    assert not (tmp_path / "results.csv").exists()


# Bad rows -------------------------------------------------------------------------------


def test_bad_rows_are_reported_and_the_rest_assessed(tmp_path, engine):
    columns = register_columns(engine)
    good = to_row(SCENARIOS[0]["contract"], engine.criteria_ids)
    col = {name: i + 1 for i, name in enumerate(columns)}
    bad = [
        ({"value_gbp": "£1,200"}, "value_gbp", "'value_gbp' should be a whole number of pounds, not '£1,200'"),
        (
            {"criteria.coercive_powers": "maybe"},
            "criteria.coercive_powers",
            "'criteria.coercive_powers' should be true or false, not 'maybe'",
        ),
        ({"event_date": "2026-02-30"}, "event_date", "'event_date' should be a real date, not '2026-02-30'"),
        ({"event_date": "30/09/2026"}, "event_date", "'event_date' should be a real date, not '30/09/2026'"),
        ({"good_reason.ground": "capacity", "good_reason.evidence": "x"}, "good_reason.ground", "unknown ground 'capacity'"),
        (
            {"good_reason.evidence": "Workforce plan"},
            "good_reason.evidence",
            "'good_reason.evidence' is given, but it is asked only when good_reason.ground != \"\"",
        ),
        (
            {"good_reason.ground": "insufficient_capacity", "good_reason.support_considered": "model_contract;legal"},
            "good_reason.support_considered",
            "unknown support measure 'legal'",
        ),
        ({"authority.type": "council"}, "authority.type", "unknown authority type 'council'"),
        ({"provider.type": "privat"}, "provider.type", "unknown provider type 'privat'"),
        ({"event": "expired"}, "event", "unknown event 'expired'"),
        ({"reference": " "}, "reference", "'reference' is empty"),
        ({"event_date": "2023-05-01"}, "event_date", "no threshold is in force for local_authority on 2023-05-01"),
    ]
    rows = []
    for n, (changes, _, _) in enumerate(bad):
        rows.append(dict(good, reference=f"GOOD-{n}"))
        rows.append({**good, "reference": f"BAD-{n}", **changes})
    rows.append(dict(good, reference="GOOD-LAST"))
    path = write_register(tmp_path / "contracts.csv", rows, columns)
    with path.open("a", encoding="utf-8") as stream:
        stream.write("SHORT,row,with,too,few,cells\n")
        stream.write('QUOTE,"broken"quote' + ",x" * (len(columns) - 2) + "\n")
        stream.write(",".join(good[c] for c in columns).replace(good["reference"], "GOOD-AFTER", 1) + "\n")
    result = run_cli("assess", "--register", "contracts.csv", "--out", "results.csv", project=ROOT, cwd=tmp_path)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    expected = []
    for n, (_, field, message) in enumerate(bad):
        row = 2 + 2 * n + 1
        expected.append(f"contracts.csv:{row}:{col[field]}: {message}")
    last = 2 + len(rows)
    expected.append(
        f"contracts.csv:{last}:7: the row has 6 cells but the header has {len(columns)} columns (check for a missing or extra comma)"
    )
    expected.append(f"contracts.csv:{last + 1}:1: the row is not valid CSV: ',' expected after '\"'")
    assert len(errors) == len(expected)
    for line, start in zip(errors, expected, strict=True):
        assert line.startswith(start), (line, start)
    summary = result.stdout.splitlines()
    assert summary[-2].split() == ["invalid", str(len(bad) + 2)]
    assert summary[-1] == "Results written to results.csv"
    results = read_results(tmp_path / "results.csv")
    assert len(results) == len(rows) + 3
    by_reference = {r["reference"]: r for r in results}
    for n in range(len(bad)):
        assert by_reference[f"GOOD-{n}"]["outcome"] == "insource"
    assert by_reference["GOOD-LAST"]["outcome"] == by_reference["GOOD-AFTER"]["outcome"] == "insource"
    invalid = [r for r in results if r["outcome"] == "invalid"]
    assert len(invalid) == len(bad) + 2
    for n, (row, (_, _, message)) in enumerate(zip(invalid, bad, strict=False)):
        assert message in row["errors"] and row["reasons"] == ""
        assert row["reference"] == ("" if n == 10 else f"BAD-{n}")  # scenario 10 blanks the reference


def test_a_bad_header_stops_the_whole_file(tmp_path, engine):
    columns = register_columns(engine)
    good = to_row(SCENARIOS[0]["contract"], engine.criteria_ids)
    header = [c if c != "criteria.at_risk_contact" else "criteria.at_risk_contat" for c in columns]
    (tmp_path / "contracts.csv").write_text(",".join(header) + "\n" + ",".join(good[c] for c in columns) + "\n", encoding="utf-8")
    result = run_cli("assess", "--register", "contracts.csv", "--out", "results.csv", project=ROOT, cwd=tmp_path)
    assert result.code == 2
    position = columns.index("criteria.at_risk_contact") + 1
    assert result.stderr.splitlines() == [
        f"contracts.csv:1:{position}: unknown column 'criteria.at_risk_contat' (did you mean 'criteria.at_risk_contact'?)",
        "1 problem found; nothing was written.",
    ]
    assert not (tmp_path / "results.csv").exists()
    missing = [c for c in columns if c != "event_date"]
    (tmp_path / "contracts.csv").write_text(",".join(missing) + "\n", encoding="utf-8")
    result = run_cli("assess", "--register", "contracts.csv", project=ROOT, cwd=tmp_path)
    assert result.code == 2 and result.stderr.splitlines()[0] == "contracts.csv:1: missing column 'event_date' (add it to the header row)"
    (tmp_path / "contracts.csv").write_text("", encoding="utf-8")
    result = run_cli("assess", "--register", "contracts.csv", project=ROOT, cwd=tmp_path)
    assert result.code == 2 and result.stderr.splitlines()[0].startswith("contracts.csv:1: the register is empty")
    result = run_cli("assess", "--register", "nowhere.csv", project=ROOT, cwd=tmp_path)
    assert result.code == 2 and result.stderr.splitlines()[0].startswith("nowhere.csv: cannot read the register")


def test_json_summary_lists_every_error(tmp_path, engine):
    columns = register_columns(engine)
    good = to_row(SCENARIOS[0]["contract"], engine.criteria_ids)
    rows = [good, dict(good, value_gbp="12k", event="ended")]
    write_register(tmp_path / "contracts.csv", rows, columns)
    result = run_cli("assess", "--register", "contracts.csv", "--json", project=ROOT, cwd=tmp_path)
    assert result.code == 2 and result.stderr == ""
    data = json.loads(result.stdout)
    assert (data["rows"], data["assessed"], data["invalid"]) == (2, 1, 1)
    assert [(e["row"], e["column"]) for e in data["errors"]] == [(3, columns.index("value_gbp") + 1), (3, columns.index("event") + 1)]
    assert data["errors"][0]["message"] == "'value_gbp' should be a whole number of pounds, not '12k'"


def test_columns_may_come_in_any_order_and_good_reason_columns_may_be_left_out(tmp_path, engine):
    columns = [c for c in register_columns(engine) if not c.startswith("good_reason.")][::-1]
    plain = [s for s in SCENARIOS if not s["contract"].get("good_reason")]
    rows = [{c: to_row(s["contract"], engine.criteria_ids)[c] for c in columns} for s in plain]
    path = write_register(tmp_path / "contracts.csv", rows, columns)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Excel saves "CSV UTF-8"
    out = io.StringIO()
    summary = assess_register(engine, path, "contracts.csv", out)
    assert summary.invalid == 0 and summary.rows == len(plain)
    outcomes = [r["outcome"] for r in csv.DictReader(io.StringIO(out.getvalue()))]
    assert outcomes == [s["expect"]["outcome"] for s in plain]


def test_a_cell_that_is_not_utf8(tmp_path, engine):
    columns = register_columns(engine)
    good = to_row(SCENARIOS[0]["contract"], engine.criteria_ids)
    path = write_register(tmp_path / "contracts.csv", [good, dict(good, title="CAFE"), good], columns)
    path.write_bytes(path.read_bytes().replace(b"CAFE", b"CAF\xe9"))
    summary = assess_register(engine, path, "contracts.csv")
    assert summary.rows == 3 and summary.invalid == 1
    assert (
        str(summary.errors[0]) == f"contracts.csv:3:{columns.index('title') + 1}: the cell is not valid UTF-8 text (save the file as UTF-8)"
    )


# The fast path agrees with the full path and the YAML path --------------------------------


def choices(engine: Engine, fact_id: str) -> list[str]:
    return [c.id for c in engine.fact[fact_id].choices]


@st.composite
def contracts(draw, engine: Engine) -> dict:
    """Contract data as YAML would hold it, across every value that matters to the rules."""
    ground = draw(st.sampled_from([None, *choices(engine, "good_reason.ground")]))
    data = {
        "reference": draw(st.from_regex(r"[A-Z]{2}-[0-9]{1,5}", fullmatch=True)),
        "title": draw(st.sampled_from(["Home care", "Escorts, with restraint", 'The "big" contract', "Café services"])),
        "authority": {"name": "Example Council", "type": draw(st.sampled_from(choices(engine, "authority.type")))},
        "provider": {"name": "Example Ltd", "type": draw(st.sampled_from(choices(engine, "provider.type")))},
        "relevant_contract": draw(st.booleans()),
        "value_gbp": draw(st.one_of(st.integers(0, 400_000), st.sampled_from([135018, 139688, 207720, 214904, 10**12]))),
        "event": draw(st.sampled_from(choices(engine, "event"))),
        "event_date": draw(st.dates(datetime.date(2024, 1, 1), datetime.date(2027, 12, 31))),
        "criteria": {c: draw(st.booleans()) for c in engine.criteria_ids},
    }
    if ground is not None:
        data["good_reason"] = {
            "ground": ground,
            "evidence": draw(st.sampled_from(["", "  ", "Workforce plan, 2026"])),
            "support_considered": draw(st.lists(st.sampled_from(choices(engine, "good_reason.support_considered")), unique=True)),
        }
    return data


def spell(draw, row: dict[str, str]) -> dict[str, str]:
    """The same row written as a person might: spaces, capitals, yes/no, spaced lists."""
    result = {}
    for name, value in row.items():
        if value in ("true", "false"):
            value = draw(st.sampled_from([value, value.upper(), value.capitalize(), {"true": "yes", "false": "no"}[value], f" {value} "]))
        elif name == "good_reason.support_considered" and value:
            value = draw(st.sampled_from([value, value.replace(";", "; "), value + ";"]))
        elif name in ("authority.type", "title") and draw(st.booleans()):
            value = f" {value} "
        result[name] = value
    return result


def test_a_register_row_reads_as_the_yaml_contract_does(engine):
    columns = register_columns(engine)
    rows = RowReader(engine, columns, "r.csv")
    yaml_reader = ContractReader(engine)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=contracts(engine), style=st.data())
    def check(data, style):
        row = spell(style.draw, to_row(data, engine.criteria_ids))
        cells = [row[c] for c in columns]
        from_cells, errors = rows.read(cells, 2)
        assert errors == [] and from_cells is not None
        assert yaml_reader.read_text(to_yaml(data)) == from_cells

    check()


def test_the_older_column_names_still_work(tmp_path, engine):
    old = {
        "authority.name": "authority_name",
        "authority.type": "authority_type",
        "provider.name": "provider_name",
        "provider.type": "provider_type",
    }
    columns = register_columns(engine)
    rows = [to_row(s["contract"], engine.criteria_ids) for s in SCENARIOS]
    new_path = write_register(tmp_path / "new.csv", rows, columns)
    old_rows = [{old.get(k, k): v for k, v in row.items()} for row in rows]
    old_path = write_register(tmp_path / "old.csv", old_rows, [old.get(c, c) for c in columns])
    new_out, old_out = io.StringIO(), io.StringIO()
    assess_register(engine, new_path, "r.csv", new_out)
    summary = assess_register(engine, old_path, "r.csv", old_out)
    assert summary.invalid == 0 and old_out.getvalue() == new_out.getvalue()


def test_shared_result_rows_equal_rows_made_one_by_one(engine):
    """The register reuses one encoded row for contracts that read the same way; each row must
    still be exactly what assessing that contract on its own gives."""
    writer = ResultWriter(engine)
    yaml_reader = ContractReader(engine)

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=contracts(engine))
    def check(data):
        answers = yaml_reader.read_text(to_yaml(data))
        line, found = writer.encode(answers)
        plain = io.StringIO()
        csv.writer(plain, lineterminator="\n").writerow(result_row(RowResult(7, answers, engine.assess(answers)), engine.version)[1:])
        assert line.decode() == plain.getvalue()
        assert found.outcome == engine.assess(answers).outcome

    check()
    assert 0 < len(writer._rows) < 400  # rows alike share one encoding


def test_the_register_writes_what_the_plain_path_writes(tmp_path, engine):
    """assess_register shares work between rows alike (`ResultWriter`); its output must be
    byte for byte what reading and assessing each row on its own gives."""
    columns = register_columns(engine)
    path = tmp_path / "contracts.csv"

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(many=st.lists(contracts(engine), min_size=1, max_size=30), style=st.data())
    def check(many, style):
        rows = []
        for data in many:
            row = spell(style.draw, to_row(data, engine.criteria_ids))
            rows.append(row)
            twin = dict(row, reference=row["reference"] + "-B", value_gbp=str(style.draw(st.integers(0, 300_000))))
            twin["title"] = style.draw(st.sampled_from([row["title"], " spaced ", "=SUM(A1)", ""]))
            rows.append(twin)
            if style.draw(st.booleans()):
                rows.append(dict(row, reference=row["reference"] + "-C", value_gbp=style.draw(st.sampled_from(["12k", "-5", "", " 7 "]))))
        write_register(path, rows, columns)
        fast = io.StringIO()
        assess_register(engine, path, "contracts.csv", fast, parallel=False)
        assert fast.getvalue() == plain_results(engine, path)

    check()


def test_a_per_row_fact_asked_only_sometimes_takes_the_short_path_and_reads_the_same(tmp_path, monkeypatch):
    """A money fact asked only when the contract is relevant: rows that leave it unasked (and
    empty) and rows that give it both take the short path, and write what the plain path writes."""
    project = copy_project(tmp_path / "project")
    content = project / "content"
    guidance = content / "guidance.yaml"
    guidance.write_text(guidance.read_text(encoding="utf-8").replace(f"version: {VERSION}", f"version: {NEXT_VERSION}"), encoding="utf-8")
    facts = content / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert text.count("  - id: event\n") == 1
    facts.write_text(
        text.replace(
            "  - id: event\n",
            "  - id: extension.cost_gbp\n    type: money\n    question: What would a short extension cost?\n"
            "    asked_when: relevant_contract\n  - id: event\n",
        ),
        encoding="utf-8",
    )
    edition, _ = require_edition(Project.at(project))
    engine = Engine(edition.book, edition.document.anchors)
    columns = register_columns(engine)
    rows = []
    for n, scenario in enumerate(SCENARIOS * 3):
        row = to_row(scenario["contract"], engine.criteria_ids) | {"reference": f"R-{n}", "title": f"Contract {n}"}
        row["extension.cost_gbp"] = str(1000 + n) if row["relevant_contract"] == "true" else ""
        if row["relevant_contract"] == "false" and n % 2:
            row["extension.cost_gbp"] = "12"  # given where it is not asked: an error, found by the full path
        rows.append(row)
    path = write_register(tmp_path / "contracts.csv", rows, columns)
    called = []
    original = FastRows._read_unasked
    monkeypatch.setattr(FastRows, "_read_unasked", lambda self, *a: called.append(1) or original(self, *a))
    fast = io.StringIO()
    assess_register(engine, path, "contracts.csv", fast, parallel=False)
    assert fast.getvalue() == plain_results(engine, path)
    assert called, "no row left the per-row fact unasked on the short path"
    assert "is asked only when relevant_contract" in fast.getvalue()


def test_free_text_evidence_keeps_rows_on_the_short_path(tmp_path, engine, monkeypatch):
    """The conditions ask only whether the evidence is blank, so rows that differ only in its
    words share a profile, and each row's words (spaces around them and all) are still read as
    the plain path reads them."""
    columns = register_columns(engine)
    grounded = [s for s in SCENARIOS if s["contract"].get("good_reason", {}).get("ground")]
    assert grounded, "a scenario with a good reason is needed"
    rows = []
    for n in range(300):
        row = to_row(grounded[n % len(grounded)]["contract"], engine.criteria_ids)
        row["reference"] = f"R-{n}"
        row["good_reason.evidence"] = [f"Capacity review no. {n}", "", " leading space", "   ", f'"Quoted", {n}'][n % 5]
        rows.append(row)
    path = write_register(tmp_path / "contracts.csv", rows, columns)
    learned = []
    original = FastRows._learn
    monkeypatch.setattr(FastRows, "_learn", lambda self, *a: learned.append(1) or original(self, *a))
    fast = io.StringIO()
    assess_register(engine, path, "contracts.csv", fast, parallel=False)
    assert fast.getvalue() == plain_results(engine, path)
    assert len(learned) < 150, "rows that differ only in the evidence's words were learned one by one"


def test_a_cell_too_long_to_read_says_so(tmp_path, engine):
    """A cell past the CSV reader's limit is named as too long, not as a quoting mistake, and the other rows are still assessed."""
    columns = register_columns(engine)
    rows = [to_row(SCENARIOS[n]["contract"], engine.criteria_ids) | {"reference": f"R-{n}"} for n in range(3)]
    rows[1]["title"] = "x" * (csv.field_size_limit() + 1)
    path = write_register(tmp_path / "contracts.csv", rows, columns)
    summary = assess_register(engine, path, "contracts.csv", io.StringIO(), parallel=False)
    assert summary.rows == 3 and summary.invalid == 1
    (problem,) = summary.errors
    assert problem.location.line == 3 and "field larger than field limit" in problem.message
    assert problem.hint.startswith(f"a cell is longer than {csv.field_size_limit():,} characters")


# Large registers are split across two processes ------------------------------------------


def test_splitting_a_register_gives_the_same_results(tmp_path, engine):
    columns = register_columns(engine)
    rows = []
    for n in range(3000):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        row = to_row(scenario["contract"], engine.criteria_ids)
        row["reference"] = f"R-{n}"
        if n % 7 == 0:
            row["title"] = 'A title with "quotes", commas\nand a line break'
        if n % 500 == 3:
            row["value_gbp"] = "oops"
        rows.append(row)
    path = write_register(tmp_path / "contracts.csv", rows, columns)
    one, two = io.StringIO(), io.StringIO()
    seen_one, seen_two = [], []
    alone = assess_register(engine, path, "contracts.csv", one, seen_one.append, parallel=False)
    split = assess_register(engine, path, "contracts.csv", two, seen_two.append, parallel=True)
    assert split_point(path, path.stat().st_size) is not None
    assert one.getvalue() == two.getvalue()
    assert alone.as_json() == split.as_json()
    assert seen_one == seen_two and len(seen_one) == 6
    assert [r["row"] for r in csv.DictReader(io.StringIO(one.getvalue()))][-1] == str(2 + 2999 + sum(1 for n in range(2999) if n % 7 == 0))


def ends_a_record(body: bytes, offset: int) -> bool:
    """Whether a CSV reader that reads from the start finds a record ending at `offset`."""
    whole = list(csv.reader(io.StringIO(body.decode(), newline=""), strict=True))
    try:
        head = list(csv.reader(io.StringIO(body[:offset].decode(), newline=""), strict=True))
    except csv.Error:
        return False
    return head + list(csv.reader(io.StringIO(body[offset:].decode(), newline=""), strict=True)) == whole


def many_line_register(tmp_path: Path, engine: Engine, stray_quote: bool) -> Path:
    """A register whose titles run over many lines (most line ends are inside quotes), with or
    without a stray quote in an unquoted cell near the start."""
    columns = register_columns(engine)
    rows = []
    for n in range(60):
        row = to_row(SCENARIOS[n % len(SCENARIOS)]["contract"], engine.criteria_ids)
        row["reference"] = f"R-{n}"
        row["title"] = "plain" if n == 1 else "A title over many lines" + "\nmore" * 40
        rows.append(row)
    path = write_register(tmp_path / "register.csv", rows, columns)
    if stray_quote:
        data = path.read_bytes()
        at = data.index(b"plain")
        path.write_bytes(data[:at] + b'12" water main' + data[at + len(b"plain") :])
    return path


def test_the_split_is_guessed_at_a_record_end_in_a_register_of_quoted_line_breaks(tmp_path, engine):
    """Most line ends here are inside quoted cells: the guess counts quotes, so the worker's
    start is a record's end and its part is used."""
    path = many_line_register(tmp_path, engine, stray_quote=False)
    data = path.read_bytes()
    offset, lines = split_point(path, len(data))
    assert ends_a_record(data, offset)
    assert lines == len(list(io.StringIO(data[:offset].decode(), newline="")))
    one, two = io.StringIO(), io.StringIO()
    alone = assess_register(engine, path, "register.csv", one, parallel=False)
    split = assess_register(engine, path, "register.csv", two, parallel=True)
    assert two.getvalue() == one.getvalue() and split.as_json() == alone.as_json() and alone.rows == 60


def test_a_split_guessed_inside_quotes_is_found_out(tmp_path, engine):
    """A stray quote (`12" water main`, which a CSV reader takes as text) makes the count of
    quotes wrong, and the guess falls inside a quoted cell: the first process must find that
    out and read on to the end itself."""
    path = many_line_register(tmp_path, engine, stray_quote=True)
    data = path.read_bytes()
    offset, _ = split_point(path, len(data))
    assert not ends_a_record(data, offset), "the guess should fall inside a quoted cell for this test to mean anything"
    one, two = io.StringIO(), io.StringIO()
    alone = assess_register(engine, path, "register.csv", one, parallel=False)
    split = assess_register(engine, path, "register.csv", two, parallel=True)
    assert two.getvalue() == one.getvalue()
    assert split.as_json() == alone.as_json() and alone.rows == 60 and alone.invalid == 0


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("early", [b"1,x\r" * 20, b"1,x\r\n" * 20], ids=["lone CRs early", "CRLF early"])
def test_the_split_counts_lines_as_the_reader_does(tmp_path, ending, early):
    """Rows are numbered by lines, and a line ends at \\n, \\r\\n or a lone \\r."""
    path = tmp_path / "endings.csv"
    body = b"a,b\r\n" + early + b"2,y" + ending + (b"3,z" + ending) * 40
    path.write_bytes(body)
    offset, lines = split_point(path, len(body))
    assert offset >= len(body) // 2 and ends_a_record(body, offset)
    assert lines == len(list(io.StringIO(body[:offset].decode(), newline="")))


def test_an_unreadable_register_is_a_register_error(tmp_path, engine):
    with pytest.raises(RegisterError):
        assess_register(engine, tmp_path / "missing.csv", "missing.csv")


TITLES = st.one_of(
    st.sampled_from(["Home care", 'The "big" contract', "Care, with commas", "Two\nlines", 'Ends with a quote"', "Café"]),
    st.text(alphabet='ab ,"\n\r', min_size=1, max_size=12).filter(lambda t: t.strip(' \r\n"') != ""),
)


@st.composite
def raw_registers(draw, engine: Engine) -> bytes:
    """Register files written by hand: quoted cells with quotes, commas and line breaks, and
    unquoted cells with a stray quote in them (`12" water main`), which a CSV reader accepts."""
    columns = register_columns(engine)
    base = to_row(SCENARIOS[0]["contract"], engine.criteria_ids)
    lines = [",".join(columns)]
    for n in range(draw(st.integers(20, 120))):
        row = dict(base, reference=f"R-{n}")
        cells = []
        for column in columns:
            if column == "title":
                if draw(st.booleans()):
                    cells.append(draw(st.sampled_from(['12" water main', 'A 3" pipe', "plain"])))  # unquoted, stray quote
                else:
                    title = draw(TITLES)
                    cells.append('"' + title.replace('"', '""') + '"')
            else:
                cells.append(row[column])
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_register_split_over_two_cores_gives_what_one_pass_gives(tmp_path_factory, engine):
    folder = tmp_path_factory.mktemp("split")

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(data=raw_registers(engine))
    def check(data):
        path = folder / "register.csv"
        path.write_bytes(data)
        one, two = io.StringIO(), io.StringIO()
        alone = assess_register(engine, path, "register.csv", one, parallel=False)
        split = assess_register(engine, path, "register.csv", two, parallel=True)
        assert two.getvalue() == one.getvalue()
        assert split.as_json() == alone.as_json()

    check()


# Where the results go -------------------------------------------------------------------


def _register_with_errors(tmp_path: Path, engine) -> Path:
    rows = [to_row(s["contract"], engine.criteria_ids) for s in SCENARIOS]
    rows.insert(1, rows[0] | {"reference": "BAD-1", "value_gbp": "£1,200"})
    return write_register(tmp_path / "contracts.csv", rows, register_columns(engine))


def test_the_results_reach_any_kind_of_stream_as_text(tmp_path, engine):
    """The command writes UTF-8 bytes; a caller's text stream gets text, with its own line ends."""
    path = _register_with_errors(tmp_path, engine)
    expected = plain_results(engine, path)
    assert "£" in expected and "invalid" in expected

    binary = io.BytesIO()
    assess_register(engine, path, "contracts.csv", binary, parallel=False)
    assert binary.getvalue().decode("utf-8") == expected

    crlf = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\r\n")
    assess_register(engine, path, "contracts.csv", crlf, parallel=False)
    crlf.flush()
    assert crlf.buffer.getvalue().decode("utf-8") == expected.replace("\n", "\r\n")

    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", newline="")
    assess_register(engine, path, "contracts.csv", latin, parallel=False)
    latin.flush()
    assert latin.buffer.getvalue() == expected.encode("latin-1")

    codec = codecs.getwriter("utf-8")(io.BytesIO())
    assess_register(engine, path, "contracts.csv", codec, parallel=False)
    assert codec.stream.getvalue().decode("utf-8") == expected


def test_rows_are_written_as_they_come_even_when_none_is_valid(tmp_path, engine):
    """Error rows count towards what is held before a write, so a register of bad rows is not held in memory."""

    class Writes(io.BytesIO):
        def __init__(self):
            super().__init__()
            self.sizes: list[int] = []

        def write(self, data) -> int:
            self.sizes.append(len(data))
            return super().write(data)

    bad = to_row(SCENARIOS[0]["contract"], engine.criteria_ids) | {"value_gbp": "£1,200"}
    path = write_register(tmp_path / "bad.csv", [bad | {"reference": f"B-{n}"} for n in range(3 * WRITE_EVERY)], register_columns(engine))
    out = Writes()
    summary = assess_register(engine, path, "bad.csv", out, parallel=False)
    assert summary.invalid == 3 * WRITE_EVERY
    assert len(out.sizes) >= 3 and max(out.sizes) < len(out.getvalue()) // 2


def test_results_on_standard_output_are_utf8_whatever_its_encoding(tmp_path, engine):
    path = _register_with_errors(tmp_path, engine)
    command = [sys.executable, "-m", "guidance_builder", "--project", str(ROOT), "assess", "--register", str(path), "--out", "/dev/stdout"]
    done = subprocess.run(command, capture_output=True, env=os.environ | {"PYTHONIOENCODING": "latin-1"}, timeout=600)
    assert done.returncode == 2, done.stderr  # the bad row
    assert done.stdout.decode("utf-8") == plain_results(engine, path)
