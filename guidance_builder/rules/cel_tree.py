"""The checked syntax tree of a compiled CEL expression, as cel-cpp's type checker left it.

cel-expr-python's `serialize()` gives a `google.protobuf.Any` holding a `cel.expr.CheckedExpr`
(proto/cel/expr/checked.proto and syntax.proto in google/cel-spec). This module reads the
few fields `rules/cel_closures.py` needs straight from the protobuf wire format, so that no
protobuf runtime has to load for it: the tree, and for each call and name the reference the
checker resolved (a variable's full name, a function's chosen overload).
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Iterator
from dataclasses import dataclass

# Field numbers from cel-spec's proto/cel/expr/syntax.proto and checked.proto.
_ANY_VALUE = 2
_CHECKED_REFERENCES, _CHECKED_EXPR = 2, 4
_MAP_KEY, _MAP_VALUE = 1, 2
_REFERENCE_NAME, _REFERENCE_OVERLOADS = 1, 3
_EXPR_ID = 2
_EXPR_KINDS = {3: "const", 4: "ident", 5: "select", 6: "call", 7: "list", 8: "struct", 9: "comprehension"}
_CALL_TARGET, _CALL_FUNCTION, _CALL_ARGS = 1, 2, 3
_LIST_ELEMENTS = 1
_SELECT_OPERAND, _SELECT_FIELD = 1, 2
_COMPREHENSION_VARIABLES = (1, 3, 8)  # iter_var, accu_var, iter_var2
_COMPREHENSION_PARTS = (2, 4, 5, 6, 7)  # iter_range, accu_init, loop_condition, loop_step, result
_CONSTANT_KINDS = {1: "null", 2: "bool", 3: "int", 4: "uint", 5: "double", 6: "string", 7: "bytes", 8: "duration", 9: "timestamp"}


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    kind: str
    """'const', 'ident', 'select', 'call', 'list', 'struct' or 'comprehension'."""
    name: str = ""
    """An ident's name, a call's function, a select's field, a constant's type."""
    value: object = None
    """A constant's value."""
    args: tuple[Node, ...] = ()
    """A call's arguments (its target first, for a method call), a list's elements, a select's operand."""
    method: bool = False
    """A call written as a method (`list.size()`), with its target first in `args`."""


@dataclass(frozen=True, slots=True)
class CheckedTree:
    root: Node
    references: dict[int, tuple[str, tuple[str, ...]]]
    """Node id -> (the name the checker resolved, the overloads it chose)."""


def read_checked(serialized: bytes) -> CheckedTree:
    """The tree in `compiled.serialize()`; ValueError if the bytes are not what they should be."""
    any_value = _only(serialized, _ANY_VALUE)
    references: dict[int, tuple[str, tuple[str, ...]]] = {}
    root = None
    for number, value in _fields(any_value):
        if number == _CHECKED_REFERENCES:
            entry = dict(_fields(value))
            references[_int64(entry.get(_MAP_KEY, 0))] = _reference(entry.get(_MAP_VALUE, b""))
        elif number == _CHECKED_EXPR:
            root = _node(value)
    if root is None:
        raise ValueError("no expression in the checked tree")
    return CheckedTree(root, references)


def _reference(data: bytes) -> tuple[str, tuple[str, ...]]:
    name, overloads = "", []
    for number, value in _fields(data):
        if number == _REFERENCE_NAME:
            name = value.decode("utf-8")
        elif number == _REFERENCE_OVERLOADS:
            overloads.append(value.decode("utf-8"))
    return name, tuple(overloads)


