"""What a reader of the working edition sees: one lead time in both documents, a table of
changes in readable words, definitions that read on from "means", single-bracket markers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_cli
from tests.test_checks import edit


def build_pages(project: Path) -> dict[str, str]:
    result = run_cli("build", "--no-pdf", project=project)
    assert result.code == 0, result.stderr
    version = re.search(r"^version: (\S+)", (project / "content" / "guidance.yaml").read_text(), re.M).group(1)
    folder = project / "build" / "site" / version
    return {name: (folder / f"{name}.html").read_text() for name in ("guidance", "model-contract")}


def test_the_lead_time_comes_from_one_value_in_guidance_and_contract(project: Path) -> None:
    edit(project / "content" / "guidance.yaml", "assessment_lead_time_months: 18", "assessment_lead_time_months: 21")
    pages = {name: re.sub(r"<[^>]+>", "", html) for name, html in build_pages(project).items()}
    assert "start the assessment 21 months before the contract is due to expire" in pages["guidance"]
    assert "will it expire within 21 months?" in pages["guidance"]
    assert re.search(r"asks for 21 months\. Enter that number", pages["model-contract"])
    assert "18 months" not in pages["guidance"] + pages["model-contract"]


def test_table_of_changes_names_items_as_readers_know_them(project: Path) -> None:
    shutil.copytree(ROOT / "editions", project / "editions")
    page = build_pages(project)["guidance"]
    table = page[page.index('id="changes-table"') :]
    table = table[: table.index("</table>")]
    assert "Changed criterion: <a" in table and "Significant contact with at-risk people</a>" in table
    assert "Added contract clause: Confidentiality" in table
    assert "explanation, examples changed" in table
    for internal in ("at risk contact", "(annex-thresholds)", "changed: definition", "inter authority"):
        assert internal not in table, internal
    assert "(annex B)" in table


def test_definitions_read_on_from_means_and_markers_have_one_pair_of_brackets(project: Path) -> None:
    page = build_pages(project)["guidance"]
    definitions = re.findall(r"</dfn> means (.)", page)
    assert definitions and all(first.islower() for first in definitions), definitions
    assert '(<a href="#assumption' not in page and "([" not in page
