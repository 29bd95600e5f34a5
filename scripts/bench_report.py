"""The benchmark's report: the tools' JSON (hyperfine's runs, Lighthouse's reports, lhci's
assertion results) read into medians and ratios, each target met or missed (with why, and what
would fix it), and the Markdown page docs/about/performance.md.

Pure functions of the figures that scripts/bench.py saves as performance.json (and of the LHRs it
summarizes), so tests/test_bench.py checks them on small fixtures without timing anything.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

RC = Path(__file__).resolve().parent / "bench" / "lighthouserc.yml"

# The targets that Lighthouse CI does not judge; its score targets are in lighthouserc.yml.
TARGETS = {
    "test_suite_s": 120,  # wall time of `make test`, warm virtualenv
    "warm_ratio": 1.5,  # warm full build / warm baseline build
    "reload_s": 1.0,  # save a page -> the rebuilt page served by `make serve`
    "scaling_ratio": 1.2,  # build time per page at 1,000 pages / at 100 pages
    "weight_ratio": 1.2,  # a concept page's bytes (gzip, no font) / the same page in the baseline
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CATEGORY_NAMES = {"performance": "performance", "accessibility": "accessibility",
                  "best-practices": "best practices", "seo": "SEO"}
KIND_NAMES = {"landing": "landing page", "concept": "concept page", "lab": "lab", "other": "other"}
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP",
           "total-blocking-time": "TBT", "cumulative-layout-shift": "CLS", "speed-index": "SI"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


# ---------------------------------------------------------------------------------------------
# Arithmetic.

def median(values) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def build_medians(builds: dict, key: str = "wall_s") -> dict:
    """Median seconds per configuration and phase (out["full"]["cold"]), and full / baseline."""
    out = {config: {phase: median(builds.get(f"{config}-{phase}", {}).get(key, []))
                    for phase in ("cold", "warm")} for config in ("full", "baseline")}
    out["ratio"] = {phase: ratio(out["full"][phase], out["baseline"][phase])
                    for phase in ("cold", "warm")}
    return out


def examples_seconds(examples: dict | None) -> dict:
    """Median seconds of each part of the examples run on their own, and their sum."""
    parts = {name: median(runs["wall_s"]) for name, runs in (examples or {}).items()}
    return {**parts, "total": sum(parts.values()) if parts else None}


def scaling_rows(sizes: list[dict], key: str = "mkdocs_s") -> list[dict]:
    """Per size: median build seconds (MkDocs' own), per page, and against the previous size."""
    rows = []
    for size in sorted(sizes, key=lambda item: item["pages"]):
        seconds = median(run[key] for run in size["runs"])
        rows.append({"pages": size["pages"], "seconds": seconds, "runs": len(size["runs"]),
                     "per_page_ms": None if seconds is None else 1000 * seconds / size["pages"],
                     "index_per_page": size["search_index_bytes"] / size["pages"],
                     "page_html_bytes": size.get("page_html_bytes")})
    for previous, row in zip([None] + rows[:-1], rows, strict=True):
        row["growth"] = ratio(row["per_page_ms"], previous["per_page_ms"]) if previous else None
    return rows


def scaling_ratio(rows: list[dict], large: int = 1000, small: int = 100) -> float | None:
    by_pages = {row["pages"]: row for row in rows}
    if large not in by_pages or small not in by_pages:
        return None
    return ratio(by_pages[large]["per_page_ms"], by_pages[small]["per_page_ms"])


# ---------------------------------------------------------------------------------------------
# Lighthouse: what the report keeps of each LHR, page weight and its budget.

def is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS


def median_run(summaries: list[dict]) -> dict:
    """Of one page's runs, the one with the median performance score (the lower of the two middle
    ones for an even count), with every run's score beside it (`performance_runs`)."""
    def performance(summary):
        return summary["scores"].get("performance") or 0

    ordered = sorted(summaries, key=performance)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["performance_runs"] = [performance(summary) for summary in summaries]
    return chosen


def summarize_lhr(lhr: dict, prefix: str) -> dict:
    """Scores, metrics, bytes and requests (paths within the site), failed audits and savings."""
    audits = lhr.get("audits", {})
    path = urlsplit(lhr.get("finalUrl") or lhr.get("requestedUrl", "")).path
    summary_items = {item["resourceType"]: item
                     for item in (audits.get("resource-summary", {}).get("details") or {}).get("items", [])}
    requests = (audits.get("network-requests", {}).get("details") or {}).get("items", [])
    out = {
        "url": lhr.get("finalUrl") or lhr.get("requestedUrl"),
        "page": path[len(prefix):] if path.startswith(prefix) else path.lstrip("/"),
        "scores": {name: category.get("score") for name, category in lhr["categories"].items()},
        "metrics": {name: audits[name].get("numericValue") for name in METRICS if name in audits},
        "bytes": summary_items.get("total", {}).get("transferSize"),
        "font_bytes": summary_items.get("font", {}).get("transferSize", 0),
        "requests": summary_items.get("total", {}).get("requestCount"),
        "resources": [{"path": site_path(item["url"], prefix), "type": item.get("resourceType", "").lower(),
                       "transfer": item.get("transferSize") or 0,
                       "uncompressed": item.get("resourceSize") or 0}
                      for item in requests if item["url"].startswith("http")],
        "third_party": sorted({item["url"] for item in requests if is_third_party(item["url"])}),
        "benchmark_index": (lhr.get("environment") or {}).get("benchmarkIndex"),
        "failed": [], "opportunities": [],
    }
    for name, category in lhr["categories"].items():
        for reference in category.get("auditRefs", []):
            audit = audits.get(reference["id"], {})
            score = audit.get("score")
            if (score is not None and reference.get("weight", 0) > 0
                    and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
                    and score < (0.9 if name == "performance" else 1)):
                out["failed"].append({"id": reference["id"], "title": audit.get("title", ""),
                                      "score": score, "category": name})
    out["opportunities"] = sorted(
        ({"id": audit_id, "title": audit.get("title", ""), "ms": savings}
         for audit_id, audit in audits.items()
         if (savings := (audit.get("details") or {}).get("overallSavingsMs") or 0) > 0),
        key=lambda item: -item["ms"])
    return out


def site_path(url: str, prefix: str) -> str:
    """A URL's path within the site ("/assets/..."), whatever host, port or prefix served it."""
    path = urlsplit(url).path
    return "/" + path[len(prefix):] if path.startswith(prefix) else path


def lighthouse_pages(pages: list[dict]) -> list[dict]:
    """The pages audited on desktop too: the landing page, the concept page with the most
    formulas and the first lab."""
    chosen = [page for page in pages if page["kind"] == "landing"][:1]
    concepts = [page for page in pages if page["kind"] == "concept"]
    if concepts:
        chosen.append(max(concepts, key=lambda page: page["math"]))
    return chosen + [page for page in pages if page["kind"] == "lab"][:1]


def find_run(runs: list[dict], build: str, preset: str, url: str, served: str = "gzip") -> dict | None:
    return next((run for run in runs if run["build"] == build and run["preset"] == preset
                 and run["page"] == url and run["served"] == served and not run.get("error")), None)


def page_bytes(run: dict | None) -> int | None:
    """Bytes transferred, not counting fonts (a math font is no part of the page-weight target)."""
    return None if run is None or run.get("bytes") is None else run["bytes"] - run.get("font_bytes", 0)


def weight_rows(runs: list[dict], pages: list[dict]) -> list[dict]:
    rows = []
    for page in pages:
        full = find_run(runs, "full", "mobile", page["url"])
        base = find_run(runs, "baseline", "mobile", page["url"])
        uncompressed = [None if run is None else sum(item["uncompressed"] for item in run["resources"])
                        for run in (full, base)]
        rows.append({"url": page["url"], "kind": page["kind"],
                     "requests": full["requests"] if full else None,
                     "full": page_bytes(full), "base": page_bytes(base),
                     "ratio": ratio(page_bytes(full), page_bytes(base)),
                     "full_plain": uncompressed[0], "base_plain": uncompressed[1]})
    return rows


def weight_budgets(runs: list[dict], prefix: str) -> list[dict]:
    """A Lighthouse budget for each concept page: the baseline's bytes for the same page times the
    target ratio, plus whatever fonts the page loads (not counted), in KiB as budgets are."""
    budgets = []
    for run in runs:
        if run["build"] != "full" or run["preset"] != "mobile" or run["served"] != "gzip" or (
                run["page_kind"] != "concept" or run.get("error")):
            continue
        base = find_run(runs, "baseline", "mobile", run["page"])
        if base is None:
            continue
        limit = int(TARGETS["weight_ratio"] * page_bytes(base)) + run.get("font_bytes", 0)
        budgets.append({"path": f"{prefix}{run['page']}$",
                        "resourceSizes": [{"resourceType": "total", "budget": limit / 1024}]})
    return budgets


def largest_resources(runs: list[dict], top: int) -> list[dict]:
    """The largest distinct resources over the pages of one build, with how many pages load them."""
    seen: dict[str, dict] = {}
    for run in runs:
        for resource in run["resources"]:
            entry = seen.setdefault(resource["path"], {**resource, "pages": set()})
            entry["pages"].add(run["page"])
    ordered = sorted(seen.values(), key=lambda entry: (-entry["transfer"], entry["path"]))
    return [{**entry, "pages": len(entry["pages"])} for entry in ordered[:top]]


def extra_resources(full: dict, base: dict) -> list[dict]:
    """What a page of the full build loads beyond the same page in the baseline, largest first."""
    base_sizes = {resource["path"]: resource["transfer"] for resource in base["resources"]}
    extra = [{"path": resource["path"], "new": resource["path"] not in base_sizes,
              "bytes": resource["transfer"] - base_sizes.get(resource["path"], 0)}
             for resource in full["resources"]]
    return sorted((item for item in extra if item["bytes"] > 0), key=lambda item: (-item["bytes"],
                                                                                  item["path"]))


def score_goals(rc: Path = RC) -> dict[str, dict]:
    """The score targets of lighthouserc.yml: category -> {"min": score, "pattern": URL regex}."""
    goals = {}
    for entry in yaml.safe_load(rc.read_text())["ci"]["assert"]["assertMatrix"]:
        for key, (_level, options) in entry["assertions"].items():
            goals[key.split(":", 1)[1]] = {"min": options["minScore"],
                                           "pattern": entry["matchingUrlPattern"]}
    return goals


# ---------------------------------------------------------------------------------------------
# Formatting.

def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1000:
        return f"{value:,.0f} B"
    return f"{value / 1000:,.1f} kB" if value < 1_000_000 else f"{value / 1_000_000:,.2f} MB"


def fmt_s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f} s"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def fmt_score(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100):d}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def page_label(url: str) -> str:
    return f"/{url}"


