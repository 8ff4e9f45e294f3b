"""Check 3: no rule fact typed by hand in prose.

Money, percentages, dates, paragraph or section numbers and counts of rule items
must come from the data through helpers, or the text drifts when the data changes.
A paragraph may opt out with {allow="reason"}.
"""

from __future__ import annotations

import re

from guidance_builder.checks.text import prose_pieces
from guidance_builder.diagnostics import Diagnostics, Location
from guidance_builder.resolve.values import format_date, format_money, number_word

NAME = "No hand-typed rule facts"

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
COUNTED = {
    "criteria": r"tests?|criteria|criterion|questions",
    "exemptions": r"exemptions?|exceptions?",
    "grounds": r"grounds?|kinds? of good reason",
    "support_measures": r"support measures?|measures?|forms? of support",
    "triggers": r"triggers?|events?",
    "steps": r"steps?",
    "outcomes": r"outcomes?",
}
NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)"
PATTERNS = [
    ("money", re.compile(r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|bn|million|billion))?\b", re.I)),
    ("amount", re.compile(r"\b\d{1,3}(?:,\d{3})+\b")),
    ("percentage", re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|per ?cent\b)", re.I)),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS})(?: \d{{4}})?\b|\b(?:{MONTHS}) \d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
        ),
    ),
    # "section 26 of the Local Government Act 1999" cites another law, not this guidance.
    (
        "reference",
        re.compile(r"\b(?:paragraphs?|para\.?|sections?|annex|step)\s+(?:\d+(?:\.\d+)*|[A-Z](?:\.\d+)?)\b(?!\s+(?:of|to|and|or)\s)"),
    ),
    ("version", re.compile(r"\bversion\s+\d+(?:\.\d+)+\b", re.I)),
]
DIGIT = re.compile(r"\d")
WITHOUT_DIGITS = [(kind, pattern) for kind, pattern in PATTERNS if kind == "reference"]
"""The only pattern that can match text without a digit ('annex B'); the rest all need one."""
COUNT = re.compile(rf"\b({NUMBER})\s+(?:(?:main|separate|different|statutory|key|possible)\s+)?({'|'.join(COUNTED.values())})\b", re.I)
WORD_VALUES = {number_word(n): n for n in range(0, 13)}

DESCRIBE = {
    "money": "the money amount",
    "amount": "the figure",
    "percentage": "the percentage",
    "date": "the date",
    "reference": "the cross-reference",
    "version": "the version",
}
HINTS = {
    "money": 'write {value:threshold.TYPE} for a threshold; other amounts need {allow="reason"} on the paragraph',
    "amount": 'write {value:threshold.TYPE} for a threshold; other figures need {allow="reason"} on the paragraph',
    "percentage": 'if it quotes another law, put {allow="reason"} on the line above the paragraph',
    "date": "write {value:meta.effective_date} (or another {value:meta.*}) so the date comes from guidance.yaml",
    "reference": "write {ref:kind.id} so the number follows the paragraph when it moves",
    "version": "write {value:meta.version}",
}


def run(edition, diagnostics: Diagnostics) -> None:
    book = edition.book
    known_values = _known_values(book)
    allowed_reported: set[int] = set()
    for piece in prose_pieces(edition):
        if piece.kind != "text":
            continue
        paragraph = piece.paragraph
        if paragraph is not None and paragraph.allow is not None:
            if not paragraph.allow.strip() and id(paragraph) not in allowed_reported:
                allowed_reported.add(id(paragraph))
                diagnostics.error(
                    Location(piece.section.display, paragraph.line),
                    "an allow-mark needs a reason",
                    'write {allow="why this figure is typed by hand"}',
                    check=NAME,
                )
            continue
        where = Location(piece.section.display, piece.line)
        taken: list[tuple[int, int]] = []
        for kind, pattern in PATTERNS if DIGIT.search(piece.text) else WITHOUT_DIGITS:
            for match in pattern.finditer(piece.text):
                if any(start < match.end() and match.start() < end for start, end in taken):
                    continue
                taken.append(match.span())
                typed = match.group(0)
                source = known_values.get(_normal(typed))
                hint = f"it is the value of {source}; write {{value:{source}}} instead" if source else HINTS[kind]
                diagnostics.error(
                    where, f"{DESCRIBE[kind]} '{typed}' is typed by hand; rule facts in the text must come from the data", hint, check=NAME
                )
        for match in COUNT.finditer(piece.text):
            word, noun = match.group(1), match.group(2)
            kind = next(k for k, nouns in COUNTED.items() if re.fullmatch(nouns, noun, re.I))
            actual = len(book.items(kind))
            typed_number = WORD_VALUES.get(word.lower(), int(word) if word.isdigit() else None)
            stale = f" and is wrong: there are {number_word(actual)} {kind.replace('_', ' ')}" if typed_number not in (None, actual) else ""
            diagnostics.error(
                where,
                f"the count '{match.group(0)}' is typed by hand{stale}",
                f"write {{count:{kind}}} {noun}, so the number follows the data",
                check=NAME,
            )


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _known_values(book) -> dict[str, str]:
    """Typed text of every value the data holds, mapped to the helper path that prints it."""
    known: dict[str, str] = {}
    for kind in book.authority_types:
        for value in kind.values:
            known.setdefault(_normal(format_money(value.amount)), f"threshold.{kind.id}")
            known.setdefault(_normal(f"{value.amount:,}"), f"threshold.{kind.id}")
    for name in ("publication_date", "effective_date", "review_date"):
        known.setdefault(_normal(format_date(getattr(book.meta, name))), f"meta.{name}")
        known.setdefault(getattr(book.meta, name).isoformat(), f"meta.{name}")
    known.setdefault(_normal(f"version {book.meta.version}"), "meta.version")
    return known
