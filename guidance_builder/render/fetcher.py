"""The only way a PDF render can read anything: files under the project's assets folder.

Assets are addressed through a fixed virtual base URL, so the PDF does not depend on
where the project is checked out, and every other URL (file:, http:, data:, ...) is
refused and stops the render.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from guidance_builder.render.addresses import ASSET_PREFIX, VIRTUAL_BASE

__all__ = ["ASSET_PREFIX", "VIRTUAL_BASE", "AssetFetcher", "RefusedFetch"]


class RefusedFetch(FatalURLFetchingError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"refused to fetch '{url}': {reason}")
        self.url = url
        self.reason = reason


class AssetFetcher(URLFetcher):
    def __init__(self, assets: Path):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=True)
        self.assets = assets.resolve()
        self.fetched: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.resolve(url)
        self.fetched.append(url)
        media_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type or "application/octet-stream"})

    def resolve(self, url: str) -> Path:
        """The asset file a URL names; raises RefusedFetch for anything else."""
        if not url.startswith(ASSET_PREFIX):
            raise RefusedFetch(url, "only the project's own assets may be used")
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise RefusedFetch(url, "asset URLs cannot carry a query or fragment")
        relative = unquote(parts.path).removeprefix("/assets/")
        candidate = (self.assets / relative).resolve()
        try:
            candidate.relative_to(self.assets)
        except ValueError:
            raise RefusedFetch(url, "the path leaves the assets folder") from None
        if not candidate.is_file():
            raise RefusedFetch(url, "no such asset")
        return candidate
