"""`serve` stays up for whatever a drafter or a browser does: a template being edited into a
syntax error, odd request paths, folders, missing pages; and a port it cannot use is said in
one line before anything is built.

Each test runs the real command in a subprocess, in its own session, and stops it at the end.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, VERSION, copy_project, interruptible, run_cli
from waiting import give_up_after


class Served:
    def __init__(self, project: Path, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "guidance_builder", "--project", str(project), "serve", "--no-pdf", "--port", "0", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=interruptible,
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for(lambda line: line.startswith("serving http://"))
        self.base = re.search(r"http://\S+/", line).group()

    def _read(self) -> None:
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, wanted, after: int = 0, timeout: float = 120) -> str:
        """The first line from `after` on that `wanted` accepts; fails if the command ends first."""
        expired = give_up_after(timeout)
        with self.changed:
            while True:
                for line in self.lines[after:]:
                    if wanted(line):
                        return line
                assert self.process.poll() is None, "serve stopped:\n" + "\n".join(self.lines)
                assert not expired(), "serve never said it:\n" + "\n".join(self.lines)
                self.changed.wait(1)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path.lstrip("/"), timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def stop(self) -> str:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
        return "\n".join(self.lines)


@pytest.fixture
def served(tmp_path: Path):
    server = Served(copy_project(tmp_path / "project"))
    yield server
    server.stop()


def test_a_template_syntax_error_shows_in_the_page_and_serve_keeps_watching(served: Served, tmp_path: Path):
    template = tmp_path / "project" / "templates" / "guidance.html"
    good = template.read_text(encoding="utf-8")
    seen = len(served.lines)
    template.write_text(good + "\n{% if %}\n", encoding="utf-8")
    line = served.wait_for(lambda line: "template error" in line, after=seen)
    assert line.startswith("templates/guidance.html:"), line
    status, page = served.get(f"/{VERSION}/guidance.html")
    assert status == 200 and "template error" in page and "templates/guidance.html" in page
    seen = len(served.lines)
    template.write_text(good, encoding="utf-8")  # the drafter fixes it: the next save rebuilds
    served.wait_for(lambda line: line.startswith("rebuilt"), after=seen)
    status, page = served.get(f"/{VERSION}/guidance.html")
    assert status == 200 and "template error" not in page
    assert "Traceback" not in served.stop()


def test_odd_paths_get_the_sites_own_404_and_no_listing(served: Served):
    own = (served.get("/404.html")[1].split("<title>", 1)[1]).split("</title>", 1)[0]
    for path in ("/%00", "/nowhere.html", "/assets/", "/latest/", f"/{VERSION}/", "/assets/%00.css"):
        status, page = served.get(path)
        assert status == 404, path
        assert f"<title>{own}</title>" in page, f"{path} did not get the site's 404.html"
        assert "Directory listing" not in page and "guidance.css" not in page.split("</head>", 1)[-1], path
    assert served.get("/")[0] == 200
    assert served.get("/assets/guidance.css")[0] == 200
    assert "Traceback" not in served.stop()


def test_a_busy_port_is_refused_before_building(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--no-pdf", "--port", str(port), project=project)
    assert result.code == 2, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"serve: port {port} is already in use (stop what is using it, or choose another port, such as --port 8001)"
    )
    assert not (project / "build").exists(), "serve built before finding that it could not listen"


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_port_out_of_range_is_refused_before_building(tmp_path: Path, port: str):
    project = copy_project(tmp_path / "project")
    result = run_cli("serve", "--no-pdf", "--port", port, project=project)
    assert result.code == 2, result.stderr
    assert result.stderr.splitlines()[0].startswith(f"serve: port {port} is out of range (")
    assert "Traceback" not in result.stderr
    assert not (project / "build").exists()
