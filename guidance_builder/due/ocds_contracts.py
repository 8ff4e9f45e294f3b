"""The contracts of one merged contracting process, and when each ends.

Field paths (OCDS 1.1.5 and the UK extension) are listed in docs/due.md. A terminated
contract (`contracts[].status`) ends on its `implementation.endDate` (contract completion
extension) or else on the date of the notice that terminated it; any other contract on
its `period.endDate` after every change is merged (or its award's `contractPeriod`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from guidance_builder.due.listing import Found, Problems
from guidance_builder.due.merge import Placed, Process
from guidance_builder.due.policy import SourcePolicy
from guidance_builder.due.values import ImpossibleDate, NotADate, parse_date

TERMINATED, CANCELLED = "terminated", "cancelled"
"""OCDS contract statuses (a closed codelist)."""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


class _Locator:
    """Where a contract's field was last written: the newest release that has it."""

    def __init__(self, process: Process):
        self.process = process

    def at(self, contract_id: object, *keys: str) -> Where:
        return lambda: self.find(contract_id, *keys)

    def find(self, contract_id: object, *keys: str) -> tuple[Placed, str]:
        for placed in reversed(self.process.releases):
            for index, contract in enumerate(_list(placed.release.get("contracts"))):
                if contract.get("id") != contract_id:
                    continue
                value: object = contract
                for key in keys:
                    value = _dict(value).get(key)
                if value is not None:
                    return placed, f"contracts[{index}].{'.'.join(keys)}"
        return self.process.releases[-1], f"contracts[id={contract_id}].{'.'.join(keys)}"


def authority_type(compiled: dict, buyer: dict, policy: SourcePolicy) -> str | None:
    identifiers = [_dict(buyer.get("identifier")), *_list(buyer.get("additionalIdentifiers"))]
    for identifier in identifiers:
        kind = policy.identifier_schemes.get(_text(identifier.get("scheme")))
        if kind:
            return kind
    for classification in _list(_dict(buyer.get("details")).get("classifications")):
        kind = policy.classifications.get(_text(classification.get("scheme")), {}).get(_text(classification.get("id")))
        if kind:
            return kind
    return None


def _buyer(compiled: dict) -> tuple[str, dict]:
    reference = _dict(compiled.get("buyer"))
    parties = _list(compiled.get("parties"))
    party = next((p for p in parties if "id" in reference and p.get("id") == reference["id"]), None)
    if party is None:
        party = next((p for p in parties if "buyer" in (p.get("roles") or [])), {})
    return _text(reference.get("name")) or _text(party.get("name")), party


Where = Callable[[], tuple[Placed, str]]
"""The release and path a problem is reported at; looked for only when there is a problem."""


def _date(raw: object, where: Where, problems: Problems) -> datetime.date | None:
    text = _text(raw)
    if not text:
        return None
    try:
        return parse_date(text)
    except ImpossibleDate:
        placed, path = where()
        problems.add(placed.file, placed.row, path, f"'{text}' is not a real date", "check the day and month; no such day exists")
    except NotADate:
        placed, path = where()
        problems.add(placed.file, placed.row, path, f"'{text}' is not a date", "OCDS dates are ISO 8601, for example 2027-03-31T00:00:00Z")
    return None


