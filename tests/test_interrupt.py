"""Work is never lost: a build killed midway by another process leaves the previous site
byte for byte, and the next build succeeds; `assess --out` killed midway leaves the
previous results file as it was.

The builds run as real subprocesses, each in its own session so that the test can find
(and, at the end, remove) every process it started, PDF workers included.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, VERSION, copy_project, interruptible, run_cli
from waiting import give_up_after

from guidance_builder.publish import recover

TITLE = "title: Bringing services back in house where people are at risk\n"


def site_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(build: Path) -> list[str]:
    return sorted(p.name for p in build.iterdir() if p.name.startswith((".site-new-", ".site-old-")))


def retitle(project: Path, suffix: str) -> None:
    """Change the title, which every page and every PDF prints, so a build really renders."""
    path = project / "content" / "guidance.yaml"
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if line.startswith("title: ")]
    assert len(lines) == 1, "guidance.yaml has no single title line: the bundled content changed"
    path.write_text(text.replace(lines[0], TITLE.replace("at risk", f"at risk {suffix}")), encoding="utf-8")


def session_processes(session: int) -> list[int]:
    """The processes still alive (not zombies) in a session this test started."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # fields: state, ppid, pgrp, session
            alive.append(int(entry.name))
    return alive


def start(*args: str, project: Path, cwd: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "guidance_builder", "--project", str(project), *args]
    return subprocess.Popen(
        command,
        cwd=cwd or ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,
    )


def stop(process: subprocess.Popen, sig: signal.Signals | None) -> tuple[int, str]:
    """Send `sig` to the process alone (as `kill PID` would; None if it signals itself), wait for
    it, and check that no process of its session outlives it for long (a PDF worker must not
    run on, orphaned)."""
    if sig is not None:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=300)
    expired = give_up_after(10)
    while session_processes(process.pid) and not expired():
        time.sleep(0.1)
    orphans = session_processes(process.pid)
    if orphans:
        os.killpg(process.pid, signal.SIGKILL)  # tidy up what this test started, then fail
    assert not orphans, f"processes {orphans} outlived the build killed with {sig.name if sig else 'its own signal'}"
    return process.returncode, stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("interrupt") / "project")
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    return project


EXPECTED_EXIT = {signal.SIGKILL: {-signal.SIGKILL}, signal.SIGTERM: {143, -signal.SIGTERM}, signal.SIGINT: {130}}
"""SIGKILL cannot be caught; SIGTERM and SIGINT end the build cleanly (the CLI treats both as
an interrupt; -15 only if SIGTERM lands before the CLI has started)."""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_build_killed_midway_leaves_the_previous_site(built: Path, sig: signal.Signals):
    site = built / "build" / "site"
    before = site_hashes(site)
    retitle(built, f"(interrupted by {sig.name})")
    # Midway, for certain: the build signals itself (as `kill PID` would) the moment the first
    # document goes to a PDF worker, with the content checked and nothing yet written.
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SIGNAL_ON_FIRST_RENDER.replace("os.killpg(os.getpgrp(), ", "os.kill(os.getpid(), ").replace("{sig}", sig.name),
        ]
        + ["--project", str(built), "build"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,
    )
    code, stderr = stop(process, None)
    assert code in EXPECTED_EXIT[sig], f"exit {code}\n{stderr}"
    assert "Traceback" not in stderr
    if sig != signal.SIGKILL:
        assert "interrupted; the previous output is unchanged." in stderr
    assert site_hashes(site) == before, "the previous site changed"
    # The next build is not troubled by anything the killed one left behind.
    retitle(built, "")
    result = run_cli("build", "--quiet", project=built)
    assert result.code == 0, result.stderr
    assert leftovers(built / "build") == []
    assert "at risk (interrupted" not in (site / VERSION / "guidance.html").read_text(encoding="utf-8")


# The instant of the swap, made deterministic: the build kills itself at the worst moments ----

KILL_DURING = {
    "staging-written": "guidance_builder.publish._swap = lambda staging, target: os.kill(os.getpid(), signal.SIGKILL)",
    "between-the-renames": textwrap.dedent(
        """
        real = os.replace
        def replace(source, target, **kw):
            real(source, target, **kw)
            if ".site-old-" in str(target):
                os.kill(os.getpid(), signal.SIGKILL)
        guidance_builder.publish.os = types.SimpleNamespace(**{**vars(os), "replace": replace})
        """
    ),
}


def build_that_dies(project: Path, how: str) -> int:
    script = "\n".join(
        [
            "import os, signal, sys, types",
            "import guidance_builder.publish",
            KILL_DURING[how],
            "from guidance_builder.cli import main",
            f"sys.exit(main(['--project', {str(project)!r}, 'build', '--no-pdf', '--quiet']))",
        ]
    )
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=300).returncode


@pytest.mark.parametrize("how", list(KILL_DURING))
def test_a_build_killed_while_publishing_is_recovered(tmp_path: Path, how: str):
    project = copy_project(tmp_path / "project")
    assert run_cli("build", "--no-pdf", "--quiet", project=project).code == 0
    site = project / "build" / "site"
    before = site_hashes(site)
    retitle(project, "(second)")
    assert build_that_dies(project, how) == -signal.SIGKILL
    assert leftovers(project / "build"), "the build died before publishing: nothing was tested"
    if how == "staging-written":
        assert site_hashes(site) == before
    else:
        assert not site.exists()  # the old site is under its retired name for this instant
    recover(site)  # what the next publish does first
    assert site_hashes(site) == before
    assert leftovers(project / "build") == []
    # And a real next build, over whatever the dead one left.
    assert build_that_dies(project, how) == -signal.SIGKILL
    result = run_cli("build", "--no-pdf", "--quiet", project=project)
    assert result.code == 0, result.stderr
    assert leftovers(project / "build") == []
    assert "at risk (second)" in (site / VERSION / "guidance.html").read_text(encoding="utf-8")


