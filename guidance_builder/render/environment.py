"""The one Jinja environment: templates from templates/, autoescaped, strict about undefined names."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup

from guidance_builder.project import Project
from guidance_builder.resolve.values import format_date, format_money, number_word


def css_string(value: object) -> Markup:
    """A CSS string literal safe inside a <style> element: every non-alphanumeric is escaped."""
    text = str(value)
    escaped = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{escaped}"')


class _LazyBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, creating its folder only when it first stores something."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        Path(self.directory).mkdir(parents=True, exist_ok=True)
        super().dump_bytecode(bucket)


def create_environment(project: Project, cache: bool = False) -> jinja2.Environment:
    """`cache` keeps compiled templates in build/.cache between builds; `check` writes nothing."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(project.templates),
                # The GOV.UK Design System's own components, as Jinja macros.
                jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        bytecode_cache=_LazyBytecodeCache(str(project.build / ".cache" / "jinja")) if cache else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=format_money, date=format_date, number_word=number_word, css_string=css_string)
    return env
