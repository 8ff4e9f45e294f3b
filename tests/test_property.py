"""Property: whatever a drafter or a council feeds in, every run ends in success or in a
clean error (one line per problem, exit 2), never a traceback or an internal error.

Hypothesis mutates the bundled content (bytes inserted, deleted, duplicated, swapped,
truncated; hostile snippets; invalid UTF-8) and the inputs of `assess` (contract YAML,
structured values, register CSV), thousands of times in all. Everything runs in this
process: the content through `pipeline.load_edition` (and through the whole `check`
command, less often, since it renders), the inputs through the same calls `assess`
makes. The only exception allowed out is ContentError (or RegisterError), which the CLI
turns into exit 2.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidance_builder.cli import main
from guidance_builder.commands.assess import format_assessment, format_summary, load_engine
from guidance_builder.contract.document import load_contract
from guidance_builder.diagnostics import ContentError, Diagnostics
from guidance_builder.engine.inputs import ContractReader
from guidance_builder.engine.register import RegisterError, register_columns
from guidance_builder.engine.register_run import assess_register
from guidance_builder.pipeline import load_edition
from guidance_builder.project import Project

SCALE = float(os.environ.get("GB_PROPERTY_SCALE", "1"))
"""Multiplies every test's number of examples: GB_PROPERTY_SCALE=10 for a long hunt."""


def budget(examples: int) -> settings:
    """No deadline (a check renders HTML; a slow run is not a failure), and fixtures shared across examples."""
    return settings(
        deadline=None,
        max_examples=max(1, int(examples * SCALE)),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): written out here, not
imported from the code under test, so a trigger dropped there is caught."""

DIAGNOSTIC = re.compile(r"^(warning: )?[^\s:]+(:\d+){0,2}: \S")
SUMMARY = re.compile(r"^\d+ problems? found; nothing was written\.$")

CONTENT_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "content").rglob("*") if p.suffix in (".yaml", ".md"))
ORIGINALS = {name: (ROOT / name).read_bytes() for name in CONTENT_FILES}

SNIPPETS = [
    # template and markup injection
    "{{ 7*7 }}",
    "{% for x in range(9) %}x{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![i](file:///etc/passwd)",
    "<https://ok.example/>",
    "[x][r]\n\n[r]: data:text/html,x",
    "<!-- c -->",
    "\\<b>",
    "&lt;b&gt;",
    "`<b>`",
    # our own helpers and attributes, well and badly formed
    "{term:",
    "{term:authority}",
    "{term:authority|authorities}",
    "{ref:section.summary}",
    "{ref:nothing.here}",
    "{value:meta.version}",
    "{value:meta.__class__}",
    "{count:criteria}",
    "{list:criteria|or}",
    "{insert:criteria}",
    "{insert:nothing}",
    "{assumption:statutory_basis}",
    "{clause:definitions}",
    "{field:nope}",
    "{guidance:__dict__}",
    "{#new-id}",
    "{.duty}",
    '{allow="quoting an Act"}',
    '{onclick="x"}',
    "{",
    "}",
    "{:}",
    "{a:b|c|d}",
    # YAML structure
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object/apply:os.system ['id']",
    "!!binary aGk=",
    "!include x",
    "? [a]\n: b",
    "---\n",
    "...\n",
    "- ",
    ": ",
    "key: value",
    "|\n",
    ">-\n",
    "~",
    "null",
    "[",
    "]",
    "{a: 1}",
    "'",
    '"',
    "\\",
    "#",
    "1e309",
    "-0",
    "0x1F",
    "0o17",
    "9" * 5000,
    "2026-02-30",
    "2026-13-01",
    "12:30:00",
    ".inf",
    ".nan",
    "yes",
    "on",
    # prose the checks look for
    "must",
    "shall",
    "£1,000,000",
    "45%",
    "three tests",
    "paragraph 4.2",
    "version 9.9.9",
    "TODO",
    "[draft note]",
    # characters
    "\x00",
    "\x1b[2J",
    "\x7f",
    "\u0085",
    "\u202e",
    "\ufeff",
    "\u2028",
    "\r",
    "\r\n",
    "\t",
    "\n",
    "\n\n",
    "    ",
    "\ud800",
    "é",
    "\U0001f600",
    "\u0301",
]
"""Snippets that mean something to one of the parsers, or that a drafter might paste."""


def _insertion() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(SNIPPETS).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.binary(max_size=12),
        st.text(max_size=16).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """`original` with one to three edits of the kinds a hand, an editor or an attacker makes."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "insert", "delete", "line", "duplicate", "swap", "truncate", "indent", "value"]))
        lines = data.split(b"\n")
        if kind == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(_insertion()) + data[at:]
        elif kind == "delete" and data:
            start = draw(st.integers(0, len(data) - 1))
            data = data[:start] + data[start + draw(st.integers(1, 40)) :]
        elif kind == "line":
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = draw(_insertion())
            data = b"\n".join(lines)
        elif kind == "duplicate":
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            data = b"\n".join(lines)
        elif kind == "swap" and len(lines) > 1:
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            data = b"\n".join(lines)
        elif kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "indent":
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = (b" " * draw(st.integers(0, 6))) + lines[at].lstrip(b" ")
            data = b"\n".join(lines)
        elif kind == "value":
            # The text after some 'key: ' replaced by a YAML-significant snippet.
            keys = [i for i, line in enumerate(lines) if b": " in line]
            if keys:
                at = draw(st.sampled_from(keys))
                key, _, _ = lines[at].partition(b": ")
                lines[at] = key + b": " + draw(_insertion())
                data = b"\n".join(lines)
    return data


