"""Build-time context for the code that pages run (markdown-exec fences).

- The examples import each other by module name, as they do when run as `python snippets/NAME.py`,
  so snippets/ goes on sys.path.
- `make offline` (OFFLINE=true) builds a copy to open from disk; instant navigation fetches pages
  with XHR, which browsers refuse from file://, so it is turned off for that build. Search from
  file:// needs the iframe-worker shim, which Material's offline plugin loads from a CDN; the site
  serves its own copy instead (docs/assets/vendor/).
- markdown-exec reports a failing fence without saying which page holds it; this hook prefixes its
  warnings with the page's path, so a broken example names its file.
"""

import logging
import os
import sys
from pathlib import Path

SNIPPETS = str(Path(__file__).resolve().parent.parent / "snippets")
IFRAME_WORKER_SHIM = "assets/vendor/iframe-worker-shim.js"
current_page = {"path": None}


class NameThePage(logging.Filter):
    def filter(self, record):
        if "markdown_exec" in record.name and current_page["path"] and record.levelno >= logging.WARNING:
            record.msg = f"{current_page['path']}: {record.msg}"
        return True


def on_config(config):
    if os.environ.get("OFFLINE", "").lower() == "true":
        features = config["theme"]["features"]
        features[:] = [f for f in features if not f.startswith("navigation.instant")]
        polyfills = config["extra"].get("polyfills", [])
        config["extra"]["polyfills"] = [IFRAME_WORKER_SHIM if "iframe-worker" in url else url
                                        for url in polyfills] or [IFRAME_WORKER_SHIM]
    if SNIPPETS not in sys.path:
        sys.path.insert(0, SNIPPETS)
    for handler in logging.getLogger("mkdocs").handlers:
        if not any(isinstance(existing, NameThePage) for existing in handler.filters):
            handler.addFilter(NameThePage())
    return config


def on_page_markdown(markdown, page, config, files):
    current_page["path"] = f"docs/{page.file.src_uri}"
    return markdown