def page_link(url: str, sources: dict[str, str | None]) -> str:
    """A link from this report (docs/about/) to a page's source, so MkDocs checks it; pages that
    a plugin makes (the print page) are named, not linked."""
    source = sources.get(url)
    return f"[`{page_label(url)}`](../{source})" if source else f"`{page_label(url)}`"


def table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    return (["| " + " | ".join(header) + " |",
             "| " + " | ".join("---:" if mark == "r" else "---" for mark in align) + " |"]
            + ["| " + " | ".join(row) + " |" for row in rows] + [""])


def score_of(run: dict | None, category: str) -> str:
    return "—" if run is None else fmt_score((run.get("scores") or {}).get(category))


def other_runs(run: dict) -> str:
    """" (89, 95)": the performance scores of the page's other runs, when it ran more than once."""
    scores = list(run.get("performance_runs") or [])
    if len(scores) < 2:
        return ""
    scores.remove((run.get("scores") or {}).get("performance") or 0)
    return " (" + ", ".join(fmt_score(score) for score in scores) + ")"


def metric(run: dict | None, name: str) -> str:
    value = None if run is None else (run.get("metrics") or {}).get(name)
    if value is None:
        return "—"
    if name == "cumulative-layout-shift":
        return f"{value:.2f}"
    return f"{value:,.0f} ms" if name == "total-blocking-time" else fmt_s(value / 1000, 1)


