"""Published URLs and heading anchors stay alive: instructors link them from syllabi for years.

tests/published_urls.txt lists every page URL and heading anchor ever published, and every
download the build makes (downloads/). Each must still resolve in the built site, through a
redirect (mkdocs-redirects) if the page moved. Every page and
heading of the site must be listed too: after adding one, run `make urls` and commit the list.
"""

import re
import sys
from posixpath import normpath
from urllib.parse import urljoin

from conftest import DOCS, REPO

sys.path.insert(0, str(REPO / "scripts"))
import published_urls  # noqa: E402

LIST = REPO / "tests" / "published_urls.txt"
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"')


def listed() -> list[str]:
    return [line.strip() for line in LIST.read_text().splitlines() if line.strip() and not line.startswith("#")]


def resolve(site, url: str, hops: int = 5) -> tuple[str, str]:
    """Follow redirect pages from a site-relative URL; return (final URL, its HTML)."""
    page = "" if url == "/" else url
    for _ in range(hops):
        html_file = site / page / "index.html"
        assert html_file.is_file(), f"{url}: no page at {page or '/'}"
        html = html_file.read_text(encoding="utf-8")
        target = REFRESH.search(html)
        if not target:
            return page, html
        page = normpath(urljoin("/" + page, target.group(1))).lstrip("/")
        page = page + "/" if page and not page.endswith("/") else page
    raise AssertionError(f"{url}: more than {hops} redirects")


def test_every_listed_url_and_anchor_still_resolves(built_site):
    broken = []
    for entry in listed():
        if entry.startswith("downloads/"):  # a file the build makes (the question banks)
            if not (built_site / entry).is_file():
                broken.append(f"{entry}: the build no longer makes this download")
            continue
        url, _, anchor = entry.partition("#")
        try:
            final, html = resolve(built_site, url)
        except AssertionError as error:
            broken.append(str(error))
            continue
        if anchor and anchor not in published_urls.heading_ids(html):
            broken.append(f"{entry}: no heading #{anchor} on {final or '/'}")
    assert not broken, "published links that no longer resolve (add a redirect, keep the id):\n" + "\n".join(broken)


def test_every_page_and_heading_is_listed(built_site):
    missing = sorted(set(published_urls.published(built_site)) - set(listed()))
    assert not missing, "not yet in tests/published_urls.txt (run `make urls`):\n" + "\n".join(missing)


def test_headings_in_markdown_carry_explicit_ids():
    """An id written in the source does not change when the heading's wording does."""
    heading = re.compile(r"^#{1,6} ")
    explicit = re.compile(r"\{\s*#[\w-]+[^}]*\}\s*$")
    missing = []
    for page in sorted(DOCS.rglob("*.md")):
        in_fence = False
        for number, line in enumerate(page.read_text().splitlines(), start=1):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            elif not in_fence and heading.match(line) and not explicit.search(line):
                missing.append(f"{page.relative_to(REPO)}:{number}: {line}")
    assert not missing, "headings without an explicit { #id }:\n" + "\n".join(missing)
