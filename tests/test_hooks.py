"""Unit tests of the project's MkDocs hooks (the build tests exercise them end to end)."""


import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from conftest import REPO, load_module


def load_hook(name):
    return load_module(REPO / "hooks" / f"{name}.py", f"hook_{name}")


mathml = load_hook("mathml")
quiz = load_hook("quiz")


@pytest.mark.parametrize(("tex", "word"), [
    (r"\arg\max_\theta", "<mi>arg</mi>"),
    (r"\operatorname{softmax}(z)", "<mi>softmax</mi>"),
    (r"\operatorname*{arg\,max}_\theta", "<mi>arg\u2009max</mi>"),
])
def test_operator_names_render_as_upright_words(tex, word):
    """A name of several letters in one <mi> is drawn upright (MathML Core), not as a product of
    italic letters."""
    assert word in mathml.tex_to_mathml(tex, "inline", "page.md")


@pytest.mark.parametrize(("tex", "expected", "wrong"), [
    # "log" then a thin space (the function-application operator's lspace), not "logσ".
    (r"\log \sigma(x)", '<mi>log</mi></mrow><mo lspace="0.1667em">&ApplyFunction;</mo><mi>σ</mi>', None),
    # A leading minus is a sign: no space on either side, as if it were a subtraction.
    (r"-\log 0.2", '<math><mo lspace="0" rspace="0">−</mo>', "<math><mo>−</mo>"),
    # Inside a subscript, "< t" is not spaced as a relation.
    (r"y_{\lt t}", '<msub><mi>y</mi><mrow><mo lspace="0" rspace="0">&lt;</mo><mi>t</mi></mrow></msub>', None),
])
def test_spacing_of_functions_signs_and_relations_in_scripts(tex, expected, wrong):
    out = mathml.tex_to_mathml(tex, "inline", "page.md")
    assert expected in out, out
    assert wrong is None or wrong not in out


def test_punctuation_after_inline_math_stays_on_its_line():
    out = mathml.render_math('<p>so <span class="arithmatex">\\(x\\)</span>, then</p>', "page.md")
    assert out.startswith('<p>so <span class="math-nowrap"><math>') and out.endswith("</math>,</span> then</p>")


def test_a_character_the_font_lacks_is_drawn_with_one_it_has():
    """math-core writes \\tilde's accent as U+02DC, which Noto Sans Math lacks; U+007E is the same
    accent in MathML (and stretches)."""
    out = mathml.tex_to_mathml(r"\tilde{\theta}", "inline", "page.md")
    assert "\u02dc" not in out and '<mover accent="true"><mi>θ</mi><mo stretchy="false">~</mo></mover>' in out


def test_math_characters_are_read_from_every_math_element():
    page = "<p>a</p><math><mi>x</mi><mo>&lt;</mo><mn>2</mn></math> b <math><mi>π</mi></math>"
    # A one-letter <mi> is drawn in its mathematical italic form: the font needs both.
    assert mathml.math_characters(page) == {"x", "<", "2", "π", "\U0001d465", "\U0001d70b"}


def test_notebook_math_is_rendered_outside_code_only():
    page = "<p>Loss $-\\log p$ here.</p><pre>price = '$5' + '$6'</pre>$$x^2$$"
    out = mathml.render_notebook_math(page, "lab.ipynb")
    assert "<pre>price = '$5' + '$6'</pre>" in out
    assert out.count("<math") == 2 and 'display="block"' in out


def test_quiz_fence_inside_another_fence_is_left_alone():
    markdown = "````markdown\n```quiz\nQ?\n\n- [x] A\n    Yes.\n- [ ] B\n    No.\n```\n````\n"
    assert quiz.expand_quizzes(markdown, "page.md") == markdown


def test_quiz_fence_becomes_html_with_one_right_option():
    markdown = "Text.\n\n```quiz\nQ?\n\n- [ ] A\n    No.\n- [x] B\n    Yes.\n```\n"
    html = quiz.expand_quizzes(markdown, "page.md")
    assert html.count('class="quiz-option"') == 2
    assert html.count('data-correct="true"') == 1
    assert "**B: Right.** Yes." in html and "**A: Not this one.** No." in html


