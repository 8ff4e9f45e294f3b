"""The golden CEL cases (tests/cel/golden.json) through the Python engine's CEL environment.

tests/test_cel_golden_js.py runs the same file through the checker page's CEL in node; a
condition therefore means the same in `assess`, a register and the browser."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from guidance_builder.rules.cel import ConditionError, RulesEnvironment, Thresholds, cel_value
from guidance_builder.rules.facts import FactSpec

GOLDEN = json.loads((Path(__file__).parent / "cel" / "golden.json").read_text(encoding="utf-8"))
FACT_TYPES = {"bool": "yes_no", "int": "whole_number", "string": "text", "timestamp": "date", "list<string>": "choices"}


def python_value(kind: str, value):
    if kind == "int":
        return int(value)
    if kind == "timestamp":
        return datetime.date.fromisoformat(value)
    if kind == "list<string>":
        return tuple(value)
    return value


def json_value(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 - 1 else str(value)
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def environment(case: dict) -> RulesEnvironment:
    facts = [FactSpec(name, FACT_TYPES[spec["type"]], name) for name, spec in case["vars"].items()]
    values = {
        kind: [(datetime.date.fromisoformat(v["from"]), int(v["amount"])) for v in dated]
        for kind, dated in case.get("thresholds", {}).items()
    }
    return RulesEnvironment(facts, {}, Thresholds(values))


@pytest.mark.parametrize("case", GOLDEN, ids=[case["name"] for case in GOLDEN])
def test_golden_case(case):
    env = environment(case)
    if case.get("error"):
        with pytest.raises(ConditionError):
            env.compile(case["expression"], want_bool=False)
        return
    compiled = env.compile(case["expression"], want_bool=False)
    data = {name: cel_value(python_value(spec["type"], spec["value"])) for name, spec in case["vars"].items()}
    assert json_value(env.run(compiled, data)) == case["expected"]


def test_the_golden_file_covers_what_the_rules_use():
    expressions = " ".join(case["expression"] for case in GOLDEN)
    for construct in ("&&", "||", "!", "?", " in ", "size(", ".all(", ".exists(", "threshold(", "timestamp(", "=="):
        assert construct in expressions, construct
    assert sum(1 for case in GOLDEN if case.get("error")) >= 3


class _InterruptedOnce(Thresholds):
    interrupted = False

    def call(self, kind, on):
        if not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return super().call(kind, on)


def test_ctrl_c_during_threshold_is_still_ctrl_c():
    """cel-expr-python turns an exception in a Python function into a CEL error ("ABORTED");
    Ctrl-C arriving while `threshold()` runs must still stop the command as Ctrl-C."""
    facts = [FactSpec("kind", "text", "kind"), FactSpec("on", "date", "on")]
    env = RulesEnvironment(facts, {}, _InterruptedOnce({"x": [(datetime.date(2025, 1, 1), 5)]}))
    compiled = env.compile("threshold(kind, on) > 0")
    data = {"kind": "x", "on": cel_value(datetime.date(2026, 1, 1))}
    with pytest.raises(KeyboardInterrupt):
        env.run(compiled, data)
    assert env.run(compiled, data) is True  # and the next run is an ordinary one
