"""The hostile corpus (tests/hostile/cases.yaml): every attack is refused with a clear
one-line message and exit 2, or neutralised so that no HTML page or PDF of the build
carries what the attack would produce.

Refused content runs `check` in this process (fast); refusals that happen only when a
PDF is rendered run a real `build`. The neutralised payloads are all applied to one
project, built once with PDFs, and every output is searched.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import ROOT, copy_project, run_cli
from pypdf import PdfReader

from guidance_builder.cli import main

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES: list[dict] = yaml.safe_load((HOSTILE / "cases.yaml").read_text(encoding="utf-8"))["cases"]
REPEAT = re.compile(rb"@@REPEAT\((.),(\d+)\)@@")
DIAGNOSTIC = re.compile(r"^[^\s:]+(:\d+){0,2}: \S")
"""One problem, one line: `file: ...`, `file:line: ...` or `file:line:column: ...`."""


def payload(case: dict) -> bytes:
    data = (HOSTILE / case["file"]).read_bytes()
    return REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), data)


def by_kind(kind: str, assess: bool) -> list[dict]:
    return [c for c in CASES if kind in c and ("assess" in c["place"]) == assess]


# Placing a payload ------------------------------------------------------------------


def place(case: dict, project: Path, outside: Path) -> int:
    """Put the payload into the project; return the line of the file where it starts."""
    how = case["place"]
    data = payload(case)
    if "append" in how:
        target = project / how["append"]
        text = target.read_bytes()
        text += b"" if text.endswith(b"\n") else b"\n"
        target.write_bytes(text + b"\n" + data)
        return text.count(b"\n") + 2
    if "prepend" in how:
        target = project / how["prepend"]
        target.write_bytes(data + target.read_bytes())
        return 1
    if "replace" in how:
        (project / how["replace"]).write_bytes(data)
        return 1
    if "substitute" in how or "after" in how:
        spec = how.get("substitute") or how["after"]
        target = project / spec["path"]
        text = target.read_bytes()
        old = (spec.get("old") or spec["marker"]).encode()
        assert text.count(old) == 1, f"{case['id']}: expected one {old!r} in {spec['path']}: the bundled project changed"
        start = text.index(old)
        new = data if "substitute" in how else old + b"\n" + data
        target.write_bytes(text[:start] + new + text[start + len(old) :])
        return text.count(b"\n", 0, start) + 1 + ("after" in how)
    if "symlink" in how:
        secret = outside / case["file"]
        secret.write_bytes(data)
        target = project / how["symlink"]
        target.unlink()
        os.symlink(secret, target)
        return 1
    raise AssertionError(f"{case['id']}: unknown placement {how}")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_in_process(*argv: str, cwd: Path | None = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(cwd or Path.cwd()):
        try:
            code = main(list(argv))
        except SystemExit as exit:  # argparse
            code = exit.code
    return Run(code, out.getvalue(), err.getvalue())


def assert_refused(case: dict, run: Run, start: int) -> None:
    expected = case["refused"]
    assert run.code == 2, f"{case['id']}: exit {run.code}\n{run.stderr}"
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.splitlines()
    problems = [line for line in lines if DIAGNOSTIC.match(line)]
    assert problems, f"{case['id']}: no diagnostic in\n{run.stderr}"
    where = expected["where"]
    if "line" in expected:
        where = f"{where}:{start + expected['line'] - 1}"
    matching = [line for line in problems if line.startswith(where + ":") and all(f in line for f in expected["message"])]
    assert matching, f"{case['id']}: expected a line starting {where}: with {expected['message']}, got:\n{run.stderr}"
    for secret in expected.get("secret", []):
        assert secret not in run.stderr + run.stdout, f"{case['id']}: {secret!r} leaked into the output"


# Refused content: `check` in this process ----------------------------------------------

CHECKED = [c for c in by_kind("refused", assess=False) if c.get("run", "check") == "check"]
BUILT = [c for c in by_kind("refused", assess=False) if c.get("run") == "build"]


@pytest.mark.parametrize("case", CHECKED, ids=[c["id"] for c in CHECKED])
def test_refused_by_check(case: dict, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    (tmp_path / "outside").mkdir()
    start = place(case, project, tmp_path / "outside")
    run = run_in_process("--project", str(project), "check")
    assert_refused(case, run, start)
    assert run.stderr.splitlines()[-1].endswith("found; nothing was written.")
    assert not (project / "build").exists()


def _refused_build(case: dict, root: Path) -> tuple[dict, Run, int, Path]:
    project = copy_project(root / case["id"])
    (root / f"{case['id']}-outside").mkdir()
    start = place(case, project, root / f"{case['id']}-outside")
    result = run_cli("build", project=project)
    return case, Run(result.code, result.stdout, result.stderr), start, project


def test_refused_when_a_pdf_is_rendered(tmp_path: Path):
    """Each template or stylesheet case in a real build, two at a time: the build fails,
    names the file that asked, and publishes nothing."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda case: _refused_build(case, tmp_path), BUILT))
    for case, run, start, project in results:
        assert_refused(case, run, start)
        assert not (project / "build" / "site").exists(), f"{case['id']}: a site was published"
        written = [path for path in project.rglob("*.pdf") if ".cache" not in path.parts]  # the cache keeps good PDFs for next time
        assert not written, f"{case['id']}: a PDF was written: {written}"


