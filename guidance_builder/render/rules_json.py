"""Every rule fact as machine-readable JSON, stamped with the edition's version.

`program` is the rules program both engines run (format guidance-builder/rules@2): the facts,
their CEL conditions and the procedure, so other systems can run the rules too.
"""

from __future__ import annotations

import json

from guidance_builder.model import Rulebook
from guidance_builder.structure import GuidanceDocument

FORMAT = "guidance-builder/rules@2"


def render_rules_json(book: Rulebook, document: GuidanceDocument) -> str:
    from guidance_builder.engine.rules import Engine

    engine = Engine(book, document.anchors)
    data = book.model_dump(mode="json", by_alias=True)
    meta = data.pop("meta")
    meta.pop("sections")
    anchors = {key: {"label": a.label, "number": a.number, "anchor": a.html_id} for key, a in sorted(document.anchors.anchors.items())}
    payload = {
        "format": FORMAT,
        "version": book.meta.version,
        "status": book.meta.status,
        "metadata": meta,
        **data,
        "paragraphs": anchors,
        "program": engine.program.as_json(engine.plain),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
