"""`guidance-builder serve`: build, serve build/site on localhost, rebuild on every change.

A preview rebuilds HTML first (fast) and PDFs after. While the content has errors, every
page shows them (and so does the terminal) and the last good site stays on disk.
"""

from __future__ import annotations

import errno
import functools
import html
import sys
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jinja2

from guidance_builder.commands import build
from guidance_builder.diagnostics import ContentError, Diagnostic, Location
from guidance_builder.project import Project
from guidance_builder.render.environment import template_problem


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
                self.show([str(d) for d in error.diagnostics])
                return
            except jinja2.TemplateError as error:  # a template being edited: shown like a content error
                self.show([template_problem(error, self.project)])
                return

    def show(self, errors: list[str]) -> None:
        self.errors = errors
        for line in errors:
            print(line, file=sys.stderr)

    def snapshot(self) -> dict[Path, float]:
        folders = (self.project.content, self.project.templates)
        return {p: p.stat().st_mtime for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()}


def _handler(preview: Preview, directory: Path):
    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if preview.errors and (self.path.endswith((".html", "/")) or "." not in self.path.rsplit("/", 1)[-1]):
                self._send_page(200, _error_page(preview.errors).encode())
                return
            super().do_GET()

        def send_head(self):
            try:
                return super().send_head()
            except ValueError:  # a path no file can have, such as one with a NUL byte (/%00)
                self.send_error(HTTPStatus.NOT_FOUND)
                return None

        def list_directory(self, path):
            """A folder without an index page is not part of the site: no listing of its files."""
            self.send_error(HTTPStatus.NOT_FOUND)
            return None

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            page = directory / "404.html"
            if code != HTTPStatus.NOT_FOUND or self.command != "GET" or not page.is_file():
                super().send_error(code, message, explain)
                return
            # The site's own page; its links are relative to the site's root, wherever the missing page was.
            body = page.read_bytes().replace(b"<head>", b'<head><base href="/">', 1)
            self._send_page(code, body)

        def _send_page(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

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


def listen(port: int, handler) -> ThreadingHTTPServer:
    """The server, bound before anything is built: a port that cannot be used is said at once."""
    where = Location("serve")
    if not 0 <= port <= 65535:
        raise ContentError([Diagnostic(where, f"port {port} is out of range", "give a port from 1024 to 65535, such as --port 8000")])
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            message, hint = f"port {port} is already in use", "stop what is using it, or choose another port, such as --port 8001"
        else:
            message, hint = f"cannot listen on port {port}: {error.strerror}", "choose a port from 1024 to 65535, such as --port 8000"
        raise ContentError([Diagnostic(where, message, hint)]) from None


def main(args, project: Project) -> int:
    preview = Preview(project, with_pdf=not args.no_pdf)
    site = project.build / "site"
    server = listen(args.port, _handler(preview, site))
    try:
        preview.rebuild()
        site.mkdir(parents=True, exist_ok=True)
    except BaseException:
        server.server_close()
        raise
    seen = preview.snapshot()  # before saying so: a change saved the moment after is seen
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", file=sys.stderr)
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
        server.server_close()
