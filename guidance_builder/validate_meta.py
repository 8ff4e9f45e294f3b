"""Rules of guidance.yaml that a schema cannot state: dates in order, a plain version, a real language."""

from __future__ import annotations

import datetime
import re

import langcodes

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.model import Rulebook


def validate_meta(book: Rulebook, sources, diagnostics: Diagnostics) -> None:
    meta = book.meta

    def where(key: str):
        return sources.location("guidance.yaml", (key,))

    published = meta.publication_date
    for key in ("effective_date", "review_date"):
        value = getattr(meta, key)
        if value < published:
            diagnostics.error(
                where(key),
                f"'{key}' {format_date(value)} is before the publication date, {format_date(published)}",
                "an edition takes effect and is reviewed on or after it is published: check both dates",
            )
    if re.search(r"(^|\.)0\d", meta.version):
        plain = ".".join(str(int(part)) for part in meta.version.split("."))
        diagnostics.error(where("version"), f"the version '{meta.version}' has a leading zero", f"write {plain}")
    language = meta.language
    if not langcodes.tag_is_valid(language):
        diagnostics.error(
            where("language"), f"'{language}' is not a language tag", "write a BCP 47 tag such as en-GB (English) or cy-GB (Welsh)"
        )
    elif (standard := langcodes.standardize_tag(language)) != language:
        diagnostics.error(where("language"), f"the language tag '{language}' is not written in its standard form", f"write {standard}")


def format_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"
