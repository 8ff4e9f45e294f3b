"""Shared by the checker page tests: the page made from a rules program, a driver that
answers its questions like a person, and what it shows read back."""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from guidance_builder.engine.checker import INLINE_SCRIPT, POLICY_PLACEHOLDER, checker_scripts, json_for_script
from guidance_builder.engine.rules import Engine
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment
from tests.conftest import ROOT

WATCH_POLICY = "window.__refused = []; document.addEventListener('securitypolicyviolation', (e) => window.__refused.push(e.violatedDirective + ' ' + e.blockedURI));"
"""Records every script or style the page's policy refuses (an init script runs before the page's own)."""


@functools.cache
def bundled_engine() -> Engine:
    edition, _ = require_edition(Project.at(ROOT))
    return Engine(edition.book, edition.document.anchors)


def bundled_program() -> dict:
    """The rules program of the bundled content, as the build embeds it in the page."""
    engine = bundled_engine()
    return json.loads(json.dumps(engine.program.as_json(engine.plain)))


def sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(folder: Path, program: dict, leave_out: str | None = None) -> str:
    """The page as render_checker makes it, from `program`; its file:// address. `leave_out`
    names a script ("cel.js", or a file of templates/assets/checker-scripts.json) that the
    page's policy does not list."""
    project = Project.at(ROOT)
    read = lambda path: path.read_text(encoding="utf-8")  # noqa: E731
    scripts = {"cel.js": read(project.frontend / "cel.js"), **dict(checker_scripts(project))}
    style = "\n".join(
        read(path) for path in (project.frontend / "govuk-frontend.css", project.assets / "guidance.css", project.assets / "checker.css")
    )
    meta = SimpleNamespace(
        language="en-GB",
        issuing_body="Department for Example",
        short_title=program["title"],
        title="Guidance on bringing services back in house",
        version=program["version"],
        status="draft",
        publication_date=datetime.date(2026, 4, 1),
    )
    page = (
        create_environment(project)
        .get_template("checker.html")
        .render(
            meta=meta,
            data=Markup(json_for_script(program)),
            style=Markup(style),
            policy=POLICY_PLACEHOLDER,
            guidance_href="guidance.html",
            cel_script=Markup(scripts["cel.js"]),
            scripts=[Markup(source) for name, source in scripts.items() if name != "cel.js"],
        )
    )
    allowed = [source for source in INLINE_SCRIPT.findall(page) if source != (scripts[leave_out] if leave_out else None)]
    hashes = " ".join(dict.fromkeys(sha256(source) for source in allowed))
    policy = f"default-src 'none'; script-src {hashes}; style-src {sha256(style)}; base-uri 'none'; form-action 'none'"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "checker.html"
    path.write_text(page.replace(POLICY_PLACEHOLDER, policy, 1), encoding="utf-8")
    return path.as_uri()


def node_walk(program: dict, cases: list[dict]) -> list[dict]:
    """The rules scripts' assessment of each {answers, partial}, in node."""
    request = json.dumps({"program": program, "cases": cases})
    done = subprocess.run(
        ["node", str(ROOT / "scripts" / "rules-walk.mjs")], input=request, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout)


