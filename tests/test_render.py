"""The built site: HTML, tagged PDF and rules.json from one real build of the bundled content.

Expected names, ids and headings come from the content (through the model) or from the
built HTML, never typed here, so the tests follow the content as it changes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree.ElementTree import Element

import pypdf
import pytest
import tinyhtml5
from conftest import run_cli

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.model import Rulebook
from guidance_builder.pipeline import load_edition
from guidance_builder.project import Project

ITEM_KINDS = {"criteria": "criterion", "exemptions": "exemption", "grounds": "ground", "support_measures": "support"}
"""Rulebook list → the prefix of each generated item's anchor."""


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def book(built_site: Path) -> Rulebook:
    """The model of the very content that was built (the built project's own copy)."""
    diagnostics = Diagnostics()
    edition = load_edition(Project.at(built_site.parent.parent), diagnostics)
    assert edition is not None, [str(d) for d in diagnostics.items]
    return edition.book


@pytest.fixture(scope="module")
def edition_dir(built_site: Path, book: Rulebook) -> Path:
    return built_site / book.meta.version


@pytest.fixture(scope="module")
def html_text(edition_dir: Path) -> str:
    return (edition_dir / "guidance.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html_tree(edition_dir: Path) -> Element:
    return tinyhtml5.parse(edition_dir / "guidance.html", namespace_html_elements=False)


@pytest.fixture(scope="module")
def pdf(edition_dir: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(edition_dir / "guidance.pdf")


@pytest.fixture(scope="module")
def page_texts(pdf: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def rules(edition_dir: Path) -> dict:
    return json.loads((edition_dir / "rules.json").read_text(encoding="utf-8"))


def item_names(book: Rulebook) -> list[tuple[str, str, str]]:
    """(kind, id, name) of every criterion, exemption, good-reason ground and support measure."""
    return [(kind, item.id, item.name) for kind in ITEM_KINDS for item in book.items(kind)]


def element_text(element: Element) -> str:
    return squash("".join(element.itertext()))


def elements_by_id(tree: Element) -> dict[str, list[Element]]:
    found: dict[str, list[Element]] = {}
    for element in tree.iter():
        if "id" in element.attrib:
            found.setdefault(element.attrib["id"], []).append(element)
    return found


# Outputs -------------------------------------------------------------------------


def test_build_writes_the_edition_files(built_site: Path, book: Rulebook):
    for name in ("guidance.html", "guidance.pdf", "rules.json"):
        path = built_site / book.meta.version / name
        assert path.is_file(), f"missing {path}"
        assert path.stat().st_size > 0
    assert (built_site / "assets" / "guidance.css").is_file()


def test_there_is_something_to_check(book: Rulebook):
    kinds = {kind for kind, _, _ in item_names(book)}
    assert kinds == set(ITEM_KINDS), "every kind of item has at least one entry"


# HTML ----------------------------------------------------------------------------------


def test_every_item_name_is_in_the_html_text(html_tree: Element, book: Rulebook):
    body = element_text(html_tree.find("body"))
    missing = [name for _, _, name in item_names(book) if squash(name) not in body]
    assert not missing


@pytest.mark.parametrize("kind", list(ITEM_KINDS))
def test_every_item_has_an_anchor_holding_its_name(html_tree: Element, book: Rulebook, kind: str):
    ids = elements_by_id(html_tree)
    for item in book.items(kind):
        anchor = f"{ITEM_KINDS[kind]}-{item.id.replace('_', '-')}"
        assert anchor in ids, f'no element with id="{anchor}"'
        assert len(ids[anchor]) == 1, f'id="{anchor}" is used {len(ids[anchor])} times'
        assert squash(item.name) in element_text(ids[anchor][0]), f"#{anchor} does not show '{item.name}'"


def test_html_ids_are_unique(html_tree: Element):
    duplicated = {key: len(found) for key, found in elements_by_id(html_tree).items() if len(found) > 1}
    assert not duplicated


def test_every_internal_link_resolves(html_tree: Element):
    ids = elements_by_id(html_tree)
    hrefs = {a.attrib["href"] for a in html_tree.iter("a") if a.attrib.get("href", "").startswith("#")}
    assert hrefs, "the guidance has internal links"
    broken = sorted(href for href in hrefs if href[1:] not in ids)
    assert not broken


def test_every_anchor_in_rules_json_exists_in_the_html(html_tree: Element, rules: dict):
    ids = elements_by_id(html_tree)
    missing = sorted(key for key, paragraph in rules["paragraphs"].items() if paragraph["anchor"] not in ids)
    assert not missing


def test_html_declares_language_and_version(html_tree: Element, book: Rulebook):
    assert html_tree.attrib.get("lang") == book.meta.language
    assert book.meta.version in element_text(html_tree.find("head/title"))


# PDF -------------------------------------------------------------------------------------


def test_pdf_opens(pdf: pypdf.PdfReader, edition_dir: Path):
    assert (edition_dir / "guidance.pdf").read_bytes().startswith(b"%PDF-")
    assert len(pdf.pages) > 1


def test_every_item_name_is_in_the_pdf_text(page_texts: list[str], book: Rulebook):
    text = squash(" ".join(page_texts))
    missing = [name for _, _, name in item_names(book) if squash(name) not in text]
    assert not missing


def test_version_is_on_every_page(page_texts: list[str], book: Rulebook):
    without = [number for number, text in enumerate(page_texts, 1) if book.meta.version not in text]
    assert not without, f"pages without the version {book.meta.version}: {without}"


def _outline(entries: list, depth: int = 0) -> list[tuple[int, str]]:
    flat: list[tuple[int, str]] = []
    for entry in entries:
        if isinstance(entry, list):
            flat += _outline(entry, depth + 1)
        else:
            flat.append((depth, squash(entry.title)))
    return flat


def test_pdf_bookmarks_follow_the_html_headings(pdf: pypdf.PdfReader, html_tree: Element):
    # The document's headings: those of the page's main content, not of the site's footer.
    main = next(html_tree.iter("main"))
    h1 = [element_text(h) for h in main.iter("h1")]
    h2 = [element_text(h) for h in main.iter("h2")]
    assert len(h1) == 1 and len(h2) > 1
    outline = _outline(pdf.outline)
    assert outline, "the PDF has no bookmarks"
    assert [title for depth, title in outline if depth == 0] == h1
    assert [title for depth, title in outline if depth == 1] == h2


def test_pdf_bookmarks_include_every_section(pdf: pypdf.PdfReader, book: Rulebook):
    titles = [title for _, title in _outline(pdf.outline)]
    for section in book.meta.sections:
        assert any(title.endswith(" " + squash(section.title)) for title in titles), f"no bookmark for section '{section.title}'"


def test_pdf_is_tagged_with_a_language(pdf: pypdf.PdfReader, book: Rulebook):
    catalog = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert "/Lang" in catalog
    assert str(catalog["/Lang"]) == book.meta.language
    mark_info = catalog.get("/MarkInfo")
    assert mark_info is not None and bool(mark_info.get("/Marked"))


def test_pdf_has_a_document_title(pdf: pypdf.PdfReader, book: Rulebook):
    assert pdf.metadata is not None
    title = pdf.metadata.title
    assert title and title.strip()
    assert book.meta.title in title


# rules.json ---------------------------------------------------------------------------


def test_rules_json_has_the_version(rules: dict, book: Rulebook):
    assert rules["version"] == book.meta.version
    assert rules["status"] == book.meta.status


@pytest.mark.parametrize("kind", ["criteria", "exemptions", "grounds", "support_measures", "triggers"])
def test_rules_json_has_every_id(rules: dict, book: Rulebook, kind: str):
    assert [item["id"] for item in rules[kind]] == [item.id for item in book.items(kind)]


def test_rules_json_numbers_every_item(rules: dict, book: Rulebook):
    for kind, prefix in ITEM_KINDS.items():
        for item in book.items(kind):
            entry = rules["paragraphs"].get(f"{prefix}.{item.id}")
            assert entry is not None, f"{prefix}.{item.id} has no paragraph number"
            assert entry["anchor"] == f"{prefix}-{item.id.replace('_', '-')}"


# A failed build leaves the previous site alone -----------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns) for path in folder.rglob("*") if path.is_file()}


def test_failed_build_leaves_the_previous_site_untouched(project: Path):
    first = run_cli("build", "--no-pdf", project=project)
    assert first.code == 0, first.stderr
    site = project / "build" / "site"
    before = snapshot(site)
    assert any(name.endswith("guidance.html") for name in before)
    build_entries = sorted(p.name for p in (project / "build").iterdir())

    section = project / "content" / "sections" / "duty.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nSee {ref:para.does-not-exist}.\n", encoding="utf-8")
    second = run_cli("build", project=project)
    assert second.code == 2, second.stderr
    assert "Traceback" not in second.stderr
    assert "nothing was written" in second.stderr

    assert snapshot(site) == before
    assert sorted(p.name for p in (project / "build").iterdir()) == build_entries, "staging folders were left behind"
