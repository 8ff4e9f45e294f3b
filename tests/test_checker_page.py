"""The checker page, driven in headless Chromium with the keyboard alone.

Every path through the procedure (enumerated from content/procedure.yaml) and every way
of answering each step is run through the page and through the engine; they must give
the same outcome, the same steps and the same reasons, citing the same paragraphs.
"""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path

import playwright.sync_api as playwright_sync
import pytest
from scenarios.table import load_table, merge, scenarios, to_yaml

from guidance_builder.engine.checker import render_checker
from guidance_builder.engine.inputs import ContractReader
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():  # .ci/run installs it; say so rather than pass quietly
    raise RuntimeError(
        f"Chromium is not installed at {CHROMIUM}: run scripts/setup test (it installs it); browser tests never pass quietly"
    )


@functools.cache
def reader_for(engine: Engine) -> ContractReader:
    return ContractReader(engine)


def load_engine(root: Path) -> tuple[Engine, Project]:
    project = Project.at(root)
    edition, _ = require_edition(project)
    return Engine(edition.book, edition.document.anchors), project


def write_page(engine: Engine, project: Project, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "checker.html"
    path.write_text(render_checker(engine, create_environment(project), project), encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def engine_and_project():
    return load_engine(ROOT)


@pytest.fixture(scope="module")
def engine(engine_and_project) -> Engine:
    return engine_and_project[0]


@pytest.fixture(scope="module")
def page_url(engine_and_project, tmp_path_factory) -> str:
    engine, project = engine_and_project
    return write_page(engine, project, tmp_path_factory.mktemp("checker"))


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Checker:
    """One browser tab on the checker page, recording page errors and network requests."""

    def __init__(self, browser, url: str):
        self.url = url
        self.page = browser.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def open(self) -> None:
        self.page.goto(self.url)
        self.page.wait_for_selector("#checker[data-ready=true]")

    def active(self, selector: str) -> bool:
        return self.page.evaluate("(s) => document.activeElement.matches(s)", selector)

    def press_on(self, selector: str, key: str) -> None:
        """Move focus to a control (as Tab would) and press a key on it."""
        self.page.focus(selector)
        self.page.keyboard.press(key)

    def type_into(self, selector: str, text: str) -> None:
        self.page.focus(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Backspace")
        if text:
            self.page.keyboard.type(text)

    def answer(self, name: str, data: dict) -> None:
        reason = data.get("good_reason") or {}
        radio = 'input[type=radio][name="{}"][value="{}"]'
        values = {
            "event": data["event"],
            "relevant_contract": str(data["relevant_contract"]).lower(),
            "authority_type": data["authority"]["type"],
            "provider_type": data["provider"]["type"],
            "good_reason.ground": reason.get("ground", "none"),
        }
        if name.startswith("criteria."):
            self.press_on(radio.format(name, str(data["criteria"][name[9:]]).lower()), "Space")
        elif name in values:
            self.press_on(radio.format(name, values[name]), "Space")
        elif name == "value_gbp":
            self.type_into("#field-value-gbp-input", str(data["value_gbp"]))
        elif name == "event_date":
            date = data["event_date"]
            for part, value in (("day", date.day), ("month", date.month), ("year", date.year)):
                self.type_into(f"#field-event-date-{part}", str(value))
        elif name == "good_reason.evidence":
            self.type_into("#field-good-reason-evidence-input", reason.get("evidence", ""))
        elif name == "good_reason.support_considered":
            wanted = set(reason.get("support_considered", []))
            for box in self.page.query_selector_all('input[type=checkbox][name="good_reason.support_considered"]'):
                if box.is_checked() != (box.get_attribute("value") in wanted):
                    box.focus()
                    self.page.keyboard.press("Space")
        else:
            raise AssertionError(f"the page asks about {name!r}, which this test cannot answer")

    def run(self, data: dict, keyboard: bool = True) -> dict:
        """Answer every question the page asks for this contract; return what it concludes.

        With the keyboard, each answer is a key press on the control (Space on a radio
        button, typing in a box, Enter on Continue). Without, a script in the page sets
        the same controls and submits the form: the page reads, checks and decides
        exactly as it does for a person, many times faster.
        """
        if keyboard or self.page.url != self.url or not self.page.query_selector("section.outcome"):
            self.open()
        if keyboard:
            steps = []
            for _ in range(50):
                if self.page.query_selector("section.outcome"):
                    break
                form = self.page.query_selector("form.step")
                steps.append(form.get_attribute("data-step"))
                for field in form.query_selector_all("[data-field]"):
                    self.answer(field.get_attribute("data-field"), data)
                self.press_on("form.step button[type=submit]", "Enter")
                summary = self.page.query_selector(".error-summary:not([hidden])")
                assert summary is None, f"the page refused the answers at {steps[-1]}: {summary.inner_text()}"
        else:
            done = self.page.evaluate(FILL_IN, form_answers(data))
            assert "refused" not in done, f"the page refused the answers at {done['refused']}: {done['problem']}"
            steps = done["steps"]
        shown = self.page.evaluate(READ_OUTCOME)
        assert self.errors == [], self.errors
        return {
            "outcome": shown["outcome"],
            "decided_by": shown["decided_by"].split(),
            "steps": steps,
            "reasons": [(r[0], r[1], r[2] or None, r[3], r[4]) for r in shown["reasons"]],
            "focused": shown["focused"],
        }


FILL_IN = """(answers) => {
  const again = document.querySelector("section.outcome .buttons button:last-child");
  if (again) { again.click(); }  /* "Start again" after the last contract */
  const steps = [];
  for (let i = 0; i < 50 && !document.querySelector("section.outcome"); i++) {
    const form = document.querySelector("form.step");
    steps.push(form.dataset.step);
    for (const field of form.querySelectorAll("[data-field]")) {
      const name = field.dataset.field;
      const value = answers[name];
      if (name === "value_gbp" || name === "good_reason.evidence") {
        field.querySelector("input, textarea").value = value;
      } else if (name === "event_date") {
        ["day", "month", "year"].forEach((part, n) => { field.querySelector(".input-date-" + part).value = value[n]; });
      } else if (name === "good_reason.support_considered") {
        for (const box of field.querySelectorAll("input[type=checkbox]")) { box.checked = value.includes(box.value); }
      } else {
        field.querySelector(`input[type=radio][value="${value}"]`).checked = true;
      }
    }
    form.requestSubmit();
    const summary = document.querySelector(".error-summary:not([hidden])");
    if (summary) { return { refused: form.dataset.step, problem: summary.textContent }; }
  }
  return { steps: steps };
}"""


READ_OUTCOME = """() => {
  const outcome = document.querySelector("section.outcome");
  const reasons = Array.from(outcome.querySelectorAll("li.reason"), (item) => {
    const link = item.querySelector("a");
    return [item.textContent, item.dataset.cites, item.dataset.step,
            link ? link.textContent : "", link ? link.getAttribute("href") : ""];
  });
  return { outcome: outcome.dataset.outcome, decided_by: outcome.dataset.decidedBy || "", reasons: reasons,
           focused: document.activeElement.id };
}"""


def form_answers(data: dict) -> dict:
    """The answer to each of the page's fields for a contract (for FILL_IN)."""
    reason = data.get("good_reason") or {}
    date = data["event_date"]
    return {
        "event": data["event"],
        **{f"criteria.{c}": str(flag).lower() for c, flag in data["criteria"].items()},
        "relevant_contract": str(data["relevant_contract"]).lower(),
        "authority_type": data["authority"]["type"],
        "provider_type": data["provider"]["type"],
        "value_gbp": str(data["value_gbp"]),
        "event_date": [str(date.day), str(date.month), str(date.year)],
        "good_reason.ground": reason.get("ground", "none"),
        "good_reason.evidence": reason.get("evidence", ""),
        "good_reason.support_considered": reason.get("support_considered", []),
    }


@pytest.fixture(scope="module")
def checker(browser, page_url):
    checker = Checker(browser, page_url)
    yield checker
    checker.page.close()


def engine_view(engine: Engine, data: dict) -> dict:
    a = engine.assess(reader_for(engine).read_text(to_yaml(data)))
    shown = [r for r in a.reasons if r.step is not None or r.key.startswith("outcome.")]
    return {
        "outcome": a.outcome,
        "decided_by": a.decided_by,
        "steps": a.path,
        "reasons": [(f"{r.text[:-1]} ({r.label}).", r.key, r.step, r.label, f"guidance.html#{r.anchor}") for r in shown],
    }


def agree(checker: Checker, engine: Engine, data: dict, keyboard: bool = True) -> dict:
    page = checker.run(data, keyboard)
    expected = engine_view(engine, data)
    assert page["focused"] == "outcome-heading"
    del page["focused"]
    assert page == expected
    return expected


# Every path through the procedure, and every way of answering each step ---------------


BASE = {
    "reference": "PATH-1",
    "title": "Path through the procedure",
    "authority": {"name": "Example Council", "type": "local_authority"},
    "provider": {"name": "Example Ltd", "type": "private"},
    "relevant_contract": True,
    "value_gbp": 10**12,
    "event_date": datetime.date(2026, 9, 30),
}


def base(engine: Engine) -> dict:
    return {**BASE, "event": engine.trigger_ids[0], "criteria": {c: True for c in engine.criteria_ids}}


def step_variants(engine: Engine, step) -> list[dict]:
    """Every way worth trying of answering one step: changes to a contract."""
    book = engine.book
    asks = step.asks
    found: list[dict] = []
    if asks.triggers:
        found += [{"event": t} for t in engine.trigger_ids] + [{"event": "none"}]
    if asks.criteria:
        every = engine.criteria_ids
        found += [{"criteria": {c: c == one for c in every}} for one in asks.criteria]
        found += [{"criteria": dict.fromkeys(every, True)}, {"criteria": dict.fromkeys(every, False)}]
    for exemption in asks.exemptions:
        kind = engine.rules[exemption].kind
        if kind == "not_relevant_contract":
            found += [{"relevant_contract": False}, {"relevant_contract": True}]
        elif kind == "below_threshold":
            for authority in book.authority_types:
                values = sorted(authority.values, key=lambda v: v.from_)
                for previous, value in zip([None, *values], values, strict=False):
                    on = {"authority": {"type": authority.id}, "event_date": value.from_}
                    found += [{**on, "value_gbp": value.amount + delta} for delta in (-1, 0, 1)]
                    if previous is not None:
                        before = {"authority": {"type": authority.id}, "event_date": value.from_ - datetime.timedelta(days=1)}
                        found += [{**before, "value_gbp": previous.amount - 1}, {**before, "value_gbp": previous.amount}]
        elif kind == "between_parties":
            found += [
                {"authority": {"type": a}, "provider": {"type": p}}
                for a in engine.authority_types
                for p in ("private", "voluntary", "local_authority", "other_public_authority")
            ]
        elif kind == "good_reason":
            every = engine.support_ids
            found.append({"good_reason": None})
            for ground in book.grounds:
                found.append({"good_reason": {"ground": ground.id, "evidence": "Evidence on file", "support_considered": every}})
                found.append({"good_reason": {"ground": ground.id, "support_considered": every}})
                if ground.requires_support_considered:
                    for missing in every:
                        considered = [s for s in every if s != missing]
                        found.append(
                            {"good_reason": {"ground": ground.id, "evidence": "Evidence on file", "support_considered": considered}}
                        )
                    found.append({"good_reason": {"ground": ground.id, "evidence": "Evidence on file"}})
    return found


def branch_taken(engine: Engine, data: dict, step) -> str:
    contract = reader_for(engine).read_text(to_yaml(data))
    threshold = engine.threshold_for(contract.authority_type, contract.event_date)
    hit = contract.event in step.asks.triggers or any(contract.criteria[c] for c in step.asks.criteria)
    hit = hit or any(engine.exemption(e, contract, threshold)[0] for e in step.asks.exemptions)
    return "if_any" if hit else "if_none"


def graph_paths(engine: Engine) -> list[list[tuple[str, str]]]:
    """Every path from the start to an outcome, as (step, branch) pairs."""
    steps = engine.steps
    paths = []

    def walk(step_id: str, so_far: list[tuple[str, str]]) -> None:
        for branch in ("if_any", "if_none"):
            target = getattr(steps[step_id], branch)
            here = [*so_far, (step_id, branch)]
            if target.outcome:
                paths.append(here)
            else:
                walk(target.next, here)

    walk(engine.start, [])
    return paths


def path_cases(engine: Engine) -> list[tuple[str, dict]]:
    start = base(engine)
    variants = {s.id: step_variants(engine, s) for s in engine.book.procedure.steps}
    default: dict[tuple[str, str], dict] = {}
    for step in engine.book.procedure.steps:
        for change in variants[step.id]:
            default.setdefault((step.id, branch_taken(engine, merge(start, change), step)), change)

    def along(pairs: list[tuple[str, str]]) -> dict:
        data = start
        for pair in pairs:
            data = merge(data, default[pair])
        return data

    cases: list[tuple[str, dict]] = []
    paths = graph_paths(engine)
    for path in paths:
        cases.append((" > ".join(f"{s}:{b[3:]}" for s, b in path), along(path)))
    for step in engine.book.procedure.steps:
        prefix = next(p[: [s for s, _ in p].index(step.id)] for p in paths if step.id in [s for s, _ in p])
        for number, change in enumerate(variants[step.id], 1):
            cases.append((f"{step.id} answer {number}", merge(along(prefix), change)))
    unique: dict[str, tuple[str, dict]] = {}
    for name, data in cases:
        unique.setdefault(to_yaml(data), (name, data))
    return list(unique.values())


def test_the_cases_cover_every_path_and_every_branch(engine):
    cases = path_cases(engine)
    taken = set()
    branches = set()
    for _, data in cases:
        a = engine.assess(reader_for(engine).read_text(to_yaml(data)))
        taken.add((tuple(a.path), a.outcome))
        for step_id in a.path:
            branches.add((step_id, branch_taken(engine, data, engine.steps[step_id])))
    every_path = {(tuple(s for s, _ in p), getattr(engine.steps[p[-1][0]], p[-1][1]).outcome) for p in graph_paths(engine)}
    assert taken == every_path
    assert branches == {(s.id, b) for s in engine.book.procedure.steps for b in ("if_any", "if_none")}
    assert len(cases) >= 40


def test_the_page_and_the_engine_agree_on_every_path(checker, engine):
    """Each path through the procedure with the keyboard, then every way of answering each step."""
    paths = graph_paths(engine)
    cases = path_cases(engine)
    outcomes = set()
    for number, (name, data) in enumerate(cases):
        try:
            outcomes.add(agree(checker, engine, data, keyboard=number < len(paths))["outcome"])
        except AssertionError as error:
            raise AssertionError(f"case {name!r}: {error}") from None
    assert outcomes == {o.id for o in engine.book.procedure.outcomes}


SCENARIOS = scenarios()


def test_the_page_and_the_engine_agree_on_every_scenario(checker, engine):
    for scenario in SCENARIOS:
        try:
            view = agree(checker, engine, scenario["contract"], keyboard=False)
        except AssertionError as error:
            raise AssertionError(f"scenario {scenario['name']!r}: {error}") from None
        assert view["outcome"] == scenario["expect"]["outcome"]


def test_the_page_makes_no_requests(checker, engine):
    checker.requests.clear()
    agree(checker, engine, SCENARIOS[0]["contract"])
    assert checker.requests and all(url == checker.url for url in checker.requests), checker.requests


# Keyboard only --------------------------------------------------------------------------


def tab_to(checker: Checker, selector: str, backwards: bool = False) -> None:
    for _ in range(60):
        checker.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if checker.active(selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_whole_procedure_with_the_keyboard_alone(browser, page_url):
    """Only Tab, arrow keys, Space, Enter and typing: no clicks, no focus set by the test."""
    checker = Checker(browser, page_url)
    page = checker.page
    keys = page.keyboard
    checker.open()
    assert checker.active("body")

    # Step 1: the first radio of the group takes focus from Tab; Space chooses it.
    tab_to(checker, "input[name=event]")
    assert checker.active("input[name=event][value=expiry]")
    keys.press("Space")
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 2" in page.inner_text("#step-heading")

    # Step 2: yes to the first test; the arrow key moves to and chooses "No" in the others.
    tab_to(checker, 'input[name="criteria.at_risk_contact"]')
    keys.press("Space")
    for name in ("criteria.coercive_powers", "criteria.rights_infringement"):
        tab_to(checker, f'input[name="{name}"]')
        keys.press("ArrowDown")
        assert checker.active(f'input[name="{name}"][value=false]')
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 3" in page.inner_text("#step-heading")

    # Step 3: going on without an answer shows the problem and moves focus to it.
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    assert checker.active(".error-summary")
    assert "Select an answer" in page.inner_text(".error-summary")
    tab_to(checker, ".error-summary a")
    keys.press("Enter")
    assert checker.active("input[name=relevant_contract]")
    keys.press("ArrowDown")  # "No": the contract is inside the definition
    assert checker.active("input[name=relevant_contract][value=true]")
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 4" in page.inner_text("#step-heading")

    # Step 4: authority type, value and date.
    tab_to(checker, "input[name=authority_type]")
    keys.press("ArrowDown")
    assert checker.active("input[name=authority_type][value=local_authority]")
    tab_to(checker, "#field-value-gbp-input")
    keys.type("4,500,000")
    for part, text in (("day", "30"), ("month", "9"), ("year", "2026")):
        tab_to(checker, f"#field-event-date-{part}")
        keys.type(text)
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 5" in page.inner_text("#step-heading")
    assert page.query_selector("input[name=authority_type]") is None, "a fact already given is asked again"

    # Step 5: a private provider.
    tab_to(checker, "input[name=provider_type]")
    keys.press("Space")
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 6" in page.inner_text("#step-heading")

    # Step 6: insufficient capacity, with evidence and every support measure.
    tab_to(checker, 'input[name="good_reason.ground"]')
    keys.press("ArrowDown")
    assert checker.active('input[name="good_reason.ground"][value=insufficient_capacity]')
    tab_to(checker, "#field-good-reason-evidence-input")
    keys.type("Workforce plan, April 2026")
    for index in range(3):
        tab_to(checker, f"#field-good-reason-support-considered-{index}")
        keys.press("Space")
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")

    assert checker.active("#outcome-heading")
    outcome = page.query_selector("section.outcome")
    assert outcome.get_attribute("data-outcome") == "exempt"
    assert outcome.get_attribute("data-decided-by") == "good_reason"
    reasons = page.inner_text("ol.reasons")
    assert "£4,500,000 is not below the threshold £207,720 in force from 1 January 2026 for local authorities" in reasons

    # Back returns to the last question with its answers kept; Start again clears them.
    tab_to(checker, "section.outcome button", backwards=False)
    assert page.evaluate("document.activeElement.textContent") == "Back"
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 6" in page.inner_text("#step-heading")
    assert page.is_checked('input[name="good_reason.ground"][value=insufficient_capacity]')
    tab_to(checker, "button[type=submit]")
    keys.press("Enter")
    tab_to(checker, "section.outcome button")
    tab_to(checker, "section.outcome button:not(:first-child)")
    keys.press("Enter")
    assert checker.active("#step-heading") and "Step 1" in page.inner_text("#step-heading")
    assert not page.is_checked("input[name=event][value=expiry]")
    assert checker.errors == []
    page.close()


def test_a_wrong_value_or_date_is_explained(browser, page_url):
    checker = Checker(browser, page_url)
    data = load_table()["base"]
    checker.open()
    for _ in range(3):  # event, tests, relevant
        form = checker.page.query_selector("form.step")
        for field in form.query_selector_all("[data-field]"):
            checker.answer(field.get_attribute("data-field"), data)
        checker.press_on("form.step button[type=submit]", "Enter")
    assert checker.page.get_attribute("form.step", "data-step") == "threshold"
    checker.answer("authority_type", data)
    checker.type_into("#field-value-gbp-input", "about a million")
    for part, text in (("day", "31"), ("month", "2"), ("year", "2026")):
        checker.type_into(f"#field-event-date-{part}", text)
    checker.press_on("form.step button[type=submit]", "Enter")
    assert checker.active(".error-summary")
    summary = checker.page.inner_text(".error-summary")
    assert "Enter the contract value as a whole number of pounds" in summary and "Enter a real date" in summary
    checker.type_into("#field-value-gbp-input", "150000")
    for part, text in (("day", "1"), ("month", "6"), ("year", "2023")):
        checker.type_into(f"#field-event-date-{part}", text)
    checker.press_on("form.step button[type=submit]", "Enter")
    assert "No threshold is in force on that date for local authorities" in checker.page.inner_text(".error-summary")
    checker.type_into("#field-event-date-year", "2026")
    checker.press_on("form.step button[type=submit]", "Enter")
    assert checker.page.get_attribute("section.outcome", "data-outcome") == "exempt"
    assert checker.errors == []
    checker.page.close()


# The page as built, and content that could break out of the script -----------------------


def test_the_build_writes_the_checker_and_the_schema(built_site):
    (version,) = [p.name for p in built_site.iterdir() if p.is_dir() and p.name[0].isdigit()]
    page = (built_site / version / "checker.html").read_text(encoding="utf-8")
    assert '<script type="application/json" id="checker-data">' in page
    # No address outside the page (GOV.UK Frontend's print styles select links by their scheme).
    text = re.sub(r'\[href\^="https?://"\]', "", page.replace("http://www.w3.org", ""))
    assert "http://" not in text and "https://" not in text
    schema = (built_site / version / "assess-input.schema.json").read_text(encoding="utf-8")
    assert schema == (ROOT / "schemas" / "assess-input.schema.json").read_text(encoding="utf-8")


def test_content_cannot_break_out_of_the_page(project, browser, tmp_path):
    criteria = project / "content" / "criteria.yaml"
    hostile = "Contact </script><script>window.pwned=1</script> & <!-- people"
    text = criteria.read_text(encoding="utf-8").replace("name: Significant contact with at-risk people", f"name: '{hostile}'")
    criteria.write_text(text, encoding="utf-8")
    engine, proj = load_engine(project)
    url = write_page(engine, proj, tmp_path / "site")
    checker = Checker(browser, url)
    data = load_table()["base"]
    view = agree(checker, engine, dict(data, event="termination"))
    assert any("contact </script><script>window.pwned=1</script> & <!-- people" in r[0] for r in view["reasons"])
    assert checker.page.evaluate("window.pwned") is None
    checker.page.close()


FILL_ONE_STEP = FILL_IN.replace('if (again) { again.click(); }  /* "Start again" after the last contract */', "").replace(
    "for (let i = 0; i < 50 &&", "for (let i = 0; i < 1 &&"
)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_every_screen_passes_axe(browser, page_url, engine):
    """Not only the first question: problems shown, each kind of question, and the outcome."""
    assert AXE.exists(), "axe-core is not installed (scripts/setup installs it)"
    page = browser.new_page(bypass_csp=True)  # axe is injected as a script the page's policy would refuse
    page.goto(page_url)
    page.wait_for_selector("#checker[data-ready=true]")
    data = load_table()["base"]
    answers = form_answers(dict(data, good_reason={"ground": "insufficient_capacity", "support_considered": ["model_contract"]}))

    def violations(state: str) -> list[str]:
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS)
        return [f"{state}: {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in found["violations"]]

    problems = violations("first question")
    page.click("form.step button[type=submit]")  # nothing chosen: the problems are shown
    problems += violations("problems shown")
    seen = set()
    while not page.query_selector("section.outcome"):
        step = page.get_attribute("form.step", "data-step")
        if step not in seen:
            seen.add(step)
            problems += violations(f"step {step}")
        page.evaluate(FILL_ONE_STEP, answers)
    problems += violations("outcome")
    page.close()
    assert seen == set(engine.steps), seen
    assert problems == [], "\n".join(problems)
