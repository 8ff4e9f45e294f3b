"""The printed page and table columns the contract PDF and DOCX share.

The PDF takes its page from templates/assets/print.css and its column widths from these
fractions (written into each table's <colgroup>); the DOCX writer sets the same page and
the same widths, so Word and LibreOffice lay the tables out as the PDF does.
"""

from __future__ import annotations

PAGE_MM = (210.0, 297.0)
"""A4, as @page in print.css."""
MARGINS_MM = {"top": 22.0, "right": 20.0, "bottom": 22.0, "left": 22.0}
"""As @page in print.css."""
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
CLAUSE_INDENT_MM = 12.0
"""Clause text, and the tables inside clauses, sit this far in (contract-print.css)."""

AWARD_COLUMNS = (0.08, 0.29, 0.63)
"""Award Form: Item, Particular, Details, as fractions of the text width. The first is wide enough
for the word "Item" inside Word's and LibreOffice's default cell margins."""


def table_columns(count: int) -> tuple[float, ...]:
    """A clause table's columns as fractions of its width: the last column (a figure or a blank) narrower."""
    if count == 3:
        return (0.28, 0.47, 0.25)
    return tuple(1 / count for _ in range(count))


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"
