"""The structured difference between two editions' rules, for change notes and `diff`.

Compares rule facts only (not prose, not metadata such as version and dates): items
added, removed or changed by id, threshold values by authority type and date, the
procedure's steps, and the model contract's clauses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from guidance_builder.model import Rulebook
from guidance_builder.resolve.values import format_date, format_money

Action = Literal["added", "removed", "changed"]

KINDS = [
    ("triggers", "trigger", "trigger"),
    ("criteria", "criterion", "criterion"),
    ("exemptions", "exemption", "exemption"),
    ("grounds", "ground", "good-reason ground"),
    ("support_measures", "support", "support measure"),
    ("definitions", "definition", "definition"),
    ("steps", "step", "procedure step"),
    ("outcomes", "outcome", "outcome"),
    ("assumptions", "assumption", "drafting assumption"),
]


@dataclass(frozen=True)
class Change:
    kind: str
    """What changed, in words: 'definition', 'threshold', 'clause'..."""
    item: str
    action: Action
    detail: str
    anchor: str | None
    """Anchor key in the newer edition ('definition.relevant_contract'), if it is still there."""
    name: str = ""
    """The item's own name, as a reader knows it ('Significant contact with at-risk people'), not its id."""
    fields: tuple[str, ...] = ()
    """For a change: what changed, in words ('examples', 'how it is tested')."""

    def line(self) -> str:
        return f"{self.action:<8} {self.kind:<20} {self.item:<26} {self.detail}"

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "item": self.item,
            "name": self.name,
            "action": self.action,
            "detail": self.detail,
            "anchor": self.anchor,
        }


def diff_rulebooks(
    old: Rulebook, new: Rulebook, old_clauses: dict[str, dict] | None = None, new_clauses: dict[str, dict] | None = None
) -> list[Change]:
    changes: list[Change] = []
    for kind, ref_kind, label in KINDS:
        before = {item.id: item.model_dump(mode="json", by_alias=True) for item in old.items(kind)}
        after = {item.id: item.model_dump(mode="json", by_alias=True) for item in new.items(kind)}
        changes += _compare(before, after, label, ref_kind)
        if kind == "steps" and [s for s in before if s in after] != [s for s in after if s in before]:
            changes.append(Change(label, "order", "changed", "the steps are asked in a different order", None))
    changes += _thresholds(old, new)
    if old_clauses is not None and new_clauses is not None:
        changes += _compare(old_clauses, new_clauses, "contract clause", "clause")
    return changes


FIELD_WORDS = {
    "applies_when": "how it is tested",
    "how_to_access": "how to get it",
    "requires_support_considered": "whether support must be considered first",
    "if_any": "where a yes leads",
    "if_none": "where a no leads",
    "asks": "what it asks",
    "detail": "explanation",
    "assumption": "assumption marker",
    "definition": "wording",
    "paragraphs": "text",
    "note": "drafting note",
    "chosen_by": "the option that chooses it",
}
"""Field names as a reader of a change note would say them; any other field reads as its name."""


def field_words(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


def _compare(before: dict[str, dict], after: dict[str, dict], label: str, ref_kind: str) -> list[Change]:
    changes = []
    for item_id in after:
        name = _name(after[item_id]) or item_id.replace("_", " ")
        if item_id not in before:
            changes.append(Change(label, item_id, "added", _name(after[item_id]), f"{ref_kind}.{item_id}", name))
        elif before[item_id] != after[item_id]:
            fields = [key for key in after[item_id] if before[item_id].get(key) != after[item_id].get(key)]
            fields += [key for key in before[item_id] if key not in after[item_id]]
            words = tuple(field_words(f) for f in fields)
            detail = "changed: " + ", ".join(f.replace("_", " ") for f in fields)
            changes.append(Change(label, item_id, "changed", detail, f"{ref_kind}.{item_id}", name, words))
    for item_id in before:
        if item_id not in after:
            name = _name(before[item_id]) or item_id.replace("_", " ")
            changes.append(Change(label, item_id, "removed", _name(before[item_id]), None, name))
    return changes


def _name(item: dict) -> str:
    for key in ("name", "title", "term", "summary", "heading"):
        if item.get(key):
            return str(item[key])
    return ""


def _thresholds(old: Rulebook, new: Rulebook) -> list[Change]:
    def values(book: Rulebook) -> dict[tuple[str, str], tuple[int, str]]:
        return {(kind.id, v.from_.isoformat()): (v.amount, kind.name) for kind in book.authority_types for v in kind.values}

    before, after = values(old), values(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        type_id, start = key
        when = format_date(datetime.date.fromisoformat(start))
        if key not in before:
            amount, name = after[key]
            changes.append(Change("threshold", type_id, "added", f"{name}: {format_money(amount)} from {when}", "thresholds.table"))
        elif key not in after:
            amount, name = before[key]
            changes.append(Change("threshold", type_id, "removed", f"{name}: {format_money(amount)} from {when}", None))
        elif before[key][0] != after[key][0]:
            changes.append(
                Change(
                    "threshold",
                    type_id,
                    "changed",
                    f"{after[key][1]}: {format_money(before[key][0])} to {format_money(after[key][0])} from {when}",
                    "thresholds.table",
                )
            )
    return changes
