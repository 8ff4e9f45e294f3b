"""The guidance as one HTML page, for the screen or (with print=True) as the source of the PDF."""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from guidance_builder.contract.record import build_record
from guidance_builder.engine.text import plain_text
from guidance_builder.model import Rulebook
from guidance_builder.render.prose import ProseContext, ProseRenderer, render_helper
from guidance_builder.structure import GuidanceDocument
from guidance_builder.structure.anchors import INSERT_KINDS, html_id


class GuidanceRenderer:
    """Renders the document's sections once; the page is then wrapped for screen or print."""

    def __init__(self, book: Rulebook, document: GuidanceDocument, env: jinja2.Environment, history: list | None = None):
        self.book = book
        self.history = history or []
        self.document = document
        self.env = env
        self.prose = ProseRenderer(ProseContext(book, document, self._insert_block))
        self._sections: dict[str, Markup] | None = None
        self._pages: dict[tuple[bool, str], str] = {}

    def sections(self) -> dict[str, Markup]:
        if self._sections is None:
            self._sections = {s.id: self.prose.section(s) for s in self.document.sections}
        return self._sections

    def page(self, print_mode: bool, asset_base: str) -> str:
        key = (print_mode, asset_base)
        if key not in self._pages:
            self._pages[key] = self._render_page(print_mode, asset_base)
        return self._pages[key]

    def _render_page(self, print_mode: bool, asset_base: str) -> str:
        template = self.env.get_template("guidance.html")
        return template.render(
            meta=self.book.meta,
            sections=self.document.sections,
            rendered=self.sections(),
            anchors=self.document.anchors.anchors,
            assumptions_used=self.assumptions_used(),
            prose=self.prose.inline,
            print=print_mode,
            asset_base=asset_base,
        )

    def assumptions_used(self) -> list[str]:
        used = {d.assumption for d in self.book.definitions if d.assumption}
        used |= {self.book.meta.statutory_basis.assumption, self.book.threshold_assumption} - {None}
        return sorted(used)

    # Generated blocks -------------------------------------------------------

    def _insert_block(self, kind: str, numbers: dict[str, str]) -> str:
        book = self.book
        items = {"thresholds": book.authority_types, "diagram": book.procedure.steps, "changes": self.history}.get(kind)
        if kind == "record":
            items = build_record(book, lambda text: plain_text(book, self.document.anchors, text)).sections
        elif items is None:
            items = book.items(kind)
        template = self.env.get_template(f"blocks/{kind}.html")
        return template.render(
            items=items,
            numbers=numbers,
            prose=self.prose.inline,
            assumption_mark=self._assumption_mark,
            threshold_assumption=book.threshold_assumption,
            in_force={k.id: book.threshold_in_force(k.id, book.meta.effective_date) for k in book.authority_types},
            support_list=self._list("support_measures", "and"),
            asks=self._asks,
            branch=self._branch,
            outcome_name=lambda oid: next(o.name for o in book.procedure.outcomes if o.id == oid),
            step_number=self._step_number,
            anchor_link=self._anchor_link,
        )

    def _anchor_link(self, key: str | None, text: str) -> Markup:
        anchor = self.document.anchors.get(key) if key else None
        if anchor is None:
            return escape(text)
        return Markup(f'<a class="govuk-link" href="#{escape(html_id(anchor.key))}">{escape(text)}</a> ({escape(anchor.label)})')

    def _helper(self, kind: str, arg: str, display: str | None = None) -> Markup:
        context = self.prose.context
        return render_helper(context, {"kind": kind, "arg": arg, "display": display, "source": ""})

    def _assumption_mark(self, assumption_id: str) -> Markup:
        return self._helper("assumption", assumption_id)

    def _list(self, kind: str, joiner: str) -> Markup:
        return self._helper("list", kind, joiner)

    def _step_number(self, step_id: str) -> int:
        return [s.id for s in self.book.procedure.steps].index(step_id) + 1

    def _asks(self, step) -> Markup:
        parts = []
        for kind in ("triggers", "criteria", "exemptions"):
            ref_kind = INSERT_KINDS[kind]
            for item_id in getattr(step.asks, kind):
                anchor = self.document.anchors.get(f"{ref_kind}.{item_id}")
                if anchor is not None:
                    parts.append(
                        Markup(
                            f'<a class="govuk-link" href="#{escape(html_id(anchor.key))}">{escape(anchor.name)}</a> ({escape(anchor.label)})'
                        )
                    )
        if not parts:
            return Markup("")
        if len(parts) == 1:
            return Markup("See ") + parts[0] + Markup(".")
        return Markup("Consider each of: ") + Markup("; ").join(parts) + Markup(".")

    def _branch(self, branch) -> Markup:
        if branch.next:
            anchor = self.document.anchors.get(f"step.{branch.next}")
            return Markup("go to ") + (
                Markup(f'<a class="govuk-link" href="#{escape(html_id(anchor.key))}">{escape(anchor.label)}</a>')
                if anchor
                else escape(branch.next)
            )
        anchor = self.document.anchors.get(f"outcome.{branch.outcome}")
        name = next(o.name for o in self.book.procedure.outcomes if o.id == branch.outcome)
        if anchor is None:
            return Markup("the outcome is ") + escape(name)
        return Markup(
            f'the outcome is <a class="govuk-link" href="#{escape(html_id(anchor.key))}">{escape(name)}</a> ({escape(anchor.label)})'
        )
