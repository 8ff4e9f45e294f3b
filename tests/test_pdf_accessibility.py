"""Every PDF of the built site opened as an accessibility auditor would (pikepdf): tagged
PDF/UA-1 with a language, a title shown in the window, bookmarks, real headings, lists and
tables in the tag tree, alternative text for every figure and a tooltip for every form field;
text that can be selected and searched, in reading order, with the version and status on
every page. And the build refuses a document that would fail: an image without alternative
text, a page without a language or a document without a title.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections import Counter
from pathlib import Path

import pikepdf
import pypdf
import pytest

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.model import Rulebook
from guidance_builder.pipeline import load_edition
from guidance_builder.project import Project
from guidance_builder.render.addresses import ASSET_PREFIX
from guidance_builder.render.pdf import render_pdf
from tests.conftest import VERSION, copy_project, run_cli

DOCUMENTS = ["guidance.pdf", "model-contract.pdf", "assessment-record.pdf"]
HAS_TABLES = {"guidance.pdf", "model-contract.pdf"}
HAS_FORMS = {"model-contract.pdf", "assessment-record.pdf"}


@pytest.fixture(scope="module")
def book(built_site: Path) -> Rulebook:
    diagnostics = Diagnostics()
    edition = load_edition(Project.at(built_site.parent.parent), diagnostics)
    assert edition is not None
    return edition.book


@pytest.fixture(scope="module", params=DOCUMENTS)
def document(request, built_site: Path, book: Rulebook) -> tuple[str, Path]:
    return request.param, built_site / book.meta.version / request.param


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of the tag tree, in document (reading) order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
                return
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def tags(pdf: pikepdf.Pdf) -> Counter:
    return Counter(str(element.S)[1:] for element in structure(pdf))


def text_of(element: pikepdf.Dictionary) -> str:
    return str(element.get("/Alt", ""))


def test_is_tagged_pdf_ua_with_language_and_title(document, book: Rulebook) -> None:
    name, path = document
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root, name
        assert bool(root.MarkInfo.Marked), name
        assert str(root.Lang) == book.meta.language, name
        assert root.ViewerPreferences.DisplayDocTitle is True or bool(root.ViewerPreferences.DisplayDocTitle), name
        title = str(pdf.docinfo.get("/Title", "")).strip()
        assert title, f"{name} has no title"
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1", f"{name} does not declare PDF/UA-1"
            assert xmp.get("dc:title"), f"{name} has no title in its XMP metadata"
        for number, page in enumerate(pdf.pages, 1):
            if "/Annots" in page.obj:
                assert page.obj.get("/Tabs") == pikepdf.Name.S, f"{name} page {number}: tab order does not follow the structure"


def test_headings_are_real_and_in_order(document) -> None:
    name, path = document
    with pikepdf.open(path) as pdf:
        headings = [e for e in structure(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
        levels = [int(str(e.S)[2]) for e in headings]
        nested = [
            str(e.S)
            for e in headings
            if any(re.fullmatch(r"/H[1-6]", str(kid.get("/S", ""))) for kid in e.K if isinstance(kid, pikepdf.Dictionary))
        ]
    assert not nested, f"{name}: headings tagged inside headings: {nested}"
    assert levels.count(1) == 1, f"{name} has {levels.count(1)} H1 tags"
    assert levels[0] == 1 and 2 in levels, name
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skips, f"{name}: heading levels skip: {skips}"


def test_bookmarks_follow_the_headings(document, book: Rulebook) -> None:
    """One bookmark per section heading, titled as the heading, each opening the page the heading is on."""
    name, path = document
    pages = [re.sub(r"\s+", " ", page.extract_text() or "") for page in pypdf.PdfReader(path).pages]
    with pikepdf.open(path) as pdf:
        assert "/Outlines" in pdf.Root, f"{name} has no bookmarks"
        with pdf.open_outline() as outline:
            top = outline.root
            assert len(top) == 1, f"{name}: one top bookmark, the title"
            assert len(top[0].children) >= 2, f"{name}: the sections are bookmarked"
            titles = [re.sub(r"\s+", " ", item.title) for item in top[0].children]
            targets = [pdf.pages.index(pikepdf.Page(item.destination[0])) for item in top[0].children]
        headings = [e for e in structure(pdf) if str(e.S) == "/H2"]
    assert len(titles) == len(headings), name
    if name == "guidance.pdf":
        numbered, annexes = iter(range(1, 100)), iter("ABCDEFGHIJ")
        expected = [f"Annex {next(annexes)} {s.title}" if s.annex else f"Section {next(numbered)} {s.title}" for s in book.meta.sections]
        assert titles == ["Contents", *expected]
    # In reading order; two short parts may start on the same page.
    assert targets == sorted(targets), f"{name}: bookmarks out of order: {targets}"
    for title, target in zip(titles, targets, strict=True):
        shown = pages[target].lower()  # a tag such as "Optional" is shown in capitals
        assert all(word.lower() in shown for word in title.split()), f"{name}: '{title}' opens page {target + 1}, which does not show it"


def test_lists_and_tables_are_in_the_tag_tree(document) -> None:
    name, path = document
    with pikepdf.open(path) as pdf:
        found = tags(pdf)
        assert found["L"] and found["LI"] and found["LBody"], f"{name}: no lists in the tag tree"
        if name in HAS_TABLES:
            assert found["Table"] and found["TR"] and found["TH"] and found["TD"], f"{name}: no tables in the tag tree"
            for element in structure(pdf):
                if str(element.S) == "/TD":
                    headers = element.get("/A", {}).get("/Headers") if "/A" in element else None
                    assert headers is not None and len(headers) > 0, f"{name}: a table cell is not tied to its headers"


@pytest.fixture(scope="module")
def figured_guidance(tmp_path_factory) -> Path:
    """guidance.pdf built from a project whose template shows an image with alternative text:
    the bundled documents have no image, so without this the check below would look at nothing."""
    project = copy_project(tmp_path_factory.mktemp("figure") / "project")
    _png(project / "templates" / "assets" / "crest.png")
    template = project / "templates" / "guidance.html"
    text = template.read_text(encoding="utf-8")
    image = '<img src="{{ asset_base }}crest.png" alt="Crest of the issuing body">'
    template.write_text(text.replace('<main id="main">', f'<main id="main">{image}', 1), encoding="utf-8")
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    return project / "build" / "site" / VERSION / "guidance.pdf"


def test_every_figure_has_alternative_text(document, figured_guidance: Path) -> None:
    name, path = document
    for label, pdf_path in ((name, path), ("guidance.pdf with an image", figured_guidance)):
        with pikepdf.open(pdf_path) as pdf:
            figures = [e for e in structure(pdf) if str(e.S) == "/Figure"]
            assert all(text_of(figure).strip() for figure in figures), f"{label}: a figure without /Alt"
    with pikepdf.open(figured_guidance) as pdf:
        assert [text_of(e) for e in structure(pdf) if str(e.S) == "/Figure"] == ["Crest of the issuing body"]


def test_every_form_field_has_a_tooltip(document) -> None:
    name, path = document
    with pikepdf.open(path) as pdf:
        if name not in HAS_FORMS:
            assert "/AcroForm" not in pdf.Root or not len(pdf.Root.AcroForm.get("/Fields", [])), name
            return
        fields = list(pdf.Root.AcroForm.Fields)
        assert fields, f"{name} has no form fields"
        without = [str(f.get("/T")) for f in fields if not str(f.get("/TU", "")).strip()]
        assert not without, f"{name}: fields without a tooltip (/TU): {without}"
        form_tags = tags(pdf)["Form"]
        widgets = sum(1 for page in pdf.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == pikepdf.Name.Widget)
        assert form_tags == widgets, f"{name}: {widgets} widgets but {form_tags} Form tags"


def test_text_is_selectable_in_reading_order_with_version_and_status_on_every_page(document, book: Rulebook) -> None:
    name, path = document
    reader = pypdf.PdfReader(path)
    texts = [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]
    status = book.meta.status.capitalize()
    for number, text in enumerate(texts, 1):
        assert len(text) > 100, f"{name} page {number} has no selectable text"
        assert f"ersion {book.meta.version}" in text and status in text, f"{name} page {number} lacks the version and status"
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                assert "/ToUnicode" in font, f"{name}: a font cannot be searched (no ToUnicode)"
        with pdf.open_outline() as outline:
            titles = [re.sub(r"\s+", " ", item.title) for item in outline.root[0].children]
    whole = " ".join(texts).lower()
    position = 0
    for title in titles:
        found = whole.find(title.split(" ", 2)[-1].lower(), position)
        assert found >= position, f"{name}: '{title}' is not found after the previous heading in the text"
        position = found


# The build refuses documents that would fail ---------------------------------------------


def _png(path: Path) -> None:
    """A 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00\xff\xff\xff")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    )


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    folder.mkdir()
    _png(folder / "logo.png")
    return folder


