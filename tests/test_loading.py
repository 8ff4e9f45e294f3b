"""The YAML loader: plain data with positions, and refusal of everything that is not plain data."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.loading import yaml_source
from guidance_builder.loading.yaml_source import MAX_DEPTH, YamlDocument, load_yaml, parse_yaml, read_text


def parse(text: str) -> tuple[YamlDocument | None, Diagnostics]:
    diagnostics = Diagnostics()
    doc = parse_yaml(text, Path("content/example.yaml"), "content/example.yaml", diagnostics)
    return doc, diagnostics


def refused(text: str) -> str:
    """Parse text that must be refused; return the single error as the CLI prints it."""
    doc, diagnostics = parse(text)
    assert doc is None, f"accepted: {doc.data!r}"
    assert len(diagnostics.errors) == 1, [str(d) for d in diagnostics.items]
    return str(diagnostics.errors[0])


def load_file(tmp_path: Path, raw: bytes) -> tuple[YamlDocument | None, Diagnostics]:
    path = tmp_path / "example.yaml"
    path.write_bytes(raw)
    diagnostics = Diagnostics()
    return load_yaml(path, "content/example.yaml", diagnostics), diagnostics


# Plain data and positions ----------------------------------------------------

NESTED = """\
# a comment
title: Guidance
meta:
  version: 0.2.0
  dates:
    published: 2026-01-12
steps:
  - id: first
    asks: {criteria: [at_risk, coercive]}
  - id: second
    note: >-
      Folded text
      over two lines.
