"""The hostile corpus's ordinary situations (tests/hostile/situations.yaml): things on the
machine rather than in the content (a device or a FIFO where a file is written, a read-only
project, an unusable cache, a damaged manifest, a link in content/). Each ends with the exit
code and the first line the corpus gives, and leaves what it must leave untouched.

Each situation runs the real CLI in a subprocess, in a fresh folder holding a copy of the
project; `{here}` in a path or an argument stands for that folder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, VERSION, copy_project

HOSTILE = Path(__file__).resolve().parent / "hostile"
NOBODY = 65534
SITUATIONS: list[dict] = yaml.safe_load((HOSTILE / "situations.yaml").read_text(encoding="utf-8"))["situations"]
VERSION_LINE = next(
    n
    for n, line in enumerate((ROOT / "content" / "guidance.yaml").read_text(encoding="utf-8").splitlines(), 1)
    if line.startswith("version:")
)
"""The line of guidance.yaml that holds the version (messages about the version point at it)."""


def fill(text: str, here: Path) -> str:
    return text.replace("{here}", str(here)).replace("{version}", VERSION).replace("{version_line}", str(VERSION_LINE))


def set_up(steps: list[dict], here: Path) -> None:
    """Make the situation in `here` (which holds `project/`), one step at a time."""
    for step in steps:
        (kind, spec), *_ = step.items()
        if kind == "editions":
            shutil.copytree(ROOT / "editions", here / "project" / "editions")
        elif kind == "copy":
            target = here / spec["to"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HOSTILE / spec["file"], target)
        elif kind == "write":
            target = here / spec["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(spec["text"].encode("utf-8"))
        elif kind == "append":
            with open(here / spec["path"], "a", encoding="utf-8") as stream:
                stream.write(spec["text"])
        elif kind == "device":  # the null device, under another name (as `mknod -m 666 NAME c 1 3`)
            os.mknod(here / spec, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        elif kind == "fifo":
            os.mkfifo(here / spec)
        elif kind == "folder":
            (here / spec).mkdir(parents=True)
        elif kind == "symlink":
            (here / spec["path"]).symlink_to(fill(spec["to"], here))
        elif kind == "mode":
            os.chmod(here / spec["path"], int(spec["bits"], 8))
        elif kind == "owner":  # another user's file (only root may give a file away)
            if os.geteuid() == 0:
                os.chown(here / spec, NOBODY, NOBODY)
        elif kind == "read_only":
            make_read_only(here / spec)
        elif kind == "manifest":  # change some values of a published edition's manifest.json
            path = here / "project" / "editions" / spec["edition"] / "manifest.json"
            if "replace" in spec:
                manifest = spec["replace"]
            else:
                manifest = json.loads(path.read_text(encoding="utf-8"))
                manifest.update(spec["set"])
            path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        else:
            raise AssertionError(f"unknown step {kind}")


def make_read_only(folder: Path) -> None:
    """A folder no file can be made in. Root may write anywhere, so for root the folder is
    made immutable (chattr +i: not even root may add to it); anyone else loses write permission."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)


def make_writable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
    folder.chmod(0o755)


