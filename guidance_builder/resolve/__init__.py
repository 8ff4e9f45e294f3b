"""Stage 4: make sure every helper in prose and YAML points at something that exists."""

from guidance_builder.resolve.references import check_references
from guidance_builder.resolve.values import format_date, format_money, lookup_value, number_word

__all__ = ["check_references", "format_date", "format_money", "lookup_value", "number_word"]
