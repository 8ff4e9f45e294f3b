"""Check 8: an edition marked final has no drafting markers and no illustrative assumptions."""

from __future__ import annotations

import re

from guidance_builder.checks.text import prose_pieces
from guidance_builder.diagnostics import Diagnostics, Location

NAME = "Publishable status"
MARKERS = re.compile(r"\b(?:TODO|TBC|TBD|FIXME|XXX)\b|\[\s*(?:draft(?:ing)?(?: note)?|placeholder|\?+)\s*\]", re.I)


def run(edition, diagnostics: Diagnostics) -> None:
    book, sources = edition.book, edition.sources
    final = book.meta.status == "final"
    report = diagnostics.error if final else diagnostics.warning
    why = "an edition marked final" if final else "a draft"
    for piece in prose_pieces(edition):
        where = Location(piece.section.display, piece.line)
        if piece.kind == "text" and MARKERS.search(piece.text):
            report(
                where,
                f"drafting marker '{MARKERS.search(piece.text).group(0)}' left in {why}",
                "finish the text and remove the marker",
                check=NAME,
            )
        if final and piece.kind == "helper" and piece.meta["kind"] == "assumption":
            diagnostics.error(
                where,
                f"an edition marked final still relies on the illustrative assumption '{piece.meta['arg']}'",
                "replace the assumption with the enacted provision, or keep the status as consultation",
                check=NAME,
            )
    for file, path, text in book.walk_texts():
        match = MARKERS.search(text)
        if match:
            report(
                sources.location(file, path),
                f"drafting marker '{match.group(0)}' left in {why}",
                "finish the text and remove the marker",
                check=NAME,
            )
    if not final:
        return
    for index, assumption in enumerate(book.assumptions):
        diagnostics.error(
            sources.location("assumptions.yaml", ("assumptions", index, "id")),
            f"an edition marked final still lists the illustrative assumption '{assumption.id}'",
            "settle the point, remove the assumption and the references to it, or keep the status as consultation",
            check=NAME,
        )