def _value(value: dict, where: Where, problems: Problems) -> int | None:
    """Whole pounds including VAT where the notice gives it (UK extension `amountGross`), else `amount`."""
    key = "amountGross" if "amountGross" in value else "amount"
    amount = value.get(key)
    if amount is None:
        return None
    currency = value.get("currency")
    if currency != "GBP":
        placed, path = where()
        shown = f"'{currency}'" if isinstance(currency, str) else "not given"
        problems.add(
            placed.file,
            placed.row,
            f"{path}.currency",
            f"the currency is {shown}, not GBP",
            "thresholds are in pounds: only GBP values are compared",
        )
        return None
    try:
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise InvalidOperation
        pounds = Decimal(str(amount))
        if pounds < 0 or not pounds.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.add(
            placed.file, placed.row, f"{path}.{key}", f"{amount!r} is not an amount of money", "give a number of pounds, such as 1200000"
        )
        return None
    return int(pounds.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _terminated_on(locator: _Locator, contract_id: object) -> Placed | None:
    """The first release (by date) in which the contract is terminated."""
    for placed in locator.process.releases:
        for contract in _list(placed.release.get("contracts")):
            if contract.get("id") == contract_id and contract.get("status") == TERMINATED:
                return placed
    return None


def contracts_of(process: Process, policy: SourcePolicy, problems: Problems) -> Iterator[Found]:
    compiled = process.compiled
    locator = _Locator(process)
    authority, buyer = _buyer(compiled)
    kind = authority_type(compiled, buyer, policy)
    awards = {award.get("id"): award for award in _list(compiled.get("awards"))}
    tender_title = _text(_dict(compiled.get("tender")).get("title"))
    for contract in _list(compiled.get("contracts")):
        status = contract.get("status")
        if status == CANCELLED:
            continue
        contract_id = contract.get("id")
        award = _dict(awards.get(contract.get("awardID"))) or (next(iter(awards.values())) if len(awards) == 1 else {})
        if status == TERMINATED:
            event = policy.terminated_event
            ends = _date(
                _dict(contract.get("implementation")).get("endDate"), locator.at(contract_id, "implementation", "endDate"), problems
            )
            if ends is None:
                notice = _terminated_on(locator, contract_id)
                ends = None if notice is None else _date(notice.release.get("date"), lambda notice=notice: (notice, "date"), problems)
        else:
            event = policy.ended_event
            ends = _date(_dict(contract.get("period")).get("endDate"), locator.at(contract_id, "period", "endDate"), problems)
            if ends is None and award:
                latest = (process.releases[-1], "awards.contractPeriod.endDate")
                ends = _date(_dict(award.get("contractPeriod")).get("endDate"), lambda latest=latest: latest, problems)
        if ends is None:
            continue
        value = None
        if _dict(contract.get("value")):
            value = _value(_dict(contract.get("value")), locator.at(contract_id, "value"), problems)
        elif _dict(award.get("value")):
            latest = (process.releases[-1], "awards.value")
            value = _value(_dict(award.get("value")), lambda latest=latest: latest, problems)
        suppliers = [_text(s.get("name")) for s in _list(award.get("suppliers"))]
        reference = str(contract_id) if contract_id is not None else ""
        yield Found(
            reference=reference if reference.startswith(process.ocid) else f"{process.ocid}/{reference}",
            title=_text(contract.get("title")) or _text(award.get("title")) or tender_title,
            authority=authority,
            authority_type=kind,
            provider="; ".join(name for name in suppliers if name),
            value_gbp=value,
            event=event,
            event_date=ends,
            source=process.ocid,
        )


def may_end_between(releases: list[Placed], start: str, end: str) -> bool:
    """Whether any contract of the process could end between two ISO dates, judged before merging.

    A merged contract's end is one of the dates its releases give (a period's or an
    implementation's end, an award's contract period, or the date of a notice that terminates
    it), so a process
    none of whose dates falls in the window cannot be listed and need not be merged. A date
    that is not plainly ISO counts as a maybe, so the full reading reports it.
    """

    def near(value: object) -> bool:
        if not isinstance(value, str):
            return False
        day = value[:10]
        if len(day) != 10 or day[4] != "-" or day[7] != "-":
            return True
        return start <= day <= end

    for placed in releases:
        release = placed.release
        for contract in _list(release.get("contracts")):
            if near(_dict(contract.get("period")).get("endDate")) or near(_dict(contract.get("implementation")).get("endDate")):
                return True
            if contract.get("status") == TERMINATED and near(release.get("date")):
                return True
        for award in _list(release.get("awards")):
            if near(_dict(award.get("contractPeriod")).get("endDate")):
                return True
    return False
