"""Check the facts and every condition against each other, with file:line:column messages.

Runs in the validate stage (so `check` reports it): each CEL expression is type-checked
against the typed facts, and the facts themselves are checked for what the engines and
the checker page rely on (choices where there must be choices, an order the checker can
ask them in, reasons that quote only facts the checker asks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guidance_builder.diagnostics import Diagnostics, Location, did_you_mean
from guidance_builder.model import Rulebook
from guidance_builder.model import content as c
from guidance_builder.rules.cel import ConditionError, RulesEnvironment, Thresholds
from guidance_builder.rules.facts import OPTIONAL_TYPES, constants, expand_facts
from guidance_builder.rules.program import ITEM_KINDS, item_condition

PLACEHOLDER = re.compile(r"\{(fact|not_chosen|threshold):([^{}]*)\}")
THRESHOLD_PARTS = ("amount", "from", "authority_type")
NAME = "Rules"


def check_rules(book: Rulebook, sources, diagnostics: Diagnostics) -> None:
    """Every problem with the facts and conditions, reported where it is written."""
    if not book.facts:
        diagnostics.error(
            sources.location("facts.yaml"),
            "facts.yaml is missing: the rules have no facts to read",
            "add content/facts.yaml listing what an assessment records (see docs/drafting.md)",
        )
        return
    before = len(diagnostics.errors)
    _check_facts(book, sources, diagnostics)
    if len(diagnostics.errors) > before:
        return
    facts = expand_facts(book)
    by_id = {f.id: f for f in facts}
    thresholds = Thresholds({k.id: [(v.from_, v.amount) for v in k.values] for k in book.authority_types})
    env = RulesEnvironment(facts, constants(book), thresholds)
    _check_thresholds(book, sources, diagnostics, by_id)

    def check(source: str, file: str, path: tuple, want_bool: bool = True) -> bool:
        try:
            env.compile(source, want_bool)
        except ConditionError as error:
            for problem in error.problems:
                where = expression_location(sources, file, path, source, problem.line, problem.column)
                diagnostics.error(where, problem.message, problem.hint, check=NAME)
            return False
        return True

    order = {f.id: i for i, f in enumerate(facts)}
    for index, fact in enumerate(book.facts):
        if fact.asked_when and check(fact.asked_when, "facts.yaml", ("facts", index, "asked_when")):
            later = [f for f in env.reads(fact.asked_when) if order[f] >= order.get(fact.id, order.get(f"{fact.id}.", 0))]
            for name in later:
                diagnostics.error(
                    sources.location("facts.yaml", ("facts", index, "asked_when")),
                    f"'{fact.id}' is asked only when a condition on '{name}' holds, but '{name}' is not asked before it",
                    f"move '{fact.id}' after '{name}' in facts.yaml",
                    check=NAME,
                )

    asked_by_conditions: set[str] = set()
    for file, path, _kind, _entry, condition in _conditions(book):
        if condition is None:
            continue
        if check(condition, file, path):
            asked_by_conditions.update(env.reads(condition))
    for fact in facts:
        if fact.asked_when:
            asked_by_conditions.update(env.reads(fact.asked_when))

    for file, path, text, when in _reason_texts(book):
        if when is not None:
            if check(when, file, path + ("when",)):
                _never_asked(env.reads(when), asked_by_conditions, sources, file, path + ("when",), diagnostics)
        for match in PLACEHOLDER.finditer(text):
            kind, name = match.group(1), match.group(2).strip()
            where = sources.location(file, path + (("text",) if when is not None or _is_case(path) else ()))
            if kind == "not_chosen" and name in by_id and by_id[name].type != "choices":
                diagnostics.error(
                    where, f"'{{not_chosen:{name}}}' needs a fact with several choices", "use {fact:...} for this fact", check=NAME
                )
            elif kind in ("fact", "not_chosen"):
                if name not in by_id:
                    diagnostics.error(
                        where,
                        f"the reason quotes '{{fact:{name}}}', which is not a fact",
                        did_you_mean(name, by_id) or "use a fact id from facts.yaml",
                        check=NAME,
                    )
                else:
                    _never_asked((name,), asked_by_conditions, sources, file, path, diagnostics)
            elif name not in THRESHOLD_PARTS:
                diagnostics.error(
                    where,
                    f"'{{threshold:{name}}}' is not a part of the threshold",
                    "write {threshold:amount}, {threshold:from} or {threshold:authority_type}",
                    check=NAME,
                )
            elif book.thresholds_chosen_by is None:
                diagnostics.error(
                    where,
                    "the reason quotes the threshold, but thresholds.yaml does not say which facts choose it",
                    "add 'chosen_by: {type: ..., date: ...}' to thresholds.yaml",
                    check=NAME,
                )


def _is_case(path: tuple) -> bool:
    return bool(path) and isinstance(path[-1], int)


def _never_asked(names, asked: set[str], sources, file: str, path: tuple, diagnostics: Diagnostics) -> None:
    for name in names:
        if name not in asked:
            diagnostics.error(
                sources.location(file, path),
                f"the reason uses '{name}', but no condition reads it, so the checker never asks it",
                "read the fact in the item's condition, or do not use it in the reason",
                check=NAME,
            )


def _conditions(book: Rulebook) -> Iterator[tuple[str, tuple, str, object, str | None]]:
    """(file, yaml path, kind, item, condition) for every item the procedure may ask about."""
    for kind, _noun in ITEM_KINDS:
        file, key = {
            "triggers": ("triggers.yaml", "triggers"),
            "criteria": ("criteria.yaml", "criteria"),
            "exemptions": ("exemptions.yaml", "exemptions"),
            "conditions": ("procedure.yaml", "conditions"),
        }[kind]
        for index, entry in enumerate(book.items(kind)):
            path = (key, index, "applies_when") if kind in ("exemptions", "conditions") else (key, index, "id")
            yield file, path, kind, entry, item_condition(book, kind, entry)


def _reason_texts(book: Rulebook) -> Iterator[tuple[str, tuple, str, str | None]]:
    """(file, yaml path, text, when) of every reason case written in the content."""

    def cases(reasons: c.Reasons | None, file: str, path: tuple):
        if reasons is None:
            return
        for side in ("if_yes", "if_no"):
            given = getattr(reasons, side)
            if isinstance(given, str):
                yield file, path + (side,), given, None
            elif given:
                for index, case in enumerate(given):
                    yield file, path + (side, index), case.text, case.when

    for index, exemption in enumerate(book.exemptions):
        yield from cases(exemption.reasons, "exemptions.yaml", ("exemptions", index, "reasons"))
    for index, condition in enumerate(book.procedure.conditions):
        yield from cases(condition.reasons, "procedure.yaml", ("conditions", index, "reasons"))
    wording = book.procedure.wording
    if wording is not None:
        for noun in ("trigger", "criterion", "exemption", "condition"):
            yield from cases(getattr(wording, noun), "procedure.yaml", ("wording", noun))


def _check_facts(book: Rulebook, sources, diagnostics: Diagnostics) -> None:
    file = "facts.yaml"
    seen: dict[str, int] = {}
    aliases: dict[str, str] = {}
    for index, fact in enumerate(book.facts):
        where = sources.location(file, ("facts", index))
        kind = fact.type
        has_choices = fact.choices is not None
        if kind in ("choice", "choices") and not has_choices:
            diagnostics.error(
                where, f"the {kind} fact '{fact.id}' has no choices", "add 'choices:' (a list of {id, name}, or {from: a list})", check=NAME
            )
        if kind not in ("choice", "choices") and has_choices:
            diagnostics.error(
                sources.location(file, ("facts", index, "choices")),
                f"the {kind} fact '{fact.id}' cannot have choices",
                "remove 'choices', or make it a choice fact",
                check=NAME,
            )
        if fact.optional and kind not in OPTIONAL_TYPES:
            diagnostics.error(
                sources.location(file, ("facts", index, "optional")),
                f"a {kind.replace('_', '/')} fact cannot be optional",
                "only text, choice and choices facts may be left blank; use asked_when to ask it only sometimes",
                check=NAME,
            )
        if fact.for_each is not None and kind != "yes_no":
            diagnostics.error(
                sources.location(file, ("facts", index, "for_each")), "a for_each fact must be yes_no", "write 'type: yes_no'", check=NAME
            )
        if fact.for_each is None and not fact.question:
            diagnostics.error(where, f"the fact '{fact.id}' has no question", "add 'question: ...' (what the checker asks)", check=NAME)
        ids = [fact.id] if fact.for_each is None else [f"{fact.id}.{item.id}" for item in book.items(fact.for_each)]
        for fact_id in ids:
            if fact_id in seen:
                diagnostics.error(where, f"the fact id '{fact_id}' is used twice", "give each fact its own id", check=NAME)
            seen[fact_id] = index
        for alias in fact.also_called:
            if alias in aliases or alias in seen:
                diagnostics.error(
                    sources.location(file, ("facts", index, "also_called")),
                    f"'{alias}' names two facts",
                    "give each fact its own names",
                    check=NAME,
                )
            aliases[alias] = fact.id
        if isinstance(fact.choices, list):
            choice_ids = [choice.id for choice in fact.choices]
            if len(set(choice_ids)) != len(choice_ids):
                diagnostics.error(
                    sources.location(file, ("facts", index, "choices")),
                    f"a choice of '{fact.id}' is listed twice",
                    "list each choice once",
                    check=NAME,
                )
    for fact_id in seen:
        if any(other.startswith(fact_id + ".") for other in seen):
            diagnostics.error(
                sources.item_location(file, "facts", fact_id),
                f"'{fact_id}' is a fact and also holds other facts",
                "rename one of them",
                check=NAME,
            )
    for index, name in enumerate(book.identity):
        if name not in seen:
            diagnostics.error(
                sources.location(file, ("identity", index)),
                f"'{name}' is not a fact",
                did_you_mean(name, seen) or "name facts from the list below",
                check=NAME,
            )
    for kind, _noun in ITEM_KINDS[:2]:
        asked = {ref for step in book.procedure.steps for ref in getattr(step.asks, kind)}
        if asked and item_condition(book, kind, book.items(kind)[0]) is None:
            diagnostics.error(
                sources.location(file, ("facts",)),
                f"no fact records the {kind}, which the procedure asks about",
                f"add a yes_no fact with 'for_each: {kind}', or a choice fact with 'choices: {{from: {kind}}}'",
                check=NAME,
            )
    for index, exemption in enumerate(book.exemptions):
        if not isinstance(exemption.applies_when, str):
            diagnostics.error(
                sources.location("exemptions.yaml", ("exemptions", index, "applies_when")),
                f"the exemption '{exemption.id}' gives 'applies_when' as a mapping",
                "write the condition in CEL over the facts, for example applies_when: \"!relevant_contract\" (the 'kind:' form was retired)",
                check=NAME,
            )


def _check_thresholds(book: Rulebook, sources, diagnostics: Diagnostics, by_id: dict) -> None:
    chosen = book.thresholds_chosen_by
    if chosen is None:
        return
    for part, want in (("type", "choice"), ("date", "date")):
        name = getattr(chosen, part)
        where = sources.location("thresholds.yaml", ("chosen_by", part))
        fact = by_id.get(name)
        if fact is None:
            diagnostics.error(where, f"'{name}' is not a fact", did_you_mean(name, by_id) or "name a fact from facts.yaml", check=NAME)
        elif fact.type != want:
            diagnostics.error(
                where,
                f"'{name}' is a {fact.type} fact, but the threshold's {part} must come from a {want} fact",
                "name another fact",
                check=NAME,
            )
        elif part == "type":
            types = {k.id for k in book.authority_types}
            unknown = sorted(fact.choice_ids - types)
            if unknown:
                diagnostics.error(
                    where, f"'{name}' may be '{unknown[0]}', which has no thresholds", "take its choices from authority_types", check=NAME
                )


_BLOCK = re.compile(r":\s*[>|][+-]?\s*(#.*)?$")


def expression_location(sources, file: str, path: tuple, source: str, line: int, column: int) -> Location:
    """Where character (line, column) of an expression stands in its YAML file."""
    start = sources.location(file, path)
    doc = sources.documents.get(file)
    if doc is None or not start.line:
        return start
    try:
        raw = doc.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return start
    row = start.line - 1
    if row >= len(raw):
        return start
    offset = sum(len(part) + 1 for part in source.split("\n")[: line - 1]) + column - 1
    if row > 0 and _BLOCK.search(raw[row - 1]):
        # A block scalar (> or |): its lines, folded or kept, each as written.
        indent = len(raw[row]) - len(raw[row].lstrip())
        segments = []
        for number in range(row, len(raw)):
            text = raw[number]
            if text.strip() and len(text) - len(text.lstrip()) < indent:
                break
            segments.append((number, len(text) - len(text.lstrip()), text.strip()))
    else:
        first = raw[row][start.column - 1 :]
        skip = 1 if first[:1] in "\"'" else 0
        segments = [(row, start.column - 1 + skip, first[skip:])]
    for number, indent, text in segments:
        if offset <= len(text):
            return Location(start.path, number + 1, indent + offset + 1)
        offset -= len(text) + 1
    return start
