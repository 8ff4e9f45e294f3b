"""Broken content, made by editing a copy of the bundled content: each is refused with
exit code 2, a `file:line` pointing at the exact spot, a useful message, no traceback,
and nothing written by `build`.

Each case edits the copy and returns the line the diagnostic must name, derived from
the edit itself (not hard-coded), so the table survives edits elsewhere in the content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CliResult, run_cli

# Editing helpers -------------------------------------------------------------------


def _path(project: Path, relative: str) -> Path:
    return project / "content" / relative


def replace(project: Path, relative: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in content/<relative>; return the line where `new` starts."""
    path = _path(project, relative)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected exactly one {old!r} in {relative}: the bundled content changed"
    start = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.count("\n", 0, start) + 1


def line_of(project: Path, relative: str, needle: str, whole: bool = False) -> int:
    """The line number of the one line of content/<relative> that contains (or, if whole, equals) `needle`."""
    lines = _path(project, relative).read_text(encoding="utf-8").split("\n")
    found = [number for number, line in enumerate(lines, 1) if (line == needle if whole else needle in line)]
    assert len(found) == 1, f"expected one line with {needle!r} in {relative}, found {found}"
    return found[0]


def append(project: Path, relative: str, paragraph: str) -> int:
    """Add a paragraph at the end of content/<relative>; return its line."""
    path = _path(project, relative)
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += "\n"
    line = text.count("\n") + 1
    path.write_text(text + paragraph + "\n", encoding="utf-8")
    return line


# The table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    fragments: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], Expected]


def _over_indented(project: Path) -> Expected:
    line = replace(project, "criteria.yaml", "    name: Significant contact", "      name: Significant contact")
    return Expected("content/criteria.yaml", line, ("YAML syntax error", "indentation"))


def _under_indented(project: Path) -> Expected:
    line = replace(project, "criteria.yaml", "    question: >-\n      Does delivering", "   question: >-\n      Does delivering")
    return Expected("content/criteria.yaml", line, ("YAML syntax error",))


def _tab_indented(project: Path) -> Expected:
    line = replace(project, "triggers.yaml", "    name: Expiry\n", "\tname: Expiry\n")
    return Expected("content/triggers.yaml", line, ("YAML syntax error", "tab"))


def _unknown_key(project: Path) -> Expected:
    line = replace(project, "guidance.yaml", "\nshort_title:", "\nshort_tilte:") + 1
    return Expected("content/guidance.yaml", line, ("unknown key 'short_tilte'", "did you mean 'short_title'?"))


def _unknown_key_before_folded_text(project: Path) -> Expected:
    # Most prose fields are folded blocks (>-): the key is on one line and the text on the next.
    # The drafter mistyped the key, so the diagnostic must name the key's line.
    line = replace(project, "criteria.yaml", "    explanation: >-\n      Contact is", "    explaination: >-\n      Contact is")
    return Expected("content/criteria.yaml", line, ("unknown key 'explaination'", "did you mean 'explanation'?"))


def _duplicate_key(project: Path) -> Expected:
    first = line_of(project, "triggers.yaml", "    name: Expiry", whole=True)
    line = replace(project, "triggers.yaml", "    name: Expiry\n", "    name: Expiry\n    name: End\n") + 1
    return Expected("content/triggers.yaml", line, ("duplicate key 'name'", f"already set on line {first};"))


def _version_as_number(project: Path) -> Expected:
    line = replace(project, "guidance.yaml", "version: 0.3.0", "version: 1.0")
    return Expected("content/guidance.yaml", line, ("'version' should be text, not the number 1.0", "quotes"))


def _amount_as_text(project: Path) -> Expected:
    line = replace(project, "thresholds.yaml", "amount: 139688", 'amount: "lots"')
    return Expected("content/thresholds.yaml", line, ("'amount' should be a whole number, not 'lots'",))


def _flag_as_text(project: Path) -> Expected:
    line = replace(project, "good-reason.yaml", "requires_support_considered: false", "requires_support_considered: maybe")
    return Expected("content/good-reason.yaml", line, ("'requires_support_considered' should be true or false, not 'maybe'",))


def _missing_required(project: Path) -> Expected:
    replace(project, "procedure.yaml", "    title: Apply the tests of risk\n", "")
    line = line_of(project, "procedure.yaml", "  - id: tests", whole=True)
    return Expected("content/procedure.yaml", line, ("missing required key 'title'",))


def _asks_missing_id(project: Path) -> Expected:
    line = replace(project, "procedure.yaml", "coercive_powers, rights_infringement]", "coercive_power, rights_infringement]")
    return Expected(
        "content/procedure.yaml",
        line,
        ("step 'tests' asks about the criterion 'coercive_power', which is not defined", "did you mean 'coercive_powers'?"),
    )


def _impossible_date(project: Path) -> Expected:
    line = replace(project, "guidance.yaml", "publication_date: 2026-12-07", "publication_date: 2026-02-30")
    return Expected("content/guidance.yaml", line, ("'publication_date' should be a real date, not '2026-02-30'", "YYYY-MM-DD"))


