"""Inline Markdown for contract text, with the contract's own helpers.

The contract uses the project's helper syntax, `{kind:arg|display}`, with its own
kinds: `{clause:ID}` (a clause, sub-clause, schedule, schedule paragraph or Award
Form item, rendered "clause 12.3", "paragraph 2.1 of Schedule 4", "Schedule 4",
"item 5 of the Award Form"), `{field:NAME}` (where a fill-in field is placed),
`{assumption:ID}` (a visible illustrative-assumption marker) and `{guidance:KEY}`
(the guidance's title, short_title, version, issuing_body or assessment_lead_time_months).

A private MarkdownIt instance is used so the guidance renderer's rules are not changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from guidance_builder.markdown.helpers import helpers_plugin
from guidance_builder.markdown.parser import SAFE_LINK_PREFIXES

HELPER_KINDS = ("clause", "field", "assumption", "guidance")
GUIDANCE_KEYS = ("title", "short_title", "version", "issuing_body", "assessment_lead_time_months")


@lru_cache(maxsize=1)
def contract_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    md.validateLink = lambda url: url.strip().lower().startswith(SAFE_LINK_PREFIXES)
    md.use(helpers_plugin)
    md.add_render_rule("gb_helper", lambda self, tokens, idx, options, env: env["resolve"](tokens[idx].meta))
    return md


def render_inline(text: str, resolve) -> str:
    """Inline Markdown to HTML; `resolve(meta) -> str` renders each helper."""
    md = contract_markdown()
    return md.renderer.render(parse_inline(text), md.options, {"resolve": resolve})


def parse_inline(text: str) -> list[Token]:
    tokens = contract_markdown().parseInline(text.strip(), {"gb_base_line": 1})
    return tokens[0].children or [] if tokens else []


@dataclass(frozen=True)
class Helper:
    kind: str
    arg: str
    display: str | None
    source: str


def helpers_in(text: str) -> Iterator[Helper]:
    for token in parse_inline(text):
        if token.type == "gb_helper":
            meta = token.meta
            yield Helper(meta["kind"], meta["arg"], meta["display"], meta["source"])


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its formatting, for the DOCX writer."""

    text: str
    bold: bool = False
    italic: bool = False
    helper: Helper | None = None


def runs(text: str) -> list[Run]:
    """Inline Markdown as flat runs: bold/italic flags, helpers kept for the caller to resolve."""
    result: list[Run] = []
    bold = italic = 0
    for token in parse_inline(text):
        kind = token.type
        if kind == "text" or kind == "code_inline":
            result.append(Run(token.content, bold > 0, italic > 0))
        elif kind in ("softbreak", "hardbreak"):
            result.append(Run(" ", bold > 0, italic > 0))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "gb_helper":
            meta = token.meta
            result.append(Run("", bold > 0, italic > 0, Helper(meta["kind"], meta["arg"], meta["display"], meta["source"])))
    return result
