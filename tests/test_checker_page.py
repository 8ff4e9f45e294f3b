"""The checker page and the Python engine give the same answer, for the bundled content.

Cases are made from the rules program alone: each fact read by a condition takes values
that matter to its type (every choice, yes and no, amounts and dates either side of every
threshold), combined at random with a fixed seed. Thousands are walked by the page's rules
scripts (templates/assets/rules-*.js) in node and by the engine; one case for every
distinct way through the procedure is answered in headless Chromium, some with the
keyboard, and the page must show what the engine says.
Keyboard use, focus, errors and axe for each kind of screen are in test_checker_generic.py.
"""

from __future__ import annotations

import datetime
import random
import re
import shutil
from pathlib import Path

import pytest
from scenarios.table import scenarios

from guidance_builder.engine.checker import render_checker
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment
from tests.browser import CHROMIUM, browser, local_only_page
from tests.checker_driver import READ_OUTCOME, Driver, as_shown, bundled_engine, bundled_program, node_walk, render_page
from tests.conftest import ROOT

if not Path(CHROMIUM).is_file() or shutil.which("node") is None:
    raise RuntimeError("Chromium or node is missing: run scripts/setup test; browser tests never pass quietly")

SEED = 2026
RANDOM_CASES = 3000


def value_sets(engine: Engine) -> dict[str, list]:
    """For each fact, the values worth trying, as the page is given them (JSON-like)."""
    program = engine.program
    amounts = sorted({amount for dated in program.thresholds.values.values() for _, amount, _ in dated})
    starts = sorted({start for dated in program.thresholds.values.values() for start, _, _ in dated})
    dates = sorted(
        {d for start in starts for d in (start, start + datetime.timedelta(days=180))} | {starts[-1] + datetime.timedelta(days=1)}
    )
    dates += [start - datetime.timedelta(days=1) for start in starts[1:]]
    found: dict[str, list] = {}
    for fact in engine.facts:
        kind = fact.type
        if kind == "yes_no":
            found[fact.id] = [True, False]
        elif kind == "choice":
            found[fact.id] = [c.id for c in fact.choices] + ([""] if fact.optional else [])
        elif kind == "choices":
            every = [c.id for c in fact.choices]
            found[fact.id] = [every, [], *[[c for c in every if c != gone] for gone in every]]
        elif kind in ("money", "whole_number"):
            found[fact.id] = [str(v) for v in sorted({0, 10**12, *(a + d for a in amounts for d in (-1, 0, 1))})]
        elif kind == "date":
            found[fact.id] = [d.isoformat() for d in sorted(set(dates))]
        else:
            found[fact.id] = ["", "Evidence on file"] if fact.optional or fact.asked_when else [f"Text for {fact.id}"]
    return found


def python_answers(engine: Engine, answers: dict) -> dict:
    """The page's answers as the engine takes them: typed, and blank where not asked."""
    typed = {}
    for fact in engine.facts:
        value = answers[fact.id]
        if fact.type in ("money", "whole_number"):
            value = int(value)
        elif fact.type == "date":
            value = datetime.date.fromisoformat(value)
        elif fact.type == "choices":
            value = tuple(c.id for c in fact.choices if c.id in value)
        typed[fact.id] = value
    for fact_id in engine.unasked(typed):
        typed[fact_id] = engine.fact[fact_id].blank
    return typed


def valid(engine: Engine, answers: dict) -> bool:
    typed = python_answers(engine, answers)
    spec = engine.program.thresholds
    return spec.type_fact is None or engine.applied_threshold(typed) is not None


def random_cases(engine: Engine, count: int) -> list[dict]:
    rng = random.Random(SEED)
    sets = value_sets(engine)
    cases = []
    while len(cases) < count:
        answers = {fact_id: rng.choice(values) for fact_id, values in sets.items()}
        if valid(engine, answers):
            cases.append(answers)
    return cases


def assessment_json(engine: Engine, answers: dict) -> dict:
    return engine.assess(python_answers(engine, answers)).as_json()


def signature(assessment: dict) -> tuple:
    """What makes two walks differ on the page: the path, the outcome and what each reason rests on.
    (Every reason's words are compared for thousands of contracts in node.)"""
    on_path = [(r["cites"], r["step"]) for r in assessment["reasons"] if r["step"]]
    return (tuple(assessment["path"]), assessment["outcome"], tuple(assessment["decided_by"]), tuple(on_path))


def graph_paths(engine: Engine) -> set[tuple[tuple[str, ...], str]]:
    """Every path from the start to an outcome: (steps, outcome)."""
    steps = engine.program.steps
    found = set()

    def walk(step_id: str, so_far: tuple[str, ...]) -> None:
        step = steps[step_id]
        for branch in (step.if_any, step.if_none):
            if branch.outcome:
                found.add(((*so_far, step_id), branch.outcome))
            else:
                walk(branch.next, (*so_far, step_id))

    walk(engine.program.start, ())
    return found


@pytest.fixture(scope="module")
def engine() -> Engine:
    return bundled_engine()


@pytest.fixture(scope="module")
def cases(engine) -> list[dict]:
    return random_cases(engine, RANDOM_CASES)


def test_rules_env_and_the_engine_agree_on_thousands_of_contracts(engine, cases):
    """Every field of the assessment, off-path exemptions and reasons included."""
    program = bundled_program()
    walked = node_walk(program, [{"answers": answers, "partial": False} for answers in cases])
    for answers, page in zip(cases, walked, strict=True):
        mine = assessment_json(engine, answers)
        for key in ("outcome", "decided_by", "exemptions", "criteria_met", "path", "reasons"):
            assert page[key] == mine[key], (key, answers)
        assert page["threshold"] == mine["threshold"], answers


