"""Math as Chromium draws it: every formula in the self-hosted math font (asked of the browser
itself, through the DevTools protocol), every character the site's MathML uses in the font that
is served, and a reference formula laid out as a MATH-table font lays it out (limits above and
below a display sum, brackets stretched around a fraction)."""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from conftest import load_module  # tests/conftest.py

from .helpers import DESKTOP, REPO

FONT_FAMILY = "Noto Sans Math"  # the family name inside fonts/NotoSansMath-Regular.woff2
SERVED_FONT = "assets/fonts/course-math.woff2"
TEXT_ELEMENTS = ("mi", "mn", "mo", "mtext", "ms")
INVISIBLE = re.compile(r"^[\u2061-\u2064\ufe00-\ufe0f\s]*$")  # function application, selectors


def math_italic(char: str) -> str | None:
    """What MathML Core draws for a one-letter <mi> (its math-auto transform), by code point
    arithmetic over the Mathematical Alphanumeric Symbols block."""
    special = {"h": 0x210E, "∂": 0x1D715, "∇": 0x1D6FB, "ϵ": 0x1D716, "ϑ": 0x1D717, "ϕ": 0x1D719,
               "ϱ": 0x1D71A, "ϖ": 0x1D71B, "ϰ": 0x1D718}
    code = ord(char)
    if char in special:
        return chr(special[char])
    for first, last, italic in (("A", "Z", 0x1D434), ("a", "z", 0x1D44E), ("Α", "Ω", 0x1D6E2),
                                ("α", "ω", 0x1D6FC)):
        if ord(first) <= code <= ord(last):
            return chr(italic + code - ord(first))
    return None


class MathText(HTMLParser):
    """What every <math> element of a page draws (a parser of its own, not the hook's regex)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.characters, self.plain_mi = 0, set(), False

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "math"
        self.plain_mi = tag == "mi" and not attrs

    def handle_endtag(self, tag):
        self.depth -= tag == "math"
        self.plain_mi = False

    def handle_data(self, data):
        if self.depth:
            self.characters.update(char for char in data if char not in " \t\n\r")
            if self.plain_mi and len(data) == 1 and math_italic(data):
                self.characters.add(math_italic(data))


def math_characters(page_html: str) -> set[str]:
    parser = MathText()
    parser.feed(page_html)
    return parser.characters


@pytest.fixture(scope="module")
def math_pages(pages):
    found = [page for page in pages if "<math" in page.html_file.read_text(encoding="utf-8")]
    assert len(found) >= 10, f"only {len(found)} pages with math"
    return found


def test_the_served_font_has_every_character_the_math_uses(site_dir, math_pages):
    """Adding a formula with a new symbol cannot fall back to another font unnoticed; the subset
    stays small."""
    served = site_dir / SERVED_FONT
    assert served.stat().st_size <= 100_000, f"{served}: {served.stat().st_size} bytes (at most 100 kB)"
    font = TTFont(served)
    assert font.flavor == "woff2" and "MATH" in font, "the served font is not a woff2 with a MATH table"
    cmap = font.getBestCmap()
    missing = {}
    for page in math_pages:
        for char in math_characters(page.html_file.read_text(encoding="utf-8")):
            if ord(char) not in cmap and not INVISIBLE.match(char):
                missing.setdefault(f"{char} (U+{ord(char):04X})", f"/{page.path}")
    assert not missing, f"characters of the math that {SERVED_FONT} lacks: {missing}"


def test_the_stylesheet_sets_the_font_on_math(site_dir):
    css = (site_dir / "assets" / "course.css").read_text()
    face = re.search(r"@font-face\s*{[^}]*}", css)
    assert face and "fonts/course-math.woff2" in face[0] and "font-display: swap" in face[0]
    assert re.search(r'(^|\n)math\s*{[^}]*font-family:\s*"Course Math"', css)


# For each character a page's math draws: one visible element that draws it, marked for the probe.
MARK_PROBES = """() => {
  const seen = new Set(); let count = 0;
  for (const element of document.querySelectorAll("TEXT_ELEMENTS")) {
    if (!element.closest("math") || !element.checkVisibility({contentVisibilityAuto: true})) continue;
    const text = element.textContent.replace(/[\\u2061-\\u2064\\ufe00-\\ufe0f\\s]/g, "");
    if (!text || [...text].every(char => seen.has(char))) continue;
    [...text].forEach(char => seen.add(char));
    element.setAttribute("data-font-probe", ""); count++;
  }
  return count;
}""".replace("TEXT_ELEMENTS", ", ".join(TEXT_ELEMENTS))


# For each visible display formula: how much further than its box its content reaches (scrollHeight,
# which counts the glyphs' ink in MathML; whole pixels, so up to about 2 px is rounding), and the room
# between the <math> box and the display box above and below it (CSS px).
DISPLAY_FIT = """() => [...document.querySelectorAll(".math-display")].filter(box => box.checkVisibility())
  .map(box => {
    const outer = box.getBoundingClientRect(), math = box.querySelector("math").getBoundingClientRect();
    return [box.scrollHeight - outer.height, Math.min(math.top - outer.top, outer.bottom - math.bottom)];
  })"""


def fonts_drawing_math(tab, where: str) -> tuple[list[str], int]:
    """(problems, elements probed) for the page open in `tab`: for every character its math draws,
    the fonts Chromium used (CSS.getPlatformFontsForNode) must be the served Noto Sans Math."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    tab.evaluate("document.fonts.ready.then(() => true)")
    if not tab.evaluate(MARK_PROBES):
        return [f"{where}: no visible math to probe"], 0
    problems, probed = [], 0
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-font-probe]"})["nodeIds"]:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        probed += 1
        wrong = [f"{font['familyName']} ({font['glyphCount']} glyphs)" for font in fonts
                 if font["familyName"] != FONT_FAMILY or not font["isCustomFont"]]
        if wrong or not fonts:
            text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            problems.append(f"{where}: {html.unescape(text)[:80]} drawn with {wrong or 'nothing'}")
    cdp.detach()
    return problems, probed


