"""Mutation tests for the cross-document check: a term defined in both the guidance and the
model contract must have one set of words. Each test makes a realistic drift in a copy of the
bundled content and asserts that `check` fails at the right line, or accepts a reasoned difference."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.test_checks import check_fails, edit

COERCIVE = "powers to detain, restrain, search, use force on, segregate or compel a person,"


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path}")


def test_contract_rewords_a_term_the_guidance_defines(project: Path) -> None:
    core = project / "content" / "contract" / "core-terms.yaml"
    edit(
        core,
        '{term: Coercive Powers, meaning: "' + COERCIVE,
        '{term: Coercive Powers, meaning: "any power to detain, restrain, search or compel a person,',
    )
    line = line_of(core, "term: Coercive Powers")
    check_fails(
        project,
        f"content/contract/core-terms.yaml:{line}:",
        "the contract defines 'Coercive Powers' in different words from the guidance's 'coercive powers' (content/definitions.yaml:",
        '"' + COERCIVE,
    )


def test_guidance_changes_a_definition_the_contract_shares(project: Path) -> None:
    edit(project / "content" / "definitions.yaml", "every option to extend or renew", "every option to extend")
    check_fails(project, "the contract defines 'Contract Value' in different words from the guidance's 'contract value'")


def test_a_recorded_form_of_the_term_is_matched_too(project: Path) -> None:
    core = project / "content" / "contract" / "core-terms.yaml"
    edit(
        core,
        "{term: Good Industry Practice,",
        '{term: Coercive State Powers, meaning: "powers of the state."}\n          - {term: Good Industry Practice,',
    )
    check_fails(project, "the contract defines 'Coercive State Powers' in different words from the guidance's 'coercive powers'")


def test_a_reasoned_difference_is_accepted_and_an_unreasoned_one_is_not(project: Path) -> None:
    core = project / "content" / "contract" / "core-terms.yaml"
    edit(core, ', differs_from_guidance: "the contract\'s Authority is one party, not any body the guidance applies to"', "")
    check_fails(project, "the contract defines 'Authority' in different words from the guidance's 'authority'", "differs_from_guidance")
    edit(
        core,
        '{term: Authority, meaning: "the body named in {clause:item_authority}."}',
        '{term: Authority, meaning: "the body named in {clause:item_authority}.", differs_from_guidance: "a party"}',
    )
    result = run_cli("check", project=project)
    assert result.code == 0, result.stderr
