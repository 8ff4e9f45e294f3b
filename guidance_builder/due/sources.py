"""Which kind each source file is, judged from its content, and every contract they hold.

A file whose first character is `{` or `[` is OCDS JSON: JSON Lines when its first line
is a whole JSON object, one (streamed) JSON document otherwise. Anything else is a CSV
register if its first row names at least two of the Code's fields. A file that is
neither is a problem, and the other sources are still read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from guidance_builder.due.listing import Found, Problems, Window
from guidance_builder.due.merge import MergeFailed, Spill, merge
from guidance_builder.due.ocds_contracts import contracts_of, may_end_between
from guidance_builder.due.ocds_read import read_json, read_json_lines
from guidance_builder.due.policy import SourcePolicy
from guidance_builder.due.register import HeaderMap, looks_like_register, read_register

PEEK = 1 << 16
NEITHER_HINT = "give a CSV register whose first row names its columns, or an OCDS release or record package in JSON or JSON Lines"


@dataclass(frozen=True)
class Source:
    path: Path
    display: str


def kind_of(source: Source, headers: HeaderMap) -> tuple[str, str]:
    """('json' | 'jsonl' | 'csv' | '', encoding) from the first bytes of the file."""
    with open(source.path, "rb") as stream:
        head = stream.read(PEEK)
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if not text or b"\x00" in head:
        return "", ""
    if text[:1] in (b"{", b"["):
        line, newline, _ = text.partition(b"\n")
        if newline:
            try:
                if isinstance(json.loads(line), dict):
                    return "jsonl", ""
            except ValueError:
                pass
        return "json", ""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoded = decoder.decode(head, final=len(head) < PEEK)
        except UnicodeDecodeError:
            continue
        try:
            header = next(csv.reader(io.StringIO(decoded)), [])
        except csv.Error:
            return "", ""
        return ("csv", encoding) if looks_like_register(header, headers) else ("", "")
    return "", ""


def read_sources(
    sources: list[Source],
    policy: SourcePolicy,
    headers: HeaderMap,
    authority_type: str | None,
    problems: Problems,
    window: Window | None = None,
) -> Iterator[Found]:
    """Every contract with an end, registers first, then each merged OCDS process in ocid order.

    With a window, a process that cannot end in it is not merged (nor its data checked).
    """
    start, end = (window.start.isoformat(), window.end.isoformat()) if window else ("", "9999-12-31")
    spill = Spill()
    try:
        for source in sources:
            try:
                kind, encoding = kind_of(source, headers)
                if kind == "csv":
                    yield from _register(source, encoding, policy, headers, authority_type, problems)
                elif kind:
                    with open(source.path, "rb") as stream:
                        if kind == "jsonl":
                            releases = read_json_lines(stream, source.display, problems)
                        else:
                            releases = read_json(_skip_bom(stream), source.display, problems, _first_character(stream))
                        spill.add_all(releases, source.display)
                else:
                    problems.add(source.display, 1, "", "this file is neither a CSV register nor OCDS", NEITHER_HINT)
            except OSError as error:
                problems.add(source.display, 0, "", f"cannot read the file: {error.strerror}", "check the path")
        for ocid, placed in spill.processes():
            if not may_end_between(placed, start, end):
                continue
            try:
                process = merge(ocid, placed)
            except MergeFailed as error:
                first = placed[0]
                problems.add(
                    first.file, first.row, "", f"the releases of {ocid} cannot be merged: {error}", "check the releases of this ocid"
                )
                continue
            yield from contracts_of(process, policy, problems)
    finally:
        spill.close()


def _first_character(stream) -> bytes:
    at = stream.tell()
    head = stream.read(PEEK)
    stream.seek(at)
    return head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]


def _skip_bom(stream):
    if stream.read(3) != codecs.BOM_UTF8:
        stream.seek(0)
    return stream


def _register(source: Source, encoding: str, policy: SourcePolicy, headers: HeaderMap, authority_type: str | None, problems: Problems):
    with open(source.path, encoding=encoding, newline="") as stream:
        try:
            yield from read_register(stream, source.display, headers, policy.ended_event, authority_type, problems)
        except UnicodeDecodeError:
            name = "UTF-8" if encoding.startswith("utf-8") else "Windows-1252"
            problems.add(source.display, 0, "", f"the file is not valid {name} text after the rows above", "save it as UTF-8")
        except csv.Error as error:
            problems.add(source.display, 0, "", f"the CSV cannot be read: {error}", "check its quotes")
