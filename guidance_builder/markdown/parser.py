"""The one Markdown parser configuration every stage shares."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin

from guidance_builder.markdown.helpers import helpers_plugin

SAFE_LINK_PREFIXES = ("#", "https://", "mailto:")
PARAGRAPH_ATTRIBUTES = ("id", "class", "allow")


def _validate_link(url: str) -> bool:
    # Content links may only point within the document, to the public web over
    # https, or to an email address: never javascript:, data:, file: or relative paths.
    return url.strip().lower().startswith(SAFE_LINK_PREFIXES)


@lru_cache(maxsize=1)
def create_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("image")
    md.validateLink = _validate_link
    md.use(attrs_block_plugin, allowed=PARAGRAPH_ATTRIBUTES)
    md.use(helpers_plugin)
    return md


@lru_cache(maxsize=1)
def _inspecting_markdown() -> MarkdownIt:
    """A parser that recognises what create_markdown() refuses to render, so it can be reported.

    The real parser never outputs raw HTML, images or unsafe links, but it would print them
    as literal text; this one finds them (html on, images on, every link accepted).
    """
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: True
    md.use(helpers_plugin)
    md.core.ruler.disable("text_join")  # keep escaped characters (\\<) apart from plain text
    return md


@dataclass(frozen=True)
class UnsafeMarkup:
    line: int
    """1 for the first line of the text."""
    message: str
    hint: str


_LOOSE_TAG = re.compile(r"<[A-Za-z!?/]")


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unsafe_markup(text: str) -> list[UnsafeMarkup]:
    """Raw HTML, images and links to anything but https:, mailto: or #anchors, each with its line."""
    found: list[UnsafeMarkup] = []
    if "<" not in text and "[" not in text:
        return found  # no HTML, image or link can start without one of these
    html_hint = "content is text and Markdown only: remove the HTML"
    for token in _inspecting_markdown().parse(text, {"gb_base_line": 1}):
        line = token.map[0] + 1 if token.map else 1
        if token.type == "html_block":
            found.append(UnsafeMarkup(line, f"raw HTML is not allowed: '{_shorten(token.content)}'", html_hint))
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline":
                found.append(UnsafeMarkup(line, f"raw HTML is not allowed: '{_shorten(child.content)}'", html_hint))
            elif child.type == "text" and (loose := _LOOSE_TAG.search(child.content)):
                # Not a tag to CommonMark, but a browser would read one: <svg onload=alert('x')>
                found.append(UnsafeMarkup(line, f"raw HTML is not allowed: '{_shorten(child.content[loose.start() :])}'", html_hint))
            elif child.type == "image":
                found.append(
                    UnsafeMarkup(
                        line,
                        f"images are not allowed: '{_shorten(str(child.attrGet('src')))}'",
                        "remove it; pictures and diagrams come from the templates",
                    )
                )
            elif child.type == "link_open" and not _validate_link(str(child.attrGet("href"))):
                found.append(
                    UnsafeMarkup(
                        line,
                        f"the link '{_shorten(str(child.attrGet('href')))}' is not allowed",
                        "link only to https:// addresses, mailto: addresses or #anchors in the guidance",
                    )
                )
    return found


def parse_block(text: str, base_line: int = 1) -> list[Token]:
    return create_markdown().parse(text, {"gb_base_line": base_line})


def parse_inline(text: str, base_line: int = 1) -> list[Token]:
    """Inline Markdown from a YAML text field: returns the inline children."""
    env = {"gb_base_line": base_line}
    tokens = create_markdown().parseInline(text.strip(), env)
    return tokens[0].children or [] if tokens else []


@dataclass(frozen=True)
class HelperUse:
    kind: str
    arg: str
    display: str | None
    line: int
    source: str
    block: bool = False


def helper_uses(tokens: list[Token]) -> Iterator[HelperUse]:
    for token in tokens:
        if token.type in ("gb_helper", "gb_insert"):
            m = token.meta
            yield HelperUse(m["kind"], m["arg"], m["display"], m["line"], m["source"], token.type == "gb_insert")
        if token.children:
            yield from helper_uses(token.children)
