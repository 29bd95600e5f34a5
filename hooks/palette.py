"""Material's palette stylesheet and script without what restyled the whole page three times as it loaded.

Each of the three made the browser restyle every element of the page on every page load, which on a
long page was one of the longest tasks of the load (and cost Lighthouse mobile performance points).

1. Material's palette stylesheet holds one rule for the moment the colour scheme changes:
   `[data-md-color-switching] *, ... {transition-duration: 0s !important}`, which stops colour
   transitions while the page switches. Material's script sets and removes that attribute on
   <body> on every page load too, not only when a reader uses the toggle, and because of this
   rule each change restyled every element. The site's copy of the stylesheet leaves the rule out.
   What a reader sees change: when they use the light/dark toggle, links, code, the search box and
   the other elements Material gives a colour transition fade into the new scheme over their own
   transition time (0.125 to 0.25 s) instead of switching at once.

2. and 3. Material's script appends an empty `<meta name="color-scheme">` to the head and then sets
   its content to the header's colour scheme. Chromium restyles the whole page each time a
   color-scheme meta is inserted or changed, even when what it says changes nothing. The site's
   copy of the script does not append it. What the meta did, giving the page's root the dark
   scheme (the window's scroll bar) when the reader chose dark, a script in overrides/main.html
   does from the attribute Material sets on <body> (a CSS `:has()` rule would do it too, but costs
   the browser a restyle of the root as the page loads).

A page loaded in either scheme looks the same as before. The files are read from the theme on
every build, so a `make serve` rebuild that leaves the copied files alone still writes the right
ones; a Material version whose file no longer holds what is taken out stops the build with the
file's name.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

SWITCHING_RULE = re.compile(r"\[data-md-color-switching\] \*,\[data-md-color-switching\] :after,"
                            r"\[data-md-color-switching\] :before\{transition-duration:0s!important\}")

# In Material's bundle: create the color-scheme meta (kept, in the group `keep`: the script sets its
# content later) and append it to the head (taken out).
COLOR_SCHEME_META_APPEND = re.compile(r'(?P<keep>\b(?P<var>\w{1,3})=\w{1,3}\("meta",\{name:"color-scheme"\}\);)'
                                      r'document\.head\.appendChild\((?P=var)\);')

# What each of Material's files loses in the built site: its glob in the theme, the pattern, what
# the pattern is, in words. Whatever a pattern's group `keep` matched stays.
EDITS = (
    ("assets/stylesheets/palette.*.min.css", SWITCHING_RULE, "Material's [data-md-color-switching] rule"),
    ("assets/javascripts/bundle.*.min.js", COLOR_SCHEME_META_APPEND,
     'the appending of Material\'s <meta name="color-scheme">'),
)


def without(pattern: re.Pattern, what: str, text: str, where: str) -> str:
    """`text` without the one match of `pattern` (but for its group `keep`); a PluginError naming
    `where` if there is not exactly one."""
    keep = (lambda match: match["keep"]) if "keep" in pattern.groupindex else ""
    trimmed, found = pattern.subn(keep, text)
    if found != 1:
        raise PluginError(f"{where}: holds {found} of {what}, not one; "
                          "update hooks/palette.py for this Material version")
    return trimmed


def without_switching_rule(css: str, where: str) -> str:
    return without(SWITCHING_RULE, EDITS[0][2], css, where)


def without_color_scheme_meta(script: str, where: str) -> str:
    return without(COLOR_SCHEME_META_APPEND, EDITS[1][2], script, where)


def on_post_build(config):
    site = Path(config["site_dir"])
    for glob, pattern, what in EDITS:
        written = 0
        for theme_dir in config["theme"].dirs:
            for source in sorted(Path(theme_dir).glob(glob)):
                target = site / source.relative_to(theme_dir)
                if target.is_file():
                    target.write_text(without(pattern, what, source.read_text(encoding="utf-8"), str(source)),
                                      encoding="utf-8")
                    written += 1
        if not written:
            raise PluginError(f"no Material file {glob} in the built site; "
                              "update hooks/palette.py for this Material version")
