"""The print edition (/print_page/): the whole course on one page, which prints cleanly to PDF.
Chromium renders it to PDF; the PDF must hold every chapter title, start each chapter on a new
page, and carry no navigation chrome."""

import html as html_module
import io
import re

import pytest
from pypdf import PdfReader


@pytest.fixture(scope="module")
def printed(built_site, browser):
    """(chapter titles from the print page's HTML, the PDF's pages as text)."""
    print_page = built_site / "print_page" / "index.html"
    html = print_page.read_text()
    titles = [html_module.unescape(re.sub(r"<[^>]+>", "", title)).replace("¶", "").strip()
              for title in re.findall(r'<h1 id="[^"]+">(.*?)</h1>', html, re.DOTALL)]
    page = browser.new_page()
    page.goto(print_page.as_uri())
    page.wait_for_load_state("load")
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return titles, pages


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("’", "'").strip()


def test_every_chapter_title_is_in_the_pdf(printed):
    titles, pages = printed
    assert len(titles) >= 10, f"the print page holds only {len(titles)} chapters"
    text = squash(" ".join(pages))
    missing = [title for title in titles if squash(title) not in text]
    assert not missing, f"chapter titles missing from the PDF: {missing}"


def test_each_chapter_starts_on_a_new_page(printed):
    titles, pages = printed
    assert len(pages) >= len(titles)
    page_tops = [squash(page)[:120] for page in pages]
    not_on_top = [title for title in titles if not any(squash(title)[:40] in top for top in page_tops)]
    assert not not_on_top, f"chapters that do not start at the top of a page: {not_on_top}"


def test_no_navigation_chrome_is_printed(printed):
    _, pages = printed
    text = squash(" ".join(pages))
    for chrome in ("Skip to content", "Table of contents", "Switch to dark mode", "Edit this page"):
        assert chrome not in text, f"'{chrome}' printed"
