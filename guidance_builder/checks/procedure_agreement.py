"""Check 4: the numbered steps and the diagram, as rendered, give the same outcome as the
procedure definition for every combination of answers."""

from __future__ import annotations

import itertools
import re

from guidance_builder.checks.rendered import guidance_page
from guidance_builder.diagnostics import Diagnostics
from guidance_builder.model.content import Procedure

NAME = "Procedure and text agree"
STEP_LINK = re.compile(r"go to step (\d+)", re.I)


ASKED_KINDS = ("triggers", "criteria", "exemptions", "conditions")


def asked_at(step) -> list[str]:
    return [f"{kind}.{item}" for kind in ASKED_KINDS for item in getattr(step.asks, kind)]


def asked_items(procedure: Procedure) -> list[str]:
    return [item for step in procedure.steps for item in asked_at(step)]


def walk_definition(procedure: Procedure, answers: dict[str, bool]) -> str:
    steps = {s.id: s for s in procedure.steps}
    step = steps[procedure.start]
    while True:
        branch = step.if_any if any(answers[a] for a in asked_at(step)) else step.if_none
        if branch.outcome:
            return branch.outcome
        step = steps[branch.next]


def combinations(procedure: Procedure):
    items = asked_items(procedure)
    for values in itertools.product((False, True), repeat=len(items)):
        yield dict(zip(items, values, strict=True))


def run(edition, diagnostics: Diagnostics) -> None:
    procedure = edition.book.procedure
    page = guidance_page(edition)
    outcome_by_name = {o.name.lower(): o.id for o in procedure.outcomes}
    where = edition.sources.location("procedure.yaml", ("steps",))
    asked = [asked_at(step) for step in procedure.steps]
    # Every combination of answers is tried, but a walk depends only on which steps have any
    # answer yes: each such pattern is walked once, with the first combination that gives it.
    every_path: dict[tuple[bool, ...], tuple[dict[str, bool], str]] = {}
    for answers in combinations(procedure):
        pattern = tuple(any(answers[a] for a in items) for items in asked)
        if pattern not in every_path:
            every_path[pattern] = (answers, walk_definition(procedure, answers))
    for label, read in (("numbered steps", _read_steps), ("diagram", _read_diagram)):
        described = read(page, procedure, outcome_by_name)
        if described is None:
            diagnostics.error(
                where,
                f"the {label} of the procedure are not in the guidance",
                "add {insert:steps} and {insert:diagram} to the procedure section",
                check=NAME,
            )
            continue
        for answers, expected in every_path.values():
            got = _walk_text(described, asked, answers)
            if got != expected:
                yes = ", ".join(k for k, v in answers.items() if v) or "nothing"
                diagnostics.error(
                    where,
                    f"the {label} give '{got}' but the procedure gives '{expected}' when the answers are yes to: {yes}",
                    "the text is generated from procedure.yaml: check templates/blocks/steps.html and diagram.html",
                    check=NAME,
                )
                break


def _walk_text(described: list[dict[str, str]], asked: list[list[str]], answers: dict[str, bool]) -> str:
    """Follow the text's yes/no links; `asked` holds what each step of the procedure asks, in order."""
    index = 0
    for _ in range(len(described) + 1):
        if index >= len(described) or index >= len(asked):
            return "missing step"
        target = described[index]["yes" if any(answers[a] for a in asked[index]) else "no"]
        if target.startswith("step:"):
            index = int(target[5:]) - 1
        else:
            return target
    return "loop"


def _target(text: str, outcome_by_name: dict[str, str]) -> str:
    link = STEP_LINK.search(text)
    if link:
        return f"step:{link.group(1)}"
    lowered = text.lower()
    found = [oid for name, oid in outcome_by_name.items() if name in lowered]
    return max(found, key=len) if found else "unclear"


def _read_steps(page, procedure, outcome_by_name):
    rows = page.with_class("step")
    if not rows:
        return None
    described = []
    for row in rows:
        branches = [page.text(li) for li in row.iter("li") if li is not row]
        answer = {}
        for text in branches:
            for word in ("yes", "no"):
                if text.lower().startswith(word + ":"):
                    answer[word] = _target(text[len(word) + 1 :], outcome_by_name)
        described.append(answer if len(answer) == 2 else {"yes": "unclear", "no": "unclear"})
    return described


def _read_diagram(page, procedure, outcome_by_name):
    rows = page.with_class("flow-row")
    if not rows:
        return None
    described = []
    for row in rows:
        answer = {}
        for part in row.iter("div"):
            css = (part.get("class") or "").split()
            if "flow-exit" in css or "flow-down" in css:
                text = page.text(part).lstrip("→↓ ")
                for word in ("yes", "no"):
                    if text.lower().startswith(word + ":"):
                        answer[word] = _target(text[len(word) + 1 :], outcome_by_name)
        described.append(answer if len(answer) == 2 else {"yes": "unclear", "no": "unclear"})
    return described
