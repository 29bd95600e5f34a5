"""Search, as a student uses it at desktop width: type into the search box in the header, see
results, find the expected page among the first three, click it and land on the right heading.

To add a query, add a row to SEARCHES: what a student would type, the page that should come up
(its URL path below the site root: "" is the home page, "sft/objective/" is docs/sft/objective.md)
and the heading id the result should lead to ("" for the top of the page). Mark a word that
appears only inside code with in_code_only=True; a test checks that claim against the built site.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from .helpers import DESKTOP, assert_no_csp_violation, watch_csp


@dataclass(frozen=True)
class Search:
    query: str
    page: str
    heading: str = ""
    in_code_only: bool = False


SEARCHES = [
    Search("why sft is not enough", "", "why-sft-is-not-enough"),
    Search("SFT objective", "sft/objective/", "objective"),
    Search("cross entropy loss", "sft/objective/", "cross-entropy"),
    Search("teacher forcing", "sft/objective/", "teacher-forcing"),
    Search("why is the prompt masked", "sft/objective/", "masked-prompt"),
    Search("gradient at the logits", "sft/parameter-updates/", "logit-gradient"),
    Search("flaw rate", "sft/flawed-data/", "flaw-rate-sweep"),
    Search("data curation", "sft/flawed-data/", "data-curation"),
    Search("what SFT does well", "limits/limitations/", "sft-strengths"),
    Search("overfitting and forgetting", "limits/limitations/", "overfitting-and-forgetting"),
    Search("demonstration and intent", "limits/demonstration-vs-intent/", "demonstration-vs-intent"),
    Search("refusals new phrasing", "limits/demonstration-vs-intent/", "refusals-do-not-transfer"),
    Search("customer service agent", "limits/customer-service-case/", "customer-service-case"),
    Search("Bradley-Terry", "limits/from-demonstrations-to-preferences/", "bradley-terry"),
    Search("DPO loss", "limits/from-demonstrations-to-preferences/", "dpo-loss"),
    Search("more of the same", "scaling/more-of-the-same/", "more-of-the-same"),
    Search("held-out task types", "scaling/evaluating-strategies/", "held-out-task-types"),
    Search("five levers", "scaling/evaluating-strategies/", "five-levers"),
    Search("running a lab", "labs/", "running-a-lab"),
    Search("syllabus", "syllabus/", "syllabus"),
    # Words that appear on the site only inside code blocks (checked by the test below).
    Search("isclose", "sft/objective/", "cross-entropy", in_code_only=True),
    Search("logaddexp", "limits/from-demonstrations-to-preferences/", "dpo-loss", in_code_only=True),
    Search("einsum", "scaling/more-of-the-same/", "toy-experiment", in_code_only=True),
]

WAIT_SECONDS = 10
STABLE_POLLS = 5  # polls 100 ms apart
# How the search plugin splits text into words (mkdocs.yml: plugins.search.separator, minus camelCase).
SEPARATOR = r"[\s\-,:!=\[\]()\"/._]+"
CAMEL_CASE = r"|(?!\b)(?=[A-Z][a-z])"  # the rest of it: "XSTest" is "XS" and "Test"


def page_text_outside_code(page_html: str) -> str:
    """The words of a built page as search indexes them, minus code blocks and inline code."""
    body = page_html.split('<article class="md-content__inner md-typeset">', 1)[-1].split("</article>", 1)[0]
    body = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", body, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def code_of(page_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", " ".join(
        re.findall(r"<(?:pre|code)\b.*?</(?:pre|code)>", page_html, flags=re.DOTALL | re.IGNORECASE))))


def test_the_table_is_big_enough_and_points_at_real_pages_and_headings(pages):
    assert len(SEARCHES) >= 10
    assert any(search.in_code_only for search in SEARCHES)
    by_path = {page.path: page for page in pages}
    for search in SEARCHES:
        assert search.page in by_path, f"{search.query!r}: no page /{search.page} in the built site"
        if search.heading:
            assert f'id="{search.heading}"' in by_path[search.page].html_file.read_text(), (
                f"{search.query!r}: /{search.page} has no heading #{search.heading}")


@pytest.mark.parametrize("search", [s for s in SEARCHES if s.in_code_only], ids=lambda s: s.query)
def test_code_only_words_really_appear_only_in_code(pages, search):
    """Each word of the query, as search splits it (mkdocs.yml's separator), is in a code block of the
    expected page and nowhere in the prose of any page."""
    words = [word for word in re.split(SEPARATOR, search.query) if word]
    target = next(page for page in pages if page.path == search.page)
    for word in words:
        whole_word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", re.IGNORECASE)
        assert whole_word.search(code_of(target.html_file.read_text())), f"{word!r} is not in /{search.page}'s code"
        for page in pages:
            assert not whole_word.search(page_text_outside_code(page.html_file.read_text())), (
                f"{word!r} appears outside code on /{page.path}")


def results_of(tab, query: str, pasted: bool = False) -> list[dict]:
    """Type `query` into the header's search box (or paste it: one input, then a key released, as
    Material reads the box on keyup) and return the results once they stop changing."""
    box = tab.locator(".md-search__input")
    assert box.is_visible(), "the search box is not visible at desktop width"
    box.click()
    box.fill("")
    if pasted:
        box.press("End")  # the empty box clears the last query's results before the new one
        tab.wait_for_function("() => !document.querySelector('.md-search-result__item')")
        box.fill(query)
        box.press("End")
    else:
        box.press_sequentially(query)
    # Typing sends one query per key to the search worker, and on a busy machine the answer to an
    # earlier prefix can sit unchanged for a while before the full query's arrives. So the results
    # count as final once they highlight only words of the whole query (Material puts the matched
    # terms in each link's ?h=; a prefix such as "ter" for "terry" is not one) and stay the same
    # for half a second.
    words = {word.lower() for word in re.split(SEPARATOR + CAMEL_CASE, query) if word}
    deadline = time.monotonic() + WAIT_SECONDS
    previous, unchanged = None, 0
    while time.monotonic() < deadline:
        tab.wait_for_timeout(100)
        current = tab.evaluate("""() => {
          const meta = document.querySelector(".md-search-result__meta");
          const items = [...document.querySelectorAll(".md-search-result__item")];
          return {meta: meta ? meta.textContent.trim() : "",
                  items: items.map(item => ({
                    links: [...item.querySelectorAll("a.md-search-result__link")].map(a => a.href),
                    html: item.innerHTML}))};
        }""")
        unchanged = unchanged + 1 if current == previous else 0
        previous = current
        highlighted = {term for item in current["items"] for link in item["links"]
                       for term in " ".join(parse_qs(urlsplit(link).query).get("h", [])).lower().split()}
        if current["items"] and highlighted <= words and unchanged >= STABLE_POLLS:
            return current["items"]
    if previous and previous["items"] and unchanged >= STABLE_POLLS:
        return previous["items"]  # settled, though highlighting a word the query split otherwise
    raise AssertionError(f"{query!r}: no search results within {WAIT_SECONDS} s (shown: {previous})")


def path_and_fragment(url: str, base_url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.removeprefix(urlsplit(base_url).path), parts.fragment


@pytest.fixture(scope="module")
def search_tab(browser, base_url):
    """One tab for every query, as a student searches again from wherever the last result led
    (each result loads its page, whose search worker builds the index again from the cached
    search_index.json)."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.set_default_timeout(10_000)
    violations = watch_csp(context)
    tab = context.new_page()
    tab.goto(base_url + "sft/objective/")
    yield tab
    context.close()
    assert_no_csp_violation(violations, "searching and following results")


