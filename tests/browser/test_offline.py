"""The offline edition (`make offline`) works opened from disk: pages link to pages, and search
finds things, with no server and no network, under the same Content-Security-Policy as the site
(hooks/csp.py), with one more hash for the script of the iframe-worker shim that search uses there."""

from urllib.parse import urlparse

import pytest

from conftest import REPO, mkdocs_build

from .helpers import POLICY, assert_no_csp_violation, directives, record_csp_violations


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory, execution_cache):
    """Built with the results the session's real build executed (the same inputs, so the same
    outputs: the cache's key covers them)."""
    site = tmp_path_factory.mktemp("offline")
    result = mkdocs_build(REPO / "mkdocs.yml", site, OFFLINE="true", EXECUTION_CACHE=str(execution_cache))
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_offline_pages_link_to_html_files(offline_site):
    html = (offline_site / "index.html").read_text()
    assert 'href="sft/objective.html"' in html, "offline pages must link to files, not folders"
    assert "navigation.instant" not in html, "instant navigation cannot work from file://"


def test_offline_search_works_from_file_url(offline_site, browser):
    requests, violations = [], []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    record_csp_violations(page, violations.append)
    page.goto((offline_site / "index.html").as_uri())
    page.locator("input.md-search__input").click()
    page.keyboard.type("cross-entropy", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert results.count() > 0
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    landed = urlparse(page.url)
    assert landed.scheme == "file" and landed.path.endswith(".html"), page.url
    page.close()
    outside = [url for url in requests if not url.startswith(("file://", "data:", "blob:"))]
    assert not outside, f"the offline edition asked the network for: {outside}"
    assert_no_csp_violation(violations, "the offline edition, searched from file://")


def test_offline_math_is_drawn_in_the_math_font(offline_site, browser):
    """Opened from disk, the offline edition draws its math in the served font."""
    from .test_math import fonts_drawing_math

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto((offline_site / "sft" / "objective.html").as_uri())
    tab.wait_for_load_state("load")
    problems, probed = fonts_drawing_math(tab, "sft/objective.html offline")
    context.close()
    assert not problems, "\n".join(problems)
    assert probed > 10


def test_offline_pages_carry_the_policy_with_the_search_shim_s_hash(offline_site, built_site):
    """The same directives as the site; its scripts' hashes and at least one more (the shim's)."""
    online = directives(POLICY.search((built_site / "index.html").read_text())["policy"])
    policies = {POLICY.search(path.read_text())["policy"] for path in offline_site.rglob("*.html")}
    assert len(policies) == 1, f"offline pages carry {len(policies)} different policies"
    offline = directives(policies.pop())
    assert offline.keys() == online.keys()
    assert all(offline[name] == online[name] for name in online if name != "script-src")
    assert len(set(offline["script-src"]) - set(online["script-src"])) >= 1
