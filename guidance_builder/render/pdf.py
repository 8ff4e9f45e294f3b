"""HTML to tagged PDF with WeasyPrint. Imported only where a PDF is made."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from guidance_builder.render.addresses import ASSET_PREFIX, VIRTUAL_BASE
from guidance_builder.render.fetcher import AssetFetcher, RefusedFetch


@dataclass
class PdfResult:
    data: bytes | None
    problems: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, assets: Path, identifier: bytes, forms: bool = False) -> PdfResult:
    """Render `html` (whose asset links start with ASSET_PREFIX) to PDF/UA-1 bytes."""
    import weasyprint

    fetcher = AssetFetcher(assets)
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=VIRTUAL_BASE, url_fetcher=fetcher)
        data = document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_identifier=identifier,
            uncompressed_pdf=False,
            custom_metadata=True,
            pdf_forms=forms or None,
        )
    except RefusedFetch as refused:
        return PdfResult(None, [str(refused)])
    except weasyprint.urls.FatalURLFetchingError as error:
        cause = error.__cause__
        return PdfResult(None, [str(cause) if cause else str(error)])
    finally:
        logger.removeHandler(collector)
    return PdfResult(data, collector.messages)


__all__ = ["ASSET_PREFIX", "PdfResult", "render_pdf"]
