"""Build-time context for the code that pages run (markdown-exec fences).

- The examples import each other by module name, as they do when run as `python snippets/NAME.py`,
  so snippets/ (beside the configuration file) goes on sys.path.
- `make offline` (OFFLINE=true) builds a copy to open from disk. Search from
  file:// needs the iframe-worker shim, which Material's offline plugin loads from a CDN; the site
  serves its own copy instead (docs/assets/vendor/).
- A page links the print edition (made by print-site, not a Markdown page, so MkDocs cannot check
  or rewrite a link to it) as <a href="@print_page">; the hook writes the right relative URL, which
  differs between the online and the offline build.
- What an example prints is kept out of the search index (data-search-exclude), and so is shown
  code: every page loads the whole index. In its place the index holds the names that each code
  block defines or uses (`masked_sequence_loss`, `logaddexp`), once per section, so that a search
  for a function or variable still finds the section that shows it. The list is for the index
  only: it is taken out of the page again before the page is written. Formulas stay out of the
  index too (their text, "θ~=arg maxθ∑...", matches no query).
- markdown-exec reports a failing fence without saying which page holds it; this hook prefixes its
  warnings with the page's path, so a broken example names its file, and leaves out the copy of
  the fence's whole code (snippet included) that it prints before the traceback: the traceback
  shows the failing line, and hooks/execution.py adds the fence's line in the page.
- MkDocs hands hooks a page's Markdown without its front matter. Every hook that reports a line
  adds `page.source_line_offset` (set here, first of all hooks), so that it names the line of the
  source file.
- Jinja compiles the theme's templates afresh in every build (MkDocs and print-site each make an
  environment), a third of a `make serve` rebuild; compiled templates are kept in the cache folder
  (Jinja compares each template's source before it reuses one). None are kept when the cache is off.
  The theme's file list leaves out its dot folders (Material's 14,000 icons), which MkDocs never
  copies: 0.3 s of every build.
- `make serve` looks for saved files every 0.1 s, not every 0.5 s (on_serve).
"""

import html as html_module
import io
import keyword
import logging
import os
import re
import sys
import tokenize
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

import build_cache

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


def visible_templates(searchpath: list[str]) -> list[str]:
    """What Jinja's FileSystemLoader.list_templates gives for `searchpath`, less every path with a
    part that starts with a dot: MkDocs copies none of those into the site (the filter of its
    Files.add_files_from_theme, the only caller), and Material's .icons folder alone holds 14,000
    files, whose listing and filtering took 0.3 s of every build and `make serve` rebuild."""
    found = set()
    for folder in searchpath:
        for where, folders, names in os.walk(folder, followlinks=True):
            folders[:] = [name for name in folders if not name.startswith(".")]
            prefix = Path(where).relative_to(folder).as_posix()
            found.update(name if prefix == "." else f"{prefix}/{name}" for name in names if not name.startswith("."))
    return sorted(found)


def faster_theme_env(config) -> None:
    """Every Jinja environment the build makes (MkDocs' and print-site's) lists the theme's files
    without its dot folders (visible_templates) and, when the cache is on, keeps its compiled
    templates in the cache folder."""
    import jinja2

    folder = build_cache.cache_folder(config)
    theme = config["theme"]
    make_env = type(theme).get_env
    where = None if folder is None else Path(folder) / f"templates-jinja-{jinja2.__version__}"
    if where is not None:
        where.mkdir(parents=True, exist_ok=True)

    def get_env():
        env = make_env(theme)
        env.loader.list_templates = lambda: visible_templates(env.loader.searchpath)
        if where is not None:
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(where))
        return env

    theme.get_env = get_env


def on_pre_build(config):  # hooks/execution.py has chosen the cache folder (on_config)
    faster_theme_env(config)


# `make serve` notices a save within this many seconds. MkDocs polls the files it watches every
# half second (its PollingObserver), which is a third of the wait from a save to the reloaded page.
SAVE_POLL_SECONDS = 0.1


