"""Check every helper use, in the section Markdown and in YAML text fields."""

from __future__ import annotations

from collections.abc import Iterable

from guidance_builder.diagnostics import Diagnostics, Location, did_you_mean
from guidance_builder.markdown.helpers import HELPER_KINDS
from guidance_builder.markdown.parser import HelperUse, helper_uses, parse_inline
from guidance_builder.model import Rulebook
from guidance_builder.resolve.values import format_date, lookup_value, value_paths
from guidance_builder.structure import GuidanceDocument
from guidance_builder.validate import LIST_FILES, SourceMap

LIST_JOINERS = ("and", "or")


def yaml_text_uses(book: Rulebook, sources: SourceMap) -> Iterable[tuple[Location, HelperUse]]:
    for file, path, text in book.walk_texts():
        where = sources.location(file, path)
        for use in helper_uses(parse_inline(text, where.line)):
            yield Location(where.path, use.line, 0), use


def section_uses(document: GuidanceDocument) -> Iterable[tuple[Location, HelperUse]]:
    for section in document.sections:
        for use in helper_uses(section.tokens):
            yield Location(section.display, use.line), use


def check_references(book: Rulebook, document: GuidanceDocument, sources: SourceMap, diagnostics: Diagnostics) -> None:
    uses = list(section_uses(document)) + list(yaml_text_uses(book, sources))
    definitions = {d.id: d for d in book.definitions}
    assumptions = {a.id for a in book.assumptions}
    anchors = document.anchors
    for where, use in uses:
        if use.kind == "insert":
            if not where.path.endswith(".md"):
                diagnostics.error(where, "{insert:...} can only be used in section Markdown", "remove it from the YAML text")
            elif not use.block:
                diagnostics.error(where, f"'{use.source}' must stand alone as its own paragraph", "put a blank line before and after it")
            continue
        _check_use(book, where, use, definitions, assumptions, anchors, diagnostics)
    if any(use.kind == "term" for _, use in uses) and "definition." + book.definitions[0].id not in anchors:
        diagnostics.error(
            sources.location("guidance.yaml", ("sections",)),
            "defined terms link to the definitions, but no section inserts them",
            "add {insert:definitions} to the definitions annex",
        )


def _check_use(book, where, use: HelperUse, definitions, assumptions, anchors, diagnostics: Diagnostics) -> None:
    kind, arg = use.kind, use.arg
    if kind not in HELPER_KINDS:
        diagnostics.error(where, f"unknown helper '{{{kind}:...}}' in '{use.source}'", did_you_mean(kind, HELPER_KINDS))
    elif kind == "term":
        definition = definitions.get(arg)
        if definition is None:
            diagnostics.error(
                where,
                f"'{use.source}' refers to a term that is not defined",
                did_you_mean(arg, definitions) or "add it to definitions.yaml",
            )
        elif use.display is not None:
            forms = [definition.term, *definition.forms]
            if use.display.lower() not in {f.lower() for f in forms}:
                diagnostics.error(
                    where,
                    f"'{use.display}' is not a recorded form of the term '{definition.term}'",
                    f"use one of: {', '.join(forms)}; or add it to 'forms' in definitions.yaml",
                )
    elif kind in ("ref", "name"):
        if arg not in anchors:
            diagnostics.error(where, f"'{use.source}' points at nothing in the guidance", anchors.hint(arg))
    elif kind == "value":
        if lookup_value(book, arg) is None and arg in value_paths(book):
            _no_value_in_force(book, where, use, diagnostics)
        elif lookup_value(book, arg) is None:
            diagnostics.error(where, f"'{use.source}' names no value", did_you_mean(arg, value_paths(book)))
    elif kind in ("count", "Count", "list"):
        if arg not in LIST_FILES:
            diagnostics.error(where, f"'{use.source}' names no kind of item", did_you_mean(arg, LIST_FILES))
        elif kind == "list" and use.display is not None and use.display not in LIST_JOINERS:
            diagnostics.error(
                where, f"'{use.source}': a list is joined with 'and' or 'or', not '{use.display}'", "write {list:KIND} or {list:KIND|or}"
            )
    elif kind == "assumption":
        if arg not in assumptions:
            diagnostics.error(where, f"'{use.source}' names no assumption", did_you_mean(arg, assumptions) or "add it to assumptions.yaml")
        elif f"assumption.{arg}" not in anchors:
            diagnostics.error(
                where, "assumption markers link to the assumptions annex, but no section inserts it", "add {insert:assumptions} to an annex"
            )


def _no_value_in_force(book: Rulebook, where: Location, use: HelperUse, diagnostics: Diagnostics) -> None:
    """A threshold that exists but starts after the edition's effective date: the path is right, the dates are not."""
    name = use.arg.partition(".")[2]
    effective = book.meta.effective_date
    starts = [v.from_ for kind in book.authority_types if kind.id == name for v in kind.values]
    first = f"its first value takes effect on {format_date(min(starts))}; " if starts else ""
    diagnostics.error(
        where,
        f"'{use.source}' has no value in force on the edition's effective date, {format_date(effective)}",
        f"{first}add a value for '{name}' in thresholds.yaml from {effective.isoformat()} or earlier",
    )
