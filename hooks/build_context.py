"""Build-time context for the code that pages run (markdown-exec fences).

- The examples import each other by module name, as they do when run as `python snippets/NAME.py`,
  so snippets/ (beside the configuration file) goes on sys.path.
- `make offline` (OFFLINE=true) builds a copy to open from disk; instant navigation fetches pages
  with XHR, which browsers refuse from file://, so it is turned off for that build. Search from
  file:// needs the iframe-worker shim, which Material's offline plugin loads from a CDN; the site
  serves its own copy instead (docs/assets/vendor/).
- A page links the print edition (made by print-site, not a Markdown page, so MkDocs cannot check
  or rewrite a link to it) as <a href="@print_page">; the hook writes the right relative URL, which
  differs between the online and the offline build.
- What an example prints is kept out of the search index (data-search-exclude).
- markdown-exec reports a failing fence without saying which page holds it; this hook prefixes its
  warnings with the page's path, so a broken example names its file, and leaves out the copy of
  the fence's whole code (snippet included) that it prints before the traceback: the traceback
  shows the failing line, and hooks/execution.py adds the fence's line in the page.
- MkDocs hands hooks a page's Markdown without its front matter. Every hook that reports a line
  adds `page.source_line_offset` (set here, first of all hooks), so that it names the line of the
  source file.
"""

import logging
import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

PRINT_PAGE_TOKEN = "@print_page"
IFRAME_WORKER_SHIM = "assets/vendor/iframe-worker-shim.js"
current_page = {"path": None}


CODE_DUMP = re.compile(r"\n\nCode block is:\n\n.*?\n\nOutput is:\n\n", re.DOTALL)


class NameThePage(logging.Filter):
    def filter(self, record):
        if "markdown_exec" in record.name and current_page["path"] and record.levelno >= logging.WARNING:
            message = CODE_DUMP.sub("\n\n", str(record.msg))
            record.msg = f"{current_page['path']}: {message}"
        return True


def on_config(config):
    if os.environ.get("OFFLINE", "").lower() == "true":
        features = config["theme"]["features"]
        features[:] = [f for f in features if not f.startswith("navigation.instant")]
        polyfills = config["extra"].get("polyfills", [])
        config["extra"]["polyfills"] = [IFRAME_WORKER_SHIM if "iframe-worker" in url else url
                                        for url in polyfills] or [IFRAME_WORKER_SHIM]
    snippets = str(Path(config["config_file_path"]).resolve().parent / "snippets")
    if snippets not in sys.path:
        sys.path.insert(0, snippets)
    for handler in logging.getLogger("mkdocs").handlers:
        if not any(isinstance(existing, NameThePage) for existing in handler.filters):
            handler.addFilter(NameThePage())
    return config


def front_matter_lines(source: str, markdown: str) -> int:
    """How many lines of the source file come before `markdown` (its front matter, stripped)."""
    return source[: len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0


# Before every other hook, while `markdown` is still the file's text without its front matter.
@event_priority(1000)
def on_page_markdown(markdown, page, config, files):
    current_page["path"] = f"docs/{page.file.src_uri}"
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig") if page.file.abs_src_path else ""
    page.source_line_offset = front_matter_lines(source.replace("\r\n", "\n"), markdown.replace("\r\n", "\n"))
    return markdown


# What an example printed (markdown-exec's result="text" blocks) stays out of the search index,
# as the labs' outputs do: search finds a page by its prose and its code, and every page loads
# the index. Material's search parser matches elements by tag name, so the mark goes on <code>.
PRINTED_OUTPUT = '<div class="language-text highlight"><pre><span></span><code>'


# Before print-site (priority 0) copies each page's HTML into the print edition, so that the print
# edition's copy links the print edition too (hooks/valid_html.py points it at its own top).
@event_priority(10)
def on_page_content(html, page, config, files):
    html = html.replace(PRINTED_OUTPUT, PRINTED_OUTPUT.replace("<code>", "<code data-search-exclude>"))
    if PRINT_PAGE_TOKEN not in html:
        return html
    if "print-site" not in config["plugins"]:
        raise PluginError(f"docs/{page.file.src_uri}: links the print edition, but print-site is off")
    print_page = "print_page/" if config["use_directory_urls"] else "print_page.html"
    return html.replace(PRINT_PAGE_TOKEN, get_relative_url(print_page, page.url))
