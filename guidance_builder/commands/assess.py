"""`guidance-builder assess`: what the guidance expects for this contract.

    guidance-builder assess contract.yaml [--json]
    guidance-builder assess --register contracts.csv [--json] [--out results.csv]
    guidance-builder assess --schema

The answer comes from the edition's own rules (content/*.yaml), with the guidance
paragraphs behind it. Input format: docs/assess.md and schemas/assess-input.schema.json.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.engine.inputs import ContractReader
from guidance_builder.engine.register import RegisterError, Summary
from guidance_builder.engine.register_format import HEAD_BYTES, sniff_register
from guidance_builder.engine.register_run import assess_register
from guidance_builder.engine.rules import Assessment, Engine
from guidance_builder.engine.schema import json_schema_text
from guidance_builder.loading.stdin import STDIN, reads_stdin, stdin_text
from guidance_builder.output_files import OutputFile, output_file, replacing
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project
from guidance_builder.rules.values import long_date, money

EXIT_OK, EXIT_INVALID = 0, 2
MAX_PRINTED_ERRORS = 100
"""In text mode, a register's row errors beyond this many are counted, not printed (--out has them all)."""


def configure(parser) -> None:
    parser.add_argument("contract", nargs="?", help="a contract to assess, in YAML (see docs/assess.md)")
    parser.add_argument("--register", metavar="CSV", help="assess every contract in a register: a CSV file, one contract per row")
    parser.add_argument("--out", metavar="CSV", help="with --register: write one result row per contract to this CSV file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--schema", action="store_true", help="print the JSON Schema of the contract input format and stop")


def load_engine(project: Project) -> Engine:
    edition, _ = require_edition(project, history=False)  # the rules and their paragraphs: no diffs of earlier editions
    return Engine(edition.book, edition.document.anchors)


def main(args, project: Project) -> int:
    chosen = [
        name for name, given in (("a contract file", args.contract), ("--register", args.register), ("--schema", args.schema)) if given
    ]
    if len(chosen) != 1:
        where = Location("assess")
        message = "give a contract file, --register CSV or --schema" if not chosen else f"give only one of {' and '.join(chosen)}"
        raise ContentError([Diagnostic(where, message, "for example: guidance-builder assess contract.yaml")])
    if args.out and not args.register:
        raise ContentError([Diagnostic(Location("assess"), "--out is only for --register", "a single contract's result is printed")])
    out = output_file(args.out, "--out", (args.register,)) if args.out else None  # before any work
    engine = load_engine(project)
    if args.schema:
        sys.stdout.write(json_schema_text(engine))
        return EXIT_OK
    if args.register:
        return run_register(engine, args, out)
    reader = ContractReader(engine)
    if reads_stdin(args.contract):
        contract = reader.read_text(stdin_text(STDIN), STDIN)
    else:
        contract = reader.read_file(Path(args.contract), args.contract)
    assessment = engine.assess(contract)
    if args.json:
        print(json.dumps(assessment.as_json(), indent=2, ensure_ascii=False))
    else:
        print(format_assessment(assessment))
    return EXIT_OK


def format_assessment(a: Assessment) -> str:
    t = a.threshold
    lines = [
        f"Contract: {a.reference} ({a.title})",
        f"Outcome: {a.outcome} ({a.outcome_name})",
        f"Exemptions that apply: {', '.join(a.exemptions) if a.exemptions else 'none'}",
        f"Criteria met: {', '.join(a.criteria_met) if a.criteria_met else 'none'}",
    ]
    if t is not None:
        lines.append(f"Threshold: {money(t.amount)} for {t.authority_type}, in force from {long_date(t.in_force_from)} ({t.reference})")
    lines += [
        "Reasons:",
    ]
    lines += [f"  - {reason.cited()}" for reason in a.reasons]
    lines.append(f"Guidance version: {a.guidance_version}")
    return "\n".join(lines)


def run_register(engine: Engine, args, out: OutputFile | None) -> int:
    path = Path(args.register)
    _refuse_wrong_format(path, args.register)
    printed = 0
    # The edition's objects live until the end: keep the garbage collector from walking
    # them again and again while a large register streams through.
    gc.freeze()

    def on_error(diagnostic: Diagnostic) -> None:
        nonlocal printed
        if not args.json and printed < MAX_PRINTED_ERRORS:
            print(diagnostic, file=sys.stderr)
        printed += 1

    try:
        if out is not None:
            summary = _assess_to_file(engine, path, args.register, out, on_error)
        else:
            summary = assess_register(engine, path, args.register, None, on_error)
    except RegisterError as error:
        raise ContentError(error.diagnostics) from None
    # With the results on standard output, the summary goes beside the errors.
    report = sys.stderr if out is not None and out.is_stdout else sys.stdout
    if args.json:
        print(json.dumps({**summary.as_json(), "out": args.out}, indent=2, ensure_ascii=False), file=report)
    else:
        if printed > MAX_PRINTED_ERRORS:
            more = printed - MAX_PRINTED_ERRORS
            print(
                f"... and {more} more problem{'s' if more != 1 else ''}" + (f" (all are in {args.out})" if args.out else ""),
                file=sys.stderr,
            )
        print(format_summary(summary, engine, args.out), file=report)
    return EXIT_INVALID if summary.invalid else EXIT_OK


def _refuse_wrong_format(path: Path, display: str) -> None:
    """A workbook, UTF-16 text or semicolons, named in one line (a pipe is not peeked at: it would lose its start)."""
    if not path.is_file():
        return
    try:
        with open(path, "rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError:
        return  # the register reader says why it cannot be read
    if (wrong := sniff_register(head, display)) is not None:
        raise ContentError([wrong])


def _assess_to_file(engine: Engine, path: Path, display: str, out: OutputFile, on_error) -> Summary:
    """Write the results beside `out` and move them into place only when every row is done."""
    with replacing(out) as stream:  # binary: the results are UTF-8 whatever the terminal's encoding
        return assess_register(engine, path, display, stream, on_error)


def format_summary(summary: Summary, engine: Engine, out: str | None) -> str:
    width = max(len(name) for name in [*summary.outcomes, *summary.exempt_by, "invalid"]) + 4
    lines = [
        f"Assessed {summary.file} against guidance version {summary.guidance_version}: {summary.rows:,} contract{'s' if summary.rows != 1 else ''}"
    ]
    for outcome, count in summary.outcomes.items():
        lines.append(f"  {outcome:<{width}}{count:>10,}")
        decided = summary.by_outcome.get(outcome, {})
        for exemption in (e for e in engine.exemption_ids if e in decided):
            lines.append(f"    {exemption:<{width - 2}}{decided[exemption]:>10,}")
    lines.append(f"  {'invalid':<{width}}{summary.invalid:>10,}")
    if out:
        lines.append(f"Results written to {out}")
    return "\n".join(lines)
