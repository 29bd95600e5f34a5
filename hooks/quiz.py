"""Check-yourself questions written as ```quiz fences in Markdown.

An author writes

    ```quiz
    Which model does the SFT objective prefer?

    - [ ] Model B, because its first token is more confident.
        Its sequence probability is lower: 0.9 x 0.4 = 0.36.
    - [x] Model A, because its sequence probability is higher.
        0.6 x 0.8 = 0.48, and the objective scores whole sequences.
    ```

The question comes first; each option is a line `- [ ]` (wrong) or `- [x]` (right, exactly one),
followed by its explanation indented by four spaces. Everything is Markdown (math included).

This hook turns the fence into plain HTML before the page is converted: the question, the options as
a list, and a collapsible <details> holding every explanation, so the page reads well without
JavaScript. docs/assets/quiz.js then makes the options clickable buttons with instant feedback.
A malformed fence stops the build with the page and line of the problem (the line in the source
file, front matter counted).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from mkdocs.exceptions import PluginError

FENCE_OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
OPTION = re.compile(r"^- \[(?P<mark>[ xX])\] (?P<text>.+)$")
EXPLANATION_INDENT = "    "
# Math in a quiz sits inside HTML (md_in_html), where a bare < would start a tag: y_{<t}.
MATH_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)


def protect_math(text: str) -> str:
    """Write < and > inside math as \\lt and \\gt, which mean the same to TeX and nothing to HTML."""
    def protect(match):
        return re.sub(r">\s?", r"\\gt ", re.sub(r"<\s?", r"\\lt ", match.group(0)))

    return MATH_SPAN.sub(protect, text)


class QuizError(PluginError):
    """A malformed quiz fence; the message names the file and line."""


@dataclass
class Option:
    text: str
    correct: bool
    line: int
    explanation: list[str] = field(default_factory=list)


@dataclass
class Quiz:
    question: list[str]
    options: list[Option]


def parse_quiz(lines: list[str], where: str, first_line: int) -> Quiz:
    """Parse the body of one quiz fence. `first_line` is the 1-based line of the body's first line."""
    question: list[str] = []
    options: list[Option] = []
    for offset, line in enumerate(lines):
        number = first_line + offset
        match = OPTION.match(line)
        if match:
            options.append(Option(match["text"].strip(), match["mark"] != " ", number))
        elif not options:
            question.append(line)
        elif line.startswith(EXPLANATION_INDENT) or not line.strip():
            options[-1].explanation.append(line[len(EXPLANATION_INDENT):])
        else:
            raise QuizError(
                f"{where}:{number}: quiz: expected an option ('- [ ] ' or '- [x] ') or an "
                f"explanation indented by four spaces, got: {line.strip()!r}"
            )
    if not "".join(question).strip():
        raise QuizError(f"{where}:{first_line}: quiz: the question text is missing")
    if len(options) < 2:
        raise QuizError(f"{where}:{first_line}: quiz: needs at least two options, found {len(options)}")
    right = [option for option in options if option.correct]
    if len(right) != 1:
        raise QuizError(
            f"{where}:{first_line}: quiz: exactly one option must be marked '- [x]', found {len(right)}"
        )
    for option in options:
        if not "".join(option.explanation).strip():
            raise QuizError(
                f"{where}:{option.line}: quiz: option {option.text!r} has no explanation "
                "(indent it by four spaces on the lines below the option)"
            )
    return Quiz(question, options)


def option_letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def render_quiz(quiz: Quiz, quiz_id: str) -> list[str]:
    """HTML with Markdown inside (md_in_html), readable without JavaScript."""
    out = [f'<div class="quiz" id="{quiz_id}" markdown="block">', '<div class="quiz-question" markdown="block">', ""]
    out += [line for line in quiz.question] + ["", "</div>", '<ol class="quiz-options" type="A" markdown="block">']
    for option in quiz.options:
        correct = "true" if option.correct else "false"
        out.append(f'<li class="quiz-option" data-correct="{correct}" markdown="span">{option.text}</li>')
    out += ["</ol>", '<details class="quiz-answer" markdown="block">', "<summary>Show the answer</summary>", ""]
    for index, option in enumerate(quiz.options):
        verdict = "Right" if option.correct else "Not this one"
        out += [
            f'<div class="quiz-explanation" data-option="{index}" markdown="block">',
            "",
            f"**{option_letter(index)}: {html.escape(verdict)}.** " + option.explanation[0].strip(),
            *option.explanation[1:],
            "",
            "</div>",
        ]
    out += ["</details>", "</div>", ""]
    return out


@dataclass
class QuizFence:
    """Where a ```quiz fence sits in a page's Markdown: its lines `start` (the opening fence) to
    `end` (the closing one), as indices into the Markdown's lines; its indentation; its body
    (dedented); and `first_line`, the 1-based line of the body's first line in the source file."""

    start: int
    end: int
    indent: str
    body: list[str]
    first_line: int


def quiz_fences(markdown: str, where: str, line_offset: int = 0) -> list[QuizFence]:
    """Every top-level ```quiz fence of a page's Markdown (not one inside another code block).
    `line_offset`: the lines of the source file before `markdown` (its front matter), so messages
    name file lines. The pages (expand_quizzes) and the question banks (hooks/question_banks.py)
    both find the questions here, and both parse them with parse_quiz."""
    lines = markdown.split("\n")
    fences: list[QuizFence] = []
    open_fence: str | None = None  # the fence of a non-quiz code block we are inside
    index = 0
    while index < len(lines):
        line = lines[index]
        match = FENCE_OPEN.match(line)
        if open_fence is not None:
            if line.strip() == open_fence:
                open_fence = None
        elif match and match["info"].strip() == "quiz":
            indent, fence = match["indent"], match["fence"]
            start = index + 1
            end = start
            while end < len(lines) and lines[end].strip() != fence:
                end += 1
            if end == len(lines):
                raise QuizError(f"{where}:{index + 1 + line_offset}: quiz: the fence opened here is never closed")
            body = [body_line[len(indent):] if body_line.startswith(indent) else body_line.lstrip()
                    for body_line in lines[start:end]]
            fences.append(QuizFence(index, end, indent, body, start + 1 + line_offset))
            index = end
        elif match:
            open_fence = match["fence"]
        index += 1
    return fences


def expand_quizzes(markdown: str, where: str, line_offset: int = 0) -> str:
    """Replace every top-level ```quiz fence in a page's Markdown by its HTML. `line_offset`: the
    lines of the source file before `markdown` (its front matter), so messages name file lines."""
    lines = markdown.split("\n")
    out: list[str] = []
    done = 0
    for count, fence in enumerate(quiz_fences(markdown, where, line_offset), start=1):
        quiz = parse_quiz([protect_math(body_line) for body_line in fence.body], where, fence.first_line)
        out += lines[done:fence.start]
        out += [fence.indent + html_line if html_line else "" for html_line in render_quiz(quiz, f"quiz-{count}")]
        done = fence.end + 1
    out += lines[done:]
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    return expand_quizzes(markdown, f"docs/{page.file.src_uri}", getattr(page, "source_line_offset", 0))
