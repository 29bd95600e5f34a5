"""The PDF edition: Debian's Chromium prints the print page (/print_page/, made by
mkdocs-print-site-plugin and hooks/print_edition.py) of a built site to PDF.

    python scripts/make_pdf.py site        (make pdf: writes site/downloads/why-sft-is-not-enough.pdf)

The site is served on 127.0.0.1 for the print, as a reader's browser would load it. The PDF has
the print page's cover (the edition and its date) and table of contents, every chapter on a new
page with its questions' answers at its end, an outline (bookmarks) from the headings, and at the
foot of every page the edition and the page number. tests/browser/test_print_edition.py prints the
session's site with the same function (print_pdf) and reads the PDF back.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "scripts"))
from bench_sites import site_prefix  # noqa: E402  (the path of the site's site_url)
from helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the one list of browser flags)

_spec = importlib.util.spec_from_file_location("course_downloads", REPO / "hooks" / "downloads.py")
downloads = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(downloads)

PDF = downloads.path("pdf")  # downloads/why-sft-is-not-enough.pdf, as the pages link it
PRINT_PAGE = "print_page/index.html"


def print_pdf(page, url: str) -> bytes:
    """Print the page at `url` (a Playwright page of Debian's Chromium) as the PDF edition. The
    page size, margins and the foot of every page (edition, page number) are the print page's
    CSS (hooks/print_edition.py), so a reader who prints it from a browser gets the same."""
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.pdf(print_background=True, prefer_css_page_size=True, outline=True, tagged=True)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site below `prefix`, the path of its site_url, as hosting does; quietly."""

    prefix = "/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no such file")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """The built site on 127.0.0.1 (a free port), in a thread; returns the server and the site's URL."""
    prefix = site_prefix(site)
    handler = type("Handler", (SiteHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def main(site: Path) -> Path:
    from playwright.sync_api import sync_playwright

    if not (site / PRINT_PAGE).is_file():
        sys.exit(f"make_pdf: {site / PRINT_PAGE} is missing: build the site first (make build)")
    target = site / PDF
    target.parent.mkdir(parents=True, exist_ok=True)
    server, url = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            target.write_bytes(print_pdf(page, url + "print_page/"))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(json.dumps({"pdf": str(target), "bytes": target.stat().st_size}))
    return target


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "site"))