def test_quiz_math_keeps_less_than_away_from_html():
    markdown = "```quiz\nWhat is $P(y_t \\mid y_{<t})$?\n\n- [x] A\n    Yes, $a > b$.\n- [ ] B\n    No.\n```\n"
    html = quiz.expand_quizzes(markdown, "page.md")
    assert r"$P(y_t \mid y_{\lt t})$" in html and r"$a \gt b$" in html


notebooks = load_hook("notebooks")


def test_notebook_stylesheet_keeps_only_rules_that_can_apply():
    css = """
    .jupyter-wrapper { --jp-used: var(--jp-base); --jp-base: #123; --jp-unused: #fff; }
    .jp-Cell .jp-InputArea { color: var(--jp-used); }
    .jp-Toolbar .jp-Button { color: red; }
    .jp-Cell:not(.jp-mod-noOutputs) { margin: 1px; }
    .jp-Dialog, .jp-OutputArea { padding: 2px; }
    @media print { .jp-Cell { break-inside: avoid; } .jp-Toolbar { display: none; } }
    @keyframes jp-spin { to { transform: rotate(1turn); } }
    """
    out = notebooks.trim_stylesheet(css, {"jupyter-wrapper", "jp-Cell", "jp-InputArea", "jp-OutputArea"})
    assert ".jp-Cell .jp-InputArea { color:var(--jp-used) }" in out.replace(": ", ":")
    assert "--jp-used" in out and "--jp-base" in out and "--jp-unused" not in out
    assert "jp-Toolbar" not in out and "jp-Dialog" not in out and "jp-spin" not in out
    assert ".jp-Cell:not(.jp-mod-noOutputs)" in out and ".jp-OutputArea {" in out
    assert "@media print" in out and "break-inside" in out



figures = load_hook("figures")


def test_a_figure_gets_the_width_that_keeps_its_text_at_11_px():
    svg = ('<figure class="course-figure"><svg role="img" width="440pt" viewBox="0 0 440 300">'
           '<text style="font-size: 11px">a</text><text style="font: 10px sans-serif">b</text></svg>'
           "<figcaption>C.</figcaption></figure>")
    out = figures.legible_figures(svg)
    # The 10-unit text is 11 px when the 440-unit-wide SVG is drawn 484 px wide.
    assert '<div class="figure-scroll"><svg style="min-width: calc(484px + 0.6rem)" role="img"' in out
    assert out.endswith("</svg></div><figcaption>C.</figcaption></figure>")


def test_the_math_font_subset_is_reused_only_for_the_same_characters(tmp_path):
    """The cached subset is the bytes a fresh subset gives; other characters make another file."""
    folder = tmp_path / "cache"
    sigma, sum_sign = frozenset("σ"), frozenset("σ∑")
    first = mathml.cached_subset(sigma, folder)
    assert first == mathml.subset_font(sigma)
    assert len(list(folder.glob("math-font-*.woff2"))) == 1
    assert mathml.cached_subset(sigma, folder) == first  # read back from the cache
    assert mathml.cached_subset(sum_sign, folder) == mathml.subset_font(sum_sign) != first
    assert len(list(folder.glob("math-font-*.woff2"))) == 2
    assert mathml.cached_subset(sigma, None) == first  # the cache off


build_cache = load_hook("build_cache")


