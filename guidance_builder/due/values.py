"""Dates and money as councils and notices write them: `31/03/2027`, `"£1,200,000.00"`, ISO dates."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: 00:00(?::00)?)?")
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)[ -,]*(\d{4})")


class NotADate(ValueError):
    """The text is not a date in any form we read."""


class ImpossibleDate(ValueError):
    """The text has the form of a date, but no such day exists (31/02/2027)."""


def parse_date(text: str) -> datetime.date:
    """A date written YYYY-MM-DD (or an ISO date-time), DD/MM/YYYY (UK order; also with - or .) or '31 March 2027'."""
    text = text.strip()
    found = _ISO.fullmatch(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        return _make(year, month, day)
    found = _UK.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            year += 2000
        return _make(year, month, day)
    found = _WORDS.fullmatch(text)
    if found and found.group(2).lower() in MONTHS:
        return _make(int(found.group(3)), MONTHS[found.group(2).lower()], int(found.group(1)))
    raise NotADate(text)


def _make(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ImpossibleDate(f"{year:04d}-{month:02d}-{day:02d}") from None


FOREIGN = {"€": "EUR", "$": "USD", "us$": "USD", "eur": "EUR", "usd": "USD", "euro": "EUR", "euros": "EUR"}
_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


class NotMoney(ValueError):
    """The text is not an amount of money."""


class ForeignCurrency(ValueError):
    """The amount is in a currency other than pounds sterling; args[0] is its code."""


def parse_pounds(text: str) -> int:
    """Whole pounds (half a pound rounds up) from '£1,200,000.00', '1200000', 'GBP 5,000'."""
    cleaned = text.strip().replace("\u00a0", " ")
    lowered = cleaned.lower()
    for sign, code in FOREIGN.items():
        if lowered.startswith(sign) or lowered.endswith(sign):
            raise ForeignCurrency(code)
    for sign in ("£", "gbp"):
        lowered = lowered.removeprefix(sign).removesuffix(sign).strip()
    if not _MONEY.fullmatch(lowered):
        raise NotMoney(text)
    try:
        amount = Decimal(lowered.replace(",", ""))
    except InvalidOperation:
        raise NotMoney(text) from None
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months; the 31st becomes the month's last day where it has fewer."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")
