"""No policy in the code: no id of a criterion, exemption, ground, support measure,
authority type, trigger or outcome appears in guidance_builder/ or in templates/ as a
name or a string literal. The ids are read from the bundled content, so the scan follows
the content as it changes; the scanners themselves are tested on planted examples."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from guidance_builder.diagnostics import Diagnostics
from guidance_builder.editions.history import load_rulebook
from guidance_builder.project import Project

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("criteria", "exemptions", "grounds", "support_measures", "authority_types", "triggers", "outcomes")
JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)
JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)
JS_STRING = re.compile(r"(['\"`])((?:\\.|(?!\1).)*)\1", re.S)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


ALLOWED = {("guidance_builder/due/listing.py", "below_threshold")}
"""A word that is also a policy id but names no rule here: the `due --json` field the output
format (issue 15) fixes. Each entry is one file and one word, so nothing else slips through."""


def policy_ids() -> set[str]:
    book = load_rulebook(Project.at(ROOT), Diagnostics())
    assert book is not None
    return {item.id for kind in KINDS for item in book.items(kind)}


def word_in(text: str, ids: set[str]) -> list[str]:
    return [word for word in re.findall(r"[A-Za-z0-9_]+", text) if word in ids]


def python_hits(source: str, ids: set[str]) -> list[tuple[int, str]]:
    """Names and string literals (not docstrings or comments) that are, or contain, a policy id."""
    hits = []
    previous = None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and token.string in ids:
            hits.append((token.start[0], token.string))
        elif token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            docstring = previous in (None, tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE) and token.string.startswith(('"""', "'''"))
            if not docstring:
                hits += [(token.start[0], word) for word in word_in(token.string, ids)]
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return hits


def script_hits(source: str, ids: set[str]) -> list[str]:
    """Identifiers and string literals in JavaScript, comments left out."""
    code = JS_COMMENT.sub(" ", source)
    found = []
    for match in JS_STRING.finditer(code):
        found += word_in(match.group(2), ids)
    found += [word for word in IDENTIFIER.findall(JS_STRING.sub(" ", code)) if word in ids]
    return found


def template_hits(source: str, ids: set[str]) -> list[str]:
    """Ids in Jinja expressions and tags, and in inline scripts."""
    source = JINJA_COMMENT.sub(" ", source)
    found = []
    for tag in JINJA_TAG.findall(source):
        found += word_in(tag, ids)
    for script in SCRIPT.findall(source):
        found += script_hits(script, ids)
    return found


def scan() -> list[str]:
    ids = policy_ids()
    problems = []
    for path in sorted((ROOT / "guidance_builder").rglob("*.py")):
        for line, word in python_hits(path.read_text(encoding="utf-8"), ids):
            if (path.relative_to(ROOT).as_posix(), word) not in ALLOWED:
                problems.append(f"{path.relative_to(ROOT)}:{line}: '{word}'")
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix == ".js":
            problems += [f"{path.relative_to(ROOT)}: '{word}'" for word in script_hits(path.read_text(encoding="utf-8"), ids)]
        elif path.suffix == ".html":
            problems += [f"{path.relative_to(ROOT)}: '{word}'" for word in template_hits(path.read_text(encoding="utf-8"), ids)]
    return problems


def test_no_policy_id_in_the_code_or_the_templates():
    assert scan() == []


def test_the_bundled_ids_are_what_the_scan_looks_for():
    ids = policy_ids()
    assert {"expiry", "termination", "at_risk_contact", "good_reason", "local_authority", "model_contract", "insource", "exempt"} <= ids


@pytest.mark.parametrize(
    "source",
    [
        "kind = 'below_threshold'\n",
        'if outcome == "exempt":\n    pass\n',
        "expiry = 1\n",
        "key = f'criterion.{x}' + 'support.model_contract'\n",
        "def f():\n    return {'local_authority': 1}\n",
    ],
)
def test_the_python_scan_finds_a_planted_id(source):
    assert python_hits(source, policy_ids())


def test_the_python_scan_leaves_docstrings_and_comments_alone():
    source = 'def f():\n    """Whether the contract is exempt at expiry."""\n    return 1  # exempt\n'
    assert python_hits(source, policy_ids()) == []


def test_the_template_scan_finds_planted_ids():
    ids = policy_ids()
    assert template_hits("{% if item.id == 'below_threshold' %}x{% endif %}", ids) == ["below_threshold"]
    assert template_hits("<script>var a = answers.expiry;</script>", ids) == ["expiry"]
    assert template_hits("<p>When a contract reaches expiry</p>{# exempt #}", ids) == []
    assert script_hits("// exempt\nvar x = 'insource';", ids) == ["insource"]
