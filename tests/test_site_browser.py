"""The published site in headless Chromium: navigation, links, downloads, search, banners,
and no request to any other host."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from playwright.sync_api import expect

from tests.browser import browser, local_only_page, serve
from tests.conftest import ROOT, copy_project, run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("site") / "project")
    shutil.copytree(ROOT / "editions", project / "editions")
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    return project / "build" / "site"


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def links_of(html: bytes) -> list[str]:
    tree = lxml.html.document_fromstring(html)
    found = [e.get("href") for e in tree.iter("a", "link") if e.get("href")]
    found += [e.get("src") for e in tree.iter("script", "img") if e.get("src")]
    return found


def test_index_leads_to_the_edition_in_force(site: Path, chromium) -> None:
    with serve(site) as base, local_only_page(chromium) as (page, outside):
        page.goto(base)
        assert page.locator("h1").inner_text().startswith("Bringing services back in house")
        page.get_by_role("link", name="Read the guidance (version 0.3.0)").click()
        page.wait_for_load_state()
        assert page.url.endswith("/0.3.0/guidance.html")
        assert "version 0.3.0" in page.title()
        assert page.locator(".superseded-banner").count() == 0
        assert outside == []


def test_every_link_and_download_on_every_page_resolves(site: Path, chromium) -> None:
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    checked_pages, checked_links = [], 0
    with serve(site) as base, local_only_page(chromium) as (page, outside):
        request = page.context.request
        ids: dict[str, set[str]] = {}
        for path in pages:
            relative = path.relative_to(site).as_posix()
            url = urljoin(base, relative)
            response = page.goto(url)
            assert response is not None and response.ok, url
            checked_pages.append(relative)
            for link in links_of(path.read_bytes()):
                target = urljoin(url, link)
                parts = urlsplit(target)
                assert parts.hostname == "127.0.0.1", f"{relative} links outside the site: {link}"
                address = target.split("#", 1)[0]
                reply = request.get(address)
                assert reply.ok, f"{relative}: {link} gives HTTP {reply.status}"
                checked_links += 1
                if parts.fragment and address.endswith(".html"):
                    local = site / parts.path.lstrip("/")
                    if local not in ids:
                        ids[local] = {e.get("id") for e in lxml.html.document_fromstring(local.read_bytes()).xpath("//*[@id]")}
                    assert parts.fragment in ids[local], f"{relative}: {link} points at a missing anchor"
        assert outside == []
    assert "index.html" in checked_pages and "0.1.0/guidance.html" in checked_pages and "latest/model-contract.html" in checked_pages
    assert checked_links > 500
    print(f"checked {checked_links} links on {len(checked_pages)} pages")


def test_search_finds_a_criterion(site: Path, chromium) -> None:
    with serve(site) as base, local_only_page(chromium) as (page, outside):
        page.goto(urljoin(base, "search.html"))
        page.locator(".pagefind-ui__search-input").fill("coercive powers")
        excerpt = page.locator(".pagefind-ui__result-excerpt").first
        expect(excerpt).to_contain_text("coercive", ignore_case=True, timeout=15000)
        link = page.locator(".pagefind-ui__result-link").first.get_attribute("href")
        assert "0.3.0/guidance.html" in link
        assert outside == []


def test_a_superseded_edition_shows_the_banner(site: Path, chromium) -> None:
    with serve(site) as base, local_only_page(chromium) as (page, outside):
        page.goto(urljoin(base, "0.1.0/guidance.html"))
        banner = page.locator(".superseded-banner")
        assert banner.is_visible()
        assert "superseded" in banner.inner_text()
        banner.get_by_role("link").click()
        page.wait_for_load_state()
        assert page.url.endswith("/0.3.0/guidance.html")
        assert outside == []


def test_pages_open_from_disk_without_a_server(site: Path, chromium) -> None:
    with local_only_page(chromium) as (page, outside):
        page.goto((site / "index.html").as_uri())
        page.get_by_role("link", name="Read the guidance (version 0.3.0)").click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().startswith("Bringing services back in house")
        assert outside == []