# ---------------------------------------------------------------------------------------------
# Targets.

@dataclass
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured
    why: str = ""
    fix: str = ""


AUDIT_FIXES = {
    "aria-dialog-name": "give Material's search dialog an accessible name (an `aria-label` in an "
                        "override of `partials/search.html`)",
    "color-contrast": "darken the flagged text or lighten its background in "
                      "`docs/assets/course.css` (WCAG AA: 4.5:1 for body text)",
    "link-in-text-block": "underline links in running text in `docs/assets/course.css`",
    "errors-in-console": "remove the cause of the console errors (often a request that fails)",
    "third-party": "serve every script, style, font and API call from the site itself",
    "render-blocking-resources": "inline or defer the styles and scripts that block the first paint",
    "unused-javascript": "load less JavaScript on this page",
    "unused-css-rules": "ship less CSS (on labs: the notebook stylesheet)",
    "largest-contentful-paint": "load fewer bytes before the main text can be drawn",
    "total-blocking-time": "run less JavaScript on load",
    "first-contentful-paint": "load fewer render-blocking bytes",
    "speed-index": "show the first screen of text sooner (fewer bytes before it)",
    "meta-description": "give the page a `description:` in its front matter",
    "heading-order": "do not skip heading levels",
    "image-alt": "give every image a text alternative",
}
PROFILE_FIXES = {
    "running the examples": "run fewer or lighter examples per page (unchanged ones are already "
                            "reused from the cache)",
    "notebooks (execution, conversion)": (
        "run and render fewer notebook cells (an unchanged lab is already reused from the "
        "cache, and its converter then not even imported)"),
    "git dates": "turn git dates off for local builds (`GIT_DATES=false`)",
    "page templates (Material)": "render less per page (e.g. `navigation.prune`)",
    "print page": "build the print edition only for releases",
}
# What a `make serve` rebuild of one page still does for the whole site (a profile of one, at
# 943dd8f): unchanged examples are reused from the cache, so they are not where its time goes.
EDIT_RELOAD_FIX = ("a dirty rebuild still loads the configuration and every plugin again, dates every "
                   "page from git and writes the print page from every page: keep more of that "
                   "between rebuilds")
SCALING_FIXES = {
    "page templates (Material)": "`navigation.prune` keeps only the current section's navigation "
                                 "in each page's HTML",
    "print page": "build the print edition (print-site plugin) only for releases, since it "
                  "reprocesses every page",
}


def weight_fix(path: str, page_url: str) -> str:
    if path.endswith("search_index.json"):
        return ("every page loads the whole search index, so each word indexed anywhere weighs on "
                "every page: keep code blocks and printed output out of it (`data-search-exclude`)")
    if path.rstrip("/") == "/" + page_url.rstrip("/"):
        return "the page's own HTML is larger (inline SVG figures, MathML, the questions' markup)"
    return "fold the small stylesheets into one" if path.endswith(".css") else (
        "load it only on the pages that use it")


def profile_why(profile: dict | None, top: int = 3) -> tuple[str, str]:
    if not profile or not profile.get("categories"):
        return "", ""
    names = [name for name, _ in profile["categories"][:top]]
    why = (f"the profiled full build ({profile['total_s']:,.1f} s) spends most of its time on "
           + ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in profile["categories"][:top])
           + "; the baseline does none of this work")
    return why, "; ".join(PROFILE_FIXES[name] for name in names if name in PROFILE_FIXES)


def busy_note(meta: dict | None) -> str:
    """Lighthouse's simulated mobile CPU scales the time it observes: a busy machine lowers scores."""
    if not meta or meta.get("load_average") is None or meta["load_average"] <= meta.get("cores", 1):
        return ""
    return (f"the machine was busy (load average {meta['load_average']:.1f} on {meta['cores']} "
            "cores), and Lighthouse's simulated mobile CPU scales the time it observes, so re-run "
            "on an idle machine before acting on performance scores")


def baseline_note(runs: list[dict], goal: float) -> str:
    """What plain Material's concept pages scored in the same run, on the same machine: whether the
    goal is within reach of the theme alone here (Lighthouse's simulated phone is scaled from this
    machine's speed)."""
    scores = [run["scores"]["performance"] for run in runs
              if run["build"] == "baseline" and run["preset"] == "mobile" and run["served"] == "gzip"
              and run["page_kind"] == "concept" and (run.get("scores") or {}).get("performance") is not None]
    if not scores:
        return ""
    below = sum(score < goal for score in scores)
    return (f"the plain-Material baseline's concept pages in the same run scored "
            f"{fmt_score(min(scores))}–{fmt_score(max(scores))} (median {fmt_score(median(scores))}), "
            + (f"{below} of {len(scores)} below the goal" if below else "every one at the goal or above"))


