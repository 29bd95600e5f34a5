"""The syllabus page lists every concept page and lab, with computed times and working deep links
(the strict build checks that each link and anchor exists)."""

import importlib.util
import re
import sys

from conftest import DOCS, REPO

sys.path.insert(0, str(REPO / "scripts"))
import published_urls  # noqa: E402

spec = importlib.util.spec_from_file_location("page_meta_for_tests", REPO / "hooks" / "page_meta.py")
page_meta = importlib.util.module_from_spec(spec)
spec.loader.exec_module(page_meta)

NOT_COURSE_PAGES = {"", "syllabus/", "labs/", "glossary/"}


def course_pages(site) -> list[str]:
    return [url for url in published_urls.page_urls(site)
            if url not in NOT_COURSE_PAGES and not url.startswith("about/")]


def test_syllabus_links_every_concept_page_and_lab(built_site):
    html = (built_site / "syllabus" / "index.html").read_text()
    links = set(re.findall(r'href="\.\./([^"#]*)', html))
    pages = course_pages(built_site)
    assert len(pages) >= 12
    missing = [page for page in pages if page not in links]
    assert not missing, f"the syllabus does not link: {missing}"


def test_syllabus_times_are_computed_from_each_page(built_site):
    html = (built_site / "syllabus" / "index.html").read_text()
    rows = re.findall(r'<td><a href="\.\./([^"]+)">.*?</a></td>\s*<td>(\d+) min (reading|working)</td>',
                      html, re.DOTALL)
    assert len(rows) == len(course_pages(built_site))
    for url, minutes, _ in rows:
        source = next(DOCS.glob(url.rstrip("/") + ".*"))
        assert int(minutes) == page_meta.minutes_for(source), url
        if source.suffix == ".md":
            page = (built_site / url / "index.html").read_text()
            assert f"About {minutes} min read" in page, f"{url}: its own reading time differs"


def test_reading_time_counts_prose_not_code():
    prose = "word " * 401
    assert page_meta.reading_minutes(prose) == 3  # 401 words at 200 a minute, rounded up
    assert page_meta.reading_minutes(prose + "\n```python\n" + "code " * 1000 + "\n```\n") == 3
