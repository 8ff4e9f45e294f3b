"""The sentences an assessment gives, shared by the engine and the checker page.

Each template's {placeholders} are filled with words from the rulebook (names,
amounts, dates); the checker page fills the same templates in JavaScript, so a
reason reads the same wherever it is given.
"""

from __future__ import annotations

import datetime

TEMPLATES = {
    "trigger_met": "The contract's {event} starts the duty to assess it.",
    "trigger_none": "The contract has had no {events}, so the duty to assess it has not started.",
    "criterion_met": "The service meets the test of {criterion}.",
    "criterion_not_met": "The service does not meet the test of {criterion}.",
    "not_relevant_applies": "The contract is not a relevant contract.",
    "not_relevant_not": "The contract is a relevant contract.",
    "below_applies": "The contract value {value} is below the threshold {threshold} in force from {from} for {authority_type}.",
    "below_equal": "The contract value {value} equals the threshold {threshold} in force from {from} for {authority_type}, so it is not below it.",
    "below_not": "The contract value {value} is not below the threshold {threshold} in force from {from} for {authority_type}.",
    "parties_applies": "The contract is between {authority} and {provider}, which this exemption covers.",
    "parties_not": "The contract is between {authority} and {provider}, which this exemption does not cover.",
    "reason_none": "The authority has not given a good reason.",
    "reason_met": "The authority shows a good reason on the ground that {ground}, with evidence.",
    "reason_met_support": "The authority shows a good reason on the ground that {ground}, with evidence, having considered every support measure.",
    "reason_no_evidence": "The authority relies on the ground that {ground} but gives no evidence for it, so it does not count.",
    "reason_missing_support": "The authority relies on the ground that {ground} but has not considered every support measure, so it does not count.",
    "support_missing": "The authority has not considered {support}.",
    "outcome": "Outcome: {outcome}. {description}",
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def money(amount: int) -> str:
    return f"£{amount:,}"


def long_date(value: datetime.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