def build_targets(figures: dict) -> list[Target]:
    targets = []
    suite = figures.get("test_suite")
    if suite:
        seconds, codes = median(suite["wall_s"]), suite.get("exit_codes", [0])
        failed = any(codes)
        met = not failed and seconds <= TARGETS["test_suite_s"]
        named = suite.get("failures") or []
        why = (f"`{suite['command']}` failed (exit {max(codes)})"
               + (f": {', '.join(f'`{test}`' for test in named[:5])}" if named else "")
               + "; its output is in test-results/bench-test-suite.log") if failed else (
            "" if met else "the profile below shows where a build's time goes; the suite builds "
                           "the site and runs every example, notebook and browser check")
        targets.append(Target(f"`{suite['command']}`, wall time", f"≤ {TARGETS['test_suite_s']} s",
                              fmt_s(seconds, 0), met, why))
    builds = figures.get("builds")
    if not builds:
        return targets
    wall = build_medians(builds)
    examples = examples_seconds(figures.get("examples"))
    why, fix = profile_why(builds.get("profile"))
    cold, base = wall["full"]["cold"], wall["baseline"]["cold"]
    if examples["total"] is None or cold is None:
        targets.append(Target("Cold build", "≤ baseline + examples", fmt_s(cold), None))
    else:
        limit = base + examples["total"]
        parts = " + ".join(f"{name} {fmt_s(seconds)}" for name, seconds in examples.items()
                           if name != "total")
        targets.append(Target("Cold build", "≤ baseline + the examples run on their own",
                              f"{fmt_s(cold)} against {fmt_s(base)} + {parts} = {fmt_s(limit)}",
                              cold <= limit, "" if cold <= limit else why,
                              "" if cold <= limit else fix))
    value = wall["ratio"]["warm"]
    met = None if value is None else value <= TARGETS["warm_ratio"]
    if met is False and targets[-1].met is False:
        fix = "as above"
        why = (f"the warm build takes about as long as the cold one ({fmt_s(wall['full']['warm'])} "
               f"against {fmt_s(cold)}): the same work is done again, nothing is reused"
               if wall["full"]["warm"] >= 0.9 * cold else "as above")
    targets.append(Target("Warm build, full ÷ baseline", f"≤ {TARGETS['warm_ratio']}×",
                          f"{fmt_ratio(value)} ({fmt_s(wall['full']['warm'])} ÷ "
                          f"{fmt_s(wall['baseline']['warm'])})", met,
                          why if met is False else "", fix if met is False else ""))
    return targets


def reload_and_scaling_targets(figures: dict) -> list[Target]:
    targets = []
    reload = figures.get("reload")
    if reload:
        # `make serve` runs `mkdocs serve --dirty`: a save rebuilds the changed page only.
        value = median(sample["seconds"] for sample in reload.get("dirty_samples", []))
        met = None if value is None else value <= TARGETS["reload_s"]
        targets.append(Target("Edit to reload (`make serve`)", f"≤ {TARGETS['reload_s']:g} s",
                              fmt_s(value), met,
                              "even a dirty rebuild of one page takes this long" if met is False else "",
                              EDIT_RELOAD_FIX if met is False else ""))
    scaling = figures.get("scaling")
    if scaling:
        rows = scaling_rows(scaling["sizes"])
        value = scaling_ratio(rows)
        met = None if value is None else value <= TARGETS["scaling_ratio"]
        reasons, fix = [], ""
        if met is False:
            by_pages = {row["pages"]: row for row in rows}
            small, large = by_pages[100]["page_html_bytes"], by_pages[1000]["page_html_bytes"]
            if small and large and large > 1.5 * small:
                reasons.append(f"every page's HTML grows with the site ({fmt_bytes(small)} per page "
                               f"at 100 pages, {fmt_bytes(large)} at 1,000), because Material "
                               "writes the whole navigation into every page")
            profiled = next((size for size in scaling["sizes"] if size.get("profile")), None)
            if profiled:
                per_page = [item for item in profile_per_page(profiled) if item[0] != "other"][:3]
                reasons.append(f"at {profiled['pages']:,} pages (profiled) a page costs " + ", ".join(
                    f"{ms:,.0f} ms in {name}" for name, ms in per_page))
                fix = "; ".join(SCALING_FIXES[name] for name, _ in per_page if name in SCALING_FIXES)
        targets.append(Target("Build time per page, 1,000 ÷ 100 pages",
                              f"≤ {TARGETS['scaling_ratio']}×", fmt_ratio(value), met,
                              "; ".join(reasons), fix))
    return targets


def profile_per_page(size: dict) -> list[tuple[str, float]]:
    return [(name, 1000 * seconds / size["pages"]) for name, seconds in size["profile"]["categories"]]


