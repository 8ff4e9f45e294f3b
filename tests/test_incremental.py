"""Incremental and parallel builds give exactly the bytes of a clean serial build, and the
build does no needless work (WeasyPrint stays out of processes that make no PDF)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, copy_project, run_cli


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(project: Path, *args: str) -> str:
    result = run_cli("build", *args, project=project)
    assert result.code == 0, result.stderr
    return result.stdout


def test_parallel_and_incremental_builds_equal_a_clean_serial_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build(project, "--jobs", "1", "--force")
    serial = hashes(project / "build" / "site")
    assert any(name.endswith(".pdf") for name in serial)

    shutil.rmtree(project / "build")
    build(project, "--jobs", "2", "--force")
    assert hashes(project / "build" / "site") == serial, "a parallel build differs from the serial one"

    section = project / "content" / "sections" / "support.md"
    original = section.read_text()
    section.write_text(original.rstrip("\n") + "\n\nA paragraph added for a moment.\n")
    build(project)
    edited = hashes(project / "build" / "site")
    assert edited["0.3.0/guidance.html"] != serial["0.3.0/guidance.html"]
    assert edited["0.3.0/model-contract.pdf"] == serial["0.3.0/model-contract.pdf"]

    section.write_text(original)
    assert "freshly rendered" in build(project)
    assert hashes(project / "build" / "site") == serial, "an incremental build differs from the clean one"


def test_an_unchanged_project_is_not_rebuilt(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build(project, "--no-pdf")
    before = hashes(project / "build" / "site")
    assert "up to date" in build(project, "--no-pdf")
    assert hashes(project / "build" / "site") == before
    (project / "templates" / "assets" / "guidance.css").write_text(
        (project / "templates" / "assets" / "guidance.css").read_text() + "\n/* changed */\n"
    )
    assert "freshly rendered" in build(project, "--no-pdf")


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(tmp_path: Path) -> None:
    """As `cp -p`, `rsync -a` or an archive leave it: new bytes, same size, the old mtime."""
    project = copy_project(tmp_path / "project")
    build(project, "--no-pdf")
    time.sleep(1.2)  # past the second in which a changed file is always hashed afresh
    assert "up to date" in build(project, "--no-pdf")
    path = project / "content" / "guidance.yaml"
    before = path.stat()
    text = path.read_text()
    assert "version: 0.3.0" in text
    path.write_text(text.replace("version: 0.3.0", "version: 0.3.1"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert "version 0.3.1 is freshly rendered" in build(project, "--no-pdf")


def test_a_damaged_hash_cache_costs_only_a_fresh_fingerprint(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build(project, "--no-pdf")
    cache = project / "build" / ".cache" / "file-hashes.json"
    for damaged in ("[1, 2]", "not json", '{"x": 5}', "{" + f'"{project / "content" / "guidance.yaml"}": [1, 2, 3, 4, 5, 6]' + "}"):
        cache.write_text(damaged)
        assert "up to date" in build(project, "--no-pdf"), damaged


def test_weasyprint_is_imported_only_where_a_pdf_is_made(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    code = (
        "import sys\n"
        "from guidance_builder.cli import main\n"
        f"for argv in (['--project', {str(project)!r}, 'check'], ['--project', {str(project)!r}, 'build', '--no-pdf'],"
        f" ['--project', {str(project)!r}, 'build', '--jobs', '2', '--force']):\n"
        "    assert main(argv) == 0, argv\n"
        "    assert 'weasyprint' not in sys.modules, argv\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
