"""A small static file server for the benchmark, with gzip like real hosting.

GitHub Pages and every CDN compress text responses; a benchmark served without compression measures
a site no reader sees (see docs/about/performance.md). This server answers HTTP/1.1 with keep-alive
(as real hosting does: a page's resources share one connection), and when `compress` is on and the
browser accepts gzip, sends text types gzip-compressed (level 6, what nginx and most CDNs use).

    with StaticServer(site_dir, compress=True, prefix="/course/") as server:
        print(server.url)   # http://127.0.0.1:PORT/course/

The site is served under the path of its site_url (`prefix`), as GitHub Pages serves a project
site: pages that use absolute paths built from site_url (the print page does) then work.
"""

from __future__ import annotations

import gzip
import mimetypes
import posixpath
import sys
import threading
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = {
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript", "application/javascript",
    "application/json", "application/xml", "image/svg+xml", "application/manifest+json",
}
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
         ".ipynb": "application/json", ".xml": "application/xml", ".md": "text/plain"}


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or (
        "application/octet-stream")


@lru_cache(maxsize=4096)
def gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names under root (directories serve index.html), or None."""
    clean = posixpath.normpath(unquote(urlsplit(url_path).path))
    parts = [part for part in clean.split("/") if part and part not in (".", "..")]
    target = root.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def make_handler(root: Path, compress: bool, prefix: str = "/"):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def do_HEAD(self):
            self.respond(send_body=False)

        def do_GET(self):
            self.respond(send_body=True)

        def respond(self, send_body: bool):
            path_only = urlsplit(self.path).path
            if not (path_only + "/").startswith(prefix):
                return self.send(404, "text/plain", b"Not found", send_body)
            path_only = "/" + path_only[len(prefix):]
            target = resolve(root, path_only)
            if target is None:
                not_found = root / "404.html"
                body = not_found.read_bytes() if not_found.is_file() else b"Not found"
                return self.send(404, "text/html", body, send_body)
            if (root / path_only.lstrip("/")).is_dir() and not path_only.endswith("/"):
                self.send_response(301)
                self.send_header("Location", prefix.rstrip("/") + path_only + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            kind = content_type(target)
            accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
            if compress and accepts_gzip and kind in COMPRESSIBLE:
                body = gzipped(str(target), target.stat().st_mtime_ns)
                return self.send(200, kind, body, send_body, encoding="gzip")
            return self.send(200, kind, target.read_bytes(), send_body)

        def send(self, status, kind, body, send_body, encoding=None):
            self.send_response(status)
            charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith(
                ("json", "xml")) else ""
            self.send_header("Content-Type", kind + charset)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            if compress:
                self.send_header("Vary", "Accept-Encoding")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A browser that drops a kept-alive connection is normal; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StaticServer:
    """Serve a directory under `prefix` on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, root: Path, compress: bool, prefix: str = "/"):
        self.root = Path(root)
        self.compress = compress
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.httpd = QuietServer(("127.0.0.1", 0), make_handler(self.root, compress, self.prefix))
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}{self.prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
