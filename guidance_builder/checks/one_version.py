"""Check 7: the version, status and dates stamped on every output are the ones in guidance.yaml.

`run` inspects what `check` renders in memory (the HTML page and rules.json);
`check_outputs` inspects every file a build produced, PDFs included, before publishing.
"""

from __future__ import annotations

import json
import re

from guidance_builder.checks.rendered import WEB_ASSETS, Page, guidance_page
from guidance_builder.diagnostics import Diagnostics, Location
from guidance_builder.resolve.values import format_date

NAME = "One version everywhere"
STAMP = re.compile(r"\bversion\s+(\d+\.\d+\.\d+)\b", re.I)


def run(edition, diagnostics: Diagnostics) -> None:
    _check_html(edition, guidance_page(edition), "guidance.html", diagnostics)
    _check_rules(edition, edition.rules_json(), diagnostics)


def check_outputs(edition, files: dict[str, bytes], diagnostics: Diagnostics) -> None:
    """After `run` (a build runs every check first): the guidance page `run` read is not read again."""
    for path, data in sorted(files.items()):
        if not path.startswith(edition.book.meta.version + "/"):
            continue
        if path.endswith(".html"):
            html = data.decode()
            if html != edition.renderer().page(print_mode=False, asset_base=WEB_ASSETS):  # that one `run` has checked
                _check_html(edition, Page(html), path, diagnostics)
        elif path.endswith("rules.json"):
            _check_rules(edition, data.decode(), diagnostics)
        elif path.endswith(".pdf"):
            _check_pdf(edition, data, path, diagnostics)


def _where(edition, output: str) -> Location:
    return Location(f"{edition.project.display(edition.project.templates)} (in {output})")


def _mismatch(edition, diagnostics, output: str, what: str, shown: str, expected: str) -> None:
    diagnostics.error(
        _where(edition, output),
        f"{output} shows {what} '{shown}' but guidance.yaml says '{expected}'",
        "stamp it from the data ({{ meta.version }} in a template, {value:meta.version} in prose), never by hand",
        check=NAME,
    )


def _check_html(edition, page: Page, output: str, diagnostics: Diagnostics) -> None:
    meta = edition.book.meta
    for shown in STAMP.findall(page.text()):
        if shown != meta.version:
            _mismatch(edition, diagnostics, output, "version", shown, meta.version)
    tags = {e.get("name"): e.get("content") for e in page.root.iter("meta") if e.get("name")}
    for name, expected in (
        ("guidance-version", meta.version),
        ("guidance-status", meta.status),
        ("dcterms.created", meta.publication_date.isoformat()),
    ):
        if name in tags and tags[name] != expected:
            _mismatch(edition, diagnostics, output, name, tags[name], expected)
    for element in page.with_class("status"):
        if page.text(element).lower() != meta.status:
            _mismatch(edition, diagnostics, output, "status", page.text(element), meta.status)
    edition_list = page.with_class("edition")
    if edition_list:
        text = page.text(edition_list[0])
        for label, value in (
            ("publication date", meta.publication_date),
            ("effective date", meta.effective_date),
            ("review date", meta.review_date),
        ):
            if format_date(value) not in text:
                _mismatch(edition, diagnostics, output, label, text, format_date(value))


def _check_rules(edition, text: str, diagnostics: Diagnostics) -> None:
    meta = edition.book.meta
    data = json.loads(text)
    shown = {
        "version": data.get("version"),
        "status": data.get("status"),
        "metadata.version": data.get("metadata", {}).get("version"),
        "metadata.publication_date": data.get("metadata", {}).get("publication_date"),
        "metadata.effective_date": data.get("metadata", {}).get("effective_date"),
    }
    expected = {
        "version": meta.version,
        "status": meta.status,
        "metadata.version": meta.version,
        "metadata.publication_date": meta.publication_date.isoformat(),
        "metadata.effective_date": meta.effective_date.isoformat(),
    }
    for key, value in expected.items():
        if shown[key] != value:
            _mismatch(edition, diagnostics, "rules.json", key, str(shown[key]), value)


def _check_pdf(edition, data: bytes, output: str, diagnostics: Diagnostics) -> None:
    # PDFium reads text in milliseconds a page; pure-Python extraction took seconds.
    import pypdfium2

    meta = edition.book.meta
    document = pypdfium2.PdfDocument(data)
    try:
        title = document.get_metadata_dict().get("Title", "")
        for shown in STAMP.findall(title):
            if shown != meta.version:
                _mismatch(edition, diagnostics, output, "version in its title", shown, meta.version)
        header = f"version {meta.version}"
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            text = page.get_textpage().get_text_range()
            for shown in STAMP.findall(text):
                if shown != meta.version:
                    _mismatch(edition, diagnostics, f"{output} page {number}", "version", shown, meta.version)
            if header not in text.lower():
                diagnostics.error(
                    _where(edition, output),
                    f"page {number} of {output} does not show '{header}'",
                    "every page's header must carry the version: check the @page rules in print.css",
                    check=NAME,
                )
    finally:
        document.close()