"""


def test_plain_data_is_returned():
    doc, diagnostics = parse(NESTED)
    assert not diagnostics.items
    assert doc is not None
    assert doc.data == {
        "title": "Guidance",
        "meta": {"version": "0.2.0", "dates": {"published": datetime.date(2026, 1, 12)}},
        "steps": [
            {"id": "first", "asks": {"criteria": ["at_risk", "coercive"]}},
            {"id": "second", "note": "Folded text over two lines."},
        ],
    }


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("title",), 2, 8),  # a scalar is found at its value
        (("meta", "version"), 4, 12),
        (("meta", "dates", "published"), 6, 16),
        (("meta",), 3, 1),  # a nested block is found at its key
        (("meta", "dates"), 5, 3),
        (("steps", 0, "id"), 8, 9),
        (("steps", 0, "asks", "criteria", 0), 9, 23),
        (("steps", 0, "asks", "criteria", 1), 9, 32),
        (("steps", 1, "id"), 10, 9),
    ],
)
def test_positions_of_nested_values(path, line, column):
    doc, _ = parse(NESTED)
    assert doc is not None
    assert doc.positions[path] == (line, column)
    location = doc.location(path)
    assert (location.path, location.line, location.column) == ("content/example.yaml", line, column)


def test_block_scalar_position_is_the_first_line_of_its_text():
    doc, _ = parse(NESTED)
    assert doc is not None
    assert doc.positions[("steps", 1, "note")][0] == 12


def test_location_of_an_unknown_path_falls_back_to_the_nearest_ancestor():
    doc, _ = parse(NESTED)
    assert doc is not None
    location = doc.location(("meta", "dates", "no_such_key", 3))
    assert (location.line, location.column) == (5, 3)


def test_impossible_date_stays_text_for_the_schema_to_report():
    doc, diagnostics = parse("publication_date: 2026-02-30\nstamp: 2026-01-12T10:00:00\n")
    assert not diagnostics.items
    assert doc is not None
    assert doc.data == {"publication_date": "2026-02-30", "stamp": "2026-01-12T10:00:00"}


def test_empty_file_is_an_empty_mapping():
    doc, diagnostics = parse("# only a comment\n")
    assert not diagnostics.items
    assert doc is not None and doc.data == {}


# Duplicate keys ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "first_line", "second_line"),
    [
        ("a: 1\nb: 2\na: 3\n", "a", 1, 3),
        ("outer:\n  x: 1\n  y: 2\n  x: 3\n", "x", 2, 4),
        ("items:\n  - id: one\n    name: One\n    name: Uno\n", "name", 3, 4),
        ("block:\n  inner: 1\nother: 2\nblock:\n  inner: 2\n", "block", 1, 4),
        # The first value is a folded block whose text starts on the next line:
        # the hint must still name the line of the key, which is what a drafter looks for.
        ("items:\n  - id: one\n    description: >-\n      Some text.\n    description: Again\n", "description", 3, 5),
    ],
    ids=["top-level", "nested", "in-list-item", "nested-block", "after-block-scalar"],
)
def test_duplicate_key_is_refused_naming_both_lines(text, key, first_line, second_line):
    message = refused(text)
    assert message.startswith(f"content/example.yaml:{second_line}:")
    assert f"duplicate key '{key}'" in message
    assert f"already set on line {first_line};" in message


def test_every_duplicate_key_in_a_file_is_reported():
    doc, diagnostics = parse("a: 1\na: 2\nb: 1\nb: 2\n")
    assert doc is None
    assert sorted(d.location.line for d in diagnostics.errors) == [2, 4]


# Tags -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "value: !!python/object/apply:os.system ['touch {marker}']\n",
        "value: !!python/object/new:os.system ['touch {marker}']\n",
        "value: !!python/object:pathlib.Path {{}}\n",
        "value: !!python/name:os.system\n",
        "value: !!python/tuple [1, 2]\n",
        "value: !!binary aGVsbG8=\n",
        "value: !!set {{a, b}}\n",
        "value: !!omap [a: 1]\n",
        "value: !custom thing\n",
        "!!python/object/apply:os.system ['touch {marker}']\n",
    ],
)
def test_non_plain_tags_are_refused(text, tmp_path):
    marker = tmp_path / "executed"
    message = refused(text.format(marker=marker))
    assert "the tag" in message and "is not allowed" in message
    assert message.startswith("content/example.yaml:1:")
    assert not marker.exists()


def test_explicit_plain_tags_are_allowed():
    doc, diagnostics = parse("a: !!str 1.0\nb: !!int '3'\n")
    assert not diagnostics.items
    assert doc is not None and doc.data == {"a": "1.0", "b": 3}


# Aliases and nesting ------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def values_built(monkeypatch) -> list[int]:
    """How many values the loader builds: the work an alias bomb makes it do (a count, not a time)."""
    count = [0]
    build = yaml_source._Builder.build

    def counting(self, node, path, depth):
        count[0] += 1
        return build(self, node, path, depth)

    monkeypatch.setattr(yaml_source._Builder, "build", counting)
    return count


def test_alias_bomb_is_refused_quickly_with_a_clear_message(values_built):
    message = refused(billion_laughs())
    assert "too many values" in message
    assert "aliases" in message
    assert values_built[0] <= yaml_source.MAX_NODES + 1, "the loader went on expanding after the limit"


def test_alias_bomb_in_a_file_is_refused(tmp_path, values_built):
    doc, diagnostics = load_file(tmp_path, billion_laughs(12).encode())
    assert doc is None
    assert any("too many values" in str(d) for d in diagnostics.errors)
    assert values_built[0] <= yaml_source.MAX_NODES + 1


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
        "x: " + "{a: " * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 5) + "\n",
        "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "leaf\n",
    ],
    ids=["flow-lists", "flow-mappings", "block-mappings"],
)
def test_deep_nesting_is_refused(text):
    message = refused(text)
    assert "nested" in message
    assert message.startswith("content/example.yaml:")


@pytest.mark.parametrize("loader", ["default", "pure-python"])
@pytest.mark.parametrize("depth", [3_000, 20_000])
def test_very_deep_nesting_is_refused_not_a_crash(monkeypatch, depth, loader):
    # Deep enough that a recursive parser would overflow the Python stack: the loader
    # must still answer with a diagnostic, not a RecursionError. libyaml stops at its own
    # limit; the pure-Python SafeLoader (the fallback when libyaml is missing) composes
    # recursively, so it is the one that needs the guard.
    if loader == "pure-python":
        monkeypatch.setattr(yaml_source, "_LOADER", yaml.SafeLoader)
    message = refused("x: " + "[" * depth + "]" * depth + "\n")
    assert "nest" in message


def test_nesting_at_the_limit_is_accepted():
    depth = MAX_DEPTH - 1
    doc, diagnostics = parse("x: " + "[" * depth + "]" * depth + "\n")
    assert not diagnostics.items
    assert doc is not None


def test_merge_keys_are_refused():
    message = refused("base: &base\n  a: 1\nother:\n  <<: *base\n  b: 2\n")
    assert message.startswith("content/example.yaml:4:")
    assert "merge keys (<<) are not allowed" in message


def test_merge_key_with_a_list_of_aliases_is_refused():
    message = refused("one: &one {a: 1}\ntwo: &two {b: 2}\nthree:\n  <<: [*one, *two]\n")
    assert "merge keys" in message


# Encoding and control characters -------------------------------------------------


def test_invalid_utf8_is_refused_with_its_line(tmp_path):
    doc, diagnostics = load_file(tmp_path, b"a: 1\nb: 2\nc: caf\xe9\n")
    assert doc is None
    assert [str(d) for d in diagnostics.errors] == ["content/example.yaml:3: file is not valid UTF-8 text (save it as UTF-8)"]


def test_latin1_file_is_refused(tmp_path):
    doc, diagnostics = load_file(tmp_path, "name: Gérard\n".encode("latin-1"))
    assert doc is None
    assert "not valid UTF-8" in str(diagnostics.errors[0])


@pytest.mark.parametrize(
    ("raw", "line", "column", "code"),
    [
        (b"a: 1\nb: x\x07y\n", 2, 5, "U+0007"),
        (b"a: 1\x00\n", 1, 5, "U+0000"),
        (b"a: 1\nb: 2\nc: \x1b[31mred\n", 3, 4, "U+001B"),
        (b"a: x\x7fy\n", 1, 5, "U+007F"),
    ],
    ids=["bell", "nul", "escape", "delete"],
)
def test_control_characters_are_refused(tmp_path, raw, line, column, code):
    doc, diagnostics = load_file(tmp_path, raw)
    assert doc is None
    assert len(diagnostics.errors) == 1
    problem = diagnostics.errors[0]
    assert (problem.location.path, problem.location.line, problem.location.column) == ("content/example.yaml", line, column)
    assert f"control character {code}" in problem.message


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e"], ids=["vt", "ff", "fs", "gs", "rs"])
def test_control_characters_that_python_treats_as_line_breaks_are_refused_in_yaml(tmp_path, char):
    doc, diagnostics = load_file(tmp_path, f"a: 1\nb: x{char}y\n".encode())
    assert doc is None
    assert diagnostics.errors


@pytest.mark.parametrize("char", ["\x07", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"], ids=["bell", "vt", "ff", "fs", "gs", "rs"])
def test_control_characters_are_refused_in_section_markdown(tmp_path, char):
    # Section Markdown is read with read_text only (no YAML reader behind it), so
    # read_text itself must refuse every C0 control character, with its line.
    path = tmp_path / "duty.md"
    path.write_bytes(f"First paragraph.\n\nSecond{char}paragraph.\n".encode())
    diagnostics = Diagnostics()
    assert read_text(path, "content/sections/duty.md", diagnostics) is None
    assert [(d.location.line, d.location.column) for d in diagnostics.errors] == [(3, 7)]
    assert f"U+{ord(char):04X}" in diagnostics.errors[0].message


def test_crlf_line_endings_are_accepted(tmp_path):
    doc, diagnostics = load_file(tmp_path, b"a: 1\r\nb: two\r\n")
    assert not diagnostics.items
    assert doc is not None and doc.data == {"a": 1, "b": "two"}


def test_control_character_refused_by_parse_yaml_too():
    message = refused("a: x\x07y\n")
    assert message.startswith("content/example.yaml:")


def test_tab_and_utf8_bom_are_accepted(tmp_path):
    doc, diagnostics = load_file(tmp_path, "\ufeffname: 'a\tb'\nnote: café\n".encode())
    assert not diagnostics.items
    assert doc is not None and doc.data == {"name": "a\tb", "note": "café"}


def test_missing_file_is_a_diagnostic(tmp_path):
    diagnostics = Diagnostics()
    assert load_yaml(tmp_path / "absent.yaml", "content/absent.yaml", diagnostics) is None
    assert [str(d) for d in diagnostics.errors] == ["content/absent.yaml: file not found (create it or fix the path that names it)"]


def test_oversized_file_is_refused(tmp_path):
    doc, diagnostics = load_file(tmp_path, b"a: '" + b"x" * 2_100_000 + b"'\n")
    assert doc is None
    assert "larger than" in str(diagnostics.errors[0])


def test_syntax_error_points_at_the_line():
    message = refused("a: 1\nb:\n  c: 1\n   d: 2\n")
    assert message.startswith("content/example.yaml:4:")
    assert "YAML syntax error" in message


# Through the real command line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (billion_laughs(), "too many values"),
        ("deep: " + "[" * 5_000 + "]" * 5_000 + "\n", "nest"),
        ("deep: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "nested"),
        ("merged:\n  <<: {a: 1}\n", "merge keys"),
        ("odd: !!python/object/apply:os.system ['true']\n", "is not allowed"),
    ],
    ids=["alias-bomb", "very-deep", "deep", "merge-key", "python-tag"],
)
def test_hostile_yaml_is_a_content_error_not_a_crash(project: Path, extra: str, fragment: str):
    target = project / "content" / "assumptions.yaml"
    lines_before = target.read_text(encoding="utf-8").count("\n")
    target.write_text(target.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = run_cli("check", project=project)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("content/assumptions.yaml:")]
    assert len(problems) == 1 and fragment in problems[0], result.stderr
    line = int(problems[0].split(":")[1])
    assert line > lines_before, "the problem is in the added lines, so it must be reported there"