def _node(data: bytes) -> Node:
    node_id, kind, body = 0, "", b""
    for number, value in _fields(data):
        if number == _EXPR_ID:
            node_id = _int64(value)
        elif number in _EXPR_KINDS:
            kind, body = _EXPR_KINDS[number], value
    if kind == "const":
        return _constant(node_id, body)
    if kind == "ident":
        return Node(node_id, kind, name=_only(body, 1).decode("utf-8"))
    if kind == "call":
        target, function, args = None, "", []
        for number, value in _fields(body):
            if number == _CALL_TARGET:
                target = _node(value)
            elif number == _CALL_FUNCTION:
                function = value.decode("utf-8")
            elif number == _CALL_ARGS:
                args.append(_node(value))
        return Node(node_id, kind, name=function, args=tuple(([target] if target else []) + args), method=target is not None)
    if kind == "list":
        return Node(node_id, kind, args=tuple(_node(value) for number, value in _fields(body) if number == _LIST_ELEMENTS))
    if kind == "select":
        fields = dict(_fields(body))
        operand = fields.get(_SELECT_OPERAND)
        return Node(node_id, kind, name=fields.get(_SELECT_FIELD, b"").decode("utf-8"), args=(_node(operand),) if operand else ())
    if kind == "comprehension":
        fields = list(_fields(body))
        variables = " ".join(value.decode("utf-8") for number, value in fields if number in _COMPREHENSION_VARIABLES)
        return Node(node_id, kind, name=variables, args=tuple(_node(value) for number, value in fields if number in _COMPREHENSION_PARTS))
    return Node(node_id, kind or "unknown")


def blank_tested(tree: CheckedTree, facts: Collection[str]) -> frozenset[str]:
    """The facts the expression reads only to ask whether they are blank: wherever it names
    one, it is `fact == ""` or `fact != ""` (either way round). Of a tree with a part not read
    here, none."""
    tested: set[int] = set()
    uses: dict[str, list[int]] = {}

    def fact(node: Node) -> str | None:
        if node.kind not in ("ident", "select"):
            return None
        name = tree.references.get(node.id, (node.name if node.kind == "ident" else "", ()))[0]
        return name if name in facts else None

    def visit(node: Node) -> None:
        if node.kind not in ("const", "ident", "select", "call", "list", "comprehension"):
            raise ValueError(f"a part not read here: {node.kind}")
        name = fact(node)
        if name is not None:
            uses.setdefault(name, []).append(node.id)
            return
        if node.kind == "call" and len(node.args) == 2 and tree.references.get(node.id, ("", ()))[1] in (("equals",), ("not_equals",)):
            for one, other in (node.args, node.args[::-1]):
                if fact(one) is not None and other.kind == "const" and other.name == "string" and other.value == "":
                    tested.add(one.id)
        for arg in node.args:
            visit(arg)

    try:
        visit(tree.root)
    except ValueError:
        return frozenset()
    return frozenset(name for name, ids in uses.items() if all(node_id in tested for node_id in ids))


def _constant(node_id: int, data: bytes) -> Node:
    for number, value in _fields(data):
        kind = _CONSTANT_KINDS.get(number, "unknown")
        if kind == "bool":
            return Node(node_id, "const", kind, bool(value))
        if kind == "int":
            return Node(node_id, "const", kind, _int64(value))
        if kind == "string":
            return Node(node_id, "const", kind, value.decode("utf-8"))
        if kind == "double":
            return Node(node_id, "const", kind, struct.unpack("<d", value)[0])
        return Node(node_id, "const", kind, value)
    return Node(node_id, "const", "unknown")


def _only(data: bytes, wanted: int) -> bytes:
    for number, value in _fields(data):
        if number == wanted:
            return value
    raise ValueError(f"field {wanted} is missing")


def _fields(data: bytes) -> Iterator[tuple[int, object]]:
    """(field number, value) for each field: an int for varints, bytes for the rest."""
    position, end = 0, len(data)
    while position < end:
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 1:
            value, position = data[position : position + 8], position + 8
        elif wire == 2:
            length, position = _varint(data, position)
            value, position = data[position : position + length], position + length
        elif wire == 5:
            value, position = data[position : position + 4], position + 4
        else:
            raise ValueError(f"wire type {wire} is not read here")
        if position > end:
            raise ValueError("the data ends inside a field")
        yield number, value


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data):
            raise ValueError("the data ends inside a number")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _int64(value: object) -> int:
    number = int(value) if isinstance(value, int) else 0
    return number - (1 << 64) if number >= 1 << 63 else number
