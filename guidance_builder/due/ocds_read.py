"""OCDS releases from release packages, record packages and JSON Lines, one at a time.

A JSON file is streamed with ijson, so a national download never sits in memory; a
JSON Lines file is read line by line. Each release comes with its row: the line of a
JSON Lines file, or its position (from 1) in a package's `releases` or `records`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

import ijson

from guidance_builder.due.listing import Problems

Release = dict
RELEASE_KEYS = ("ocid", "id", "date", "tag", "buyer", "parties", "awards", "contracts", "tender")
"""The parts of a release `due` reads; the rest is dropped before merging, which changes nothing here."""


def trim(release: Release) -> Release:
    kept = {key: release[key] for key in RELEASE_KEYS if key in release}
    tender = kept.get("tender")
    if isinstance(tender, dict):
        kept["tender"] = {"title": tender["title"]} if "title" in tender else {}
    return kept


def _accept(item: object, display: str, row: int, problems: Problems, path: str) -> Release | None:
    """A release fit to merge, or None after reporting why not."""
    if not isinstance(item, dict):
        problems.add(display, row, path, "this is not a release (a set of keys)", "an OCDS release is a JSON object")
        return None
    ocid = item.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        problems.add(display, row, f"{path}ocid", "the release has no ocid", "every OCDS release names its contracting process in 'ocid'")
        return None
    date = item.get("date")
    if not isinstance(date, str) or not date.strip():
        problems.add(display, row, f"{path}date", "the release has no date", "releases are merged in date order, so each needs a 'date'")
        return None
    return trim(item)


def _from_package_item(kind: str, item: object, display: str, row: int, problems: Problems, prefix: str) -> Iterator[Release]:
    """A release, or a record's compiled release (or its embedded releases)."""
    if kind == "releases":
        release = _accept(item, display, row, problems, prefix)
        if release is not None:
            yield release
        return
    if not isinstance(item, dict):
        problems.add(display, row, prefix, "this is not a record (a set of keys)", "an OCDS record is a JSON object")
        return
    compiled = item.get("compiledRelease")
    if isinstance(compiled, dict):
        if "ocid" not in compiled and isinstance(item.get("ocid"), str):
            compiled = {**compiled, "ocid": item["ocid"]}
        release = _accept(compiled, display, row, problems, f"{prefix}compiledRelease.")
        if release is not None:
            yield release
        return
    embedded = [r for r in item.get("releases") or [] if isinstance(r, dict) and "date" in r and "url" not in r]
    if not embedded:
        problems.add(
            display,
            row,
            f"{prefix}compiledRelease",
            "the record has no compiled release",
            "download the record package with compiledRelease",
        )
    for release in embedded:
        accepted = _accept(release, display, row, problems, prefix)
        if accepted is not None:
            yield accepted


def _from_object(item: object, display: str, row: int, problems: Problems) -> Iterator[Release]:
    """One JSON value of a JSON Lines file or a top-level array: a package or a release."""
    if isinstance(item, dict):
        for kind in ("releases", "records"):
            if isinstance(item.get(kind), list):
                for release in item[kind]:
                    yield from _from_package_item(kind, release, display, row, problems, "")
                return
        if not ({"ocid", "date", "tag", "id"} & item.keys()):
            problems.add(display, row, "", "this JSON is not OCDS", "give an OCDS release package, record package or release")
            return
    release = _accept(item, display, row, problems, "")
    if release is not None:
        yield release


def read_json_lines(stream: BinaryIO, display: str, problems: Problems) -> Iterator[tuple[Release, int]]:
    for row, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):
            problems.add(display, row, "", "this line is not valid JSON", "each line of a JSON Lines file is one package or release")
            continue
        for release in _from_object(item, display, row, problems):
            yield release, row


def _package_kind(stream: BinaryIO) -> str:
    """'releases' or 'records' for a package, '' for any other object (its top-level keys are read until one is found)."""
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if prefix == "" and event == "map_key" and value in ("releases", "records"):
            return value
    return ""


def read_json(stream: BinaryIO, display: str, problems: Problems, first: bytes) -> Iterator[tuple[Release, int]]:
    """A package (streamed), a top-level array of releases or packages, or one release."""
    row = 0
    start = stream.tell()
    try:
        if first == b"[":
            for row, item in enumerate(ijson.items(stream, "item", use_float=True), start=1):
                for release in _from_object(item, display, row, problems):
                    yield release, row
            return
        kind = _package_kind(stream)
        stream.seek(start)
        if kind:
            for row, item in enumerate(ijson.items(stream, f"{kind}.item", use_float=True), start=1):
                for release in _from_package_item(kind, item, display, row, problems, ""):
                    yield release, row
            return
        (item,) = ijson.items(stream, "", use_float=True)
        for release in _from_object(item, display, 1, problems):
            yield release, 1
    except (ijson.JSONError, ijson.IncompleteJSONError, ValueError):
        after = f" after item {row:,}" if row else ""
        problems.add(display, max(row, 1), "", f"the JSON is broken{after}", "download the file again; the rest of it was not read")