# assess --out ---------------------------------------------------------------------------------

PREVIOUS = "row,reference\n1,results of an earlier run\n"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_assess_out_killed_midway_keeps_the_previous_results(tmp_path: Path, sig: signal.Signals):
    """The register is a pipe that the test feeds: the assessment is certainly midway (results
    half-written to a temporary file) when the signal comes."""
    from guidance_builder.commands.assess import load_engine
    from guidance_builder.engine.register import register_columns
    from guidance_builder.project import Project

    columns = register_columns(load_engine(Project.at(ROOT)))
    row = dict.fromkeys(columns, "")
    row.update({"reference": "HC-1", "title": "Care", "authority.name": "Council", "authority.type": "local_authority"})
    row.update({"provider.name": "Care Ltd", "provider.type": "private", "relevant_contract": "true", "value_gbp": "4500000"})
    row.update({"event": "expiry", "event_date": "2026-09-30"})
    row.update({c: "false" for c in columns if c.startswith("criteria.")})
    (tmp_path / "results.csv").write_text(PREVIOUS, encoding="utf-8")
    os.mkfifo(tmp_path / "register.csv")
    process = start("assess", "--register", "register.csv", "--out", "results.csv", project=ROOT, cwd=tmp_path)
    with open(tmp_path / "register.csv", "w", encoding="utf-8") as feed:
        feed.write(",".join(columns) + "\n")
        for _ in range(2000):
            feed.write(",".join(row[c] for c in columns) + "\n")
        feed.flush()
        expired = give_up_after(30)
        while not list(tmp_path.glob(".results.csv.*.tmp")) and not expired():
            time.sleep(0.05)
        assert list(tmp_path.glob(".results.csv.*.tmp")), "the assessment never started writing"
        assert process.poll() is None
        code, stderr = stop(process, sig)
    assert code in EXPECTED_EXIT[sig], f"exit {code}\n{stderr}"
    assert "Traceback" not in stderr
    assert (tmp_path / "results.csv").read_text(encoding="utf-8") == PREVIOUS
    if sig != signal.SIGKILL:  # a caught signal also removes the half-written temporary file
        assert not list(tmp_path.glob(".results.csv.*.tmp"))


# Ctrl-C and SIGTERM reach the whole process group: the PDF workers too ---------------------

SIGNAL_ON_FIRST_RENDER = """
import os, signal, sys
from guidance_builder.render import pdf_jobs

real_submit = pdf_jobs.PdfRenderer.submit

def submit(self, job):
    real_submit(self, job)
    if not isinstance(self.pending.get(job), pdf_jobs.PdfOutcome) and self.pending.get(job) is not None:
        # A document is now with a worker: what a terminal does on Ctrl-C (or `kill -TERM -PGID`).
        os.killpg(os.getpgrp(), signal.{sig})

pdf_jobs.PdfRenderer.submit = submit
from guidance_builder.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_signal_to_the_whole_group_during_a_pdf_render_prints_no_traceback(tmp_path: Path, command: str, sig: signal.Signals):
    """The signal is sent from inside, the moment the first document goes to a worker, to every
    process of the group (as a terminal sends Ctrl-C): the workers, which inherit the build's
    handlers when forked, must end quietly, and the build reports the interrupt once."""
    project = copy_project(tmp_path / "project")  # no PDF cache: every document goes to a worker
    args = ["--project", str(project), command] + (["--jobs", "2"] if command == "build" else ["--port", "0"])
    process = subprocess.Popen(
        [sys.executable, "-c", SIGNAL_ON_FIRST_RENDER.replace("{sig}", sig.name), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,
    )
    try:
        _, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    expired = give_up_after(10)
    while session_processes(process.pid) and not expired():
        time.sleep(0.1)
    assert not session_processes(process.pid), "a worker outlived the interrupted command"
    assert process.returncode in EXPECTED_EXIT[sig], f"exit {process.returncode}\n{stderr}"
    assert "Traceback" not in stderr, stderr
    assert "KeyboardInterrupt" not in stderr and "_Terminated" not in stderr, stderr
    assert stderr.count("interrupted; the previous output is unchanged.") == 1, stderr


def _dispositions() -> tuple[object, object, set[int]]:
    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_pdf_workers_ignore_ctrl_c_and_die_quietly_on_sigterm():
    """What the workers inherit decides what a Ctrl-C prints, whatever the timing: each
    worker ignores SIGINT (the build stops it), takes SIGTERM's default (death, no
    traceback) and blocks neither."""
    from guidance_builder.render.pdf_jobs import PdfRenderer

    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # as the CLI has: a handler that raises
    try:
        with PdfRenderer(ROOT / "templates" / "assets", None, workers=2) as renderer:
            found = [renderer.pool.submit(_dispositions).result(timeout=120) for _ in range(4)]
    finally:
        signal.signal(signal.SIGTERM, previous)
    for interrupt, terminate, blocked in found:
        assert interrupt == signal.SIG_IGN
        assert terminate == signal.SIG_DFL
        assert not blocked & {signal.SIGINT, signal.SIGTERM}
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, []), "the build left Ctrl-C blocked in itself"
