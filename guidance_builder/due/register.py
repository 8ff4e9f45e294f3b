"""A council's contract register (Transparency Code 2015) in its own column names.

Each header cell is matched to a Code field through the names in sources.yaml (and a
council's own, from --columns), ignoring case, spaces and punctuation. Rows are read
one at a time; a bad cell is a problem at its row and column, and the row's other
facts are still used where they can be.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import TextIO

from guidance_builder.due.listing import Found, Problems
from guidance_builder.due.values import ForeignCurrency, ImpossibleDate, NotADate, NotMoney, parse_date, parse_pounds

csv.field_size_limit(1 << 20)  # a long description is fine; a runaway quote stops at a megabyte

_NOT_WORD = re.compile(r"[^0-9a-z£]+")
NEEDED = ("reference", "end_date")
"""Without these a file is not a register `due` can use."""


def normalise(header: str) -> str:
    return _NOT_WORD.sub("", header.lower())


class HeaderMap:
    """Which column holds each field, chosen by the first name listed for it that the header has."""

    def __init__(self, names: dict[str, tuple[str, ...]]):
        self._rank: dict[str, tuple[str, int]] = {}
        for field_name, variants in names.items():
            for rank, variant in enumerate(variants):
                self._rank.setdefault(normalise(variant), (field_name, rank))

    def columns(self, header: list[str]) -> dict[str, int]:
        best: dict[str, tuple[int, int]] = {}
        for index, cell in enumerate(header):
            match = self._rank.get(normalise(cell))
            if match is None:
                continue
            field_name, rank = match
            if field_name not in best or rank < best[field_name][0]:
                best[field_name] = (rank, index)
        return {name: index for name, (_, index) in best.items()}


def looks_like_register(header: list[str], headers: HeaderMap) -> bool:
    """Whether a first row is a register's header: at least two of its cells name Code fields."""
    return len(headers.columns(header)) >= 2


def read_register(
    stream: TextIO, display: str, headers: HeaderMap, ended_event: str, authority_type: str | None, problems: Problems
) -> Iterator[Found]:
    reader = csv.reader(stream, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        problems.add(display, 1, "", "the file is empty", "give a CSV register or an OCDS file")
        return
    columns = headers.columns(header)
    missing = [name for name in NEEDED if name not in columns]
    if missing:
        names = " and ".join(f"'{name}'" for name in missing)
        problems.add(
            display,
            1,
            "",
            f"no column of the header is the register's {names}",
            "name it as the Transparency Code does, or map the council's own name with --columns map.yaml",
        )
        return
    names = {name: header[index].strip() for name, index in columns.items()}
    width = len(header)
    next_row = reader.line_num + 1
    for cells in reader:
        row, next_row = next_row, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return "" if index is None else cells[index].strip()

        raw_end = cell("end_date")
        if not raw_end:
            continue  # a rolling contract, or one not yet dated: it has no end to list
        try:
            end = parse_date(raw_end)
        except ImpossibleDate:
            problems.add(display, row, names["end_date"], f"'{raw_end}' is not a real date", "check the day and month; no such day exists")
            continue
        except NotADate:
            problems.add(
                display,
                row,
                names["end_date"],
                f"'{raw_end}' is not a date",
                "write it as DD/MM/YYYY or YYYY-MM-DD, for example 31/03/2027",
            )
            continue
        value = _value(cell("value"), cell("currency"), names, display, row, problems)
        yield Found(
            reference=cell("reference"),
            title=cell("title") or cell("description"),
            authority=cell("authority"),
            authority_type=authority_type,
            provider=cell("supplier"),
            value_gbp=value,
            event=ended_event,
            event_date=end,
            source=f"{display}:{row}",
        )


def _value(raw: str, currency: str, names: dict[str, str], display: str, row: int, problems: Problems) -> int | None:
    if currency and currency.upper() not in ("GBP", "£"):
        problems.add(
            display,
            row,
            names["currency"],
            f"the value is in {currency}, not pounds sterling (GBP)",
            "thresholds are in pounds: give the value in GBP",
        )
        return None
    if not raw:
        return None
    try:
        return parse_pounds(raw)
    except ForeignCurrency as foreign:
        problems.add(
            display, row, names["value"], f"'{raw}' is in {foreign.args[0]}, not pounds sterling (GBP)", "give the value in pounds"
        )
    except NotMoney:
        problems.add(display, row, names["value"], f"'{raw}' is not an amount of money", "write it in pounds, for example £1,200,000.00")
    return None
