"""The checker page as a generic interpreter of a rules program, in headless Chromium.

The page is made from the bundled content's rules program the way render_checker makes it: checker.html with the
CEL bundle and the scripts of templates/assets/checker-scripts.json inlined, under a policy
that lets only those scripts run, by hash. Paths through the procedure are answered with the
keyboard or the mouse, and what the page concludes must be what the rules scripts conclude
in node for the same answers, reason by reason.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, browser, local_only_page
from tests.checker_driver import READ_OUTCOME, WATCH_POLICY, Driver, as_shown, bundled_program, expected_view, node_walk, render_page
from tests.conftest import ROOT

if not Path(CHROMIUM).is_file() or shutil.which("node") is None or not (ROOT / ".deps" / "cel.js").is_file():
    raise RuntimeError("Chromium, node or .deps/cel.js is missing: run scripts/setup test; browser tests never pass quietly")

PROGRAM = bundled_program()
FACTS = {fact["id"]: fact for fact in PROGRAM["facts"]}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def page_url(tmp_path_factory) -> str:
    return render_page(tmp_path_factory.mktemp("generic"), PROGRAM)


@pytest.fixture
def page(chromium, page_url):
    with local_only_page(chromium) as (page, outside):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.add_init_script(WATCH_POLICY)
        page.goto(page_url)
        page.wait_for_selector("#checker[data-ready=true]")
        yield page
        assert errors == [] and outside == [], (errors, outside)
        assert page.evaluate("window.__refused") == []


BASE = {
    "event": "expiry",
    "criteria.at_risk_contact": True,
    "criteria.coercive_powers": False,
    "criteria.rights_infringement": False,
    "relevant_contract": True,
    "value_gbp": "4,500,000",
    "authority.type": "local_authority",
    "event_date": "2026-09-30",
    "provider.type": "private",
    "good_reason.ground": "insufficient_capacity",
    "good_reason.evidence": "Workforce plan, April 2026",
    "good_reason.support_considered": ["model_contract", "government_legal_department", "councillor_collaboration"],
    "insourcing.scope": "",
}
PATHS = [
    ("a good reason with every support measure", {}, True, "keep_and_review"),
    ("a good reason that is not about capacity", {"good_reason.ground": "risk_mitigation"}, False, "exempt"),
    ("only part of the service", {"good_reason.ground": "", "insourcing.scope": "part"}, False, "insource_part"),
    ("no event", {"event": "none"}, False, "no_assessment_due"),
    ("no test met", {"criteria.at_risk_contact": False}, False, "not_in_scope"),
    ("not a relevant contract", {"relevant_contract": False}, True, "exempt"),
    ("below the threshold", {"value_gbp": "150000"}, False, "exempt"),
    (
        "at the threshold, no evidence",
        {"value_gbp": "207,720", "good_reason.ground": "risk_mitigation", "good_reason.evidence": ""},
        False,
        "insource",
    ),
    ("between authorities", {"provider.type": "other_public_authority"}, False, "exempt"),
    ("no good reason", {"good_reason.ground": ""}, True, "insource"),
    ("a support measure missing", {"good_reason.support_considered": ["model_contract"]}, False, "insource"),
    ("the earlier threshold", {"authority.type": "central_government", "value_gbp": "139000", "event_date": "2025-06-01"}, False, "exempt"),
]


def digits(answers: dict) -> dict:
    return {k: v.replace(",", "") if FACTS[k]["type"] == "money" and isinstance(v, str) else v for k, v in answers.items()}


def test_the_page_concludes_what_rules_env_concludes(page, page_url) -> None:
    views, told_all, outcomes = [], [], set()
    for name, change, keyboard, outcome in PATHS:
        page.goto(page_url)
        page.wait_for_selector("#checker[data-ready=true]")
        answers = {**BASE, **change}
        told, screens = Driver(page, keyboard, PROGRAM).run(answers)
        view = page.evaluate(READ_OUTCOME)
        assert page.evaluate("document.activeElement.id") == "outcome-heading", name
        views.append((name, answers, view, screens))
        told_all.append(told)
        outcomes.add(view["outcome"])
        assert view["outcome"] == outcome, name
    # What the page was told, walked as the page walks it; and every answer, walked as the engine does.
    partial = node_walk(PROGRAM, [{"answers": digits(told), "partial": True} for told in told_all])
    complete = node_walk(PROGRAM, [{"answers": digits(answers), "partial": False} for _, answers, _, _ in views])
    for (name, _, view, screens), mine, full in zip(views, partial, complete, strict=True):
        assert view == expected_view(mine, PROGRAM), name
        assert set(screens) <= set(mine["path"]) and mine["path"] == full["path"], name
        on_path = [r for r in full["reasons"] if r["step"] is not None or r["cites"].startswith("outcome.")]
        assert [r for r in view["reasons"] if r[2] is not None or r[1].startswith("outcome.")] == [as_shown(r) for r in on_path], name
        assert (view["outcome"], view["decided_by"]) == (full["outcome"], full["decided_by"]), name
    assert outcomes == {o["id"] for o in PROGRAM["outcomes"]}


def test_follow_up_questions_appear_only_when_an_answer_calls_for_them(page) -> None:
    driver = Driver(page, keyboard=True, program=PROGRAM)
    for _ in range(5):  # event, tests, relevant, threshold, parties
        driver.answer_step(BASE)
    assert page.get_attribute("form.step", "data-step") == "reason"
    evidence, support = '[data-field="good_reason.evidence"]', '[data-field="good_reason.support_considered"]'
    assert not page.is_visible(evidence) and not page.is_visible(support)
    page.focus('input[name="good_reason.ground"][value=risk_mitigation]')
    page.keyboard.press("Space")
    assert page.is_visible(evidence) and page.is_visible(support)  # asked whenever a ground is given
    page.keyboard.press("ArrowDown")
    assert driver.focused('input[name="good_reason.ground"][value=insufficient_capacity]')
    assert page.is_visible(evidence) and page.is_visible(support)
    Driver(page, keyboard=False, program=PROGRAM).choose('input[name="good_reason.ground"][value=""]')  # "None of these"
    assert not page.is_visible(evidence) and not page.is_visible(support)
    assert "(optional)" in page.inner_text('[data-field="good_reason.ground"] legend')


def test_problems_are_shown_in_an_error_summary(page) -> None:
    driver = Driver(page, keyboard=True, program=PROGRAM)
    driver.submit()
    assert driver.focused(".error-summary") and page.title().startswith("Error: ")
    assert "Select an answer (What has happened to the contract?)" in page.inner_text(".error-summary")
    assert page.is_visible("#field-event-error") and "govuk-form-group--error" in page.get_attribute("#field-event-group", "class")
    page.focus(".error-summary a")
    page.keyboard.press("Enter")
    assert driver.focused("input[name=event]")
    for _ in range(3):
        driver.answer_step(BASE)
    assert page.get_attribute("form.step", "data-step") == "threshold"
    driver.answer("authority.type", "local_authority")
    driver.type('[data-field="value_gbp"] input', "about a million")
    driver.answer("event_date", "2026-02-28")
    driver.type('[data-field="event_date"] .input-date-day', "31")
    driver.submit()
    summary = page.inner_text(".error-summary")
    assert "Enter a whole number of pounds, using digits only" in summary and "Enter a real date" in summary
    assert "govuk-input--error" in page.get_attribute('[data-field="value_gbp"] input', "class")
    driver.type('[data-field="value_gbp"] input', "150,000")
    driver.answer("event_date", "2023-06-01")
    driver.submit()
    assert (
        "No threshold is in force on that date for local authorities; the guidance's thresholds start on 1 January 2024"
        in page.inner_text(".error-summary")
    )
    driver.answer("event_date", "2026-06-01")
    driver.submit()
    assert page.get_attribute("section.outcome", "data-outcome") == "exempt"
    assert (
        "The contract value £150,000 is below the threshold £207,720 in force from 1 January 2026 for local authorities"
        in page.inner_text("ol.reasons")
    )


def test_answers_can_be_changed_and_the_checker_started_again(page) -> None:
    driver = Driver(page, keyboard=False, program=PROGRAM)
    driver.run(BASE)
    assert page.get_attribute("section.outcome", "data-decided-by") == "good_reason"
    rows = page.inner_text("dl.answers")
    assert "£4,500,000" in rows and "30 September 2026" in rows and "Local authorities" in rows
    page.click('[data-fact="value_gbp"] a')
    assert page.get_attribute("form.step", "data-step") == "threshold" and driver.focused("#step-heading")
    assert page.input_value('[data-field="value_gbp"] input') == "4500000"
    assert page.is_checked('input[name="authority.type"][value=local_authority]')
    driver.type('[data-field="value_gbp"] input', "99")
    driver.submit()
    assert page.get_attribute("section.outcome", "data-decided-by") == "below_threshold"
    page.click("section.outcome button:text-is('Back')")
    assert page.get_attribute("form.step", "data-step") == "threshold"
    driver.submit()
    page.click("section.outcome button:text-is('Start again')")
    assert page.get_attribute("form.step", "data-step") == "event" and not page.is_checked("input[name=event][value=expiry]")


def test_a_script_the_policy_does_not_list_is_refused(chromium, tmp_path) -> None:
    """The page runs only by its scripts' hashes: leave one out and the checker cannot start."""
    url = render_page(tmp_path, PROGRAM, leave_out="rules-env.js")
    with local_only_page(chromium) as (page, _):
        page.add_init_script(WATCH_POLICY)
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__refused") and page.get_attribute("#checker", "data-ready") is None


