"""Check 6: 'must' only where the law imposes a duty; 'should' for guidance.

A paragraph states a legal duty only if it is marked {.duty}. Text from the YAML is
always guidance, so it never says 'must'. 'Shall' is ambiguous and never used.
"""

from __future__ import annotations

import re

from guidance_builder.checks.text import prose_pieces
from guidance_builder.diagnostics import Diagnostics, Location

NAME = "Must and should"
MUST = re.compile(r"\bmust\b", re.I)
SHALL = re.compile(r"\bshall\b", re.I)


def run(edition, diagnostics: Diagnostics) -> None:
    duty_has_must: dict[int, bool] = {}
    for piece in prose_pieces(edition):
        if piece.kind != "text":
            continue
        where = Location(piece.section.display, piece.line)
        paragraph = piece.paragraph
        if paragraph is not None and paragraph.duty:
            duty_has_must.setdefault(id(paragraph), False)
        if MUST.search(piece.text):
            if paragraph is not None and paragraph.duty:
                duty_has_must[id(paragraph)] = True
            else:
                diagnostics.error(
                    where,
                    "'must' is used in a paragraph that is guidance, not a legal duty",
                    "use 'should' for guidance; if the law requires it, mark the paragraph {.duty} on the line above",
                    check=NAME,
                )
        if SHALL.search(piece.text):
            diagnostics.error(where, "'shall' is ambiguous in guidance", "use 'must' for a legal duty or 'should' for guidance", check=NAME)
    for section in edition.document.sections:
        for paragraph in section.paragraphs:
            if paragraph.duty and duty_has_must.get(id(paragraph)) is False:
                diagnostics.warning(
                    Location(section.display, paragraph.line),
                    "this paragraph is marked as a legal duty but does not say 'must'",
                    "state the duty with 'must', or remove {.duty}",
                    check=NAME,
                )
    for file, path, text in edition.book.walk_texts():
        for word, pattern in (("must", MUST), ("shall", SHALL)):
            if pattern.search(text):
                diagnostics.error(
                    edition.sources.location(file, path),
                    f"'{word}' in text from {file}, which is always guidance",
                    "use 'should' (or 'may'); legal duties belong in a {.duty} paragraph of a section",
                    check=NAME,
                )