def on_serve(server, config, builder):
    """The files MkDocs watches (docs/, mkdocs.yml, the theme with --watch-theme) are watched again
    by an observer that polls more often; `watch:` in mkdocs.yml is added after this event."""
    from watchdog.observers.polling import PollingObserver

    watched = dict(server._watched_paths)  # path -> how many times it was asked for
    for path, times in watched.items():
        for _ in range(times):
            server.unwatch(path)
    server.observer = PollingObserver(timeout=SAVE_POLL_SECONDS)
    for path, times in watched.items():
        for _ in range(times):
            server.watch(path)
    return server


def on_config(config):
    if os.environ.get("OFFLINE", "").lower() == "true":
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


# Shown code in the search index: the names only (see the module's docstring).
CODE_BLOCK = re.compile(r"<pre\b(?P<attrs>[^>]*)>(?P<code>.*?)</pre>", re.DOTALL)
HEADING_ID = re.compile(r"<h[1-6][^>]*\bid=\"(?P<id>[^\"]+)\"")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
IDENTIFIERS = re.compile(r'<p data-course-identifiers>.*?</p>', re.DOTALL)


def python_names(code: str) -> list[str]:
    """The NAME tokens of Python code (not its comments or strings); for code that is not Python
    (a shell line), every word that looks like a name."""
    try:
        return [token.string for token in tokenize.generate_tokens(io.StringIO(code).readline)
                if token.type == tokenize.NAME]
    except (tokenize.TokenError, SyntaxError):
        return NAME.findall(code)


def code_names(code_html: str) -> list[str]:
    """The names a block of code uses, in order, once each: no keywords, and no one- and
    two-letter names (`x`, `np`), which no reader searches for."""
    code = html_module.unescape(re.sub(r"<[^>]+>", "", code_html))
    return list(dict.fromkeys(name for name in python_names(code)
                              if len(name) > 2 and not keyword.iskeyword(name)))


def index_names_not_code(content: str) -> str:
    """Each code block marked data-search-exclude, followed by a paragraph of its names (those not
    yet listed in the same section) for the index."""
    out, position, listed, section = [], 0, set(), None
    headings = [(match.start(), match["id"]) for match in HEADING_ID.finditer(content)]
    for block in CODE_BLOCK.finditer(content):
        if "data-search-exclude" in block.group(0):  # printed output: nothing to index
            continue
        here = next((heading for start, heading in reversed(headings) if start < block.start()), None)
        if here != section:
            listed, section = set(), here
        names = [name for name in code_names(block["code"]) if name not in listed]
        listed.update(names)
        out.append(content[position:block.start()])
        out.append(f"<pre data-search-exclude{block['attrs']}>{block['code']}</pre>")
        if names:
            out.append(f"<p data-course-identifiers><code>{' '.join(names)}</code></p>")
        position = block.end()
    out.append(content[position:])
    return "".join(out)


# Before the search plugin (priority 0) indexes the page.
@event_priority(10)
def on_page_context(context, page, config, nav):
    if page.content and "<pre" in page.content:
        page.content = index_names_not_code(page.content)
    if page.content and "<math" in page.content:
        page.content = page.content.replace("<math", "<math data-search-exclude")
    return context


# print-site adds its stylesheets and script to every page; only the print edition uses them, and
# it is written by print-site itself, never through on_post_page.
# The tags alone, and the white space before each taken off by rstrip: a leading \s* in the
# pattern would be tried again from every position of a run of white space (Material's navigation
# has runs of hundreds), in time that grows with the square of the run's length.
PRINT_SITE_ASSETS = re.compile(r'<link rel="stylesheet" href="[^"]*css/print-site(?:-[a-z]+)?\.css">'
                               r'|<script src="[^"]*js/print-site\.js"></script>')


def without_print_site_assets(output: str) -> str:
    parts = PRINT_SITE_ASSETS.split(output)
    return "".join([part.rstrip() for part in parts[:-1]] + parts[-1:])


def on_post_page(output, page, config):
    """The names were for the index: the page shows the code itself. print-site's assets are for
    the print edition only."""
    output = IDENTIFIERS.sub("", output).replace("<pre data-search-exclude", "<pre")
    output = output.replace("<math data-search-exclude", "<math")
    return without_print_site_assets(output)