def test_a_kept_result_is_reused_only_under_the_same_key(tmp_path):
    """What a key covers: the parts, the code's bytes, the libraries' versions; the cache off makes
    afresh every time."""
    calls = []

    def make(text):
        calls.append(text)
        return text.encode()

    code = tmp_path / "maker.py"
    code.write_text("v1")
    folder = tmp_path / "cache"
    key = build_cache.digest(["a"], code=[code], libraries=["tinycss2"])
    assert build_cache.cached(folder, "thing.txt", key, lambda: make("a")) == b"a"
    assert build_cache.cached(folder, "thing.txt", key, lambda: make("again")) == b"a"
    assert calls == ["a"]
    assert build_cache.digest(["b"], code=[code], libraries=["tinycss2"]) != key
    assert build_cache.digest(["a"], code=[code], libraries=["tinycss2", "mkdocs"]) != key
    code.write_text("v2")
    assert build_cache.digest(["a"], code=[code], libraries=["tinycss2"]) != key
    assert build_cache.cached(None, "thing.txt", key, lambda: make("off")) == b"off"
    assert [path.name for path in folder.iterdir()] == [f"thing-{key}.txt"]


def tiny_png(width: int, height: int) -> bytes:
    """A PNG's signature and IHDR chunk: all figures_to_files reads."""
    import struct
    import zlib

    header = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + header + struct.pack(">I", zlib.crc32(header))


def test_a_lab_figure_becomes_a_file_named_by_its_bytes_in_a_sized_lazy_img(tmp_path):
    import base64

    png = tiny_png(640, 480)
    html = (f'<p>x</p><img alt="A chart." class="" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
            '<img alt="Kept." src="photo.png"/>')
    out = notebooks.figures_to_files(html, tmp_path / "lab", "docs/labs/lab.ipynb")
    [written] = (tmp_path / "lab").iterdir()
    assert written.read_bytes() == png and re.fullmatch(r"figure-[0-9a-f]{12}\.png", written.name)
    assert out == (f'<p>x</p><img alt="A chart." class="" src="{written.name}" width="640" height="480" '
                   'loading="lazy" decoding="async"/><img alt="Kept." src="photo.png"/>')


def test_a_figure_that_is_not_a_png_stops_the_build_naming_the_lab(tmp_path):
    html = '<img alt="A chart." src="data:image/png;base64,R0lGODlhAQABAAAAACw="/>'
    with pytest.raises(PluginError, match=r"docs/labs/lab\.ipynb: .*does not hold a PNG"):
        notebooks.figures_to_files(html, tmp_path, "docs/labs/lab.ipynb")


def test_the_trimmed_notebook_stylesheet_is_reused_only_for_the_same_classes(tmp_path, monkeypatch):
    css = ".a { color: red } .b { color: blue }"
    first = notebooks.cached_trim(css, {"a"}, tmp_path)
    assert first == notebooks.trim_stylesheet(css, {"a"})
    monkeypatch.setattr(notebooks, "trim_stylesheet", lambda *args: "not called")
    assert notebooks.cached_trim(css, {"a"}, tmp_path) == first
    assert notebooks.cached_trim(css, {"a", "b"}, tmp_path) == "not called"


def test_the_question_banks_are_reused_only_for_the_same_questions_and_edition(tmp_path, monkeypatch):
    """A second build with the same questions writes the same bytes without exporting them again;
    another edition (or other questions) exports afresh."""
    banks = load_hook("question_banks")
    questions = banks.questions_in("```quiz\nWhy?\n\n- [x] Yes\n    Right.\n- [ ] No\n    Wrong.\n```\n", "p.md")
    pages, by_src = [("p.md", "P", "p/", questions)], {"p.md": "p/"}
    edition = {"label": "t", "date": "2026-12-01", "timestamp": 1767225600}
    url = "https://example.org/course/"
    fresh = [path.read_bytes() for path in banks.write_banks(tmp_path / "fresh", pages, url, by_src, edition)]
    cache = tmp_path / "cache"
    banks.write_banks(tmp_path / "one", pages, url, by_src, edition, cache)
    exports = []
    export = banks.export
    monkeypatch.setattr(banks, "export", lambda *args: exports.append(args) or export(*args))
    again = banks.write_banks(tmp_path / "two", pages, url, by_src, edition, cache)
    assert [path.read_bytes() for path in again] == fresh
    assert exports == []
    banks.write_banks(tmp_path / "three", pages, url, by_src, {**edition, "label": "v2"}, cache)
    assert len(exports) == 1


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(tmp_path):
    """Every Jinja environment of the build keeps compiled templates in the cache folder; Jinja
    checks each template's source, so an edited one is compiled afresh, never shown stale."""
    from mkdocs.theme import Theme

    build_context = load_hook("build_context")
    templates = tmp_path / "theme"
    templates.mkdir()
    (templates / "probe.html").write_text("one {{ 1 + 1 }}")
    theme = Theme(name=None, custom_dir=str(templates), locale="en")
    build_context.faster_theme_env({"theme": theme, "extra": {"execution": {"cache_folder": tmp_path / "c"}}})
    assert theme.get_env().get_template("probe.html").render() == "one 2"
    assert len(list((tmp_path / "c").rglob("*.cache"))) == 1
    (templates / "probe.html").write_text("two {{ 2 + 2 }}")
    assert theme.get_env().get_template("probe.html").render() == "two 4"


