"""Recognise a register saved the wrong way, before it is read as CSV.

Spreadsheet programs offer several "CSV" and "text" formats. A register saved as UTF-16
("Unicode text"), with semicolons between cells (Excel in many European languages), or
as a workbook renamed to .csv would otherwise give one "missing column" line per column,
naming a zip header or a whole row as a column. One line naming the format, and how to
save the file as "CSV UTF-8", is what the person needs.
"""

from __future__ import annotations

from guidance_builder.diagnostics import Diagnostic, Location

SAVE_AS = "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; in LibreOffice: Save As 'Text CSV', character set UTF-8, field delimiter ','"
HEAD_BYTES = 4096
"""How much of the file is looked at: enough for a header row."""

_WORKBOOKS = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zipped document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
)


def sniff_register(head: bytes, display: str) -> Diagnostic | None:
    """A diagnostic when the first bytes of a register show it is not comma-separated UTF-8 text."""
    where = Location(display, 1)
    for magic, kind in _WORKBOOKS:
        if head.startswith(magic):
            return Diagnostic(where, f"this register is {kind}, not a CSV file", f"save it as CSV UTF-8: {SAVE_AS}")
    if _is_utf16(head):
        return Diagnostic(where, "this register is saved as UTF-16 ('Unicode text'), not UTF-8", f"save it as CSV UTF-8: {SAVE_AS}")
    header = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if header.count(separator) >= 2 and "," not in header:
            return Diagnostic(
                where, f"the columns of this register are separated by {name}, not commas", f"save it as CSV UTF-8: {SAVE_AS}"
            )
    return None


def _is_utf16(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    # Without a byte-order mark: ASCII text in UTF-16 has a zero byte in every other place.
    sample = head[:200]
    return len(sample) >= 8 and max(sample[1::2].count(0), sample[0::2].count(0)) > len(sample) // 4
