"""The rendered guidance page, parsed once, for the checks that read what a reader sees."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import tinyhtml5

XHTML = "{http://www.w3.org/1999/xhtml}"
WEB_ASSETS = "../assets/"


class Page:
    def __init__(self, html: str):
        self.html = html
        self.root = tinyhtml5.parse(html)
        self.by_id: dict[str, Element] = {e.get("id"): e for e in self.root.iter() if e.get("id")}

    def text(self, element: Element | None = None) -> str:
        return plain(element if element is not None else self.root)

    def with_class(self, name: str) -> list[Element]:
        return [e for e in self.root.iter() if name in (e.get("class") or "").split()]


def plain(element: Element) -> str:
    return normal("".join(element.itertext()))


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def strip_tags(html: str) -> str:
    return normal(plain(tinyhtml5.parse(f"<p>{html}</p>")))


def guidance_page(edition) -> Page:
    """The screen page of the guidance, rendered and parsed once per edition."""
    if "guidance_page" not in edition.cache:
        edition.cache["guidance_page"] = Page(edition.renderer().page(print_mode=False, asset_base=WEB_ASSETS))
    return edition.cache["guidance_page"]
