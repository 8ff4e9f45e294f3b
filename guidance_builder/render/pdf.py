"""HTML to tagged PDF (PDF/UA-1) with WeasyPrint. Imported only where a PDF is made.

A PDF that an auditor would fail is never published: every error WeasyPrint logs (an image
without alternative text, a document without a language, a link to a missing anchor) and
every warning about what a reader or assistive technology relies on stops the render, as
does a document without a title.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

from guidance_builder.render.addresses import ASSET_PREFIX, VIRTUAL_BASE
from guidance_builder.render.fetcher import AssetFetcher, RefusedFetch

ACCESSIBILITY_WARNINGS = re.compile(r"\balt\b|\blang\b|\blanguage\b|\btitle\b|Anchor defined twice", re.I)
"""WeasyPrint warnings (below ERROR) that still make a PDF fail PDF/UA or confuse a reader."""


@dataclass
class PdfResult:
    data: bytes | None
    problems: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or ACCESSIBILITY_WARNINGS.search(message):
            self.messages.append(message)


def unlabelled_graphics(html: str) -> list[str]:
    """Inline SVG drawings without a <title>: WeasyPrint tags them as figures with no
    alternative text and says nothing (it reports images without alt itself)."""
    import lxml.html

    problems = []
    for svg in lxml.html.document_fromstring(html).iter("{*}svg", "svg"):
        title = next((child for child in svg if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "title"), None)
        if title is None or not (title.text or "").strip():
            problems.append(
                f"an <svg> drawing{' (id ' + svg.get('id') + ')' if svg.get('id') else ''} has no alt description (a <title> as its first child)"
            )
    return problems


def render_pdf(html: str, assets: Path, identifier: bytes, forms: bool = False) -> PdfResult:
    """Render `html` (whose asset links start with ASSET_PREFIX) to PDF/UA-1 bytes."""
    import weasyprint

    if "<svg" in html and (problems := unlabelled_graphics(html)):
        return PdfResult(None, problems)

    fetcher = AssetFetcher(assets)
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": identifier, "uncompressed_pdf": False, "custom_metadata": True}
    if forms:
        options["pdf_forms"] = True
    try:
        document = weasyprint.HTML(string=html, base_url=VIRTUAL_BASE, url_fetcher=fetcher).render(**options)
        if not (document.metadata.title or "").strip():
            return PdfResult(None, ["the document has no title (the <title> element is missing or empty)"])
        data = document.write_pdf(**options)
    except RefusedFetch as refused:
        return PdfResult(None, [_refusal(refused, html, assets)])
    except weasyprint.urls.FatalURLFetchingError as error:
        cause = error.__cause__
        if isinstance(cause, RefusedFetch):
            return PdfResult(None, [_refusal(cause, html, assets)])
        return PdfResult(None, [str(cause) if cause else str(error)])
    finally:
        logger.removeHandler(collector)
    return PdfResult(data, collector.messages)


_REFERENCE = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3|(?:src|href)\s*=\s*(['"])(.*?)\5""", re.I | re.S)


def _references(text: str, base: str) -> set[str]:
    """Every URL a page or stylesheet names, resolved as WeasyPrint resolves it."""
    found = set()
    for match in _REFERENCE.finditer(text):
        reference = unescape(match.group(2) or match.group(4) or match.group(6) or "").strip()
        found.add(reference)
        found.add(urljoin(base, reference))
    return found


def _refusal(refused: RefusedFetch, page: str, assets: Path) -> str:
    """The refusal, naming the stylesheet that asked when it was not the page itself.

    Content cannot name a URL (images and raw HTML are off, links are never fetched), so a
    refused fetch comes from a template or from a stylesheet in the assets folder.
    """
    message = str(refused)
    if refused.url in _references(page, VIRTUAL_BASE):
        return message
    for sheet in sorted(assets.rglob("*.css")):
        relative = sheet.relative_to(assets).as_posix()
        try:
            text = sheet.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if refused.url in _references(text, ASSET_PREFIX + relative):
            return f"{message} (asked for by {assets.parent.name}/{assets.name}/{relative})"
    return message


__all__ = ["ASSET_PREFIX", "PdfResult", "render_pdf"]
