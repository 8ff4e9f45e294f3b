"""The rendered guidance page, parsed once, for the checks that read what a reader sees."""

from __future__ import annotations

import re

from lxml import etree
from lxml.etree import _Element as Element

WEB_ASSETS = "../assets/"


class Page:
    def __init__(self, html: str):
        self.html = html
        # Plain etree elements: lxml.html's element classes cost a Python call per element.
        root = etree.fromstring(html, _PARSER)
        self.root = root if root is not None else etree.fromstring("<html></html>", _PARSER)  # an empty page: nothing to find
        self.by_id: dict[str, Element] = {e.get("id"): e for e in self.root.xpath("//*[@id]")}

    def text(self, element: Element | None = None) -> str:
        return plain(element if element is not None else self.root)

    def with_class(self, name: str) -> list[Element]:
        return self.root.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


_PARSER = etree.HTMLParser()


def plain(element: Element) -> str:
    return normal(element.xpath("string()"))


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def strip_tags(html: str) -> str:
    return plain(etree.fromstring(f"<p>{html}</p>", _PARSER))  # never empty: the <p> is there


def guidance_page(edition) -> Page:
    """The screen page of the guidance, rendered and parsed once per edition."""
    if "guidance_page" not in edition.cache:
        edition.cache["guidance_page"] = Page(edition.renderer().page(print_mode=False, asset_base=WEB_ASSETS))
    return edition.cache["guidance_page"]
