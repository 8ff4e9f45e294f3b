"""The guidance and the model contract define a shared term in the same words.

A term the contract defines (Core Terms, "Definitions and interpretation") that is also a
defined term of the guidance (its term or one of its recorded forms, in any case) must
carry the guidance's definition word for word. Only letter case, spacing, quote marks and
a closing full stop may differ, because the contract capitalises its defined terms
("the Authority") and ends each definition with a full stop. A contract definition that
means something else on purpose says why in `differs_from_guidance` (the contract's
"Authority" is one party; the guidance's "authority" is any body it applies to). Two documents that a council
signs and follows side by side cannot then give a term two meanings.
"""

from __future__ import annotations

import re

from guidance_builder.checks.rendered import strip_tags
from guidance_builder.contract.document import ContractDocument, contract_for
from guidance_builder.contract.text import parse_inline
from guidance_builder.diagnostics import Diagnostics

NAME = "Same definitions"

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def comparable(text: str) -> str:
    """The words of a definition, for comparison: case, spacing, quote style and a closing full stop ignored."""
    text = re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()
    return text[:-1].rstrip() if text.endswith(".") else text


def contract_plain(document: ContractDocument, text: str) -> str:
    """Contract text as a reader sees it: each helper replaced by the words it renders as."""
    parts = []
    for token in parse_inline(text):
        if token.type == "gb_helper":
            meta = token.meta
            if meta["display"]:
                parts.append(meta["display"])
            elif meta["kind"] == "clause" and meta["arg"] in document.anchors:
                parts.append(document.anchors[meta["arg"]].label)
            elif meta["kind"] == "field" and meta["arg"] in document.field_map:
                parts.append(document.field_map[meta["arg"]].where)
            else:
                parts.append(meta["source"])
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
    return "".join(parts)


def run(edition, diagnostics: Diagnostics) -> None:
    document = contract_for(edition)
    if document is None:
        return  # the contract_references check reports why it could not be loaded
    book, sources = edition.book, edition.sources
    prose = edition.renderer().prose
    by_name = {}
    for definition in book.definitions:
        for name in [definition.term, *definition.forms]:
            by_name.setdefault(name.lower(), definition)
    core = document.documents["core-terms.yaml"]
    for p, part in enumerate(document.core.parts):
        for c, clause in enumerate(part.clauses):
            for d, entry in enumerate(clause.definitions):
                shared = by_name.get(entry.term.lower())
                if shared is None or entry.differs_from_guidance:
                    continue
                guidance_words = strip_tags(prose.inline(shared.definition))
                contract_words = contract_plain(document, entry.meaning)
                if comparable(guidance_words) == comparable(contract_words):
                    continue
                defined_at = sources.item_location("definitions.yaml", "definitions", shared.id)
                diagnostics.error(
                    core.location(("parts", p, "clauses", c, "definitions", d, "meaning")),
                    f"the contract defines '{entry.term}' in different words from the guidance's '{shared.term}' ({defined_at})",
                    f'give both documents one definition: use these words exactly, or change both: "{guidance_words}"; '
                    "if the contract means something else on purpose, say why with differs_from_guidance",
                    check=NAME,
                )
