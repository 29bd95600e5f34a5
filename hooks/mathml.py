"""Render math to MathML at build time, so pages load no math script and no web font.

pymdownx.arithmatex (generic mode) wraps inline math as <span class="arithmatex">\\(...\\)</span>
and display math as <div class="arithmatex">\\[...\\]</div>. This hook replaces each with the
MathML that latex2mathml produces; browsers render MathML natively. A formula latex2mathml cannot
read stops the build with the page and the formula.

Notebook pages (mkdocs-jupyter) keep their Markdown cells' math as raw $...$ and $$...$$ for
MathJax; this hook renders those to MathML too (outside code, scripts and styles), so labs need no
math script either.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.DOTALL)
OPERATORNAME = re.compile(r"\\operatorname\*?\{(?P<name>[^{}]+)\}")
BARE_OPERATOR = re.compile(r"\\(?P<name>arg|argmax|argmin)(?![A-Za-z])")
# latex2mathml passes a command it does not know through as text, e.g. <mi>\notacommand</mi>.
UNKNOWN_COMMAND = re.compile(r"<m[ion]>(?P<command>\\[A-Za-z]+)</m[ion]>")
NOTEBOOK_DISPLAY = re.compile(r"\$\$(?P<tex>.+?)\$\$", re.DOTALL)
NOTEBOOK_INLINE = re.compile(r"(?<![\\$])\$(?P<tex>[^$\n]+?)\$(?!\$)")
# Regions of a notebook page whose dollar signs are not math.
NOT_PROSE = re.compile(r"(<(pre|code|script|style)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)


def normalise(tex: str) -> str:
    """Rewrite the few operator forms latex2mathml renders badly into ones it renders well."""
    def as_word(match):
        return r"\text{" + match["name"].replace(r"\,", " ") + "}"

    return BARE_OPERATOR.sub(as_word, OPERATORNAME.sub(as_word, tex))


def tex_to_mathml(tex: str, display: str, where: str) -> str:
    source = html.unescape(tex).strip()
    try:
        mathml = convert(normalise(source), display=display)
    except Exception as error:  # latex2mathml raises several exception types
        raise PluginError(f"{where}: cannot render the formula {source!r}: {error!r}") from error
    unknown = UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise PluginError(f"{where}: unknown TeX command {unknown['command']} in the formula {source!r}")
    return mathml


def render_math(page_html: str, where: str) -> str:
    page_html = DISPLAY.sub(
        lambda m: '<div class="math-display">' + tex_to_mathml(m["tex"], "block", where) + "</div>",
        page_html,
    )
    return INLINE.sub(lambda m: tex_to_mathml(m["tex"], "inline", where), page_html)


def render_notebook_math(page_html: str, where: str) -> str:
    parts = NOT_PROSE.split(page_html)
    # re.split with two groups yields: prose, whole region, tag name, prose, ...
    out = []
    for index in range(0, len(parts), 3):
        prose = parts[index]
        prose = NOTEBOOK_DISPLAY.sub(
            lambda m: '<div class="math-display">' + tex_to_mathml(m["tex"], "block", where) + "</div>",
            prose,
        )
        out.append(NOTEBOOK_INLINE.sub(lambda m: tex_to_mathml(m["tex"], "inline", where), prose))
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
