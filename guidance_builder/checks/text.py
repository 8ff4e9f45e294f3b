"""Walk the prose of every section as a drafter reads it: text and helpers, with lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from guidance_builder.structure import GuidanceDocument, Paragraph, SectionDoc


@dataclass(frozen=True)
class Piece:
    kind: str
    """'text' for typed words, 'helper' for a {kind:arg} helper."""
    text: str
    line: int
    section: SectionDoc
    paragraph: Paragraph | None
    heading: bool
    meta: dict | None = None


def prose_pieces(edition) -> list[Piece]:
    """Every piece of the edition's prose, walked once and shared by the checks that read it."""
    if "prose_pieces" not in edition.cache:
        edition.cache["prose_pieces"] = list(_walk(edition.document))
    return edition.cache["prose_pieces"]


def _walk(document: GuidanceDocument) -> Iterator[Piece]:
    for section in document.sections:
        paragraphs = {p.number: p for p in section.paragraphs}
        current: Paragraph | None = None
        heading = False
        for token in section.tokens:
            if token.type == "heading_open":
                current, heading = None, True
            elif token.type == "heading_close":
                heading = False
            elif token.type == "paragraph_open" and token.level == 0:
                current = paragraphs.get((token.meta or {}).get("number"))
            elif token.type == "gb_insert":
                current = None
            if token.type != "inline":
                continue
            line = (token.map[0] + 1) if token.map else 0
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "text":
                    yield Piece("text", child.content, line, section, current, heading)
                elif child.type == "gb_helper":
                    yield Piece("helper", child.content, child.meta["line"], section, current, heading, child.meta)
                elif child.type == "code_inline":
                    yield Piece("text", child.content, line, section, current, heading)
