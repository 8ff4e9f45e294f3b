"""content/due/sources.yaml: how `due` reads contract data, checked key by key with file:line.

The file holds what is policy (header names, the buyer-type mapping, which trigger an
ended or terminated contract starts, which register columns a template fills), so the
code here only knows the shape of the file, never a trigger or authority type id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guidance_builder.diagnostics import ContentError, Diagnostics, did_you_mean
from guidance_builder.loading.yaml_source import YamlDocument, YamlPath, load_yaml

SOURCES_FILE = Path("due") / "sources.yaml"
"""Under content/. Not at the top level: the content schema lists the top-level files it accepts."""

REGISTER_FIELDS = (
    "reference",
    "title",
    "authority",
    "department",
    "description",
    "supplier",
    "value",
    "irrecoverable_vat",
    "start_date",
    "end_date",
    "review_date",
    "procurement_route",
    "sme_vcse",
    "currency",
)
"""The Transparency Code 2015 fields a register may carry (plus the authority and a currency)."""

TEMPLATE_FACTS = ("reference", "title", "authority", "authority_type", "provider", "value_gbp", "event", "event_date")
"""What `due` knows of a listed contract that an assess template can hold."""

_EVENT_KINDS = ("ended", "terminated")
_AUTHORITY_SOURCES = ("identifier_schemes", "classifications")


@dataclass(frozen=True)
class SourcePolicy:
    register_columns: dict[str, tuple[str, ...]]
    identifier_schemes: dict[str, str]
    """An identifier scheme (GB-LAE) → authority type."""
    classifications: dict[str, dict[str, str]]
    """A classification scheme (UK_CA_TYPE) → its id → authority type."""
    ended_event: str
    terminated_event: str
    template: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _Checker:
    def __init__(self, doc: YamlDocument, diagnostics: Diagnostics):
        self.doc = doc
        self.diagnostics = diagnostics

    def error(self, path: YamlPath, message: str, hint: str = "") -> None:
        self.diagnostics.error(self.doc.key_location(path) if path else self.doc.location(path), message, hint)

    def mapping(self, value: object, path: YamlPath, keys: tuple[str, ...] | None, required: bool = True) -> dict:
        where = ".".join(map(str, path)) or "the file"
        if not isinstance(value, dict):
            self.diagnostics.error(self.doc.location(path), f"{where} should be a set of keys", "see docs/due.md for the format")
            return {}
        if keys is not None:
            for key in value:
                if key not in keys:
                    self.error((*path, key), f"unknown key '{key}'", did_you_mean(key, keys))
            if required:
                for key in keys:
                    if key not in value:
                        self.diagnostics.error(self.doc.location(path), f"'{key}' is missing from {where}", "add it; see docs/due.md")
        return {k: v for k, v in value.items() if keys is None or k in keys}

    def names(self, value: object, path: YamlPath) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        good = tuple(item.strip() for item in items if isinstance(item, str) and item.strip())
        if len(good) != len(items) or not good:
            self.diagnostics.error(self.doc.location(path), "this should be a name or a list of names", "write each name as text")
        return good

    def choice(self, value: object, path: YamlPath, allowed: list[str], noun: str) -> str:
        if not isinstance(value, str) or value not in allowed:
            shown = value if isinstance(value, str) else str(value)
            self.diagnostics.error(self.doc.location(path), f"unknown {noun} '{shown}'", did_you_mean(shown, allowed))
            return ""
        return value


def load_policy(content: Path, display: str, authority_types: list[str], triggers: list[str]) -> SourcePolicy:
    """Read and check sources.yaml against the edition's authority types and triggers."""
    diagnostics = Diagnostics()
    path = content / SOURCES_FILE
    doc = load_yaml(path, display, diagnostics, inside=content)
    if doc is None:
        raise ContentError(diagnostics.sorted())
    policy = check_policy(doc, diagnostics, authority_types, triggers)
    if diagnostics:
        raise ContentError(diagnostics.sorted())
    return policy


def check_policy(doc: YamlDocument, diagnostics: Diagnostics, authority_types: list[str], triggers: list[str]) -> SourcePolicy:
    c = _Checker(doc, diagnostics)
    top = c.mapping(doc.data, (), ("register_columns", "authority_types", "events", "template"))
    columns = {
        name: c.names(value, ("register_columns", name))
        for name, value in c.mapping(top.get("register_columns", {}), ("register_columns",), REGISTER_FIELDS, required=False).items()
    }
    for needed in ("reference", "end_date"):
        if "register_columns" in top and needed not in columns:
            c.error(("register_columns",), f"register_columns has no names for '{needed}'", "a register cannot be read without it")
    kinds = c.mapping(top.get("authority_types", {}), ("authority_types",), _AUTHORITY_SOURCES)

    def types(value: object, path: YamlPath) -> dict[str, str]:
        entries = c.mapping(value, path, None)
        return {str(key): c.choice(kind, (*path, key), authority_types, "authority type") for key, kind in entries.items()}

    schemes = types(kinds.get("identifier_schemes", {}), ("authority_types", "identifier_schemes"))
    classified = c.mapping(kinds.get("classifications", {}), ("authority_types", "classifications"), None)
    classifications = {str(scheme): types(value, ("authority_types", "classifications", scheme)) for scheme, value in classified.items()}
    events = c.mapping(top.get("events", {}), ("events",), _EVENT_KINDS)
    ended, terminated = (
        c.choice(events.get(kind), ("events", kind), triggers, "trigger") if kind in events else "" for kind in _EVENT_KINDS
    )
    template = {
        name: c.names(value, ("template", name))
        for name, value in c.mapping(top.get("template", {}), ("template",), TEMPLATE_FACTS, required=False).items()
    }
    return SourcePolicy(columns, schemes, classifications, ended, terminated, template)


def load_columns(path: Path, display: str) -> dict[str, tuple[str, ...]]:
    """A council's own header names (--columns map.yaml): `field: name` or `field: [name, ...]`."""
    diagnostics = Diagnostics()
    doc = load_yaml(path, display, diagnostics)
    if doc is None:
        raise ContentError(diagnostics.sorted())
    c = _Checker(doc, diagnostics)
    names = {
        field_name: c.names(value, (field_name,)) for field_name, value in c.mapping(doc.data, (), REGISTER_FIELDS, required=False).items()
    }
    if diagnostics:
        raise ContentError(diagnostics.sorted())
    return names
