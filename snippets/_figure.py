"""Shared by the snippets that draw: turn a matplotlib figure into an inline SVG for a page.

Not a lesson itself. The SVG is deterministic (no date, fixed ids), keeps its text as text, sits on
a white card so it reads in the light and the dark scheme, and carries a text alternative.

Its ids are the figure's own: matplotlib numbers the groups of every figure alike (`text_11`,
`line2d_11`, ...), so two figures on one page, or every figure in the print edition, would repeat
them. Each id, and each reference to one, starts with a name made from the text alternative, which
is the same build after build and differs between figures. matplotlib's RDF metadata block is left
out: it is not HTML, and says nothing a reader needs.

matplotlib's SVG also holds a <style> with one rule, `*{stroke-linejoin: round; stroke-linecap:
butt}`. Inline in a page, that rule applies to every element of the page, and each such <style>
the browser parses makes it restyle the whole page. The two properties are inherited and no
element of the figure sets them above its own shape, so they are set once on the figure's <svg>
instead: the shapes are drawn the same.
"""

import hashlib
import html
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({
    "svg.hashsalt": "why-sft-is-not-enough",  # stable element ids, build after build
    "svg.fonttype": "none",  # text stays text: small, sharp, searchable
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
})


METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
ID = re.compile(r'\bid="([^"]+)"')
REFERENCE = re.compile(r'(\bhref="#|url\(#)([^")]+)')
STROKE_STYLE = '<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>'


def figure_name(alt_text: str) -> str:
    """A short name for the figure, made from its text alternative: "fig-1a2b3c4d"."""
    return "fig-" + hashlib.sha256(alt_text.encode()).hexdigest()[:8]


def own_ids(svg: str, name: str) -> str:
    """Every id of the SVG, and every reference to one (href="#id", url(#id)), prefixed with name."""
    ids = set(ID.findall(svg))
    svg = ID.sub(lambda match: f'id="{name}-{match.group(1)}"', svg)
    return REFERENCE.sub(lambda match: match.group(1) + (f"{name}-" if match.group(2) in ids else "")
                         + match.group(2), svg)


def figure_to_svg(figure, alt_text: str, caption: str = "") -> str:
    """The figure as an HTML <figure> with inline SVG; print it from an `exec="on" html="1"` fence."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    svg = own_ids(METADATA.sub("", svg), figure_name(alt_text))
    if svg.count(STROKE_STYLE) != 1:
        raise ValueError(f"matplotlib's SVG no longer holds exactly one {STROKE_STYLE}: see snippets/_figure.py")
    svg = svg.replace(STROKE_STYLE, "")
    label = html.escape(alt_text, quote=True)
    attributes = f'role="img" aria-label="{label}" stroke-linejoin="round" stroke-linecap="butt"'
    svg = svg.replace("<svg ", f"<svg {attributes} ", 1)
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="course-figure">{svg}{caption_html}</figure>'
