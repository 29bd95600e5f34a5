"""The Content-Security-Policy (hooks/csp.py) that every page carries, as Chromium enforces it.

In normal use nothing is blocked: the session's visit of every page in both schemes, the phone
menu's way through every page, the light/dark toggle, the copy buttons, search and the questions
all record every `securitypolicyviolation` and fail on one (tests/browser/conftest.py and the
search and question fixtures). This module adds what those do not do: following the sidebar from
the home page into a lab, each page loaded as a page of its own (the site has no instant
navigation, mkdocs.yml says why), and the lab's copy button; the search box's share button; and
the control, a throw-away page of the site with a
third-party script, image, font and fetch, each of which must be blocked and reported.
The policy itself is read from the built pages here too, and their inline scripts hashed anew.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import re
from urllib.parse import urlsplit

from .helpers import DESKTOP, POLICY, assert_no_csp_violation, directives, watch_csp

JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript"}


class Scripts(html.parser.HTMLParser):
    """The text of every inline script a browser runs, read with Python's own HTML parser."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and (attributes.get("type") or "").lower() in JAVASCRIPT_TYPES:
            self._current = []

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def site_policies(site_dir) -> dict[str, str]:
    return {path.relative_to(site_dir).as_posix(): POLICY.findall(path.read_text(encoding="utf-8"))
            for path in sorted(site_dir.rglob("*.html"))}


def test_every_page_carries_one_policy_before_anything_it_governs(site_dir):
    policies = site_policies(site_dir)
    assert len(policies) > 20
    assert all(len(found) == 1 for found in policies.values()), {p: len(f) for p, f in policies.items() if len(f) != 1}
    assert len({found[0] for found in policies.values()}) == 1, "pages carry different policies"
    for path in site_dir.rglob("*.html"):
        head = path.read_text(encoding="utf-8").split('http-equiv="Content-Security-Policy"')[0]
        assert not re.search(r"<(script|link|style|img)\b", head), f"{path}: something loads before the policy"


def test_the_policy_allows_the_site_only_and_inline_scripts_by_hash(site_dir):
    policy = directives(next(iter(site_policies(site_dir).values()))[0])
    for name in ("default-src", "script-src", "style-src", "img-src", "font-src", "connect-src", "worker-src"):
        assert policy[name][0] == "'self'", (name, policy[name])
        assert not [source for source in policy[name] if re.match(r"(https?:|\*|//)", source)], (name, policy[name])
    assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"} & set(policy["script-src"])
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert set(policy["img-src"]) == {"'self'", "data:"}


def test_every_inline_script_and_no_other_is_allowed_by_its_hash(site_dir):
    """Hashed again here from Python's own parse of the pages: the policy lists exactly these."""
    scripts = set()
    for path in site_dir.rglob("*.html"):
        parser = Scripts()
        parser.feed(path.read_text(encoding="utf-8"))
        scripts |= set(parser.scripts)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
              for script in scripts}
    allowed = {source for source in directives(next(iter(site_policies(site_dir).values()))[0])["script-src"]
               if source.startswith("'sha256-")}
    assert len(scripts) >= 5, "fewer inline scripts than Material alone has"
    assert allowed == hashes, (f"scripts without a hash: {len(hashes - allowed)}, "
                               f"hashes of no script: {sorted(allowed - hashes)}")


def serve_a_local_sitemap(tab, base_url, site_dir) -> None:
    """Material's instant navigation, were it on, would follow a link only when the sitemap lists
    it, and it reads the sitemap's addresses with this server's scheme and host but the published
    site's port: on a test server's port it would never engage. The tab is served a sitemap with
    this server's addresses instead, so that the test below sees it if it is turned on again."""
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    published = re.search(r'<link rel="canonical" href="([^"]+)"', (site_dir / "index.html").read_text())[1]
    local = sitemap.replace(published, base_url)
    tab.route(base_url + "sitemap.xml", lambda route: route.fulfill(status=200, content_type="application/xml",
                                                                   body=local))


