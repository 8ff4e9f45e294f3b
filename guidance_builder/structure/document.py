"""Number the guidance: sections, paragraphs and generated items, with their anchors.

Every paragraph is numbered before anything is rendered, so a reference to a later
paragraph knows its number.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from markdown_it.token import Token

from guidance_builder.diagnostics import Diagnostics, Location, did_you_mean
from guidance_builder.loading.content import SectionSource
from guidance_builder.markdown.parser import parse_block
from guidance_builder.model import Rulebook
from guidance_builder.structure.anchors import INSERT_KINDS, Anchor, AnchorIndex


@dataclass
class Paragraph:
    number: str
    key: str
    """Anchor key: 'para.<id>' for prose, 'criterion.<id>' and so on for generated items."""
    line: int
    duty: bool = False
    allow: str | None = None
    generated_from: str | None = None
    tokens: list[Token] = field(default_factory=list)
    """The paragraph's tokens, with any list or table that follows it, for checks."""


@dataclass
class SectionDoc:
    id: str
    title: str
    number: str
    annex: bool
    display: str
    tokens: list[Token]
    paragraphs: list[Paragraph] = field(default_factory=list)
    inserts: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Annex {self.number}" if self.annex else f"Section {self.number}"


@dataclass
class GuidanceDocument:
    sections: list[SectionDoc]
    anchors: AnchorIndex

    def section(self, section_id: str) -> SectionDoc:
        return next(s for s in self.sections if s.id == section_id)


def build_document(book: Rulebook, sources: dict[str, SectionSource], diagnostics: Diagnostics) -> GuidanceDocument:
    anchors = AnchorIndex()
    sections: list[SectionDoc] = []
    main_count = 0
    annex_count = 0
    for section_meta in book.meta.sections:
        if section_meta.annex:
            number = string.ascii_uppercase[annex_count % 26]
            annex_count += 1
        else:
            main_count += 1
            number = str(main_count)
        label = f"annex {number}" if section_meta.annex else f"section {number}"
        # The section is named in guidance.yaml even if its file could not be read (that is
        # already reported), so references to it are not reported a second time.
        anchors.add(Anchor(f"section.{section_meta.id}", label, section_meta.title, section_meta.id, number))
        source = sources.get(section_meta.id)
        if source is None:
            continue
        tokens = parse_block(source.text)
        section = SectionDoc(section_meta.id, section_meta.title, number, section_meta.annex, source.display, tokens)
        _number_section(book, section, anchors, diagnostics)
        sections.append(section)
    return GuidanceDocument(sections, anchors)


def _number_section(book: Rulebook, section: SectionDoc, anchors: AnchorIndex, diagnostics: Diagnostics) -> None:
    counter = 0
    current: Paragraph | None = None

    def next_number() -> str:
        nonlocal counter
        counter += 1
        return f"{section.number}.{counter}"

    for _index, token in enumerate(section.tokens):
        line = (token.map[0] + 1) if token.map else 0
        if token.type == "heading_open":
            current = None
            if token.tag == "h1":  # it would sit at the level of the section's own title, outside the numbering
                diagnostics.error(
                    Location(section.display, line),
                    "a '#' heading is not allowed in a section: the section's title comes from guidance.yaml",
                    "use '## ' for a sub-heading, or change the section's title in guidance.yaml",
                )
        if token.type == "paragraph_open" and token.level == 0:
            number = next_number()
            para_id = token.attrs.get("id")
            key = f"para.{para_id}" if para_id else f"para.{section.id}-{counter}"
            classes = str(token.attrs.get("class", "")).split()
            allow = token.attrs.get("allow")
            current = Paragraph(number, key, line, duty="duty" in classes, allow=str(allow) if allow is not None else None)
            token.meta = {**(token.meta or {}), "number": number, "key": key, "duty": current.duty}
            section.paragraphs.append(current)
            if para_id and not anchors.add(Anchor(key, f"paragraph {number}", number, section.id, number)):
                diagnostics.error(
                    Location(section.display, line), f"the paragraph id '{para_id}' is used twice", "give each paragraph its own id"
                )
            for name in classes:
                if name != "duty":
                    diagnostics.error(Location(section.display, line), f"unknown paragraph class '.{name}'", did_you_mean(name, ["duty"]))
        elif token.type == "gb_insert":
            current = None
            kind = token.meta["arg"]
            if kind not in INSERT_KINDS:
                diagnostics.error(
                    Location(section.display, token.meta["line"]), f"cannot insert '{kind}'", did_you_mean(kind, INSERT_KINDS)
                )
                continue
            section.inserts.append(kind)
            ref_kind = INSERT_KINDS[kind]
            if ref_kind is None:
                # A table reads as the section that holds it ("annex B"), never as its internal id.
                holder = anchors.get(f"section.{section.id}")
                label = holder.label if holder else section.title
                anchors.add(Anchor(f"{kind}.table", label, kind, section.id, section.number))
                continue
            numbers = {}
            for position, item in enumerate(book.items(kind), 1):
                number = next_number()
                key = f"{ref_kind}.{item.id}"
                label = f"step {position}" if ref_kind == "step" else f"paragraph {number}"
                if not anchors.add(Anchor(key, label, _item_name(item), section.id, number)):
                    diagnostics.error(
                        Location(section.display, token.meta["line"]), f"the {kind} are inserted twice", "insert each kind of item once"
                    )
                    break
                numbers[item.id] = number
                section.paragraphs.append(Paragraph(number, key, token.meta["line"], generated_from=kind))
            token.meta = {**token.meta, "numbers": numbers}
        elif current is not None and token.level == 0 and token.type not in ("paragraph_close",):
            pass
        if current is not None:
            current.tokens.append(token)


def _item_name(item) -> str:
    for attribute in ("name", "title", "term", "summary"):
        value = getattr(item, attribute, None)
        if value:
            return value
    return item.id
