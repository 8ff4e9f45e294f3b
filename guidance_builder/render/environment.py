"""The one Jinja environment: templates from templates/, autoescaped, strict about undefined names."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from guidance_builder.project import Project
from guidance_builder.resolve.values import format_date, format_money, number_word


def css_string(value: object) -> Markup:
    """A CSS string literal safe inside a <style> element: every non-alphanumeric is escaped."""
    text = str(value)
    escaped = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{escaped}"')


def create_environment(project: Project) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(project.templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=format_money, date=format_date, number_word=number_word, css_string=css_string)
    return env
