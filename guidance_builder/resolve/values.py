"""Values that prose can quote with {value:...}, formatted the way GOV.UK writes them."""

from __future__ import annotations

import datetime

from guidance_builder.model import Rulebook

_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()

META_VALUES = (
    "version",
    "status",
    "publication_date",
    "effective_date",
    "review_date",
    "issuing_body",
    "title",
    "short_title",
    "assessment_lead_time_months",
)


def number_word(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def format_money(amount: int) -> str:
    return f"£{amount:,}"


def format_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def value_paths(book: Rulebook) -> list[str]:
    paths = [f"meta.{name}" for name in META_VALUES]
    for kind in book.authority_types:
        paths += [f"threshold.{kind.id}", f"threshold_date.{kind.id}"]
    return paths


def lookup_value(book: Rulebook, path: str) -> str | None:
    """The text of a {value:PATH} helper, or None if PATH names nothing."""
    group, _, name = path.partition(".")
    if group == "meta" and name in META_VALUES:
        value = getattr(book.meta, name)
        return format_date(value) if isinstance(value, datetime.date) else str(value)
    if group in ("threshold", "threshold_date"):
        current = book.threshold_in_force(name, book.meta.effective_date)
        if current is None:
            return None
        return format_money(current.amount) if group == "threshold" else format_date(current.from_)
    return None
