"""LinkChecker's own command line (same arguments, same checks, same report), with one change of
speed: a page's HTML is parsed, and searched for links and anchors, once however many of its
anchors are linked.

    .venv/bin/python scripts/check_links.py [linkchecker arguments] URL...

With anchor checking on (the AnchorCheck plugin), LinkChecker checks each `page/#anchor` as a URL
of its own, and for each it parses the page again (Beautiful Soup) and walks the whole tree twice
(the links to follow, the anchors it has). The print edition, every page in one, has hundreds of
anchors: that took minutes. The same bytes give the same tree and the same links, so the tree and
what LinkChecker found in it are kept and handed out again; what LinkChecker checks, and how, does
not change. tests/browser/test_links.py runs this over the served site.

And one change of order: run as root, LinkChecker first drops to the user `nobody`, and only
then lists its own plugins (linkcheck/plugins/). When the project, and so .venv, lies in a folder
that only root may enter (a mkdtemp folder, as `make bench` uses, or /root), `nobody` cannot list
them, and LinkChecker then checks no anchor at all, without a word. Its plugin modules are loaded
here first, while they can be read, and handed to it when it asks for them.
"""

from __future__ import annotations

import hashlib
import sys
import threading

from linkcheck import loader, plugins
from linkcheck.command.linkchecker import linkchecker
from linkcheck.htmlutil import htmlsoup, linkparse

_make_soup, _find_links = htmlsoup.make_soup, linkparse.find_links
_soups: dict[tuple[str, str | None], object] = {}
_found: dict[tuple[int, int], list[tuple[tuple, dict]]] = {}
_lock = threading.Lock()


def make_soup_once(markup, from_encoding=None):
    """htmlsoup.make_soup, once per distinct content (the tree is only read afterwards)."""
    data = markup if isinstance(markup, bytes) else str(markup).encode("utf-8", "surrogatepass")
    key = (hashlib.sha256(data).hexdigest(), from_encoding)
    with _lock:
        if key not in _soups:
            _soups[key] = _make_soup(markup, from_encoding)
        return _soups[key]


def find_links_once(soup, callback, tags):
    """linkparse.find_links: the first time for a tree and a set of tags it walks the tree, and
    afterwards it calls `callback` with what that walk found, in the same order."""
    key = (id(soup), id(tags))  # every tree is kept in _soups, so its id stays its own
    with _lock:
        if key not in _found:
            calls: list[tuple[tuple, dict]] = []
            _find_links(soup, lambda *args, **kwargs: calls.append((args, kwargs)), tags)
            _found[key] = calls
        calls = _found[key]
    for args, kwargs in calls:
        callback(*args, **kwargs)


htmlsoup.make_soup, linkparse.find_links = make_soup_once, find_links_once

_own_plugins = list(loader.get_package_modules("plugins", plugins.__path__))


def plugin_modules_loaded_first(folders):
    """plugins.get_plugin_modules: the user's plugin folders, then LinkChecker's own plugins as
    loaded above, before it dropped root."""
    for folder in folders:
        yield from loader.get_folder_modules(folder, "linkcheck.dummy")
    yield from _own_plugins


plugins.get_plugin_modules = plugin_modules_loaded_first

if __name__ == "__main__":
    sys.argv[0] = "linkchecker"
    sys.exit(linkchecker())
