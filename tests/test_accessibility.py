"""Every page of the built site, as an auditor would test it: axe-core (WCAG 2.2 AA rules) in
Debian's headless Chromium, the page structure WCAG asks for, and the pages with JavaScript off.

The site is built from the bundled content with every published edition in editions/ (when
there are any), so each edition's folder, latest/, the index, search, 404 and the
accessibility statement are all checked. The test prints the pages it checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser import CHROMIUM, browser, local_only_page, serve
from tests.conftest import ROOT, copy_project, run_cli

if not Path(CHROMIUM).is_file():
    raise RuntimeError(
        f"Chromium is not installed at {CHROMIUM}: run scripts/setup test (it installs it); browser tests never pass quietly"
    )

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
GENERIC_LINK_TEXT = {"click here", "here", "read more", "more", "link", "this page", "download", "this"}

# What a page must have beyond axe's rules: the checks an auditor makes by hand.
STRUCTURE = """
() => {
  const problems = [];
  const html = document.documentElement;
  if (!html.lang) problems.push("no lang on <html>");
  if (!document.title.trim()) problems.push("no <title>");
  const focusable = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getAttribute("tabindex") !== "-1");
  const skip = focusable[0];
  if (!skip || !/skip to main content/i.test(skip.textContent) || !skip.hash) {
    problems.push("the first thing to tab to is not a skip link");
  } else if (!document.getElementById(skip.hash.slice(1)) || document.getElementById(skip.hash.slice(1)).tagName !== "MAIN") {
    problems.push("the skip link does not lead to <main>");
  }
  if (document.querySelectorAll("main").length !== 1) problems.push("not exactly one <main>");
  if (!document.querySelector("header, [role=banner]")) problems.push("no banner landmark");
  if (!document.querySelector("footer, [role=contentinfo]")) problems.push("no contentinfo landmark");
  if (!document.querySelector("nav, [role=navigation]")) problems.push("no navigation landmark");
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
  let previous = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(h.tagName[1]);
    if (previous && level > previous + 1) problems.push(`heading skips from h${previous} to h${level}: '${h.textContent.trim().slice(0, 60)}'`);
    previous = level;
  }
  const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
  const repeated = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  if (repeated.length) problems.push(`ids used more than once: ${repeated.join(", ")}`);
  for (const table of document.querySelectorAll("table")) {
    if (!table.querySelector("th")) problems.push(`a table without headers: '${table.textContent.trim().slice(0, 60)}'`);
  }
  for (const a of document.querySelectorAll("a[href]")) {
    const text = (a.innerText || a.textContent || a.getAttribute("aria-label") || "").trim().toLowerCase().replace(/[.:]$/, "");
    if (GENERIC.includes(text)) problems.push(`link text that does not make sense alone: '${text}'`);
  }
  let print = false;
  for (const sheet of document.styleSheets) {
    try {
      for (const rule of sheet.cssRules) {
        if (rule.media && [...rule.media].includes("print")) { print = true; break; }
      }
    } catch (e) {}
    if (print) break;
  }
  if (!print) problems.push("no print styles");
  return problems;
}
""".replace("GENERIC", repr(sorted(GENERIC_LINK_TEXT)))


@pytest.fixture(scope="module")
def site(tmp_path_factory, built_site: Path) -> Path:
    """The built site, with every published edition when the repository has some."""
    if not (ROOT / "editions").is_dir():
        return built_site
    project = copy_project(tmp_path_factory.mktemp("a11y") / "project")
    shutil.copytree(ROOT / "editions", project / "editions")
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    return project / "build" / "site"


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "pagefind" not in p.parts)


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS)
    return result["violations"]


def describe(violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}: {node['failureSummary']}")
    return lines


def test_axe_is_running(chromium) -> None:
    """The harness finds a violation where there is one (so zero violations means something)."""
    with local_only_page(chromium) as (page, outside):
        page.set_content('<!DOCTYPE html><html><head><title>x</title></head><body><img src="data:,"><a href="#x"></a></body></html>')
        found = {violation["id"] for violation in run_axe(page)}
    assert {"html-has-lang", "image-alt", "link-name"} <= found


def test_there_are_pages_of_every_kind(site: Path) -> None:
    pages = site_pages(site)
    version = next(p.split("/")[0] for p in pages if p.endswith("/guidance.html") and not p.startswith("latest/"))
    for name in ("index.html", "404.html", "search.html", "accessibility.html", "latest/guidance.html"):
        assert name in pages
    for name in ("guidance.html", "model-contract.html", "assessment-record.html", "checker.html"):
        assert f"{version}/{name}" in pages


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "mobile"])
def test_axe_finds_no_violations_on_any_page(site: Path, chromium, width: int) -> None:
    pages = site_pages(site)
    found: dict[str, list[str]] = {}
    failed: list[str] = []
    with serve(site) as base, local_only_page(chromium, viewport={"width": width, "height": 900}, bypass_csp=True) as (page, outside):
        page.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)
        page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
        for name in pages:
            page.goto(urljoin(base, name))
            page.wait_for_load_state("networkidle")
            problems = describe(run_axe(page)) + page.evaluate(STRUCTURE)
            if problems:
                found[name] = problems
        assert outside == [], "pages asked for files from other hosts"
    print(f"\naxe-core {WCAG_TAGS} at {width}px wide checked {len(pages)} pages:")
    for name in pages:
        print(f"  {name}: {len(found.get(name, []))} problems")
    assert not failed, f"requests that failed: {failed}"
    assert not found, "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)


def test_search_results_pass_axe(site: Path, chromium) -> None:
    with serve(site) as base, local_only_page(chromium, bypass_csp=True) as (page, outside):
        page.goto(urljoin(base, "search.html"))
        page.locator(".pagefind-ui__search-input").fill("coercive powers")
        expect(page.locator(".pagefind-ui__result-excerpt").first).to_be_visible(timeout=15000)
        problems = describe(run_axe(page))
        assert outside == []
    assert not problems, "\n".join(problems)


def test_no_page_uses_the_crown_or_the_gds_typeface(site: Path, chromium) -> None:
    requested: list[str] = []
    with serve(site) as base, local_only_page(chromium) as (page, outside):
        page.on("request", lambda request: requested.append(urlsplit(request.url).path))
        for name in site_pages(site):
            page.goto(urljoin(base, name))
            reserved = page.locator(".govuk-footer__crown, .govuk-footer__copyright-logo, .govuk-header__logo, .govuk-logo")
            assert reserved.count() == 0, f"{name} shows the crown or the Royal Arms"
            fonts = page.evaluate("() => [...document.fonts].map(f => f.family)")
            assert not [f for f in fonts if "GDS" in f or "Transport" in f], name
    assert not [path for path in requested if "crest" in path or "crown" in path or "/images/" in path]
    css = (site / "assets" / "govuk-frontend.css").read_text()
    assert "GDS Transport" not in css


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "latest/guidance.html",
        "latest/model-contract.html",
        "latest/assessment-record.html",
        "accessibility.html",
        "latest/checker.html",
    ],
)
def test_pages_show_their_content_with_javascript_off(site: Path, chromium, name: str) -> None:
    with serve(site) as base, local_only_page(chromium, java_script_enabled=False) as (page, outside):
        page.goto(urljoin(base, name))
        assert page.locator("h1").is_visible()
        assert page.get_by_role("link", name="Skip to main content").count() == 1
        navigation = page.get_by_role("navigation", name="Site")
        assert navigation.get_by_role("link", name="Model contract").is_visible(), "the site navigation is hidden without JavaScript"
        if name.endswith("guidance.html"):
            assert page.locator("nav.contents").is_visible()
            assert page.locator(".flow").is_visible()
            assert page.locator("#thresholds-table").is_visible()
            assert page.locator(".step").count() > 1
        if name.endswith("checker.html"):
            # The checker needs JavaScript; without it, the page says so and points to the procedure.
            warning = page.locator("main .govuk-warning-text")
            assert warning.is_visible() and "The checker needs JavaScript" in warning.inner_text()
            assert page.get_by_role("link", name="the guidance").get_attribute("href") == "guidance.html#section-procedure"
        if name == "index.html":
            link = page.get_by_role("link", name="Read the guidance (version")
            assert link.is_visible()
            link.click()
            page.wait_for_load_state()
            assert page.url.endswith("/guidance.html")
        assert outside == []


FOCUS_STYLE = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== "rgba(0, 0, 0, 0)";
  return {text: (e.innerText || e.value || "").trim().slice(0, 60), visible: outline || (s.boxShadow && s.boxShadow !== "none")};
}
"""


@pytest.mark.parametrize("name", ["index.html", "latest/guidance.html", "latest/model-contract.html", "search.html"])
def test_focus_is_visible_on_every_control_tabbed_to(site: Path, chromium, name: str) -> None:
    with serve(site) as base, local_only_page(chromium) as (page, outside):
        page.goto(urljoin(base, name))
        page.wait_for_load_state("networkidle")
        seen = []
        for _ in range(40):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            if focus is None:
                break
            assert focus["visible"], f"{name}: no visible focus on '{focus['text']}' (after {seen[-3:]})"
            seen.append(focus["text"])
        assert len(seen) >= 8, f"{name}: only {len(seen)} controls reached with Tab"
