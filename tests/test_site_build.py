"""The real site builds with --strict and no warning, and the built pages hold what they should."""

import re

from conftest import DOCS, REPO


def test_site_builds_strict_without_warnings(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "search" / "search_index.json").is_file()


def test_every_page_is_built(built_site):
    for page in DOCS.rglob("*.md"):
        relative = page.relative_to(DOCS).with_suffix("")
        html = built_site / relative / "index.html" if relative.name != "index" else (
            built_site / relative.parent / "index.html")
        assert html.is_file(), f"{page} was not built"


def test_math_is_rendered_to_mathml(built_site):
    for html_file in built_site.rglob("*.html"):
        text = html_file.read_text()
        assert 'class="arithmatex"' not in text, f"{html_file}: math left unrendered"
    assert "<math" in (built_site / "index.html").read_text()


def test_quizzes_render_with_answers_for_readers_without_javascript(built_site):
    text = (built_site / "index.html").read_text()
    quizzes = re.findall(r'<div class="quiz" id="quiz-\d+">', text)
    assert quizzes, "the landing page's question did not render"
    assert text.count('data-correct="true"') == len(quizzes)
    assert "<summary>Show the answer</summary>" in text


def test_no_third_party_assets_are_referenced(built_site):
    """Scripts, styles, fonts and images come from the site itself (links to papers are fine)."""
    pattern = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?//', re.I)
    for html_file in built_site.rglob("*.html"):
        text = html_file.read_text()
        for match in pattern.finditer(text):
            tag = text[match.start():text.find(">", match.start()) + 1]
            if tag.startswith("<link") and 'rel="canonical"' in tag:
                continue
            raise AssertionError(f"{html_file}: third-party resource {tag}")


def test_license_is_stated_in_the_footer(built_site):
    text = (built_site / "index.html").read_text()
    assert "CC BY 4.0" in text and "MIT" in text


def test_markdown_and_math_in_quiz_options_are_rendered(make_site):
    page = ("# Q { #q }\n\n```quiz\nWhich is bigger?\n\n- [x] **This** one, \\( a_1 \\)\n    Because.\n"
            "- [ ] That one, $b$\n    Because not.\n```\n")
    result = make_site({"index.md": page})
    assert result.returncode == 0, result.stdout + result.stderr
    html = (result.args[result.args.index("--site-dir") + 1] + "/index.html")
    text = open(html).read()
    start = text.index('class="quiz-options"')
    options = text[start:text.index("</ol>", start)]
    assert "<strong>This</strong>" in options and options.count("<math") == 2, options


def test_the_page_template_builds_when_copied(make_site):
    """templates/concept-page.md, with its placeholders filled as CONTRIBUTING says, builds strictly:
    every block of it works when copied (the figure block imports figure_to_svg)."""
    template = (REPO / "templates" / "concept-page.md").read_text().replace("NAME.py", "demo.py")
    demo = ("import matplotlib.pyplot as plt\n\n\n# --8<-- [start:section]\ndef main():\n"
            "    print('worked')\n# --8<-- [end:section]\n\n\ndef plot_something():\n"
            "    figure, axes = plt.subplots()\n    axes.plot([0, 1], [0, 1])\n    return figure\n")
    figure_helper = (REPO / "snippets" / "_figure.py").read_text()
    result = make_site({"index.md": template}, snippets={"demo.py": demo, "_figure.py": figure_helper})
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_has_its_own_description(built_site):
    """Link previews and search engines show a page's own description, not the site's."""
    site_description = re.search(r'<meta name="description" content="([^"]*)"',
                                 (built_site / "404.html").read_text()).group(1)
    for html_file in built_site.rglob("index.html"):
        text = html_file.read_text()
        if '<meta http-equiv="refresh"' in text or "print_page" in str(html_file):
            continue
        match = re.search(r'<meta name="description" content="([^"]*)"', text)
        assert match and match.group(1) and match.group(1) != site_description, \
            f"{html_file.relative_to(built_site)} has no description of its own"


