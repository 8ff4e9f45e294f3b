"""Rules that a one-line change to the code could break unnoticed (issue 16, item 21): each test
makes the mistake the rule exists for and checks the exact line a drafter sees.

Checks run in this process (`main`), on a private copy of the bundled project.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from guidance_builder.cli import main
from tests.conftest import ROOT, VERSION, copy_project


def check(project: Path) -> tuple[int, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(project), "check"])
    return code, err.getvalue().splitlines()


def append(project: Path, text: str, section: str = "support") -> int:
    """Append a paragraph to a section; returns the line it starts on."""
    path = project / "content" / "sections" / f"{section}.md"
    body = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(body + text + "\n", encoding="utf-8")
    return body.count("\n") + 1


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Must and should: never 'shall' --------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["The authority shall assess the contract.", "{.duty}\nThe authority shall assess the contract.", "SHALL it?"]
)
def test_shall_is_refused_in_a_section(project: Path, text: str):
    line = append(project, text) + text.count("\n")
    code, lines = check(project)
    assert code == 2
    assert (
        f"content/sections/support.md:{line}: 'shall' is ambiguous in guidance (use 'must' for a legal duty or 'should' for guidance)"
        in lines
    )


def test_shall_is_refused_in_yaml_text(project: Path):
    replace(
        project / "content" / "good-reason.yaml", "how_to_access: Download it with this guidance.", "how_to_access: It shall be downloaded."
    )
    code, lines = check(project)
    assert code == 2
    assert any(
        line.startswith("content/good-reason.yaml:") and "'shall' in text from good-reason.yaml, which is always guidance" in line
        for line in lines
    ), lines


def test_a_word_containing_shall_is_not_refused(project: Path):
    append(project, "The authority should not be marshalled into haste.")
    assert check(project)[0] == 0


# Hand-typed percentages and versions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"), [("80%", "80%"), ("80 %", "80 %"), ("12.5 per cent", "12.5 per cent"), ("80 percent", "80 percent")]
)
def test_a_hand_typed_percentage_is_refused(project: Path, typed: str, shown: str):
    line = append(project, f"More than {typed} of its work is for the authority.")
    code, lines = check(project)
    assert code == 2
    assert (
        f"content/sections/support.md:{line}: the percentage '{shown}' is typed by hand; rule facts in the text must come from the data "
        '(if it quotes another law, put {allow="reason"} on the line above the paragraph)'
    ) in lines


@pytest.mark.parametrize("typed", [f"version {VERSION}", f"Version {VERSION}", "version 1.4"])
def test_a_hand_typed_version_is_refused(project: Path, typed: str):
    line = append(project, f"This is {typed} of the guidance.")
    code, lines = check(project)
    assert code == 2
    assert any(line_.startswith(f"content/sections/support.md:{line}: the version '{typed}' is typed by hand") for line_ in lines), lines
    if typed.endswith(VERSION):
        assert any("(it is the value of meta.version; write {value:meta.version} instead)" in line_ for line_ in lines)


# Drafting markers ----------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["TODO", "[draft note]", "[Draft note]", "[drafting note]", "TBC", "FIXME"])
def test_a_drafting_marker_is_an_error_in_a_final_edition_and_a_warning_in_a_draft(project: Path, marker: str):
    line = append(project, f"The network opens soon {marker}.")
    code, lines = check(project)
    assert code == 0
    assert (
        f"content/sections/support.md:{line}: warning: drafting marker '{marker}' left in a draft (finish the text and remove the marker)"
        in lines
    )
    replace(project / "content" / "guidance.yaml", "status: consultation", "status: final")
    code, lines = check(project)
    assert code == 2
    assert (
        f"content/sections/support.md:{line}: drafting marker '{marker}' left in an edition marked final (finish the text and remove the marker)"
        in lines
    )


def test_a_drafting_marker_in_yaml_text_is_found(project: Path):
    replace(project / "content" / "guidance.yaml", "status: consultation", "status: final")
    replace(project / "content" / "good-reason.yaml", "how_to_access: Download it with this guidance.", "how_to_access: Download it TODO.")
    code, lines = check(project)
    assert code == 2
    assert any(line.startswith("content/good-reason.yaml:") and "drafting marker 'TODO'" in line for line in lines), lines


def test_words_like_markers_are_not_markers(project: Path):
    replace(project / "content" / "guidance.yaml", "status: consultation", "status: final")
    append(project, "The authority should keep a draft of the notes and say what it has to do.")
    code, lines = check(project)
    assert not any("drafting marker" in line for line in lines), lines


# A duty that does not say 'must' --------------------------------------------------------------


def test_a_duty_paragraph_without_must_is_warned_about(project: Path):
    line = append(project, "{.duty}\nThe authority should keep records.")
    code, lines = check(project)
    assert code == 0
    assert lines[0] == (
        f"content/sections/support.md:{line + 1}: warning: this paragraph is marked as a legal duty but does not say 'must' "
        "(state the duty with 'must', or remove {.duty})"
    )


def test_a_duty_paragraph_with_must_is_not_warned_about(project: Path):
    append(project, "{.duty}\nThe authority must keep records.")
    assert check(project) == (0, [])


# Published editions ---------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "editions", project / "editions")
    assert check(project) == (0, [])
    return project


def test_a_deleted_published_document_is_refused(published: Path):
    (published / "editions" / "0.1.0" / "site" / "guidance.pdf").unlink()
    code, lines = check(published)
    assert code == 2
    assert any(line.startswith("editions/0.1.0/site/guidance.pdf: a document of published edition 0.1.0 is missing") for line in lines), (
        lines
    )


def test_a_file_added_to_a_published_edition_is_refused(published: Path):
    (published / "editions" / "0.1.0" / "site" / "extra.html").write_text("<p>added</p>", encoding="utf-8")
    code, lines = check(published)
    assert code == 2
    assert any(line.startswith("editions/0.1.0/site/extra.html: a file was added to published edition 0.1.0") for line in lines), lines


@pytest.mark.parametrize("damage", [b"{not json", b"", b"\xff\xfe"])
def test_an_unreadable_manifest_is_refused(published: Path, damage: bytes):
    (published / "editions" / "0.1.0" / "manifest.json").write_bytes(damage)
    code, lines = check(published)
    assert code == 2
    assert any(line.startswith("editions/0.1.0/manifest.json: cannot read the manifest of published edition 0.1.0") for line in lines), (
        lines
    )


@pytest.mark.parametrize("name", ["v0.3.0", "0.3", "latest", "0.3.0-draft"])
def test_a_badly_named_edition_folder_is_refused(published: Path, name: str):
    shutil.copytree(published / "editions" / "0.1.0", published / "editions" / name)
    code, lines = check(published)
    assert code == 2
    assert any(line.startswith(f"editions/{name}: '{name}' is not an edition version") for line in lines), lines