def lighthouse_targets(figures: dict) -> list[Target]:
    lighthouse = figures["lighthouse"]
    runs, meta = lighthouse["runs"], figures.get("meta")
    pages = figures.get("pages", [])
    page_of = {run["url"]: run["page"] for run in runs if run.get("url")}
    targets = []
    rows = [row for row in weight_rows(runs, pages) if row["kind"] == "concept"
            and row["ratio"] is not None]
    results = [result for result in lighthouse.get("budget_assertions", [])
               if result.get("auditId") == "resource-summary"]
    name = "Concept page weight, full ÷ baseline (gzip, fonts not counted; Lighthouse budget)"
    # lhci reports a budget only where a page is over it (getBudgetAssertionResults in @lhci/utils
    # makes results from the rows over budget, even with --includePassedAssertions), so no result
    # means every page is within it; the ratios of the same runs decide as well.
    if rows and (results or lighthouse.get("budgets")):
        worst = max(rows, key=lambda row: row["ratio"])
        met = (all(result["passed"] for result in results)
               and all(row["ratio"] <= TARGETS["weight_ratio"] for row in rows))
        why = fix = ""
        if not met:
            full, base = (find_run(runs, build, "mobile", worst["url"]) for build in ("full", "baseline"))
            extra = extra_resources(full, base)[:4]
            why = (f"`{page_label(worst['url'])}` loads {fmt_bytes(worst['full'])} against "
                   f"{fmt_bytes(worst['base'])}; the difference is mostly " + ", ".join(
                       f"`{item['path']}` ({fmt_bytes(item['bytes'])}"
                       f"{', not in the baseline' if item['new'] else ' more'})" for item in extra))
            fix = "; ".join(dict.fromkeys(weight_fix(item["path"], worst["url"]) for item in extra))
        targets.append(Target(name, f"≤ {TARGETS['weight_ratio']}×",
                              f"at most {fmt_ratio(worst['ratio'])} ({len(rows)} pages, median "
                              f"{fmt_ratio(median(row['ratio'] for row in rows))})", met, why, fix))
    else:
        targets.append(Target(name, f"≤ {TARGETS['weight_ratio']}×", "not measured", None))
    for category, goal in score_goals().items():
        results = [result for result in lighthouse.get("assertions", [])
                   if result.get("auditId") == "categories" and result.get("auditProperty") == category]
        kinds = ("concept", "lab") if category == "performance" else ("landing", "concept", "lab")
        scope = "every concept page and lab" if category == "performance" else (
            "the landing page, every concept page and lab")
        audited = [run for run in runs if run["build"] == "full" and run["preset"] == "mobile"
                   and run["served"] == "gzip" and run["page_kind"] in kinds]
        title = f"Lighthouse {CATEGORY_NAMES[category]} (mobile), {scope}"
        goal_text = f"≥ {fmt_score(goal['min'])}" if goal["min"] < 1 else "100"
        if not results:
            targets.append(Target(title, goal_text, "not measured", None))
            continue
        failing = [result for result in results if not result["passed"]]
        errors = [run for run in audited if run.get("error")]
        lowest = min(results, key=lambda result: result["actual"])
        measured = (f"lowest {fmt_score(lowest['actual'])} "
                    f"(`{page_label(page_of.get(lowest['url'], lowest['url']))}`), {plural(len(results), 'page')}")
        why, fixes = [], []
        for result in failing:
            url = page_of.get(result["url"], result["url"])
            run = find_run(runs, "full", "mobile", url) or {}
            failed = [audit for audit in run.get("failed", []) if audit["category"] == category]
            parts = [f"{METRICS.get(audit['id'], audit['title'].rstrip('.'))} {metric(run, audit['id'])}"
                     f" (score {fmt_score(audit['score'])})" if audit["id"] in METRICS else
                     f"{audit['title'].rstrip('.')} (`{audit['id']}`)" for audit in failed[:4]]
            savings = run.get("opportunities", [])[:2] if category == "performance" else []
            if savings:
                parts.append("estimated savings: " + ", ".join(
                    f"{item['title'].rstrip('.').lower()} {item['ms']:,.0f} ms" for item in savings))
            why.append(f"`{page_label(url)}` {fmt_score(result['actual'])}"
                       + (": " + "; ".join(parts) if parts else ""))
            fixes += [AUDIT_FIXES.get(item["id"], "") for item in failed[:4] + savings]
        why += [f"`{page_label(run['page'])}`: Lighthouse failed ({run['error']})" for run in errors]
        if category == "performance" and failing:
            why += [note for note in (busy_note(meta), baseline_note(runs, goal["min"])) if note]
        targets.append(Target(title, goal_text, measured, not failing and not errors,
                              "; ".join(why), "; ".join(dict.fromkeys(fix for fix in fixes if fix))))
    third = sorted({url for run in runs if run["build"] == "full" for url in run.get("third_party", [])})
    targets.append(Target("Third-party requests (every Lighthouse run)", "none",
                          str(len(third)) if third else "none", not third,
                          "requests to " + ", ".join(sorted({f"`{urlsplit(url).netloc}`" for url in third}))
                          if third else "", AUDIT_FIXES["third-party"] if third else ""))
    return targets


def evaluate_targets(figures: dict) -> list[Target]:
    targets = build_targets(figures) + reload_and_scaling_targets(figures)
    return targets + (lighthouse_targets(figures) if figures.get("lighthouse") else [])


