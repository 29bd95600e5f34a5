"""Render math to MathML at build time, so pages load no math script and no web font.

pymdownx.arithmatex (generic mode) wraps inline math as <span class="arithmatex">\\(...\\)</span>
and display math as <div class="arithmatex">\\[...\\]</div>. This hook replaces each with the
MathML that latex2mathml produces; browsers render MathML natively. A formula latex2mathml cannot
read stops the build with the page and the formula.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.DOTALL)


def tex_to_mathml(tex: str, display: str, where: str) -> str:
    source = html.unescape(tex).strip()
    try:
        return convert(source, display=display)
    except Exception as error:  # latex2mathml raises several exception types
        raise PluginError(f"{where}: cannot render the formula {source!r}: {error}") from error


def render_math(page_html: str, where: str) -> str:
    page_html = DISPLAY.sub(
        lambda m: '<div class="math-display">' + tex_to_mathml(m["tex"], "block", where) + "</div>",
        page_html,
    )
    return INLINE.sub(lambda m: tex_to_mathml(m["tex"], "inline", where), page_html)


def on_page_content(html, page, config, files):
    return render_math(html, f"docs/{page.file.src_uri}")
