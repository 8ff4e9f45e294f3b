"""Safe YAML loading that keeps the line of every value.

PyYAML's composer gives a node tree with positions; constructing plain data from it
ourselves lets us refuse duplicate keys, unknown tags and alias bombs, and record a
(line, column) for every path so later stages can point at the exact spot.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guidance_builder.diagnostics import Diagnostics, Location

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_TEXT = 20_000
"""Characters in one value: the longest real field is a few hundred; a huge one would stall the PDF render."""

YamlPath = tuple[str | int, ...]

TAB_HINT = "YAML does not allow tabs: indent and separate with spaces"

# libyaml's parser is many times faster and keeps the same marks; the pure-Python one is the fallback.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class YamlDocument:
    """Plain data from one YAML file, with the position of every key and value."""

    path: Path
    display: str
    data: Any
    positions: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    """Where each mapping key itself is written (a value may start on a later line)."""

    def key_location(self, path: YamlPath) -> Location:
        """The position of the key that names `path`, falling back to the value's."""
        if path in self.key_positions:
            line, column = self.key_positions[path]
            return Location(self.display, line, column)
        return self.location(path)

    def location(self, path: YamlPath) -> Location:
        """The position of `path`, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        line, column = self.positions.get(path, (1, 1))
        return Location(self.display, line, column)


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str, hint: str = ""):
        self.node, self.message, self.hint = node, message, hint


class _Builder:
    def __init__(self, doc: YamlDocument, diagnostics: Diagnostics):
        self.doc = doc
        self.diagnostics = diagnostics
        self.constructor = yaml.SafeLoader("")
        self.nodes = 0

    def where(self, node: yaml.Node) -> Location:
        return Location(self.doc.display, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: YamlPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(
                node, "this file expands to too many values", "aliases (*name) may repeat a block many times; write the values out"
            )
        if depth > MAX_DEPTH:
            raise _Refused(node, f"values are nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        # A block scalar (| or >) starts on the line after its indicator.
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        self.doc.positions[path] = (node.start_mark.line + 1 + block, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise _Refused(node, f"the tag {node.tag} is not allowed", "content is plain data: remove the tag")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused(key_node, "merge keys (<<) are not allowed", "write the keys out in full")
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if not isinstance(key, str):
                    # `null:`, `yes:` or `1.0:` are named as written, not as Python prints them ('None').
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
                if key == "":
                    raise _Refused(key_node, "a key is empty", "write a name before ':'")
                if key in result:
                    first = self.doc.key_positions.get(path + (key,), (0, 0))[0]
                    self.diagnostics.error(self.where(key_node), f"duplicate key '{key}'", f"it is already set on line {first}; keep one")
                    continue
                self.doc.key_positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, path + (key,), depth + 1)
                if not isinstance(value_node, yaml.ScalarNode):
                    # Point at the key for a nested block; a scalar is best found at its value.
                    self.doc.positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _Refused(node, f"the tag {node.tag} is not allowed", "content is plain data: remove the tag")
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(node, f"the tag {node.tag} is not allowed", "content is plain data: remove the tag")
        if len(node.value) > MAX_TEXT:
            raise _Refused(
                node,
                f"this value is {len(node.value):,} characters long; the limit is {MAX_TEXT:,}",
                "shorten it; long prose belongs in a section's Markdown",
            )
        if not node.style:  # plain: libyaml marks it '', PyYAML None; quoted text is never a number
            _refuse_guessed_number(node)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError):
            # An impossible date such as 2026-02-30 stays text so the schema can say
            # which field wanted a date.
            value = node.value
        if isinstance(value, datetime.datetime):
            value = node.value
        if isinstance(value, str) and (hidden := _INVISIBLE.search(value)):  # from an escape such as "\u00ad"
            raise _Refused(node, f"invisible character {character_name(hidden.group())} in text", _INVISIBLE_HINT)
        return value


_GUESSED_NUMBER = re.compile(
    r"[-+]?(?:0[0-9_]+|0[xXoObB][0-9A-Fa-f_]*|[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?|[0-9]+_[0-9_]*(?:\.[0-9_]*)?)"
)
"""A number YAML 1.1 reads in another base or shape than it looks: 0250000 (octal), 0x1F, 0o17,
250:00:00 (base 60), 250_000. A CSV cell or JSON reads these differently, so none is guessed."""


def _refuse_guessed_number(node: yaml.ScalarNode) -> None:
    text = node.value
    if not _GUESSED_NUMBER.fullmatch(text):
        return
    sign, digits = ("-" if text.startswith("-") else ""), text.lstrip("+-")
    if ":" in digits:
        why, plain = "':' makes YAML read it in base 60", "the number as plain digits, without ':'"
    elif digits[:2].lower() in ("0x", "0o", "0b"):
        why = f"'{digits[:2]}' makes YAML read it in another base"
        try:
            plain = f"{sign}{int(digits.replace('_', ''), 0)}"
        except ValueError:
            plain = "the number as plain digits"
    elif digits.startswith("0"):
        why, plain = "a leading zero makes YAML read it as octal", f"{sign}{int(digits.replace('_', ''))}"
    else:
        why, plain = "YAML reads '_' in a number as a separator", f"{sign}{digits.replace('_', '')}"
    raise _Refused(node, f"the number '{text}' is ambiguous: {why}", f"write {plain}, or put it in quotes if it is text")


def parse_yaml(text: str, path: Path, display: str, diagnostics: Diagnostics) -> YamlDocument | None:
    """Parse one YAML text; on failure, record diagnostics and return None."""
    doc = YamlDocument(path=path, display=display, data=None)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        diagnostics.error(Location(display, 1, 1), f"file is larger than {MAX_BYTES // 1_000_000} MB", "split it or shorten it")
        return None
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        diagnostics.error(Location(display, 1, 1), f"values are nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        return None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join((error.problem or str(error)).split())
        context = f" {' '.join(error.context.split())}" if error.context else ""
        hint = TAB_HINT if _tab_caused(text, mark) else _syntax_hint(problem)
        diagnostics.error(Location(display, line, column), f"YAML syntax error: {problem}{context}", hint)
        return None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        diagnostics.error(Location(display, line), f"character U+{character:04X} is not allowed in YAML", "delete it")
        return None
    except yaml.YAMLError as error:
        diagnostics.error(Location(display, 1, 1), f"YAML error: {' '.join(str(error).split())}", "check the file is valid YAML")
        return None
    except UnicodeEncodeError as error:  # a lone surrogate: text that never came from a UTF-8 file
        diagnostics.error(Location(display, text.count("\n", 0, error.start) + 1), "text is not valid UTF-8", "save it as UTF-8")
        return None
    if root is None:
        doc.data = {}
        return doc
    builder = _Builder(doc, diagnostics)
    before = len(diagnostics.items)
    try:
        doc.data = builder.build(root, (), 0)
    except _Refused as refused:
        diagnostics.error(builder.where(refused.node), refused.message, refused.hint)
        return None
    except RecursionError:
        diagnostics.error(Location(display, 1, 1), "values are nested too deeply", "flatten the structure")
        return None
    if len(diagnostics.items) > before:
        return None
    return doc


def load_yaml(path: Path, display: str, diagnostics: Diagnostics, inside: Path | None = None) -> YamlDocument | None:
    """Load one YAML file; with `inside`, refuse a file that is a link to somewhere outside that folder."""
    if inside is not None and path.exists() and not path.resolve().is_relative_to(inside.resolve()):
        diagnostics.error(
            Location(display), f"this file is a link to a place outside {inside.name}/", "replace the link with the file itself"
        )
        return None
    text = read_text(path, display, diagnostics)
    if text is None:
        return None
    return parse_yaml(text, path, display, diagnostics)


def read_text(path: Path, display: str, diagnostics: Diagnostics) -> str | None:
    """Read a UTF-8 text file; refuse binary, invalid or oversized files with a message."""
    try:
        if path.exists() and not path.is_file():
            diagnostics.error(Location(display), "this is not a regular file", "replace it with a UTF-8 text file")
            return None
        with open(path, "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # no more than the limit, whatever the file is
    except FileNotFoundError:
        diagnostics.error(Location(display), "file not found", "create it or fix the path that names it")
        return None
    except OSError as error:
        diagnostics.error(Location(display), f"cannot read file: {error.strerror}")
        return None
    return decode_text(raw, display, diagnostics)


def decode_text(raw: bytes, display: str, diagnostics: Diagnostics) -> str | None:
    """Bytes read from a file or a stream (at most MAX_BYTES + 1) as text; refuse binary, invalid or oversized input."""
    if len(raw) > MAX_BYTES:
        diagnostics.error(Location(display, 1, 1), f"file is larger than {MAX_BYTES // 1_000_000} MB", "split it or shorten it")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        diagnostics.error(Location(display, line), "file is not valid UTF-8 text", "save it as UTF-8")
        return None
    hidden = _INVISIBLE.search(text, 1 if text.startswith("\ufeff") else 0)
    if hidden is not None:
        line_start = text.rfind("\n", 0, hidden.start()) + 1
        diagnostics.error(
            Location(display, text.count("\n", 0, hidden.start()) + 1, hidden.start() - line_start + 1),
            f"invisible character {character_name(hidden.group())} in text",
            _INVISIBLE_HINT,
        )
        return None
    bad = _UNSAFE_CHARACTER.search(text)
    if bad is not None:
        character = bad.group()
        line_start = text.rfind("\n", 0, bad.start()) + 1
        diagnostics.error(
            Location(display, text.count("\n", 0, bad.start()) + 1, bad.start() - line_start + 1),
            f"{'bidirectional ' if character in _BIDI else ''}control character U+{ord(character):04X} in text",
            "delete it; it is invisible and unsafe in output",
        )
        return None
    return text.lstrip("\ufeff")


_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional embeddings, overrides and isolates: they make text display in another order than it reads."""

