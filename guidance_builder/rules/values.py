"""A fact's value: read from YAML or JSON, read from a CSV cell, and put into words.

Both readers return the value in its Python form (bool, int, datetime.date, str, a
tuple of choice ids) or a `Problem`, so the single-contract reader and the register
reader refuse the same things with the same words.
"""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass

from guidance_builder.diagnostics import describe_value, did_you_mean
from guidance_builder.rules.facts import FactSpec

LIST_SEPARATOR = ";"
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}
MAX_DIGITS = sys.int_info.default_max_str_digits
"""The longest number Python reads by default (4,300 digits); a longer value is refused, not a crash."""
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    hint: str = ""
    index: int | None = None
    """For a list of choices: which entry is wrong."""


def money(amount: int) -> str:
    return f"£{amount:,}"


def long_date(value: datetime.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def join_words(words: list[str], conjunction: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def words(fact: FactSpec, value: object) -> str:
    """How an answer reads in a sentence."""
    kind = fact.type
    if kind == "money":
        return money(value)
    if kind == "whole_number":
        return f"{value:,}"
    if kind == "date":
        return long_date(value)
    if kind == "yes_no":
        return "yes" if value else "no"
    if kind == "choice":
        choice = fact.choice(value)
        return choice.phrase if choice else (str(value) or "none")
    if kind == "choices":
        phrases = [c.phrase for c in fact.choices if c.id in value]
        return join_words(phrases) if phrases else "none"
    return str(value)


def parse_date(text: str) -> datetime.date | None:
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii() or not text.replace("-", "").isdigit():
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _whole(fact: FactSpec, text: str) -> int | Problem:
    if text.isascii() and text.isdigit():
        if len(text) > MAX_DIGITS:
            return Problem(f"'{fact.id}' has {len(text):,} digits; no contract is worth that much", "check the value")
        return int(text)
    unit = "a whole number of pounds" if fact.type == "money" else "a whole number"
    return Problem(f"'{fact.id}' should be {unit}, not '{text}'", "write the number without £, commas, pence or a minus sign")


def _choice(fact: FactSpec, value: str) -> str | Problem:
    if value in fact.choice_ids:
        return value
    return Problem(f"unknown {fact_noun(fact)} '{_short(value)}'", did_you_mean(value, sorted(fact.choice_ids)))


def _choices(fact: FactSpec, items: list[str]) -> tuple[str, ...] | Problem:
    chosen: list[str] = []
    for index, item in enumerate(items):
        if item not in fact.choice_ids:
            return Problem(f"unknown {fact_noun(fact)} '{_short(item)}'", did_you_mean(item, sorted(fact.choice_ids)), index)
        if item in chosen:
            return Problem(f"the {fact_noun(fact)} '{item}' is listed twice", f"list each {fact_noun(fact)} once", index)
        chosen.append(item)
    return tuple(chosen)


def read_cell(fact: FactSpec, cell: str) -> object:
    """The value of a register cell (already stripped), or a Problem."""
    kind = fact.type
    if not cell and kind in ("choice", "choices", "text"):
        if fact.optional:
            return fact.blank
        if kind == "choice":
            return Problem(f"'{fact.id}' is empty", "expected one of: " + ", ".join(sorted(fact.choice_ids)))
        return Problem(f"'{fact.id}' is empty", "every contract needs it")
    if kind == "text":
        return cell
    if kind == "choice":
        return _choice(fact, cell)
    if kind == "choices":
        return _choices(fact, [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()])
    if kind == "yes_no":
        value = BOOLEANS.get(cell.lower())
        return Problem(f"'{fact.id}' should be true or false, not '{cell}'", "write true or false") if value is None else value
    if kind in ("money", "whole_number"):
        return _whole(fact, cell)
    day = parse_date(cell)
    if day is None:
        return Problem(f"'{fact.id}' should be a real date, not '{cell}'", "write dates as YYYY-MM-DD, for example 2026-09-30")
    return day


def read_value(fact: FactSpec, value: object) -> object:
    """The value of a fact given in YAML or JSON, or a Problem. None means not given."""
    kind = fact.type
    if value is None or (value == "" and kind in ("choice", "text")) or (value == [] and kind == "choices"):
        if fact.optional:
            return fact.blank
        if value is None:
            return Problem(f"'{fact.id}' has no value", "write its value, or remove the key if the fact is optional")
        return Problem(
            f"'{fact.id}' is empty", "write the text" if kind == "text" else f"choose one of: {', '.join(sorted(fact.choice_ids))}"
        )
    if kind == "text":
        if not isinstance(value, str):
            hint = "put the text in quotes" if isinstance(value, (int, float, bool)) else "write text here"
            return Problem(f"'{fact.id}' should be text, not {describe_value(value)}", hint)
        if not value.strip():
            if fact.optional:
                return fact.blank
            return Problem(f"'{fact.id}' is empty", "write the text")
        return value.strip()
    if kind == "choice":
        if not isinstance(value, str):
            return Problem(
                f"'{fact.id}' should be one of its choices, not {describe_value(value)}",
                "write a choice id such as " + min(fact.choice_ids, default="..."),
            )
        return _choice(fact, value.strip())
    if kind == "choices":
        if not isinstance(value, list):
            return Problem(f"'{fact.id}' should be a list, not {describe_value(value)}", "write [a, b] or start each entry with '- '")
        if not all(isinstance(item, str) for item in value):
            bad = next(item for item in value if not isinstance(item, str))
            return Problem(f"'{fact.id}' should list choice ids, not {describe_value(bad)}", "write each choice's id")
        return _choices(fact, [item.strip() for item in value])
    if kind == "yes_no":
        if not isinstance(value, bool):
            return Problem(f"'{fact.id}' should be true or false, not {describe_value(value)}", "write true or false")
        return value
    if kind in ("money", "whole_number"):
        if isinstance(value, bool) or not isinstance(value, int):
            unit = "a whole number of pounds" if kind == "money" else "a whole number"
            return Problem(
                f"'{fact.id}' should be {unit}, not {describe_value(value)}", "write the number without £, commas, pence or quotes"
            )
        if value < 0:
            return Problem(
                f"'{fact.id}' cannot be negative",
                "write the amount in whole pounds, zero or more" if kind == "money" else "write zero or more",
            )
        return value
    if isinstance(value, datetime.datetime) or not isinstance(value, (datetime.date, str)):
        return Problem(
            f"'{fact.id}' should be a real date, not {describe_value(value)}", "write dates as YYYY-MM-DD, for example 2026-09-30"
        )
    if isinstance(value, str):
        # JSON has no date type, so an ISO date written as text is read as the date it names.
        day = parse_date(value.strip())
        if day is None:
            return Problem(f"'{fact.id}' should be a real date, not '{_short(value)}'", "write dates as YYYY-MM-DD, for example 2026-09-30")
        return day
    return value


def fact_noun(fact: FactSpec) -> str:
    """What one answer to the fact is called: 'authority type', 'ground', 'support measure'."""
    if fact.noun:
        return fact.noun
    return fact.id.replace(".", " ").replace("_", " ")


def _short(value: object, limit: int = 60) -> str:
    """A value quoted in a message, cut short so one huge value is still a one-line message."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
