"""The golden CEL cases (tests/cel/golden.json) through the checker page's CEL, in node.

The same file runs through the Python engine's CEL in its own test: both must give every
expected value, and reject every expression marked as an error, so the page and the engine
read each condition of the rules alike. node loads the very scripts the page inlines: the
bundle scripts/setup builds (.deps/cel.js) and the rules scripts that
templates/assets/checker-scripts.json lists.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "cel" / "golden.json"
RUNNER = ROOT / "scripts" / "cel-golden.mjs"
BUNDLE = ROOT / ".deps" / "cel.js"
NODE = shutil.which("node")

if NODE is None or not BUNDLE.is_file():
    raise RuntimeError("node or .deps/cel.js is missing: run scripts/setup (it installs node and builds the CEL bundle)")


def run_golden(path: Path = GOLDEN) -> tuple[int, list[dict], str]:
    done = subprocess.run([NODE, str(RUNNER), str(path)], capture_output=True, text=True, timeout=120, check=False)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, lines, done.stderr


def test_every_golden_case_gives_what_it_expects() -> None:
    code, lines, stderr = run_golden()
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [line["name"] for line in lines] == [case["name"] for case in cases], stderr
    wrong = [
        f"{line['name']}: expected {'an error' if case.get('error') else json.dumps(case['expected'])}, "
        f"got {line.get('error') or json.dumps(line.get('result'))}"
        for line, case in zip(lines, cases, strict=True)
        if not line["ok"]
    ]
    assert not wrong, "\n".join(wrong)
    assert code == 0, stderr


def test_a_wrong_expectation_is_reported(tmp_path: Path) -> None:
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    flipped = next(case for case in cases if case.get("expected") is True)
    flipped["expected"] = False
    erroring = next(case for case in cases if case.get("error"))
    del erroring["error"]
    erroring["expected"] = True
    path = tmp_path / "golden.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    code, lines, _ = run_golden(path)
    assert code == 1
    assert sorted(line["name"] for line in lines if not line["ok"]) == sorted([flipped["name"], erroring["name"]])


def test_the_cases_cover_what_the_rules_use() -> None:
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(cases) >= 40
    assert len({case["name"] for case in cases}) == len(cases), "two cases share a name"
    expressions = [case["expression"] for case in cases]
    for needle in (
        "&&",
        "||",
        "!",
        " ? ",
        " in ",
        "size(",
        ".all(",
        ".exists(",
        'timestamp("',
        "threshold(",
        " == ",
        "authority.type",
        "good_reason.",
    ):
        assert any(needle in e for e in expressions), f"no case uses {needle!r}"
    types = {var["type"] for case in cases for var in case["vars"].values()}
    assert types == {"bool", "int", "string", "timestamp", "list<string>"}
    big = [var["value"] for case in cases for var in case["vars"].values() if var["type"] == "int" and isinstance(var["value"], str)]
    assert big and all(int(value) > 2**53 for value in big), "ints as strings are for values beyond 2^53 only"
    assert all("thresholds" in case for case in cases if "threshold(" in case["expression"])
    errors = [case for case in cases if case.get("error")]
    assert any(re.search(r"\bunknown", case["expression"]) for case in errors), "no case uses an unknown name"
    assert any('value_gbp < "100"' == case["expression"] for case in errors)
    for case in cases:
        assert ("expected" in case) != bool(case.get("error")), case["name"]
        for name, var in case["vars"].items():
            if var["type"] == "timestamp":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", var["value"]), (case["name"], name)


def test_the_bundle_makes_no_code_from_strings() -> None:
    """The page's policy allows scripts by hash only (no 'unsafe-eval'), and it must run from file://."""
    source = BUNDLE.read_text(encoding="utf-8")
    assert source.startswith("var CEL=")
    assert not re.search(r"(^|[^\w$.])(eval|Function)\(|new Function", source)
    assert "</script" not in source.lower() and "<!--" not in source
    assert not re.search(r"\bimport\(|\brequire\(|sourceMappingURL", source)
