"""Check 2: every rule item appears in the rendered guidance, at its own anchor, in its own words;
and every definition is used somewhere in the text."""

from __future__ import annotations

from guidance_builder.checks.rendered import guidance_page, normal, strip_tags
from guidance_builder.diagnostics import Diagnostics
from guidance_builder.markdown.parser import helper_uses, parse_inline
from guidance_builder.structure.anchors import INSERT_KINDS, html_id
from guidance_builder.validate import LIST_FILES

NAME = "Coverage"

WORDING = {
    "triggers": ("name", "description"),
    "criteria": ("name", "question", "explanation"),
    "exemptions": ("name", "statement"),
    "grounds": ("name", "description"),
    "support_measures": ("name", "description"),
    "definitions": ("term", "definition"),
}
"""Which fields of each kind must be shown, word for word, at the item's anchor."""


def run(edition, diagnostics: Diagnostics) -> None:
    book, sources = edition.book, edition.sources
    page = guidance_page(edition)
    prose = edition.renderer().prose
    for kind, fields in WORDING.items():
        file, key = LIST_FILES[kind]
        for item in book.items(kind):
            anchor = html_id(f"{INSERT_KINDS[kind]}.{item.id}")
            where = sources.item_location(file, key, item.id)
            element = page.by_id.get(anchor)
            if element is None:
                diagnostics.error(
                    where,
                    f"the {kind.replace('_', ' ')} entry '{item.id}' does not appear in the guidance",
                    f"add {{insert:{kind}}} to the section that should show it",
                    check=NAME,
                )
                continue
            shown = page.text(element)
            for field in fields:
                wording = strip_tags(prose.inline(getattr(item, field)))
                if normal(wording) not in shown:
                    diagnostics.error(
                        where,
                        f"the {field} of '{item.id}' is not shown word for word at #{anchor}",
                        f"check the template blocks/{kind}.html shows '{field}'",
                        check=NAME,
                    )
    used = {use.arg for section in edition.document.sections for use in helper_uses(section.tokens) if use.kind == "term"}
    for _, _, text in book.walk_texts():
        used |= {use.arg for use in helper_uses(parse_inline(text)) if use.kind == "term"}
    for definition in book.definitions:
        if definition.id not in used:
            where = sources.item_location("definitions.yaml", "definitions", definition.id)
            diagnostics.error(
                where,
                f"the defined term '{definition.term}' is never used in the text",
                f"link it where it applies with {{term:{definition.id}}}, or remove the definition",
                check=NAME,
            )
    # What a record holds is said once, in the record's definition: the guidance must show it.
    if book.record_parts and "record-table" not in page.by_id:
        diagnostics.error(
            sources.location("record.yaml", ("sections",)),
            "the guidance does not say what the assessment record holds",
            "add {insert:record} where the guidance describes the record; it lists the record's own parts",
            check=NAME,
        )