@pytest.mark.parametrize(
    ("where", "change", "said"),
    [(("items", 0, "condition"), 'value_gbp < "100"', "value_gbp"), (("format",), "guidance-builder/checker@1", "checker@1")],
    ids=["a condition that does not check", "another format"],
)
def test_a_program_the_page_cannot_read_is_not_run(chromium, tmp_path, where, change, said) -> None:
    broken = json.loads(json.dumps(PROGRAM))
    *path, last = where
    target = broken
    for key in path:
        target = target[key]
    target[last] = change
    url = render_page(tmp_path, broken)
    with local_only_page(chromium) as (page, _):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.wait_for_load_state("load")
        assert "The checker cannot run" in page.inner_text("#checker")
        assert errors and said in errors[0]


def test_every_kind_of_screen_passes_axe(chromium, page_url) -> None:
    assert AXE.exists(), "axe-core is not installed: run scripts/setup test"
    with local_only_page(chromium, bypass_csp=True) as (page, _):
        page.goto(page_url)
        page.wait_for_selector("#checker[data-ready=true]")

        def violations(state: str) -> list[str]:
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(
                "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
            )
            return [f"{state}: {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in found["violations"]]

        driver = Driver(page, keyboard=False, program=PROGRAM)
        problems = violations("first question")
        driver.submit()
        problems += violations("problems shown")
        while not page.query_selector("section.outcome"):
            problems += violations(f"step {page.get_attribute('form.step', 'data-step')}")
            driver.answer_step(BASE)
        problems += violations("outcome")
    assert problems == [], "\n".join(problems)


# Where focus is, and whether it can be seen: an outline or a box shadow on the control or,
# for the radios and check boxes the design system draws itself, on its label.
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const styles = [getComputedStyle(e)];
  const label = e.labels && e.labels[0];
  if (label) styles.push(getComputedStyle(label), getComputedStyle(label, "::before"), getComputedStyle(label, "::after"));
  const visible = styles.some(s => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== "rgba(0, 0, 0, 0)")
    || (s.boxShadow && s.boxShadow !== "none"));
  return {tag: e.tagName.toLowerCase(), type: e.type || "", name: e.name || "", value: e.value || "", checked: !!e.checked,
          text: (e.innerText || e.textContent || "").trim(), visible: visible};
}"""


def test_tab_arrows_space_and_enter_are_enough(page) -> None:
    """No focus set by the test: Tab to each control, arrows within radios, Space, typing, Enter."""
    wanted = {
        "event": "termination",
        "criteria.at_risk_contact": "false",
        "criteria.coercive_powers": "true",
        "criteria.rights_infringement": "false",
        "relevant_contract": "true",
        "value_gbp": "4,500,000",
        "authority.type": "local_authority",
        "event_date.day": "30",
        "event_date.month": "9",
        "event_date.year": "2026",
        "provider.type": "voluntary",
        "good_reason.ground": "insufficient_capacity",
        "good_reason.evidence": "Workforce plan, April 2026",
        "good_reason.support_considered": ["model_contract", "government_legal_department", "councillor_collaboration"],
    }
    keys = page.keyboard
    answered: set[str] = set()
    for _ in range(len(PROGRAM["steps"])):
        if page.query_selector("section.outcome"):
            break
        for _ in range(80):
            keys.press("Tab")
            focus = page.evaluate(FOCUS)
            assert focus is not None and focus["visible"], focus
            name = focus["name"]
            if focus["type"] == "radio":
                for _ in range(8):
                    if page.evaluate("document.activeElement.value") == wanted[name]:
                        break
                    keys.press("ArrowDown")
                if not page.evaluate("document.activeElement.checked"):
                    keys.press("Space")
                assert page.evaluate("document.activeElement.checked && document.activeElement.value") == wanted[name]
            elif focus["type"] == "checkbox":
                if (focus["value"] in wanted[name]) != focus["checked"]:
                    keys.press("Space")
            elif focus["tag"] in ("input", "textarea"):
                keys.type(wanted[name])
            elif focus["tag"] == "button" and focus["text"] == "Continue":
                keys.press("Enter")
                break
            else:
                continue
            answered.add(name)
        assert page.evaluate("document.activeElement.id") in ("step-heading", "outcome-heading")
    assert page.get_attribute("section.outcome", "data-decided-by") == "good_reason"
    assert answered == set(wanted)
    reasons = page.inner_text("ol.reasons")
    assert "termination starts the duty" in reasons and "having considered every support measure" in reasons


def test_a_step_with_nothing_left_to_ask_is_passed_through(chromium, tmp_path) -> None:
    """A step whose only question the answers so far rule out is walked, not shown; Back skips it."""
    program = json.loads(json.dumps(PROGRAM))
    provider = next(fact for fact in program["facts"] if fact["id"] == "provider.type")
    provider["asked_when"] = 'authority.type != "central_government"'
    url = render_page(tmp_path, program)
    answers = {**BASE, "authority.type": "central_government", "good_reason.ground": ""}
    with local_only_page(chromium) as (page, _):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.wait_for_selector("#checker[data-ready=true]")
        driver = Driver(page, keyboard=False, program=PROGRAM)
        told, screens = driver.run(answers)
        assert screens == ["event", "tests", "relevant", "threshold", "reason", "scope"] and "provider.type" not in told
        steps = [r[2] for r in page.evaluate(READ_OUTCOME)["reasons"]]
        assert "parties" in steps and page.get_attribute("section.outcome", "data-outcome") == "insource"
        page.click("section.outcome button:text-is('Back')")
        assert page.get_attribute("form.step", "data-step") == "scope"
        page.click("form.step button:text-is('Back')")
        assert page.get_attribute("form.step", "data-step") == "reason"
        page.click("form.step button:text-is('Back')")
        assert page.get_attribute("form.step", "data-step") == "threshold"
        driver.answer("authority.type", "local_authority")
        driver.submit()
        assert page.get_attribute("form.step", "data-step") == "parties", "a blank given on the way is not undone by Back"
        assert errors == []
