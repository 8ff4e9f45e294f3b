"""The register's fast path for conditions (rules/cel_closures.py) gives exactly what
cel-expr-python gives: on the golden cases, and on every condition of the bundled rules
for generated facts. Anything outside the part of CEL it takes is left to cel-expr-python."""

from __future__ import annotations

import datetime

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cel_golden import GOLDEN, environment, json_value, python_value

from guidance_builder.engine.register_rows import condition_sources
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from guidance_builder.rules.cel_tree import read_checked


@pytest.fixture(scope="module")
def engine() -> Engine:
    edition, _ = require_edition(Project.at(ROOT))
    return Engine(edition.book, edition.document.anchors)


GOLDEN_VALID = [case for case in GOLDEN if not case.get("error")]
GOLDEN_TAKEN = [case for case in GOLDEN_VALID if environment(case).closure(case["expression"]) is not None]
"""The golden cases the fast path takes; the rest are left to cel-expr-python (test_cel_golden.py)."""


@pytest.mark.parametrize("case", GOLDEN_TAKEN, ids=[case["name"] for case in GOLDEN_TAKEN])
def test_a_golden_case_gives_the_same_value(case):
    closure = environment(case).closure(case["expression"])
    answers = {name: python_value(spec["type"], spec["value"]) for name, spec in case["vars"].items()}
    assert json_value(closure(answers)) == case["expected"]


def test_the_golden_cases_reach_the_fast_path():
    """The part of CEL the fast path takes is exercised: most golden cases compile to closures."""
    assert len(GOLDEN_TAKEN) >= len(GOLDEN_VALID) // 2
    expressions = " ".join(case["expression"] for case in GOLDEN_TAKEN)
    for construct in ("&&", "||", "!", "?", " in ", "threshold(", "==", "!=", "<"):
        assert construct in expressions, construct


@pytest.mark.parametrize(
    "source",
    [
        'support_measures.all(m, m != "")',  # a macro
        "value_gbp + 1 > 2",  # arithmetic, which CEL checks for overflow
        'event_date < timestamp("2026-01-01T00:00:00Z")',
        "size(good_reason.support_considered) > 0",
        "value_gbp > 2.5",  # a number with a fraction
    ],
)
def test_what_the_fast_path_does_not_take_is_left_to_cel(engine, source):
    assert engine.env.closure(source) is None


def test_a_damaged_tree_is_refused_not_misread():
    for damaged in (b"\xff", b"\x12\x05abc", b"\x0a\x02\x08"):
        with pytest.raises(ValueError):
            read_checked(damaged)


def facts_for(engine: Engine):
    """Values for every fact, across what matters to the rules: threshold amounts and dates included."""
    amounts = sorted({amount for dated in engine.program.thresholds.values.values() for _, amount, _ in dated})
    starts = sorted({start for dated in engine.program.thresholds.values.values() for start, _, _ in dated})
    strategies = {}
    for fact in engine.facts:
        if fact.type == "yes_no":
            strategies[fact.id] = st.booleans()
        elif fact.type in ("money", "whole_number"):
            near = [a + d for a in amounts for d in (-1, 0, 1)]
            strategies[fact.id] = st.one_of(st.integers(0, 10**9), st.sampled_from(near or [0]))
        elif fact.type == "date":
            strategies[fact.id] = st.one_of(st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)), st.sampled_from(starts))
        elif fact.type == "choice":
            strategies[fact.id] = st.sampled_from(["", *fact.choice_ids])
        elif fact.type == "choices":
            strategies[fact.id] = st.lists(st.sampled_from(list(fact.choice_ids)), unique=True).map(tuple)
        else:
            strategies[fact.id] = st.sampled_from(["", "x", "Capacity review, March 2026"])
    return st.fixed_dictionaries(strategies)


def test_every_condition_of_the_rules_gives_what_cel_gives(engine):
    env = engine.env
    sources = list(dict.fromkeys(condition_sources(engine)))
    closures = {source: env.closure(source) for source in sources}
    taken = [source for source, closure in closures.items() if closure is not None]
    assert any("threshold(" in source for source in taken), "the register's per-row conditions should take the fast path"

    spec = engine.program.thresholds
    money = [f.id for f in engine.facts if f.type == "money"]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answers=facts_for(engine), at_threshold=st.sampled_from([None, -1, 0, 1]))
    def check(answers, at_threshold):
        if at_threshold is not None and spec.type_fact and spec.date_fact:
            amount = engine.thresholds.amount(answers[spec.type_fact], answers[spec.date_fact])
            answers.update({fact: max(0, amount + at_threshold) for fact in money})  # the edges a comparison turns on
        data = {name: engine.converter(name)(value) for name, value in answers.items()}
        data.update({name: list(values) for name, values in env.constants.items()})
        for source in taken:
            assert json_value(closures[source](answers)) == json_value(env.run(engine.compiled(source), data)), source

    check()


@pytest.mark.parametrize(
    ("source", "blank_tested"),
    [
        ('good_reason.evidence == ""', {"good_reason.evidence"}),
        ('"" != good_reason.evidence && relevant_contract', {"good_reason.evidence"}),
        (
            'good_reason.ground != "" && good_reason.support_considered.all(m, m != "" && good_reason.evidence != "")',
            {"good_reason.ground", "good_reason.evidence"},
        ),
        ('good_reason.evidence != "" && good_reason.evidence != "none"', set()),  # compared with words: the words matter
        ('good_reason.evidence in ["", "none"]', set()),
        ('size(good_reason.evidence) > 3 || good_reason.evidence == ""', set()),
        ("value_gbp < threshold(authority.type, event_date)", set()),
    ],
)
def test_facts_read_only_to_ask_whether_they_are_blank(engine, source, blank_tested):
    """A register's profile keeps only whether such a fact is blank (register_fast.py): any
    other use of it, anywhere in the condition, must keep its words in the profile."""
    assert engine.env.blank_tested(source) == blank_tested
