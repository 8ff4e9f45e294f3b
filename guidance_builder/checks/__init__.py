"""Consistency checks between the rules text and the definitions (see `run_checks`)."""

from __future__ import annotations

from guidance_builder.diagnostics import Diagnostic


def run_checks(edition) -> list[Diagnostic]:
    return []
