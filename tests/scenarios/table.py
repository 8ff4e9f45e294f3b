"""The scenario table (assess.yaml) and ways to write a scenario's contract: as YAML data,
as a register row, or as a Contract."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TABLE = HERE / "assess.yaml"


def merge(base: dict, changes: dict) -> dict:
    """`base` with `changes` applied: mappings merge key by key; None removes a key."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def load_table() -> dict:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))


def scenarios() -> list[dict]:
    """Each scenario with its full contract data under 'contract'."""
    table = load_table()
    result = []
    for number, scenario in enumerate(table["scenarios"], 1):
        data = merge(table["base"], scenario.get("given") or {})
        data["reference"] = data["reference"] if scenario.get("given", {}).get("reference") else f"SC-{number:03d}"
        result.append({**scenario, "contract": data})
    return result


def to_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def to_row(data: dict, criteria_ids: list[str]) -> dict[str, str]:
    """The register row of a contract: one column per fact id, as docs/assess.md describes."""

    def flag(value: bool) -> str:
        return "true" if value else "false"

    reason = data.get("good_reason") or {}
    date = data["event_date"]
    row = {
        "reference": data["reference"],
        "title": data["title"],
        "authority.name": data["authority"]["name"],
        "authority.type": data["authority"]["type"],
        "provider.name": data["provider"]["name"],
        "provider.type": data["provider"]["type"],
        "relevant_contract": flag(data["relevant_contract"]),
        "value_gbp": str(data["value_gbp"]),
        "event": data["event"],
        "event_date": date.isoformat() if isinstance(date, datetime.date) else str(date),
        **{f"criteria.{c}": flag(data["criteria"][c]) for c in criteria_ids},
        "good_reason.ground": reason.get("ground", ""),
        "good_reason.evidence": reason.get("evidence", ""),
        "good_reason.support_considered": ";".join(reason.get("support_considered", [])),
        "insourcing.scope": (data.get("insourcing") or {}).get("scope", ""),
    }
    return row
