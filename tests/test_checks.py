"""Mutation tests for `guidance-builder check`: each makes a realistic drift in a copy of the
bundled content and asserts the check that guards against it fails with a drafter's message."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import VERSION, run_cli


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def append_paragraph(project: Path, section: str, text: str) -> int:
    """Append a paragraph to a section; returns its line number."""
    path = project / "content" / "sections" / f"{section}.md"
    body = path.read_text().rstrip("\n") + "\n\n"
    path.write_text(body + text + "\n")
    return body.count("\n") + 1


def check_fails(project: Path, *fragments: str, command: str = "check") -> str:
    result = run_cli(command, project=project)
    assert result.code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    return result.stderr


def test_bundled_content_passes(project: Path) -> None:
    result = run_cli("check", project=project)
    assert result.code == 0, result.stderr
    assert "check passed" in result.stdout


# 1. References resolve ---------------------------------------------------------------


def test_renamed_definition_id_is_caught_where_prose_uses_it(project: Path) -> None:
    edit(project / "content" / "definitions.yaml", "id: contract_value", "id: contract_worth")
    stderr = check_fails(project, "{term:contract_value}' refers to a term that is not defined", "did you mean 'contract_worth'?")
    assert re.search(r"content/sections/\S+\.md:\d+: ", stderr)


def test_exemption_deleted_from_yaml_while_prose_mentions_it(project: Path) -> None:
    path = project / "content" / "exemptions.yaml"
    text = path.read_text()
    start, end = text.index("  - id: inter_authority"), text.index("  - id: good_reason")
    path.write_text(text[:start] + text[end:])
    check_fails(
        project,
        "content/procedure.yaml:",
        "step 'parties' asks about the exemption 'inter_authority', which is not defined",
        "'{ref:exemption.inter_authority}' points at nothing in the guidance",
        "no exemption has the id 'inter_authority'",
    )


def test_renamed_exemption_id_is_reported_with_the_new_name(project: Path) -> None:
    edit(project / "content" / "exemptions.yaml", "id: inter_authority", "id: inter_authorities")
    check_fails(
        project,
        "step 'parties' asks about the exemption 'inter_authority', which is not defined (did you mean 'inter_authorities'?)",
        "'{ref:exemption.inter_authority}' points at nothing in the guidance (did you mean 'exemption.inter_authorities'?)",
    )


# 2. Coverage ---------------------------------------------------------------------------


def test_unused_definition_is_reported(project: Path) -> None:
    edit(
        project / "content" / "definitions.yaml",
        "definitions:\n",
        "definitions:\n  - id: framework_agreement\n    term: framework agreement\n    definition: An agreement that sets the terms of later contracts.\n",
    )
    check_fails(
        project,
        "content/definitions.yaml:4:",
        "the defined term 'framework agreement' is never used in the text",
        "{term:framework_agreement}",
    )


def test_item_wording_missing_from_rendered_guidance(project: Path) -> None:
    edit(project / "templates" / "blocks" / "criteria.html", "{{ prose(item.question) }}", "")
    check_fails(
        project, "the question of 'at_risk_contact' is not shown word for word at #criterion-at-risk-contact", "content/criteria.yaml:"
    )


def test_item_never_inserted_is_reported(project: Path) -> None:
    path = project / "content" / "sections" / "annex-definitions.md"
    edit(path, "{insert:definitions}", "")
    check_fails(project, "no section inserts them", "{insert:definitions}")


# 3. No hand-typed rule facts -----------------------------------------------------------


def test_threshold_retyped_in_prose(project: Path) -> None:
    line = append_paragraph(project, "exemptions", "A council contract worth less than £207,720 is exempt.")
    check_fails(
        project,
        f"content/sections/exemptions.md:{line}: the money amount '£207,720' is typed by hand",
        "write {value:threshold.local_authority} instead",
    )


def test_stale_count_after_adding_a_criterion(project: Path) -> None:
    line = append_paragraph(project, "tests", "The authority should apply all three tests.")
    edit(
        project / "content" / "criteria.yaml",
        "criteria:\n",
        "criteria:\n  - id: public_money_at_risk\n    name: Large sums of public money\n    question: Does the service handle large sums of public money?\n"
        "    explanation: Money that is lost cannot be recovered.\n    indicators: [Staff handle payments.]\n"
        "    examples: [{service: Benefit payments, note: Payments reach people who need them.}]\n",
    )
    edit(project / "content" / "procedure.yaml", "criteria: [at_risk_contact,", "criteria: [public_money_at_risk, at_risk_contact,")
    check_fails(
        project,
        f"content/sections/tests.md:{line}: the count 'three tests' is typed by hand and is wrong: there are four criteria",
        "write {count:criteria} tests",
    )


def test_typed_date_and_paragraph_number(project: Path) -> None:
    line = append_paragraph(project, "duty", "From 1 April 2026 the rules in paragraph 3.2 apply.")
    check_fails(
        project,
        f"duty.md:{line}: the date '1 April 2026' is typed by hand",
        "{value:meta.effective_date}",
        "the cross-reference 'paragraph 3.2' is typed by hand",
    )


def test_allow_mark_permits_a_quoted_figure_but_needs_a_reason(project: Path) -> None:
    append_paragraph(
        project,
        "exemptions",
        '{allow="quoting paragraph 2 of Schedule 2 to the Procurement Act 2023"}\nThe supplier does more than 80% of its work for the authority.',
    )
    assert run_cli("check", project=project).code == 0
    line = append_paragraph(project, "exemptions", '{allow=""}\nIt has no more than 20% outside.')
    check_fails(project, f"exemptions.md:{line + 1}: an allow-mark needs a reason")


# 4. Procedure and text agree -----------------------------------------------------------


def test_criterion_the_procedure_never_asks(project: Path) -> None:
    edit(
        project / "content" / "criteria.yaml",
        "criteria:\n",
        "criteria:\n  - id: public_money_at_risk\n    name: Large sums of public money\n    question: Does the service handle large sums of public money?\n"
        "    explanation: Money that is lost cannot be recovered.\n    indicators: [Staff handle payments.]\n"
        "    examples: [{service: Benefit payments, note: Payments reach people who need them.}]\n",
    )
    check_fails(
        project, "content/criteria.yaml:4:9:", "the criteria entry 'public_money_at_risk' is never asked about in the decision procedure"
    )


def test_numbered_steps_that_contradict_the_procedure(project: Path) -> None:
    edit(project / "templates" / "blocks" / "steps.html", "{{ branch(step.if_any) }}", "{{ branch(step.if_none) }}")
    check_fails(project, "the numbered steps give", "but the procedure gives", "content/procedure.yaml:")


def test_diagram_that_contradicts_the_procedure(project: Path) -> None:
    edit(
        project / "templates" / "blocks" / "diagram.html",
        "[('Yes', step.if_any), ('No', step.if_none)]",
        "[('No', step.if_any), ('Yes', step.if_none)]",
        count=2,
    )
    check_fails(project, "the diagram give", "but the procedure gives")


# 5. Defined terms used consistently ----------------------------------------------------


def test_unlinked_first_use_of_a_defined_term(project: Path) -> None:
    line = append_paragraph(project, "annex-changes", "Changes apply to every relevant contract.")
    check_fails(
        project,
        f"annex-changes.md:{line}: first use of the defined term 'relevant contract' in annex d is not linked",
        "write {term:relevant_contract}",
    )


def test_near_miss_of_a_defined_term(project: Path) -> None:
    line = append_paragraph(project, "next-steps", "Plans should protect at risk people during the handover.")
    check_fails(project, f"next-steps.md:{line}: 'at risk people' looks like the defined term 'at-risk person'", "at-risk people")


def test_term_helper_with_an_unrecorded_form(project: Path) -> None:
    line = append_paragraph(project, "next-steps", "Plans should protect {term:at_risk_person|vulnerable folk}.")
    check_fails(project, f"next-steps.md:{line}: 'vulnerable folk' is not a recorded form of the term 'at-risk person'")


# 6. Must and should --------------------------------------------------------------------


def test_must_in_an_advisory_paragraph(project: Path) -> None:
    line = append_paragraph(project, "support", "The authority must ask the Government Legal Department for advice.")
    check_fails(project, f"support.md:{line}: 'must' is used in a paragraph that is guidance, not a legal duty", "use 'should'")


def test_must_in_yaml_text(project: Path) -> None:
    edit(
        project / "content" / "good-reason.yaml",
        "how_to_access: Download it with this guidance.",
        "how_to_access: Authorities must download it with this guidance.",
    )
    check_fails(project, "content/good-reason.yaml:", "'must' in text from good-reason.yaml")


def test_must_in_a_duty_paragraph_is_accepted(project: Path) -> None:
    append_paragraph(project, "duty", "{.duty}\nThe authority must keep the record for six years after the contract ends.")
    assert run_cli("check", project=project).code == 0


# 7. One version everywhere -------------------------------------------------------------


def test_version_bumped_in_one_place_only(project: Path) -> None:
    edit(project / "templates" / "guidance.html", "<p>{{ meta.title }}. Version {{ meta.version }}", "<p>{{ meta.title }}. Version 0.2.1")
    check_fails(project, f"guidance.html shows version '0.2.1' but guidance.yaml says '{VERSION}'")


def test_version_wrong_only_in_the_pdf_is_caught_by_build(project: Path) -> None:
    edit(project / "templates" / "guidance.html", '("Version " ~ meta.version', '("Version 9.9.9" ~ ""')
    assert run_cli("check", project=project).code == 0, "the screen page is right; only the PDF is wrong"
    check_fails(project, f"guidance.pdf page 1 shows version '9.9.9' but guidance.yaml says '{VERSION}'", command="build")
    assert not (project / "build" / "site").exists()


# 8. Publishable status -----------------------------------------------------------------


def test_final_edition_with_assumptions_and_markers(project: Path) -> None:
    edit(project / "content" / "guidance.yaml", "status: consultation", "status: final")
    line = append_paragraph(project, "support", "The network opens soon [TBC].")
    check_fails(
        project,
        "content/assumptions.yaml:",
        "an edition marked final still lists the illustrative assumption 'statutory_basis'",
        "still relies on the illustrative assumption",
        f"support.md:{line}: drafting marker 'TBC' left in an edition marked final",
    )


# The converse: a legitimate change made only in YAML flows everywhere -------------------


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_yaml_only_change_reaches_every_output(project: Path) -> None:
    thresholds = project / "content" / "thresholds.yaml"
    edit(thresholds, "amount: 207720", "amount: 209999", count=2)
    criteria = project / "content" / "criteria.yaml"
    old_question = "Does delivering the service involve significant contact with"
    edit(criteria, old_question, "Will the provider's staff have regular, personal contact with")
    result = run_cli("build", project=project)
    assert result.code == 0, result.stderr
    site = project / "build" / "site" / VERSION
    html = (site / "guidance.html").read_text()
    text = re.sub(r"\s+", " ", pdf_text(site / "guidance.pdf"))
    rules = (site / "rules.json").read_text()
    for output in (html, text):
        assert "£209,999" in output
        assert "207,720" not in output
        assert "regular, personal contact with" in output.replace("&#39;", "'")
        assert old_question not in output
    data = json.loads(rules)
    local = next(t for t in data["authority_types"] if t["id"] == "local_authority")
    assert 209999 in [v["amount"] for v in local["values"]]
    assert "207720" not in rules
    assert old_question not in rules


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            "{ref:para.no-such-paragraph}",
            "'{ref:para.no-such-paragraph}' points at nothing in the guidance (give the paragraph an id with {#id} on the line above it)",
        ),
        ("{value:threshold.parish_council}", "'{value:threshold.parish_council}' names no value"),
        ("{list:exceptions}", "'{list:exceptions}' names no kind of item (did you mean 'exemptions'?)"),
        ("{count:tests}", "'{count:tests}' names no kind of item (did you mean 'steps'?)"),
        (
            "{frob:x}",
            "unknown helper '{frob:...}' in '{frob:x}' (expected one of: Count, assumption, count, insert, list, name, ref, term, value)",
        ),
    ],
)
def test_every_unresolvable_helper_is_reported(project: Path, broken: str, message: str) -> None:
    line = append_paragraph(project, "support", f"See {broken} for more.")
    stderr = check_fails(project)
    assert stderr.splitlines() == [f"content/sections/support.md:{line}: {message}", "1 problem found; nothing was written."]
