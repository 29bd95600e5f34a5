"""Figures stay legible on a phone.

A figure is an inline SVG (snippets/_figure.py) that shrinks with the column: on a 375-px screen
a figure drawn 6 inches wide would show its 10-point labels at about 7 CSS px. Each figure gets
the width below which its smallest text would fall under MIN_TEXT_PX (its `min-width`, from the
SVG's own width and font sizes), and sits in a box that scrolls sideways when the column is
narrower than that. On a wide screen nothing changes. (Lab figures are PNGs: course.css shows
them at their own size on phones, where their text is 12 px or more.)
"""

from __future__ import annotations

import math
import re

from mkdocs.plugins import event_priority

MIN_TEXT_PX = 11
FIGURE = re.compile(r'<figure class="course-figure">(?P<svg><svg\b(?P<attrs>[^>]*)>.*?</svg>)', re.DOTALL)
VIEW_BOX_WIDTH = re.compile(r'\bviewBox="[-\d.]+ [-\d.]+ (?P<width>[\d.]+) [\d.]+"')
FONT_SIZE = re.compile(r"font(?:-size)?:\s*(?P<size>[\d.]+)px")


def min_width(svg: str, attrs: str) -> int | None:
    """CSS px below which the SVG's smallest text is drawn smaller than MIN_TEXT_PX."""
    view_box = VIEW_BOX_WIDTH.search(attrs)
    sizes = [float(size) for size in FONT_SIZE.findall(svg)]
    if not view_box or not sizes:
        return None
    return math.ceil(MIN_TEXT_PX * float(view_box["width"]) / min(sizes))


def legible_figures(html: str) -> str:
    def wrap(match):
        width = min_width(match["svg"], match["attrs"])
        if width is None:
            return match.group(0)
        # course.css pads the SVG by 0.3rem a side, inside its (border-box) width.
        svg = match["svg"].replace("<svg ", f'<svg style="min-width: calc({width}px + 0.6rem)" ', 1)
        return f'<figure class="course-figure"><div class="figure-scroll">{svg}</div>'

    return FIGURE.sub(wrap, html)


# Before print-site (priority 0) copies each page's HTML into the print edition.
@event_priority(50)
def on_page_content(html, page, config, files):
    return legible_figures(html) if '<figure class="course-figure">' in html else html
