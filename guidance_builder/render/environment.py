"""The one Jinja environment: templates from templates/, autoescaped, strict about undefined names.

The GOV.UK Frontend macros (govuk_frontend_jinja) test options that a caller leaves out
(`{% if params.classes %}`), as Jinja's default allows. Undefined names are therefore an
error in this project's templates and quietly empty inside those macros only.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import govuk_frontend_jinja
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


FRONTEND_TEMPLATES = str(Path(govuk_frontend_jinja.__file__).resolve().parent / "templates")


def _in_frontend_macro() -> bool:
    """Whether the innermost template running is one of the GOV.UK Frontend macros."""
    frame = sys._getframe(2)
    while frame is not None:
        if "__jinja_template__" in frame.f_globals:
            return frame.f_code.co_filename.startswith(FRONTEND_TEMPLATES)
        frame = frame.f_back
    return False


def _strict(name: str):
    lenient = getattr(jinja2.Undefined, name)

    def method(self, *args):
        if _in_frontend_macro():
            return lenient(self, *args)
        return self._fail_with_undefined_error()

    method.__name__ = name
    return method


class ProjectUndefined(jinja2.Undefined):
    """StrictUndefined in the project's templates; Jinja's default Undefined in the GOV.UK macros."""

    __slots__ = ()
    __iter__ = _strict("__iter__")
    __str__ = _strict("__str__")
    __len__ = _strict("__len__")
    __eq__ = _strict("__eq__")
    __ne__ = _strict("__ne__")
    __bool__ = _strict("__bool__")
    __hash__ = _strict("__hash__")

    def __contains__(self, item: object) -> bool:
        if _in_frontend_macro():
            return False
        return self._fail_with_undefined_error()


_CROWN = re.compile(r"<svg\b[^>]*\bgovuk-footer__crown\b.*?</svg>\s*", re.S)
_COPYRIGHT = re.compile(r'<div class="govuk-footer__meta-item">\s*<a\b[^>]*\bgovuk-footer__copyright-logo\b.*?</a>\s*</div>\s*', re.S)


def without_crown(html: str) -> Markup:
    """The GOV.UK footer without the crown and the Royal Arms copyright link: both are
    reserved for GOV.UK itself (the macro always draws them)."""
    return Markup(_COPYRIGHT.sub("", _CROWN.sub("", str(html))))


class _LazyBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, creating its folder only when it first stores something. A read-only
    cache (for `check`, which writes nothing) still reuses what a build compiled."""

    def __init__(self, directory: str, writable: bool):
        super().__init__(directory)
        self.writable = writable

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self.writable:
            return
        # The cache only saves time: one that cannot be written (a HOME that is read-only,
        # XDG_CACHE_HOME naming a file) is not used, and the build goes on.
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            self.writable = False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):  # unreadable or damaged: compile afresh
            bucket.reset()


def _user_cache() -> Path | None:
    """Where compiled templates are kept: the user's cache folder, if there is one."""
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "guidance-builder" / "jinja"
    except RuntimeError:  # no HOME and no password entry: nowhere to keep them
        return None


def create_environment(project: Project, cache: bool = False) -> jinja2.Environment:
    """`cache` stores newly compiled templates in the user cache; without it (`check`
    writes nothing) templates a build compiled there are still read."""
    # Compiled templates live in the user's cache, like Python's own bytecode, so a clean
    # build does not compile them again; Jinja checks each template's source before reuse.
    folder = _user_cache()
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(project.templates),
                # The GOV.UK Design System's own components, as Jinja macros.
                jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        bytecode_cache=_LazyBytecodeCache(str(folder), writable=cache) if folder is not None else None,
        autoescape=True,
        undefined=ProjectUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=format_money, date=format_date, number_word=number_word, css_string=css_string, without_crown=without_crown)
    return env


def template_problem(error: jinja2.TemplateError, project: Project) -> str:
    """One line for a broken or missing template: where, and what is wrong."""
    folder = project.display(project.templates)
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{folder}/{error.name or error.filename}:{error.lineno}: template error: {error.message}"
    if isinstance(error, jinja2.TemplateNotFound):
        return f"{folder}/{error.name}: template not found (restore it, or check the templates folder)"
    return f"{folder}: template error: {error}"
