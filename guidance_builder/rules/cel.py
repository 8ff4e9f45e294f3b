"""Conditions in CEL (Common Expression Language), compiled and run by Google's cel-expr-python.

Every fact is a typed CEL variable named by its dotted id (`authority.type`, a qualified
name CEL resolves to the declared variable); money and whole numbers are `int`, dates
are UTC-midnight timestamps. Each content list is a `list<string>` constant, and
`threshold(type, date)` returns the dated value in force (or -1). The checker page
declares the same with @marcbachmann/cel-js; tests/cel/golden.json holds both to it.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cel_expr_python import cel

from guidance_builder.diagnostics import did_you_mean
from guidance_builder.rules.facts import FactSpec

_TYPES = {
    "bool": cel.Type.BOOL,
    "int": cel.Type.INT,
    "string": cel.Type.STRING,
    "timestamp": cel.Type.TIMESTAMP,
    "list<string>": cel.Type.List(cel.Type.STRING),
}
_ERROR = re.compile(r"ERROR: <input>:(\d+):(\d+): (.*?)(?=\n|$)")
_UNDECLARED = re.compile(r"undeclared reference to '([^']+)'")
_OVERLOAD = re.compile(r"found no matching overload for '([^']+)' applied to '\((.*)\)'")
_OPERATORS = {
    "_<_": "<",
    "_<=_": "<=",
    "_>_": ">",
    "_>=_": ">=",
    "_==_": "==",
    "_!=_": "!=",
    "@in": "in",
    "_+_": "+",
    "_-_": "-",
    "_*_": "*",
    "_/_": "/",
    "_&&_": "&&",
    "_||_": "||",
    "!_": "!",
}
_WORDS = {"int": "a whole number", "string": "text", "bool": "true or false", "google.protobuf.Timestamp": "a date", "timestamp": "a date"}
UTC = datetime.UTC


@dataclass(frozen=True)
class ConditionProblem:
    message: str
    hint: str
    line: int
    column: int
    """1-based, within the expression."""


class ConditionError(Exception):
    def __init__(self, problems: list[ConditionProblem]):
        super().__init__(problems[0].message)
        self.problems = problems


def timestamp(value: datetime.date) -> datetime.datetime:
    return datetime.datetime(value.year, value.month, value.day, tzinfo=UTC)


class Thresholds:
    """Dated values by authority type, as `threshold(type, date)` reads them."""

    def __init__(self, values: Mapping[str, Sequence[tuple[datetime.date, int]]]):
        self._dates = {kind: [d for d, _ in sorted(dated)] for kind, dated in values.items()}
        self._amounts = {kind: [a for _, a in sorted(dated)] for kind, dated in values.items()}
        self._found: dict[tuple, int] = {}
        self._called: dict[tuple, int] = {}

    def index(self, kind: str, on: datetime.date) -> int:
        """The position of the value in force, or -1."""
        key = (kind, on)
        found = self._found.get(key)
        if found is None:
            dates = self._dates.get(kind)
            found = bisect.bisect_right(dates, on) - 1 if dates else -1
            if len(self._found) >= 10_000:  # a register asks about the same few dates again and again
                self._found.clear()
            self._found[key] = found
        return found

    def amount(self, kind: str, on: datetime.date) -> int:
        position = self.index(kind, on)
        return self._amounts[kind][position] if position >= 0 else -1

    def call(self, kind: str, on: datetime.date) -> int:
        """`threshold(type, date)`; CEL gives the date as a UTC datetime, the register's closures as a date."""
        found = self._called.get((kind, on))
        if found is None:
            if len(self._called) >= 10_000:
                self._called.clear()
            found = self._called[kind, on] = self.amount(kind, on.date() if on.__class__ is datetime.datetime else on)
        return found


