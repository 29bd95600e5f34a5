"""The print edition (/print_page/) and the PDF edition (`make pdf`): Chromium prints the session's
site with scripts/make_pdf.py's own function, served as `make pdf` serves it, and the PDF is read
back: a cover naming the edition and its date, a table of contents, every chapter title in order
and on a new page, page numbers, figures and formulas typeset, each chapter's questions with their
answers at its end, an outline, and no navigation chrome."""

import html as html_module
import io
import re

import pytest
from pypdf import PdfReader

from conftest import load_module  # tests/conftest.py

from .helpers import DOCS, REPO

make_pdf = load_module(REPO / "scripts" / "make_pdf.py", "make_pdf_for_tests")
edition_hook = load_module(REPO / "hooks" / "edition.py", "edition_for_tests")
quiz_hook = load_module(REPO / "hooks" / "quiz.py", "quiz_for_print_tests")
# What every printed page's foot says (hooks/print_edition.py); pypdf reads it first.
FOOT = re.compile(r"^page (\d+) of (\d+)Why SFT is not enough · edition (.*?)\n")


@pytest.fixture(scope="module")
def printed(built_site, browser, base_url):
    """(chapter titles from the print page's HTML, the PDF's pages as text without their foot,
    each page's foot as (page, of, edition), the PDF reader, the print page's HTML)."""
    html = (built_site / "print_page" / "index.html").read_text()
    titles = [html_module.unescape(re.sub(r"<[^>]+>", "", title)).replace("¶", "").strip()
              for title in re.findall(r'<h1 id="[^"]+">(.*?)</h1>', html, re.DOTALL)]
    page = browser.new_page()
    pdf = make_pdf.print_pdf(page, base_url + "print_page/")
    page.close()
    reader = PdfReader(io.BytesIO(pdf))
    texts, feet = [], []
    for pdf_page in reader.pages:
        text = pdf_page.extract_text()
        foot = FOOT.match(text)
        feet.append(foot.groups() if foot else None)
        texts.append(text[foot.end():] if foot else text)
    return titles, texts, feet, reader, html


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("’", "'").strip()


def chapter_starts(titles, pages) -> list[int]:
    """The page on which each chapter starts (after the cover and the table of contents)."""
    starts, after = [], 2
    for title in titles:
        found = next((index for index in range(after, len(pages)) if squash(title)[:40] in squash(pages[index])[:120]),
                     None)
        assert found is not None, f"no page after page {after + 1} starts with {title!r}"
        starts.append(found)
        after = found
    return starts


def test_every_chapter_title_is_in_the_pdf(printed):
    titles, pages, *_ = printed
    assert len(titles) >= 10, f"the print page holds only {len(titles)} chapters"
    text = squash(" ".join(pages))
    missing = [title for title in titles if squash(title) not in text]
    assert not missing, f"chapter titles missing from the PDF: {missing}"


def test_each_chapter_starts_on_a_new_page_in_order(printed):
    titles, pages, *_ = printed
    assert len(pages) >= len(titles) + 2
    starts = chapter_starts(titles, pages)
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts


def test_no_navigation_chrome_is_printed(printed):
    _, pages, *_ = printed
    text = squash(" ".join(pages))
    for chrome in ("Skip to content", "Table of contents", "Switch to dark mode", "Edit this page",
                   "Report a problem with this page", "Made with Material"):
        assert chrome not in text, f"'{chrome}' printed"


def test_the_cover_names_the_edition_and_its_date(printed):
    _, pages, *_ = printed
    edition = edition_hook.current(REPO)
    assert edition.date and edition.date in edition.label
    assert f"Edition {edition.label}" in squash(pages[0]), pages[0][:400]


def test_the_table_of_contents_lists_the_chapters_after_the_cover(printed):
    titles, pages, *_ = printed
    toc = squash(pages[1])
    assert toc.startswith("Table of Contents"), toc[:100]
    course = [title for title in titles if not title.startswith(("Why SFT", "Labs", "Syllabus", "Glossary"))]
    positions = [toc.find(squash(title)[:30]) for title in course]
    assert -1 not in positions and positions == sorted(positions), list(zip(course, positions, strict=True))


