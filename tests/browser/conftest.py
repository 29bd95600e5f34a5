"""Fixtures of the real-browser checks: the built site served on 127.0.0.1, one headless Debian
chromium for the whole session (driven by Playwright; Playwright's own browser is never used), and
one visit of every page in the light and the dark scheme, whose findings several tests read.

The site is the one tests/conftest.py's `built_site` builds with --strict. To check a site built
elsewhere instead (e.g. a throw-away configuration), set COURSE_SITE_DIR to its folder.
Screenshots of every page go to $SCREENSHOTS (default test-results/screenshots; a relative path is
taken from the repository root), in light/ and dark/.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .helpers import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    LOAD_IMAGES,
    REPO,
    SETTLED,
    SitePage,
    assert_no_csp_violation,
    inject_axe,
    record_csp_violations,
    site_pages,
)

sys.path.insert(0, str(REPO / "scripts"))
# Pages are served under the path of site_url, as hosting does (the print page uses absolute paths).
from bench_sites import site_prefix  # noqa: E402

# The site below its prefix, quietly: the server `make pdf` prints from.
from make_pdf import SiteHandler  # noqa: E402

SCHEMES = {"light": "default", "dark": "slate"}  # colour scheme -> Material's data-md-color-scheme


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    override = os.environ.get("COURSE_SITE_DIR")
    if override:
        return Path(override).resolve()
    return request.getfixturevalue("built_site")


@pytest.fixture(scope="session")
def base_url(site_dir):
    """The built site served by a local HTTP server on a free port of 127.0.0.1, below the path of
    its site_url: http://127.0.0.1:PORT/why-sft-is-not-enough/."""
    prefix = site_prefix(site_dir)
    handler = type("Handler", (SiteHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=site_dir))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{prefix}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def pages(site_dir) -> list[SitePage]:
    found = site_pages(site_dir)
    assert found and found[0].path == "", f"no home page in {site_dir}"
    return found


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: run `make browser` (scripts/ensure-browser.sh)"
    assert AXE.is_file(), f"{AXE} is missing: run `make browser` (scripts/ensure-browser.sh)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, request):
    """Makes browser contexts (desktop size, light scheme unless told otherwise) closed after the test,
    which fails if the site's Content-Security-Policy blocked anything in them (hooks/csp.py)."""
    contexts, violations = [], []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("color_scheme", "light")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        record_csp_violations(context, violations.append)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert_no_csp_violation(violations, request.node.name)


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("SCREENSHOTS", "test-results/screenshots"))
    return folder if folder.is_absolute() else REPO / folder


@dataclass
class Visit:
    """What one page showed in one colour scheme."""

    page: SitePage
    scheme: str
    status: int | None = None
    color_scheme_attribute: str | None = None
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    visible_text: str = ""
    math_elements: int = 0
    axe_violations: list[dict] = field(default_factory=list)
    csp_violations: list[dict] = field(default_factory=list)
    screenshot: Path | None = None
    page_height: int = 0
    root: dict = field(default_factory=dict)  # the root's colour scheme and classes, the color-scheme metas


# Once loaded: the colour scheme, every <img> (lazy ones included) once it has loaded or failed,
# the text outside code, scripts and rendered math, the number of <math> elements, the height, and
# the root element's colour scheme and classes with the number of <meta name="color-scheme">.
READ_PAGE = """async () => {
  const images = [...document.images];
  await (""" + LOAD_IMAGES + """)(images);
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll("pre, code, kbd, samp, script, style, textarea, math, svg").forEach(e => e.remove());
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    images: images.map(image => ({src: image.currentSrc || image.src, complete: image.complete,
                                  naturalWidth: image.naturalWidth})),
    text: clone.textContent,
    math: document.querySelectorAll("math").length,
    height: document.documentElement.scrollHeight,
    root: {scheme: getComputedStyle(document.documentElement).colorScheme,
           classes: document.documentElement.className,
           colorSchemeMetas: document.querySelectorAll("meta[name=color-scheme]").length},
  };
}"""

# axe-core is started without waiting for it (so that the other tab's screenshot is taken while it
# runs) and its findings collected afterwards. It starts once no transition is running (SETTLED).
START_AXE = """settled => {
  const isSettled = eval(settled);
  const start = Date.now();
  window.__axe = new Promise(done => {
    const wait = () => (isSettled() || Date.now() - start > 3000) ? done() : requestAnimationFrame(wait);
    setTimeout(wait);  // in a task of its own: this call returns at once, and axe runs meanwhile
  }).then(() => axe.run(document, {resultTypes: ["violations"]})).then(results =>
    results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map(node => node.target.join(" ")),
      summary: v.nodes.length ? v.nodes[0].failureSummary : ""})));
}"""
AXE_RESULTS = "() => window.__axe"
# A page taller than this is captured only down to PARTIAL_SCREENSHOT_HEIGHT: that is the print
# edition, which holds the whole course (every part of which is captured as its own page); its
# cover and table of contents are what it adds. Course pages are well under the limit.
MAX_SCREENSHOT_HEIGHT = 25_000
PARTIAL_SCREENSHOT_HEIGHT = 6_000