def test_pages_show_when_they_were_last_updated_and_how_long_they_take(built_site):
    """The date comes from git history (the last commit of the page); the study time is computed."""
    html = (built_site / "sft" / "objective" / "index.html").read_text()
    assert re.search(r'git-revision-date-localized-plugin-date"[^>]*>\w+ \d{1,2}, \d{4}<', html)
    assert re.search(r'<p class="page-meta">About \d+ min of study</p>', html)


def test_lab_outputs_stay_out_of_the_search_index(built_site):
    """Search finds a lab by its prose and code; what its cells print is not indexed."""
    output_only = "seed 0: P(flawed | trigger) = 0."  # printed by a cell of what-sft-learns
    lab = (built_site / "labs" / "what-sft-learns" / "index.html").read_text()
    index = (built_site / "search" / "search_index.json").read_text()
    assert output_only in lab
    assert output_only not in index
    assert "Try this" in index  # the lab's prose is found


def test_shown_code_is_indexed_by_the_names_it_uses(built_site):
    """A code block is in the index as the names it defines and uses (a search for
    `masked_sequence_loss` finds the section that shows it), not as code; the page shows the code
    and not the list; formulas stay out of the index."""
    import json

    entries = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    section = next(entry["text"] for entry in entries if entry["location"] == "sft/objective/#masked-prompt")
    assert "masked_sequence_loss" in section
    assert not any("def masked_sequence_loss(" in entry["text"] for entry in entries)
    assert not any("∑" in entry["text"] or "&ApplyFunction;" in entry["text"] for entry in entries)
    page = (built_site / "sft" / "objective" / "index.html").read_text()
    assert '<span class="k">def</span><span class="w"> </span><span class="nf">masked_sequence_loss</span>' in page
    assert "data-course-identifiers" not in page and "<pre data-search-exclude" not in page
    assert "<math data-search-exclude" not in page and "<math" in page


def test_search_index_stays_small(built_site):
    """Every page downloads the index on its first search: keep it under 300 KB."""
    assert (built_site / "search" / "search_index.json").stat().st_size < 300_000


def test_the_labs_stylesheet_is_trimmed(built_site):
    """A lab page loads the notebook rules it uses (about 20 KB), not JupyterLab's 590 KB."""
    lab = (built_site / "labs" / "what-sft-learns" / "index.html").read_text()
    names = re.findall(r'href="[./]*assets/(jupyter-[0-9a-f]{12}\.css)"', lab)
    assert len(names) == 1, names
    css = (built_site / "assets" / names[0]).read_text()
    assert len(css) < 60_000, f"{names[0]}: {len(css)} bytes"
    for rule in (".jp-OutputArea-output", ".highlight-ipynb .k", "--jp-cell-editor-background"):
        assert rule in css, f"{rule} missing from {names[0]}"
    assert "jp-Toolbar" not in css and "lm-Widget" not in css


def test_lab_figures_are_files_of_their_own_and_the_print_edition_keeps_them(built_site):
    """A lab's figures are PNG files beside it, each <img> sized as its PNG and loaded lazily, so
    that the lab's HTML is its text (a data: URI of a figure is 40-60 kB that gzip cannot shrink);
    the print edition, one file, still holds every lab figure."""
    import struct

    figures = 0
    for lab in sorted((DOCS / "labs").glob("*.ipynb")):
        page = built_site / "labs" / lab.stem / "index.html"
        html = page.read_text()
        assert "data:image/" not in html, f"{page}: a figure is still inside the page"
        images = re.findall(r"<img [^>]*>", html)
        assert images, f"{page}: no figure (each lab draws some)"
        for tag in images:
            src = re.search(r'src="(figure-[0-9a-f]{12}\.png)"', tag)
            assert src, f"{page}: {tag[:120]}"
            png = (page.parent / src[1]).read_bytes()
            width, height = struct.unpack(">II", png[16:24])
            assert f'width="{width}" height="{height}"' in tag, f"{page}: {src[1]} is {width}x{height}: {tag[:200]}"
            assert 'loading="lazy"' in tag and "alt=" in tag, tag[:200]
        figures += len(images)
    print_edition = (built_site / "print_page" / "index.html").read_text()
    assert print_edition.count("data:image/png;base64,") >= figures