@pytest.mark.parametrize("search", SEARCHES, ids=lambda s: s.query)
def test_search_finds_the_page_and_leads_to_the_heading(search_tab, base_url, pages, search):
    tab = search_tab
    items = results_of(tab, search.query)
    top = [path_and_fragment(item["links"][0], base_url)[0] for item in items[:3]]
    assert search.page in top, f"{search.query!r}: /{search.page} not among the first three results {top}"
    rank = top.index(search.page)
    if search.in_code_only:
        assert re.search(r"<code>(?:(?!</code>).)*<mark>", items[rank]["html"], re.DOTALL), (
            f"{search.query!r}: the result does not show the match inside code")
    item = tab.locator(".md-search-result__item").nth(rank)
    title_id = re.search(r'<h1 id="([^"]+)"', target_html(pages, search.page))
    to_the_top = not search.heading or (title_id and title_id[1] == search.heading)
    if to_the_top:
        link = item.locator("a.md-search-result__link").first
    else:
        targets = [index for index, url in enumerate(items[rank]["links"])
                   if path_and_fragment(url, base_url) == (search.page, search.heading)]
        assert targets, f"{search.query!r}: no result leads to #{search.heading} ({items[rank]['links']})"
        link = item.locator("a.md-search-result__link").nth(targets[0])
        if not link.is_visible():  # in the collapsed "N more on this page"
            item.locator("details.md-search-result__more > summary").click()
    link.click()
    tab.wait_for_function("path => location.pathname.endsWith('/' + path)", arg=search.page)
    landed, fragment = path_and_fragment(tab.url, base_url)
    assert landed == search.page, f"{search.query!r}: landed on {tab.url}"
    if not to_the_top:
        assert fragment == search.heading, f"{search.query!r}: landed on {tab.url}, not #{search.heading}"
    heading_id = search.heading or title_id[1]
    heading = tab.locator(f"[id='{heading_id}']")
    heading.first.wait_for(state="attached")  # the page may still be loading
    assert heading.count() == 1, f"{search.query!r}: {heading.count()} elements #{heading_id} on {tab.url}"
    tab.wait_for_function(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }", arg=heading_id)


def target_html(pages, path: str) -> str:
    return next(page for page in pages if page.path == path).html_file.read_text()
