"""The command line: help, argument errors, and a project folder that is not a project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from guidance_builder import __version__
from guidance_builder.cli import COMMANDS


def test_help_works():
    result = run_cli("--help")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("usage: guidance-builder")
    for command in COMMANDS:
        assert command in result.stdout
    assert "--project" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", list(COMMANDS))
def test_subcommand_help_works(command: str):
    result = run_cli(command, "--help")
    assert result.code == 0, result.stderr
    assert f"usage: guidance-builder {command}" in result.stdout


def test_version():
    result = run_cli("--version")
    assert result.code == 0
    assert result.stdout.strip() == f"guidance-builder {__version__}"


def test_unknown_command_exits_2():
    result = run_cli("frobnicate")
    assert result.code == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_command_exits_2():
    result = run_cli()
    assert result.code == 2
    assert "required" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_exits_2():
    result = run_cli("check", "--frobnicate")
    assert result.code == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr


@pytest.mark.parametrize("command", ["check", "build"])
def test_empty_project_folder_is_one_line_and_exit_2(tmp_path: Path, command: str):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(command, project=empty)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    problem, summary = result.stderr.splitlines()
    assert problem == "content: content folder not found (run the command from the project folder, or pass --project)"
    assert summary == "1 problem found; nothing was written."
    assert list(empty.iterdir()) == [], f"{command} wrote into the empty folder"


def test_missing_project_folder_exits_2(tmp_path: Path):
    result = run_cli("check", project=tmp_path / "absent")
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'absent'}: the project folder does not exist (pass --project with the folder that holds content/)"
    ]
    assert not (tmp_path / "absent").exists()


def test_a_relative_missing_project_folder_names_the_path_it_tried(tmp_path: Path):
    result = run_cli("--project", "absent", "check", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"absent: the project folder does not exist: {tmp_path / 'absent'} (pass --project with the folder that holds content/)"
    ]
    (tmp_path / "a-file").write_text("not a folder\n")
    result = run_cli("--project", "a-file", "check", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.splitlines()[0].startswith("a-file: the project folder is a file, not a folder: ")


def test_project_option_defaults_to_the_current_folder(tmp_path: Path):
    result = run_cli("check", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.splitlines()[0].startswith("content: content folder not found")


@pytest.mark.parametrize("args", [("contract", "fields"), ("build", "--no-pdf", "--force")])
def test_a_reader_that_stops_reading_is_not_an_error(project: Path, args: tuple[str, ...]):
    """`guidance-builder ... | head`: no internal error, no traceback; the shell's SIGPIPE status."""
    command = [sys.executable, "-m", "guidance_builder", "--project", str(project), *args]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # nobody will read what the command prints
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 141, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