_UNSAFE_CHARACTER = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]|\r(?!\n|\\Z)")
"""C0 and C1 controls other than tab and line ends (a CR only before a LF), and bidirectional controls."""


_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0]")
"""Characters that show as nothing: a soft hyphen or a zero-width space inside 'must' hides it
from every check of the wording, and inside an id makes two different ids look the same."""
_INVISIBLE_HINT = "delete it; it cannot be seen, and it hides the word it sits in from the checks"


def character_name(character: str) -> str:
    """'U+0441 CYRILLIC SMALL LETTER ES': what a reader needs to find a character they cannot see."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'unnamed character')}"


def _tab_caused(text: str, mark: yaml.Mark | None) -> bool:
    """Whether a syntax error sits on a tab: at the point of the error or in the line's indentation."""
    if mark is None:
        return False
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    return "\t" in indentation or line[mark.column : mark.column + 1] == "\t" or line[mark.column - 1 : mark.column] == "\t"


def _syntax_hint(problem: str) -> str:
    if "\\t" in problem or "tab" in problem:
        return TAB_HINT
    if "indent" in problem or "mapping values are not allowed" in problem:
        return "check the indentation and that text containing ': ' is quoted"
    if "nesting depth" in problem:
        return "values are nested too deeply: flatten the structure"
    if "could not find expected ':'" in problem:
        return "each entry needs 'key: value'"
    return "check the YAML syntax around this point"