def test_the_shorter_theme_listing_copies_the_same_theme_files(tmp_path):
    """MkDocs copies the same theme files into the site whether the theme's Jinja environment lists
    its dot folders (Material's icons) or not; and the hook's listing is much shorter."""
    import jinja2
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    def copied(env):
        files = Files([])
        files.add_files_from_theme(env, config)
        return sorted((file.src_uri, file.abs_src_path) for file in files)

    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    mkdocs_own = config.theme.get_env()
    load_hook("build_context").faster_theme_env({"theme": config.theme, "extra": {}})
    the_hooks = config.theme.get_env()
    assert len(copied(mkdocs_own)) > 20
    assert copied(the_hooks) == copied(mkdocs_own)
    assert len(the_hooks.list_templates()) < 1000 < len(jinja2.FileSystemLoader(config.theme.dirs).list_templates())


print_edition = load_hook("print_edition")


def test_the_faster_print_ids_are_print_sites_on_every_page(built_site):
    """hooks/print_edition.py's update_anchor_ids gives what print-site's own gives, on every built
    page and on the cases its pattern treats specially."""
    from mkdocs_print_site_plugin import urls

    # A build in this process has put the hook's in its place, keeping print-site's as __wrapped__.
    print_sites = getattr(urls.update_anchor_ids, "__wrapped__", urls.update_anchor_ids)
    assert print_sites.__module__ == "mkdocs_print_site_plugin.urls"
    cases = ['<h2 id="a">A</h2><p id="a">x</p><h2 id="a">again</h2><li id="fn:1">n</li><sup id="fnref:1">',
             '<H3 id="b">upper</H3><div class="x" id="x"><li class="c" id="c">c</li>']
    pages = [path.read_text(encoding="utf-8") for path in sorted(built_site.rglob("*.html"))]
    assert len(pages) > 15
    for html in cases + pages:
        assert print_edition.update_anchor_ids(html, "page") == print_sites(html, "page")


def test_print_sites_assets_leave_every_page_with_the_white_space_before_them(tmp_path):
    """What the old pattern (\\s* before each tag) took out, and only that, in a page like Material's
    with long runs of white space."""
    build_context = load_hook("build_context")
    old = re.compile(r'\s*<link rel="stylesheet" href="[^"]*css/print-site(?:-[a-z]+)?\.css">'
                     r'|\s*<script src="[^"]*js/print-site\.js"></script>')
    page = ('<head>\n  <link rel="stylesheet" href="../css/print-site.css">\n  <link rel="stylesheet" '
            'href="../css/print-site-material.css"><meta x>' + " " * 3000 + "<nav>\n" + "\n    " * 500 +
            '<script src="../js/print-site.js"></script>\n</body>')
    assert build_context.without_print_site_assets(page) == old.sub("", page)
    assert "print-site" not in build_context.without_print_site_assets(page)


