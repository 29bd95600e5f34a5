"""A Content-Security-Policy that the reader's browser enforces, on every page.

Static hosting (GitHub Pages) sets no headers, so the policy is a `<meta http-equiv>` tag, the
first thing in each page's <head> after the character set: the browser applies it to everything
the page loads after it. It keeps the site's promise of no request to another host whatever a
future page or template adds: a script, style sheet, font, image, worker or fetch from anywhere
but the site itself is blocked, and the browser reports it (a `securitypolicyviolation` event,
which tests/browser/test_csp.py listens for).

    default-src 'self'              anything not named below: the site only
    script-src 'self' 'sha256-...'  the site's files, and each inline script by its hash
    style-src 'self' 'unsafe-inline'
    img-src 'self' data:            the site's images, and the icons Material's CSS inlines
    font-src 'self'; connect-src 'self'; worker-src 'self'
    object-src 'none'; base-uri 'self'; form-action 'self'

Why each choice:
- Inline scripts run only by hash, never by 'unsafe-inline'. The hashes are computed here, after
  every other hook and plugin has written its pages (the print edition and the offline edition
  included), from the inline scripts the site actually contains. Every page carries the same
  policy, with the hashes of all of them (one policy to read and check; and were Material's
  instant navigation turned on again, it would run the inline scripts of the page it swaps in
  under the policy of the page first loaded).
  Material's `<script id="__config" type="application/json">` is data, not script; CSP does not
  apply to it and it is not hashed.
- Styles allow 'unsafe-inline': every figure is matplotlib SVG, which styles its shapes with
  style="" attributes (thousands, most different), and Material's templates use them too. A hash
  cannot allow an attribute without 'unsafe-hashes' and one hash per distinct value, and a hash
  in style-src would switch 'unsafe-inline' off for the <style> elements (matplotlib's, the print
  edition's). Inline CSS cannot run code, and anything it loads (url() of an image or a font) is
  still held to img-src and font-src: the no-other-host promise stands.
- img-src adds data: for the icons Material's style sheet inlines as data: URLs (no request).
- frame-ancestors, report-uri and sandbox are not allowed in a <meta> policy (browsers ignore
  them and log an error), so the policy has none.

The offline edition (`make offline`, opened from file://) carries the same policy with one more
hash: search runs there in the iframe-worker shim (docs/assets/vendor/), which writes a small
inline script into a hidden frame that inherits the page's policy. That script is built from the
shim's own code and the search worker's address, which differs with the page's depth, so one hash
is added per address the pages use. 'self' allows the edition's own files from disk.

`make serve` gets no policy: its live reload injects an inline script that changes with every
build, and a local preview makes no promise to readers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SHIM = Path(__file__).resolve().parent.parent / "docs" / "assets" / "vendor" / "iframe-worker-shim.js"
SCRIPT = re.compile(r"<script(?P<attributes>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
SCRIPT_TYPE = re.compile(r"""\stype=(["']?)(?P<type>[^"'\s>]*)\1""", re.IGNORECASE)
# The types a browser runs as script (anything else, e.g. application/json, is a data block).
JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "application/ecmascript",
                    "text/ecmascript", "text/jscript"}
CHARSET = '<meta charset="utf-8">'
CONFIG = re.compile(r'<script id="__config" type="application/json">(?P<json>.*?)</script>', re.DOTALL)
DIRECTIVES = [
    ("default-src", ["'self'"]),
    ("script-src", ["'self'"]),  # + the inline scripts' hashes
    ("style-src", ["'self'", "'unsafe-inline'"]),
    ("img-src", ["'self'", "data:"]),
    ("font-src", ["'self'"]),
    ("connect-src", ["'self'"]),
    ("worker-src", ["'self'"]),
    ("object-src", ["'none'"]),
    ("base-uri", ["'self'"]),
    ("form-action", ["'self'"]),
]


serving = {"now": False}


def on_startup(command, dirty):
    serving["now"] = command == "serve"


def script_hash(text: str) -> str:
    """The CSP source that allows an inline script whose text is exactly `text`."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run (no src, a JavaScript type)."""
    found = []
    for match in SCRIPT.finditer(html):
        attributes = match["attributes"]
        if re.search(r"\ssrc\s*=", attributes, re.IGNORECASE):
            continue
        kind = SCRIPT_TYPE.search(attributes)
        if (kind["type"].lower() if kind else "") in JAVASCRIPT_TYPES:
            found.append(match["body"])
    return found


def shim_script(worker_url: str, shim_source: str) -> str:
    """The inline script the iframe-worker shim writes into its frame for a worker at worker_url:
    `postMessage=${c};importScripts=${d};addEventListener("error",...)` with its functions c and d
    as the browser prints them (their source text)."""
    functions = re.search(r"(?P<c>function c\(s,n\)\{.*?\})(?P<d>function d\(\.\.\.s\)\{.*?\})var o=class ",
                          shim_source, re.DOTALL)
    template = re.search(r"<script>(?P<script>postMessage=\$\{c\};importScripts=\$\{d\};.*?)<\\/script>",
                         shim_source, re.DOTALL)
    if not functions or not template:
        raise PluginError(f"{SHIM}: not the iframe-worker shim this hook knows; update hooks/csp.py")
    return (template["script"].replace("${c}", functions["c"]).replace("${d}", functions["d"])
            .replace("${e}", worker_url))


def search_worker_urls(html: str) -> set[str]:
    config = CONFIG.search(html)
    return {json.loads(config["json"])["search"]} if config else set()


def policy(hashes: set[str]) -> str:
    return "; ".join(" ".join([name, *sources, *(sorted(hashes) if name == "script-src" else [])])
                     for name, sources in DIRECTIVES)


def with_policy(html: str, content: str, where: str) -> str:
    if CHARSET not in html:
        raise PluginError(f"{where}: no {CHARSET} to put the Content-Security-Policy after")
    return html.replace(CHARSET, f'{CHARSET}\n    <meta http-equiv="Content-Security-Policy" content="{content}">', 1)


# After every other hook and plugin has written its files (print-site at 0, the print edition's ids
# at -50, the lab style sheets and Material's offline search index at -100).
@event_priority(-1000)
def on_post_build(config):
    if serving["now"]:
        return
    site = Path(config["site_dir"])
    pages = {path: path.read_text(encoding="utf-8") for path in sorted(site.rglob("*.html"))}
    hashes = {script_hash(script) for html in pages.values() for script in inline_scripts(html)}
    offline = config["plugins"].get("material/offline")
    if offline is not None and offline.config.enabled:
        shim = SHIM.read_text(encoding="utf-8")
        hashes |= {script_hash(shim_script(url, shim)) for html in pages.values() for url in search_worker_urls(html)}
    content = policy(hashes)
    for path, html in pages.items():
        path.write_text(with_policy(html, content, path.relative_to(site).as_posix()), encoding="utf-8")