def run(situation: dict, here: Path) -> subprocess.CompletedProcess:
    args = [fill(arg, here) for arg in situation["run"]]
    project = ["--project", fill(situation.get("project", "{here}/project"), here)]
    env = dict(os.environ)
    for name, value in (situation.get("env") or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = fill(value, here)
    stdin = situation.get("stdin")
    return subprocess.run(
        [sys.executable, "-m", "guidance_builder", *project, *args],
        cwd=here,
        env=env,
        input=(here / stdin).read_bytes() if stdin else b"",  # through a pipe, as `cat file | guidance-builder ...`
        capture_output=True,
        timeout=300,  # a FIFO opened for writing would wait for a reader for ever
    )


def check_after(checks: list[dict], here: Path) -> None:
    for check in checks:
        (kind, spec), *_ = check.items()
        if kind == "device":
            assert stat.S_ISCHR(os.lstat(here / spec).st_mode), f"{spec} is no longer a device"
        elif kind == "fifo":
            assert stat.S_ISFIFO(os.lstat(here / spec).st_mode), f"{spec} is no longer a FIFO"
        elif kind == "same":  # byte for byte what the corpus file holds
            assert (here / spec["path"]).read_bytes() == (HOSTILE / spec["file"]).read_bytes(), f"{spec['path']} was changed"
        elif kind == "mode":
            assert stat.S_IMODE(os.stat(here / spec["path"]).st_mode) == int(spec["bits"], 8), f"{spec['path']}: its permissions changed"
        elif kind == "owner":
            expected = NOBODY if os.geteuid() == 0 else os.getuid()
            assert os.stat(here / spec).st_uid == expected, f"{spec}: its owner changed"
        elif kind == "new_file_mode":  # what any program's new file gets: 0666 less the umask
            mask = os.umask(0)
            os.umask(mask)
            assert stat.S_IMODE(os.stat(here / spec).st_mode) == 0o666 & ~mask, f"{spec}: not the permissions of a new file"
        elif kind == "absent":
            assert not os.path.lexists(here / spec), f"{spec} was written"
        elif kind == "no_temporary_files":
            assert not [p.name for p in (here / spec).iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
        else:
            raise AssertionError(f"unknown check {kind}")


@pytest.fixture
def here(tmp_path: Path):
    """A fresh folder holding a copy of the project."""
    copy_project(tmp_path / "project")
    yield tmp_path
    make_writable(tmp_path / "project")  # if a situation made it read-only: so that it can be removed


@pytest.mark.parametrize("situation", SITUATIONS, ids=[s["id"] for s in SITUATIONS])
def test_situation(situation: dict, here: Path):
    set_up(situation.get("setup", []), here)
    done = run(situation, here)
    stdout, stderr = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    assert done.returncode == situation["exit"], f"{situation['id']}: exit {done.returncode}\n{stderr}"
    assert "Traceback" not in stderr + stdout and "internal error" not in stderr, f"{situation['id']}:\n{stderr}"
    shown = stderr if situation["exit"] != 0 or situation.get("shown") == "stderr" else stdout
    lines = shown.splitlines()
    expected = situation["first"]
    expected = [fill(line, here) for line in (expected if isinstance(expected, list) else [expected])]
    assert lines and lines[0] in expected, f"{situation['id']}: the first line is\n{lines[:1]}\nnot one of\n{expected}"
    check_after(situation.get("after", []), here)


def test_out_dev_stdout_on_a_terminal_gets_the_results(here: Path):
    """`--out /dev/stdout` when standard output is a terminal (a character device, the one
    special file that may be written): the results reach it, and the device stays a device."""
    import pty

    shutil.copyfile(HOSTILE / "situation-register.csv", here / "register.csv")
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "guidance_builder",
                "--project",
                str(ROOT),
                "assess",
                "--register",
                "register.csv",
                "--out",
                "/dev/stdout",
            ],
            cwd=here,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=300,
        )
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other end is closed and everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert done.returncode == 0, done.stderr.decode()
    lines = shown.decode("utf-8").splitlines()
    assert lines[0].startswith("row,reference,outcome,") and lines[1].startswith("2,SC-001,"), lines
    assert done.stderr.decode().startswith("Assessed register.csv against guidance version")


def test_contract_fill_out_dev_stdout_writes_the_pdf_there(here: Path):
    shutil.copyfile(HOSTILE / "situation-answers.yaml", here / "answers.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "guidance_builder", "--project", str(ROOT), "contract", "fill", "answers.yaml", "--out", "/dev/stdout"],
        cwd=here,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"%PDF-") and done.stdout.rstrip().endswith(b"%%EOF")
    assert "wrote /dev/stdout (1 of " in done.stderr.decode()
