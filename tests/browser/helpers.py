"""Shared by the browser checks: where things are, the pages of a built site, and what each page's
source (Markdown or notebook) says it should show, read independently of the rendered HTML."""

from __future__ import annotations

import functools
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (scripts/ensure-browser.sh); never Playwright's own
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Every host but the local server fails to resolve: a page that asks for a third-party
    # resource gets an error (and the request is recorded), whether or not the machine is online.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def inject_axe(tab) -> None:
    """Load axe-core into the tab. Evaluated by the browser's devtools protocol, as the test's own
    code: the site's Content-Security-Policy (hooks/csp.py) rightly refuses it as a page script
    (an inline <script> without a known hash), so add_script_tag would be blocked."""
    tab.evaluate(axe_source())


# Every Content-Security-Policy violation (hooks/csp.py) in any frame of a context, as the browser
# reports it to the page: the `securitypolicyviolation` event.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", event => window.__courseCspViolation({
  directive: event.effectiveDirective, blocked: event.blockedURI, page: event.documentURI,
  source: event.sourceFile, line: event.lineNumber, sample: event.sample}));"""


def record_csp_violations(context, sink) -> None:
    """Call sink(violation) for every violation in every page and frame of the browser context."""
    context.expose_binding("__courseCspViolation", lambda source, violation: sink(violation))
    context.add_init_script(CSP_LISTENER)


def watch_csp(context) -> list[dict]:
    """The list every Content-Security-Policy violation in the context is added to."""
    violations: list[dict] = []
    record_csp_violations(context, violations.append)
    return violations


POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="(?P<policy>[^"]+)">')


def directives(policy: str) -> dict[str, list[str]]:
    """'default-src 'self'; img-src 'self' data:' -> {"default-src": ["'self'"], "img-src": [...]}"""
    return {name: sources for name, *sources in (part.split() for part in policy.split(";") if part.strip())}


def assert_no_csp_violation(violations: list[dict], where: str) -> None:
    assert not violations, f"Content-Security-Policy violations ({where}):\n" + "\n".join(
        f"{v['directive']} blocked {v['blocked'] or 'inline'} on {v['page']} ({v['source']}:{v['line']}) "
        f"{v['sample'][:80]!r}" for v in violations[:20])


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


DESKTOP = {"width": 1280, "height": 900}
# True once no CSS transition or animation is running (axe-core measures colours as they are drawn,
# so a fading element would read as low contrast). Infinite animations (spinners) do not count.
SETTLED = """() => document.getAnimations().every(a =>
  a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity)"""
PHONE = {"width": 375, "height": 740}
# Lazy images load only when scrolled near: load the given ones now and resolve once each has loaded
# or failed (or after 5 s). A JavaScript function of a list of <img> elements.
LOAD_IMAGES = """async images => {
  images.forEach(image => { image.loading = "eager"; });
  await Promise.all(images.map(image => image.complete ? null : new Promise(done => {
    image.addEventListener("load", done); image.addEventListener("error", done); setTimeout(done, 5000);
  })));
}"""


@dataclass(frozen=True)
class SitePage:
    """One page of the built site. `path` is its URL path below the site root: "" for the home page,
    "sft/objective/" for docs/sft/objective.md."""

    path: str
    html_file: Path

    @property
    def slug(self) -> str:
        """A file name for the page: "index", "sft--objective"."""
        return self.path.strip("/").replace("/", "--") or "index"

    @property
    def source(self) -> Path | None:
        """The Markdown or notebook the page was built from (None when there is none, e.g. a page
        a plugin generated)."""
        stem = self.path.strip("/")
        candidates = [DOCS / "index.md", DOCS / "README.md"] if not stem else [
            DOCS / f"{stem}.md", DOCS / stem / "index.md", DOCS / stem / "README.md", DOCS / f"{stem}.ipynb"]
        return next((candidate for candidate in candidates if candidate.is_file()), None)

    def source_markdown(self) -> str:
        """The page's Markdown; for a notebook, its Markdown cells joined."""
        source = self.source
        if source is None:
            return ""
        if source.suffix == ".ipynb":
            cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
            return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
        return source.read_text(encoding="utf-8")


def site_pages(site_dir: Path) -> list[SitePage]:
    """Every HTML page of a built site, home page first; not the 404 page, nor the pages that only
    redirect an old address to a new one."""
    pages = []
    for html_file in sorted(site_dir.rglob("*.html")):
        relative = html_file.relative_to(site_dir).as_posix()
        if relative == "404.html" or 'http-equiv="refresh"' in html_file.read_text(encoding="utf-8")[:2000]:
            continue
        path = relative.removesuffix("index.html")
        pages.append(SitePage(path, html_file))
    return sorted(pages, key=lambda page: (page.path != "", page.path))


# ---------------------------------------------------------------------------------------------
# Reading a page's Markdown: fences, math, questions.

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")


@dataclass
class Fence:
    info: str
    body: str  # dedented, without the fence lines


def split_fences(markdown: str) -> tuple[str, list[Fence]]:
    """The Markdown outside fenced blocks, and the fenced blocks (at any indentation)."""
    outside: list[str] = []
    fences: list[Fence] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            outside.append(lines[index])
            index += 1
            continue
        fence = match["fence"]
        end = index + 1
        while end < len(lines) and not re.match(rf"^[ \t]*{re.escape(fence)}[ \t]*$", lines[end]):
            end += 1
        fences.append(Fence(match["info"].strip(), textwrap.dedent("\n".join(lines[index + 1:end]))))
        outside.append("")
        index = end + 1
    return "\n".join(outside), fences


def prose_of(markdown: str) -> str:
    """The page's prose: outside code fences (but with check-yourself questions, whose text is
    Markdown), without inline code and HTML comments."""
    outside, fences = split_fences(markdown)
    text = outside + "\n" + "\n".join(fence.body for fence in fences if fence.info == "quiz")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text, flags=re.DOTALL)


# The formulas pymdownx.arithmatex recognises: $$...$$ and \[...\] displays, \(...\) and $...$ inline
# (a dollar not followed by a space, closed by one not preceded by a space).
MATH_IN_MARKDOWN = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\s)(?:\\.|[^\\$])+?(?<!\s)\$",
    re.DOTALL,
)


def formulas_in_markdown(markdown: str) -> int:
    """How many formulas the Markdown writes, counted from the source alone (paragraph by paragraph,
    since a formula does not span paragraphs)."""
    paragraphs = re.split(r"\n[ \t]*\n", prose_of(markdown))
    return sum(len(MATH_IN_MARKDOWN.findall(paragraph)) for paragraph in paragraphs)


QUIZ_OPTION = re.compile(r"^- \[(?P<mark>[ xX])\] ", re.MULTILINE)


def quizzes_in_markdown(markdown: str) -> list[list[bool]]:
    """For each check-yourself question, in page order: which options are right."""
    _, fences = split_fences(markdown)
    return [[match["mark"] != " " for match in QUIZ_OPTION.finditer(fence.body)]
            for fence in fences if fence.info == "quiz"]


def literal_code_fences(markdown: str) -> list[str]:
    """The code a reader copies from fences written out in the Markdown: not questions, not code run
    at build time, not code included from snippets/ (those show other text than the fence)."""
    _, fences = split_fences(markdown)
    return [fence.body.strip("\n") for fence in fences
            if fence.info.split(" ")[0] != "quiz" and "exec=" not in fence.info
            and "--8<--" not in fence.body and fence.body.strip()]
