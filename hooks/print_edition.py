"""The print edition (/print_page/, made by mkdocs-print-site-plugin), which `make pdf` prints:
the check-yourself questions of each chapter keep their lettered options where they are, and
their answers (the right letter and the explanation of every option) move to the end of the
chapter, under "Answers", as in a textbook: a reader can try a question before turning to its
answer. The questions are numbered within their chapter, and their ids are made unique on the
one page (each page numbers its own quiz-1, quiz-2, ...).

The site's pages keep their questions as they are (hooks/quiz.py, docs/assets/quiz.js); only the
print page changes, after print-site has written it. Its cover comes from
overrides/print-cover.tpl (the edition and its date, hooks/edition.py).

Two helps to print-site itself: a faster version of its id prefixing (same result), and, under
`mkdocs serve --dirty`, the HTML and titles of the pages a rebuild did not read.
"""

import re
from functools import lru_cache
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

PAGE_SECTION = re.compile(r'<section class="print-page" id="(?P<id>[^"]+)"[^>]*>(?P<body>.*?)</section>', re.DOTALL)
QUIZ = re.compile(r'<div class="quiz" id="quiz-(?P<number>\d+)">(?P<body>.*?)'
                  r'<details class="quiz-answer">\s*<summary>[^<]*</summary>(?P<answer>.*?)</details>\s*</div>',
                  re.DOTALL)
