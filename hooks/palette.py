"""Material's palette stylesheet without the rule that restyles the whole page as it loads.

Material's palette stylesheet holds one rule for the moment the colour scheme changes:
`[data-md-color-switching] *, ... {transition-duration: 0s !important}`, which stops colour
transitions while the page switches. Material's script sets and removes that attribute on <body>
on every page load too, not only when a reader uses the toggle, and because of this rule each
change makes the browser restyle every element of the page. On a long page that was one of the
longest tasks of the load (and cost Lighthouse mobile performance points on the labs).

Here the built site's copy of the stylesheet is Material's own, read from the theme, without that
rule. What a reader sees change: when they use the light/dark toggle, links, code, the search box
and the other elements Material gives a colour transition fade into the new scheme over their
own transition time (0.125 to 0.25 s) instead of switching at once. A page loaded in either
scheme looks the same as before.

The stylesheet is read from the theme on every build, so a `make serve` rebuild that leaves the
copied file alone still writes the right one; a Material version whose stylesheet no longer holds
the rule stops the build with the file's name.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

SWITCHING_RULE = re.compile(r"\[data-md-color-switching\] \*,\[data-md-color-switching\] :after,"
                            r"\[data-md-color-switching\] :before\{transition-duration:0s!important\}")


def without_switching_rule(css: str, where: str) -> str:
    trimmed, found = SWITCHING_RULE.subn("", css)
    if found != 1:
        raise PluginError(f"{where}: holds {found} of Material's [data-md-color-switching] rule, not one; "
                          "update hooks/palette.py for this Material version")
    return trimmed


def on_post_build(config):
    site = Path(config["site_dir"])
    written = 0
    for theme_dir in config["theme"].dirs:
        for source in sorted(Path(theme_dir).glob("assets/stylesheets/palette.*.min.css")):
            target = site / source.relative_to(theme_dir)
            if target.is_file():
                css = without_switching_rule(source.read_text(encoding="utf-8"), str(source))
                target.write_text(css, encoding="utf-8")
                written += 1
    if not written:
        raise PluginError("no Material palette stylesheet (assets/stylesheets/palette.*.min.css) in the built site; "
                          "update hooks/palette.py for this Material version")
