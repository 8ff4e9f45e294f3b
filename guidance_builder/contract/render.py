"""The model contract and the assessment record as HTML pages, for the screen or as PDF sources."""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from guidance_builder.contract.document import ContractDocument
from guidance_builder.contract.layout import AWARD_COLUMNS, percent, table_columns
from guidance_builder.contract.model import Field
from guidance_builder.contract.record import RecordForm
from guidance_builder.contract.text import render_inline
from guidance_builder.markdown.parser import parse_inline as parse_guidance_inline
from guidance_builder.model import Rulebook
from guidance_builder.resolve.values import lookup_value


def guidance_value(book: Rulebook, key: str) -> str:
    # Through the guidance's own {value:meta.KEY} lookup, so both documents quote one value in one format.
    value = lookup_value(book, f"meta.{key}")
    return value if value is not None else str(getattr(book.meta, key))


def field_placeholder(item: Field) -> str:
    """What a blank looks like on screen and in the DOCX: the kind of answer wanted."""
    return {
        "text": "text",
        "multiline": "text, as long as needed",
        "date": "date",
        "money": "amount in £",
        "number": "number",
        "choice": " / ".join(c.label for c in item.choices),
        "yesno": "Yes / No",
        "signature": "signature",
    }[item.type]


class ContractRenderer:
    def __init__(self, document: ContractDocument, book: Rulebook, env: jinja2.Environment):
        self.document = document
        self.book = book
        self.env = env
        self.field_map = document.field_map

    def resolve(self, meta: dict) -> str:
        kind, arg, display = meta["kind"], meta["arg"], meta["display"]
        if kind == "clause":
            anchor = self.document.anchors[arg]
            return f'<a class="govuk-link xref" href="#{escape(anchor.html_id)}">{escape(display or anchor.label)}</a>'
        if kind == "field":
            placed = self.field_map[arg]
            return f'<a class="govuk-link xref" href="#{escape(placed.html_id)}">{escape(display or placed.where)}</a>'
        if kind == "assumption":
            return f'<a class="assumption-mark" href="#assumption-{escape(arg)}">{escape(display or "illustrative assumption")}</a>'
        if kind == "guidance":
            return str(escape(guidance_value(self.book, arg)))
        return str(escape(meta["source"]))

    def inline(self, text: str | None) -> Markup:
        if not text:
            return Markup("")
        return Markup(render_inline(text, self.resolve))

    def chooser_label(self, name: str) -> str:
        placed = self.field_map[name]
        return f"{placed.field.label} ({placed.where})"

    def page(self, print_mode: bool, asset_base: str) -> str:
        template = self.env.get_template("contract/model-contract.html")
        return template.render(
            contract=self.document,
            meta=self.document.meta,
            guidance=self.book.meta,
            prose=self.inline,
            placeholder=field_placeholder,
            chooser=self.chooser_label,
            print=print_mode,
            asset_base=asset_base,
            award_columns=AWARD_COLUMNS,
            table_columns=table_columns,
            percent=percent,
        )


def guidance_plain(guidance, text: str) -> str:
    """Guidance prose (with {term:...} helpers) as plain text, for documents without the guidance's anchors."""
    from guidance_builder.render.prose import render_helper

    context = guidance.prose.context
    parts = []
    for token in parse_guidance_inline(text):
        if token.type == "gb_helper":
            parts.append(Markup(render_helper(context, token.meta)).striptags())
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
    return "".join(parts)


def record_page(form: RecordForm, book: Rulebook, env: jinja2.Environment, print_mode: bool, asset_base: str) -> str:
    template = env.get_template("record/assessment-record.html")
    return template.render(
        form=form,
        guidance=book.meta,
        placeholder=field_placeholder,
        prose=lambda text: escape(text or ""),
        print=print_mode,
        asset_base=asset_base,
    )
