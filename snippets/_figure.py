"""Shared by the snippets that draw: turn a matplotlib figure into an inline SVG for a page.

Not a lesson itself. The SVG is deterministic (no date, fixed ids), keeps its text as text, sits on
a white card so it reads in the light and the dark scheme, and carries a text alternative.
"""

import html
import io

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


def figure_to_svg(figure, alt_text: str, caption: str = "") -> str:
    """The figure as an HTML <figure> with inline SVG; print it from an `exec="on" html="1"` fence."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    label = html.escape(alt_text, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="course-figure">{svg}{caption_html}</figure>'
