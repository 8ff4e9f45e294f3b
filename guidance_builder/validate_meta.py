"""Rules of guidance.yaml that a schema cannot state: dates in order, a plain version, a real language."""

from __future__ import annotations

import datetime
import re

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.model import Rulebook

STANDARD_TAGS = frozenset({"en", "en-GB", "cy", "cy-GB"})
"""Tags langcodes finds valid and in standard form (a test asks it), known here so that every
command need not import langcodes, whose data takes longer to load than all the rules."""


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
    problem = language_problem(meta.language)
    if problem is not None:
        diagnostics.error(where("language"), *problem)


def language_problem(language: str) -> tuple[str, str] | None:
    """What is wrong with a language tag and what to do, or None for a valid tag in standard form."""
    if language in STANDARD_TAGS:
        return None
    import langcodes

    if not langcodes.tag_is_valid(language):
        return f"'{language}' is not a language tag", "write a BCP 47 tag such as en-GB (English) or cy-GB (Welsh)"
    if (standard := langcodes.standardize_tag(language)) != language:
        return f"the language tag '{language}' is not written in its standard form", f"write {standard}"
    return None


def format_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"
