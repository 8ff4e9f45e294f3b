"""The contract checker with the keyboard alone, as a keyboard or switch user would use it.

The test never clicks and never moves focus itself: it presses Tab to go from control to
control, the arrow keys to move within a group of radio buttons (as browsers require),
Space to tick a box, types into text boxes and presses Enter to continue. It answers every
question of the procedure on the published page of the built site, checks that focus is
always visible and that each new screen puts focus on its heading, and reaches an outcome.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.pipeline import load_edition
from guidance_builder.project import Project
from tests.browser import CHROMIUM, browser, local_only_page, serve

if not Path(CHROMIUM).is_file():
    raise RuntimeError(
        f"Chromium is not installed at {CHROMIUM}: run scripts/setup test (it installs it); browser tests never pass quietly"
    )

MAX_TABS = 80
"""More Tab presses than any screen of the checker needs: a trap or a lost focus fails."""

# Where focus is, and whether a sighted keyboard user can see it: an outline or a box shadow
# on the control, or (for radios and checkboxes the design system draws itself) on its label.
FOCUS = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const styles = [getComputedStyle(e)];
  const label = e.labels && e.labels[0];
  if (label) styles.push(getComputedStyle(label), getComputedStyle(label, "::before"), getComputedStyle(label, "::after"));
  const visible = styles.some(s => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== "rgba(0, 0, 0, 0)")
    || (s.boxShadow && s.boxShadow !== "none"));
  return {
    tag: e.tagName.toLowerCase(), type: e.type || "", name: e.name || "", value: e.value || "", id: e.id,
    checked: !!e.checked, text: (e.innerText || e.textContent || "").trim().slice(0, 80), visible: visible,
  };
}
"""


@pytest.fixture(scope="module")
def answers(built_site: Path) -> dict[str, object]:
    """Answers that lead through every step of the procedure: a relevant contract over the
    threshold, meeting a test, let to a private provider, with a good reason."""
    diagnostics = Diagnostics()
    edition = load_edition(Project.at(built_site.parent.parent), diagnostics)
    assert edition is not None
    book = edition.book
    ground = book.grounds[0]
    return {
        "event": book.triggers[0].id,
        "event_date.day": "30",
        "event_date.month": "9",
        "event_date.year": "2026",
        **{f"criteria.{c.id}": "true" if n == 0 else "false" for n, c in enumerate(book.criteria)},
        "relevant_contract": "true",
        "authority.type": "local_authority",
        "value_gbp": "4500000",
        "provider.type": "private",
        "good_reason.ground": ground.id,
        "good_reason.evidence": "The authority has no staff who can run the service yet.",
        "good_reason.support_considered": [m.id for m in book.support_measures],
    }


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def test_the_checker_can_be_completed_with_the_keyboard_alone(built_site: Path, chromium, answers: dict) -> None:
    with serve(built_site) as base, local_only_page(chromium) as (page, outside):
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(urljoin(base, "latest/checker.html"))
        page.wait_for_selector("#checker[data-ready=true]")
        keys = page.keyboard

        # The first Tab reaches the skip link, and Enter moves on to the main content.
        keys.press("Tab")
        first = page.evaluate(FOCUS)
        assert first and first["tag"] == "a" and "skip to main content" in first["text"].lower(), first
        assert first["visible"], "the skip link has no visible focus"
        keys.press("Enter")
        assert page.evaluate("location.hash") == "#main"

        answered: set[str] = set()
        screens: list[str] = []
        for _ in range(20):
            if page.locator("section.outcome").count():
                break
            heading = page.locator("#step-heading").inner_text()
            screens.append(" ".join(heading.split()))
            submitted = False
            for _ in range(MAX_TABS):
                keys.press("Tab")
                focus = page.evaluate(FOCUS)
                assert focus is not None, f"focus was lost on '{heading}'"
                assert focus["visible"], f"no visible focus on {focus} ('{heading}')"
                name = focus["name"]
                if focus["type"] == "radio":
                    assert name in answers, f"a question the test does not know: {name}"
                    for _ in range(12):
                        if (
                            page.evaluate("document.activeElement.checked")
                            and page.evaluate("document.activeElement.value") == answers[name]
                        ):
                            break
                        if (
                            not page.evaluate("document.activeElement.checked")
                            and page.evaluate("document.activeElement.value") == answers[name]
                        ):
                            keys.press("Space")
                            continue
                        keys.press("ArrowDown")
                    assert page.evaluate("document.activeElement.value") == answers[name], f"could not choose {answers[name]} for {name}"
                    answered.add(name)
                elif focus["type"] == "checkbox":
                    wanted = focus["value"] in answers[name]
                    if wanted != focus["checked"]:
                        keys.press("Space")
                    assert page.evaluate("document.activeElement.checked") == wanted
                    answered.add(name)
                elif focus["tag"] in ("input", "textarea") and focus["type"] in ("text", "textarea", ""):
                    assert name in answers, f"a question the test does not know: {name}"
                    if focus["value"] != answers[name]:
                        keys.press("Control+A")
                        keys.press("Backspace")
                        keys.type(str(answers[name]))
                    answered.add(name.split(".", 1)[0] if name.startswith("event_date") else name)
                elif focus["tag"] == "button" and focus["text"] == "Continue":
                    keys.press("Enter")
                    submitted = True
                    break
            assert submitted, f"never reached the Continue button on '{heading}'"
            problems = page.locator(".error-summary:not([hidden])")
            assert problems.count() == 0, f"the page refused the answers on '{heading}': {problems.inner_text()}"
            # The next screen puts focus on its heading, so a screen reader announces it.
            focused = page.evaluate("document.activeElement.id")
            assert focused in ("step-heading", "outcome-heading"), f"after '{heading}' focus is on #{focused}"

        outcome = page.locator("section.outcome")
        assert outcome.count() == 1, f"no outcome after {screens}"
        expected = {name.split(".", 1)[0] if name.startswith("event_date") else name for name in answers}
        assert answered == expected, f"questions not answered: {sorted(expected - answered)}"
        assert len(screens) >= 5, screens

        # From the outcome, Tab reaches "Start again", and Enter starts again at step 1.
        for _ in range(MAX_TABS):
            keys.press("Tab")
            focus = page.evaluate(FOCUS)
            assert focus is not None and focus["visible"], focus
            if focus["tag"] == "button" and focus["text"] == "Start again":
                keys.press("Enter")
                break
        else:
            pytest.fail("Start again cannot be reached with Tab")
        assert "Step 1" in page.locator("#step-heading").inner_text()
        assert errors == [] and outside == []
        print(f"\nanswered {len(answered)} questions on {len(screens)} screens with the keyboard: {screens}")
