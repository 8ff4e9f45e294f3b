"""The decision engine: the procedure in content/procedure.yaml, run on one contract.

The same rulebook writes the guidance, drives `guidance-builder assess` and is
embedded in the checker page, so all three give one answer.
"""

from guidance_builder.engine.contract import Contract, GoodReason
from guidance_builder.engine.rules import Assessment, Engine, Reason, ThresholdApplied

__all__ = ["Assessment", "Contract", "Engine", "GoodReason", "Reason", "ThresholdApplied"]
