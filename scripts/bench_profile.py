"""Where a build's time goes: a cProfile of `mkdocs build`, its self time grouped by what the code
does (running the examples, notebooks, git dates, templates, ...).

Time spent in generic code (the standard library, built-ins, imports) is charged to the specific
code that called it, in proportion to the time each caller spent there, so that for example the
time `git` subprocesses take counts as "git dates" and importing matplotlib counts as "running
the examples".
"""

from __future__ import annotations

import pstats
from collections import defaultdict

# Checked in order; the first category whose marker is in a function's file name wins.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("running the examples", ("/snippets/", "markdown_exec", "<code block", "/numpy/",
                              "/matplotlib/", "/PIL/", "/contourpy/", "/kiwisolver/", "/fontTools/",
                              "/pyparsing/", "/cycler/", "/dateutil/")),
    ("notebooks (execution, conversion)", (
        "mkdocs_jupyter", "/nbconvert/", "/nbclient/", "/nbformat/", "/jupyter_client/",
        "/jupyter_core/", "/jupytext/", "/zmq/", "/mistune/", "/bleach/", "/tinycss2/",
        "/traitlets/", "/ipykernel/", "/markdown_it/", "/mdit_py_plugins/", "/jsonschema/",
        "/fastjsonschema/", "/referencing/", "/rpds/", "/tornado/")),
    ("git dates", ("mkdocs_git_revision_date", "/git/", "/gitdb/", "/babel/")),
    ("print page", ("mkdocs_print_site_plugin",)),
    ("math (MathML, font subset)", ("/math_core/", "/fontTools/", "/brotli", "/hooks/mathml.py")),
    ("project hooks", ("/hooks/",)),
    ("search index", ("/material/plugins/search/", "/mkdocs/contrib/search/")),
    ("page templates (Material)", ("/jinja2/", "/material/templates/", "/markupsafe/",
                                   "/overrides/")),
    ("Markdown to HTML", ("/markdown/", "/pymdownx/", "/pygments/", "/material/extensions/")),
    ("MkDocs and plugins (files, nav, links, config)", ("/mkdocs/", "/click/", "/yaml/",
                                                         "mkdocs_redirects", "/watchdog/",
                                                         "/material/")),
]
OTHER = "other"


def category_of(filename: str) -> str | None:
    """The category of a function by its file, or None for generic code (stdlib, built-ins)."""
    for name, markers in CATEGORIES:
        if any(marker in filename for marker in markers):
            return name
    return None


def attribute(stats: dict) -> dict[str, float]:
    """Self time per category. `stats` is pstats.Stats(...).stats:
    {(file, line, name): (calls, primitive calls, self time, cumulative time, callers)}, where
    callers maps a caller to its own (calls, primitive calls, self time, cumulative time)."""
    memo: dict = {}

    def shares(func, depth: int = 0) -> dict[str, float]:
        if func in memo:
            return memo[func]
        specific = category_of(func[0])
        if specific:
            return {specific: 1.0}
        memo[func] = {OTHER: 1.0}  # guards against cycles while this one is computed
        callers = stats.get(func, (0, 0, 0, 0, {}))[4]
        weights = {caller: values[3] for caller, values in callers.items() if values[3] > 0}
        total = sum(weights.values())
        if depth > 40 or not total:
            return memo[func]
        result: dict[str, float] = defaultdict(float)
        for caller, weight in weights.items():
            for name, share in shares(caller, depth + 1).items():
                result[name] += share * weight / total
        memo[func] = dict(result)
        return memo[func]

    totals: dict[str, float] = defaultdict(float)
    for func, (_calls, _primitive, self_time, _cumulative, _callers) in stats.items():
        if self_time <= 0:
            continue
        for name, share in shares(func).items():
            totals[name] += self_time * share
    return dict(totals)


def summarize(profile_path: str, smallest: float = 0.05) -> dict:
    """{"total_s": seconds, "categories": [[name, seconds], ...] largest first} for a cProfile
    output file; categories under `smallest` seconds are folded into "other"."""
    stats = pstats.Stats(profile_path).stats  # type: ignore[attr-defined]
    totals = attribute(stats)
    folded: dict[str, float] = defaultdict(float)
    for name, seconds in totals.items():
        folded[name if seconds >= smallest else OTHER] += seconds
    ordered = sorted(((name, seconds) for name, seconds in folded.items() if name != OTHER),
                     key=lambda item: -item[1])
    if folded.get(OTHER):
        ordered.append((OTHER, folded[OTHER]))
    return {"total_s": sum(totals.values()), "categories": [[name, round(seconds, 3)]
                                                           for name, seconds in ordered]}
