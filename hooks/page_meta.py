"""Reading time under each page's title (words of prose, code excluded, at 200 words a minute).

The date of the last update comes from git (git-revision-date-localized) and Material shows it at
the foot of the page; the description for link previews is each page's `description:` front matter.
"""

import math
import re

from mkdocs.plugins import event_priority

WORDS_PER_MINUTE = 200
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", re.DOTALL | re.MULTILINE)
FIRST_H1_END = "</h1>"


def reading_minutes(markdown: str) -> int:
    prose = FENCE.sub(" ", markdown)
    return max(1, math.ceil(len(re.findall(r"[A-Za-z0-9']+", prose)) / WORDS_PER_MINUTE))


def on_page_markdown(markdown, page, config, files):
    page.meta["reading_minutes"] = reading_minutes(markdown)
    return markdown


# Before print-site (priority 0) copies each page's HTML into the print edition.
@event_priority(50)
def on_page_content(html, page, config, files):
    minutes = page.meta.get("reading_minutes")
    if minutes is None or FIRST_H1_END not in html:
        return html
    note = f'<p class="page-meta">About {minutes} min read</p>'
    return html.replace(FIRST_H1_END, FIRST_H1_END + note, 1)