# Neutralised content: one build with every payload ------------------------------------

NEUTRALISED = by_kind("neutralised", assess=False)


@pytest.fixture(scope="module")
def neutralised_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("neutralised")
    project = copy_project(root / "project")
    (root / "outside").mkdir()
    for case in NEUTRALISED:
        place(case, project, root / "outside")
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return project / "build" / "site"


@pytest.fixture(scope="module")
def neutralised_outputs(neutralised_site: Path) -> dict[str, str]:
    """Every HTML page (as source) and every PDF (as extracted text) of the built site."""
    outputs = {}
    for path in sorted(neutralised_site.rglob("*")):
        relative = path.relative_to(neutralised_site).as_posix()
        if path.suffix == ".html":
            outputs[relative] = path.read_text(encoding="utf-8")
        elif path.suffix == ".pdf":
            outputs[relative] = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    assert any(name.endswith(".pdf") for name in outputs) and any(name.endswith("guidance.html") for name in outputs)
    return outputs


@pytest.mark.parametrize("case", NEUTRALISED, ids=[c["id"] for c in NEUTRALISED])
def test_neutralised(case: dict, neutralised_outputs: dict[str, str]):
    expected = case["neutralised"]
    for absent in expected["absent"]:
        found = [name for name, text in neutralised_outputs.items() if absent in text]
        assert not found, f"{case['id']}: {absent!r} appears in {found}"
    for present in expected.get("present", []):
        assert any(present in text for text in neutralised_outputs.values()), f"{case['id']}: {present!r} (the payload as text) is nowhere"


def test_neutralised_outputs_carry_no_active_content(neutralised_site: Path):
    """In the pages built from the payloads: no event handler attribute, no URL with a dangerous
    scheme, and no script but the site's own; in their PDFs: no JavaScript, attachment, launch
    action or link other than https, mailto or an anchor."""
    for name in ("guidance.html", "model-contract.html", "assessment-record.html"):
        tree = lxml.html.fromstring(next(neutralised_site.glob(f"*/{name}")).read_bytes())
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                assert not attribute.lower().startswith("on"), (name, element.tag, attribute)
                if attribute.lower() in ("href", "src", "action", "formaction", "data"):
                    assert not re.match(r"\s*(javascript|data|file|vbscript):", value, re.I), (name, element.tag, value)
            if element.tag == "script":
                assert element.get("src", "../assets/").startswith("../assets/"), (name, element.get("src"))
                assert "PAYLOAD" not in (element.text or "") and "alert(" not in (element.text or ""), name
    for path in neutralised_site.rglob("*.pdf"):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        names = root.get("/Names", {})
        assert "/EmbeddedFiles" not in names and "/JavaScript" not in names, path.name
        assert "/OpenAction" not in root and "/AA" not in root, path.name
        for page in reader.pages:
            for annotation in page.get("/Annots", []) or []:
                action = annotation.get_object().get("/A", {})
                assert action.get("/S") not in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm"), path.name
                uri = str(action.get("/URI", ""))
                assert not uri or uri.startswith(("https://", "mailto:", "#")), (path.name, uri)


def test_jinja_in_yaml_text_is_printed_literally_not_evaluated(neutralised_site: Path, neutralised_outputs: dict[str, str]):
    """The short title `{{ ''.__class__.__mro__ }} ...` (nz-jinja-title) reaches the site's pages
    as those characters, escaped, and the PDF's page headers as those characters: Jinja never
    sees content as a template."""
    index = (neutralised_site / "index.html").read_text(encoding="utf-8")
    assert "{{ &#39;&#39;.__class__.__mro__ }} {{ &#39;PAYLOAD&#39; ~ &#39;-NZ-THREE&#39; }}" in index
    pdf = neutralised_outputs[next(name for name in neutralised_outputs if name.endswith("/guidance.pdf"))]
    assert "{{ ''.__class__.__mro__ }} {{ 'PAYLOAD' ~ '-NZ-THREE' }}" in pdf
    for text in neutralised_outputs.values():
        assert "<class " not in text and "&lt;class " not in text and "PAYLOAD-NZ-THREE" not in text


