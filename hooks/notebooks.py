"""Notebook lab pages (rendered by mkdocs-jupyter): no third-party requests, a small search index,
and the actions a student needs at the top of each lab.

- nbconvert's template adds a MathJax loader (an empty <script src=""> plus its configuration) and
  a Mermaid loader that imports from a CDN. Math in labs is rendered to MathML by hooks/mathml.py
  and labs draw no Mermaid diagrams, so both are removed. If a template update changes them, the
  browser test that records every request fails and points here.
- Cell outputs, prompts and the hidden copy of each cell's code are marked `data-search-exclude`,
  so search finds a lab by its prose and code, and printed numbers do not bloat the search index.
  Material's search parser matches elements by tag name, so the mark goes on the innermost
  elements (on an outer <div> the exclusion would end at its first nested </div>).
- nbconvert inlines about 590 KB of JupyterLab CSS into every lab page (and the print edition
  repeats it once per lab). It is moved into one stylesheet, assets/jupyter-HASH.css, that the
  browser downloads once and caches, and cut down to the rules that can apply to the built pages:
  a rule stays when every class its selector names is used by a page that links the stylesheet
  (JupyterLab's rules for toolbars, widgets, dialogs and the like go), and a custom property
  (--jp-...) stays when a remaining rule uses it. What remains is about a tenth.
- A figure's text alternative is its code cell's metadata "alt" (nbconvert would write "No
  description has been provided for this image"); a cell that draws without one stops the build,
  naming the lab and the cell.
- Each figure is a PNG that nbconvert writes into the page as a data: URI (40-60 kB a figure,
  which compression cannot shrink, so a lab's HTML was mostly pictures and its text waited for
  them). The lab page gets each one as a file beside it, figure-HASH.png, named by its bytes, in
  an <img> with its width and height (nothing moves when it arrives) and loading="lazy" (a figure
  below the screen loads when the reader scrolls to it). The print edition keeps the data: URIs:
  it is one file, and printing must not wait for a scroll.
- A lab's description for link previews and search engines is its notebook's metadata
  "description" (Markdown pages use front matter; notebooks have none).
- Each lab starts with: download the notebook, open it in Colab (built from repo_url and
  edit_uri's branch), and what to pip install to run it locally.
- Valid HTML (tests/test_html_validity.py): display math ($$...$$, a <div> once hooks/mathml.py has
  rendered it) is taken out of its paragraph, since a <p> cannot hold a <div> (the browser would
  close the paragraph early and meet a stray </p>); and a heading's explicit anchor
  (<a id="NAME"></a>) is dropped when the heading's own id is already NAME (a duplicate id).
"""

import base64
import hashlib
import html as html_module
import re
import struct
from functools import lru_cache
from pathlib import Path, PurePosixPath

import tinycss2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

import build_cache
from notebook_file import read_notebook

MATHJAX_LOADER = re.compile(
    r'<!-- Load mathjax -->\s*<script src="">\s*</script>.*?<!-- End of mathjax configuration -->',
    re.DOTALL,
)
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?cdnjs\.cloudflare\.com.*?</script>',
                            re.DOTALL)
