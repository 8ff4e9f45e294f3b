"""Markdown for drafters: CommonMark with raw HTML off, plus our helpers and paragraph attributes."""

from guidance_builder.markdown.parser import HelperUse, create_markdown, helper_uses

__all__ = ["HelperUse", "create_markdown", "helper_uses"]
