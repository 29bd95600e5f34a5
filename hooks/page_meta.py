"""Study time under each page's and lab's title, and computed times anywhere in a page:
`[[minutes:sft/objective.md]]` becomes "8 min", so the syllabus and the labs overview never type
one. One function, `study_minutes`, gives the number for a page or a lab from its source file,
and every place shows that number.

A study time counts what a student works through, not only the words:
- prose (questions and their explanations included) at 200 words a minute;
- code shown on the page (a snippet include counts the lines of the section it includes) at 10
  lines a minute;
- each displayed formula 1 minute, each inline formula 15 seconds;
- each check-yourself question 1 minute to think before opening the answer;
- each output an example prints at build time (`exec` fence) 30 seconds;
- in a lab, each code cell 2 minutes more: run it, read its output, try one change.

The date of the last update comes from git (git-revision-date-localized) and Material shows it at
the foot of the page; the description for link previews is each page's `description:` front matter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from notebook_file import cell_source, read_notebook

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 10
MINUTES_PER_DISPLAY_FORMULA = 1
MINUTES_PER_INLINE_FORMULA = 0.25
MINUTES_PER_QUESTION = 1
MINUTES_PER_OUTPUT = 0.5
MINUTES_PER_LAB_CELL = 2
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)\s*$",
                   re.DOTALL | re.MULTILINE)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]", re.DOTALL)
INLINE_MATH = re.compile(r"\\\(.+?\\\)|(?<![\\$\w])\$[^$\n]+?\$", re.DOTALL)
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<target>[^"]+)"\s*$', re.MULTILINE)
SECTION_MARK = re.compile(r"^\s*#\s*-{1,}8<-{1,}\s*\[(?:start|end):[^\]]*\]\s*$")
FIRST_H1_END = "</h1>"
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
MINUTES_TOKEN = re.compile(r"\[\[minutes:(?P<path>[^\]]+)\]\]")


@dataclass
class Work:
    """What a student works through on a page or in a lab."""

    words: int = 0
    code_lines: int = 0
    display_formulas: int = 0
    inline_formulas: int = 0
    questions: int = 0
    outputs: int = 0
    lab_cells: int = 0

    def minutes(self) -> int:
        total = (self.words / WORDS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE
                 + self.display_formulas * MINUTES_PER_DISPLAY_FORMULA
                 + self.inline_formulas * MINUTES_PER_INLINE_FORMULA
                 + self.questions * MINUTES_PER_QUESTION + self.outputs * MINUTES_PER_OUTPUT
                 + self.lab_cells * MINUTES_PER_LAB_CELL)
        return max(1, math.ceil(total))


def included_lines(target: str, base_paths: list[Path]) -> int:
    """Lines of code that `--8<-- "target"` shows (a section, or a whole file without its marks)."""
    path, _, section = target.partition(":")
    for base in base_paths:
        if (base / path).is_file():
            lines = (base / path).read_text(encoding="utf-8").splitlines()
            if section and not re.fullmatch(r"[\d,:-]+", section):
                start = next((i for i, line in enumerate(lines) if f"[start:{section}]" in line), None)
                end = next((i for i, line in enumerate(lines) if f"[end:{section}]" in line), len(lines))
                lines = lines[start + 1:end] if start is not None else []
            return sum(1 for line in lines if line.strip() and not SECTION_MARK.match(line))
    return 0


def add_prose(work: Work, text: str) -> None:
    work.display_formulas += len(DISPLAY_MATH.findall(text))
    text = DISPLAY_MATH.sub(" ", text)
    work.inline_formulas += len(INLINE_MATH.findall(text))
    text = INLINE_MATH.sub(" ", text)
    work.words += len(re.findall(r"[A-Za-z0-9']+", text))


def markdown_work(markdown: str, base_paths: list[Path], work: Work | None = None) -> Work:
    """Count the prose, formulas, shown code, questions and printed outputs of Markdown."""
    work = work or Work()

    def fence(match):
        info, body = match["info"].strip(), match["body"]
        if info == "quiz":
            work.questions += 1
            add_prose(work, body)
        elif re.search(r'\bexec="(?:on|1|true)"', info):
            work.outputs += 1
        else:
            for line in body.splitlines():
                include = INCLUDE.match(line)
                if include:
                    work.code_lines += included_lines(include["target"], base_paths)
                elif line.strip():
                    work.code_lines += 1
        return "\n"

    add_prose(work, FENCE.sub(fence, markdown))
    return work


def notebook_work(notebook: Path, base_paths: list[Path]) -> Work:
    work = Work()
    for cell in read_notebook(notebook)["cells"]:
        source = cell_source(cell)
        if cell["cell_type"] == "markdown":
            markdown_work(source, base_paths, work)
        elif cell["cell_type"] == "code":
            work.code_lines += sum(1 for line in source.splitlines() if line.strip())
            work.lab_cells += 1
    return work


def base_paths_for(path: Path) -> list[Path]:
    """Where snippet includes are looked up: the project folder (the one holding docs/) and its
    snippets/, as pymdownx.snippets' base_path says in mkdocs.yml."""
    root = next((folder.parent for folder in path.resolve().parents if folder.name == "docs"), path.parent)
    return [root, root / "snippets"]


def study_minutes(path: str | Path) -> int:
    """The study time of a page (.md) or a lab (.ipynb), from its source file."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return notebook_work(path, base_paths_for(path)).minutes()
    markdown = FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
    return markdown_work(markdown, base_paths_for(path)).minutes()


# The name the tests and older code use.
minutes_for = study_minutes


# First, so that what is counted is the author's source, before other hooks expand it.
@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    def minutes(match):
        path = Path(config["docs_dir"]) / match["path"]
        if not path.is_file():
            raise PluginError(f"docs/{page.file.src_uri}: [[minutes:{match['path']}]] names no page")
        return f"{study_minutes(path)} min"

    if page.file.abs_src_path:
        page.meta["study_minutes"] = study_minutes(page.file.abs_src_path)
    return MINUTES_TOKEN.sub(minutes, markdown)


# Before print-site (priority 0) copies each page's HTML into the print edition.
@event_priority(50)
def on_page_content(html, page, config, files):
    minutes = page.meta.get("study_minutes")
    if minutes is None or FIRST_H1_END not in html:
        return html
    note = f'<p class="page-meta">About {minutes} min of study</p>'
    return html.replace(FIRST_H1_END, FIRST_H1_END + note, 1)
