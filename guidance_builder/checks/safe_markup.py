"""Content is text and Markdown: no raw HTML, no images, links only to https:, mailto: or #anchors.

The renderer never outputs any of these (raw HTML and images are off, links are validated),
but it would print them as literal text; this check reports each one at its file and line so
a script tag, an event handler or a javascript: link in any section or YAML text stops the build.
So does anything that looks like a helper, a reference link or a footnote but is not one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guidance_builder.contract.document import contract_for
from guidance_builder.contract.text import HELPER_KINDS as CONTRACT_HELPER_KINDS
from guidance_builder.diagnostics import Diagnostics, Location
from guidance_builder.loading.yaml_source import YamlPath, read_text
from guidance_builder.markdown.helpers import HELPER_KINDS
from guidance_builder.markdown.lookalikes import lookalike_helpers
from guidance_builder.markdown.parser import unsafe_markup

KINDS = tuple(dict.fromkeys(HELPER_KINDS + CONTRACT_HELPER_KINDS))
"""Helper kinds of the guidance and of the contract: YAML text may be either's."""


def run(edition, diagnostics: Diagnostics) -> None:
    project = edition.project
    for section in edition.book.meta.sections:
        path = project.inside(project.content, section.file)
        if path is None:
            continue
        text = read_text(path, project.display(path), diagnostics)
        for problem in unsafe_markup(text or "") + lookalike_helpers(text or ""):
            diagnostics.error(Location(project.display(path), problem.line), problem.message, problem.hint, check="safe_markup")
    contract = contract_for(edition)
    documents = list(edition.sources.documents.values()) + (list(contract.documents.values()) if contract else [])
    for doc in documents:
        for path, text in _strings(doc.data, ()):
            for problem in unsafe_markup(text) + lookalike_helpers(text, KINDS):
                where = doc.location(path)
                diagnostics.error(Location(where.path, where.line), problem.message, problem.hint, check="safe_markup")


def _strings(data: Any, path: YamlPath) -> Iterator[tuple[YamlPath, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))
