"""The one Markdown parser configuration every stage shares."""

from __future__ import annotations

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