def test_following_links_into_a_lab_loads_each_page_and_its_copy_button(browser, base_url, site_dir):
    """From the home page through the sidebar into a lab: each page is loaded anew, under its own
    policy (instant navigation, which would swap pages in, is off: mkdocs.yml says why); the lab's
    inline scripts (its copy buttons) run and copy; and the light/dark toggle works."""
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"http://{urlsplit(base_url).netloc}")
    violations = watch_csp(context)
    tab = context.new_page()
    serve_a_local_sitemap(tab, base_url, site_dir)
    documents = []
    tab.on("request", lambda request: request.resource_type == "document" and documents.append(request.url))
    tab.goto(base_url)
    tab.wait_for_load_state("networkidle")  # instant navigation would start once it had read the sitemap
    targets = ("sft/flawed-data/", "glossary/", "labs/what-sft-learns/")
    for target in targets:
        tab.locator(f"nav.md-nav--primary a.md-nav__link[href$='{target}']").first.click()
        tab.wait_for_url(f"**/{target}")
        tab.wait_for_load_state("load")
    tab.locator("clipboard-copy").first.wait_for()
    assert documents == [base_url] + [base_url + target for target in targets], (
        f"pages not loaded as pages of their own (instant navigation on?): {documents}")
    cell_code = tab.evaluate("() => document.getElementById(document.querySelector('clipboard-copy')"
                             ".getAttribute('for')).textContent")
    tab.evaluate("() => navigator.clipboard.writeText('')")
    tab.locator("clipboard-copy").first.click()
    tab.wait_for_function("async () => (await navigator.clipboard.readText()).length > 0")
    assert tab.evaluate("() => navigator.clipboard.readText()") == cell_code
    scheme = tab.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    tab.locator("form[data-md-component='palette'] label").filter(visible=True).click()
    tab.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') !== '{scheme}'")
    context.close()
    assert_no_csp_violation(violations, "following links into a lab, its copy button, the toggle")


def test_search_share_button(browser, base_url):
    """Material's share button in the search box is a javascript: link that its script handles."""
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"http://{urlsplit(base_url).netloc}")
    violations = watch_csp(context)
    tab = context.new_page()
    tab.goto(base_url)
    tab.locator("input.md-search__input").click()
    tab.keyboard.type("preference", delay=20)
    tab.locator(".md-search-result__item").first.wait_for()
    tab.locator("[data-md-component=search-share]").click()
    tab.wait_for_function("async () => (await navigator.clipboard.readText()).includes('q=preference')")
    context.close()
    assert_no_csp_violation(violations, "the search share button")


THIRD_PARTY = """
<style>@font-face { font-family: Planted; src: url(https://fonts.planted.example/planted.woff2); }
  .planted-font { font-family: Planted; }</style>
<p class="planted-font">Text in a font from another host.</p>
<img src="https://images.planted.example/pixel.png" alt="">
<script src="https://scripts.planted.example/tracker.js"></script>
<script>window.__plantedInline = true;</script>
"""


def test_a_third_party_script_image_font_and_fetch_are_blocked_and_reported(browser, base_url, site_dir):
    """The control: a careless page, the home page with third-party resources pasted into it, served
    by the site itself; and a fetch to another host from the page."""
    page_html = (site_dir / "index.html").read_text(encoding="utf-8").replace("</article>", THIRD_PARTY + "</article>")
    assert POLICY.search(page_html), "the home page carries no policy"
    context = browser.new_context(viewport=DESKTOP)
    violations = watch_csp(context)
    tab = context.new_page()
    refused = {}
    tab.on("requestfailed", lambda request: refused.__setitem__(request.url, request.failure))
    throw_away = base_url + "throw-away.html"  # beside the home page, so its relative links still work
    tab.route(throw_away, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                      body=page_html))
    tab.goto(throw_away)
    tab.wait_for_load_state("load")
    fetched = tab.evaluate("""() => fetch("https://api.planted.example/collect").then(() => "sent",
                                                                                   error => "refused")""")
    tab.wait_for_function("() => document.fonts.status === 'loaded'")
    tab.wait_for_timeout(200)  # the reports are delivered as events after the refusal
    context.close()
    blocked = {(violation["directive"], urlsplit(violation["blocked"]).netloc or violation["blocked"])
               for violation in violations}
    assert ("script-src-elem", "scripts.planted.example") in blocked, violations
    assert ("img-src", "images.planted.example") in blocked, violations
    assert ("font-src", "fonts.planted.example") in blocked, violations
    assert ("connect-src", "api.planted.example") in blocked, violations
    assert ("script-src-elem", "inline") in blocked, violations
    assert fetched == "refused"
    # Refused by the browser for the policy, not by a failed look-up of the host.
    planted = {url: failure for url, failure in refused.items() if "planted.example" in url}
    assert len(planted) == 3 and set(planted.values()) == {"csp"}, planted  # fetch() never got as far
