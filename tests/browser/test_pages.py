"""Every page of the built site, as a reader's browser shows it (light and dark scheme): it loads,
logs no error, trips no Content-Security-Policy, asks no host but the site's own, shows every
image, shows math rendered rather than TeX, and leaves a full-page screenshot for a person to look
at.

Each test looks at every page and reports every page that fails, not just the first."""

import re
from urllib.parse import urlsplit

import pytest

from .conftest import MAX_SCREENSHOT_HEIGHT, PARTIAL_SCREENSHOT_HEIGHT, SCHEMES
from .helpers import formulas_in_markdown

# TeX that should have become MathML: delimiters, or a command such as \frac or \theta.
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]{2,}|(?<![\\$\w])\$(?!\s)[^$\n]{1,80}?(?<!\s)\$")


def each_visit(visits, check):
    """Run `check(visit)` (returns a list of problems) over every visit; one message for all."""
    problems = []
    for (scheme, path), visit in visits.items():
        problems += [f"/{path} ({scheme}): {problem}" for problem in check(visit)]
    return problems


def test_every_page_was_visited_in_both_schemes(visits, pages):
    assert len(pages) >= 2, "the built site should have more than the home page"
    assert set(visits) == {(scheme, page.path) for scheme in SCHEMES for page in pages}


def test_every_page_loads_with_http_200(visits):
    problems = each_visit(visits, lambda visit: [] if visit.status == 200 else [f"HTTP {visit.status}"])
    assert not problems, "\n".join(problems)


def test_the_scheme_is_the_one_asked_for(visits):
    problems = each_visit(visits, lambda visit: [] if visit.color_scheme_attribute == SCHEMES[visit.scheme]
                          else [f"data-md-color-scheme={visit.color_scheme_attribute}"])
    assert not problems, "\n".join(problems)


# The root's used colour scheme in each scheme: the dark one gives the window's scroll bar its dark
# colours; the light one is the browser's default.
ROOT_SCHEME = {"light": "normal", "dark": "dark"}


def test_the_root_takes_the_scheme_without_a_color_scheme_meta(visits):
    """overrides/main.html sets the root's colour scheme from Material's attribute on <body>;
    hooks/palette.py takes out Material's <meta name="color-scheme"> (which restyled the whole
    page twice as it loaded); Material's script has run (the root's class `js`, not `no-js`)."""
    def check(visit):
        root, problems = visit.root, []
        if root["scheme"] != ROOT_SCHEME[visit.scheme]:
            problems.append(f"the root's color-scheme is {root['scheme']!r}, not {ROOT_SCHEME[visit.scheme]!r}")
        if root["colorSchemeMetas"]:
            problems.append(f"{root['colorSchemeMetas']} <meta name=\"color-scheme\"> in the page")
        if "js" not in root["classes"].split() or "no-js" in root["classes"].split():
            problems.append(f"the root's classes are {root['classes']!r}")
        return problems
    problems = each_visit(visits, check)
    assert not problems, "\n".join(problems)


def test_no_console_errors(visits):
    problems = each_visit(visits, lambda visit: visit.console_errors)
    assert not problems, "console errors:\n" + "\n".join(problems)


def test_the_content_security_policy_blocks_nothing(visits):
    """Every page's policy (hooks/csp.py) lets the page load and run in full: no violation reported."""
    problems = each_visit(visits, lambda visit: [f"{v['directive']} blocked {v['blocked'] or 'inline'} "
                                                 f"({v['source']}:{v['line']}) {v['sample'][:80]!r}"
                                                 for v in visit.csp_violations])
    assert not problems, "Content-Security-Policy violations:\n" + "\n".join(problems)


def test_no_request_leaves_the_local_server(visits, base_url):
    local = urlsplit(base_url).netloc

    def third_party(visit):
        return [url for url in visit.requests
                if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != local]

    problems = each_visit(visits, third_party)
    assert not problems, "requests to other hosts:\n" + "\n".join(problems)
    # The control: the recording works, so an empty list above means something.
    assert all(any(urlsplit(url).netloc == local for url in visit.requests) for visit in visits.values())


def test_every_image_loads(visits):
    def broken(visit):
        in_html = len(re.findall(r"<img\b", visit.page.html_file.read_text(encoding="utf-8"), re.IGNORECASE))
        shown = len(visit.images)
        missing = [f"{in_html} <img> in the HTML, {shown} in the page"] if shown < in_html else []
        return missing + [f"image did not load: {image['src'][:120]}" for image in visit.images
                          if not image["complete"] or image["naturalWidth"] == 0]

    problems = each_visit(visits, broken)
    assert not problems, "\n".join(problems)


def test_no_raw_tex_in_the_visible_text(visits):
    def raw(visit):
        text = visit.visible_text
        return [f"unrendered math {match.group()!r} in ...{text[max(0, match.start() - 40):match.end() + 40]!r}"
                for match in RAW_TEX.finditer(text)]

    problems = each_visit(visits, raw)
    assert not problems, "\n".join(problems)


def test_math_in_the_source_is_rendered_as_mathml(visits):
    """Each formula the Markdown writes (counted from the source, not the HTML) is a <math> element."""
    checked = 0

    def count(visit):
        nonlocal checked
        expected = formulas_in_markdown(visit.page.source_markdown())
        checked += expected
        if visit.math_elements < expected:
            return [f"{visit.page.source}: {expected} formulas in the source, {visit.math_elements} <math> elements"]
        return []

    problems = each_visit(visits, count)
    assert not problems, "\n".join(problems)
    assert checked > 0, "no page has math: the check would pass vacuously"


def image_size(path):
    """Width and height of a screenshot, read by Pillow (which also proves it is a whole JPEG)."""
    from PIL import Image

    with Image.open(path) as picture:
        assert picture.format == "JPEG", f"{path} is not a JPEG"
        picture.load()  # a truncated file fails here
        return picture.size


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_a_full_page_screenshot_of_every_page(visits, scheme):
    """The whole page, top to bottom, at desktop width (the print edition: its first part)."""
    for (visit_scheme, path), visit in visits.items():
        if visit_scheme != scheme:
            continue
        assert visit.screenshot and visit.screenshot.is_file(), f"/{path}: no screenshot"
        width, height = image_size(visit.screenshot)
        expected = visit.page_height if visit.page_height <= MAX_SCREENSHOT_HEIGHT else PARTIAL_SCREENSHOT_HEIGHT
        assert visit.page_height >= 600 and (width, height) == (1280, expected), (
            f"{visit.screenshot}: {width}x{height}, the page is {visit.page_height} px tall")
