"""The suite's own rules, checked: property tests draw the same examples each run, and no
pass/fail test skips or reads a wall-clock time (timings belong in benchmarks/)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parent
CLOCKS = {"time.time", "time.monotonic", "time.perf_counter", "time.process_time"}
SKIPS = {"pytest.skip", "pytest.importorskip", "pytest.mark.skip", "pytest.mark.skipif", "pytest.mark.xfail", "pytest.xfail"}


def test_property_tests_are_derandomized():
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert settings.default.derandomize is True
        assert settings.default.database is None


def dotted_names(source: str) -> set[str]:
    """Every dotted name the source uses: pytest.mark.skipif, time.perf_counter, ..."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if parts and isinstance(node, ast.Name):
            names.add(".".join([node.id, *reversed(parts)]))
    return names


def test_the_scan_finds_a_clock_and_a_skip():
    used = dotted_names("import time, pytest\n@pytest.mark.skipif(True, reason='')\ndef test():\n    assert time.perf_counter() < 5\n")
    assert used & CLOCKS == {"time.perf_counter"} and used & SKIPS == {"pytest.mark.skipif"}


@pytest.mark.parametrize("path", sorted(p for p in TESTS.glob("test_*.py") if p.name != Path(__file__).name), ids=lambda p: p.name)
def test_no_test_reads_the_clock_or_skips(path: Path):
    used = dotted_names(path.read_text(encoding="utf-8"))
    assert not used & CLOCKS, f"{path.name} reads the clock ({', '.join(sorted(used & CLOCKS))}): a timing belongs in benchmarks/"
    assert not used & SKIPS, f"{path.name} skips ({', '.join(sorted(used & SKIPS))}): a test that cannot run must fail"
