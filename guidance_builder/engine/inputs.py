"""Read one contract from YAML (or JSON), check it against the facts, and point at any mistake.

The keys are the facts' dotted ids written as nested keys (`authority.type` is `type:`
under `authority:`); a fact's older names (`also_called`) are accepted too. Every
problem is one line with file:line:column, from the positions the YAML loader keeps.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from guidance_builder.diagnostics import ContentError, Diagnostics, describe_value, did_you_mean
from guidance_builder.engine.rules import Engine
from guidance_builder.loading.yaml_source import YamlDocument, load_yaml, parse_yaml
from guidance_builder.rules.facts import FactSpec
from guidance_builder.rules.values import Problem, read_value

MISSING = object()


class ContractReader:
    """Checks contracts for one rulebook; build it once and reuse it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.facts = engine.facts
        self.by_id = {f.id: f for f in self.facts}
        self.aliases = {alias: f.id for f in self.facts for alias in f.also_called}
        # Every prefix of a dotted id is a group of keys: 'good_reason' holds ground, evidence, ...
        self.groups = {".".join(f.id.split(".")[:n]) for f in self.facts for n in range(1, f.id.count(".") + 1)}

    def read_file(self, path: Path, display: str) -> dict[str, object]:
        diagnostics = Diagnostics()
        doc = load_yaml(path, display, diagnostics)
        return self._finish(doc, diagnostics)

    def read_text(self, text: str, display: str = "contract.yaml") -> dict[str, object]:
        diagnostics = Diagnostics()
        doc = parse_yaml(text, Path(display), display, diagnostics)
        return self._finish(doc, diagnostics)

    def _finish(self, doc: YamlDocument | None, diagnostics: Diagnostics) -> dict[str, object]:
        answers = self.validate(doc, diagnostics) if doc is not None else None
        if answers is None or diagnostics:
            raise ContentError(diagnostics.sorted())
        return answers

    def validate(self, doc: YamlDocument, diagnostics: Diagnostics) -> dict[str, object] | None:
        data = doc.data
        if data == {} or data is None:
            diagnostics.error(doc.location(()), "the contract file is empty", "see docs/assess.md for the keys a contract needs")
            return None
        if not isinstance(data, dict):
            diagnostics.error(
                doc.location(()), "the contract should be a set of keys and values", "write 'reference: ...', 'title: ...' and so on"
            )
            return None
        given: dict[str, tuple[object, tuple]] = {}
        explained: set[str] = set()
        self._collect(data, (), doc, diagnostics, given, explained)
        answers: dict[str, object] = {}
        for fact in self.facts:
            value, path = given.get(fact.id, (MISSING, None))
            if value is MISSING:
                if fact.optional or fact.asked_when:
                    answers[fact.id] = fact.blank
                elif fact.id not in explained:
                    self._missing(fact, doc, diagnostics)
                continue
            read = read_value(fact, value)
            if isinstance(read, Problem):
                where = path + (read.index,) if read.index is not None and isinstance(value, list) else path
                diagnostics.error(doc.location(where), read.message, read.hint)
            else:
                answers[fact.id] = read
        if diagnostics:
            return None
        for fact_id in self.engine.unasked(answers):
            fact = self.by_id[fact_id]
            if answers[fact_id] != fact.blank:
                diagnostics.error(
                    doc.location(given[fact_id][1]),
                    f"'{fact_id}' is given, but it is asked only when {fact.asked_when}",
                    "answer the fact it depends on, or leave this one out",
                )
            answers[fact_id] = fact.blank
        self._check_threshold(answers, given, doc, diagnostics)
        return None if diagnostics else answers

    def _collect(self, data: dict, prefix: tuple, doc: YamlDocument, diagnostics: Diagnostics, given: dict, explained: set) -> None:
        """Each given fact's value and path; an unknown key is reported, and a missing fact it
        looks like a misspelling of is marked explained (reported once, not twice)."""
        for raw_key, value in data.items():
            key = str(raw_key)
            path = prefix + (raw_key,)
            dotted = ".".join(str(p) for p in path)
            fact_id = dotted if dotted in self.by_id else (self.aliases.get(dotted) if not prefix else None)
            if fact_id is not None:
                given[fact_id] = (value, path)
            elif dotted in self.groups:
                if value is None:
                    continue  # an empty group: each fact in it is missing (fine where optional)
                if not isinstance(value, dict):
                    explained.update(f.id for f in self.facts if f.id.startswith(dotted + "."))
                    diagnostics.error(
                        doc.location(path),
                        f"'{dotted}' should be a set of keys and values, not {describe_value(value)}",
                        "indent 'key: value' lines under it",
                    )
                    continue
                self._collect(value, path, doc, diagnostics, given, explained)
            else:
                siblings = self._children(".".join(str(p) for p in prefix))
                noun = self._noun(prefix)
                hint = did_you_mean(key, siblings)
                close = difflib.get_close_matches(key, siblings, n=1, cutoff=0.6)
                if close:
                    explained.add(".".join([*map(str, prefix), close[0]]))
                diagnostics.error(
                    doc.location(path),
                    f"unknown {noun} '{_short(key)}'",
                    hint or "remove it; see docs/assess.md for the keys a contract may have",
                )

    def _children(self, prefix: str) -> list[str]:
        """The keys that may stand under `prefix` ('' for the top level)."""
        names = set()
        for fact in self.facts:
            if prefix and not fact.id.startswith(prefix + "."):
                continue
            rest = fact.id[len(prefix) + 1 :] if prefix else fact.id
            names.add(rest.split(".", 1)[0])
        if not prefix:
            names.update(self.aliases)
        return sorted(names)

    def _noun(self, prefix: tuple) -> str:
        inside = [f for f in self.facts if prefix and f.id.startswith(".".join(map(str, prefix)) + ".")]
        nouns = {f.noun for f in inside if f.noun}
        if len(nouns) == 1 and all(f.id.count(".") == len(prefix) and f.noun for f in inside):
            return nouns.pop()
        return f"{'.'.join(map(str, prefix))} key" if prefix else "key"

    def _missing(self, fact: FactSpec, doc: YamlDocument, diagnostics: Diagnostics) -> None:
        parts = fact.id.split(".")
        parent = tuple(parts[:-1])
        noun = self._noun(parent) if parent else "key"
        noun = noun if not noun.endswith(" key") else "key"
        where = doc.location(parent) if parent else doc.location(())
        diagnostics.error(
            where, f"missing required {noun} '{parts[-1]}'", f"add '{parts[-1]}: ...'" + (f" under {'.'.join(parent)}" if parent else "")
        )

    def _check_threshold(self, answers: dict, given: dict, doc: YamlDocument, diagnostics: Diagnostics) -> None:
        spec = self.engine.program.thresholds
        if spec.type_fact is None or spec.date_fact is None:
            return
        kind, on = answers.get(spec.type_fact), answers.get(spec.date_fact)
        if kind is None or on is None or self.engine.threshold_for(kind, on) is not None:
            return
        message, hint = threshold_problem(self.engine, kind, on)
        diagnostics.error(doc.location(given.get(spec.date_fact, (None, ()))[1]), message, hint)


def threshold_problem(engine: Engine, kind: str, on) -> tuple[str, str]:
    dated = engine.program.thresholds.values.get(kind, ())
    if not dated:
        return (
            f"no threshold is set for {kind}",
            f"add values for it to thresholds.yaml, or choose another {engine.program.thresholds.type_fact}",
        )
    return (
        f"no threshold is in force for {kind} on {on.isoformat()}",
        f"the guidance's thresholds start on {dated[0][0].isoformat()}; check the date",
    )


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
