"""`assess` starts quickly because it loads only what the rules need, and it still refuses
content exactly as `check` does. (Its start-up time is measured by benchmarks/startup.py.)"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import langcodes
import pytest
from conftest import run_cli
from scenarios.table import scenarios, to_row, to_yaml

from guidance_builder.contract.files import CONTRACT_FILE_NAMES
from guidance_builder.contract.model import CONTRACT_FILES
from guidance_builder.diagnostics import Diagnostics
from guidance_builder.editions.store import MANIFEST, folder_hash
from guidance_builder.pipeline import load_edition
from guidance_builder.project import Project
from guidance_builder.validate_meta import STANDARD_TAGS

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = scenarios()[0]["contract"]

NOT_FOR_ASSESS = ("jinja2", "lxml", "langcodes", "weasyprint", "guidance_builder.render", "guidance_builder.contract.model")
"""Modules of other commands (rendering, PDFs, the model contract) and a language check the
bundled content's tag does not need: `assess` should not spend its start-up importing them."""

LIST_MODULES = """
import json, sys
from guidance_builder.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def write_register(path: Path) -> Path:
    row = to_row(CONTRACT, sorted(CONTRACT["criteria"]))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(row), lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    return path


@pytest.mark.parametrize("how", ["contract", "register"])
def test_assess_imports_nothing_it_does_not_use(tmp_path: Path, how: str):
    (tmp_path / "contract.yaml").write_text(to_yaml(CONTRACT), encoding="utf-8")
    write_register(tmp_path / "one.csv")
    given = ["contract.yaml"] if how == "contract" else ["--register", "one.csv", "--out", "results.csv"]
    done = subprocess.run(
        [sys.executable, "-c", LIST_MODULES, "--project", str(ROOT), "assess", *given], capture_output=True, text=True, cwd=tmp_path
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    loaded = {name for name in report["modules"] if any(name == m or name.startswith(m + ".") for m in NOT_FOR_ASSESS)}
    assert loaded == set()


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_assess_refuses_broken_content_with_the_same_errors_as_check(project: Path, tmp_path: Path):
    support = project / "content" / "sections" / "support.md"
    support.write_text(support.read_text(encoding="utf-8") + "\nSee {ref:exemption.no_such_exemption}.\n", encoding="utf-8")
    (tmp_path / "contract.yaml").write_text(to_yaml(CONTRACT), encoding="utf-8")
    checked = run_cli("check", project=project)
    assessed = run_cli("assess", str(tmp_path / "contract.yaml"), project=project)
    assert checked.code == assessed.code == 2
    assert "no_such_exemption" in checked.stderr
    assert error_lines(assessed.stderr) == error_lines(checked.stderr)


def test_assess_still_reports_an_earlier_edition_that_no_longer_loads(project: Path, tmp_path: Path):
    """assess skips working out what each edition changed, but not loading the earlier
    editions: one this version of the tool cannot read is still an error it reports."""
    shutil.copytree(ROOT / "editions", project / "editions")
    edition = project / "editions" / "0.1.0"
    triggers = edition / "content" / "triggers.yaml"
    triggers.write_text(triggers.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    manifest = json.loads((edition / MANIFEST).read_text(encoding="utf-8"))
    manifest["content_sha256"] = folder_hash(edition / "content")  # as if it had been published so
    (edition / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (tmp_path / "contract.yaml").write_text(to_yaml(CONTRACT), encoding="utf-8")
    checked = run_cli("check", project=project)
    assessed = run_cli("assess", str(tmp_path / "contract.yaml"), project=project)
    assert checked.code == assessed.code == 2
    assert "editions/0.1.0/content/triggers.yaml" in checked.stderr and "colour" in checked.stderr
    assert error_lines(assessed.stderr) == error_lines(checked.stderr)


def test_an_edition_loaded_without_its_history_has_the_same_rules_and_paragraphs():
    project = Project.at(ROOT)
    full, rules_only = load_edition(project, Diagnostics()), load_edition(project, Diagnostics(), history=False)
    assert full.history and rules_only.history == []
    assert rules_only.book == full.book
    assert rules_only.document.anchors == full.document.anchors
    assert rules_only.frozen == full.frozen and rules_only.published == full.published


@pytest.mark.parametrize("tag", sorted(STANDARD_TAGS))
def test_a_tag_known_standard_is_one_langcodes_accepts_as_written(tag: str):
    assert langcodes.tag_is_valid(tag) and langcodes.standardize_tag(tag) == tag


def test_the_contract_file_names_are_those_of_its_schemas():
    assert CONTRACT_FILE_NAMES == tuple(CONTRACT_FILES)


def test_a_broken_template_is_still_one_line_when_jinja_is_loaded_late(project: Path):
    template = project / "templates" / "guidance.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    result = run_cli("check", project=project)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert len(error_lines(result.stderr)) == 1
