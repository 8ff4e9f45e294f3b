"""`due --report`: one self-contained GOV.UK-styled page with the listed contracts and a chart.

The chart (assessments falling due per month, by the date each should start) is drawn
as SVG here, with a title and description for screen readers and the same figures as a
table beside it. GOV.UK Frontend's styles are inlined, and a Content-Security-Policy
allows nothing else, so the page is a file to keep or email.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.due.listing import Listing, Window
from guidance_builder.due.outputs import pounds
from guidance_builder.project import Project
from guidance_builder.render.environment import create_environment

TEMPLATE = "due/report.html"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 960, 320, 48, 64, 24
REPORT_CSS = f"""
.gb-chart {{ display: block; width: 100%; min-width: {WIDTH * 2 // 3}px; max-width: {WIDTH}px; height: auto; }}
.gb-table-scroll {{ overflow-x: auto; }}
.gb-table-scroll:focus {{ outline: 3px solid #ffdd00; }}
.gb-secondary {{ color: #484949; overflow-wrap: break-word; }}
"""


@dataclass(frozen=True)
class Bar:
    label: str
    """'March 2027', for the table and the text alternative."""
    short: str
    """'Mar 27', under the bar."""
    count: int
    x: float
    y: float
    width: float
    height: float


def months_between(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def bars(listed: Listing) -> tuple[list[Bar], int]:
    """One bar per month from the first assessment to the last (empty months too), and the scale's top."""
    if not listed:
        return [], 0
    counts = Counter((d.assess_by.year, d.assess_by.month) for d in listed)
    months = months_between(min(d.assess_by for d in listed), max(d.assess_by for d in listed))
    top = max(counts.values())
    step = (WIDTH - LEFT) / len(months)
    plot = HEIGHT - BOTTOM - TOP
    drawn = []
    for i, (year, month) in enumerate(months):
        count = counts.get((year, month), 0)
        height = plot * count / top
        label = f"{datetime.date(year, month, 1):%B} {year}"
        drawn.append(
            Bar(
                label,
                f"{MONTH_NAMES[month - 1]} {year % 100:02d}",
                count,
                LEFT + i * step + step * 0.15,
                TOP + plot - height,
                step * 0.7,
                height,
            )
        )
    return drawn, top


def describe(drawn: list[Bar]) -> str:
    busiest = max(drawn, key=lambda b: b.count) if drawn else None
    if busiest is None:
        return "No assessments fall due."
    total = sum(b.count for b in drawn)
    return (
        f"{total:,} assessments fall due between {drawn[0].label} and {drawn[-1].label}; "
        f"the most in one month is {busiest.count:,}, in {busiest.label}. The table below the chart gives each month's figure."
    )


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def check_frontend(project: Project) -> Path:
    """GOV.UK Frontend's compiled styles; checked before any source is read, so a missing set-up stops nothing half done."""
    frontend = project.frontend / "govuk-frontend.css"
    if not frontend.is_file():
        where = Location(project.display(frontend))
        raise ContentError(
            [Diagnostic(where, "GOV.UK Frontend has not been set up", "run scripts/setup, which installs it and compiles its styles")]
        )
    return frontend


def render_report(project: Project, book, listed: Listing, window: Window, problem_count: int, sources: list[str]) -> str:
    frontend = check_frontend(project)
    sheets = [frontend.read_text(encoding="utf-8"), (project.assets / "guidance.css").read_text(encoding="utf-8"), REPORT_CSS]
    style = "\n".join(sheets)
    if "</style" in style.lower():
        raise ValueError("a stylesheet contains '</style', which would end its element early")
    drawn, top = bars(listed)
    env = create_environment(project)
    return env.get_template(TEMPLATE).render(
        meta=book.meta,
        event_names={t.id: t.name for t in book.triggers},
        type_names={t.id: t.name for t in book.authority_types},
        style=Markup(style),
        policy=f"default-src 'none'; style-src {_hash(style)}; img-src 'none'; base-uri 'none'; form-action 'none'",
        listed=listed,
        window=window,
        overdue=sum(1 for d in listed if d.assess_by < window.on),
        problem_count=problem_count,
        sources=sources,
        bars=drawn,
        top=top,
        chart={"width": WIDTH, "height": HEIGHT, "left": LEFT, "bottom": BOTTOM, "top": TOP},
        description=describe(drawn),
        pounds=pounds,
    )
