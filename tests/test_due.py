"""`guidance-builder due`: which contracts fall due, from registers and OCDS notices.

The fixtures in tests/due/ have the shapes of the real data: Find a Tender release and
record packages (UK7 contract details, UK10 contract change, UK11 contract termination,
with the UK extension's fields), a JSON Lines bulk download, and Transparency Code
registers under three real-world header conventions, with UK dates and pound signs.
Every run is `--on 2026-01-15`, so the window is 2025-01-15 to 2027-07-15 (12 months
back, 18 ahead).
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from guidance_builder.due.outputs import write_atomically
from guidance_builder.due.run import lead_months
from guidance_builder.due.values import ForeignCurrency, ImpossibleDate, NotADate, NotMoney, add_months, parse_date, parse_pounds
from tests.conftest import ROOT, copy_project, run_cli

FIXTURES = ROOT / "tests" / "due"
ON = "2026-01-15"
OCDS = ["notices.json", "records.json", "bulk.jsonl"]
REGISTERS = ["register-lga.csv", "register-parser.csv", "register-snake.csv"]

EXPECTED_OCDS = {
    # reference: (event, end, value, authority type, below the threshold)
    "ocds-h6vhtk-0000h8/1": ("expiry", "2025-01-15", 60000, "local_authority", True),  # ends on the window's first day
    "ocds-h6vhtk-0000b2/1": ("termination", "2025-12-31", 90000, "local_authority", True),  # UK11 ended it early
    "ocds-h6vhtk-0000e5/1": ("expiry", "2026-08-31", 120000, "central_government", True),  # from a record package
    "ocds-h6vhtk-0000f6/1": ("expiry", "2027-01-31", 60000, "local_authority", True),  # UK10 extended it (JSON Lines)
    "ocds-h6vhtk-0000a1/1": ("expiry", "2027-03-31", 250000, "local_authority", False),  # UK10 extended it
    "ocds-h6vhtk-0000i9/1": ("expiry", "2027-07-15", 60000, "local_authority", True),  # ends on the window's last day
}
"""Not listed: 0000c3 (ends 2028), 0000d4 (a UK10 moved its end to 2029), 0000g7 and 0000j0 (a day outside each edge)."""

EXPECTED_REGISTERS = {
    "EBC/2023/014": ("expiry", "2026-04-30", 2150000, "register-parser.csv:2"),
    "LCC-77": ("expiry", "2026-08-31", 180000, "register-snake.csv:2"),
    "WS-0001": ("expiry", "2027-03-31", 1200000, "register-lga.csv:2"),
    "WS-0003": ("expiry", "2027-07-15", 45001, "register-lga.csv:4"),  # £45,000.50, half a pound up
}
"""Not listed: WS-0002 (ends 2028), WS-0004 (no end date), EBC/2024/002 (2029), LCC-78 (ended 2024)."""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("due") / "project")


def due(project: Path, *args: str, cwd: Path = FIXTURES):
    return run_cli("due", "--on", ON, *args, project=project, cwd=cwd)


def due_json(project: Path, *args: str, cwd: Path = FIXTURES) -> tuple[int, dict]:
    result = due(project, "--json", *args, cwd=cwd)
    assert result.stdout, result.stderr
    return result.code, json.loads(result.stdout)


def by_reference(data: dict) -> dict[str, dict]:
    return {c["reference"]: c for c in data["contracts"]}


# Reading the sources --------------------------------------------------------------------------


def test_mixed_ocds_and_registers_list_exactly_the_contracts_in_the_window(project: Path) -> None:
    code, data = due_json(project, *OCDS, *REGISTERS, "--authority-type", "local_authority")
    assert code == 0, data["problems"]
    assert data["problems"] == []
    listed = by_reference(data)
    assert set(listed) == set(EXPECTED_OCDS) | set(EXPECTED_REGISTERS)
    for reference, (event, end, value, kind, below) in EXPECTED_OCDS.items():
        c = listed[reference]
        assert (c["event"], c["event_date"], c["value_gbp"], c["authority_type"], c["below_threshold"]) == (event, end, value, kind, below)
        assert c["source"] == reference.split("/")[0]
    for reference, (event, end, value, source) in EXPECTED_REGISTERS.items():
        c = listed[reference]
        assert (c["event"], c["event_date"], c["value_gbp"], c["source"], c["authority_type"]) == (
            event,
            end,
            value,
            source,
            "local_authority",
        )
    ends = [c["event_date"] for c in data["contracts"]]
    assert ends == sorted(ends)
    assert data["on"] == ON and data["within_months"] == 18 and data["since_months"] == 12


def test_json_has_the_fields_the_issue_names(project: Path) -> None:
    _, data = due_json(project, "notices.json")
    assert set(data) >= {"on", "within_months", "contracts", "problems"}
    b2 = by_reference(data)["ocds-h6vhtk-0000b2/1"]
    assert b2 == {
        "reference": "ocds-h6vhtk-0000b2/1",
        "title": "Supported housing",
        "authority": "Eastborough Borough Council",
        "authority_type": "local_authority",
        "provider": "Safe Hands CIC",
        "value_gbp": 90000,
        "event": "termination",
        "event_date": "2025-12-31",
        "assess_by": "2024-06-30",
        "below_threshold": True,
        "source": "ocds-h6vhtk-0000b2",
    }


def _releases() -> list[dict]:
    """Every release in the OCDS fixtures that are release packages or JSON Lines."""
    releases = list(json.loads((FIXTURES / "notices.json").read_text())["releases"])
    for line in (FIXTURES / "bulk.jsonl").read_text().splitlines():
        item = json.loads(line)
        releases.extend(item["releases"] if "releases" in item else [item])
    return releases


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_order_of_releases_and_files_gives_the_same_list(project: Path, tmp_path: Path, seed: int) -> None:
    """Changes and terminations before or after the notices they change, split across files and formats."""
    shuffler = random.Random(seed)
    releases = _releases()
    shuffler.shuffle(releases)
    cut = shuffler.randrange(1, len(releases))
    (tmp_path / "part-1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in releases[:cut]))
    package = {"version": "1.1", "releases": releases[cut:]}
    (tmp_path / "part-2.json").write_text(json.dumps(package, indent=2))
    shutil.copy(FIXTURES / "records.json", tmp_path / "records.json")
    names = ["part-1.jsonl", "part-2.json", "records.json"]
    shuffler.shuffle(names)
    code, data = due_json(project, *names, cwd=tmp_path)
    assert code == 0, data["problems"]
    listed = by_reference(data)
    assert set(listed) == set(EXPECTED_OCDS)
    for reference, (event, end, *_) in EXPECTED_OCDS.items():
        assert (listed[reference]["event"], listed[reference]["event_date"]) == (event, end)


def test_a_record_package_gives_its_compiled_release(project: Path) -> None:
    _, data = due_json(project, "records.json")
    assert [c["reference"] for c in data["contracts"]] == ["ocds-h6vhtk-0000e5/1"]
    assert data["contracts"][0]["authority"] == "Department of Example Affairs"


def test_json_lines_are_read_line_by_line_and_the_window_edges_are_inclusive(project: Path) -> None:
    _, data = due_json(project, "bulk.jsonl")
    assert [(c["reference"], c["event_date"]) for c in data["contracts"]] == [
        ("ocds-h6vhtk-0000h8/1", "2025-01-15"),
        ("ocds-h6vhtk-0000f6/1", "2027-01-31"),
        ("ocds-h6vhtk-0000i9/1", "2027-07-15"),
    ]


def test_since_and_within_move_the_edges(project: Path) -> None:
    _, data = due_json(project, "bulk.jsonl", "--since", "0", "--within", "13")
    assert [c["reference"] for c in data["contracts"]] == ["ocds-h6vhtk-0000f6/1"]
    assert data["within_months"] == 13


def test_three_real_world_register_headers(project: Path) -> None:
    for name in REGISTERS:
        _, data = due_json(project, name)
        expected = {ref for ref, (*_, source) in EXPECTED_REGISTERS.items() if source.startswith(name)}
        assert set(by_reference(data)) == expected, name
    _, data = due_json(project, "register-lga.csv")
    ws1 = by_reference(data)["WS-0001"]
    assert (ws1["title"], ws1["authority"], ws1["provider"]) == ("Home care for older people", "Westshire Council", "Caring Hands Ltd")
    assert ws1["authority_type"] is None and ws1["below_threshold"] is None  # a register does not say


def test_a_register_saved_by_excel_in_windows_1252(project: Path, tmp_path: Path) -> None:
    (tmp_path / "excel.csv").write_bytes(
        'Reference,Title,Contract Value,End Date\r\nX-1,Day centre,"£75,000.00",28/02/2027\r\n'.encode("cp1252")
    )
    code, data = due_json(project, "excel.csv", cwd=tmp_path)
    assert code == 0, data["problems"]
    assert [(c["reference"], c["value_gbp"], c["event_date"]) for c in data["contracts"]] == [("X-1", 75000, "2027-02-28")]


def test_the_table_lists_contracts_in_end_date_order(project: Path) -> None:
    result = due(project, "register-lga.csv", "notices.json")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Contracts ending between 2025-01-15 and 2027-07-15 (on 2026-01-15, 12 months back, 18 ahead): 4"
    order = [line.split()[0] for line in lines[4:]]
    assert order == ["2025-12-31", "2027-03-31", "2027-03-31", "2027-07-15"]
    assert "£1,200,000" in result.stdout and "termination" in result.stdout


def test_a_councils_own_column_names_from_columns_yaml(project: Path, tmp_path: Path) -> None:
    (tmp_path / "ours.csv").write_text("Our Ref,What,Who,How much,Finishes\nQ-1,Meals on wheels,Meals Ltd,£30000,01/02/2027\n")
    (tmp_path / "map.yaml").write_text("reference: Our Ref\ntitle: What\nsupplier: [Who]\nvalue: How much\nend_date: Finishes\n")
    result = due(project, "ours.csv", cwd=tmp_path)
    assert result.code == 2 and "ours.csv:1: this file is neither a CSV register nor OCDS" in result.stderr
    code, data = due_json(project, "ours.csv", "--columns", "map.yaml", cwd=tmp_path)
    assert code == 0
    assert (data["contracts"][0]["reference"], data["contracts"][0]["event_date"], data["contracts"][0]["value_gbp"]) == (
        "Q-1",
        "2027-02-01",
        30000,
    )


def test_a_typo_in_the_columns_file_is_reported_at_its_line(project: Path, tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text("reference: Our Ref\nend_dat: Finishes\n")
    result = due(project, "register-lga.csv", "--columns", str(tmp_path / "map.yaml"))
    assert result.code == 2
    assert f"{tmp_path / 'map.yaml'}:2:1: unknown key 'end_dat' (did you mean 'end_date'?)" in result.stderr


# The threshold and the authority type ------------------------------------------------------------


def test_below_threshold_uses_the_threshold_in_force_on_the_end_date(project: Path, tmp_path: Path) -> None:
    """£210,000 is below the 2024 local-authority figure (£214,904) but above the 2026 one (£207,720)."""
    (tmp_path / "r.csv").write_text(
        'Contract reference,Title,Contract value,End date\nT-1,Old figure,"£210,000",31/12/2025\nT-2,New figure,"£210,000",01/01/2026\n'
    )
    _, data = due_json(project, "r.csv", "--authority-type", "local_authority", cwd=tmp_path)
    assert {c["reference"]: c["below_threshold"] for c in data["contracts"]} == {"T-1": True, "T-2": False}


def test_the_buyer_type_mapping_comes_from_the_yaml(tmp_path: Path) -> None:
    """A sub-central buyer is a local authority because sources.yaml says so; change the mapping and it is not."""
    project = copy_project(tmp_path / "project")
    sources = project / "content" / "due" / "sources.yaml"
    text = sources.read_text()
    assert "publicAuthoritySubCentralGovernment: local_authority" in text
    sources.write_text(
        text.replace("publicAuthoritySubCentralGovernment: local_authority", "publicAuthoritySubCentralGovernment: other_public_authority")
    )
    _, data = due_json(project, "notices.json")
    listed = by_reference(data)
    assert listed["ocds-h6vhtk-0000a1/1"]["authority_type"] == "other_public_authority"  # UK_CA_TYPE only
    assert listed["ocds-h6vhtk-0000b2/1"]["authority_type"] == "local_authority"  # its GB-LAE identifier decides


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("register_columns:", "register_colums:", ":10:1: unknown key 'register_colums' (did you mean 'register_columns'?)"),
        ("  terminated: termination", "  terminated: terminaton", ":113:15: unknown trigger 'terminaton' (did you mean 'termination'?)"),
        (
            "    GB-LAE: local_authority",
            "    GB-LAE: local_authorty",
            ":98:13: unknown authority type 'local_authorty' (did you mean 'local_authority'?)",
        ),
        ("  end_date:", "  ending_date:", ":68:3: unknown key 'ending_date' (did you mean 'end_date'?)"),
    ],
)
def test_a_typo_in_sources_yaml_is_reported_at_its_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    project = copy_project(tmp_path / "project")
    sources = project / "content" / "due" / "sources.yaml"
    text = sources.read_text()
    assert text.count(old) == 1
    sources.write_text(text.replace(old, new))
    result = due(project, "notices.json")
    assert result.code == 2
    assert "content/due/sources.yaml" + message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_lead_time_comes_from_the_guidance_when_it_gives_one() -> None:
    assert lead_months(SimpleNamespace(assessment_lead_time_months=6)) == 6
    assert lead_months(SimpleNamespace()) == 18


# Bad data ------------------------------------------------------------------------------------------


def test_every_kind_of_bad_data_is_reported_and_the_rest_still_listed(project: Path) -> None:
    result = due(project, "bad-register.csv", "bad-notices.json", "letter.txt", "other.json")
    assert result.code == 2
    lines = result.stderr.splitlines()
    assert lines == [
        "bad-register.csv:2: End date: '31/02/2027' is not a real date (check the day and month; no such day exists)",
        "bad-register.csv:3: Contract value: 'about a million' is not an amount of money (write it in pounds, for example £1,200,000.00)",
        "bad-register.csv:4: Contract value: '€50,000' is in EUR, not pounds sterling (GBP) (give the value in pounds)",
        "bad-notices.json:1: ocid: the release has no ocid (every OCDS release names its contracting process in 'ocid')",
        "letter.txt:1: this file is neither a CSV register nor OCDS (give a CSV register whose first row names its columns, "
        "or an OCDS release or record package in JSON or JSON Lines)",
        "other.json:1: this JSON is not OCDS (give an OCDS release package, record package or release)",
        "bad-notices.json:2: contracts[0].value.currency: the currency is 'EUR', not GBP (thresholds are in pounds: only GBP values are compared)",
        "7 problems in the data; the other contracts are listed.",
    ]
    for reference in ("BAD-2", "BAD-3", "BAD-4", "ocds-h6vhtk-0000l2/1"):
        assert reference in result.stdout
    assert "BAD-1" not in result.stdout  # no real end date, so no place in the window


def test_bad_data_is_in_the_json_problems(project: Path) -> None:
    code, data = due_json(project, "bad-register.csv")
    assert code == 2
    assert [(p["file"], p["row"]) for p in data["problems"]] == [("bad-register.csv", 2), ("bad-register.csv", 3), ("bad-register.csv", 4)]
    assert by_reference(data)["BAD-4"]["value_gbp"] == 20000
    assert by_reference(data)["BAD-2"]["value_gbp"] is None


def test_a_release_without_a_date_and_broken_json_lines(project: Path, tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text('{"ocid": "ocds-x-1", "id": "1", "tag": ["contract"]}\n{"ocid": \n')
    result = due(project, "x.jsonl", cwd=tmp_path)
    assert result.code == 2
    assert "x.jsonl:1: date: the release has no date (releases are merged in date order, so each needs a 'date')" in result.stderr
    assert "x.jsonl:2: this line is not valid JSON (each line of a JSON Lines file is one package or release)" in result.stderr


def test_exit_codes_and_argument_errors(project: Path, tmp_path: Path) -> None:
    assert due(project, "notices.json").code == 0
    result = due(project, "notices.json", "--authority-type", "local_authorty")
    assert (
        result.code == 2 and "--authority-type: unknown authority type 'local_authorty' (did you mean 'local_authority'?)" in result.stderr
    )
    result = due(project, "missing.csv")
    assert result.code == 2 and "missing.csv: file not found" in result.stderr
    result = run_cli("due", "--on", "31/02/2026", "notices.json", project=project, cwd=FIXTURES)
    assert result.code == 2 and "--on: '31/02/2026' is not a date" in result.stderr
    (tmp_path / "folder.csv").mkdir()
    result = due(project, "notices.json", "--out", str(tmp_path / "folder.csv"))
    assert result.code == 2 and "--out names something that is not a regular file" in result.stderr
    result = due(project, "notices.json", "--report", str(tmp_path / "folder.csv"))
    assert result.code == 2 and "--report names something that is not a regular file" in result.stderr
    shutil.copy(FIXTURES / "register-lga.csv", tmp_path / "register-lga.csv")
    result = due(project, "register-lga.csv", "--out", "register-lga.csv", cwd=tmp_path)
    assert result.code == 2 and "register-lga.csv: --out is one of the sources" in result.stderr
    assert (tmp_path / "register-lga.csv").read_bytes() == (FIXTURES / "register-lga.csv").read_bytes()


# Values --------------------------------------------------------------------------------------------


def test_dates_as_councils_write_them() -> None:
    assert parse_date("31/03/2027").isoformat() == "2027-03-31"
    assert parse_date("1/4/2027").isoformat() == "2027-04-01"
    assert parse_date("31-03-27").isoformat() == "2027-03-31"
    assert parse_date("31 March 2027").isoformat() == "2027-03-31"
    assert parse_date("2027-03-31T23:59:59Z").isoformat() == "2027-03-31"
    assert parse_date("2027-03-31T23:59:59+01:00").isoformat() == "2027-03-31"
    with pytest.raises(ImpossibleDate):
        parse_date("31/02/2027")
    with pytest.raises(ImpossibleDate):
        parse_date("2027-13-01")
    with pytest.raises(NotADate):
        parse_date("next spring")


def test_money_as_councils_write_it() -> None:
    assert parse_pounds("£1,200,000.00") == 1200000
    assert parse_pounds("1200000") == 1200000
    assert parse_pounds("GBP 5,000") == 5000
    assert parse_pounds("£45,000.50") == 45001
    assert parse_pounds("£45,000.49") == 45000
    for text in ("about a million", "1,2,3", "-500", "£"):
        with pytest.raises(NotMoney):
            parse_pounds(text)
    for text, code in (("€50,000", "EUR"), ("$1,000", "USD"), ("1000 EUR", "EUR")):
        with pytest.raises(ForeignCurrency) as raised:
            parse_pounds(text)
        assert raised.value.args[0] == code


def test_months_are_added_as_people_count_them() -> None:
    assert add_months(parse_date("2026-01-31"), 1).isoformat() == "2026-02-28"
    assert add_months(parse_date("2028-03-31"), -1).isoformat() == "2028-02-29"
    assert add_months(parse_date("2026-01-15"), 18).isoformat() == "2027-07-15"
    assert add_months(parse_date("2026-01-15"), -12).isoformat() == "2025-01-15"


# Files written ----------------------------------------------------------------------------------------


def test_a_file_is_never_partly_written(tmp_path: Path) -> None:
    target = tmp_path / "due.csv"
    target.write_text("the old file\n")

    def fails_half_way(stream) -> None:
        stream.write("reference,title\n")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fails_half_way)
    assert target.read_text() == "the old file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["due.csv"]


def _fill(template: str) -> str:
    """What an officer does: answer each empty column, by its name."""
    rows = list(csv.DictReader(io.StringIO(template)))
    answers = {
        "authority_name": "Eastborough Borough Council",
        "authority.name": "Eastborough Borough Council",
        "provider_type": "private",
        "provider.type": "private",
        "relevant_contract": "true",
        "good_reason.ground": "",
        "good_reason.evidence": "",
        "good_reason.support_considered": "",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        for column, value in row.items():
            if value == "":
                row[column] = answers.get(column, "false" if column.startswith("criteria.") else "")
        writer.writerow(row)
    return out.getvalue()


def test_out_template_is_accepted_by_assess_register_once_filled_in(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "due.csv"
    result = due(project, "notices.json", "register-parser.csv", "--authority-type", "local_authority", "--out", str(out))
    assert result.code == 0, result.stderr
    template = out.read_text()
    rows = list(csv.DictReader(io.StringIO(template)))
    assert [r["reference"] for r in rows] == ["ocds-h6vhtk-0000b2/1", "EBC/2023/014", "ocds-h6vhtk-0000a1/1"]
    first = rows[0]
    filled = {column: value for column, value in first.items() if value}
    assert set(filled) == {
        "reference",
        "title",
        "authority_name",
        "authority_type",
        "provider_name",
        "value_gbp",
        "event",
        "event_date",
    } or set(filled) == {"reference", "title", "authority.name", "authority.type", "provider.name", "value_gbp", "event", "event_date"}
    assert (first["event"], first["event_date"], first["value_gbp"]) == ("termination", "2025-12-31", "90000")
    unfilled = run_cli("assess", "--register", str(out), project=project)
    assert unfilled.code == 2  # the questions a person must answer are still empty
    answered = tmp_path / "answered.csv"
    answered.write_text(_fill(template))
    assessed = run_cli("assess", "--register", str(answered), "--json", project=project)
    assert assessed.code == 0, assessed.stderr
    summary = json.loads(assessed.stdout)
    assert (summary["rows"], summary["invalid"]) == (3, 0)


# The report page ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(project: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    result = due(project, *OCDS, *REGISTERS, "--authority-type", "local_authority", "--report", str(folder / "due.html"))
    assert result.code == 0, result.stderr
    return folder


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "mobile"])
def test_report_passes_the_sites_accessibility_checks(report: Path, width: int) -> None:
    from tests.browser import browser, local_only_page, serve
    from tests.test_accessibility import STRUCTURE, describe, run_axe

    with browser() as chromium, serve(report) as base:
        with local_only_page(chromium, viewport={"width": width, "height": 900}, bypass_csp=True) as (page, outside):
            page.goto(base + "due.html")
            problems = describe(run_axe(page)) + page.evaluate(STRUCTURE)
            assert outside == []
    assert not problems, "\n".join(problems)


def test_report_has_the_table_and_a_chart_with_a_text_alternative(report: Path) -> None:
    from tests.browser import browser, local_only_page, serve

    listed = len(EXPECTED_OCDS) + len(EXPECTED_REGISTERS)
    with browser() as chromium, serve(report) as base, local_only_page(chromium) as (page, outside):
        # The page's own Content-Security-Policy is in force: its inlined styles still apply.
        page.goto(base + "due.html")
        assert page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontSize") == "48px"
        chart = page.get_by_role("img", name="Assessments that should start each month")
        assert chart.count() == 1
        description = page.evaluate("() => document.getElementById('chart-desc').textContent")
        assert description.startswith(f"{listed} assessments fall due between July 2023 and January 2026")
        figures = page.get_by_role("table", name="The chart's figures")
        months = figures.locator("tbody tr")
        assert sum(int(months.nth(i).locator("td").inner_text()) for i in range(months.count())) == listed
        assert page.locator("svg rect").count() == 31  # every month from July 2023 to January 2026, empty ones too
        contracts = page.get_by_role("table", name="Contracts ending between 15 January 2025 and 15 July 2027")
        assert contracts.locator("tbody tr").count() == listed
        assert "Caring Hands Ltd" in contracts.inner_text() and "£1,200,000" in contracts.inner_text()
        assert outside == []


def test_json_is_written_one_contract_at_a_time_as_json_dumps_would_write_it(project: Path) -> None:
    from guidance_builder.due.listing import Due, Found, Problems, Window
    from guidance_builder.due.outputs import as_json, write_json

    window = Window(parse_date(ON), 12, 18, 18)
    found = Found("R-1", 'Café "quotes"\nnew line', "A", None, "P", None, "expiry", parse_date("2026-02-01"), "r.csv:2")
    problems = Problems()
    problems.add("r.csv", 3, "End date", "'x' is not a date", "write it as DD/MM/YYYY")
    for listed, found_problems in (([], []), ([Due(found, parse_date("2024-08-01"), None)] * 2, problems.items)):
        stream = io.StringIO()
        write_json(stream, listed, window, found_problems)
        assert stream.getvalue() == json.dumps(as_json(listed, window, found_problems), indent=2, ensure_ascii=False) + "\n"


def test_merging_uses_the_stored_schema_and_never_the_network(monkeypatch) -> None:
    import socket

    from guidance_builder.due import merge as merging

    def refuse(*args, **kwargs):
        raise AssertionError("a network request was made")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    merging.merger.cache_clear()
    releases = {r["id"]: r for r in json.loads((FIXTURES / "notices.json").read_text())["releases"]}
    placed = [merging.Placed(releases[key], "notices.json", n) for n, key in enumerate(("001001-2025", "004004-2026"), start=1)]
    process = merging.merge("ocds-h6vhtk-0000a1", placed)
    (contract,) = process.compiled["contracts"]
    assert contract["period"]["endDate"] == "2027-03-31T23:59:59Z"  # the UK10's date, merged into the UK7's contract
    assert contract["value"]["amountGross"] == 250000  # kept from the UK7, which the UK10 does not repeat
    assert merging.SCHEMA.is_file() and json.loads(merging.SCHEMA.read_text())["id"].endswith("/1__1__5/release-schema.json")


def test_the_list_kept_on_disk_is_in_the_same_order_as_one_sorted_in_memory() -> None:
    from guidance_builder.due.listing import Found, Sorted, Window, select

    shuffler = random.Random(7)
    window = Window(parse_date(ON), 12, 18, 18)
    found = [
        Found(
            f"R-{n % 7}",
            f"Title {n}",
            "A",
            shuffler.choice([None, "local_authority"]),
            "P",
            shuffler.choice([None, n * 1000]),
            "expiry",
            add_months(parse_date("2024-06-01"), shuffler.randrange(0, 48)),
            f"r{n % 3}.csv:{n}",
        )
        for n in range(300)
    ]
    shuffler.shuffle(found)
    in_memory = select(found, window, lambda kind, day: 100_000)
    with Sorted() as on_disk:
        select(found, window, lambda kind, day: 100_000, on_disk)
        assert len(on_disk) == len(in_memory) > 0
        assert list(on_disk) == in_memory
        assert list(on_disk) == in_memory  # read again, the same
    assert [d.found.event_date for d in in_memory] == sorted(d.found.event_date for d in in_memory)


def test_any_damage_to_sources_yaml_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    """Mutated sources.yaml (the property tests' own mutations): a policy, or problems each with file and line, never a crash."""
    from hypothesis import given

    from guidance_builder.diagnostics import ContentError
    from guidance_builder.due.policy import SOURCES_FILE, load_policy
    from tests.test_property import DIAGNOSTIC, budget, mutated

    content = tmp_path / "content"
    (content / "due").mkdir(parents=True)
    original = (ROOT / "content" / SOURCES_FILE).read_bytes()
    types, triggers = ["central_government", "local_authority", "other_public_authority"], ["expiry", "termination"]
    outcomes = {"loaded": 0, "refused": 0}

    @budget(100)
    @given(data=mutated(original))
    def check(data: bytes) -> None:
        (content / SOURCES_FILE).write_bytes(data)
        try:
            load_policy(content, "content/due/sources.yaml", types, triggers)
            outcomes["loaded"] += 1
        except ContentError as error:
            outcomes["refused"] += 1
            assert error.diagnostics
            for diagnostic in error.diagnostics:
                text = str(diagnostic)
                assert DIAGNOSTIC.match(text) and text.startswith("content/due/sources.yaml:") and "\n" not in text, text

    check()
    assert outcomes["refused"] > 0