def test_math_is_drawn_with_the_self_hosted_font_on_every_page(new_context, base_url, math_pages):
    """On every page with math, for every character drawn, only the served Noto Sans Math."""
    tab = new_context(viewport=DESKTOP).new_page()
    problems, probed = [], 0
    for page in math_pages:
        tab.goto(base_url + page.path)
        tab.wait_for_load_state("load")
        found, count = fonts_drawing_math(tab, f"/{page.path}")
        problems += found
        probed += count
        # A display formula's box holds its limits and scripts: nothing overflows it vertically
        # (which would clip ink, or show a vertical scrollbar where scrollbars take room).
        problems += [f"/{page.path}: display formula {index + 1} reaches {overflow:.1f} px past its box, "
                     f"{room:.1f} px of room" for index, (overflow, room) in enumerate(tab.evaluate(DISPLAY_FIT))
                     if overflow > 2.5 or room < 4]
    assert not problems, "math not in the self-hosted font, or clipped:\n" + "\n".join(problems[:30])
    assert probed >= len(math_pages)


def test_the_print_edition_opened_from_disk_draws_math_in_the_font(new_context, site_dir):
    """Printed to PDF from disk (file://), as tests/browser/test_print_edition.py and a course kit
    do, the print edition draws its math in the served font too."""
    tab = new_context(viewport=DESKTOP).new_page()
    tab.goto((site_dir / "print_page" / "index.html").as_uri())
    tab.wait_for_load_state("load")
    problems, probed = fonts_drawing_math(tab, "print_page/index.html from file://")
    assert not problems, "\n".join(problems[:30])
    assert probed > 50


def load_mathml_hook():
    return load_module(REPO / "hooks" / "mathml.py", "browser_hook_mathml")


REFERENCE = r"\sum_{i=1}^{n} \left( \frac{a_i}{b_i + 1} \right)"
# Puts the reference formula (display) and an inline sum at the top of the article, in the page's
# own styles (or in `fontFamily`, for the control), and returns the boxes of its parts in CSS px.
MEASURE = """async ([display, inline, fontFamily]) => {
  document.getElementById("reference-math")?.remove();
  const box = document.createElement("div");
  box.id = "reference-math";
  box.innerHTML = '<div class="math-display">' + display + '</div><p>' + inline + '</p>';
  if (fontFamily) box.querySelectorAll("math").forEach(m => { m.style.fontFamily = fontFamily; });
  document.querySelector("article").prepend(box);
  await document.fonts.ready;
  const rect = e => { const r = e.getBoundingClientRect();
                      return {top: r.top, bottom: r.bottom, height: r.height}; };
  const [shown, small] = box.querySelectorAll("math");
  const [operator, under, over] = shown.querySelector("munderover").children;
  const brackets = [...shown.querySelectorAll("mo")].filter(mo => "()".includes(mo.textContent.trim()));
  brackets.forEach((mo, index) => mo.setAttribute("data-bracket", index));
  return {operator: rect(operator), under: rect(under), over: rect(over),
          fraction: rect(shown.querySelector("mfrac")), inlineOperator: rect(small.querySelector("mo")),
          brackets: brackets.length};
}"""


def ink_height(tab, selector: str) -> int:
    """Rows of the element's screenshot that hold ink (a box's height says nothing of whether the
    glyph inside it was stretched)."""
    picture = Image.open(io.BytesIO(tab.locator(selector).screenshot())).convert("L")
    width, height = picture.size
    pixels = picture.load()
    return sum(1 for y in range(height) if any(pixels[x, y] < 128 for x in range(width)))


def measure(tab, display, inline, font_family=None):
    found = tab.evaluate(MEASURE, [display, inline, font_family])
    found["bracket_ink"] = [ink_height(tab, f"[data-bracket='{index}']") for index in range(found["brackets"])]
    return found


def test_a_reference_formula_is_laid_out_with_the_fonts_math_table(new_context, base_url, math_pages):
    """A display sum has its limits below and above it and is larger than inline; the brackets
    stretch to enclose the fraction (their ink is at least as tall as the fraction). The control:
    the same formula in a font without a MATH table (Liberation Serif, which Chromium on Debian
    drew math with before the site served a font) has brackets no taller than a letter's."""
    mathml = load_mathml_hook()
    display = mathml.tex_to_mathml(REFERENCE, "block", "test")
    inline = mathml.tex_to_mathml(r"\sum_{i=1}^{n} x_i", "inline", "test")
    tab = new_context(viewport=DESKTOP).new_page()
    tab.goto(base_url + math_pages[0].path)
    tab.wait_for_load_state("load")
    found = measure(tab, display, inline)
    operator, under, over, fraction = found["operator"], found["under"], found["over"], found["fraction"]
    assert under["top"] >= operator["bottom"] - 1 and over["bottom"] <= operator["top"] + 1, found
    assert operator["height"] >= 1.3 * found["inlineOperator"]["height"], found
    assert len(found["bracket_ink"]) == 2, found
    assert min(found["bracket_ink"]) >= 0.95 * fraction["height"], f"brackets not stretched: {found}"
    plain = measure(tab, display, inline, "Liberation Serif")  # what Debian's Chromium used before
    assert max(plain["bracket_ink"]) < 0.8 * plain["fraction"]["height"], (
        f"the control failed: brackets stretch without a MATH font too, so the check proves nothing: {plain}")