SEARCH_EXCLUDED = re.compile(
    r'<div class="(clipboard-copy-txt|jp-InputPrompt jp-InputArea-prompt|jp-OutputPrompt jp-OutputArea-prompt|'
    r'jp-RenderedText jp-OutputArea-output|jp-RenderedImage jp-OutputArea-output)"'
)
STYLE_BLOCK = re.compile(r'<style[^>]*>.*?</style>\s*', re.DOTALL)
STYLESHEET_TOKEN = "@jupyter_css/"
# Attributes follow whitespace. A literal start (not \b) lets the search skip ahead: 0.05 s less on
# the 1.5 MB print edition, which every `make serve` rebuild writes anew.
CLASS_ATTRIBUTE = re.compile(r'\sclass="([^"]*)"')
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][-\w]*)")
VAR_REFERENCE = re.compile(r"var\(\s*(--[-\w]+)")
DATA_PNG = re.compile(r'<img (?P<before>[^>]*?)src="data:image/png;base64,(?P<data>[^"]+)"(?P<after>[^>]*)>')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NBCONVERT_ALT = 'alt="No description has been provided for this image"'
CELL_START = re.compile(r'(?=<div class="jp-Cell [^"]*" id="cell-id=)')
CELL_ID = re.compile(r'id="cell-id=([^"]+)"')
PARAGRAPH = re.compile(r"<p>(?P<body>(?:(?!</?p[\s>]).)*?)</p>", re.DOTALL)
NOTEBOOK_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.DOTALL)
HEADING_ANCHOR = re.compile(r'(?P<start><h[1-6] id="(?P<id>[^"]+)"[^>]*>(?:(?!</h[1-6]>).)*?)<a id="(?P=id)"></a>',
                            re.DOTALL)
stylesheets: dict[str, str] = {}  # file name under assets/ -> CSS
LOCAL_REQUIREMENTS = "numpy matplotlib jupyter"


def colab_url(repo_url: str, edit_uri: str, src_uri: str) -> str:
    """https://colab.research.google.com/github/OWNER/REPO/blob/BRANCH/docs/<src_uri>"""
    owner_repo = re.sub(r"^https?://github\.com/", "", repo_url.rstrip("/")).removesuffix(".git")
    parts = edit_uri.strip("/").split("/")  # e.g. edit/main/docs
    branch, docs_dir = (parts[1], "/".join(parts[2:])) if len(parts) >= 3 else ("main", "docs")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{docs_dir}/{src_uri}"


def lab_actions(src_uri: str, repo_url: str, edit_uri: str) -> str:
    name = PurePosixPath(src_uri).name
    return (
        '<div class="lab-actions">'
        f'<a class="md-button md-button--primary" href="{name}" download>Download the notebook</a> '
        f'<a class="md-button" href="{colab_url(repo_url, edit_uri, src_uri)}">Open in Colab</a>'
        f"<p>To run it locally: <code>pip install {LOCAL_REQUIREMENTS}</code>, clone the course "
        f'repository, and open <code>docs/{src_uri}</code>. Labs import the course\'s examples from '
        "<code>snippets/</code>, so a fix there shows up here too.</p>"
        "</div>"
    )