# assess -------------------------------------------------------------------------------

ASSESS_REFUSED = by_kind("refused", assess=True)
ASSESS_NEUTRALISED = by_kind("neutralised", assess=True)
PREVIOUS_RESULTS = b"row,reference\n1,the results of an earlier run\n"


def _assess(case: dict, folder: Path) -> Run:
    source = folder / case["file"]
    source.write_bytes(payload(case))
    if case["place"]["assess"] == "contract":
        return run_in_process("--project", str(ROOT), "assess", case["file"], cwd=folder)
    (folder / "results.csv").write_bytes(PREVIOUS_RESULTS)
    return run_in_process("--project", str(ROOT), "assess", "--register", case["file"], "--out", "results.csv", cwd=folder)


@pytest.mark.parametrize("case", ASSESS_REFUSED, ids=[c["id"] for c in ASSESS_REFUSED])
def test_assess_refuses(case: dict, tmp_path: Path):
    run = _assess(case, tmp_path)
    assert_refused(case, run, 1)
    if case["place"]["assess"] == "register":
        results = (tmp_path / "results.csv").read_bytes()
        if results != PREVIOUS_RESULTS:  # a bad row is reported in the results; the others are assessed
            rows = list(csv.DictReader(io.StringIO(results.decode("utf-8"))))
            assert rows[0]["outcome"] == "invalid" and rows[0]["errors"]
            assert all(row["outcome"] != "invalid" for row in rows[1:])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "a temporary file was left behind"


def test_a_register_refused_whole_leaves_the_existing_results_untouched(tmp_path: Path):
    case = next(c for c in ASSESS_REFUSED if c["id"] == "register-bad-header")
    run = _assess(case, tmp_path)
    assert run.code == 2
    assert (tmp_path / "results.csv").read_bytes() == PREVIOUS_RESULTS


@pytest.mark.parametrize("case", ASSESS_NEUTRALISED, ids=[c["id"] for c in ASSESS_NEUTRALISED])
def test_assess_neutralises(case: dict, tmp_path: Path):
    run = _assess(case, tmp_path)
    assert run.code == 0, run.stderr
    if case["place"]["assess"] == "contract":
        answer = json.loads(run_in_process("--project", str(ROOT), "assess", case["file"], "--json", cwd=tmp_path).stdout)
        for output in (run.stdout, json.dumps(answer, ensure_ascii=False)):
            assert all(absent not in output for absent in case["neutralised"]["absent"]), output
            assert all(present in output for present in case["neutralised"]["present"]), output
        return
    text = (tmp_path / "results.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{case['id']}: the cell {cell!r} would run as a formula"
    references = [row[1] for row in rows[1:]]
    for present in case["neutralised"]["present"]:
        assert present in references, f"{case['id']}: {present!r} not among {references}"


# The corpus itself ----------------------------------------------------------------------


def test_the_corpus_is_complete():
    """Every file in tests/hostile is a case's payload or a file a situation (situations.yaml,
    run by test_situations.py) copies into place."""
    situations = yaml.safe_load((HOSTILE / "situations.yaml").read_text(encoding="utf-8"))["situations"]
    files = {c["file"] for c in CASES} | {step["copy"]["file"] for s in situations for step in s.get("setup", []) if "copy" in step}
    on_disk = {p.name for p in HOSTILE.iterdir() if p.name not in ("cases.yaml", "situations.yaml")}
    assert files == on_disk, f"files without a case: {on_disk - files}; cases without a file: {files - on_disk}"
    assert len({s["id"] for s in situations} | {c["id"] for c in CASES}) == len(situations) + len(CASES)
    assert len(CASES) >= 25
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert ("refused" in case) != ("neutralised" in case), case["id"]


def test_no_payload_ran(tmp_path: Path):
    """The shell command in the corpus (yaml-python-object) never runs: given to `check` here,
    pointed at a file of this test's own, that file is still not there afterwards."""
    case = next(c for c in CASES if c["id"] == "yaml-python-object")
    marker = tmp_path / "PAYLOAD-18"
    assert b"/tmp/PAYLOAD-18" in payload(case)
    project = copy_project(tmp_path / "project")
    guidance = project / "content" / "guidance.yaml"
    old = case["place"]["substitute"]["old"].encode()
    guidance.write_bytes(guidance.read_bytes().replace(old, payload(case).replace(b"/tmp/PAYLOAD-18", str(marker).encode())))
    run = run_in_process("--project", str(project), "check")
    assert run.code == 2
    assert not marker.exists()
