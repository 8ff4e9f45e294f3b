"""The checker page: the rules program as JSON, run in the browser by the same CEL rules.

The page needs no server and no network: its data sits in a <script type="application/json">
element, and the inlined scripts (the CEL library bundled by scripts/setup, then the rules
scripts and the page's own, listed in templates/assets/checker-scripts.json) walk the same
steps as the engine and fill in the same sentences. Its styles are GOV.UK Frontend's
(compiled by scripts/setup) and templates/assets/checker.css, inlined too. A
Content-Security-Policy allows only the page's own inline scripts and stylesheet, by their
hashes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import jinja2
from markupsafe import Markup

from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.engine.rules import Engine
from guidance_builder.project import Project


def checker_data(engine: Engine) -> dict:
    """Everything the page needs to ask the questions and explain the answer: the rules program."""
    return engine.program.as_json(engine.plain)


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


def checker_scripts(project: Project) -> list[tuple[str, str]]:
    """The page's own scripts, (file name, source), in the order it runs them after the CEL bundle.

    templates/assets/checker-scripts.json lists them: first the rules scripts, which walk a
    rules program (node loads the same list: scripts/cel-golden.mjs, scripts/rules-walk.mjs),
    then the page's. Each uses the globals of the ones before it.
    """
    listing = json.loads((project.assets / "checker-scripts.json").read_text(encoding="utf-8"))
    return [(name, (project.assets / name).read_text(encoding="utf-8")) for name in (*listing["rules"], *listing["page"])]


POLICY_PLACEHOLDER = "guidance-builder-content-security-policy"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)


def render_checker(engine: Engine, env: jinja2.Environment, project: Project) -> str:
    scripts = checker_scripts(project)
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
    sources = ((".deps/cel.js", cel_script), *scripts)
    for name, source, closing in (*((n, s, "</script") for n, s in sources), *((n, t, "</style") for n, t in sheets.items())):
        if closing in source.lower():
            raise ValueError(f"{name} contains '{closing}', which would end its element early")
    style = "\n".join([frontend.read_text(encoding="utf-8"), *sheets.values()])
    meta = engine.book.meta
    page = env.get_template("checker.html").render(
        meta=meta,
        data=Markup(json_for_script(checker_data(engine))),
        cel_script=Markup(cel_script),
        scripts=[Markup(source) for _, source in scripts],
        style=Markup(style),
        policy=POLICY_PLACEHOLDER,
        guidance_href="guidance.html",
    )
    # Every inline script the page runs (CEL, the scripts of checker-scripts.json, and GOV.UK
    # Frontend's one line that marks the page as having JavaScript) is allowed by its hash;
    # nothing else may run or load.
    hashes = " ".join(dict.fromkeys(_csp_hash(source) for source in INLINE_SCRIPT.findall(page)))
    policy = f"default-src 'none'; script-src {hashes}; style-src {_csp_hash(style)}; base-uri 'none'; form-action 'none'"
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
