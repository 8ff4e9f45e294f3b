"""The decision engine: the rules program (guidance_builder/rules) run on one contract's facts.

The same rulebook writes the guidance, drives `guidance-builder assess` and is
embedded in the checker page, so all three give one answer.
"""

from guidance_builder.engine.rules import Assessment, Engine, Reason, ThresholdApplied

__all__ = ["Assessment", "Engine", "Reason", "ThresholdApplied"]