OPTION = re.compile(r'<li class="quiz-option" data-correct="(true|false)"')
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Only the print page loads this stylesheet (written beside it, as a file rather than an inline
# <style>, so that a Content-Security-Policy of 'self' allows it); on paper the options keep their
# letters.
STYLESHEET = "print-edition.css"
STYLE = """/* The print edition (hooks/print_edition.py); only print_page loads it. */
.print-quiz { margin: 1em 0; padding-left: 0.8em; border-left: 3px solid #3f51b5; break-inside: avoid; }
.print-quiz .quiz-options { list-style-type: upper-alpha; margin-left: 1.6em; }
.print-quiz-label { font-weight: 700; margin-bottom: 0.2em; }
.print-quiz-pointer { font-size: 0.9em; font-style: italic; }
.print-answers { break-before: auto; }
.print-answer { break-inside: avoid; margin-bottom: 1em; }
.print-answer .quiz-explanation { margin-left: 1em; }
#print-site-cover-page .course-cover-edition { font-size: 1.2em; margin-top: 2em; }
.md-clipboard { display: none; }
/* Every printed page says which edition it is and where it is, whoever prints it. */
@page {
  @bottom-left { content: "Why SFT is not enough \\00B7  edition EDITION"; font: 8pt sans-serif; color: #555; }
  @bottom-center { content: none; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #555; }
}
"""


def css_string(text: str) -> str:
    """Text to put inside a CSS string ("...")."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


@lru_cache(maxsize=128)  # kept per page text, as fixed_page_html below
def move_answers(section_id: str, body: str) -> str:
    """A chapter's HTML with its questions' answers gathered at its end."""
    answers = []

    def question(match):
        number, text = match["number"], match["body"]
        right = [index for index, mark in enumerate(OPTION.findall(text)) if mark == "true"]
        if len(right) != 1:
            raise PluginError(f"print edition: question {number} of {section_id} has {len(right)} right options")
        letter = LETTERS[right[0]]
        answers.append(f'<div class="print-answer" id="{section_id}-answer-{number}">'
                       f'<p><strong>Question {number}: {letter}.</strong></p>{match["answer"]}</div>')
        return (f'<div class="print-quiz" id="{section_id}-quiz-{number}">'
                f'<p class="print-quiz-label">Question {number}</p>{text}'
                f'<p class="print-quiz-pointer">The answer: at the end of this chapter.</p></div>')

    body = QUIZ.sub(question, body)
    if not answers:
        return body
    return (body + f'<div class="print-answers"><h2 id="{section_id}-answers">Answers</h2>'
            + "".join(answers) + "</div>")


def stylesheet(edition: str) -> str:
    return STYLE.replace("EDITION", css_string(edition))


def print_edition(html: str, stylesheet_url: str) -> str:
    """The print page's HTML with each chapter's answers at its end and the stylesheet linked."""
    def chapter(match):
        start, end = match.start("body") - match.start(), match.end("body") - match.start()
        whole = match.group(0)
        return whole[:start] + move_answers(match["id"], match["body"]) + whole[end:]

    html = PAGE_SECTION.sub(chapter, html)
    return html.replace("</head>", f'<link rel="stylesheet" href="{stylesheet_url}"></head>', 1)


# print-site makes the ids of each page's headings, footnotes and list items unique on the print
# page by prefixing the page's key (its update_anchor_ids). Its pattern, tried at every "<", looks
# for `id="` further along the line in ways that take time with the square of the line's length,
# which made it most of a build's print-page time (a second per build here). The hook's version
# uses the same pattern and replacements behind a quick test that the line holds an `id="` at all;
# on every page of the site, and on duplicate tags, its result is print-site's (tests/test_hooks.py).
PRINT_SITE_ID_TAG = re.compile(r"<(?=[^\n]*?id=\")([^\s]+).*?id=\"([^\"]*?)\".*?>", flags=re.IGNORECASE)
PRINT_SITE_ID_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "sup", "li"}


def update_anchor_ids(page_html: str, page_key: str) -> str:
    for tag in PRINT_SITE_ID_TAG.finditer(page_html):  # the tags of the page as it came
        if tag[1] in PRINT_SITE_ID_TAGS:
            page_html = page_html.replace(tag[0], tag[0].replace(tag[2], f"{page_key}-{tag[2]}"))
    return page_html


# print-site's fix_internal_links (its links, ids, tabs and images of one page, then the page's
# <section>), kept per page text: a `make serve` rebuild after one page changed gives every other
# page back unchanged, and their links and ids need not be fixed again (0.2 s of a 0.8 s rebuild
# here). Its result depends on its arguments only.
@lru_cache(maxsize=128)
def fixed_page_html(page_html: str, page_url: str, directory_urls: bool, heading_number: str) -> str:
    from mkdocs_print_site_plugin import urls

    return urls.fix_internal_links(page_html, page_url, directory_urls, heading_number)


def on_config(config):
    from mkdocs_print_site_plugin import renderer, urls

    update_anchor_ids.__wrapped__ = getattr(urls.update_anchor_ids, "__wrapped__", urls.update_anchor_ids)
    urls.update_anchor_ids = update_anchor_ids
    renderer.fix_internal_links = fixed_page_html


# `mkdocs serve --dirty` reads again only the pages that changed. The others have no HTML and no
# title in that build: print-site would print a one-chapter edition with empty entries in its
# contents, the navigation of the rebuilt page would show empty titles, and the question banks
# would name pages by their file. What each page had in the previous build is kept here (MkDocs
# keeps hooks loaded between rebuilds) and given back to the pages a rebuild did not read; a page
# whose snippet changed is read again (hooks/execution.py).
page_html: dict[str, str] = {}
page_titles: dict[str, str] = {}


@event_priority(-100)  # after every page's on_page_content, before pages are written
def on_env(env, config, files):
    for file in files.documentation_pages():
        page = file.page
        if page is None:
            continue
        if hasattr(page, "html"):
            page_html[file.src_uri] = page.html
        elif file.src_uri in page_html:
            page.html = page_html[file.src_uri]
        if page.title:
            page_titles[file.src_uri] = page.title
        elif file.src_uri in page_titles:
            page.title = page_titles[file.src_uri]
    return env


# After print-site has written the print page (its on_post_build), before hooks/valid_html.py
# (priority -50) gives every id in it its page's prefix: QUIZ finds the questions by their own ids.
@event_priority(-40)
def on_post_build(config):
    if "print-site" not in config["plugins"]:
        return
    site = Path(config["site_dir"])
    page = site / ("print_page/index.html" if config["use_directory_urls"] else "print_page.html")
    if page.is_file():
        edition = (config["extra"].get("edition") or {}).get("label", "unversioned")
        (site / "assets" / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
        (site / "assets" / STYLESHEET).write_text(stylesheet(edition), encoding="utf-8")
        url = ("../" if config["use_directory_urls"] else "") + f"assets/{STYLESHEET}"
        page.write_text(print_edition(page.read_text(encoding="utf-8"), url), encoding="utf-8")