class Driver:
    """Answers the page's questions from a dict of answers, with the keyboard or the mouse."""

    def __init__(self, page, keyboard: bool, program: dict):
        self.page = page
        self.keyboard = keyboard
        self.program = program
        self.facts = {fact["id"]: fact for fact in program["facts"]}

    def focused(self, selector: str) -> bool:
        return self.page.evaluate("(s) => document.activeElement.matches(s)", selector)

    def choose(self, selector: str) -> None:
        if self.keyboard:
            self.page.focus(selector)
            self.page.keyboard.press("Space")
        else:
            self.page.click(f"label[for='{self.page.get_attribute(selector, 'id')}']")

    def type(self, selector: str, text: str) -> None:
        if self.keyboard:
            self.page.focus(selector)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Backspace")
            if text:
                self.page.keyboard.type(text)
        else:
            self.page.fill(selector, text)

    def answer(self, fact_id: str, value) -> None:
        fact = self.facts[fact_id]
        field = f'[data-field="{fact_id}"]'
        kind = fact["type"]
        if kind in ("yes_no", "choice"):
            wanted = str(value).lower() if kind == "yes_no" else value
            self.choose(f'{field} input[type=radio][value="{wanted}"]')
        elif kind == "choices":
            for box in self.page.query_selector_all(f"{field} input[type=checkbox]"):
                if box.is_checked() != (box.get_attribute("value") in value):
                    self.choose(f'{field} input[type=checkbox][value="{box.get_attribute("value")}"]')
        elif kind == "date":
            year, month, day = value.split("-")
            for part, text in (("day", str(int(day))), ("month", str(int(month))), ("year", year)):
                self.type(f"{field} .input-date-{part}", text)
        else:
            self.type(f"{field} input, {field} textarea", str(value))

    def submit(self) -> None:
        if self.keyboard:
            self.page.focus("form.step button[type=submit]")
            self.page.keyboard.press("Enter")
        else:
            self.page.click("form.step button[type=submit]")

    def answer_step(self, answers: dict) -> dict:
        """Answers every question the screen shows, including those an answer reveals;
        returns what the page was told (None for a question it kept hidden)."""
        done: dict = {}
        while True:
            shown = [f.get_attribute("data-field") for f in self.page.query_selector_all("form.step [data-field]") if f.is_visible()]
            todo = [fact_id for fact_id in shown if fact_id not in done]
            if not todo:
                break
            done[todo[0]] = answers[todo[0]]
            self.answer(todo[0], answers[todo[0]])
        for fact_id in (f.get_attribute("data-field") for f in self.page.query_selector_all("form.step [data-field]")):
            done.setdefault(fact_id, None)
        self.submit()
        summary = self.page.query_selector(".error-summary:not([hidden])")
        assert summary is None, f"the page refused the answers: {summary.inner_text()}"
        assert self.focused("#step-heading, #outcome-heading"), "focus did not move to the new screen's heading"
        return done

    def run(self, answers: dict) -> tuple[dict, list[str]]:
        told: dict = {}
        screens: list[str] = []
        for _ in range(len(self.program["steps"]) + 1):
            if self.page.query_selector("section.outcome"):
                break
            screens.append(self.page.get_attribute("form.step", "data-step"))
            told.update(self.answer_step(answers))
        assert self.page.query_selector("section.outcome"), f"no outcome after {screens}"
        return told, screens


READ_OUTCOME = """() => {
  const outcome = document.querySelector("section.outcome");
  const reasons = Array.from(outcome.querySelectorAll("li.reason"), (item) => {
    const link = item.querySelector("a");
    return [item.textContent, item.dataset.cites, item.dataset.step || null, link ? link.textContent : "", link ? link.getAttribute("href") : ""];
  });
  const note = outcome.querySelector(".undecided");
  return { outcome: outcome.dataset.outcome, decided_by: (outcome.dataset.decidedBy || "").split(" ").filter(Boolean),
           reasons: reasons, undecided: note ? note.textContent : "" };
}"""


def as_shown(reason: dict) -> list:
    """A reason of an assessment as the page lists it."""
    if not reason["paragraph"]:
        return [reason["text"], reason["cites"], reason["step"], "", ""]
    text = reason["text"][:-1] if reason["text"].endswith(".") else reason["text"]
    return [f"{text} ({reason['paragraph']}).", reason["cites"], reason["step"], reason["paragraph"], f"guidance.html#{reason['anchor']}"]


def expected_view(assessment: dict, program: dict) -> dict:
    items = {item["key"]: item for item in program["items"]}
    names = [items[key]["name"] for key in assessment.get("undecided", []) if items[key]["kind"] == "exemption"]
    return {
        "outcome": assessment["outcome"],
        "decided_by": assessment["decided_by"],
        "reasons": [as_shown(r) for r in assessment["reasons"]],
        "undecided": f"The checker asked only what this outcome needed, so it has not looked at: {'; '.join(names)}." if names else "",
    }
