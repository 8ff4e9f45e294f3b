"""The assess input format, as a pydantic model built from the rulebook, and its JSON Schema.

The ids a contract may use (criteria, grounds, support measures, authority types,
events) come from the content, so adding a criterion to criteria.yaml makes it a
required key of every contract and of the published schema.
"""

from __future__ import annotations

import datetime
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from guidance_builder.engine.contract import NO_EVENT, PROVIDER_TYPES
from guidance_builder.engine.rules import Engine
from guidance_builder.engine.text import plain_text

SCHEMA_ID = "https://guidance-builder.example/schemas/assess-input.schema.json"
"""The published schema's id; schemas/assess-input.schema.json holds the bundled content's version."""

STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)
Text = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
"""Text with at least one character that is not a space."""


def _one_of(values: list[str] | tuple[str, ...]) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


def contract_model(engine: Engine) -> type[BaseModel]:
    """The pydantic model of one contract for this rulebook."""
    book = engine.book

    def text(value: str) -> str:
        return plain_text(book, engine.anchors, value)

    authority = create_model(
        "Authority",
        __config__=STRICT,
        __doc__="The authority that let the contract.",
        name=(Text, Field(description="The authority's name.")),
        type=(_one_of(engine.authority_types), Field(description="The type of authority; it sets the threshold that applies.")),
    )
    provider = create_model(
        "Provider",
        __config__=STRICT,
        __doc__="Who delivers the service under the contract.",
        name=(Text, Field(description="The provider's name.")),
        type=(_one_of(PROVIDER_TYPES), Field(description="The type of provider.")),
    )
    criteria = create_model(
        "Criteria",
        __config__=STRICT,
        __doc__="One true or false answer for each test of risk; every test must be answered.",
        **{c.id: (bool, Field(description=f"{c.name}: {text(c.question)}")) for c in book.criteria},
    )
    good_reason = create_model(
        "GoodReason",
        __config__=STRICT,
        __doc__="The good reason the authority relies on, if any. It counts only with evidence, and a ground that "
        "requires it counts only when every support measure was considered.",
        ground=(
            _one_of(engine.ground_ids),
            Field(description="The ground relied on: " + "; ".join(f"{g.id}: {g.name}" for g in book.grounds)),
        ),
        evidence=(str, Field("", description="The evidence for the ground. Without evidence the good reason does not count.")),
        support_considered=(
            list[_one_of(engine.support_ids)],
            Field(
                [],
                description="The support measures the authority considered: "
                + "; ".join(f"{s.id}: {s.name}" for s in book.support_measures),
                json_schema_extra={"uniqueItems": True},
            ),
        ),
    )
    events = [*engine.trigger_ids, NO_EVENT]
    return create_model(
        "Contract",
        __config__=STRICT,
        __doc__="One contract to assess against the guidance.",
        reference=(Text, Field(description="The authority's reference for the contract.")),
        title=(Text, Field(description="What the contract is for.")),
        authority=(authority, Field(description="The authority that let the contract.")),
        provider=(provider, Field(description="Who delivers the service.")),
        relevant_contract=(bool, Field(description="Whether the contract falls within the statutory definition of a relevant contract.")),
        value_gbp=(
            int,
            Field(ge=0, description="The contract value in whole pounds: its estimated whole-life value, as the guidance defines it."),
        ),
        event=(
            _one_of(events),
            Field(
                description=f"What has happened to the contract: {', '.join(engine.trigger_ids)} (events that start the duty to assess), or {NO_EVENT}."
            ),
        ),
        event_date=(
            datetime.date,
            Field(
                description="The date of the event, as YYYY-MM-DD (for 'none', the date the contract is due to end). "
                "It sets the threshold in force."
            ),
        ),
        criteria=(criteria, Field(description="The tests of risk.")),
        good_reason=(good_reason | None, Field(None, description="Optional: the good reason the authority relies on.")),
    )


def json_schema(engine: Engine) -> dict:
    schema = contract_model(engine).model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Contract to assess",
        "description": "The input of `guidance-builder assess`: one contract, written in YAML (or JSON).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def json_schema_text(engine: Engine) -> str:
    return json.dumps(json_schema(engine), indent=2, ensure_ascii=False) + "\n"
