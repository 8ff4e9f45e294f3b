"""Anchors: every place a reference can point to, keyed `kind.id`.

The HTML id comes from the key, not from the number, so links survive renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guidance_builder.diagnostics import close_match

INSERT_KINDS: dict[str, str | None] = {
    "triggers": "trigger",
    "criteria": "criterion",
    "exemptions": "exemption",
    "grounds": "ground",
    "support_measures": "support",
    "steps": "step",
    "outcomes": "outcome",
    "definitions": "definition",
    "assumptions": "assumption",
    "thresholds": None,
    "diagram": None,
    "changes": None,
    "record": None,
}
"""What {insert:KIND} can generate, and the reference kind of each generated item."""

REF_KINDS = ("section", "para", *(k for k in INSERT_KINDS.values() if k))


def html_id(key: str) -> str:
    return key.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Anchor:
    key: str
    label: str
    """How a reference reads: 'paragraph 3.2', 'section 3', 'annex A', 'step 2'."""
    name: str
    """The item's own name, for {name:...}."""
    section: str
    number: str

    @property
    def html_id(self) -> str:
        return html_id(self.key)


@dataclass
class AnchorIndex:
    anchors: dict[str, Anchor] = field(default_factory=dict)

    def add(self, anchor: Anchor) -> bool:
        if anchor.key in self.anchors:
            return False
        self.anchors[anchor.key] = anchor
        return True

    def get(self, key: str) -> Anchor | None:
        return self.anchors.get(key)

    def __getitem__(self, key: str) -> Anchor:
        return self.anchors[key]

    def __contains__(self, key: str) -> bool:
        return key in self.anchors

    def hint(self, key: str) -> str:
        kind = key.split(".", 1)[0]
        if kind not in REF_KINDS:
            return f"references start with one of: {', '.join(REF_KINDS)}"
        name = key.split(".", 1)[-1]
        same_kind = [k.split(".", 1)[1] for k in self.anchors if k.startswith(kind + ".")]
        if close_match(name, same_kind):
            return close_match(key, [f"{kind}.{other}" for other in same_kind])
        if kind == "para":
            return "give the paragraph an id with {#id} on the line above it"
        return f"no {kind} has the id '{name}': it may have been removed or renamed in the YAML; update or remove this reference"
