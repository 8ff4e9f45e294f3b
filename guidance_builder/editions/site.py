"""The published site: every edition's folder, the edition in force, and the files a static
host and its readers expect (index, latest/, versions.json, feed, sitemap, checksums, 404, search).

Everything is computed from content dates, never the clock, so two builds are byte-identical.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import jinja2

from guidance_builder.editions.store import PublishedEdition, sha256, version_key

IN_FORCE_STATUSES = ("consultation", "final")
DOWNLOAD_LABELS = {
    "guidance.html": ("Guidance", "HTML"),
    "guidance.pdf": ("Guidance", "PDF"),
    "model-contract.html": ("Model contract", "HTML"),
    "model-contract.pdf": ("Model contract, fillable", "PDF"),
    "model-contract.docx": ("Model contract, editable", "Word"),
    "assessment-record.html": ("Assessment record", "HTML"),
    "assessment-record.pdf": ("Assessment record, fillable", "PDF"),
    "checker.html": ("Contract checker", "HTML"),
    "rules.json": ("Rules, machine-readable", "JSON"),
    "assess-input.schema.json": ("Assess input format", "JSON Schema"),
}


@dataclass
class SiteEdition:
    version: str
    title: str
    status: str
    change_type: str
    change_summary: str
    publication_date: datetime.date
    effective_date: datetime.date
    files: dict[str, bytes]
    changes: list
    published: bool

    @functools.cached_property
    def metadata(self) -> dict:
        """The edition's metadata as its rules.json states it (short title, issuing body, ...)."""
        data = self.files.get("rules.json")
        return json.loads(data)["metadata"] if data else {}

    @property
    def short_title(self) -> str:
        return self.metadata.get("short_title") or self.title

    @property
    def issuing_body(self) -> str:
        return self.metadata.get("issuing_body", "")

    @property
    def downloads(self) -> list[dict]:
        rows = []
        for name, (label, kind) in DOWNLOAD_LABELS.items():
            if name in self.files:
                rows.append({"name": name, "label": label, "format": kind, "size": human_size(len(self.files[name]))})
        return rows


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def from_published(edition: PublishedEdition, changes: list) -> SiteEdition:
    m = edition.manifest
    return SiteEdition(
        m["version"],
        m["title"],
        m["status"],
        m["change_type"],
        m["change_summary"],
        datetime.date.fromisoformat(m["publication_date"]),
        datetime.date.fromisoformat(m["effective_date"]),
        edition.files(),
        changes,
        True,
    )


def from_working(meta, files: dict[str, object], changes: list) -> SiteEdition:
    """The working edition (its guidance.yaml metadata), with its own files: those under its version."""
    prefix = f"{meta.version}/"
    own = {k.removeprefix(prefix): v for k, v in files.items() if k.startswith(prefix)}
    return SiteEdition(
        meta.version,
        meta.title,
        meta.status,
        meta.change_type,
        meta.change_summary,
        meta.publication_date,
        meta.effective_date,
        own,
        changes,
        False,
    )


def in_force(editions: list[SiteEdition]) -> SiteEdition:
    candidates = [e for e in editions if e.status in IN_FORCE_STATUSES] or editions
    return max(candidates, key=lambda e: version_key(e.version))


def assemble_site(
    editions: list[SiteEdition],
    shared: dict[str, bytes],
    env: jinja2.Environment,
    site_url: str,
    search: Callable[[SiteEdition], dict[str, bytes]] | None = None,
) -> dict[str, bytes]:
    """Every file of the site, keyed by path; `shared` holds the assets all editions use."""
    editions = sorted(editions, key=lambda e: version_key(e.version), reverse=True)
    current = in_force(editions)
    files: dict[str, bytes] = dict(shared)
    for edition in editions:
        superseded = version_key(edition.version) < version_key(current.version)
        for name, data in edition.files.items():
            if superseded and name.endswith(".html"):
                data = add_banner(data, edition, current, env)
            files[f"{edition.version}/{name}"] = data
    for name, data in current.files.items():
        files[f"latest/{name}"] = data
    context = {"editions": editions, "current": current, "asset_base": "assets/"}
    for page in ("index.html", "404.html", "search.html", "accessibility.html"):
        template = f"site/{page}"
        try:
            files[page] = env.get_template(template).render(**context).encode()
        except jinja2.TemplateNotFound:
            continue
    files["versions.json"] = versions_json(editions, current)
    files["feed.xml"] = atom_feed(editions, site_url)
    files.update((search or search_index)(current))
    files["sitemap.xml"] = sitemap(files, site_url)
    files["SHA256SUMS"] = checksums(files)
    return files


