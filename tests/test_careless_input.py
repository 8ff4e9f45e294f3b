"""Careless input is never misread and never given misleading advice (issue 16, items 2, 12-17, 20).

Each test makes one realistic mistake and checks the exact line a person sees. The hostile
corpus (tests/hostile) holds the same mistakes placed in the bundled project; these tests
cover what the corpus cannot place: other callers of the loader, each form of a mistake,
and the functions behind the messages.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest

from guidance_builder.cli import main
from guidance_builder.diagnostics import Diagnostics, did_you_mean, id_hint
from guidance_builder.engine.register_format import sniff_register
from guidance_builder.loading.yaml_source import parse_yaml
from guidance_builder.markdown.lookalikes import lookalike_helpers
from guidance_builder.markdown.parser import helper_uses, parse_block
from tests.conftest import ROOT, VERSION


def run(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(cwd or Path.cwd()):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def problems(text: str) -> list[str]:
    diagnostics = Diagnostics()
    parse_yaml(text, Path("x.yaml"), "x.yaml", diagnostics)
    return [str(d) for d in diagnostics.items]


# 2. YAML 1.1 number guessing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "why", "plain"),
    [
        ("0250000", "a leading zero makes YAML read it as octal", "write 250000"),
        ("036", "a leading zero makes YAML read it as octal", "write 36"),
        ("09", "a leading zero makes YAML read it as octal", "write 9"),
        ("0x3D090", "'0x' makes YAML read it in another base", "write 250000"),
        ("0o750", "'0o' makes YAML read it in another base", "write 488"),
        ("0b101", "'0b' makes YAML read it in another base", "write 5"),
        ("250_000", "YAML reads '_' in a number as a separator", "write 250000"),
        ("1_000.5", "YAML reads '_' in a number as a separator", "write 1000.5"),
        ("250:00:00", "':' makes YAML read it in base 60", "write the number as plain digits, without ':'"),
        ("-0250", "a leading zero makes YAML read it as octal", "write -250"),
    ],
)
def test_a_number_yaml_would_guess_is_refused_at_its_value(written: str, why: str, plain: str):
    assert problems(f"reference: A-1\nvalue_gbp: {written}\n") == [
        f"x.yaml:2:12: the number '{written}' is ambiguous: {why} ({plain}, or put it in quotes if it is text)"
    ]


@pytest.mark.parametrize("text", ["value_gbp: 250000", "value_gbp: 0", "rate: 0.5", "value_gbp: '0250000'", 'ref: "10:30"', "v: 1.0"])
def test_plain_numbers_and_quoted_text_are_read_as_written(text: str):
    assert problems(text + "\n") == []


def test_contract_fill_refuses_a_guessed_number_of_months(tmp_path: Path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("authority_name: Barsetshire County Council\ninitial_term_months: 036\n", encoding="utf-8")
    code, _, stderr = run("--project", str(ROOT), "contract", "fill", str(answers), "--out", str(tmp_path / "out.pdf"))
    assert code == 2
    assert f"{answers}:2:22: the number '036' is ambiguous: a leading zero makes YAML read it as octal (write 36," in stderr
    assert not (tmp_path / "out.pdf").exists()


# 12. Text that looks like a helper ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("See {term:relevant_contract now.", 1, "the helper '{term:relevant_contract' is not closed with '}'"),
        ("See { term:relevant_contract}.", 1, "'{ term:relevant_contract}' has a space inside the braces, so it is not a helper"),
        ("See {term :relevant_contract}.", 1, "'{term :relevant_contract}' has a space inside the braces, so it is not a helper"),
        ("See {{term:relevant_contract}}.", 1, "'{{term:relevant_contract}}' has doubled braces"),
        ("See {term:{value:meta.version}}.", 1, "'{term:{value:meta.version}}' puts a helper inside a helper"),
        ("First line.\nSee {term:\nrelevant_contract}.", 2, "the helper '{term:' is split across lines"),
        ("See [the annex][nope].", 1, "the reference link '[the annex][nope]' has no definition of [nope]"),
        ("See [the annex][].", 1, "the reference link '[the annex][]' has no definition of [the annex]"),
        ("See the annex.[^1]\n\n[^1]: A note.", 1, "footnotes are not supported: '[^1]'"),
    ],
)
def test_a_malformed_helper_is_reported_with_its_line(text: str, line: int, message: str):
    found = lookalike_helpers(text)
    assert [(f.line, f.message) for f in found][:1] == [(line, message)]


@pytest.mark.parametrize(
    "text",
    [
        "See {term:relevant_contract} and {value:meta.version}.",
        "Code `{term:x` stays code, and \\{term:x} is escaped.",
        "A stylesheet `{ background: red }` and { background: red } are not helpers.",
        "See [the annex][ok].\n\n[ok]: https://example.org/",
        "A [draft note] marker and [1] are not links.",
    ],
)
def test_real_helpers_code_and_defined_links_are_not_reported(text: str):
    assert lookalike_helpers(text) == []


def test_check_reports_a_malformed_helper_in_yaml_text(project: Path):
    criteria = project / "content" / "criteria.yaml"
    criteria.write_text(criteria.read_text().replace("{term:at_risk_person|at-risk people}", "{{term:at_risk_person|at-risk people}}", 1))
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert "content/criteria.yaml:7: '{{term:at_risk_person|at-risk people}}' has doubled braces" in stderr


def test_helper_lines_stay_right_in_a_long_paragraph_of_helpers():
    """The line of each helper is counted on from the previous one (once quadratic): every
    helper of a 2,000-line paragraph is still on its own line."""
    text = "\n".join(f"Line {n} {{count:criteria}}" for n in range(1, 2001))
    lines = [use.line for use in helper_uses(parse_block(text, base_line=10))]
    assert lines == list(range(10, 2010))


# 13. Invisible and look-alike characters ----------------------------------------------------


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u2060", "U+2060 WORD JOINER"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ],
)
def test_an_invisible_character_in_a_section_is_an_error_naming_it(project: Path, character: str, name: str):
    support = project / "content" / "sections" / "support.md"
    body = support.read_text().rstrip("\n") + "\n\n"
    support.write_text(body + f"The authority mu{character}st act.\n")
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    line = body.count("\n") + 1
    assert f"content/sections/support.md:{line}:17: invisible character {name} in text (delete it;" in stderr


def test_an_invisible_character_written_as_a_yaml_escape_is_an_error():
    assert problems('title: "Residential care, mu\\u00adst"\n') == [
        "x.yaml:1:8: invisible character U+00AD SOFT HYPHEN in text (delete it; it cannot be seen, and it hides the word it sits in from the checks)"
    ]


def test_a_did_you_mean_that_looks_the_same_names_the_character():
    assert did_you_mean("\u0441oercive_powers", ["coercive_powers", "at_risk_contact"]) == (
        "did you mean 'coercive_powers'? it contains U+0441 CYRILLIC SMALL LETTER ES; write it in plain letters"
    )
    assert did_you_mean("coersive_powers", ["coercive_powers"]) == "did you mean 'coercive_powers'?"


def test_a_term_with_a_cyrillic_letter_names_it(project: Path):
    support = project / "content" / "sections" / "support.md"
    support.write_text(support.read_text() + "\nSee {term:relev\u0430nt_contract}.\n")
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert "refers to a term that is not defined (did you mean 'relevant_contract'? it contains U+0430 CYRILLIC SMALL LETTER A;" in stderr


# 14. Id hints fit the kind of id --------------------------------------------------------------


def test_id_hints_fit_the_kind_of_id():
    assert id_hint("at-risk-contact", section=False) == (
        "ids use lower-case letters, digits and underscores, starting with a letter: write 'at_risk_contact'"
    )
    assert id_hint("Good_Reason", section=True) == "section ids use lower-case letters, digits and hyphens: write 'good-reason'"
    assert id_hint("at_risk_\u0441ontact", section=False) == (
        "ids use lower-case letters, digits and underscores, starting with a letter; it contains U+0441 CYRILLIC SMALL LETTER ES"
    )


def test_a_criterion_id_with_hyphens_gets_the_id_hint_not_the_section_hint(project: Path):
    criteria = project / "content" / "criteria.yaml"
    criteria.write_text(criteria.read_text().replace("  - id: at_risk_contact\n", "  - id: at-risk-contact\n"))
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert stderr.splitlines()[0] == (
        "content/criteria.yaml:4:9: 'at-risk-contact' is not a valid id "
        "(ids use lower-case letters, digits and underscores, starting with a letter: write 'at_risk_contact')"
    )


def test_a_section_id_with_underscores_gets_the_section_hint(project: Path):
    guidance = project / "content" / "guidance.yaml"
    guidance.write_text(guidance.read_text().replace("{id: good-reason,", "{id: good_reason,"))
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert "'good_reason' is not a valid id (section ids use lower-case letters, digits and hyphens: write 'good-reason')" in stderr


# 15. No threshold in force ---------------------------------------------------------------------


def test_no_threshold_in_force_does_not_suggest_what_was_written(project: Path):
    thresholds = project / "content" / "thresholds.yaml"
    text = thresholds.read_text()
    start = text.index("  - id: central_government")
    end = text.index("  - id: local_authority")
    block = text[start:end].replace("from: 2024-01-01", "from: 2028-01-01").replace("from: 2026-01-01", "from: 2028-06-01")
    thresholds.write_text(text[:start] + block + text[end:])
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert (
        "'{value:threshold.central_government}' has no value in force on the edition's effective date, 1 October 2027 "
        "(its first value takes effect on 1 January 2028; add a value for 'central_government' in thresholds.yaml from 2027-10-01 or earlier)"
    ) in stderr
    assert "did you mean 'threshold.central_government'" not in stderr


# 16. Tabs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\n\tb: 2\n", "x.yaml:2:1"),
        ("a:\n  - x\n  -\ty\n", "x.yaml:3:4"),
        ("- a\n-\t- b\n", "x.yaml:2:2"),
        ("a: |\n\t x\n", "x.yaml:2:1"),
        ("a:\n  b: 1\n \tc: 2\n", "x.yaml:3:2"),
    ],
)
def test_a_tab_yaml_refuses_is_named(text: str, where: str):
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(where + ": YAML syntax error")
    assert found[0].endswith("(YAML does not allow tabs: indent and separate with spaces)")


def test_a_syntax_error_with_no_tab_gets_no_tab_hint():
    assert "tabs" not in problems("a: [1, 2\n")[0]


# 17. Registers saved the wrong way --------------------------------------------------------------

HEADER = "reference,title,authority_name,authority_type,value_gbp,event,event_date"


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (HEADER.replace(",", ";").encode() + b"\r\nA;B\r\n", "the columns of this register are separated by semicolons, not commas"),
        (HEADER.replace(",", "\t").encode() + b"\n", "the columns of this register are separated by tabs, not commas"),
        (HEADER.encode("utf-16"), "this register is saved as UTF-16 ('Unicode text'), not UTF-8"),
        (HEADER.encode("utf-16-le"), "this register is saved as UTF-16 ('Unicode text'), not UTF-8"),
        (HEADER.encode("utf-16-be"), "this register is saved as UTF-16 ('Unicode text'), not UTF-8"),
        (_xlsx(), "this register is an Excel workbook (.xlsx) or another zipped document, not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "this register is an Excel 97-2003 workbook (.xls), not a CSV file"),
    ],
)
def test_a_register_saved_the_wrong_way_is_named(head: bytes, message: str):
    found = sniff_register(head, "reg.csv")
    assert found is not None
    assert str(found).startswith(
        f"reg.csv:1: {message} (save it as CSV UTF-8: in Excel: File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"
    )


@pytest.mark.parametrize(
    "head", [HEADER.encode() + b"\nA-1,Care;meals,Council,local_authority,1,expiry,2026-09-30\n", b"\xef\xbb\xbf" + HEADER.encode(), b""]
)
def test_a_comma_separated_utf8_register_passes(head: bytes):
    assert sniff_register(head, "reg.csv") is None


def test_assess_names_a_semicolon_register_in_one_line(tmp_path: Path):
    register = tmp_path / "reg.csv"
    register.write_bytes((HEADER.replace(",", ";") + "\nA-1;Care;Council;local_authority;1;expiry;2026-09-30\n").encode())
    code, stdout, stderr = run("--project", str(ROOT), "assess", "--register", "reg.csv", cwd=tmp_path)
    assert code == 2
    assert stderr.splitlines() == [
        "reg.csv:1: the columns of this register are separated by semicolons, not commas (save it as CSV UTF-8: "
        "in Excel: File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; in LibreOffice: Save As 'Text CSV', "
        "character set UTF-8, field delimiter ',')",
        "1 problem found; nothing was written.",
    ]


# 20. Also ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("charge_core_annual: .inf", "should be a number, not infinity or 'not a number'"),
        ("charge_core_annual: .nan", "should be a number, not infinity or 'not a number'"),
        ("charge_core_annual: -5", "cannot be negative"),
        ("payment_days: -30", "cannot be negative"),
        ("initial_term_months: -.inf", "should be a number, not infinity or 'not a number'"),
    ],
)
def test_contract_fill_refuses_infinite_and_negative_numbers(tmp_path: Path, answer: str, message: str):
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"authority_name: Barsetshire County Council\n{answer}\n", encoding="utf-8")
    code, _, stderr = run("--project", str(ROOT), "contract", "fill", str(answers), "--out", str(tmp_path / "out.pdf"))
    assert code == 2
    assert f"{answers}:2:" in stderr and message in stderr
    assert not (tmp_path / "out.pdf").exists()


def test_one_contract_is_one_contract(tmp_path: Path):
    register = tmp_path / "reg.csv"
    register.write_text(
        "reference,title,authority_name,authority_type,provider_name,provider_type,relevant_contract,value_gbp,event,event_date,"
        "criteria.at_risk_contact,criteria.coercive_powers,criteria.rights_infringement,good_reason.ground,good_reason.evidence,"
        "good_reason.support_considered\n"
        "A-1,Care,Council,local_authority,Care Ltd,private,true,4500000,expiry,2026-09-30,true,false,false,,,\n",
        encoding="utf-8",
    )
    code, stdout, _ = run("--project", str(ROOT), "assess", "--register", "reg.csv", cwd=tmp_path)
    assert code == 0
    assert stdout.splitlines()[0] == f"Assessed reg.csv against guidance version {VERSION}: 1 contract"


@pytest.mark.parametrize(("key", "named"), [("null", "null"), ("~", "~"), ("yes", "yes"), ("1.0", "1.0")])
def test_a_key_yaml_reads_as_another_type_is_named_as_written(key: str, named: str):
    diagnostics = Diagnostics()
    doc = parse_yaml(f"{key}: x\n", Path("x.yaml"), "x.yaml", diagnostics)
    assert doc is not None and list(doc.data) == [named]


def test_an_empty_key_is_refused():
    assert problems('"": x\n') == ["x.yaml:1:1: a key is empty (write a name before ':')"]


def test_assess_names_a_null_key_as_written(tmp_path: Path):
    contract = tmp_path / "c.yaml"
    contract.write_text((ROOT / "tests" / "hostile" / "assess-jinja.yaml").read_text() + "null: x\n", encoding="utf-8")
    code, _, stderr = run("--project", str(ROOT), "assess", "c.yaml", cwd=tmp_path)
    assert code == 2
    assert "unknown key 'null'" in stderr and "'None'" not in stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "effective_date: 2027-10-01",
            "effective_date: 2025-04-01",
            "'effective_date' 1 April 2025 is before the publication date, 7 December 2026",
        ),
        (
            "review_date: 2029-09-30",
            "review_date: 2026-12-06",
            "'review_date' 6 December 2026 is before the publication date, 7 December 2026",
        ),
        (f"version: {VERSION}", "version: 0.03.0", "the version '0.03.0' has a leading zero (write 0.3.0)"),
        (f"version: {VERSION}", "version: 01.2.0", "the version '01.2.0' has a leading zero (write 1.2.0)"),
        ("language: en-GB", "language: not a language", "'not a language' is not a language tag (write a BCP 47 tag"),
        ("language: en-GB", "language: xx", "'xx' is not a language tag"),
        ("language: en-GB", "language: en_gb", "the language tag 'en_gb' is not written in its standard form (write en-GB)"),
    ],
)
def test_guidance_dates_version_and_language_are_checked(project: Path, old: str, new: str, message: str):
    guidance = project / "content" / "guidance.yaml"
    assert old in guidance.read_text()
    guidance.write_text(guidance.read_text().replace(old, new))
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert "content/guidance.yaml:" in stderr and message in stderr


@pytest.mark.parametrize("language", ["cy-GB", "en", "ga-IE"])
def test_a_real_language_passes(project: Path, language: str):
    guidance = project / "content" / "guidance.yaml"
    guidance.write_text(guidance.read_text().replace("language: en-GB", f"language: {language}"))
    assert run("--project", str(project), "check")[0] == 0


@pytest.mark.parametrize("heading", ["# A second title", "A second title\n=============="])
def test_a_top_level_heading_in_a_section_is_an_error(project: Path, heading: str):
    support = project / "content" / "sections" / "support.md"
    body = support.read_text().rstrip("\n") + "\n\n"
    support.write_text(body + heading + "\n\nThe authority should act.\n")
    code, _, stderr = run("--project", str(project), "check")
    assert code == 2
    assert (
        f"content/sections/support.md:{body.count(chr(10)) + 1}: a '#' heading is not allowed in a section: "
        "the section's title comes from guidance.yaml (use '## ' for a sub-heading, or change the section's title in guidance.yaml)"
    ) in stderr


def test_a_sub_heading_in_a_section_is_accepted(project: Path):
    support = project / "content" / "sections" / "support.md"
    support.write_text(support.read_text() + "\n## More support\n\nThe authority should act.\n")
    assert run("--project", str(project), "check")[0] == 0
