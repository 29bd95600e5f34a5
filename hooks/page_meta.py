"""Reading time under each page's title (words of prose, code excluded, at 200 words a minute),
and computed time estimates anywhere in a page: `[[minutes:sft/objective.md]]` becomes "8 min"
(reading time of that page, or working time of a lab notebook), so the syllabus never types one.

The date of the last update comes from git (git-revision-date-localized) and Material shows it at
the foot of the page; the description for link previews is each page's `description:` front matter.
"""

import json
import math
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

WORDS_PER_MINUTE = 200
# A lab's code cell: read it, run it, look at the output, try one change.
MINUTES_PER_CODE_CELL = 2
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", re.DOTALL | re.MULTILINE)
FIRST_H1_END = "</h1>"
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
MINUTES_TOKEN = re.compile(r"\[\[minutes:(?P<path>[^\]]+)\]\]")


def reading_minutes(markdown: str) -> int:
    prose = FENCE.sub(" ", markdown)
    return max(1, math.ceil(len(re.findall(r"[A-Za-z0-9']+", prose)) / WORDS_PER_MINUTE))


def lab_minutes(notebook: str | Path) -> int:
    """Reading time of a notebook's Markdown cells plus a fixed time per code cell."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    code_cells = sum(cell["cell_type"] == "code" for cell in cells)
    return reading_minutes(prose) + MINUTES_PER_CODE_CELL * code_cells


def minutes_for(path: str | Path) -> int:
    """Estimated minutes for a page (reading) or a lab (working), from its source file."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return lab_minutes(path)
    return reading_minutes(FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1))


# First, so that the words counted are the author's, before other hooks expand the Markdown.
@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    def minutes(match):
        path = Path(config["docs_dir"]) / match["path"]
        if not path.is_file():
            raise PluginError(f"docs/{page.file.src_uri}: [[minutes:{match['path']}]] names no page")
        return f"{minutes_for(path)} min"

    markdown = MINUTES_TOKEN.sub(minutes, markdown)
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
