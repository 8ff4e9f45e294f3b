"""The model contract: its YAML is valid, every cross-reference ({clause:ID}, {field:NAME},
{assumption:ID}) resolves, and every optional clause or schedule is chosen by a yes/no field.

Loads the contract once per edition (the build's output makers reuse the same load).
"""

from __future__ import annotations

from guidance_builder.contract.document import contract_for
from guidance_builder.diagnostics import Diagnostics


def run(edition, diagnostics: Diagnostics) -> None:
    contract_for(edition, diagnostics)
