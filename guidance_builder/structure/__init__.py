"""Stage 3: the guidance as a numbered document, and the index of everything a helper can point at."""

from guidance_builder.structure.anchors import Anchor, AnchorIndex
from guidance_builder.structure.document import GuidanceDocument, Paragraph, SectionDoc, build_document

__all__ = ["Anchor", "AnchorIndex", "GuidanceDocument", "Paragraph", "SectionDoc", "build_document"]
