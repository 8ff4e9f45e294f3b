"""`guidance-builder contract`: pre-fill the model contract or the assessment record, or list their fields.

    guidance-builder contract fill answers.yaml --out filled.pdf
    guidance-builder contract fill-record assess-input.yaml --out record.pdf
    guidance-builder contract fields [--record]

The blank PDF is rendered from the content (or read from --from), then filled with
pypdf. Unknown field names and wrong types are errors with file:line; nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from guidance_builder.diagnostics import ContentError, Diagnostic, Diagnostics, Location
from guidance_builder.output_files import output_file, write_output
from guidance_builder.project import Project


def configure(parser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    fill = actions.add_parser("fill", help="fill the model contract PDF from a YAML file of answers")
    fill.add_argument("answers", help="YAML file mapping field names to answers")
    fill.add_argument("--out", required=True, help="where to write the filled PDF")
    fill.add_argument("--from", dest="source", help="a blank model-contract.pdf to fill (default: render it from the content)")
    record = actions.add_parser("fill-record", help="fill the assessment record PDF from an assess input file")
    record.add_argument("answers", help="an assess input file: one answer per fact (see docs/assess.md)")
    record.add_argument("--out", required=True, help="where to write the filled PDF")
    record.add_argument("--from", dest="source", help="a blank assessment-record.pdf to fill (default: render it)")
    fields = actions.add_parser("fields", help="list the fill-in fields: name, type, required, label")
    fields.add_argument("--record", action="store_true", help="list the assessment record's fields instead")


def _context(project: Project):
    from guidance_builder.pipeline import RenderContext, require_edition
    from guidance_builder.render.environment import create_environment

    edition, _ = require_edition(project)
    return RenderContext(edition, create_environment(project), True)


def _load_answers(path: str, project: Project):
    from guidance_builder.loading.yaml_source import load_yaml

    diagnostics = Diagnostics()
    doc = load_yaml(Path(path), path, diagnostics)
    if doc is None:
        raise ContentError(diagnostics.sorted())
    return doc


def read_blank_pdf(given: str) -> bytes:
    """The blank PDF named by --from: a readable regular file that starts as a PDF does."""
    path = Path(given)
    hint = "give the blank PDF from a build, such as build/site/0.2.0/model-contract.pdf, or leave out --from"
    if path.is_dir():
        raise ContentError([Diagnostic(Location(given), "--from names a folder, not a PDF", hint)])
    if path.exists() and not path.is_file():
        raise ContentError([Diagnostic(Location(given), "--from names a device or a pipe, not a PDF file", hint)])
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        raise ContentError([Diagnostic(Location(given), "--from names a file that does not exist", hint)]) from None
    except OSError as error:
        raise ContentError([Diagnostic(Location(given), f"cannot read the PDF: {error.strerror}", hint)]) from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise ContentError([Diagnostic(Location(given), "--from names a file that is not a PDF", hint)])
    return data


def _field_types(blank: bytes, given: str) -> dict[str, str]:
    from guidance_builder.contract.fill import pdf_field_types

    try:
        return pdf_field_types(blank)
    except Exception:  # pypdf raises many kinds of error for a damaged file
        raise ContentError(
            [Diagnostic(Location(given), "--from names a damaged PDF that cannot be read", "build the site again, or leave out --from")]
        ) from None


def main(args, project: Project) -> int:
    from guidance_builder.contract.fill import check_answers, fill_pdf, missing_required, record_answers
    from guidance_builder.contract.model import PDF_FIELD_TYPES
    from guidance_builder.contract.outputs import contract_pdf, record_form, record_pdf, require_contract

    context = _context(project)
    if args.action == "fields":
        fields = record_form(context).fields if args.record else [p.field for p in require_contract(context.edition).fields]
        for item in fields:
            choices = f" [{', '.join(c.value for c in item.choices)}]" if item.choices else ""
            print(f"{item.name}\t{item.type}{choices}\t{'required' if item.required else 'optional'}\t{item.label}")
        return 0

    inputs = (args.answers, *([args.source] if args.source else []))
    out = output_file(args.out, "--out", inputs)  # before any work: nothing is rendered for a path that will be refused
    doc = _load_answers(args.answers, project)
    diagnostics = Diagnostics()
    if args.action == "fill":
        fields = [p.field for p in require_contract(context.edition).fields]
        values = check_answers(doc, fields, diagnostics)
        make_blank = contract_pdf
    else:
        form = record_form(context)
        fields = form.fields
        from guidance_builder.engine.rules import Engine

        values = record_answers(doc, form, Engine(context.edition.book, context.edition.document.anchors), diagnostics)
        make_blank = record_pdf
    if diagnostics:
        raise ContentError(diagnostics.sorted())
    blank = read_blank_pdf(args.source) if args.source else make_blank(context)
    expected = {f.name: PDF_FIELD_TYPES[f.type] for f in fields}
    if args.source and _field_types(blank, args.source) != expected:
        raise ContentError(
            [
                Diagnostic(
                    Location(args.source),
                    "this PDF's fields do not match the content's fields",
                    "it was made from another version: build the site again, or leave out --from",
                )
            ]
        )
    filled = fill_pdf(blank, values)
    write_output(out, filled)
    missing = missing_required(fields, values)
    if missing:
        print(f"note: {len(missing)} required field(s) not filled yet: {', '.join(missing)}", file=sys.stderr)
    report = sys.stderr if out.is_stdout else sys.stdout  # the PDF itself may be on standard output
    print(f"wrote {args.out} ({len(values)} of {len(fields)} fields filled)", file=report)
    return 0
