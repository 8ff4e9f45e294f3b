"""Editions: published editions never change, builds are repeatable, and the diff between the
bundled editions is exactly what the drafters changed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import NEXT_VERSION, ROOT, VERSION, copy_project, run_cli

BUNDLED = sorted(p.name for p in (ROOT / "editions").iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture
def project_with_editions(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "editions", project / "editions")
    return project


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_bundled_content_ships_its_editions() -> None:
    assert BUNDLED == ["0.1.0", "0.2.0", "0.3.0"]
    first = json.loads((ROOT / "editions" / "0.1.0" / "manifest.json").read_text())
    assert first["status"] == "consultation"
    thresholds = (ROOT / "editions" / "0.1.0" / "content" / "thresholds.yaml").read_text()
    assert "amount: 214904" in thresholds and "amount: 207720" not in thresholds


def test_two_builds_are_byte_identical(project_with_editions: Path) -> None:
    first = run_cli("build", "--force", project=project_with_editions)
    assert first.code == 0, first.stderr
    before = hashes(project_with_editions / "build" / "site")
    shutil.rmtree(project_with_editions / "build")
    second = run_cli("build", "--force", project=project_with_editions)
    assert second.code == 0, second.stderr
    after = hashes(project_with_editions / "build" / "site")
    assert before == after
    assert {"index.html", "versions.json", "feed.xml", "sitemap.xml", "SHA256SUMS", "404.html", "latest/guidance.pdf"} <= set(after)
    sums = (project_with_editions / "build" / "site" / "SHA256SUMS").read_text().splitlines()
    assert {line.split("  ", 1)[1] for line in sums} == set(after) - {"SHA256SUMS"}


def test_a_changed_published_edition_is_refused(project_with_editions: Path) -> None:
    snapshot = project_with_editions / "editions" / "0.1.0" / "content" / "thresholds.yaml"
    snapshot.write_text(snapshot.read_text().replace("214904", "214905"))
    result = run_cli("build", project=project_with_editions)
    assert result.code == 2
    assert "editions/0.1.0/content: the content of published edition 0.1.0 has changed since it was published" in result.stderr
    assert not (project_with_editions / "build" / "site").exists()


def test_a_changed_published_document_is_refused(project_with_editions: Path) -> None:
    document = project_with_editions / "editions" / "0.1.0" / "site" / "guidance.pdf"
    document.write_bytes(document.read_bytes() + b"\n% edited")
    result = run_cli("check", project=project_with_editions)
    assert result.code == 2
    assert "editions/0.1.0/site/guidance.pdf: a document of published edition 0.1.0 has changed since it was published" in result.stderr


def test_editing_the_content_of_a_published_version_is_refused(project_with_editions: Path) -> None:
    criteria = project_with_editions / "content" / "criteria.yaml"
    criteria.write_text(criteria.read_text().replace("Exercise of coercive powers", "Use of coercive powers"))
    result = run_cli("build", project=project_with_editions)
    assert result.code == 2
    assert "content/guidance.yaml:" in result.stderr
    assert f"version {VERSION} is already published, and the content has changed since" in result.stderr
    guidance = project_with_editions / "content" / "guidance.yaml"
    guidance.write_text(guidance.read_text().replace(f"version: {VERSION}", f"version: {NEXT_VERSION}"))
    result = run_cli("build", "--no-pdf", project=project_with_editions)
    assert result.code == 0, result.stderr
    site = project_with_editions / "build" / "site"
    assert "Use of coercive powers" in (site / NEXT_VERSION / "guidance.html").read_text()
    assert "Exercise of coercive powers" in (site / VERSION / "guidance.html").read_text()
    assert "superseded" in (site / VERSION / "guidance.html").read_text()


def test_diff_between_the_bundled_editions_lists_thresholds_and_the_refined_definition() -> None:
    result = run_cli("diff", "0.1.0", "0.2.0", "--json")
    assert result.code == 0, result.stderr
    changes = json.loads(result.stdout)["changes"]
    kinds = {(c["kind"], c["item"], c["action"]) for c in changes}
    assert kinds == {
        ("threshold", "central_government", "added"),
        ("threshold", "local_authority", "added"),
        ("threshold", "other_public_authority", "added"),
        ("definition", "relevant_contract", "changed"),
    }
    text = run_cli("diff", "0.1.0", "0.2.0")
    assert "£207,720 from 1 January 2026" in text.stdout
    assert "changed: definition" in text.stdout


def test_diff_names_an_unknown_edition() -> None:
    result = run_cli("diff", "0.1.0", "9.9.9")
    assert result.code == 2
    assert "no published edition '9.9.9'" in result.stderr


def test_the_newer_edition_lists_its_changes_beside_the_summary(project_with_editions: Path) -> None:
    """A new edition made here, from a changed threshold and a renamed criterion: its row in the
    table of changes lists exactly those changes, each linked to where it now stands."""
    content = project_with_editions / "content"
    guidance = content / "guidance.yaml"
    guidance.write_text(
        re.sub(r"publication_date: \S+", "publication_date: 2027-02-02", guidance.read_text())
        .replace(f"version: {VERSION}", f"version: {NEXT_VERSION}")
        .replace("change_type: major", "change_type: minor")
    )
    thresholds = content / "thresholds.yaml"
    old = "      - amount: 207720\n        from: 2026-01-01"
    thresholds.write_text(thresholds.read_text().replace(old, old.replace("207720", "209999"), 1))
    criteria = content / "criteria.yaml"
    criteria.write_text(criteria.read_text().replace("name: Exercise of coercive powers", "name: Use of coercive powers"))
    result = run_cli("build", "--no-pdf", project=project_with_editions)
    assert result.code == 0, result.stderr
    page = lxml.html.fromstring((project_with_editions / "build" / "site" / NEXT_VERSION / "guidance.html").read_bytes())
    rows = page.get_element_by_id("changes-table").findall(".//tbody/tr")
    published = sorted(
        (p.name for p in (ROOT / "editions").iterdir() if p.is_dir()), key=lambda v: tuple(map(int, v.split("."))), reverse=True
    )
    assert [row[0].text_content().strip() for row in rows] == [NEXT_VERSION, *published]
    assert [cell.text_content().strip() for cell in rows[0][1:3]] == ["2 February 2027", "Minor"]
    changes = [(" ".join(li.text_content().split()), li.find("a").get("href")) for li in rows[0].findall(".//li")]
    assert changes == [
        ("Changed criterion: Use of coercive powers (paragraph 4.4): name changed", "#criterion-coercive-powers"),
        ("Changed threshold: Local authorities: £207,720 to £209,999 from 1 January 2026 (annex B)", "#thresholds-table"),
    ]
    older = next(row for row in rows if row[0].text_content().strip() == "0.2.0")
    assert "Added threshold" in older.text_content() and "Changed definition" in older.text_content()


def test_publish_freezes_a_new_edition_once(project_with_editions: Path) -> None:
    guidance = project_with_editions / "content" / "guidance.yaml"
    guidance.write_text(
        guidance.read_text().replace(f"version: {VERSION}", f"version: {NEXT_VERSION}").replace("change_type: major", "change_type: minor")
    )
    result = run_cli("publish", project=project_with_editions)
    assert result.code == 0, result.stderr
    manifest = json.loads((project_with_editions / "editions" / NEXT_VERSION / "manifest.json").read_text())
    assert manifest["version"] == NEXT_VERSION
    for name, entry in manifest["files"].items():
        data = (project_with_editions / "editions" / NEXT_VERSION / "site" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    again = run_cli("publish", project=project_with_editions)
    assert again.code == 2
    assert f"version {NEXT_VERSION} is already published" in again.stderr
    built = run_cli("build", project=project_with_editions)
    assert built.code == 0, built.stderr
    versions = json.loads((project_with_editions / "build" / "site" / "versions.json").read_text())
    published = sorted(
        (p.name for p in (ROOT / "editions").iterdir() if p.is_dir()), key=lambda v: tuple(map(int, v.split("."))), reverse=True
    )
    assert [v["version"] for v in versions] == [NEXT_VERSION, *published]
    assert versions[0]["aliases"] == ["latest"]
