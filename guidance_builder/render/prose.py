"""Markdown tokens to HTML: numbered paragraphs, resolved helpers, generated blocks.

Context travels in the markdown-it `env` under "gb", so the shared parser stays
stateless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token
from markupsafe import Markup, escape

from guidance_builder.markdown.parser import create_markdown, parse_inline
from guidance_builder.model import Rulebook
from guidance_builder.resolve.values import lookup_value, number_word
from guidance_builder.structure import GuidanceDocument, SectionDoc
from guidance_builder.structure.anchors import INSERT_KINDS, html_id


@dataclass
class ProseContext:
    book: Rulebook
    document: GuidanceDocument
    insert_block: Callable[[str, dict[str, str]], str]
    """Renders a generated block ({insert:KIND}) given the numbers of its items."""


class ProseRenderer:
    def __init__(self, context: ProseContext):
        self.context = context
        self.md = create_markdown()
        _install_rules(self.md)

    def section(self, section: SectionDoc) -> Markup:
        env = {"gb": self.context}
        return Markup(self.md.renderer.render(section.tokens, self.md.options, env))

    def inline(self, text: str) -> Markup:
        env = {"gb": self.context}
        return Markup(self.md.renderer.render(parse_inline(text), self.md.options, env))


# The GOV.UK Design System's classes for what Markdown writes (the PDF's print.css styles
# the elements themselves, so the same HTML serves both).
HEADING_CLASSES = {3: "govuk-heading-m", 4: "govuk-heading-s"}
TAG_CLASSES = {
    "bullet_list_open": ("ul", "govuk-list govuk-list--bullet"),
    "ordered_list_open": ("ol", "govuk-list govuk-list--number"),
    "thead_open": ("thead", "govuk-table__head"),
    "tbody_open": ("tbody", "govuk-table__body"),
    "tr_open": ("tr", "govuk-table__row"),
    "th_open": ("th", "govuk-table__header"),
    "td_open": ("td", "govuk-table__cell"),
    "link_open": ("a", "govuk-link"),
}


def _install_rules(md) -> None:
    md.add_render_rule("gb_helper", _render_helper)
    md.add_render_rule("gb_insert", _render_insert)
    md.add_render_rule("paragraph_open", _render_paragraph_open)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("table_open", _render_table_open)
    for token_type in TAG_CLASSES:
        md.add_render_rule(token_type, _render_with_class)


def _render_with_class(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    _, css = TAG_CLASSES[token.type]
    if token.type == "th_open":
        token.attrSet("scope", "col")
    token.attrJoin("class", css)
    return self.renderToken(tokens, idx, options, env)


def _render_paragraph_open(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    meta = token.meta or {}
    if "number" not in meta:
        return '<p class="govuk-body">'
    classes = "govuk-body para duty" if meta.get("duty") else "govuk-body para"
    return f'<p class="{classes}" id="{escape(html_id(meta["key"]))}"><span class="para-num">{escape(meta["number"])}</span> '


def _render_heading_open(self, tokens, idx, options, env) -> str:
    # Section titles are h2, so headings written in a section start at h3.
    level = min(int(tokens[idx].tag[1]) + 1, 6)
    css = HEADING_CLASSES.get(level)
    return f'<h{level} class="{css}">' if css else f"<h{level}>"


def _render_heading_close(self, tokens, idx, options, env) -> str:
    level = min(int(tokens[idx].tag[1]) + 1, 6)
    return f"</h{level}>\n"


def _render_table_open(self, tokens, idx, options, env) -> str:
    return '<table class="govuk-table prose-table">\n'


def _render_insert(self, tokens, idx, options, env) -> str:
    context: ProseContext = env["gb"]
    meta = tokens[idx].meta
    return context.insert_block(meta["arg"], meta.get("numbers", {}))


def _render_helper(self, tokens, idx, options, env) -> str:
    context: ProseContext = env["gb"]
    return str(render_helper(context, tokens[idx].meta))


def _link(key: str, text: Any, css: str = "") -> Markup:
    return Markup(f'<a href="#{escape(html_id(key))}" class="{" ".join(("govuk-link", css)).strip()}">{escape(text)}</a>')


def render_helper(context: ProseContext, meta: dict) -> Markup:
    book, anchors = context.book, context.document.anchors
    kind, arg, display = meta["kind"], meta["arg"], meta["display"]
    if kind == "term":
        definition = next(d for d in book.definitions if d.id == arg)
        return _link(f"definition.{arg}", display or definition.term, "term")
    if kind == "ref":
        return _link(arg, anchors[arg].label)
    if kind == "name":
        return _link(arg, anchors[arg].name)
    if kind == "value":
        return Markup(f'<span class="value">{escape(lookup_value(book, arg))}</span>')
    if kind in ("count", "Count"):
        word = number_word(len(book.items(arg)))
        return escape(word.capitalize() if kind == "Count" else word)
    if kind == "list":
        ref_kind = INSERT_KINDS.get(arg) or arg
        names = []
        for item in book.items(arg):
            anchor = anchors.get(f"{ref_kind}.{item.id}")
            names.append(_link(anchor.key, anchor.name[:1].lower() + anchor.name[1:]) if anchor else escape(item.id))
        return _join(names, display or "and")
    if kind == "assumption":
        return _link(f"assumption.{arg}", "illustrative assumption", "assumption-mark")
    return escape(meta["source"])


def _join(parts: list[Markup], joiner: str) -> Markup:
    if len(parts) <= 1:
        return Markup("").join(parts)
    return Markup(", ").join(parts[:-1]) + Markup(f" {joiner} ") + parts[-1]
