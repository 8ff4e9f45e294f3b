"""One `due` run: check the request, read every source, list what falls due, write the outputs.

The command line (commands/due.py) only parses the options; everything that can go wrong
with a request is reported here as a Diagnostic, before any source is read.
"""

from __future__ import annotations

import datetime
import gc
import sys
from dataclasses import dataclass
from pathlib import Path

from guidance_builder.diagnostics import ContentError, Diagnostic, Location, did_you_mean
from guidance_builder.due.listing import Listing, Problems, Sorted, Window, select
from guidance_builder.due.outputs import check_target, template_columns, write_atomically, write_json, write_table, write_template
from guidance_builder.due.policy import SOURCES_FILE, load_columns, load_policy
from guidance_builder.due.register import HeaderMap
from guidance_builder.due.sources import Source, read_sources
from guidance_builder.due.values import ImpossibleDate, NotADate, parse_date
from guidance_builder.pipeline import require_edition
from guidance_builder.project import Project

EXIT_OK, EXIT_PROBLEMS = 0, 2
DEFAULT_LEAD_MONTHS = 18
MAX_PRINTED_PROBLEMS = 100


@dataclass(frozen=True)
class Request:
    sources: list[str]
    on: str | None = None
    within: int | None = None
    since: int = 12
    columns: str | None = None
    authority_type: str | None = None
    json: bool = False
    out: str | None = None
    report: str | None = None


def lead_months(meta) -> int:
    """How long before a contract ends its assessment should start."""
    return getattr(meta, "assessment_lead_time_months", None) or DEFAULT_LEAD_MONTHS


def run(args: Request, project: Project) -> int:
    edition, _ = require_edition(project)
    book = edition.book
    types = [kind.id for kind in book.authority_types]
    policy = load_policy(project.content, project.display(project.content / SOURCES_FILE), types, [t.id for t in book.triggers])
    on = _on(args.on)
    if args.authority_type is not None and args.authority_type not in types:
        hint = did_you_mean(args.authority_type, types)
        raise ContentError([Diagnostic(Location("--authority-type"), f"unknown authority type '{args.authority_type}'", hint)])
    names = dict(policy.register_columns)
    if args.columns:
        for field_name, own in load_columns(Path(args.columns), args.columns).items():
            names[field_name] = own + names.get(field_name, ())
    sources = [Source(Path(name), name) for name in args.sources]
    missing = [
        Diagnostic(Location(s.display), "file not found" if not s.path.exists() else "this is not a file", "check the path")
        for s in sources
        if not s.path.is_file()
    ]
    if missing:
        raise ContentError(missing)
    for option, target in (("--out", args.out), ("--report", args.report)):
        if target:
            check_target(Path(target), option, [s.path for s in sources])
    if args.report:
        from guidance_builder.due.report import check_frontend

        check_frontend(project)
    fills = columns = None
    if args.out:
        from guidance_builder.engine.register import register_columns
        from guidance_builder.engine.rules import Engine

        columns = register_columns(Engine(book, edition.document.anchors))
        fills = template_columns(policy, columns)

    lead = lead_months(book.meta)
    window = Window(on, args.since, lead if args.within is None else args.within, lead)
    printed = 0

    def on_problem(diagnostic: Diagnostic) -> None:
        nonlocal printed
        if not args.json and printed < MAX_PRINTED_PROBLEMS:
            print(diagnostic, file=sys.stderr)
        printed += 1

    def threshold_of(kind: str, day: datetime.date) -> int | None:
        value = book.threshold_in_force(kind, day)
        return None if value is None else value.amount

    gc.freeze()  # the edition lives to the end: keep the collector from walking it while sources stream
    problems = Problems(on_problem)
    with Sorted() as listed:
        select(read_sources(sources, policy, HeaderMap(names), args.authority_type, problems, window), window, threshold_of, listed)
        _write(args, project, book, listed, window, problems, printed, (columns, fills))
    return EXIT_PROBLEMS if problems.items else EXIT_OK


def _write(
    args: Request,
    project: Project,
    book,
    listed: Listing,
    window: Window,
    problems: Problems,
    printed: int,
    template: tuple[list[str] | None, dict[str, str] | None],
) -> None:
    """Every output asked for: the files first (each whole or not at all), then stdout."""
    if args.out:
        columns, fills = template
        write_atomically(Path(args.out), lambda stream: write_template(stream, listed, columns, fills))
    if args.report:
        from guidance_builder.due.report import render_report

        page = render_report(project, book, listed, window, len(problems), args.sources)
        write_atomically(Path(args.report), lambda stream: stream.write(page))
    if args.json:
        write_json(sys.stdout, listed, window, problems.items)
    else:
        write_table(sys.stdout, listed, window)
        if printed > MAX_PRINTED_PROBLEMS:
            print(f"... and {printed - MAX_PRINTED_PROBLEMS:,} more problems (--json lists them all)", file=sys.stderr)
        if problems.items:
            count = len(problems.items)
            print(f"{count:,} problem{'s' if count != 1 else ''} in the data; the other contracts are listed.", file=sys.stderr)
        for option, target in (("--out", args.out), ("--report", args.report)):
            if target:
                print(f"Written {option.removeprefix('--')}: {target}")


def _on(text: str | None) -> datetime.date:
    if text is None:
        return datetime.date.today()
    try:
        return parse_date(text)
    except (ImpossibleDate, NotADate):
        raise ContentError(
            [Diagnostic(Location("--on"), f"'{text}' is not a date", "write it as YYYY-MM-DD, for example 2026-04-01")]
        ) from None
