"""`guidance-builder due`: which contracts fall due for an assessment, from the data councils publish.

    guidance-builder due SOURCE... [--on DATE] [--within MONTHS] [--since MONTHS]
                         [--columns map.yaml] [--authority-type TYPE]
                         [--json] [--out register.csv] [--report due.html]

Sources are Transparency Code registers (CSV) and OCDS release or record packages
(JSON or JSON Lines), told apart by their content. See docs/due.md; the work is in
guidance_builder/due/.
"""

from __future__ import annotations

import argparse

from guidance_builder.due.run import Request, run
from guidance_builder.project import Project

DEFAULT_SINCE_MONTHS = 12


def configure(parser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="contract registers (CSV) and OCDS packages (JSON, JSON Lines)")
    parser.add_argument("--on", metavar="DATE", help="the day to list from (default: today)")
    parser.add_argument("--within", metavar="MONTHS", type=_months, help="months ahead to look (default: the guidance's lead time, or 18)")
    parser.add_argument("--since", metavar="MONTHS", type=_months, default=DEFAULT_SINCE_MONTHS, help="months back to look (default: 12)")
    parser.add_argument("--columns", metavar="YAML", help="a council's own register column names, by field (see docs/due.md)")
    parser.add_argument("--authority-type", metavar="TYPE", help="the authority type of every contract whose source does not give one")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", metavar="CSV", help="write an assess --register template, one row per listed contract")
    parser.add_argument("--report", metavar="HTML", help="write a page with the table and a chart of assessments due each month")


def _months(text: str) -> int:
    if not text.isdigit() or int(text) > 1200:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of months (write a whole number, such as 18)")
    return int(text)


def main(args, project: Project) -> int:
    request = Request(
        sources=args.sources,
        on=args.on,
        within=args.within,
        since=args.since,
        columns=args.columns,
        authority_type=args.authority_type,
        json=args.json,
        out=args.out,
        report=args.report,
    )
    return run(request, project)
