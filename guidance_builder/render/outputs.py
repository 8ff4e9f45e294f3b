"""The outputs of one edition. Each maker returns {path under build/site: bytes}.

Add a new document by writing a maker and listing it in OUTPUTS.
"""

from __future__ import annotations

from guidance_builder.checks.rendered import WEB_ASSETS
from guidance_builder.contract.outputs import contract_outputs, record_outputs
from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.engine.checker import checker_outputs
from guidance_builder.render.addresses import ASSET_PREFIX
from guidance_builder.render.context import RenderContext

FRONTEND_FILES = ("govuk-frontend.css", "govuk-frontend.min.js")
"""GOV.UK Frontend's styles (compiled with the system font stack) and script, from scripts/setup."""


def guidance_outputs(context: RenderContext) -> dict[str, bytes]:
    files = {f"{context.version}/guidance.html": context.guidance.page(print_mode=False, asset_base=WEB_ASSETS).encode()}
    if context.with_pdf:
        html = context.guidance.page(print_mode=True, asset_base=ASSET_PREFIX)
        files[f"{context.version}/guidance.pdf"] = context.pdf(html, "guidance.pdf", "guidance.html")
    return files


def rules_outputs(context: RenderContext) -> dict[str, bytes]:
    return {f"{context.version}/rules.json": context.edition.rules_json().encode()}


def asset_outputs(context: RenderContext) -> dict[str, bytes]:
    """The stylesheets and script every edition's pages share (print-only ones stay with the PDFs)."""
    project = context.edition.project
    files = {f"assets/{path.name}": path.read_bytes() for path in sorted(project.assets.glob("*.css")) if "print" not in path.name}
    if (project.assets / "init.js").is_file():
        files["assets/init.js"] = (project.assets / "init.js").read_bytes()
    for name in FRONTEND_FILES:
        frontend = project.frontend / name
        if not frontend.is_file():
            where = Location(project.display(frontend))
            raise ContentError(
                [Diagnostic(where, "GOV.UK Frontend has not been set up", "run scripts/setup, which installs it and compiles its styles")]
            )
        files[f"assets/{name}"] = frontend.read_bytes()
    return files


OUTPUTS = [guidance_outputs, rules_outputs, asset_outputs, contract_outputs, record_outputs, checker_outputs]
