"""The checker page: the procedure, thresholds and reason templates as JSON, run by plain JavaScript.

The page needs no server and no network: its data sits in a <script type="application/json">
element and templates/assets/checker.js (inlined) walks the same steps as the engine,
filling in the same sentences from reasons.py. Its styles are GOV.UK Frontend's (compiled by
scripts/setup) and templates/assets/checker.css, inlined too. A Content-Security-Policy
allows only the page's own inline scripts and stylesheet, by their hashes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import jinja2
from markupsafe import Markup

from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.engine.contract import NO_EVENT, PARTY_LABELS, PROVIDER_TYPES
from guidance_builder.engine.reasons import MONTHS, TEMPLATES
from guidance_builder.engine.rules import Engine
from guidance_builder.engine.text import plain_text
from guidance_builder.project import Project

FORMAT = "guidance-builder/checker@1"
PROVIDER_NAMES = {
    "private": "A private company",
    "voluntary": "A voluntary or community organisation",
    "local_authority": "A local authority",
    "other_public_authority": "Another public authority",
}


def checker_data(engine: Engine) -> dict:
    """Everything the page needs to ask the questions and explain the answer."""
    book = engine.book
    anchors = engine.anchors

    def text(value: str) -> str:
        return plain_text(book, anchors, value)

    def cite(key: str) -> dict:
        label, anchor = engine.cite(key)
        return {"key": key, "label": label, "anchor": anchor}

    steps = []
    for position, step in enumerate(book.procedure.steps, 1):
        steps.append(
            {
                "id": step.id,
                "number": position,
                "title": step.title,
                "question": text(step.question),
                "cite": cite(f"step.{step.id}"),
                "asks": {"triggers": step.asks.triggers, "criteria": step.asks.criteria, "exemptions": step.asks.exemptions},
                "if_any": step.if_any.model_dump(exclude_none=True),
                "if_none": step.if_none.model_dump(exclude_none=True),
            }
        )
    return {
        "format": FORMAT,
        "version": engine.version,
        "start": book.procedure.start,
        "steps": steps,
        "no_event": NO_EVENT,
        "triggers": [
            {"id": t.id, "name": t.name, "phrase": engine.trigger_phrase[t.id], "cite": cite(f"trigger.{t.id}")} for t in book.triggers
        ],
        "criteria": [
            {
                "id": c.id,
                "name": c.name,
                "question": text(c.question),
                "phrase": engine.criterion_phrase[c.id],
                "cite": cite(f"criterion.{c.id}"),
            }
            for c in book.criteria
        ],
        "exemptions": [
            {
                "id": e.id,
                "name": e.name,
                "statement": text(e.statement),
                "rule": e.applies_when.model_dump(),
                "cite": cite(f"exemption.{e.id}"),
            }
            for e in book.exemptions
        ],
        "grounds": [
            {
                "id": g.id,
                "name": g.name,
                "description": text(g.description),
                "phrase": engine.ground_phrase[g.id],
                "requires_support_considered": g.requires_support_considered,
                "cite": cite(f"ground.{g.id}"),
            }
            for g in book.grounds
        ],
        "support_measures": [
            {"id": s.id, "name": s.name, "phrase": engine.support_phrase[s.id], "cite": cite(f"support.{s.id}")}
            for s in book.support_measures
        ],
        "authority_types": [
            {
                "id": a.id,
                "name": a.name,
                "phrase": engine.authority_phrase[a.id],
                "values": [
                    {"amount": v.amount, "from": v.from_.isoformat(), "reference": v.reference}
                    for v in sorted(a.values, key=lambda v: v.from_)
                ],
            }
            for a in book.authority_types
        ],
        "provider_types": [{"id": p, "name": PROVIDER_NAMES[p]} for p in PROVIDER_TYPES],
        "party_labels": PARTY_LABELS,
        "outcomes": [
            {
                "id": o.id,
                "name": o.name,
                "description": text(o.description),
                "reason": engine.outcome_reasons[o.id].text,
                "cite": cite(f"outcome.{o.id}"),
            }
            for o in book.procedure.outcomes
        ],
        "templates": TEMPLATES,
        "months": list(MONTHS),
    }


def json_for_script(data: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


POLICY_PLACEHOLDER = "guidance-builder-content-security-policy"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)


def render_checker(engine: Engine, env: jinja2.Environment, project: Project) -> str:
    script = (project.assets / "checker.js").read_text(encoding="utf-8")
    env_script = (project.assets / "rules-env.js").read_text(encoding="utf-8")
    frontend = project.frontend / "govuk-frontend.css"
    cel = project.frontend / "cel.js"
    for needed, what in ((frontend, "GOV.UK Frontend"), (cel, "The CEL library (cel-js)")):
        if not needed.is_file():
            where = Location(project.display(needed))
            raise ContentError(
                [Diagnostic(where, f"{what} has not been set up", "run scripts/setup, which installs it and builds it into .deps")]
            )
    cel_script = cel.read_text(encoding="utf-8")
    sheets = {name: (project.assets / name).read_text(encoding="utf-8") for name in ("guidance.css", "checker.css")}
    sources = (("checker.js", script), ("rules-env.js", env_script), (".deps/cel.js", cel_script))
    for name, source, closing in (*((n, s, "</script") for n, s in sources), *((n, t, "</style") for n, t in sheets.items())):
        if closing in source.lower():
            raise ValueError(f"{name} contains '{closing}', which would end its element early")
    style = "\n".join([frontend.read_text(encoding="utf-8"), *sheets.values()])
    meta = engine.book.meta
    page = env.get_template("checker.html").render(
        meta=meta,
        data=Markup(json_for_script(checker_data(engine))),
        cel_script=Markup(cel_script),
        env_script=Markup(env_script),
        script=Markup(script),
        style=Markup(style),
        policy=POLICY_PLACEHOLDER,
        guidance_href="guidance.html",
    )
    # Every inline script the page runs (CEL, rules-env.js, checker.js, and GOV.UK Frontend's
    # one line that marks the page as having JavaScript) is allowed by its hash; nothing else
    # may run or load.
    scripts = " ".join(dict.fromkeys(_csp_hash(source) for source in INLINE_SCRIPT.findall(page)))
    policy = f"default-src 'none'; script-src {scripts}; style-src {_csp_hash(style)}; base-uri 'none'; form-action 'none'"
    return page.replace(POLICY_PLACEHOLDER, policy, 1)


def checker_outputs(context) -> dict[str, bytes]:
    """Output maker (render/outputs.py): the checker page and the contract input schema, per version."""
    from guidance_builder.engine.schema import json_schema_text

    edition = context.edition
    engine = Engine(edition.book, edition.document.anchors)
    return {
        f"{context.version}/checker.html": render_checker(engine, context.env, edition.project).encode(),
        f"{context.version}/assess-input.schema.json": json_schema_text(engine).encode(),
    }