def _page(body: str, lang: str = ' lang="en-GB"', title: str = "<title>A document</title>") -> str:
    return f"<!DOCTYPE html><html{lang}><head><meta charset='utf-8'>{title}</head><body><h1>Heading</h1>{body}</body></html>"


def test_an_image_with_alt_text_is_a_figure_with_alt(assets: Path) -> None:
    result = render_pdf(_page(f'<p><img src="{ASSET_PREFIX}logo.png" alt="The council logo"></p>'), assets, b"0" * 32)
    assert result.problems == [] and result.data
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        figures = [e for e in structure(pdf) if str(e.S) == "/Figure"]
        assert [text_of(f) for f in figures] == ["The council logo"]


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (_page(f'<p><img src="{ASSET_PREFIX}logo.png"></p>'), "has no required alt description"),
        (_page('<svg width="10" height="10"><rect width="5" height="5"/></svg>'), "has no alt description"),
        (_page("<p>Text</p>", lang=""), 'Missing required "lang"'),
        (_page("<p>Text</p>", title=""), "has no title"),
        (_page("<p>Text</p>", title="<title> </title>"), "has no title"),
        (_page('<p id="a">One</p><p id="a">Two</p>'), "Anchor defined twice"),
    ],
    ids=["img-without-alt", "svg-without-title", "no-language", "no-title", "blank-title", "duplicate-id"],
)
def test_render_refuses_an_inaccessible_document(assets: Path, html: str, message: str) -> None:
    result = render_pdf(html, assets, b"0" * 32)
    assert any(message in problem for problem in result.problems), result.problems


def test_build_fails_on_an_image_without_alt_text(project: Path) -> None:
    _png(project / "templates" / "assets" / "crest.png")
    template = project / "templates" / "guidance.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace('<main id="main">', '<main id="main"><img src="{{ asset_base }}crest.png">', 1), encoding="utf-8")
    result = run_cli("build", project=project)
    assert result.code == 2, result.stderr
    assert "templates/guidance.html: PDF rendering of guidance.pdf failed: Image" in result.stderr
    assert "has no required alt description (give every image alternative text" in result.stderr
    assert not (project / "build" / "site").exists()