class Tab:
    """One browser tab in one colour scheme, recording what each visit logs and requests."""

    def __init__(self, browser, scheme: str):
        self.scheme = scheme
        self.context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        self.context.set_default_timeout(20_000)
        self.tab = self.context.new_page()
        self.visit: Visit | None = None
        self.response = None
        self.tab.on("request", lambda request: self.visit.requests.append(request.url))
        self.tab.on("console", lambda message: message.type == "error" and self.visit.console_errors.append(
            f"{message.text} ({message.location.get('url', '')})"))
        self.tab.on("pageerror", lambda error: self.visit.console_errors.append(f"uncaught: {error}"))
        record_csp_violations(self.context, lambda violation: self.visit.csp_violations.append(violation))

    def start(self, page: SitePage, url: str) -> Visit:
        self.visit = Visit(page, self.scheme)
        self.response = self.tab.goto(url, wait_until="commit")
        return self.visit

    def read(self):
        """Once loaded: status, scheme, images, text, height; then axe-core is injected."""
        self.tab.wait_for_load_state("load")
        visit = self.visit
        visit.status = self.response.status if self.response else None
        found = self.tab.evaluate(READ_PAGE)
        visit.color_scheme_attribute, visit.images = found["scheme"], found["images"]
        visit.visible_text, visit.math_elements, visit.page_height = found["text"], found["math"], found["height"]
        visit.root = found["root"]
        inject_axe(self.tab)

    def start_axe(self):
        self.tab.evaluate(START_AXE, SETTLED)

    def finish_axe(self):
        self.visit.axe_violations = self.tab.evaluate(AXE_RESULTS)

    def screenshot(self, path: Path):
        """JPEG (quality 85): for a person to look at, and half the time of a PNG of a long page."""
        self.visit.screenshot = path
        options = {"path": path, "full_page": True, "animations": "disabled", "type": "jpeg", "quality": 85}
        if self.visit.page_height > MAX_SCREENSHOT_HEIGHT:
            options["clip"] = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": PARTIAL_SCREENSHOT_HEIGHT}
        self.tab.screenshot(**options)


@pytest.fixture(scope="session")
def visits(browser, base_url, pages) -> dict[tuple[str, str], Visit]:
    """Every page, once in the light and once in the dark scheme (the reader's system preference,
    which Material's palette follows until the reader uses the toggle): its HTTP status, console
    errors, Content-Security-Policy violations, every request it made, its images, its text,
    axe-core's findings and a full-page screenshot. Keyed by (scheme, page path)."""
    shots = screenshot_dir()
    for scheme in SCHEMES:
        (shots / scheme).mkdir(parents=True, exist_ok=True)
        for stale in [*(shots / scheme).glob("*.png"), *(shots / scheme).glob("*.jpg")]:
            stale.unlink()
    light, dark = Tab(browser, "light"), Tab(browser, "dark")
    found: dict[tuple[str, str], Visit] = {}
    found["dark", pages[0].path] = dark.start(pages[0], base_url + pages[0].path)
    for index, page in enumerate(pages):
        # The two tabs work at once: each tab's axe-core runs while the other tab is photographed,
        # and the dark tab loads the next page while the light tab's axe-core finishes.
        found["light", page.path] = light.start(page, base_url + page.path)
        for tab in (light, dark):
            tab.read()
        dark.start_axe()
        light.screenshot(shots / "light" / f"{page.slug}.jpg")
        dark.finish_axe()
        light.start_axe()
        dark.screenshot(shots / "dark" / f"{page.slug}.jpg")
        if index + 1 < len(pages):
            following = pages[index + 1]
            found["dark", following.path] = dark.start(following, base_url + following.path)
        light.finish_axe()
    time.sleep(0.2)  # let the last page's late requests and messages arrive
    for tab in (light, dark):
        tab.context.close()
    return found


def pytest_terminal_summary(terminalreporter):
    """Print the search evaluation's score (test_search_evaluation.py records it), pass or fail."""
    scores = {value for outcome in ("passed", "failed") for report in terminalreporter.stats.get(outcome, [])
              for name, value in getattr(report, "user_properties", ()) if name == "search evaluation"}
    for score in sorted(scores):
        terminalreporter.write_sep("-", f"search evaluation: {score}")
