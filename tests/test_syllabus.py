"""The syllabus page lists every concept page and lab, with computed times and working deep links
(the strict build checks that each link and anchor exists)."""

import json
import re
import sys

from conftest import DOCS, REPO, load_module

sys.path.insert(0, str(REPO / "scripts"))
import published_urls  # noqa: E402

page_meta = load_module(REPO / "hooks" / "page_meta.py", "page_meta_for_tests")

NOT_COURSE_PAGES = {"", "syllabus/", "labs/", "glossary/"}


def course_pages(site) -> list[str]:
    return [url for url in published_urls.page_urls(site)
            if url not in NOT_COURSE_PAGES and not url.startswith("about/")]


def source_of(url: str) -> str:
    """docs/ path of a built page's source, e.g. 'sft/objective/' -> 'sft/objective.md'."""
    return next(DOCS.glob(url.rstrip("/") + ".*")).relative_to(DOCS).as_posix()


def section_html(html: str, heading_id: str) -> str:
    """The HTML from the heading with this id to the next heading of the same or a higher level."""
    start = re.search(rf'<h([1-6]) id="{heading_id}"', html)
    assert start, f"no heading #{heading_id}"
    end = re.compile(rf"<h[1-{start[1]}][ >]").search(html, start.end())
    return html[start.start(): end.start() if end else len(html)]


def course_map_rows(built_site) -> dict[str, str]:
    """The course map's table (not the sidebar, which links every page too): page URL -> its time."""
    html = section_html((built_site / "syllabus" / "index.html").read_text(), "course-map")
    assert "<table>" in html, "the course map has no table"
    table = html[html.index("<table>"): html.index("</table>")]
    return {url: time for url, time in re.findall(
        r'<td><a href="\.\./([^"#]+)">.*?</a></td>\s*<td>([^<]*)</td>', table, re.DOTALL)}


def missing_row_message(missing: list[str]) -> str:
    rows = "\n".join(f"    | <Part> | [<Title>]({source_of(url)}) | [[minutes:{source_of(url)}]] |" for url in missing)
    return ("these pages have no row in the course map of docs/syllabus.md (section 'Course map'); "
            f"add one each, and an objectives section under 'Pages, objectives and links':\n{rows}")


def test_syllabus_links_every_concept_page_and_lab(built_site):
    rows = course_map_rows(built_site)
    pages = course_pages(built_site)
    assert len(pages) >= 12
    missing = [page for page in pages if page not in rows]
    assert not missing, missing_row_message(missing)


def test_the_course_map_check_fails_on_a_missing_row(built_site):
    """The control: the check above reads the table, so a page linked only elsewhere is missing."""
    html = (built_site / "syllabus" / "index.html").read_text()
    first_row = re.search(r'<tr>\s*<td>[^<]*</td>\s*<td><a href="\.\./sft/objective/">.*?</tr>', html, re.DOTALL)
    assert first_row and 'href="../sft/objective/' in html.replace(first_row.group(), "")  # linked elsewhere
    table = section_html(html.replace(first_row.group(), ""), "course-map")
    assert 'href="../sft/objective/"' not in table[table.index("<table>"): table.index("</table>")]
    assert "sft/objective.md" in missing_row_message(["sft/objective/"])


def test_every_concept_page_is_on_the_home_pages_learning_path(built_site):
    path = section_html((built_site / "index.html").read_text(), "learning-path")
    links = set(re.findall(r'href="([^"#]+)"', path))
    missing = [url for url in course_pages(built_site) if not url.startswith("labs/") and url not in links]
    assert not missing, ("docs/index.md's learning path ('The learning path' section) does not link: "
                         + ", ".join(source_of(url) for url in missing))


def test_syllabus_times_are_computed_from_each_page(built_site):
    """One number per page and lab: the course map, the page's own header and (for a lab) the labs
    overview all show study_minutes of its source."""
    rows = course_map_rows(built_site)
    missing = [url for url in course_pages(built_site) if url not in rows]
    assert not missing, missing_row_message(missing)
    overview = section_html((built_site / "labs" / "index.html").read_text(), "lab-list")
    for url, time in rows.items():
        minutes = page_meta.study_minutes(DOCS / source_of(url))
        assert re.fullmatch(rf"{minutes} min( reading| working)?", time), f"{url}: the course map says {time!r}"
        page = (built_site / url / "index.html").read_text()
        assert f"About {minutes} min of study" in page, f"{url}: its own header gives another time"
        if url.startswith("labs/"):
            row = next(row for row in overview.split("<tr>") if f'href="{url.removeprefix("labs/")}"' in row)
            assert f"<td>{minutes} min</td>" in row, f"labs/index.md gives {url} another time"


def test_study_time_counts_prose_code_formulas_and_questions(tmp_path):
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()

    def minutes(markdown: str) -> int:
        page.write_text("---\ndescription: not counted\n---\n" + markdown)
        return page_meta.study_minutes(page)

    prose = "word " * 400  # 2 minutes at 200 words a minute
    assert minutes(prose) == 2
    assert minutes(prose + "\n```python\n" + "x = 1\n" * 10 + "```\n") == 3  # 10 lines: 1 minute
    assert minutes(prose + "\n$$\na^2\n$$\n") == 3  # a displayed formula: 1 minute
    assert minutes(prose + " \\( a \\) \\( b \\) \\( c \\) \\( d \\)") == 3  # 4 inline formulas: 1 minute
    assert minutes(prose + "\n```quiz\nQ?\n\n- [x] A\n    Yes.\n- [ ] B\n    No.\n```\n") == 4  # 1 + its words
    assert minutes(prose + '\n```python exec="on" notest\nprint(1)\n```\n' * 2) == 3  # two outputs
    assert minutes("word") == 1  # never 0


def test_study_time_counts_the_lines_a_snippet_include_shows(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "demo.py").write_text(
        "import os\n# --8<-- [start:part]\n" + "y = 2\n" * 20 + "# --8<-- [end:part]\n")
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text('```python notest\n--8<-- "snippets/demo.py:part"\n```\n')
    assert page_meta.study_minutes(page) == 2  # 20 lines at 10 a minute
    page.write_text('```python notest\n--8<-- "snippets/demo.py"\n```\n')
    assert page_meta.study_minutes(page) == 3  # 21 lines, the section marks not counted


def test_a_lab_adds_time_to_run_each_code_cell(tmp_path):
    lab = tmp_path / "docs" / "lab.ipynb"
    lab.parent.mkdir()
    cells = [{"cell_type": "markdown", "source": ["word " * 200]}] + [
        {"cell_type": "code", "source": ["x = 1\n"] * 5} for _ in range(3)]
    lab.write_text(json.dumps({"cells": cells}))
    # 1 minute of prose, 15 lines of code (1.5 minutes), 3 cells to run (6 minutes): 8.5, so 9.
    assert page_meta.study_minutes(lab) == 9
