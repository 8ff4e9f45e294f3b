"""Consistency checks between the rules text and the definitions.

Each check is a small named module with `run(edition, diagnostics)`, in the order
listed in CHECKS, like markdown-it's rule modules. `guidance-builder check` runs them
all and reports every problem; `build` runs them first and refuses to publish on any.
"""

from __future__ import annotations

import importlib

from guidance_builder.diagnostics import Diagnostic, Diagnostics

CHECKS = [
    # Check 1, references resolve, runs earlier, in resolve/references.py: nothing can be
    # numbered or rendered until every helper points at something.
    "coverage",  # 2. every rule item shown at its anchor, in its words; no unused definition
    "hand_typed_facts",  # 3. no figure, date, number or count typed by hand
    "procedure_agreement",  # 4. steps and diagram give the procedure's outcome on every path
    "defined_terms",  # 5. defined terms linked on first use, in recorded forms
    "must_and_should",  # 6. 'must' only in duty paragraphs
    "one_version",  # 7. one version, status and date on every output
    "publishable",  # 8. a final edition has no drafting markers or assumptions
    "contract_references",  # the model contract is valid and every cross-reference in it resolves
    "same_definitions",  # a term defined in both the guidance and the contract has one set of words
    "safe_markup",  # no raw HTML, images or unsafe links in any content text
]
"""Module names under guidance_builder.checks, run in this order."""


def run_checks(edition) -> list[Diagnostic]:
    diagnostics = Diagnostics()
    for name in CHECKS:
        module = importlib.import_module(f"guidance_builder.checks.{name}")
        module.run(edition, diagnostics)
    return diagnostics.items