def test_the_cases_reach_every_path_through_the_procedure(engine, cases):
    reached = {(tuple(a["path"]), a["outcome"]) for a in (assessment_json(engine, c) for c in cases)}
    assert reached == graph_paths(engine)


BROWSER_CASES = 40
"""How many contracts are answered in Chromium: every path first, then other ways through (node checks thousands)."""


def distinct_cases(engine: Engine, cases: list[dict]) -> list[dict]:
    """One contract for each path and outcome, then others whose reasons rest on other paragraphs."""
    by_path: dict[tuple, dict] = {}
    by_signature: dict[tuple, dict] = {}
    for answers in cases:
        a = assessment_json(engine, answers)
        by_path.setdefault((tuple(a["path"]), a["outcome"], tuple(a["decided_by"])), answers)
        by_signature.setdefault(signature(a), answers)
    chosen = list(by_path.values())
    for answers in by_signature.values():
        if len(chosen) >= BROWSER_CASES:
            break
        if answers not in chosen:
            chosen.append(answers)
    return chosen


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def page_view(page, url: str, answers: dict, keyboard: bool, program: dict) -> dict:
    page.goto(url)
    page.wait_for_selector("#checker[data-ready=true]")
    Driver(page, keyboard, program).run(answers)
    assert page.evaluate("document.activeElement.id") == "outcome-heading"
    return page.evaluate(READ_OUTCOME)


def engine_view(engine: Engine, answers: dict) -> dict:
    a = assessment_json(engine, answers)
    shown = [r for r in a["reasons"] if r["step"] is not None or r["cites"].startswith("outcome.")]
    return {"outcome": a["outcome"], "decided_by": a["decided_by"], "reasons": [as_shown(r) for r in shown]}


def on_path(view: dict) -> dict:
    return {
        **{k: view[k] for k in ("outcome", "decided_by")},
        "reasons": [r for r in view["reasons"] if r[2] is not None or r[1].startswith("outcome.")],
    }


def test_the_page_and_the_engine_agree_on_every_way_through(engine, cases, chromium, tmp_path):
    program = bundled_program()
    url = render_page(tmp_path, program)
    distinct = distinct_cases(engine, cases)
    assert len(distinct) >= len(graph_paths(engine))
    outcomes = set()
    with local_only_page(chromium) as (page, outside):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for number, answers in enumerate(distinct):
            view = page_view(page, url, answers, keyboard=number < 3, program=program)
            assert on_path(view) == engine_view(engine, answers), answers
            outcomes.add(view["outcome"])
        assert errors == [] and outside == []
    assert outcomes == set(engine.outcome_names)


def test_rules_env_and_the_engine_agree_on_every_scenario(engine):
    program = bundled_program()
    table = scenarios()
    answers = [{fact.id: _page_value(fact, _nested(s["contract"], fact.id)) for fact in engine.facts} for s in table]
    walked = node_walk(program, [{"answers": a, "partial": False} for a in answers])
    for scenario, given, page in zip(table, answers, walked, strict=True):
        mine = assessment_json(engine, given)
        assert (page["outcome"], page["reasons"], page["exemptions"]) == (mine["outcome"], mine["reasons"], mine["exemptions"]), scenario[
            "name"
        ]
        assert page["outcome"] == scenario["expect"]["outcome"], scenario["name"]


def _nested(data: dict, fact_id: str):
    for part in fact_id.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _page_value(fact, value):
    if value is None:
        return [] if fact.type == "choices" else ""
    if fact.type == "date":
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if fact.type in ("money", "whole_number"):
        return str(value)
    return value.strip() if isinstance(value, str) else value


# The page as built, and content that could break out of the script -----------------------


def test_the_build_writes_the_checker_and_the_schema(built_site):
    (version,) = [
        p.name for p in built_site.iterdir() if p.is_dir() and p.name[0].isdigit() and not (ROOT / "editions" / p.name).is_dir()
    ] or [max((p.name for p in built_site.iterdir() if p.is_dir() and p.name[0].isdigit()), key=lambda v: tuple(map(int, v.split("."))))]
    page = (built_site / version / "checker.html").read_text(encoding="utf-8")
    assert '<script type="application/json" id="checker-data">' in page
    assert '"format":"guidance-builder/rules@2"' in page
    # No address outside the page (GOV.UK Frontend's print styles select links by their scheme).
    text = re.sub(r'\[href\^="https?://"\]', "", page.replace("http://www.w3.org", ""))
    assert "http://" not in text and "https://" not in text
    schema = (built_site / version / "assess-input.schema.json").read_text(encoding="utf-8")
    assert schema == (ROOT / "schemas" / "assess-input.schema.json").read_text(encoding="utf-8")


def test_content_cannot_break_out_of_the_page(project, chromium, tmp_path):
    criteria = project / "content" / "criteria.yaml"
    hostile = "Contact </script><script>window.pwned=1</script> & <!-- people"
    text = criteria.read_text(encoding="utf-8").replace("name: Significant contact with at-risk people", f"name: '{hostile}'")
    criteria.write_text(text, encoding="utf-8")
    edition, _ = require_edition(Project.at(project))
    engine = Engine(edition.book, edition.document.anchors)
    site = tmp_path / "site"
    site.mkdir()
    (site / "checker.html").write_text(render_checker(engine, create_environment(edition.project), edition.project), encoding="utf-8")
    program = engine.program.as_json(engine.plain)
    answers = random_cases(engine, 1)[0] | {"event": "termination", "criteria.at_risk_contact": True}
    with local_only_page(chromium) as (page, _):
        view = page_view(page, (site / "checker.html").as_uri(), answers, keyboard=False, program=program)
        assert any("contact </script><script>window.pwned=1</script> & <!-- people" in r[0] for r in view["reasons"])
        assert page.evaluate("window.pwned") is None
