"""`guidance-builder serve`: build, serve build/site on localhost, rebuild on every change.

A preview rebuilds HTML first (fast) and PDFs after. While the content has errors, every
page shows them (and so does the terminal) and the last good site stays on disk.
"""

from __future__ import annotations

import functools
import html
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from guidance_builder.commands import build
from guidance_builder.diagnostics import ContentError
from guidance_builder.project import Project


def configure(parser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    parser.add_argument("--no-pdf", action="store_true", help="never render PDFs")
    parser.add_argument("--once", action="store_true", help="build and serve without watching for changes")


class Preview:
    def __init__(self, project: Project, with_pdf: bool):
        self.project = project
        self.with_pdf = with_pdf
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        for with_pdf in (False, True) if self.with_pdf else (False,):
            try:
                with self.lock:
                    build.run(self.project, with_pdf=with_pdf)
                self.errors = []
                stage = "with PDFs" if with_pdf else "HTML only; PDFs next" if self.with_pdf else "without PDFs"
                print(f"rebuilt ({stage})", file=sys.stderr)
            except ContentError as error:
                self.errors = [str(d) for d in error.diagnostics]
                for line in self.errors:
                    print(line, file=sys.stderr)
                return

    def snapshot(self) -> dict[Path, float]:
        folders = (self.project.content, self.project.templates)
        return {p: p.stat().st_mtime for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()}


def _handler(preview: Preview, directory: Path):
    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if preview.errors and (self.path.endswith((".html", "/")) or "." not in self.path.rsplit("/", 1)[-1]):
                body = _error_page(preview.errors).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, format, *args) -> None:
            pass

    return functools.partial(Handler, directory=str(directory))


def _error_page(errors: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">'
        "<title>Build failed – guidance-builder preview</title></head><body><main>"
        f"<h1>The content has {len(errors)} problem{'s' if len(errors) != 1 else ''}</h1>"
        f"<p>Fix them and save; this page reloads itself. The last good build is kept.</p><ul>{items}</ul></main></body></html>"
    )


def main(args, project: Project) -> int:
    preview = Preview(project, with_pdf=not args.no_pdf)
    preview.rebuild()
    site = project.build / "site"
    site.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(preview, site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", file=sys.stderr)
    seen = preview.snapshot()
    try:
        while True:
            time.sleep(0.5)
            if args.once:
                continue
            now = preview.snapshot()
            if now != seen:
                seen = now
                preview.rebuild()
    finally:
        server.shutdown()
