"""The PDF renderer may read the project's assets and nothing else."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import run_cli
from weasyprint.urls import FatalURLFetchingError

from guidance_builder.render.fetcher import ASSET_PREFIX, VIRTUAL_BASE, AssetFetcher, RefusedFetch
from guidance_builder.render.pdf import render_pdf

CSS = b"body { color: #0b0c0c; }\n"
SECRET = b"not for the PDF\n"


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    """templates/assets with a stylesheet and a font, next to a secret file and folder outside it."""
    folder = tmp_path / "templates" / "assets"
    (folder / "fonts").mkdir(parents=True)
    (folder / "style.css").write_bytes(CSS)
    (folder / "fonts" / "face.ttf").write_bytes(b"\x00\x01\x00\x00font")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "templates" / "guidance.html").write_text("<p>template</p>")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_bytes(SECRET)
    os.symlink(tmp_path / "secret.txt", folder / "link.css")
    os.symlink(outside, folder / "linked-folder")
    return folder


def test_serves_an_asset_through_the_virtual_base(assets: Path):
    fetcher = AssetFetcher(assets)
    response = fetcher.fetch(ASSET_PREFIX + "style.css")
    assert response.read() == CSS
    assert response.content_type == "text/css"
    assert fetcher.fetched == [ASSET_PREFIX + "style.css"]


def test_serves_an_asset_in_a_subfolder(assets: Path):
    response = AssetFetcher(assets).fetch(ASSET_PREFIX + "fonts/face.ttf")
    assert response.read() == b"\x00\x01\x00\x00font"


def test_serves_through_weasyprints_call_interface(assets: Path):
    # WeasyPrint calls the fetcher object itself, or its open(); both must go through fetch().
    fetcher = AssetFetcher(assets)
    assert fetcher(ASSET_PREFIX + "style.css").read() == CSS
    with pytest.raises(RefusedFetch):
        fetcher("file:///etc/passwd")
    with pytest.raises(RefusedFetch):
        fetcher.open("file:///etc/passwd")


def test_the_asset_prefix_is_under_the_virtual_base():
    assert ASSET_PREFIX.startswith(VIRTUAL_BASE)
    assert VIRTUAL_BASE.startswith("https://")


REFUSED = {
    "dot-dot": ASSET_PREFIX + "../secret.txt",
    "dot-dot-deeper": ASSET_PREFIX + "fonts/../../secret.txt",
    "dot-dot-to-templates": ASSET_PREFIX + "../guidance.html",
    "dot-dot-encoded": ASSET_PREFIX + "%2e%2e/secret.txt",
    "dot-dot-encoded-slash": ASSET_PREFIX + "..%2fsecret.txt",
    "file-etc-passwd": "file:///etc/passwd",
    "file-localhost": "file://localhost/etc/passwd",
    "file-to-an-asset": "file://{assets}/style.css",
    "http-other-host": "http://example.com/style.css",
    "https-other-host": "https://example.com/style.css",
    "https-other-host-assets-path": "https://example.com/assets/style.css",
    "http-virtual-host": "http://guidance-builder.invalid/assets/style.css",
    "lookalike-host": "https://guidance-builder.invalid.example.com/assets/style.css",
    "userinfo-trick": "https://guidance-builder.invalid@example.com/assets/style.css",
    "virtual-base-outside-assets": VIRTUAL_BASE + "content/guidance.yaml",
    "data-css": "data:text/css,body{color:red}",
    "data-base64": "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "ftp": "ftp://example.com/style.css",
    "javascript": "javascript:alert(1)",
    "symlink-to-outside-file": ASSET_PREFIX + "link.css",
    "symlinked-folder-outside": ASSET_PREFIX + "linked-folder/secret.css",
    "missing-asset": ASSET_PREFIX + "missing.css",
    "folder-not-file": ASSET_PREFIX + "fonts",
    "query": ASSET_PREFIX + "style.css?v=1",
    "fragment": ASSET_PREFIX + "style.css#x",
}


@pytest.mark.parametrize("url", list(REFUSED.values()), ids=list(REFUSED))
def test_refuses(assets: Path, url: str):
    url = url.replace("{assets}", str(assets))
    fetcher = AssetFetcher(assets)
    with pytest.raises(RefusedFetch) as refused:
        fetcher.fetch(url)
    # Fatal, so WeasyPrint stops the render instead of logging and carrying on.
    assert isinstance(refused.value, FatalURLFetchingError)
    assert url in str(refused.value)
    assert refused.value.url == url
    assert fetcher.fetched == []


# render_pdf: the real WeasyPrint, with the fetcher in place --------------------------------


def _page(head: str = "", body: str = "<p>Hello</p>") -> str:
    return f'<!DOCTYPE html><html lang="en-GB"><head><title>t</title>{head}</head><body>{body}</body></html>'


def test_render_pdf_uses_assets(assets: Path):
    result = render_pdf(_page(f'<link rel="stylesheet" href="{ASSET_PREFIX}style.css">'), assets, b"0" * 32)
    assert result.problems == []
    assert result.data is not None and result.data.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("head", "body", "url"),
    [
        ("", '<img src="file:///etc/hostname" alt="x">', "file:///etc/hostname"),
        ('<link rel="stylesheet" href="https://example.com/x.css">', "<p>x</p>", "https://example.com/x.css"),
        ("<style>@import url('http://example.com/x.css');</style>", "<p>x</p>", "http://example.com/x.css"),
        ("<style>body { background: url('data:image/gif;base64,R0lGODlhAQABAAAAACw='); }</style>", "<p>x</p>", "data:image/gif"),
        ("", '<img src="../secret.txt" alt="x">', VIRTUAL_BASE + "secret.txt"),
        ("", f'<img src="{ASSET_PREFIX}link.css" alt="x">', ASSET_PREFIX + "link.css"),
    ],
    ids=["img-file", "link-https", "css-import-http", "css-data-url", "relative-escape", "symlink"],
)
def test_render_pdf_stops_on_a_refused_url(assets: Path, head: str, body: str, url: str):
    result = render_pdf(_page(head, body), assets, b"0" * 32)
    assert result.data is None
    assert len(result.problems) == 1
    assert f"refused to fetch '{url}" in result.problems[0]


# End to end: a template that reaches outside the assets fails the build ----------------------


def _add_to_template(project: Path, markup: str) -> None:
    template = project / "templates" / "guidance.html"
    text = template.read_text(encoding="utf-8")
    assert text.count('<main id="main">') == 1
    template.write_text(text.replace('<main id="main">', '<main id="main">' + markup), encoding="utf-8")


def _assert_refused_build(project: Path, url: str) -> None:
    result = run_cli("build", project=project)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    *problems, summary = result.stderr.splitlines()
    assert problems, result.stderr
    # Every document whose print HTML uses the reference fails, each naming the URL.
    for problem in problems:
        assert problem.startswith("templates/"), problem
        assert f"refused to fetch '{url}'" in problem, problem
    assert any(problem.startswith("templates/guidance.html: PDF rendering of guidance.pdf failed") for problem in problems)
    assert re.fullmatch(r"\d+ problems? found; nothing was written\.", summary), summary
    # Nothing published: no PDF (nor anything else new) in the site. build/.cache may keep
    # PDFs of other documents that rendered cleanly, for the next build to reuse.
    site = project / "build" / "site"
    if site.exists():
        assert not list(site.rglob("*.pdf")), "a PDF was published"


def test_template_reaching_for_a_local_file_fails_the_build(project: Path):
    _add_to_template(project, '<img src="file:///etc/hostname" alt="x">')
    _assert_refused_build(project, "file:///etc/hostname")
    assert not (project / "build" / "site").exists()


def test_stylesheet_reaching_for_a_local_file_fails_the_build_and_keeps_the_old_site(project: Path):
    first = run_cli("build", "--no-pdf", project=project)
    assert first.code == 0, first.stderr
    site = project / "build" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    css = project / "templates" / "assets" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + '\nbody { background: url("file:///etc/hostname"); }\n', encoding="utf-8")
    _assert_refused_build(project, "file:///etc/hostname")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
