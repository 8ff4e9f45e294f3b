"""Problems found in content, collected so one run reports all of them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    message: str
    hint: str = ""
    check: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        text = f"{self.location}: {prefix}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if not text.isprintable():  # a quoted value may hold a line break or an escape sequence
            text = _UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)
        return text


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What would break a one-line message or a terminal: control, line-separator and bidi characters,
and the lone surrogates of undecodable bytes. Shown escaped, as \\n or \\x1b."""


@dataclass
class Diagnostics:
    """A collector passed from stage to stage."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, message: str, hint: str = "", check: str = "") -> None:
        self.items.append(Diagnostic(location, message, hint, check, "error"))

    def warning(self, location: Location, message: str, hint: str = "", check: str = "") -> None:
        self.items.append(Diagnostic(location, message, hint, check, "warning"))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: d.location)


class ContentError(Exception):
    """Raised at a stage boundary when content problems stop the pipeline."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s) in the content")
        self.diagnostics = diagnostics


def close_match(word: str, choices: Iterable[str]) -> str:
    """'did you mean X?' only when one choice is close: for renames and typos."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return _suggest(word, close[0]) if close else ""


def unusual_characters(word: str) -> str:
    """'it contains U+0441 CYRILLIC SMALL LETTER ES': the characters of an id that are not plain
    ASCII, which a reader cannot tell apart on screen from the letters they imitate."""
    odd = list(dict.fromkeys(ch for ch in word if not ch.isascii() or not ch.isprintable()))
    if not odd:
        return ""
    names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}" for ch in odd[:3])
    return f"it contains {names}"


def id_hint(value: str, section: bool) -> str:
    """What a valid id of this kind looks like, with the characters of `value` that break the rule."""
    if section:
        rule, separator, other = "section ids use lower-case letters, digits and hyphens", "-", "_"
    else:
        rule, separator, other = "ids use lower-case letters, digits and underscores, starting with a letter", "_", "-"
    odd = unusual_characters(value)
    if odd:
        return f"{rule}; {odd}"
    fixed = re.sub(r"[^a-z0-9" + separator + "]", "", value.lower().replace(other, separator).replace(" ", separator))
    return f"{rule}: write '{fixed}'" if fixed and fixed != value and fixed[0].isalpha() else rule


def _suggest(word: str, close: str) -> str:
    odd = unusual_characters(word)
    # A suggestion that looks the same on screen needs the character that differs named.
    return f"did you mean '{close}'? {odd}; write it in plain letters" if odd else f"did you mean '{close}'?"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known choice, or listing the choices."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return _suggest(word, close[0])
    if 0 < len(choices) <= 12:
        return "expected one of: " + ", ".join(choices)
    return ""


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent if root.is_dir() else root))
    except ValueError:
        return str(path)


def describe_value(value: object, limit: int = 60) -> str:
    """A value as a message names it: 'the number 1.0', 'a list', a quoted text cut short."""
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes/no)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of keys"
    if value is None:
        return "nothing"
    text = str(value)
    text = text if len(text) <= limit else f"{text[: limit - 3]}..."
    return f"the number {text}" if isinstance(value, (int, float)) else f"'{text}'"