def _unknown_status(project: Path) -> Expected:
    line = replace(project, "guidance.yaml", "status: consultation", "status: consulation")
    return Expected("content/guidance.yaml", line, ("'status' cannot be 'consulation'", "did you mean 'consultation'?"))


def _retired_rule_kind(project: Path) -> Expected:
    line = replace(project, "exemptions.yaml", 'applies_when: "!relevant_contract"', "applies_when: {kind: not_relevant_contract}")
    return Expected("content/exemptions.yaml", line, ("gives 'applies_when' as a mapping", "write the condition in CEL"))


def _condition_syntax_error(project: Path) -> Expected:
    line = replace(project, "exemptions.yaml", 'applies_when: "!relevant_contract"', 'applies_when: "!(relevant_contract"')
    return Expected("content/exemptions.yaml", line, ("the condition is not valid CEL", "check the brackets"))


def _condition_unknown_fact(project: Path) -> Expected:
    line = replace(project, "exemptions.yaml", 'applies_when: "!relevant_contract"', 'applies_when: "!relevant_contrakt"')
    return Expected("content/exemptions.yaml", line, ("unknown fact 'relevant_contrakt'", "did you mean 'relevant_contract'?"))


def _condition_type_mismatch(project: Path) -> Expected:
    line = replace(
        project, "exemptions.yaml", "applies_when: value_gbp < threshold(", 'applies_when: value_gbp < "100" && value_gbp < threshold('
    )
    return Expected("content/exemptions.yaml", line, ("'<' cannot compare a whole number with text",))


def _condition_unknown_choice(project: Path) -> Expected:
    replace(project, "exemptions.yaml", 'authority.type == "local_authority" && provider', 'authority.type == "local_authorty" && provider')
    line = line_of(project, "exemptions.yaml", '"local_authorty"')
    return Expected("content/exemptions.yaml", line, ('"local_authorty" is not a choice of', "did you mean 'local_authority'?"))


def _reason_quotes_a_fact_never_asked(project: Path) -> Expected:
    line = replace(
        project,
        "exemptions.yaml",
        "      if_yes: The contract is not a relevant contract.",
        "      if_yes: The contract with {fact:provider.name} is not a relevant contract.",
    )
    return Expected("content/exemptions.yaml", line, ("the reason uses 'provider.name', but no condition reads it",))


def _fact_without_choices(project: Path) -> Expected:
    replace(project, "facts.yaml", "    choices: {from: grounds}\n", "")
    line = line_of(project, "facts.yaml", "  - id: good_reason.ground")
    return Expected("content/facts.yaml", line, ("the choice fact 'good_reason.ground' has no choices",))


def _term_missing_in_markdown(project: Path) -> Expected:
    line = append(project, "sections/support.md", "Authorities should read about {term:no_such_term} first.")
    return Expected("content/sections/support.md", line, ("'{term:no_such_term}' refers to a term that is not defined",))


def _term_missing_in_yaml(project: Path) -> Expected:
    line = replace(project, "criteria.yaml", "{term:coercive_powers} over", "{term:coercive_power} over")
    return Expected(
        "content/criteria.yaml", line, ("'{term:coercive_power}' refers to a term that is not defined", "did you mean 'coercive_powers'?")
    )


def _ref_to_missing_paragraph(project: Path) -> Expected:
    line = append(project, "sections/duty.md", "The authority should also read {ref:para.no-such-paragraph}.")
    return Expected("content/sections/duty.md", line, ("'{ref:para.no-such-paragraph}' points at nothing in the guidance",))


def _unknown_helper(project: Path) -> Expected:
    line = append(project, "sections/tests.md", "Each {trem:authority} should keep a record.")
    return Expected("content/sections/tests.md", line, ("unknown helper", "did you mean 'term'?"))


def _missing_section_file(project: Path) -> Expected:
    _path(project, "sections/support.md").unlink()
    line = line_of(project, "guidance.yaml", "file: sections/support.md")
    return Expected("content/guidance.yaml", line, ("the section file 'sections/support.md' does not exist",))


def _section_file_outside_content(project: Path) -> Expected:
    line = replace(project, "guidance.yaml", "file: sections/support.md", "file: ../templates/guidance.html")
    return Expected("content/guidance.yaml", line, ("the section file '../templates/guidance.html' is outside the content folder",))


def _step_goes_back(project: Path) -> Expected:
    line = replace(project, "procedure.yaml", "if_none: {next: threshold}", "if_none: {next: event}")
    return Expected("content/procedure.yaml", line, ("step 'relevant' goes back to the earlier step 'event'",))


def _asked_criterion_renamed(project: Path) -> Expected:
    replace(project, "criteria.yaml", "  - id: rights_infringement\n", "  - id: rights_breach\n")
    line = line_of(project, "procedure.yaml", "rights_infringement]}")
    return Expected(
        "content/procedure.yaml", line, ("asks about the criterion 'rights_infringement', which is not defined", "rights_breach")
    )