def test_every_page_is_numbered_with_the_edition(printed):
    _, pages, feet, *_ = printed
    edition = edition_hook.current(REPO).label
    expected = [(str(number), str(len(pages)), edition) for number in range(1, len(pages) + 1)]
    assert feet == expected, [(index + 1, foot) for index, foot in enumerate(feet) if foot != expected[index]][:5]


def test_the_outline_holds_every_chapter(printed):
    titles, _, _, reader, _ = printed

    def flatten(items):
        for item in items:
            yield from flatten(item) if isinstance(item, list) else [item.title]

    outline = squash(" ".join(flatten(reader.outline)))
    missing = [title for title in titles if squash(title)[:25] not in outline]
    assert not missing, f"chapters missing from the PDF's outline: {missing}"


def test_formulas_are_typeset_not_printed_as_tex(printed):
    titles, pages, *_ = printed
    starts = chapter_starts(titles, pages)
    chapter = titles.index("The SFT objective")
    text = "".join(pages[starts[chapter]: starts[chapter + 1]])
    # log P_theta(y | x) = sum_t log P_theta(y_t | x, y_<t): typeset, its letters are math italics.
    assert "∑" in text and "𝑃𝜃" in text and "∣" in text, text[:1500]
    assert "\\log" not in text and "P_\\theta" not in text and "\\sum" not in text


def test_figures_are_drawn(printed):
    """The figures are inline SVG whose labels are text: drawn, they are in the PDF's text."""
    _, pages, _, _, html = printed
    labels = {html_module.unescape(label.strip()) for label in re.findall(r"<text[^>]*>([^<]{6,})</text>", html)}
    words = [label for label in labels if re.search(r"[A-Za-z]{4}", label)]
    assert len(words) >= 10
    text = squash(" ".join(pages))
    missing = [label for label in words if squash(label) not in text]
    assert len(missing) <= len(words) // 10, f"figure labels not drawn: {missing[:10]}"


def source_quizzes() -> dict[str, list]:
    """Each page's questions, parsed from its Markdown as the site parses them."""
    found = {}
    for page in sorted(DOCS.rglob("*.md")):
        fences = quiz_hook.quiz_fences(page.read_text(), str(page))
        if fences:
            found[page.relative_to(DOCS).as_posix()] = [
                quiz_hook.parse_quiz(fence.body, str(page), fence.first_line) for fence in fences]
    return found


def test_each_chapter_ends_with_its_questions_answers(printed):
    titles, pages, *_ = printed
    starts = chapter_starts(titles, pages) + [len(pages)]
    chapters = {title: squash(" ".join(pages[starts[index]: starts[index + 1]])) for index, title in enumerate(titles)}
    checked = 0
    for page, quizzes in source_quizzes().items():
        first_line = (DOCS / page).read_text().split("\n")
        heading = next(line for line in first_line if line.startswith("# "))
        title = squash(re.sub(r"\s*\{.*\}\s*$", "", heading[2:]))
        chapter = next(text for name, text in chapters.items() if squash(name) == title)
        answers = chapter.rfind("Answers Question 1:")
        assert answers > chapter.rfind(f"Question {len(quizzes)} "), f"{page}: the answers are not after the questions"
        for number, quiz in enumerate(quizzes, start=1):
            right = "ABCDEFGHIJ"[next(index for index, option in enumerate(quiz.options) if option.correct)]
            assert f"Question {number}: {right}." in chapter[answers:], f"{page}: question {number} should be {right}"
            first_words = squash(quiz.options[0].text)[:30].replace("*", "")
            assert first_words in chapter[:answers] or "\\(" in quiz.options[0].text, f"{page}: {first_words!r}"
        checked += len(quizzes)
    assert checked >= 40
