"""Getting around: on a phone-sized screen the menu opens and every page can be reached through it;
the light/dark choice stays as the reader moves between pages and comes back; a code block's copy
button puts exactly that code on the clipboard and covers none of it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

from .conftest import screenshot_dir
from .helpers import DESKTOP, PHONE, inject_axe, literal_code_fences

MENU_BUTTON = "label.md-header__button[for='__drawer']"
PRIMARY_NAV = "nav.md-nav--primary"
SCROLLABLE_REGIONS = """async () => (await axe.run(document.querySelector("article"),
  {runOnly: ["scrollable-region-focusable"], resultTypes: ["violations"]})).violations
  .flatMap(v => v.nodes.map(n => n.target.join(" ")))"""
COPY_BUTTON = "article pre button[data-clipboard-target]"
# The first line of each code block whose text lies under its copy button's icon on the screen
# (Material's button, or a lab cell's mkdocs-jupyter one), with each block scrolled to its end: a
# character there could not be read at any scroll position.
CODE_UNDER_COPY_BUTTON = """() => [...document.querySelectorAll("article pre")].flatMap(pre => {
  const icon = pre.querySelector(".md-code__button")
    || pre.closest(".CodeMirror")?.querySelector(".clipboard-copy-icon");
  if (!icon) return [];
  const code = pre.querySelector("code") || pre;
  const scroller = getComputedStyle(code).overflowX === "visible" ? pre.closest(".highlight-ipynb") || pre : code;
  scroller.scrollLeft = scroller.scrollWidth;
  const b = icon.getBoundingClientRect(), text = document.createRange();
  text.selectNodeContents(code);
  const covered = [...text.getClientRects()].some(r => r.width > 0 &&
    r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top);
  scroller.scrollLeft = 0;
  return covered ? [code.innerText.split("\\n")[0]] : [];
})"""
READ_CLIPBOARD = """async () => {
  for (let tries = 0; tries < 100; tries++) {
    const text = await navigator.clipboard.readText();
    if (text) return text;
    await new Promise(done => setTimeout(done, 20));
  }
  return "";
}"""


def current_path(tab, base_url: str) -> str:
    return urlsplit(tab.url).path.removeprefix(urlsplit(base_url).path)


def test_the_sitemap_lists_every_page_in_the_navigation(site_dir, pages):
    """sitemap.xml (what search engines and Material's instant navigation read) and the built pages
    agree: every page in the sitemap exists, and every built page but the print edition is in it."""
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ElementTree.parse(site_dir / "sitemap.xml").findall(".//sm:loc", namespace)]
    assert locations, "sitemap.xml lists no page"
    home = re.search(r'<link rel="canonical" href="([^"]+)"', (site_dir / "index.html").read_text())[1]
    listed = {location.removeprefix(home) for location in locations}
    built = {page.path for page in pages}
    assert listed <= built, f"in the sitemap but not built: {sorted(listed - built)}"
    unlisted = built - listed - {"print_page/"}
    assert not unlisted, f"built but not in the sitemap: {sorted(unlisted)}"


def open_menu(tab):
    tab.locator(MENU_BUTTON).click()
    tab.wait_for_function("() => document.getElementById('__drawer').checked")
    nav = tab.locator(PRIMARY_NAV)
    tab.wait_for_function(
        "selector => { const r = document.querySelector(selector).getBoundingClientRect();"
        " return r.left >= 0 && r.right <= innerWidth && r.width > 200; }", arg=PRIMARY_NAV)
    return nav


# The menu's slide animations, switched off so the test need not wait for them (what is reachable
# does not change).
NO_ANIMATION = "*, *::before, *::after { transition: none !important; animation: none !important; }"

# One step through the open menu towards the page at `path`, found by what a reader sees: marks the
# element to click next (the page's link if it shows; else the outermost closed section on its way;
# else the "back" arrow of the section shown) with data-menu-step, and says which it is.
MENU_STEP = """([nav, path]) => {
  const shown = e => {
    let r = e.getBoundingClientRect();
    const wrap = e.closest(".md-sidebar__scrollwrap");
    if (wrap && r.width && (r.top < 0 || r.bottom > innerHeight)) {  // scroll the menu, vertically only
      wrap.scrollTop += r.top - innerHeight / 2;
      r = e.getBoundingClientRect();
    }
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (!r.width || !r.height || x < 0 || x > innerWidth || y < 0 || y > innerHeight) return false;
    const top = document.elementFromPoint(x, y);
    return !!top && (top === e || e.contains(top));
  };
  document.querySelectorAll("[data-menu-step]").forEach(e => e.removeAttribute("data-menu-step"));
  const mark = (e, step) => { e.setAttribute("data-menu-step", ""); return step; };
  const links = [...document.querySelectorAll(nav + " a.md-nav__link")].filter(a =>
    !a.closest(".md-nav--secondary") && new URL(a.href).pathname === path);
  if (!links.length) return "missing";
  const link = links.find(shown);
  if (link) return mark(link, "link");
  const closed = [];
  for (let item = links[0].closest("li.md-nav__item--nested"); item;
       item = item.parentElement.closest("li.md-nav__item--nested")) {
    const toggle = item.querySelector(":scope > input.md-nav__toggle");
    if (toggle && !toggle.checked) closed.unshift(toggle.id);
  }
  const open = closed.length && document.querySelector(`${nav} label.md-nav__link[for="${closed[0]}"]`);
  if (open && shown(open)) return mark(open, "section");
  const back = [...document.querySelectorAll(nav + " label.md-nav__title[for^='__nav_']")].filter(shown);
  if (back.length) return mark(back[back.length - 1], "back");
  return "stuck";
}"""


# How many pages Material has shown in this window (document$ emits once for each, and would for
# each page instant navigation swapped in, were it on); starts counting on first use.
COUNT_PAGES = """() => {
  if (window.__pagesShown === undefined) {
    window.__pagesShown = 0;
    document$.subscribe(() => { window.__pagesShown += 1; });
  }
  return window.__pagesShown;
}"""


def reach_through_the_menu(tab, base_url: str, target: str) -> None:
    """As a reader would: open the menu, go back up or into sections until the page's link shows,
    and follow it."""
    tab.add_style_tag(content=NO_ANIMATION)
    open_menu(tab)
    steps = []
    for _ in range(8):
        step = tab.evaluate(MENU_STEP, [PRIMARY_NAV, urlsplit(base_url + target).path])
        steps.append(step)
        assert step not in ("missing", "stuck"), f"/{target}: {step} in the menu after {steps}"
        before = tab.evaluate(COUNT_PAGES)
        tab.locator("[data-menu-step]").click()
        if step == "link":
            # A link loads a new window (the count is gone with the old one); were instant
            # navigation on, it would swap the page in, and Material's document$ tell when it had.
            tab.wait_for_function("([path, before]) => location.pathname.endsWith('/' + path) && ("
                                  "window.__pagesShown === undefined ? document.readyState === 'complete'"
                                  " : window.__pagesShown > before)", arg=[target, before])
            tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            return
    raise AssertionError(f"/{target}: not reached through the menu after {steps}")


def test_on_a_phone_the_menu_opens_and_reaches_every_page(new_context, base_url, pages):
    tab = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    tab.goto(base_url)
    assert tab.locator(MENU_BUTTON).is_visible(), "no menu button at 375 px"
    assert not tab.evaluate("document.getElementById('__drawer').checked"), "the menu is open before it is asked for"
    assert tab.locator(PRIMARY_NAV).evaluate("n => n.getBoundingClientRect().right <= 0"), "the menu shows unasked"
    nav = open_menu(tab)
    assert nav.is_visible() and nav.locator("a.md-nav__link").filter(visible=True).count() >= 1
    tab.screenshot(path=screenshot_dir() / "phone-menu.png")
    tab.reload()
    # Every page, one after the other, through the menu only.
    targets = [page.path for page in pages if page.path not in ("", "print_page/")] + [""]
    problems = []
    for target in targets:
        reach_through_the_menu(tab, base_url, target)
        assert current_path(tab, base_url) == target
        # What the phone layout adds to the desktop checks: content wider than the screen scrolls
        # sideways, and a keyboard must be able to scroll it (axe-core's rule for that, alone).
        if not tab.evaluate("typeof axe !== 'undefined'"):
            inject_axe(tab)  # once per page loaded
        problems += [f"/{target}: {problem}" for problem in tab.evaluate(SCROLLABLE_REGIONS)]
    assert not problems, "on a phone, regions that scroll but cannot be reached by keyboard:\n" + "\n".join(problems)


def palette_scheme(tab) -> str:
    return tab.evaluate("document.body.getAttribute('data-md-color-scheme')")


def root_scheme(tab) -> str:
    """The root's used colour scheme (the window's scroll bar): overrides/main.html follows the toggle."""
    return tab.evaluate("getComputedStyle(document.documentElement).colorScheme")


def click_palette_toggle(tab) -> None:
    toggle = tab.locator("form[data-md-component='palette'] label").filter(visible=True)
    assert toggle.count() == 1, "one palette toggle should be visible"
    assert re.match(r"Switch to (dark|light) mode", toggle.get_attribute("title") or "")
    toggle.click()


def test_the_light_dark_choice_persists_across_pages(new_context, base_url, pages):
    context = new_context(color_scheme="light")
    tab = context.new_page()
    tab.goto(base_url)
    assert palette_scheme(tab) == "default"
    click_palette_toggle(tab)
    tab.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert root_scheme(tab) == "dark"
    others = [page.path for page in pages if page.path not in ("", "print_page/")]
    # Following a link ...
    tab.locator(f"{PRIMARY_NAV} a.md-nav__link[href$='{others[0]}']").first.click()
    tab.wait_for_function("path => location.pathname.endsWith('/' + path)", arg=others[0])
    assert palette_scheme(tab) == "slate"
    # ... loading a page afresh, and in a new tab of the same browser.
    tab.goto(base_url + others[-1])
    assert palette_scheme(tab) == "slate"
    second = context.new_page()
    second.goto(base_url + others[len(others) // 2])
    assert palette_scheme(second) == "slate"
    # And back to light, which persists too.
    click_palette_toggle(second)
    second.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert root_scheme(second) == "normal"
    second.reload()
    assert palette_scheme(second) == "default"
    tab.goto(base_url)
    assert palette_scheme(tab) == "default"


def test_copy_buttons_copy_the_code(new_context, base_url, pages):
    context = new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"http://{urlsplit(base_url).netloc}")
    tab = context.new_page()
    copied_blocks = 0
    for page in pages:
        if page.path == "print_page/" or "<pre" not in page.html_file.read_text(encoding="utf-8"):
            continue  # the print edition repeats the pages; a page without code has no copy button
        tab.goto(base_url + page.path)
        # Material adds a copy button to each code block once the page has loaded.
        tab.wait_for_function(f"() => !document.querySelector('article pre > code') || "
                              f"document.querySelector(\"{COPY_BUTTON}\")")
        covered = tab.evaluate(CODE_UNDER_COPY_BUTTON)
        assert not covered, (f"/{page.path}: a copy button covers the text of the code block that starts\n"
                             + "\n".join(covered) + f"\nat {DESKTOP['width']} px: make that block's first line shorter")
        buttons = tab.locator(COPY_BUTTON)
        copied = []
        for index in range(buttons.count()):
            button = buttons.nth(index)
            # What the block shows, and an empty clipboard to start from.
            shown = button.evaluate("async b => { await navigator.clipboard.writeText('');"
                                    " return b.closest('pre').querySelector('code').innerText; }")
            button.click()  # moves the pointer onto the block first, as a reader's mouse does
            text = tab.evaluate(READ_CLIPBOARD)
            assert text.rstrip("\n") == shown.rstrip("\n"), f"/{page.path}: copy button {index} copied other text"
            copied.append(text.rstrip("\n"))
            copied_blocks += 1
        # Code written out in the Markdown is what the reader gets (read from the source, not the page).
        for fence in literal_code_fences(page.source_markdown()):
            assert fence in copied, f"/{page.path}: no copy button gives the fence\n{fence[:200]}"
    assert copied_blocks >= 3, "fewer than three code blocks on the whole site"