def add_banner(html: bytes, edition: SiteEdition, current: SiteEdition, env: jinja2.Environment | None = None) -> bytes:
    """The page with a banner saying the edition is superseded, at the top of its main content."""
    banner = None
    if env is not None:
        try:
            banner = env.get_template("site/superseded-banner.html").render(edition=edition, current=current).strip()
        except jinja2.TemplateNotFound:
            banner = None
    if banner is None:
        banner = (
            '<div class="superseded-banner" role="region" aria-label="Superseded edition">'
            f"<p><strong>This edition (version {edition.version}) has been superseded.</strong> "
            f'Version {current.version} is the edition in force: <a href="../{current.version}/guidance.html">read the edition in force</a>.</p></div>'
        )
    text = html.decode()
    match = re.search(r"<main\b[^>]*>", text) or re.search(r"<body[^>]*>", text)
    if match is None:
        return html
    return (text[: match.end()] + banner + text[match.end() :]).encode()


def versions_json(editions: list[SiteEdition], current: SiteEdition) -> bytes:
    """The list mike (and MkDocs Material's version selector) reads."""
    rows = [{"version": e.version, "title": f"{e.version} ({e.status})", "aliases": ["latest"] if e is current else []} for e in editions]
    return (json.dumps(rows, indent=2) + "\n").encode()


def atom_feed(editions: list[SiteEdition], site_url: str) -> bytes:
    def stamp(day: datetime.date) -> str:
        return f"{day.isoformat()}T00:00:00Z"

    updated = max(e.publication_date for e in editions)
    entries = []
    for e in editions:
        link = f"{site_url}{e.version}/guidance.html"
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(link, quote=False)}</id>\n"
            f"    <title>{escape(e.title, quote=False)}: version {e.version} ({e.status})</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(link, quote=False)}"/>\n'
            f"    <updated>{stamp(e.publication_date)}</updated>\n"
            f"    <summary>{escape(e.change_summary, quote=False)}</summary>\n"
            "  </entry>\n"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{escape(site_url, quote=False)}</id>\n"
        f"  <title>{escape(editions[0].title, quote=False)}: editions</title>\n"
        f'  <link rel="self" href="{escape(site_url, quote=False)}feed.xml"/>\n'
        f'  <link rel="alternate" href="{escape(site_url, quote=False)}"/>\n'
        f"  <updated>{stamp(updated)}</updated>\n"
        "  <author><name>guidance-builder</name></author>\n" + "".join(entries) + "</feed>\n"
    )
    return feed.encode()


def sitemap(files: dict[str, bytes], site_url: str) -> bytes:
    pages = sorted(p for p in files if p.endswith(".html") and p != "404.html" and not p.startswith(("pagefind/", "latest/")))
    urls = "".join(f"  <url><loc>{escape(site_url + page, quote=False)}</loc></url>\n" for page in pages)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    ).encode()


def checksums(files: dict[str, bytes]) -> bytes:
    return "".join(f"{sha256(data)}  {path}\n" for path, data in sorted(files.items())).encode()


def search_index(current: SiteEdition) -> dict[str, bytes]:
    """A Pagefind index of the edition in force's guidance, built in memory."""
    import asyncio

    from pagefind.service import PagefindService

    async def build() -> list[dict]:
        # The service is driven directly, not through PagefindIndex's context manager,
        # which would also write the index into the current folder.
        config = {"root_selector": "main", "force_language": "en", "exclude_selectors": [".para-num", "nav.contents"]}
        service = await PagefindService().launch()
        try:
            index = await service.create_index(config)
            for name in ("guidance.html",):
                if name in current.files:
                    await index.add_html_file(content=current.files[name].decode(), url=f"{current.version}/{name}")
            return await index.get_files()
        finally:
            await service.close()

    return {f"pagefind/{f['path']}": f["content"] for f in asyncio.run(build())}
