"""What `due` gives back: a plain table, JSON, an `assess --register` template, and safe file writing."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.due.listing import Due, Listing, Window
from guidance_builder.due.policy import SOURCES_FILE, SourcePolicy

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet: such text is written after a quote mark."""


def pounds(value: int | None) -> str:
    return "" if value is None else f"£{value:,}"


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


TABLE_HEADER = ("ends", "event", "assess by", "reference", "title", "authority", "provider", "value", "below threshold", "source")


def _cells(d: Due) -> tuple[str, ...]:
    f = d.found
    return (
        f.event_date.isoformat(),
        f.event,
        d.assess_by.isoformat(),
        f.reference,
        f.title,
        f.authority,
        f.provider,
        pounds(f.value_gbp),
        _yes_no(d.under_threshold),
        f.source,
    )


def write_table(stream: io.TextIOBase, listed: Listing, window: Window) -> None:
    """A plain table, one line per contract, written as it goes (the widths are found first)."""
    stream.write(
        f"Contracts ending between {window.start.isoformat()} and {window.end.isoformat()} "
        f"(on {window.on.isoformat()}, {window.since_months} months back, {window.within_months} ahead): {len(listed):,}\n"
    )
    if not listed:
        return
    widths = [len(name) for name in TABLE_HEADER]
    for d in listed:
        widths = [max(w, len(cell)) for w, cell in zip(widths, _cells(d), strict=True)]
    widths = [min(40, w) for w in widths]

    def line(cells) -> str:
        return "  ".join(_cut(cell, width).ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() + "\n"

    stream.write("\n" + line(TABLE_HEADER) + line("-" * w for w in widths))
    for d in listed:
        stream.write(line(_cells(d)))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def as_json(listed: Listing, window: Window, problems: list[Diagnostic]) -> dict:
    return {
        "on": window.on.isoformat(),
        "within_months": window.within_months,
        "since_months": window.since_months,
        "contracts": [d.as_json() for d in listed],
        "problems": [_problem(p) for p in problems],
    }


def _problem(p: Diagnostic) -> dict:
    return {"file": p.location.path, "row": p.location.line, "message": p.message, "hint": p.hint, "text": str(p)}


def write_json(stream: io.TextIOBase, listed: Listing, window: Window, problems: list[Diagnostic]) -> None:
    """`as_json` as `json.dumps(..., indent=2)` writes it, one contract at a time: a long list is never one string."""
    head = as_json([], window, [])
    for key in ("on", "within_months", "since_months"):
        stream.write(("{\n" if key == "on" else ",\n") + f"  {json.dumps(key)}: {json.dumps(head[key])}")
    for key, items, encode in (("contracts", listed, Due.as_json), ("problems", problems, _problem)):
        stream.write(f",\n  {json.dumps(key)}: [")
        for number, item in enumerate(items):
            text = json.dumps(encode(item), indent=2, ensure_ascii=False).replace("\n", "\n    ")
            stream.write(("\n    " if number == 0 else ",\n    ") + text)
        stream.write("\n  ]" if items else "]")
    stream.write("\n}\n")


def template_columns(policy: SourcePolicy, columns: list[str]) -> dict[str, str]:
    """Which register column each fact fills: the first column named for it that the register has."""
    chosen = {}
    for fact, names in policy.template.items():
        column = next((name for name in names if name in columns), None)
        if column is None:
            raise ContentError(
                [
                    Diagnostic(
                        Location(f"content/{SOURCES_FILE.as_posix()}"),
                        f"template: none of the columns named for '{fact}' ({', '.join(names)}) is a column of assess --register",
                        "the register's columns are: " + ", ".join(columns),
                    )
                ]
            )
        chosen[fact] = column
    return chosen


def write_template(out: io.TextIOBase, listed: Listing, columns: list[str], fills: dict[str, str]) -> None:
    """One register row per listed contract: the facts the data gives, and empty cells for a person to answer."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for due in listed:
        facts = due.as_json()
        row = dict.fromkeys(columns, "")
        for fact, column in fills.items():
            value = facts[fact]
            row[column] = "" if value is None else _inert(str(value))
        writer.writerow(row[column] for column in columns)


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def check_target(path: Path, option: str, inputs: list[Path]) -> None:
    """Refuse an output path that is not, or would not be, a regular file of its own."""
    problem = ""
    if path.exists() and not path.is_file():
        problem = f"{option} names something that is not a regular file"
    elif not path.parent.is_dir():
        problem = f"the folder for {option} does not exist"
    elif path.exists() and any(path.resolve() == source.resolve() for source in inputs if source.exists()):
        problem = f"{option} is one of the sources"
    if problem:
        raise ContentError([Diagnostic(Location(str(path)), problem, "give the path of a new file, such as due.csv")])


def write_atomically(path: Path, write: Callable[[io.TextIOBase], None]) -> None:
    """Write beside `path`, then move into place: a reader sees the old file or the whole new one."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise ContentError([Diagnostic(Location(str(path)), f"cannot write here: {error.strerror}")]) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # as an ordinary new file would be; mkstemp makes it private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
