"""A preview build (no PDFs) runs the consistency checks in a forked process beside the HTML.

The fork must be invisible to a drafter: the same messages, the same exit codes, nothing
written on a problem, and a bug in a check still reported as a bug.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT, run_cli


def run_script(project: Path, patch: str) -> subprocess.CompletedProcess:
    """The CLI's `build --no-pdf` in a fresh interpreter, after `patch` has changed a check."""
    script = "\n".join(
        [
            "import os, sys",
            "import guidance_builder.checks.must_and_should as check",
            textwrap.dedent(patch),
            "from guidance_builder.cli import main",
            f"sys.exit(main(['--project', {str(project)!r}, 'build', '--no-pdf', '--quiet']))",
        ]
    )
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_checks_run_in_a_second_process(project: Path, tmp_path: Path) -> None:
    record = tmp_path / "pids"
    done = run_script(
        project,
        f"""
        real = check.run
        def run(edition, diagnostics):
            with open({str(record)!r}, "a") as out:
                out.write(f"{{os.getpid()}} {{os.getppid()}}\\n")
            real(edition, diagnostics)
        check.run = run
        with open({str(record)!r}, "a") as out:
            out.write(f"main {{os.getpid()}}\\n")
        """,
    )
    assert done.returncode == 0, done.stderr
    main_line, check_line = record.read_text().splitlines()
    main_pid = int(main_line.split()[1])
    check_pid, check_parent = map(int, check_line.split())
    assert check_pid != main_pid and check_parent == main_pid, record.read_text()
    assert (project / "build" / "site" / "0.3.0" / "guidance.html").is_file()


def test_a_problem_found_alongside_stops_the_build_with_its_message(project: Path) -> None:
    path = project / "content" / "sections" / "exemptions.md"
    body = path.read_text().rstrip("\n") + "\n\n"
    path.write_text(body + "A council contract worth less than £207,720 is exempt.\n")
    line = body.count("\n") + 1
    result = run_cli("build", "--no-pdf", project=project)
    assert result.code == 2, result.stderr
    assert f"content/sections/exemptions.md:{line}: the money amount '£207,720' is typed by hand" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "build" / "site").exists()


def test_a_bug_in_a_check_alongside_is_reported_as_a_bug(project: Path) -> None:
    done = run_script(
        project,
        """
        def run(edition, diagnostics):
            raise RuntimeError(f"boom in {os.getpid()}")
        check.run = run
        """,
    )
    assert done.returncode == 1, done.stderr
    assert "internal error: RuntimeError: boom in" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "build" / "site").exists()


def test_without_a_process_to_spare_the_checks_run_in_the_build(project: Path, tmp_path: Path) -> None:
    attempts = tmp_path / "forks"
    append = project / "content" / "sections" / "exemptions.md"
    append.write_text(append.read_text().rstrip("\n") + "\n\nA council contract worth less than £207,720 is exempt.\n")
    done = run_script(
        project,
        f"""
        import types
        import guidance_builder.checks.alongside as alongside
        def fork():
            open({str(attempts)!r}, "a").write("fork\\n")
            raise OSError(11, "Resource temporarily unavailable")
        alongside.os = types.SimpleNamespace(**{{**vars(os), "fork": fork}})
        """,
    )
    assert attempts.read_text() == "fork\n"
    assert done.returncode == 2, done.stderr
    assert "the money amount '£207,720' is typed by hand" in done.stderr
    assert "Traceback" not in done.stderr