class RulesEnvironment:
    """The typed CEL environment of one rulebook's facts."""

    def __init__(self, facts: Sequence[FactSpec], constants: Mapping[str, Sequence[str]], thresholds: Thresholds):
        self.facts = {f.id: f for f in facts}
        self.constants = {name: list(values) for name, values in constants.items() if name not in self.facts}
        self.thresholds = thresholds
        self._escaped: BaseException | None = None
        variables = {f.id: _TYPES[f.cel_type] for f in facts}
        variables.update({name: _TYPES["list<string>"] for name in self.constants})
        declaration = cel.FunctionDecl(
            "threshold",
            [cel.Overload("threshold_string_timestamp", cel.Type.INT, [cel.Type.STRING, cel.Type.TIMESTAMP], impl=self._threshold)],
        )
        self._env = cel.NewEnv(variables=variables, functions=[declaration])
        self._bare = cel.NewEnv(functions=[declaration])
        self._reads: dict[str, tuple[str, ...]] = {}
        self._trees: dict[str, object] = {}

    def compile(self, source: str, want_bool: bool = True):
        """The checked expression; a ConditionError names every problem with its position."""
        try:
            compiled = self._env.compile(source)
        except RuntimeError as error:
            raise ConditionError(self._explain(str(error), source)) from None
        if want_bool and compiled.return_type() != cel.Type.BOOL:
            kind = _WORDS.get(compiled.return_type().name().lower(), compiled.return_type().name())
            raise ConditionError(
                [ConditionProblem(f"the condition gives {kind}, not true or false", "compare it, for example value_gbp > 0", 1, 1)]
            )
        self._check_choices(source)
        return compiled

    def reads(self, source: str) -> tuple[str, ...]:
        """The facts an expression names, in facts order (CEL lists every undeclared name it meets)."""
        found = self._reads.get(source)
        if found is None:
            names = self._names(source)
            found = self._reads[source] = tuple(f for f in self.facts if f in names)
        return found

    def constants_read(self, source: str) -> dict[str, list[str]]:
        """The content lists an expression names, with their values."""
        names = self._names(source)
        return {name: values for name, values in self.constants.items() if name in names}

    def _names(self, source: str) -> set[str]:
        try:
            self._bare.compile(source)
        except RuntimeError as error:
            return {m.group(1) for m in _UNDECLARED.finditer(str(error))}
        return set()

    def run(self, compiled, data: dict, arena=None) -> object:
        """Evaluate with plain data: {fact id: its CEL value} (see `cel_value`) and the lists it reads.

        `arena`, from `cel.Arena()`, holds the evaluation's values; one arena may serve many."""
        result = compiled.eval(data=data, arena=arena) if arena is not None else compiled.eval(data=data)
        if result.type() == cel.Type.ERROR:
            escaped, self._escaped = self._escaped, None
            if escaped is not None:
                raise escaped
            raise ValueError(str(result.value()))
        return result.plain_value()

    def closure(self, source: str) -> Callable[[Mapping[str, object]], object] | None:
        """A Python closure that gives what the compiled expression gives, from the facts'
        Python values (not their CEL values), where the expression keeps to the part of CEL
        rules/cel_closures.py takes; else None."""
        from guidance_builder.rules.cel_closures import compile_closure

        tree = self.checked_tree(source)
        return compile_closure(tree, self.facts, self.constants, self.thresholds.call) if tree is not None else None

    def blank_tested(self, source: str) -> frozenset[str]:
        """The facts the expression reads only to ask whether they are blank (see `cel_tree.blank_tested`)."""
        from guidance_builder.rules.cel_tree import blank_tested

        tree = self.checked_tree(source)
        return blank_tested(tree, self.facts) if tree is not None else frozenset()

    def checked_tree(self, source: str):
        """cel-cpp's checked syntax tree of the expression (rules/cel_tree.py), read once; None if it does not compile."""
        from guidance_builder.rules.cel_tree import read_checked

        if source not in self._trees:
            try:
                self._trees[source] = read_checked(self.compile(source, want_bool=False).serialize())
            except (ConditionError, ValueError):
                self._trees[source] = None
        return self._trees[source]

    def _threshold(self, kind: str, on: datetime.datetime) -> int:
        # cel-expr-python turns anything a Python function raises into a CEL error value,
        # Ctrl-C and SIGTERM included ("ABORTED"); keep it, so `run` raises it again.
        try:
            return self.thresholds.call(kind, on)
        except BaseException as error:
            self._escaped = error
            raise

    # Messages ---------------------------------------------------------------------

    def _explain(self, message: str, source: str) -> list[ConditionProblem]:
        problems = []
        for match in _ERROR.finditer(message):
            line, column, text = int(match.group(1)), int(match.group(2)), match.group(3)
            problems.append(self._problem(text, line, column, source))
        return problems or [ConditionProblem(message.splitlines()[0], "check the condition", 1, 1)]

    def _problem(self, text: str, line: int, column: int, source: str) -> ConditionProblem:
        undeclared = _UNDECLARED.search(text)
        if undeclared:
            name = undeclared.group(1)
            # CEL points at the last part of a dotted name; point at its start.
            start = _start_of(source, line, name)
            if start:
                line, column = start
            known = [*self.facts, *self.constants, "threshold"]
            return ConditionProblem(
                f"unknown fact '{name}'", did_you_mean(name, known) or "facts are listed in facts.yaml; use a fact's id", line, column
            )
        overload = _OVERLOAD.search(text)
        if overload:
            operator = _OPERATORS.get(overload.group(1), overload.group(1))
            kinds = [_WORDS.get(part.strip(), part.strip()) for part in overload.group(2).split(",")]
            if operator in ("<", "<=", ">", ">=", "==", "!=", "in") and len(kinds) == 2:
                message = f"'{operator}' cannot compare {kinds[0]} with {kinds[1]}"
            else:
                message = f"'{operator}' cannot be used with {' and '.join(kinds)}"
            return ConditionProblem(
                message,
                'compare a fact with a value of its own type: money with 250000, a choice with "its_id", a date with a date',
                line,
                column,
            )
        if text.startswith("Syntax error"):
            return ConditionProblem(
                "the condition is not valid CEL: " + text.removeprefix("Syntax error: "),
                "check the brackets, the quotes and the operators (&&, ||, !, ==, <)",
                line,
                column,
            )
        return ConditionProblem(text, "check the condition", line, column)

    def _check_choices(self, source: str) -> None:
        """A quoted value compared with a choice fact must be one of its choices (CEL cannot know)."""
        read = [self.facts[f] for f in self.reads(source)]
        if any(f.type == "text" for f in read):
            return
        choices = {c for f in read if f.type in ("choice", "choices") for c in f.choice_ids}
        if not choices:
            return
        problems = []
        for match in _STRING.finditer(source):
            value = match.group(2)
            if value and value not in choices:
                line, column = _position(source, match.start())
                names = " or ".join(f"'{f.id}'" for f in read if f.type in ("choice", "choices"))
                problems.append(
                    ConditionProblem(
                        f'"{value}" is not a choice of {names}', did_you_mean(value, choices) or "use one of its choice ids", line, column
                    )
                )
        if problems:
            raise ConditionError(problems)


_STRING = re.compile(r"(['\"])((?:\\.|(?!\1).)*)\1")


def _position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _start_of(source: str, line: int, name: str) -> tuple[int, int] | None:
    """Where a (dotted) name first stands in the expression."""
    found = re.search(r"(?<![\w.])" + re.escape(name) + r"(?![\w])", source)
    return _position(source, found.start()) if found else None


def _cel_value(value: object) -> object:
    if isinstance(value, datetime.date):
        return timestamp(value)
    if isinstance(value, tuple):
        return list(value)
    return value


cel_value = _cel_value
"""A fact's value as CEL takes it: a date as a UTC-midnight timestamp, choices as a list."""
