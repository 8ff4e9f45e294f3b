"""A fast path for conditions a register runs for every row: the checked tree of a CEL
expression (rules/cel_tree.py) turned into nested Python closures.

Only a small part of CEL is taken, where Python gives the same value and no evaluation can
fail: true/false, whole numbers and text; the facts and content lists; `!`, `&&`, `||` and
`? :`; `==` and `!=`; `<`, `<=`, `>`, `>=` on numbers, text, dates and true/false; `in` a
list; and `threshold()`. For anything else `compile_closure` returns None and the condition
is evaluated by cel-expr-python as ever. The types and overloads are the ones cel-cpp's own
checker chose; tests/test_cel_closures.py holds every closure to cel-expr-python's value
for the golden cases and for every condition of the bundled rules.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping, Sequence

from guidance_builder.rules.cel_tree import CheckedTree, Node

Closure = Callable[[Mapping[str, object]], object]

_COMPARISONS = {"less": operator.lt, "less_equals": operator.le, "greater": operator.gt, "greater_equals": operator.ge}
_COMPARED_TYPES = ("int64", "string", "timestamp", "bool")


class _Unsupported(Exception):
    pass


def compile_closure(
    tree: CheckedTree, facts: Collection[str], constants: Mapping[str, Sequence[str]], threshold: Callable[[str, object], int]
) -> Closure | None:
    """`answers -> value` for the expression, or None if it uses more of CEL than this path takes.

    `answers` holds each fact's Python value as the engine keeps it (a date as a date, several
    choices as a tuple); lists are tuples here, so that they compare as CEL's lists do."""
    try:
        return _Compiler(tree, frozenset(facts), constants, threshold).closure(tree.root)
    except _Unsupported:
        return None


class _Compiler:
    def __init__(
        self, tree: CheckedTree, facts: frozenset[str], constants: Mapping[str, Sequence[str]], threshold: Callable[[str, object], int]
    ):
        self.references = tree.references
        self.facts = facts
        self.constants = constants
        self.threshold = threshold

    def closure(self, node: Node) -> Closure:
        if node.kind == "const":
            if node.name not in ("bool", "int", "string"):
                raise _Unsupported
            value = node.value
            return lambda data: value
        if node.kind == "ident":
            name = self.references.get(node.id, (node.name, ()))[0]
            if name in self.facts:
                return operator.itemgetter(name)
            if name in self.constants:
                values = tuple(self.constants[name])
                return lambda data: values
            raise _Unsupported
        if node.kind == "list":
            elements = [self.closure(element) for element in node.args]
            return lambda data: tuple([element(data) for element in elements])
        if node.kind == "call":
            return self.call(node)
        raise _Unsupported

    def call(self, node: Node) -> Closure:
        overloads = self.references.get(node.id, ("", ()))[1]
        if len(overloads) != 1 or node.method:
            raise _Unsupported
        overload = overloads[0]
        args = [self.closure(arg) for arg in node.args]
        if overload == "logical_not":
            (only,) = args
            return lambda data: not only(data)
        if overload in ("logical_and", "logical_or", "equals", "not_equals", "in_list"):
            left, right = args
            if overload == "logical_and":
                return lambda data: left(data) and right(data)
            if overload == "logical_or":
                return lambda data: left(data) or right(data)
            if overload == "equals":
                return lambda data: left(data) == right(data)
            if overload == "not_equals":
                return lambda data: left(data) != right(data)
            return lambda data: left(data) in right(data)
        if overload == "conditional":
            test, yes, no = args
            return lambda data: yes(data) if test(data) else no(data)
        if overload == "threshold_string_timestamp":
            threshold = self.threshold
            facts = [self.fact(arg) for arg in node.args]
            if all(facts):  # the usual form, read straight from the answers (a register runs it for every row)
                kind_fact, on_fact = facts
                return lambda data: threshold(data[kind_fact], data[on_fact])
            kind, on = args
            return lambda data: threshold(kind(data), on(data))
        name, _, kind = overload.rpartition("_")
        if name in _COMPARISONS and kind in _COMPARED_TYPES:
            compare = _COMPARISONS[name]
            left, right = args
            fact = self.fact(node.args[0])
            if fact is not None:
                return lambda data: compare(data[fact], right(data))
            return lambda data: compare(left(data), right(data))
        raise _Unsupported

    def fact(self, node: Node) -> str | None:
        """The fact a node names, if it is just that."""
        if node.kind != "ident":
            return None
        name = self.references.get(node.id, (node.name, ()))[0]
        return name if name in self.facts else None
