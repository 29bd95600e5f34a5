"""Markup that the Nu HTML Checker accepts (tests/test_html_validity.py runs it over every page).

Each fix is for markup the site's own pages, or the way it combines them, would get wrong:
- A page's description goes into `<meta name="description" content="...">` as it is written
  (Material's template does not escape it), so a description with a double quote ends the
  attribute early. It is escaped here, once.
- Material labels the table of contents `<label for="__toc">`, but pages that are a section's
  index (labs/) or not in the navigation (the print edition) have no `__toc` control: on those the
  label points at nothing, and loses its `for`.
- The print edition joins every page into one, and print-site makes only headings' and footnotes'
  ids unique (it prefixes them with the page's key, and rewrites every `<a href="#...">` of the
  page to match). Every other id of a page (question, notebook cell, figure, anchor), and every
  reference to one (`for`, `aria-*`, `href` of SVG `<use>`, `url(#...)`), gets the same prefix, so
  no two pages' ids meet. A page's link to the print edition becomes, in the print edition, a link
  to `#print_page` (print-site's key for it), which nothing bears: it points at the edition's top.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

TOC_LABEL = '<label class="md-nav__title" for="__toc">'
PAGE_SECTION = re.compile(r'<section class="print-page" id="(?P<key>[^"]+)" heading-number="[^"]*">')
SECTION_TAG = re.compile(r"<(/?)section\b")
# Each pattern tests what comes before an attribute after matching its name (a lookbehind
# first would be tried at every character of the 1.5 MB print page).
ID = re.compile(r'id="(?<![\w:-]id=")([^"]+)"')


def on_page_context(context, page, config, nav):
    description = page.meta.get("description")
    if description and not isinstance(description, Markup):
        page.meta["description"] = Markup.escape(str(description))
    return context


def label_only_real_controls(output: str) -> str:
    """`<label for="__toc">` without a `__toc` control on the page becomes a plain label."""
    if TOC_LABEL in output and 'id="__toc"' not in output:
        output = output.replace(TOC_LABEL, '<label class="md-nav__title">')
    return output


def on_post_page(output, page, config):
    return label_only_real_controls(output)


def section_end(html: str, start: int) -> int:
    """Where the <section> opened at `start` is closed (just past its </section>)."""
    depth = 0
    for match in SECTION_TAG.finditer(html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html.index(">", match.end()) + 1
    raise PluginError(f"print edition: the <section> at character {start} is never closed")


FOR = re.compile(r'(?P<before>for=")(?<![\w-]for=")(?P<name>[^"]+)(?P<after>")')
HASH_REFERENCE = re.compile(r'(?P<before>(?:href="#(?<![\w-]href="#)|xlink:href="#(?<![\w-]xlink:href="#)'
                            r'|data-clipboard-target="#(?<![\w-]data-clipboard-target="#)))(?P<name>[^"]+)'
                            r'(?P<after>")|(?P<before2>url\(#)(?P<name2>[^)\s]+)(?P<after2>\))')
ID_LIST = re.compile(r'(?P<attribute>aria-(?<![\w-]aria-)(?:labelledby|describedby|controls|owns|details))='
                     r'"(?P<names>[^"]*)"')


def references(names: set[str], key: str, html: str) -> str:
    """Point every reference to one of `names` (for="x", href="#x", url(#x), aria-labelledby="x y",
    data-clipboard-target="#x") at key-x."""
    def renamed(name: str) -> str:
        return f"{key}-{name}" if name in names else name

    html = FOR.sub(lambda m: m["before"] + renamed(m["name"]) + m["after"], html)
    html = HASH_REFERENCE.sub(lambda m: (m["before"] + renamed(m["name"]) + m["after"]) if m["name"]
                              else (m["before2"] + renamed(m["name2"]) + m["after2"]), html)
    return ID_LIST.sub(lambda m: f'{m["attribute"]}="' + " ".join(map(renamed, m["names"].split())) + '"', html)


def own_ids(html: str, names: set[str], key: str) -> str:
    return ID.sub(lambda m: f'id="{key}-{m.group(1)}"' if m.group(1) in names else m.group(0), html)


# Kept per page text: a `make serve` rebuild after one page changed writes the print edition again,
# and the other pages' sections are the same text as before.
@lru_cache(maxsize=256)
def with_own_ids(key: str, body: str) -> str:
    """A page's section of the print edition, its ids (and what refers to them) starting with `key`."""
    names = {name for name in ID.findall(body) if not name.startswith(f"{key}-")}
    return references(names, key, own_ids(body, names, key))


def unique_print_ids(html: str) -> str:
    """Every id inside a page of the print edition starts with that page's key."""
    out, position = [], 0
    for match in PAGE_SECTION.finditer(html):
        if match.start() < position:  # a page section inside another cannot happen; say so if it does
            raise PluginError("print edition: a page's <section> inside another's")
        end = section_end(html, match.start())
        out += [html[position:match.end()], with_own_ids(match["key"], html[match.end():end])]
        position = end
    out.append(html[position:])
    return "".join(out)


# After print-site (priority 0) has written the print edition, which no on_post_page sees.
@event_priority(-50)
def on_post_build(config):
    if "print-site" not in config["plugins"]:
        return
    print_page = Path(config["site_dir"]) / ("print_page/index.html" if config["use_directory_urls"]
                                             else "print_page.html")
    if print_page.is_file():
        html = print_page.read_text(encoding="utf-8")
        html = unique_print_ids(html).replace('href="#print_page"', 'href="#print-site-page"')
        print_page.write_text(label_only_real_controls(html), encoding="utf-8")
