"""Render math to MathML Core at build time, and serve the one font it needs.

pymdownx.arithmatex (generic mode) wraps inline math as <span class="arithmatex">\\(...\\)</span>
and display math as <div class="arithmatex">\\[...\\]</div>. This hook replaces each with the
MathML that math-core produces (LaTeX to MathML Core, the MathML that browsers render natively); a
formula it cannot read, or a command it does not know, stops the build with the page and the
formula. The MathML stays in the page, so screen readers read the formulas.

Notebook pages (mkdocs-jupyter) keep their Markdown cells' math as raw $...$ and $$...$$ for
MathJax; this hook renders those to MathML too (outside code, scripts and styles), so labs need no
math script either.

An inline formula and the punctuation right after it are kept on one line (a nowrap span), so that
a comma or a full stop never starts a line on its own.

The font: browsers lay out MathML with the OpenType MATH table of the font in use (big operators,
stretchy brackets, script positions), and most systems have no font with one. The site serves Noto
Sans Math (fonts/, with its licence), subset when the site is built (fontTools) to the characters
that the site's MathML uses, as one woff2 file (assets/fonts/course-math.woff2, font-display:
swap, set on `math` in course.css). Browsers fetch a web font only for a page that draws text in
it, so only pages with math load it. A formula with a character that the font lacks stops the
build, naming the page, the formula and the character: a new symbol cannot silently fall back to
another font.

Subsetting takes about 1.5 s (the woff2 source is decompressed first), so its result is kept in
the examples' cache folder (which hooks/execution.py chooses: .cache/execution, EXECUTION_CACHE) under a key made
of the source font's bytes, fontTools' version and the characters; a site whose pages have no math
gets no font file at all.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from math_core import LatexError, LatexToMathML
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import build_cache

INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>(?P<after>[.,;:!?)\]]*)', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.DOTALL)
NOTEBOOK_DISPLAY = re.compile(r"\$\$(?P<tex>.+?)\$\$", re.DOTALL)
NOTEBOOK_INLINE = re.compile(r"(?<![\\$])\$(?P<tex>[^$\n]+?)\$(?!\$)(?P<after>[.,;:!?)\]]*)")
# Regions of a notebook page whose dollar signs are not math.
NOT_PROSE = re.compile(r"(<(pre|code|script|style)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)

FONT_SOURCE = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansMath-Regular.woff2"
FONT_FILE = "assets/fonts/course-math.woff2"  # below site_dir; course.css's @font-face names it
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
# A one-letter <mi> is drawn in its mathematical italic form (MathML Core's math-auto transform:
# "x" is drawn as U+1D465), so the font must have that form too.
SINGLE_MI = re.compile(r"<mi>([^<&])</mi>")
ITALIC_EXCEPTIONS = {"h": "\u210e", "ϵ": "\U0001d716", "ϑ": "\U0001d717", "ϰ": "\U0001d718",
                     "ϕ": "\U0001d719", "ϱ": "\U0001d71a", "ϖ": "\U0001d71b"}

converter = LatexToMathML(fancy_error=False)
# Characters math-core writes that the font lacks, and the equivalent it has: \tilde's accent.
EQUIVALENT = str.maketrans({"\u02dc": "~"})


def tex_to_mathml(tex: str, display: str, where: str) -> str:
    """MathML Core for one formula; `display` is "block" or "inline"."""
    source = html.unescape(tex).strip()
    try:
        mathml = converter.convert_with_local_state(source, displaystyle=display == "block")
    except LatexError as error:
        raise PluginError(f"{where}: cannot render the formula {source!r}: {error}") from error
    mathml = mathml.translate(EQUIVALENT)
    lacking = sorted(char for char in math_characters(mathml) if drawn(char) and ord(char) not in source_cmap())
    if lacking:
        listed = ", ".join(f"{char} (U+{ord(char):04X})" for char in lacking)
        raise PluginError(f"{where}: the formula {source!r} uses {listed}, which the math font "
                          f"{FONT_SOURCE.name} has no glyph for: write it with another command or "
                          "symbol, or choose a font that has it (hooks/mathml.py)")
    return mathml


def display_math(tex: str, where: str) -> str:
    return '<div class="math-display">' + tex_to_mathml(tex, "block", where) + "</div>"


def inline_math(match: re.Match, where: str) -> str:
    mathml = tex_to_mathml(match["tex"], "inline", where)
    if match["after"]:  # the punctuation stays on the formula's line
        return f'<span class="math-nowrap">{mathml}{match["after"]}</span>'
    return mathml


def render_math(page_html: str, where: str) -> str:
    page_html = DISPLAY.sub(lambda m: display_math(m["tex"], where), page_html)
    return INLINE.sub(lambda m: inline_math(m, where), page_html)


def render_notebook_math(page_html: str, where: str) -> str:
    parts = NOT_PROSE.split(page_html)
    # re.split with two groups yields: prose, whole region, tag name, prose, ...
    out = []
    for index in range(0, len(parts), 3):
        prose = NOTEBOOK_DISPLAY.sub(lambda m: display_math(m["tex"], where), parts[index])
        out.append(NOTEBOOK_INLINE.sub(lambda m: inline_math(m, where), prose))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


# Before print-site (priority 0) copies each page's HTML into the print edition.
@event_priority(60)
def on_page_content(html, page, config, files):
    where = f"docs/{page.file.src_uri}"
    if page.file.src_uri.endswith(".ipynb"):
        return render_notebook_math(html, where)
    return render_math(html, where)


# ---------------------------------------------------------------------------------------------
# The font, subset to what the site's MathML uses.

def italic_form(char: str) -> str | None:
    """The mathematical italic letter that MathML Core draws for a one-letter <mi>, if any."""
    if char in ITALIC_EXCEPTIONS:
        return ITALIC_EXCEPTIONS[char]
    name = unicodedata.name(char, "")
    for prefix in ("LATIN CAPITAL LETTER ", "LATIN SMALL LETTER ", "GREEK CAPITAL LETTER ",
                   "GREEK SMALL LETTER ", ""):
        if name.startswith(prefix) and name:
            case = "CAPITAL " if "CAPITAL" in prefix else "SMALL " if prefix else ""
            try:
                return unicodedata.lookup(f"MATHEMATICAL ITALIC {case}{name[len(prefix):]}")
            except KeyError:
                return None
    return None


def math_characters(page_html: str) -> set[str]:
    """Every character that a page's <math> elements draw (their text, entities decoded, and the
    italic form of each one-letter <mi>)."""
    found: set[str] = set()
    for element in MATH_ELEMENT.findall(page_html):
        found.update(html.unescape(TAG.sub("", element)))
        found.update(filter(None, map(italic_form, SINGLE_MI.findall(element))))
    return found - set(" \t\n\r")  # no-break and thin spaces are drawn: they stay


def drawn(char: str) -> bool:
    """False for characters that draw nothing (variation selectors, invisible operators such as
    U+2061 function application): a font need not have them."""
    return unicodedata.category(char) not in ("Cf", "Mn") or unicodedata.combining(char) != 0


@lru_cache(maxsize=4)
def subset_font(characters: frozenset[str]) -> bytes:
    """The source font cut down to `characters` (and what the MATH table needs to draw them:
    larger sizes and pieces of stretchy brackets, script variants), as woff2. Deterministic: no
    timestamp is written, so two builds give the same bytes."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_SOURCE, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # ssty (script-size forms), flac, dtls, ...
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in characters])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def source_cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT_SOURCE, lazy=True).getBestCmap())


# After print-site (priority 0) has written the print edition, which no on_post_page sees.
@event_priority(-90)
def on_post_build(config):
    """Subset the font to what every built page's math draws (the whole site, not only the pages
    this build rendered: `mkdocs serve --dirty` rebuilds one page)."""
    site = Path(config["site_dir"])
    used: set[str] = set()
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        if "<math" in text:
            used |= math_characters(text)
    if not used:
        return  # no page draws math, so none loads the font
    target = site / FONT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    characters = frozenset(char for char in used if ord(char) in source_cmap())
    target.write_bytes(cached_subset(characters, build_cache.cache_folder(config)))


def cached_subset(characters: frozenset[str], folder: Path | None) -> bytes:
    """subset_font's bytes, from `folder` (the examples' cache folder, None when it is off) when
    the same font, subsetting code, fontTools and characters made them before."""
    key = build_cache.digest([FONT_SOURCE.read_bytes(), "".join(sorted(characters))],
                             code=[Path(__file__)], libraries=["fonttools"])
    return build_cache.cached(folder, "math-font.woff2", key, lambda: subset_font(characters))
