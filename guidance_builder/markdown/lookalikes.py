"""Text that looks like a helper, a reference link or a footnote but is not one.

The renderer prints such text as it stands, so `{term:x` (unclosed), `{ term:x}`,
`{{term:x}}`, a helper inside a helper, one split across lines, `[text][nope]` with no
`[nope]: https://...` and `[^1]` would all reach the published guidance as literal
braces and brackets. Each is found here, in the tokens the real parser makes, so a
helper inside a code span or an escaped brace is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from markdown_it.token import Token

from guidance_builder.markdown.helpers import HELPER_KINDS
from guidance_builder.markdown.parser import UnsafeMarkup, _inspecting_markdown, _shorten

_REFERENCE_LINK = re.compile(r"\[[^\[\]\n]+\]\[[^\[\]\n]*\]")
_FOOTNOTE = re.compile(r"\[\^[^\[\]\n]*\]")
_HINT = "write a helper as {kind:id} on one line, with no spaces inside the braces; see docs/drafting.md"


def lookalike_helpers(text: str, kinds: tuple[str, ...] = HELPER_KINDS) -> list[UnsafeMarkup]:
    """Every malformed helper of one of `kinds`, undefined reference link and footnote in `text`, with its line.

    Only known kinds count: `{ background: red }` in a quoted stylesheet is not a helper gone wrong."""
    if "{" not in text and "[" not in text:
        return []
    found: list[UnsafeMarkup] = []
    for token in _inspecting_markdown().parse(text, {"gb_base_line": 1}):
        if token.children:
            found.extend(_inline(token.children, token.map[0] + 1 if token.map else 1, _patterns(kinds)))
    return found


@lru_cache(maxsize=4)
def _patterns(kinds: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    names = "|".join(sorted(kinds))
    return re.compile(rf"\{{\s*(?:{names})\s*:"), re.compile(rf"\{{\s+(?:{names})\s*:|\{{(?:{names})\s+:")


def _inline(children: list[Token], line: int, patterns: tuple[re.Pattern, re.Pattern]) -> Iterator[UnsafeMarkup]:
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "gb_helper":
            before = children[index - 1] if index else None
            after = children[index + 1] if index + 1 < len(children) else None
            if _is_text(before) and before.content.endswith("{") and _is_text(after) and after.content.startswith("}"):
                yield UnsafeMarkup(line, f"'{{{child.content}}}' has doubled braces", "write the helper with one pair: " + child.content)
            elif _is_text(before) and patterns[0].search(before.content) and "}" not in before.content[before.content.rfind("{") :]:
                outer = before.content[before.content.rfind("{") :]
                yield UnsafeMarkup(
                    line,
                    f"'{outer}{child.content}}}' puts a helper inside a helper",
                    "helpers cannot be nested: use one helper, or two side by side",
                )
        elif _is_text(child):
            yield from _in_text(child.content, children[index + 1] if index + 1 < len(children) else None, line, patterns)


def _in_text(content: str, after: Token | None, line: int, patterns: tuple[re.Pattern, re.Pattern]) -> Iterator[UnsafeMarkup]:
    start, spaced = patterns
    for match in start.finditer(content):
        rest = content[match.start() :]
        if after is not None and after.type == "gb_helper" and "}" not in rest:
            continue  # reported once, as a nested helper
        if spaced.match(rest):
            message = f"'{_shorten(rest.split('}')[0] + '}', 40)}' has a space inside the braces, so it is not a helper"
        elif "}" not in rest and after is not None and after.type == "softbreak":
            message = f"the helper '{_shorten(rest, 40)}' is split across lines"
        elif "}" not in rest:
            message = f"the helper '{_shorten(rest.split()[0], 40)}' is not closed with '}}'"
        else:
            message = f"'{_shorten(rest[: rest.index('}') + 1], 40)}' looks like a helper but is not one"
        yield UnsafeMarkup(line, message, _HINT)
    for match in _REFERENCE_LINK.finditer(content):
        label = match.group().split("][")[1].rstrip("]") or match.group().split("][")[0].lstrip("[")
        yield UnsafeMarkup(
            line,
            f"the reference link '{match.group()}' has no definition of [{label}]",
            "write the link inline, [text](https://...), or add '[label]: https://...' on its own line",
        )
    for match in _FOOTNOTE.finditer(content):
        yield UnsafeMarkup(line, f"footnotes are not supported: '{match.group()}'", "put the note in the text, or in brackets after it")


def _is_text(token: Token | None) -> bool:
    return token is not None and token.type == "text"