@st.composite
def content_edit(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(CONTENT_FILES))
    return name, draw(mutated(ORIGINALS[name]))


def assert_clean(diagnostics: Diagnostics) -> None:
    for diagnostic in diagnostics.items:
        text = str(diagnostic)
        assert "\n" not in text and "\r" not in text, f"a message spans lines: {text!r}"
        assert DIAGNOSTIC.match(text), f"a message without file and line: {text!r}"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One project copy for the whole module; each example changes one file and puts it back."""
    return copy_project(tmp_path_factory.mktemp("property") / "project")


@contextlib.contextmanager
def edited(project: Path, name: str, data: bytes):
    path = project / name
    path.write_bytes(data)
    try:
        yield
    finally:
        path.write_bytes(ORIGINALS[name])


# Content ------------------------------------------------------------------------------------


@budget(1000)
@given(edit=content_edit())
def test_mutated_content_loads_or_is_refused_cleanly(scratch: Path, edit: tuple[str, bytes]):
    """Stage 1 to 4 (load, schema, rules, structure, references), and the contract's loader."""
    name, data = edit
    with edited(scratch, name, data):
        project = Project.at(scratch)
        diagnostics = Diagnostics()
        edition = load_edition(project, diagnostics)
        assert (edition is None) == bool(diagnostics)
        if name.startswith("content/contract/"):
            load_contract(project, diagnostics)
        assert_clean(diagnostics)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit:  # argparse's own errors
            code = exit.code
    return code, out.getvalue(), err.getvalue()


def assert_clean_exit(code: int, stdout: str, stderr: str) -> None:
    assert code in (0, 2), f"exit {code}\n{stderr}"
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if code == 2:
        lines = stderr.splitlines()
        assert lines and SUMMARY.match(lines[-1]), stderr
        for line in lines[:-1]:
            assert DIAGNOSTIC.match(line), f"not a one-line file:line message: {line!r}"


@budget(150)
@given(edit=content_edit())
def test_mutated_content_checks_or_is_refused_cleanly(scratch: Path, edit: tuple[str, bytes]):
    """The whole `check` command, through the CLI's error boundary: every consistency check,
    the rendered HTML they read, and the model contract."""
    name, data = edit
    with edited(scratch, name, data):
        assert_clean_exit(*cli("--project", str(scratch), "check"))


# assess: one contract ---------------------------------------------------------------------------

CONTRACT = """reference: HC-1
title: Residential care for older people
authority: {name: Example Borough Council, type: local_authority}
provider: {name: Example Care Ltd, type: private}
relevant_contract: true
value_gbp: 4500000
event: expiry
event_date: 2026-09-30
criteria: {at_risk_contact: true, coercive_powers: false, rights_infringement: false}
good_reason:
  ground: insufficient_capacity
  evidence: "The authority has no staff who can run the service yet."
  support_considered: [model_contract, government_legal_department, councillor_collaboration]
"""


@pytest.fixture(scope="module")
def engine():
    return load_engine(Project.at(ROOT))


@pytest.fixture(scope="module")
def reader(engine):
    return ContractReader(engine)


def assess_text(engine, reader, text: str) -> None:
    """What `assess contract.yaml` does with the file, short of printing."""
    try:
        assessment = engine.assess(reader.read_text(text, "contract.yaml"))
    except ContentError as error:
        assert error.diagnostics, "a refusal must say why"
        for diagnostic in error.diagnostics:
            assert "\n" not in str(diagnostic) and DIAGNOSTIC.match(str(diagnostic)), str(diagnostic)
        return
    format_assessment(assessment)
    assessment.as_json()


