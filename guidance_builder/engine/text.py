"""YAML prose (with helpers such as {term:id}) as plain text, for reasons and the checker page."""

from __future__ import annotations

from guidance_builder.markdown.parser import parse_inline
from guidance_builder.model import Rulebook
from guidance_builder.resolve.values import lookup_value, number_word
from guidance_builder.rules.facts import lower_first
from guidance_builder.rules.values import join_words
from guidance_builder.structure import AnchorIndex
from guidance_builder.structure.anchors import INSERT_KINDS

_TEXT_TOKENS = ("text", "code_inline", "html_inline")


def plain_text(book: Rulebook, anchors: AnchorIndex, text: str) -> str:
    """`text` with every helper replaced by the words it renders as, and no markup."""
    parts: list[str] = []
    for token in parse_inline(text):
        if token.type in _TEXT_TOKENS:
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "gb_helper":
            parts.append(_helper_text(book, anchors, token.meta))
    return " ".join("".join(parts).split())


def _helper_text(book: Rulebook, anchors: AnchorIndex, meta: dict) -> str:
    kind, arg, display = meta["kind"], meta["arg"], meta.get("display")
    if kind == "term":
        definition = next((d for d in book.definitions if d.id == arg), None)
        return display or (definition.term if definition else arg)
    if kind in ("ref", "name"):
        anchor = anchors.get(arg)
        if anchor is None:
            return arg
        return anchor.label if kind == "ref" else anchor.name
    if kind == "value":
        return lookup_value(book, arg) or arg
    if kind in ("count", "Count"):
        word = number_word(len(book.items(arg)))
        return word.capitalize() if kind == "Count" else word
    if kind == "list":
        ref_kind = INSERT_KINDS.get(arg) or arg
        names = []
        for item in book.items(arg):
            anchor = anchors.get(f"{ref_kind}.{item.id}")
            names.append(lower_first(anchor.name) if anchor else item.id)
        return join_words(names, display or "and")
    if kind == "assumption":
        return ""
    return meta.get("source", "")


__all__ = ["join_words", "lower_first", "plain_text"]