def verdict(met: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[met]


# ---------------------------------------------------------------------------------------------
# The report.

def render_report(figures: dict) -> str:
    meta = figures["meta"]
    sources = {page["url"]: page.get("src") for page in figures.get("pages", [])}
    load = "" if meta.get("load_average") is None else (
        f", load average {meta['load_average']:.1f} at the start and "
        f"{meta.get('load_average_end', meta['load_average']):.1f} at the end")
    out = ["---", "description: How fast the course site builds, reloads and loads, measured "
           "against a plain Material site built from the same pages.",
           # For contributors: kept out of the students' search index, which every page loads.
           "search:", "  exclude: true", "---", "",
           "# Performance { #performance }", "",
           "How much the course's machinery (examples run at build time, notebooks, math rendered "
           "to MathML, check-yourself questions, git dates, the print edition) costs, measured "
           "against a plain Material site built from the same `docs/` (search only, none of the "
           "above). This page is generated by `make bench` (`scripts/bench.py`); the figures are "
           "in [performance.json](performance.json).", "",
           f"Measured on {meta['date']} at commit `{meta['commit']}`"
           + (" (with uncommitted changes)" if meta.get("dirty") else "")
           + f", on {meta['machine']}{load}. Absolute times depend on the machine and on what "
           "else it is doing; the ratios come from alternating runs and are steadier. The whole "
           f"benchmark took {meta['duration_s'] / 60:.1f} minutes.", ""]
    out += render_targets(figures)
    out += render_builds(figures)
    out += render_reload(figures.get("reload"))
    out += render_scaling(figures.get("scaling"))
    if figures.get("lighthouse"):
        out += render_weight(figures["lighthouse"]["runs"], figures.get("pages", []), sources)
        out += render_lighthouse(figures["lighthouse"], figures.get("pages", []), sources)
    out += render_method(meta)
    return "\n".join(out).rstrip() + "\n"


def render_targets(figures: dict) -> list[str]:
    targets = evaluate_targets(figures)
    missed = [target for target in targets if target.met is False]
    out = ["## Targets { #targets }", "",
           f"{sum(target.met is True for target in targets)} of {len(targets)} targets met"
           + (f", {len(missed)} missed." if missed else ".") + " Lighthouse figures are for the "
           "mobile preset, with the site served gzip-compressed as real hosting serves it; "
           "Lighthouse CI (`lhci assert`) gives their verdicts.", ""]
    out += table(["Target", "Goal", "Measured", "Result"],
                 [[target.name, target.goal, target.measured, verdict(target.met)]
                  for target in targets], "llll")
    out += ["### Why, and what would fix it { #missed-targets }", ""]
    out += [f"- **{target.name}.**" + (f" Why: {target.why}." if target.why else "")
            + (f" Fix: {target.fix}." if target.fix else "") for target in missed]
    out += ["" if missed else "Every measured target was met.", ""]
    return out


def render_builds(figures: dict) -> list[str]:
    builds = figures.get("builds")
    if not builds:
        return []
    wall, own = build_medians(builds), build_medians(builds, "mkdocs_s")
    runs = len(builds.get("full-cold", {}).get("wall_s", []))
    out = ["## Build cost { #build-cost }", "",
           "The same `docs/` built with the project's `mkdocs.yml` (full) and with "
           f"`scripts/bench/baseline.yml` (plain Material), timed by hyperfine, {plural(runs, 'round')}"
           " of a cold and a warm build of each, the two configurations taking turns to go first. "
           "*Cold*: hyperfine's `--prepare` first removes the site directory, `.cache/` and every "
           "`__pycache__` of the project. *Warm*: the same build again, into the same directory. "
           "Medians of wall-clock time, which includes starting Python and loading the "
           "configuration; MkDocs' own \"built in\" time is beside it.", ""]
    out += table(["Build", "Full", "Baseline", "Ratio", "Full (MkDocs)", "Baseline (MkDocs)",
                  "Ratio (MkDocs)"],
                 [[phase.capitalize(), fmt_s(wall["full"][phase]), fmt_s(wall["baseline"][phase]),
                   fmt_ratio(wall["ratio"][phase]), fmt_s(own["full"][phase]),
                   fmt_s(own["baseline"][phase]), fmt_ratio(own["ratio"][phase])]
                  for phase in ("cold", "warm")])
    examples = examples_seconds(figures.get("examples"))
    if examples["total"] is not None:
        out += ["What a cold build cannot avoid is running the examples once. On their own, timed "
                "by hyperfine (medians): every snippet run as `python snippets/NAME.py` runs it, "
                f"in one Python, {fmt_s(examples.get('snippets'))}; every lab executed with "
                f"`jupyter execute`, {fmt_s(examples.get('labs'))}. The baseline's cold build "
                f"plus these is {fmt_s(wall['baseline']['cold'] + examples['total'])}, against "
                f"{fmt_s(wall['full']['cold'])} for the full build.", ""]
    suite = figures.get("test_suite")
    if suite:
        out += [f"The whole test suite, `{suite['command']}`, timed once by hyperfine from a warm "
                f"virtualenv: {fmt_s(median(suite['wall_s']), 0)}"
                + ("." if not any(suite.get("exit_codes", [])) else
                   f", and it failed (exit {max(suite['exit_codes'])}).")
                + " It builds the site and runs every example, fence, notebook and browser check.", ""]
    profile = builds.get("profile")
    out += ["### Where the full build's time goes { #build-profile }", ""]
    if profile and profile.get("categories"):
        total = sum(seconds for _, seconds in profile["categories"]) or 1
        out += [f"One warm full build under Python's profiler ({fmt_s(profile['total_s'], 1)} with "
                "the profiler's overhead), its own time grouped by what the code does:", ""]
        out += table(["Work", "Seconds", "Share"], [[name, f"{seconds:,.1f}", f"{100 * seconds / total:.0f}%"]
                                                   for name, seconds in profile["categories"]])
    else:
        out += ["Not profiled in this run.", ""]
    return out


def render_reload(reload: dict | None) -> list[str]:
    if not reload:
        return []
    samples = [sample["seconds"] for sample in reload["samples"]]
    out = ["## Edit to reload { #edit-to-reload }", "",
           "Plain `mkdocs serve`, which rebuilds the whole site on every save, on a free local port. "
           f"Each save appends a line to `docs/{reload['page']}` or takes it out again (the page "
           "is restored byte for byte afterwards); the clock runs from the save until the served "
           f"page shows the change (polled every 20 ms). {plural(len(samples), 'save')}: median "
           f"**{fmt_s(median(samples))}**, fastest {fmt_s(min(samples, default=None))}, slowest "
           f"{fmt_s(max(samples, default=None))}.", ""]
    done = [sample["build_done_s"] for sample in reload["samples"] if sample.get("build_done_s")]
    if done:
        out += ["The open browser tab reloads itself when the whole rebuild has finished (MkDocs' "
                f"live reload): median {fmt_s(median(done))} after the save.", ""]
    dirty = [sample["seconds"] for sample in reload.get("dirty_samples", [])]
    if dirty:
        out += ["`make serve` runs `mkdocs serve --dirty --no-strict`, which rebuilds only the "
                "changed page (strictness stays in `make build` and `make test`): "
                f"{plural(len(dirty), 'save')}, median **{fmt_s(median(dirty))}**. This is the "
                "figure the target is about.", ""]
    if reload.get("timeouts"):
        out += [f"{reload['timeouts']} saves did not show within {reload['timeout_s']:.0f} s and "
                "are left out.", ""]
    return out


def render_scaling(scaling: dict | None) -> list[str]:
    if not scaling:
        return []
    rows = scaling_rows(scaling["sizes"])
    value = scaling_ratio(rows)
    out = ["## Scaling { #scaling }", "",
           "Generated sites of concept pages, each with about 450 words of prose, a snippet "
           "include, inline and display math, and a check-yourself question, built with the "
           "project's configuration (hooks, extensions, theme) and a generated navigation of "
           "sections of 10 pages (parts of 10 sections past 100 pages), by hyperfine into a fresh "
           "site directory each run, the sizes taking turns (one run of each per round, the order "
           "reversed every other round), after one warm-up build of each, so that every size reuses what a "
           "contributor's builds reuse (the math font's subset, the question banks, compiled "
           "templates). Git dates are off: generated pages have no history. Time is "
           "MkDocs' own \"built in\" figure (median), so that starting Python does not hide how "
           "the per-page cost changes.", ""]
    out += table(["Pages", "Build", "Per page", "Per page vs previous size", "Search index per page",
                  "HTML per page", "Runs"],
                 [[f"{row['pages']:,}", fmt_s(row["seconds"]),
                   "—" if row["per_page_ms"] is None else f"{row['per_page_ms']:,.1f} ms",
                   fmt_ratio(row["growth"]), fmt_bytes(row["index_per_page"]),
                   fmt_bytes(row["page_html_bytes"]), str(row["runs"])] for row in rows])
    if value is not None:
        out += [("Build time per page **grows** with the site: " if value > 1.1 else
                 "Build time per page **does not grow** much with the site: ")
                + f"at 1,000 pages it is {fmt_ratio(value)} its value at 100 pages (target "
                f"≤ {TARGETS['scaling_ratio']}×).", ""]
    profiled = next((size for size in scaling["sizes"] if size.get("profile")), None)
    out += ["### Where a page's build time goes { #scaling-profile }", ""]
    if profiled:
        out += [f"The {profiled['pages']:,}-page site built once more under Python's profiler "
                "(which slows it down), its time grouped by what the code does and divided by the "
                "number of pages:", ""]
        out += table(["Work", "Per page"], [[name, f"{ms:,.1f} ms"] for name, ms in profile_per_page(profiled)])
    else:
        out += ["Not profiled in this run.", ""]
    return out


def render_weight(runs: list[dict], pages: list[dict], sources: dict) -> list[str]:
    out = ["## Page weight { #page-weight }", "",
           "Bytes transferred when a page opens, as Lighthouse counts them (its `resource-summary`, "
           "every request of the page and its workers, mobile run), served gzip-compressed as "
           "real hosting serves it; fonts are not counted (the full build's pages with math load its "
           "math font, about 18 kB; the baseline loads none). The "
           "uncompressed figures are the same responses' decoded sizes. The baseline has no lab "
           "pages and no print page.", ""]
    out += table(["Page", "Kind", "Requests", "Full (gzip)", "Baseline (gzip)", "Ratio",
                  "Full (uncompressed)", "Baseline (uncompressed)"],
                 [[page_link(row["url"], sources), KIND_NAMES[row["kind"]],
                   "—" if row["requests"] is None else str(row["requests"]), fmt_bytes(row["full"]),
                   fmt_bytes(row["base"]), fmt_ratio(row["ratio"]), fmt_bytes(row["full_plain"]),
                   fmt_bytes(row["base_plain"])] for row in weight_rows(runs, pages)
                  if row["full"] is not None], "llrrrrrr")
    for build, title, anchor, top in (("full", "full build", "largest-resources", 10),
                                      ("baseline", "baseline", "largest-resources-baseline", 5)):
        mine = [run for run in runs if run["build"] == build and run["preset"] == "mobile"
                and run["served"] == "gzip" and not run.get("error")]
        out += [f"### Largest resources, {title} {{ #{anchor} }}", ""]
        out += table(["Resource", "Type", "Gzip", "Uncompressed", "Pages that load it"],
                     [[f"`{entry['path']}`", entry["type"], fmt_bytes(entry["transfer"]),
                       fmt_bytes(entry["uncompressed"]), str(entry["pages"])]
                      for entry in largest_resources(mine, top)], "llrrr")
    third = sorted({url for run in runs for url in run.get("third_party", [])})
    out += [("Requests that left the local server: " + ", ".join(f"`{url}`" for url in third) + ".")
            if third else "No request left the local server.", ""]
    return out


def runs_text(runs: list[dict]) -> str:
    repeats = max((len(run.get("performance_runs") or [None]) for run in runs), default=1)
    if repeats == 1:
        return "one run per page and preset"
    return (f"{repeats} runs of each page on mobile for the full build (the run with the median "
            "performance score is shown, the other runs' scores in brackets; `lhci assert` judges "
            "the median) and one run elsewhere")


def render_lighthouse(lighthouse: dict, pages: list[dict], sources: dict) -> list[str]:
    runs = lighthouse["runs"]
    out = ["## Load speed (Lighthouse) { #load-speed }", "",
           f"Lighthouse {lighthouse.get('version') or ''} through Lighthouse CI, with Chromium, "
           f"{runs_text(runs)}. Mobile uses Lighthouse's default simulated throttling "
           "(a slow 4G connection and a 4× slower CPU) on every page; desktop "
           "(`--preset=desktop`) the landing page, the concept page with the most formulas and a "
           "lab. Scores are out of 100; each cell is the full build, with the baseline after the "
           "slash.", ""]
    if lighthouse.get("lab_missing"):
        out += ["The site has no lab page yet, so there is no lab row.", ""]
    index = median(run.get("benchmark_index") for run in runs)
    if index is not None:
        out += [f"Lighthouse's own measure of this machine's CPU speed during the runs (its "
                f"benchmark index, higher is faster): median {index:,.0f}. Mobile performance "
                "scores fall when the machine is busy, since the simulated slow phone is scaled "
                "from the CPU time Lighthouse observes.", ""]
    for preset in ("mobile", "desktop"):
        rows = []
        for page in pages:
            full, base = (find_run(runs, build, preset, page["url"]) for build in ("full", "baseline"))
            if full is None:
                continue
            rows.append([f"{page_link(page['url'], sources)} ({KIND_NAMES[page['kind']]})"]
                        + [f"{score_of(full, category)}{other_runs(full) if category == 'performance' else ''}"
                           f" / {score_of(base, category)}" for category in CATEGORIES]
                        + [f"{metric(full, 'largest-contentful-paint')} / "
                           f"{metric(base, 'largest-contentful-paint')}",
                           f"{fmt_bytes(page_bytes(full))} / {fmt_bytes(page_bytes(base))}"])
        if rows:
            out += [f"### {preset.capitalize()} {{ #lighthouse-{preset} }}", ""]
            out += table(["Page", "Performance", "Accessibility", "Best practices", "SEO", "LCP",
                          "Bytes"], rows)
    plain = [run for run in runs if run["served"] == "plain" and not run.get("error")]
    out += ["### Served uncompressed { #lighthouse-uncompressed }", ""]
    if plain:
        out += ["The concept page again (full build, mobile), served without compression by "
                "`python -m http.server`: what a reader would never see, and why the headline "
                "figures are measured compressed.", ""]
        rows = []
        for run in plain:
            gzip = find_run(runs, "full", "mobile", run["page"])
            rows.append([page_link(run["page"], sources), score_of(gzip, "performance"),
                         score_of(run, "performance"), metric(gzip, "largest-contentful-paint"),
                         metric(run, "largest-contentful-paint"), fmt_bytes(page_bytes(gzip)),
                         fmt_bytes(page_bytes(run))])
        out += table(["Page", "Performance (gzip)", "Performance (uncompressed)", "LCP (gzip)",
                      "LCP (uncompressed)", "Bytes (gzip)", "Bytes (uncompressed)"], rows)
    else:
        out += ["Not measured in this run (`--quick`).", ""]
    failed = sorted({(audit["id"], audit["title"]) for run in runs if run["build"] == "full"
                     for audit in run.get("failed", [])})
    if failed:
        out += ["Audits that did not pass on some page of the full build: " + "; ".join(
            f"{title.rstrip('.')} (`{audit_id}`)" for audit_id, title in failed) + ".", ""]
    for run in runs:
        if run.get("error"):
            out += [f"Lighthouse failed on {page_label(run['page'])} ({run['build']}, "
                    f"{run['preset']}, {run['served']}): {run['error']}.", ""]
    return out


def render_method(meta: dict) -> list[str]:
    versions = meta.get("versions", {})
    out = ["## How it was measured { #method }", "",
           "Run `make bench` (about 30 minutes on two cores; it is not part of `make test`). "
           "`scripts/ensure-bench-tools.sh` installs Debian's hyperfine and, with `npm ci`, "
           "Lighthouse CI from `scripts/bench/package-lock.json`; `make browser` provides "
           "Debian's Chromium.", "",
           "- Everything is built from a snapshot of the project taken when the benchmark starts, "
           "so edits made meanwhile do not disturb it, and nothing in the working tree but this "
           "page and its JSON is written to.",
           "- hyperfine times every whole command (builds, examples, generated sites, the test "
           "suite) and exports each run as JSON. It runs a command's runs one after another, so "
           "the cold/warm comparison is one hyperfine call per round, alternating which "
           "configuration goes first.",
           "- Lighthouse CI (`lhci collect`) serves each built site gzip-compressed with its own "
           "static server (express with compression), under the path of the site's `site_url`, "
           "as GitHub Pages serves a project site; `lhci assert` checks the score rules of "
           "`scripts/bench/lighthouserc.yml` and a page-weight budget written from the "
           "baseline's bytes for each concept page.",
           "- Lighthouse runs once per page and preset; scores move by a few points between runs.",
           ""]
    if versions:
        out += ["Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items())
                + ".", ""]
    return out
