"""One contract as the engine sees it, after its input has been validated."""

from __future__ import annotations

import datetime
from typing import NamedTuple

PROVIDER_TYPES = ("private", "voluntary", "local_authority", "other_public_authority")
"""Who may deliver a contract: the `provider.type` values of the assess input."""

NO_EVENT = "none"
"""The `event` value for a contract that has neither expired nor been terminated."""

PARTY_LABELS = {
    "central_government": "a central government department",
    "local_authority": "a local authority",
    "other_public_authority": "another public authority",
    "private": "a private provider",
    "voluntary": "a voluntary organisation",
}
"""How a party type reads in a reason: 'between a local authority and a private provider'."""


class GoodReason(NamedTuple):
    ground: str
    evidence: str = ""
    support_considered: tuple[str, ...] = ()


class Contract(NamedTuple):
    """Named tuples, not dataclasses: a register makes one per row, and they are cheap."""

    reference: str
    title: str
    authority_name: str
    authority_type: str
    provider_name: str
    provider_type: str
    relevant_contract: bool
    value_gbp: int
    event: str
    event_date: datetime.date
    criteria: dict[str, bool]
    good_reason: GoodReason | None = None
