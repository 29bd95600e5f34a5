"""Figures on a 375-px phone: the text of every inline SVG figure is drawn at 11 CSS px or more
(its font size times the scale the page draws it at), and every lab figure (a PNG) is shown
at its own size, where its labels are 12 px or more (tests/test_labs.py keeps the labs at 80-100
dpi with matplotlib's 10-point text)."""

from __future__ import annotations

from .helpers import LOAD_IMAGES, PHONE

MIN_TEXT_PX = 11
# The smallest text of each inline figure as drawn, and each lab figure's shown and own width,
# once every lab figure has loaded (they load lazily: below the screen, not until scrolled to).
MEASURE = """async () => {
  await (""" + LOAD_IMAGES + """)([...document.querySelectorAll(".jp-RenderedImage img")]);
  return {
    figures: [...document.querySelectorAll("figure.course-figure svg")].map(svg => {
      const sizes = [...svg.querySelectorAll("text")].map(text => {
        const m = text.getScreenCTM();  // rotated labels too: the scale is the length of a column
        return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
      });
      return {label: (svg.getAttribute("aria-label") || "").slice(0, 60), texts: sizes.length,
              smallest: Math.min(...sizes)};
    }),
    images: [...document.querySelectorAll(".jp-RenderedImage img")].map(img => ({
      label: img.alt.slice(0, 60), shown: img.getBoundingClientRect().width, own: img.naturalWidth})),
  };
}"""


def test_figure_text_is_legible_on_a_phone(new_context, base_url, pages):
    with_figures = [page for page in pages if page.path != "print_page/" and any(
        mark in page.html_file.read_text(encoding="utf-8") for mark in ('class="course-figure"', "jp-RenderedImage"))]
    assert len(with_figures) >= 5, "too few pages with figures: the check would prove little"
    tab = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems, checked = [], 0
    for page in with_figures:
        tab.goto(base_url + page.path)
        tab.wait_for_load_state("load")
        found = tab.evaluate(MEASURE)
        for figure in found["figures"]:
            checked += figure["texts"]
            if figure["texts"] and figure["smallest"] < MIN_TEXT_PX - 0.05:
                problems.append(f"/{page.path}: {figure['label']!r}: text drawn at {figure['smallest']:.1f} px")
        for image in found["images"]:
            checked += 1
            if not image["own"]:
                problems.append(f"/{page.path}: {image['label']!r}: did not load")
            elif image["shown"] < image["own"] - 0.5:
                problems.append(f"/{page.path}: {image['label']!r}: shown {image['shown']:.0f} px wide, "
                                f"drawn {image['own']} px wide (its text shrinks with it)")
    assert not problems, f"figure text under {MIN_TEXT_PX} px at 375 px:\n" + "\n".join(problems)
    assert checked > 50
