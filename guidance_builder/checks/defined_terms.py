"""Check 5: defined terms are linked on first use in each section, and written in a recorded form.

A near miss ('at risk people' for 'at-risk people', 'relevant-contracts') is recognised
as the same term, so it cannot slip past as ordinary words.
"""

from __future__ import annotations

import re

from guidance_builder.checks.text import prose_pieces
from guidance_builder.diagnostics import Diagnostics, Location

NAME = "Defined terms used consistently"


def _loose(form: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", form.strip()) if w]
    return r"[\s-]+".join(words)


def term_patterns(book) -> list[tuple[object, re.Pattern, set[str], set[str]]]:
    """For each definition: a pattern matching every spelling close to its forms, the exact
    forms, and the first word of each form (text without any of them cannot match)."""
    result = []
    for definition in book.definitions:
        forms = [definition.term, *definition.forms]
        alternatives = sorted({_loose(f) for f in forms}, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")s?(?![\w-])", re.I)
        first_words = {re.split(r"[\s-]+", f.strip())[0].casefold() for f in forms if f.strip()}
        result.append((definition, pattern, {f.lower() for f in forms}, first_words))
    return result


def run(edition, diagnostics: Diagnostics) -> None:
    patterns = term_patterns(edition.book)
    linked: dict[tuple[str, str], bool] = {}
    for piece in prose_pieces(edition):
        if piece.heading:
            continue
        if piece.kind == "helper":
            if piece.meta["kind"] == "term":
                linked[(piece.section.id, piece.meta["arg"])] = True
            continue
        folded = piece.text.casefold()
        # Most prose names no term: a substring test skips a pattern that cannot match. (Not
        # outside ASCII, where case rules differ: 'ı' matches 'i' in a pattern, not in a string.)
        candidates = [p for p in patterns if any(word in folded for word in p[3])] if folded.isascii() else patterns
        if not candidates:
            continue
        where = Location(piece.section.display, piece.line)
        claimed: list[tuple[int, int]] = []
        for definition, pattern, exact, _ in candidates:
            for match in pattern.finditer(piece.text):
                if any(start < match.end() and match.start() < end for start, end in claimed):
                    continue
                claimed.append(match.span())
                typed = match.group(0)
                if typed.lower() not in exact:
                    forms = ", ".join(sorted(exact))
                    diagnostics.error(
                        where,
                        f"'{typed}' looks like the defined term '{definition.term}' but is not one of its recorded forms",
                        f"write it as one of: {forms}; or add this form to definitions.yaml",
                        check=NAME,
                    )
                elif not linked.get((piece.section.id, definition.id)):
                    form = "" if typed.lower() == definition.term.lower() else f"|{typed}"
                    diagnostics.error(
                        where,
                        f"first use of the defined term '{typed}' in {piece.section.label.lower()} is not linked to its definition",
                        f"write {{term:{definition.id}{form}}}",
                        check=NAME,
                    )
                    linked[(piece.section.id, definition.id)] = True
