"""The model contract: PDF form fields equal the YAML, filling round-trips, references resolve, DOCX matches."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidance_builder.contract.document import ContractDocument, load_contract
from guidance_builder.contract.model import PDF_FIELD_TYPES, Field
from guidance_builder.diagnostics import Diagnostics
from guidance_builder.project import Project
from tests.conftest import ROOT, run_cli

VERSION_DIR = re.compile(r"^\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def contract() -> ContractDocument:
    diagnostics = Diagnostics()
    document = load_contract(Project.at(ROOT), diagnostics)
    assert document is not None, [str(d) for d in diagnostics.items]
    return document


def _version_dir(site: Path) -> Path:
    return next(p for p in site.iterdir() if VERSION_DIR.match(p.name))


def _sample(item: Field, index: int):
    return {
        "text": f"Text for {item.name}",
        "multiline": f"First line of {item.name}\nSecond line",
        "signature": f"Signed {item.name}",
        "date": datetime.date(2026, 4, 1) + datetime.timedelta(days=index),
        "money": 1000 + index + 0.5,
        "number": 12 + index,
        "choice": item.choices[-1].value if item.choices else "",
        "yesno": index % 2 == 0,
    }[item.type]


def _shown(item: Field, index: int) -> str:
    """What the filled PDF must show for `_sample(item, index)`, written out here, not taken from the code under test."""
    day = datetime.date(2026, 4, 1) + datetime.timedelta(days=index)
    return {
        "text": f"Text for {item.name}",
        "multiline": f"First line of {item.name}\nSecond line",
        "signature": f"Signed {item.name}",
        "date": f"{day.day} {('April', 'May', 'June', 'July')[day.month - 4]} 2026",  # 1 April 2026
        "money": f"£1,{index:03d}.50",  # £1,000.50 for 1000.5
        "number": str(12 + index),
        "choice": item.choices[-1].value if item.choices else "",
        "yesno": "/on" if index % 2 == 0 else "/Off",
    }[item.type]


def _yaml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, datetime.date)):
        return str(value)
    if "\n" in value:
        return "|\n" + "".join(f"  {line}\n" for line in value.splitlines())
    return f'"{value}"'


def test_pdf_fields_equal_the_yaml(built_site: Path, contract: ContractDocument):
    reader = PdfReader(_version_dir(built_site) / "model-contract.pdf", strict=True)
    fields = reader.get_fields()
    expected = {p.field.name: p.field for p in contract.fields}
    assert {name: str(f.get("/FT")) for name, f in fields.items()} == {n: PDF_FIELD_TYPES[f.type] for n, f in expected.items()}
    for name, item in expected.items():
        assert fields[name].get("/TU") == item.label
        if item.type == "choice":
            assert [str(opt[0]) for opt in fields[name]["/_States_"]][1:] == [c.value for c in item.choices]
        if item.type == "multiline":
            assert int(fields[name].get("/Ff", 0)) & (1 << 12)
    # No push buttons, submit actions or radio groups: only text, checkbox and choice fields.
    for item in fields.values():
        flags = int(item.get("/Ff", 0) or 0)
        assert not flags & (1 << 16) and not flags & (1 << 15)
        assert "/A" not in item
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # a tagged PDF
    assert len(expected) >= 50


def test_filling_every_field_reads_back(built_site: Path, contract: ContractDocument, tmp_path: Path):
    items = [p.field for p in contract.fields]
    answers = {item.name: _sample(item, i) for i, item in enumerate(items)}
    path = tmp_path / "answers.yaml"
    path.write_text("".join(f"{name}: {_yaml_value(value)}\n" for name, value in answers.items()), encoding="utf-8")
    blank = _version_dir(built_site) / "model-contract.pdf"
    out = tmp_path / "filled.pdf"
    result = run_cli("contract", "fill", str(path), "--out", str(out), "--from", str(blank))
    assert result.code == 0, result.stderr
    fields = PdfReader(io.BytesIO(out.read_bytes()), strict=True).get_fields()
    assert len(items) < 100, "the expected dates and amounts below assume fewer than 100 fields"
    for index, item in enumerate(items):
        assert fields[item.name].get("/V") == _shown(item, index), item.name
    assert fields[items[0].name].get("/V") == f"Text for {items[0].name}"


def test_fill_reports_unknown_names_and_wrong_types_with_lines(tmp_path: Path):
    path = tmp_path / "answers.yaml"
    path.write_text(
        "authority_name: Barsetshire County Council\n"
        "comencement_date: 2026-10-01\n"
        "initial_term_months: thirty-six\n"
        "extension_allowed: maybe\n"
        "charging_basis: cheapest\n"
        "commencement_date: next spring\n",
        encoding="utf-8",
    )
    result = run_cli("contract", "fill", str(path), "--out", str(tmp_path / "out.pdf"))
    assert result.code == 2
    assert f"{path}:2:" in result.stderr and "unknown field 'comencement_date'" in result.stderr
    assert "did you mean 'commencement_date'" in result.stderr
    for line in (3, 4, 5, 6):
        assert f"{path}:{line}:" in result.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_every_cross_reference_resolves(contract: ContractDocument):
    from guidance_builder.contract.document import texts
    from guidance_builder.contract.text import helpers_in

    seen = 0
    for _file, _path, text in texts(contract):
        for helper in helpers_in(text):
            if helper.kind == "clause":
                assert helper.arg in contract.anchors
                seen += 1
    assert seen >= 30
    assert contract.anchors["safeguarding_report"].label == "clause 6.2"
    assert contract.anchors["exit_staff"].label.startswith("paragraph 6 of Schedule")


def _remove_clause(path: Path, clause_id: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {clause_id}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and not (lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) <= indent):
        end += 1
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def test_removing_a_referenced_clause_fails_check_with_file_and_line(project: Path):
    core = project / "content" / "contract" / "core-terms.yaml"
    _remove_clause(core, "disputes")
    result = run_cli("check", project=project)
    assert result.code == 2
    problems = [line for line in result.stderr.splitlines() if "{clause:disputes}" in line]
    assert problems, result.stderr
    text = core.read_text(encoding="utf-8").splitlines()
    for problem in problems:
        match = re.match(r"content/contract/core-terms\.yaml:(\d+):(\d+): ", problem)
        assert match, problem
        assert "{clause:disputes}" in text[int(match[1]) - 1]


def test_a_bad_field_reference_and_chooser_are_reported(project: Path):
    schedules = project / "content" / "contract" / "schedules.yaml"
    text = schedules.read_text(encoding="utf-8")
    schedules.write_text(text.replace("chosen_by: include_pensions_schedule", "chosen_by: service_hours"), encoding="utf-8")
    result = run_cli("check", project=project)
    assert result.code == 2
    assert "content/contract/schedules.yaml:" in result.stderr
    assert "the field 'service_hours' is not a yes/no field" in result.stderr


def _pdf_clause_numbers(pdf: Path) -> list[str]:
    reader = PdfReader(pdf, strict=True)
    return [line.strip() for page in reader.pages for line in (page.extract_text() or "").splitlines()]


def test_docx_has_every_clause_in_order_with_the_pdf_numbers(built_site: Path, contract: ContractDocument):
    import docx

    folder = _version_dir(built_site)
    document = docx.Document(str(folder / "model-contract.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    expected = []
    for part in contract.parts:
        expected.append(part.part.title)
        expected += [f"{c.number}\t{c.clause.title}" + ("  [Optional]" if c.clause.optional else "") for c in part.clauses]
    for s in contract.schedules:
        expected.append(f"Schedule {s.number}: {s.schedule.title}" + ("  [Optional]" if s.schedule.optional else ""))
        expected += [f"{c.number}\t{c.clause.title}" for c in s.clauses]
    found = [h for h in headings if h in expected]
    assert found == expected
    # Every sub-clause number appears, in order, as the start of a paragraph.
    numbers = [p.text.split("\t")[0] for p in document.paragraphs if "\t" in p.text and p.style.name == "Normal"]
    expected_numbers = [p.number for part in contract.parts for c in part.clauses for p in c.paragraphs]
    expected_numbers += [p.number for s in contract.schedules for c in s.clauses for p in c.paragraphs]
    assert [n for n in numbers if re.fullmatch(r"\d+\.\d+", n)] == expected_numbers
    # The PDF shows the same clause headings with the same numbers, in the same order.
    lines = _pdf_clause_numbers(folder / "model-contract.pdf")
    position = 0
    for part in contract.parts:
        for c in part.clauses:
            wanted = re.compile(rf"{re.escape(c.number)}\s*{re.escape(c.clause.title)}")
            hits = [i for i, line in enumerate(lines) if wanted.match(line)]
            assert hits and max(hits) >= position, wanted.pattern
            position = min(h for h in hits if h >= position)
    # Fields are Word content controls tagged with the YAML names.
    body = document.element.body
    tags = {t.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") for t in body.iter("{*}tag")}
    assert tags == {p.field.name for p in contract.fields}


def test_html_shows_drafting_notes_optional_marks_and_assumptions(built_site: Path, contract: ContractDocument):
    html = (_version_dir(built_site) / "model-contract.html").read_text(encoding="utf-8")
    assert html.count('class="drafting-note"') >= 10
    assert "optional-tag" in html and "Optional" in html
    assert 'class="assumption-mark"' in html and 'id="assumption-insourcing_act"' in html
    for placed in contract.fields:
        assert f'id="field-{placed.field.name}"' in html
    assert "<input" not in html  # the screen page shows blanks, not form controls
    pdf_text = " ".join(_pdf_clause_numbers(_version_dir(built_site) / "model-contract.pdf"))
    assert "Drafting note" not in pdf_text