@budget(1200)
@given(data=mutated(CONTRACT.encode()))
def test_mutated_contract_is_assessed_or_refused_cleanly(engine, reader, data: bytes):
    text = data.decode("utf-8", "surrogateescape")
    assess_text(engine, reader, text)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(SNIPPETS) | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
KEYS = ["reference", "title", "authority", "provider", "relevant_contract", "value_gbp", "event", "event_date", "criteria", "good_reason"]


@budget(600)
@given(
    changes=st.dictionaries(
        st.sampled_from(KEYS + ["authority.type", "criteria.at_risk_contact", "good_reason.ground", "extra"]), JSONISH, max_size=3
    )
)
def test_contract_with_random_values_is_assessed_or_refused_cleanly(engine, reader, changes: dict):
    contract = yaml.safe_load(CONTRACT)
    for key, value in changes.items():
        parent, _, child = key.rpartition(".")
        target = contract.get(parent) if parent else contract
        if isinstance(target, dict):
            target[child] = value
    assess_text(engine, reader, yaml.safe_dump(contract, allow_unicode=True))


# assess: a register -------------------------------------------------------------------------------

ROW = {
    "reference": "HC-1",
    "title": "Residential care",
    "authority_name": "Example Borough Council",
    "authority_type": "local_authority",
    "provider_name": "Example Care Ltd",
    "provider_type": "private",
    "relevant_contract": "true",
    "value_gbp": "4500000",
    "event": "expiry",
    "event_date": "2026-09-30",
    "criteria.at_risk_contact": "true",
    "criteria.coercive_powers": "false",
    "criteria.rights_infringement": "false",
    "good_reason.ground": "",
    "good_reason.evidence": "",
    "good_reason.support_considered": "",
}


def register_text(columns: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8", "surrogatepass")


def assess_register_file(engine, path: Path) -> None:
    """What `assess --register FILE --out results.csv` does, short of printing."""
    out = io.StringIO()
    try:
        summary = assess_register(engine, path, "contracts.csv", out, parallel=False)
    except RegisterError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert "\n" not in str(diagnostic) and DIAGNOSTIC.match(str(diagnostic)), str(diagnostic)
        return
    format_summary(summary, engine, "results.csv")
    for diagnostic in summary.errors:
        assert "\n" not in str(diagnostic) and DIAGNOSTIC.match(str(diagnostic)), str(diagnostic)
    for row in list(csv.reader(io.StringIO(out.getvalue())))[1:]:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), f"a result cell would run as a formula: {row}"


@budget(700)
@given(data=st.data())
def test_mutated_register_is_assessed_or_refused_cleanly(engine, tmp_path_factory, data):
    columns = register_columns(engine)
    base = register_text(columns, [ROW, {**ROW, "reference": "HC-2", "good_reason.ground": "risk_mitigation"}])
    path = tmp_path_factory.getbasetemp() / "property-register.csv"
    path.write_bytes(data.draw(mutated(base)))
    assess_register_file(engine, path)


CELL = st.one_of(
    st.text(max_size=12), st.sampled_from(SNIPPETS), st.sampled_from(["=1+1", "+1", "-1", "@A1", "\t=x", "=cmd|' /C calc'!A0"])
)


@budget(500)
@given(cells=st.lists(st.dictionaries(st.sampled_from(list(ROW)), CELL, max_size=4), min_size=1, max_size=4))
def test_register_with_random_cells_is_assessed_or_refused_cleanly(engine, tmp_path_factory, cells: list[dict]):
    columns = register_columns(engine)
    path = tmp_path_factory.getbasetemp() / "property-cells.csv"
    path.write_bytes(register_text(columns, [{**ROW, **change} for change in cells]))
    assess_register_file(engine, path)


# assess through the CLI, less often (each run loads the edition) ---------------------------------------


@budget(60)
@given(data=mutated(CONTRACT.encode()), as_json=st.booleans())
def test_assess_command_exits_cleanly(tmp_path_factory, data: bytes, as_json: bool):
    folder = tmp_path_factory.getbasetemp()
    (folder / "contract.yaml").write_bytes(data)
    argv = ["--project", str(ROOT), "assess", str(folder / "contract.yaml")] + (["--json"] if as_json else [])
    assert_clean_exit(*cli(*argv))
