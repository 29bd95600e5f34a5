"""Every page links to a prefilled issue about itself, made from the existing issue template."""

import html
import importlib.util
import re
import sys
from urllib.parse import parse_qs, urlsplit

from conftest import REPO

spec = importlib.util.spec_from_file_location("report_link_for_tests", REPO / "hooks" / "report_link.py")
report_link = importlib.util.module_from_spec(spec)
sys.modules["report_link_for_tests"] = report_link
spec.loader.exec_module(report_link)

REPO_URL = "https://github.com/sft-course/why-sft-is-not-enough"  # mkdocs.yml's repo_url
LINK = re.compile(r'<p class="report-problem"><a href="([^"]+)">Report a problem with this page</a></p>')


def test_every_page_links_a_prefilled_issue_about_itself(built_site):
    head, template_body = report_link.load_template()
    fields = re.findall(r"\*\*[^*]+\*\*", template_body)
    assert len(fields) >= 3
    pages = [path for path in built_site.rglob("index.html")
             if '<meta http-equiv="refresh"' not in path.read_text() and "print_page" not in str(path)]
    assert len(pages) > 15
    for path in pages:
        text = path.read_text()
        match = LINK.search(text)
        assert match, f"{path.relative_to(built_site)}: no 'Report a problem' link"
        url = urlsplit(html.unescape(match.group(1)))
        assert f"{url.scheme}://{url.netloc}{url.path}" == REPO_URL + "/issues/new"
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        assert query["template"] == "content-error.md" and query["labels"] == head["labels"]
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)
        title = html.unescape(re.search(r"<h1[^>]*>(.*?)<", text).group(1)).strip()
        assert canonical in query["body"], f"{path}: the issue body does not name the page's address"
        assert title in query["title"], f"{path}: the issue title does not name the page"
        for field in fields:  # the template's own fields, in order
            assert field in query["body"]
        assert [f for f in re.findall(r"\*\*[^*]+\*\*", query["body"])] == fields