# Before print-site (priority 0) copies each page's HTML into the print edition.
@event_priority(70)
def on_page_content(html, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    notebook = read_notebook(page.file.abs_src_path)
    if "description" in notebook["metadata"]:
        page.meta["description"] = notebook["metadata"]["description"]
    html = describe_figures(html, notebook, f"docs/{page.file.src_uri}")
    html = MATHJAX_LOADER.sub("", html)
    html = MERMAID_LOADER.sub("", html)
    html = SEARCH_EXCLUDED.sub(lambda m: m.group(0) + " data-search-exclude", html)
    html = move_styles_to_stylesheet(html)
    html = HEADING_ANCHOR.sub(r"\g<start>", display_math_out_of_paragraphs(html))
    return lab_actions(page.file.src_uri, config["repo_url"], config["edit_uri"]) + html


def describe_figures(html: str, notebook: dict, where: str) -> str:
    """Give each figure its cell's metadata "alt"; fail on a figure without one."""
    alts = {cell.get("id"): cell["metadata"].get("alt") for cell in notebook["cells"]}
    chunks = CELL_START.split(html)
    for index, chunk in enumerate(chunks):
        if NBCONVERT_ALT not in chunk:
            continue
        cell_id = CELL_ID.search(chunk).group(1)
        if not alts.get(cell_id):
            raise PluginError(f'{where}: cell "{cell_id}" draws a figure but has no "alt" in its metadata '
                              "(a text alternative for readers who cannot see it)")
        chunks[index] = chunk.replace(NBCONVERT_ALT, f'alt="{html_module.escape(alts[cell_id], quote=True)}"')
    return "".join(chunks)


def display_math_out_of_paragraphs(html: str) -> str:
    """<p>text $$x$$ more</p> becomes <p>text</p>$$x$$<p>more</p> (no empty paragraph)."""
    def lift(match):
        body = match["body"]
        if "$$" not in body:
            return match.group(0)
        texts, formulas = NOTEBOOK_DISPLAY_MATH.split(body), NOTEBOOK_DISPLAY_MATH.findall(body)
        parts = []
        for index, text in enumerate(texts):
            if text.strip():
                parts.append(f"<p>{text.strip()}</p>")
            if index < len(formulas):
                parts.append(formulas[index])
        return "\n".join(parts)

    return PARAGRAPH.sub(lift, html)


def move_styles_to_stylesheet(html: str) -> str:
    css = "\n".join(re.sub(r"^<style[^>]*>|</style>\s*$", "", block.strip())
                    for block in STYLE_BLOCK.findall(html))
    if not css:
        return html
    name = f"jupyter-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    stylesheets[name] = css
    link = f'<link rel="stylesheet" href="{STYLESHEET_TOKEN}{name}">'
    return link + STYLE_BLOCK.sub("", html)


def on_post_page(output, page, config):
    """Point the stylesheet link at assets/ from wherever the page (or the print edition) lives,
    and give a lab's figures files of their own."""
    if page.file.src_uri.endswith(".ipynb"):
        folder = (Path(config["site_dir"]) / page.file.dest_uri).parent
        output = figures_to_files(output, folder, f"docs/{page.file.src_uri}")
    if STYLESHEET_TOKEN not in output:
        return output
    return output.replace(STYLESHEET_TOKEN, get_relative_url("assets/", page.url).rstrip("/") + "/")


def figures_to_files(html: str, folder: Path, where: str) -> str:
    """Each <img> with a data: PNG becomes an <img> of folder/figure-HASH.png (written there) with
    the PNG's width and height, loaded lazily."""
    def to_file(match):
        data = base64.b64decode(match["data"])
        if not data.startswith(PNG_SIGNATURE):
            raise PluginError(f"{where}: a figure's data: URI says image/png but does not hold a PNG")
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk, always first
        name = f"figure-{hashlib.sha256(data).hexdigest()[:12]}.png"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        return (f'<img {match["before"]}src="{name}" width="{width}" height="{height}" loading="lazy" '
                f'decoding="async"{match["after"]}>')

    return DATA_PNG.sub(to_file, html)


def split_selectors(prelude) -> list[str]:
    """A rule's selector list, one selector per item (commas inside :is(...) stay inside)."""
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    selectors.append(tinycss2.serialize(current).strip())
    return [selector for selector in selectors if selector]


def required_classes(selector: str) -> set[str]:
    """The classes an element must have for `selector` to match it: those outside parentheses
    (a class inside :not(...) or :is(...) is not required)."""
    while True:
        outside = re.sub(r"\([^()]*\)", "", selector)
        if outside == selector:
            return set(CLASS_SELECTOR.findall(selector))
        selector = outside


def kept_rules(rules, classes: set[str]) -> list[tuple[str, list | str]]:
    """(prelude, declarations) of each rule whose selectors can match, and (at-rule text, nested)
    of @media blocks with such rules; selectors naming a class no page uses are dropped."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [selector for selector in split_selectors(rule.prelude)
                         if required_classes(selector) <= classes]
            if selectors:
                declarations = [d for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                                            skip_whitespace=True)
                                if d.type == "declaration"]
                out.append((", ".join(selectors), declarations))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            nested = kept_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                                classes)
            if nested:
                out.append(("@media" + tinycss2.serialize(rule.prelude).rstrip(), nested))
        elif rule.type == "at-rule" and rule.lower_at_keyword.endswith("keyframes"):
            out.append((rule.serialize(), "keyframes"))
    return out


def trim_stylesheet(css: str, classes: set[str]) -> str:
    """The rules of `css` that can apply to pages using `classes`, with the custom properties they
    use (directly or through other custom properties) and no others."""
    rules = kept_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), classes)

    def declarations(blocks):
        for _prelude, body in blocks:
            if isinstance(body, list) and body and hasattr(body[0], "name"):
                yield from body
            elif isinstance(body, list):
                yield from declarations(body)

    defined = {}
    for declaration in declarations(rules):
        if declaration.name.startswith("--"):
            defined.setdefault(declaration.name, []).append(tinycss2.serialize(declaration.value))
    used = set(VAR_REFERENCE.findall(" ".join(tinycss2.serialize(d.value) for d in declarations(rules)
                                              if not d.name.startswith("--"))))
    pending = list(used)
    while pending:
        for value in defined.get(pending.pop(), []):
            for name in VAR_REFERENCE.findall(value):
                if name not in used:
                    used.add(name)
                    pending.append(name)
    text_of_kept = []

    def write(blocks, indent=""):
        out = []
        for prelude, body in blocks:
            if body == "keyframes":
                continue
            if body and not hasattr(body[0], "name"):  # @media
                inner = write(body, indent + "  ")
                if inner:
                    out.append(f"{indent}{prelude} {{\n" + "\n".join(inner) + f"\n{indent}}}")
                continue
            kept = [f"{d.name}:{tinycss2.serialize(d.value)}{' !important' if d.important else ''}"
                    for d in body if not d.name.startswith("--") or d.name in used]
            if kept:
                out.append(f"{indent}{prelude} {{ " + "; ".join(kept) + " }")
                text_of_kept.append(out[-1])
        return out

    body = write(rules)
    animations = " ".join(text_of_kept)
    keyframes = [prelude for prelude, kind in rules if kind == "keyframes"
                 if re.search(r"keyframes\s+([-\w]+)", prelude) and
                 re.search(r"keyframes\s+([-\w]+)", prelude)[1] in animations]
    return "\n".join(body + keyframes) + "\n"


def cached_trim(css: str, classes: set[str], folder: Path | None) -> str:
    """trim_stylesheet's result, reused while the stylesheet, the classes and this code are the same."""
    key = build_cache.digest([css, " ".join(sorted(classes))], code=[Path(__file__)], libraries=["tinycss2"])
    return build_cache.cached(folder, "jupyter-trimmed.css", key,
                              lambda: trim_stylesheet(css, classes).encode()).decode()


# A `make serve` rebuild reads the labs again unchanged (the print edition changes with every edit):
# a few entries keep them, without holding on to one print edition per rebuild.
@lru_cache(maxsize=8)
def classes_of(html: str) -> frozenset[str]:
    return frozenset(name for value in CLASS_ATTRIBUTE.findall(html) for name in value.split())


# After print-site (priority 0) has written the print edition, which no on_post_page sees.
@event_priority(-100)
def on_post_build(config):
    """Write each notebook stylesheet, trimmed to what the pages that link it use, under a name
    made from its trimmed content, and point those pages at it."""
    site = Path(config["site_dir"])
    pages = {}
    for html_file in site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        if any(name in html for name in stylesheets):
            pages[html_file] = html
    for name, css in stylesheets.items():
        users = [html for html in pages.values() if name in html]
        trimmed = cached_trim(css, set().union(*map(classes_of, users)), build_cache.cache_folder(config)) \
            if users else css
        final = f"jupyter-{hashlib.sha256(trimmed.encode()).hexdigest()[:12]}.css"
        (site / "assets" / final).write_text(trimmed, encoding="utf-8")
        for html_file, html in pages.items():
            pages[html_file] = html.replace(name, final)
    for html_file, html in pages.items():
        if STYLESHEET_TOKEN in html:
            assets = get_relative_url("assets/", html_file.parent.relative_to(site).as_posix() + "/")
            html = html.replace(STYLESHEET_TOKEN, assets.rstrip("/") + "/")
        html_file.write_text(html, encoding="utf-8")
