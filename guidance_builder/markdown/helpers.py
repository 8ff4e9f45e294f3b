"""Inline rule for helpers such as {term:relevant_contract} or {ref:criterion.coercive_powers|...}.

Each helper becomes one `gb_helper` token whose meta holds the kind, argument,
optional display text and the source line, so later stages can resolve it and
point at it. Anything that looks like a helper but names an unknown kind is still
a token, so the resolver can report it instead of letting it print as text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

HELPER_RE = re.compile(r"\{([A-Za-z]+):([^{}|\n]*)(?:\|([^{}\n]*))?\}")
HELPER_KINDS = ("term", "ref", "name", "value", "count", "Count", "list", "assumption", "insert")


def helper_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = HELPER_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("gb_helper", "", 0)
        token.meta = {
            "kind": match[1],
            "arg": match[2].strip(),
            "display": match[3].strip() if match[3] is not None else None,
            "line": state.env.get("gb_line", 0) + _newlines_before(state),
            "source": match[0],
        }
        token.content = match[0]
    state.pos = match.end()
    return True


def _newlines_before(state: StateInline) -> int:
    """Line breaks in the block before this point, counted on from the last helper's: counting
    from the start of the block each time made a paragraph of many helpers quadratic."""
    src, pos, count = state.env.get("gb_newlines", ("", 0, 0))
    if src is not state.src or pos > state.pos:
        pos, count = 0, 0
    count += state.src.count("\n", pos, state.pos)
    state.env["gb_newlines"] = (state.src, state.pos, count)
    return count


def inline_with_lines(state: StateCore) -> None:
    """The core 'inline' rule, telling the helper rule which source line each block starts on."""
    base = state.env.get("gb_base_line", 1)
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            state.env["gb_line"] = base + (token.map[0] if token.map else 0)
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def insert_blocks(state: StateCore) -> None:
    """Turn a paragraph holding only {insert:KIND} into one block-level `gb_insert` token."""
    tokens = state.tokens
    result = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "paragraph_open" and i + 2 < len(tokens) and tokens[i + 1].type == "inline":
            children = [c for c in tokens[i + 1].children or [] if not (c.type == "text" and not c.content.strip())]
            if len(children) == 1 and children[0].type == "gb_helper" and children[0].meta["kind"] == "insert":
                insert = Token("gb_insert", "", 0)
                insert.meta = dict(children[0].meta)
                insert.map = token.map
                insert.level = token.level
                insert.block = True
                result.append(insert)
                i += 3
                continue
        result.append(token)
        i += 1
    state.tokens = result


def helpers_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.after("text", "gb_helper", helper_rule)
    md.core.ruler.at("inline", inline_with_lines)
    md.core.ruler.after("inline", "gb_insert", insert_blocks)