def test_print_ids_and_their_references_get_the_pages_key_and_look_alikes_do_not():
    valid_html = load_hook("valid_html")
    page = ('<section class="print-page" id="p" heading-number="1">'
            '<div id="a"></div><label for="a">L</label><span data-id="a" data-for="a"></span>'
            '<a href="#a">to a</a><a data-href="#a">not</a><svg><use xlink:href="#a"/></svg>'
            '<path fill="url(#a)"/><b aria-labelledby="a b" data-aria-owns="a"></b><i id="p-done"></i>'
            '<button data-clipboard-target="#a"></button></section>')
    assert valid_html.unique_print_ids(page) == (
        '<section class="print-page" id="p" heading-number="1">'
        '<div id="p-a"></div><label for="p-a">L</label><span data-id="a" data-for="a"></span>'
        '<a href="#p-a">to a</a><a data-href="#a">not</a><svg><use xlink:href="#p-a"/></svg>'
        '<path fill="url(#p-a)"/><b aria-labelledby="p-a b" data-aria-owns="a"></b><i id="p-done"></i>'
        '<button data-clipboard-target="#p-a"></button></section>')


def materials_and_built(built_site, glob: str) -> tuple[str, str]:
    """The theme's one file matching `glob`, as Material ships it and as the built site has it."""
    import material

    theme = Path(material.__file__).parent / "templates"
    sources = sorted(theme.glob(glob))
    assert len(sources) == 1, sources
    return (sources[0].read_text(encoding="utf-8"),
            (built_site / sources[0].relative_to(theme)).read_text(encoding="utf-8"))


def test_the_built_palette_stylesheet_is_materials_without_the_switching_rule(built_site):
    """hooks/palette.py: the site's palette stylesheet is Material's, byte for byte, but for the
    one rule that made every page load restyle the whole page."""
    palette = load_hook("palette")
    original, built = materials_and_built(built_site, "assets/stylesheets/palette.*.min.css")
    assert "data-md-color-switching" in original and "data-md-color-switching" not in built
    assert len(original) - len(built) == len(palette.SWITCHING_RULE.search(original)[0])
    assert built == palette.SWITCHING_RULE.sub("", original)


def test_the_built_script_is_materials_without_appending_the_color_scheme_meta(built_site):
    """hooks/palette.py: the site's copy of Material's script is Material's, byte for byte, but for
    the one statement that appends <meta name="color-scheme"> to the head (each insertion and each
    change of its content restyled the whole page). The meta is still created: the script sets its
    content later, on an element no longer in the page."""
    palette = load_hook("palette")
    original, built = materials_and_built(built_site, "assets/javascripts/bundle.*.min.js")
    create = 'let o=x("meta",{name:"color-scheme"});'
    assert original.count(create + "document.head.appendChild(o);") == 1, "Material's script has changed"
    assert built == original.replace(create + "document.head.appendChild(o);", create)
    assert not palette.COLOR_SCHEME_META_APPEND.search(built)


def test_palette_files_without_what_is_taken_out_stop_the_build():
    """A Material version whose stylesheet lacks the rule, or whose script appends the meta some
    other way, is named, not passed over."""

    palette = load_hook("palette")
    with pytest.raises(PluginError, match=r"theme/palette\.abc\.min\.css: holds 0 of Material's"):
        palette.without_switching_rule("[data-md-color-scheme=slate]{color:red}", "theme/palette.abc.min.css")
    with pytest.raises(PluginError, match=r'theme/bundle\.abc\.min\.js: holds 0 of the appending of '
                                          r'Material\'s <meta name="color-scheme">, not one'):
        palette.without_color_scheme_meta('let o=x("meta",{name:"color-scheme"});document.body.appendChild(o);',
                                          "theme/bundle.abc.min.js")
    # Whatever the minifier names the variables, only the appending goes.
    minified = 'a;let ab=Q("meta",{name:"color-scheme"});document.head.appendChild(ab);b'
    assert palette.without_color_scheme_meta(minified, "t") == 'a;let ab=Q("meta",{name:"color-scheme"});b'
