"""axe-core (node_modules/axe-core, pinned in package-lock.json) finds no serious or critical
violation on any page, in the light and in the dark scheme. Material's own gaps are fixed in
overrides/ and docs/assets/course.css, never by turning a rule off."""

import pytest

from .conftest import AXE_RESULTS, SCHEMES, START_AXE
from .helpers import DESKTOP, PHONE, SETTLED, inject_axe

BLOCKING = ("serious", "critical")


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_no_serious_or_critical_axe_violation(visits, scheme):
    problems = []
    for (visit_scheme, path), visit in visits.items():
        if visit_scheme != scheme:
            continue
        for violation in visit.axe_violations:
            if violation["impact"] in BLOCKING:
                problems.append(f"/{path}: {violation['id']} ({violation['impact']}): {violation['help']}\n"
                                f"    at {violation['targets']}\n    {violation['summary']}")
    assert not problems, f"axe-core, {scheme} scheme:\n" + "\n".join(problems)


BLOCKING_VIOLATIONS = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter(v => ["serious", "critical"].includes(v.impact))
  .map(v => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(", ")}: `
            + (v.nodes.length ? v.nodes[0].failureSummary : ""))"""


def axe_problems(tab, state: str) -> list[str]:
    tab.wait_for_function(SETTLED)
    if not tab.evaluate("typeof axe !== 'undefined'"):
        inject_axe(tab)
    return [f"{state}: {problem}" for problem in tab.evaluate(BLOCKING_VIOLATIONS)]


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_no_serious_violation_in_the_open_states(new_context, base_url, pages, scheme):
    """What the page visits do not show: search results listed, a question answered with its answer
    unfolded, and the menu open on a phone."""
    problems = []
    tab = new_context(viewport=DESKTOP, color_scheme=scheme).new_page()
    tab.goto(base_url)
    tab.locator(".quiz .quiz-choice").first.click()
    tab.locator(".quiz .quiz-answer summary").first.click()
    problems += axe_problems(tab, "answered question")
    box = tab.locator(".md-search__input")
    box.click()
    box.press_sequentially("model")
    tab.locator(".md-search-result__item mark").first.wait_for()
    problems += axe_problems(tab, "search results")
    phone = new_context(viewport=PHONE, color_scheme=scheme, is_mobile=True, has_touch=True).new_page()
    inner = next(page.path for page in pages if page.path.count("/") >= 2)  # a page inside a section
    phone.goto(base_url + inner)
    phone.locator("label.md-header__button[for='__drawer']").click()
    phone.wait_for_function("() => document.querySelector('nav.md-nav--primary').getBoundingClientRect().left >= 0")
    problems += axe_problems(phone, f"phone menu on /{inner}")
    assert not problems, f"axe-core, {scheme} scheme:\n" + "\n".join(problems)


def home_page_with_a_nameless_button(new_context, base_url):
    """The real home page, with a button that has no accessible name (critical for axe-core)."""
    tab = new_context(viewport=DESKTOP).new_page()
    tab.goto(base_url)
    tab.evaluate("""() => { const b = document.createElement("button");
                            b.innerHTML = "<svg width='16' height='16'></svg>";
                            document.querySelector("article").append(b); }""")
    inject_axe(tab)
    return tab


def test_axe_finds_a_planted_violation(new_context, base_url):
    """The control: on the real home page, a button without a name is reported as critical."""
    tab = home_page_with_a_nameless_button(new_context, base_url)
    ids = tab.evaluate("async () => (await axe.run(document)).violations"
                       ".filter(v => v.impact === 'critical').map(v => v.id)")
    assert "button-name" in ids


def test_the_page_visits_way_of_running_axe_reports_it_too(new_context, base_url):
    """The control of the page visits' axe-core, started in the background and collected later
    (tests/browser/conftest.py): what it returns is what the run found."""
    tab = home_page_with_a_nameless_button(new_context, base_url)
    tab.evaluate(START_AXE, SETTLED)
    found = tab.evaluate(AXE_RESULTS)
    assert any(v["id"] == "button-name" and v["impact"] == "critical" for v in found), found
