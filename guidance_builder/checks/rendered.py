"""The rendered guidance page, parsed once, for the checks that read what a reader sees."""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

WEB_ASSETS = "../assets/"


class Page:
    def __init__(self, html: str):
        self.html = html
        self.root = lxml.html.document_fromstring(html)
        self.by_id: dict[str, HtmlElement] = {e.get("id"): e for e in self.root.xpath("//*[@id]")}

    def text(self, element: HtmlElement | None = None) -> str:
        return plain(element if element is not None else self.root)

    def with_class(self, name: str) -> list[HtmlElement]:
        return self.root.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def plain(element: HtmlElement) -> str:
    return normal(element.text_content())


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def strip_tags(html: str) -> str:
    return normal(lxml.html.fragment_fromstring(html, create_parent="p").text_content())


def guidance_page(edition) -> Page:
    """The screen page of the guidance, rendered and parsed once per edition."""
    if "guidance_page" not in edition.cache:
        edition.cache["guidance_page"] = Page(edition.renderer().page(print_mode=False, asset_base=WEB_ASSETS))
    return edition.cache["guidance_page"]
