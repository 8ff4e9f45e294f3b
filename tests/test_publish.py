"""`publish`: an edition freezes exactly the files it reads, and two publishes at once give
one edition and one clear refusal.

The race is made certain, not hoped for: the first publish stops inside the lock (just
before it writes the edition) until the test lets it go, and the test lets it go only once
the second has either finished or is seen waiting for the lock in /proc/locks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import NEXT_VERSION, ROOT, VERSION, copy_project, run_cli
from waiting import give_up_after

READ_FILES = sorted(
    p.relative_to(ROOT / "editions" / VERSION / "content").as_posix()
    for p in (ROOT / "editions" / VERSION / "content").rglob("*")
    if p.is_file()
)
"""What the bundled edition reads: every file of its frozen content."""


def next_edition(root: Path) -> Path:
    project = copy_project(root / "project")
    shutil.copytree(ROOT / "editions", project / "editions")
    guidance = project / "content" / "guidance.yaml"
    guidance.write_text(
        guidance.read_text(encoding="utf-8")
        .replace(f"version: {VERSION}", f"version: {NEXT_VERSION}")
        .replace("change_type: major", "change_type: minor"),
        encoding="utf-8",
    )
    return project


def test_publish_freezes_only_the_files_the_edition_reads(tmp_path: Path):
    project = next_edition(tmp_path)
    (project / "content" / ".DS_Store").write_bytes(b"Bud1\0\0")
    (project / "content" / "sections" / ".support.md.swp").write_bytes(b"b0VIM 9.0")
    (project / "content" / "sections" / "notes.md").write_text("Drafting notes, named by no section.\n", encoding="utf-8")
    result = run_cli("publish", project=project)
    assert result.code == 0, result.stderr
    frozen = project / "editions" / NEXT_VERSION / "content"
    assert sorted(p.relative_to(frozen).as_posix() for p in frozen.rglob("*") if p.is_file()) == READ_FILES
    # The working content is that edition, whatever else lies beside it in content/.
    checked = run_cli("check", project=project)
    assert checked.code == 0, checked.stderr


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether process `pid` is blocked waiting for a file lock (a `->` line of /proc/locks)."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and fields[fields.index("->") + 4] == str(pid):
            return True
    return False


HELD_INSIDE_THE_LOCK = """
import sys
from pathlib import Path
from guidance_builder.editions import store

real_freeze = store.freeze

def freeze(*args, **kwargs):
    Path(sys.argv[1]).write_text("ready")
    with open(sys.argv[2]) as gate:  # a FIFO: blocks until the test opens it to write
        gate.read()
    return real_freeze(*args, **kwargs)

store.freeze = freeze
from guidance_builder.cli import main
sys.exit(main(sys.argv[3:]))
"""


def test_two_publishes_at_once_give_one_edition_and_one_clear_refusal(tmp_path: Path):
    project = next_edition(tmp_path)
    ready, gate = tmp_path / "ready", tmp_path / "gate"
    os.mkfifo(gate)
    command = ["--project", str(project), "publish"]
    first = subprocess.Popen(
        [sys.executable, "-c", HELD_INSIDE_THE_LOCK, str(ready), str(gate), *command],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    second = None
    try:
        expired = give_up_after(300)
        while not ready.exists():
            assert first.poll() is None, first.communicate()[1]
            assert not expired(), "the first publish never reached the point of writing its edition"
            time.sleep(0.05)
        second = subprocess.Popen(
            [sys.executable, "-m", "guidance_builder", *command], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        expired = give_up_after(300)
        while second.poll() is None and not _waiting_for_a_lock(second.pid):
            assert not expired(), "the second publish neither finished nor waited"
            time.sleep(0.05)
        with open(gate, "w") as release:
            release.write("go")
        first_out, first_err = first.communicate(timeout=300)
        second_out, second_err = second.communicate(timeout=300)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
    assert first.returncode == 0, first_err
    assert f"published version {NEXT_VERSION}" in first_out
    assert second.returncode == 2, second_err
    assert second_err.splitlines()[0].endswith(f"version {NEXT_VERSION} is already published (set a new version in guidance.yaml first)"), (
        second_err
    )
    assert "internal error" not in second_err and "Traceback" not in second_err
    manifest = json.loads((project / "editions" / NEXT_VERSION / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == NEXT_VERSION
    assert [p.name for p in (project / "editions").iterdir() if p.name.startswith(".") and p.name != ".publish.lock"] == []
    checked = run_cli("check", project=project)  # the edition on disk is whole and verifies
    assert checked.code == 0, checked.stderr