def _duplicate_id(project: Path) -> Expected:
    line = replace(project, "triggers.yaml", "  - id: termination\n", "  - id: expiry\n")
    return Expected("content/triggers.yaml", line, ("the id 'expiry' is used twice in triggers",))


CASES = [
    Case("bad-indentation-over", _over_indented),
    Case("bad-indentation-under", _under_indented),
    Case("tab-indentation", _tab_indented),
    Case("unknown-key", _unknown_key),
    Case("unknown-key-before-folded-text", _unknown_key_before_folded_text),
    Case("duplicate-key", _duplicate_key),
    Case("version-as-number", _version_as_number),
    Case("amount-as-text", _amount_as_text),
    Case("flag-as-text", _flag_as_text),
    Case("missing-required-key", _missing_required),
    Case("asks-about-missing-id", _asks_missing_id),
    Case("impossible-date", _impossible_date),
    Case("unknown-status", _unknown_status),
    Case("retired-rule-kind", _retired_rule_kind),
    Case("condition-syntax-error", _condition_syntax_error),
    Case("condition-unknown-fact", _condition_unknown_fact),
    Case("condition-type-mismatch", _condition_type_mismatch),
    Case("condition-unknown-choice", _condition_unknown_choice),
    Case("reason-quotes-a-fact-never-asked", _reason_quotes_a_fact_never_asked),
    Case("fact-without-choices", _fact_without_choices),
    Case("term-missing-in-markdown", _term_missing_in_markdown),
    Case("term-missing-in-yaml", _term_missing_in_yaml),
    Case("ref-to-missing-paragraph", _ref_to_missing_paragraph),
    Case("unknown-helper", _unknown_helper),
    Case("missing-section-file", _missing_section_file),
    Case("section-file-outside-content", _section_file_outside_content),
    Case("step-goes-back", _step_goes_back),
    Case("asked-criterion-renamed", _asked_criterion_renamed),
    Case("duplicate-id", _duplicate_id),
]


# Assertions -------------------------------------------------------------------------

SUMMARY = re.compile(r"^\d+ problems? found; nothing was written\.$")


def assert_refused(result: CliResult, expected: Expected, command: str) -> None:
    assert result.code == 2, f"{command}: exit {result.code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr
    assert "check passed" not in result.stdout
    lines = result.stderr.splitlines()
    assert lines and SUMMARY.match(lines[-1]), result.stderr
    at = re.compile(rf"^{re.escape(expected.file)}:{expected.line}(?::\d+)?: ")
    matching = [line for line in lines if at.match(line) and all(f in line for f in expected.fragments)]
    assert matching, f"{command}: no line '{expected.file}:{expected.line}: ...' containing {expected.fragments}\nstderr:\n{result.stderr}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_content_is_refused(project: Path, case: Case):
    expected = case.make(project)
    # Both only read the broken content, so they can run side by side.
    with ThreadPoolExecutor(2) as pool:
        check_run = pool.submit(run_cli, "check", project=project)
        build_run = pool.submit(run_cli, "build", project=project)
        checked, built = check_run.result(), build_run.result()

    assert_refused(checked, expected, "check")
    assert_refused(built, expected, "build")
    assert built.stdout == "", "build reported writing files"
    assert not (project / "build").exists(), "build wrote output for broken content"


def test_at_least_twelve_cases():
    assert len(CASES) >= 12
    assert len({case.id for case in CASES}) == len(CASES)


def test_every_problem_is_reported_in_one_run(project: Path):
    status = replace(project, "guidance.yaml", "status: consultation", "status: consulation")
    amount = replace(project, "thresholds.yaml", "amount: 139688", 'amount: "lots"')
    result = run_cli("check", project=project)
    assert result.code == 2
    assert re.search(rf"^content/guidance\.yaml:{status}:\d+: 'status' cannot be", result.stderr, re.M), result.stderr
    assert re.search(rf"^content/thresholds\.yaml:{amount}:\d+: 'amount' should be a whole number", result.stderr, re.M), result.stderr
    assert result.stderr.splitlines()[-1] == "2 problems found; nothing was written."


def test_bundled_content_passes_check():
    result = run_cli("check")
    assert result.code == 0, result.stderr
    assert "check passed" in result.stdout
    assert "Traceback" not in result.stderr


def test_project_copy_passes_check_and_publishes_nothing(project: Path):
    result = run_cli("check", project=project)
    assert result.code == 0, result.stderr
    assert "check passed" in result.stdout
    assert not (project / "build" / "site").exists()


def test_check_writes_nothing(project: Path):
    # `check --help` promises "write nothing": not even a cache in build/.
    result = run_cli("check", project=project)
    assert result.code == 0, result.stderr
    written = sorted(str(p.relative_to(project)) for p in (project / "build").rglob("*")) if (project / "build").exists() else []
    assert not written, f"check wrote {len(written)} paths, e.g. {written[:3]}"
