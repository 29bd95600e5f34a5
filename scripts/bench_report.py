"""The benchmark's arithmetic and its report: medians and ratios of the raw figures, the targets
met or missed (with why, and what would fix it), and the Markdown page docs/about/performance.md.

Pure functions of the raw figures (the dict that scripts/bench.py saves as performance.json), so
tests/test_bench.py can check them on a fixture without timing anything.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from urllib.parse import urlsplit

# The targets of issue 9.
TARGETS = {
    "lighthouse_performance": 95,  # mobile preset, every measured page
    "lighthouse_other": 100,  # accessibility, best practices, SEO
    "cold_ratio": 2.5,  # full build / plain-Material build, no caches
    "warm_ratio": 1.3,  # second build into the same directory
    "reload_seconds": 2.0,  # save a page -> rebuilt page served by `mkdocs serve`
    "scaling_ratio": 1.5,  # build time per page at 1,000 pages / at 100 pages
    "weight_ratio": 1.25,  # a concept page's bytes loaded / the same page in the baseline
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CATEGORY_NAMES = {"performance": "Performance", "accessibility": "Accessibility",
                  "best-practices": "Best practices", "seo": "SEO"}
KIND_NAMES = {"landing": "landing page", "concept": "concept page", "lab": "lab",
              "other": "other"}


# ---------------------------------------------------------------------------------------------
# Arithmetic.

def median(values) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def build_medians(runs: list[dict], key: str = "wall_s") -> dict:
    """Median seconds per (config, phase), e.g. out["full"]["cold"], and the ratios full/baseline."""
    out: dict = {}
    for config in ("full", "baseline"):
        out[config] = {phase: median(run[key] for run in runs
                                     if run["config"] == config and run["phase"] == phase)
                       for phase in ("cold", "warm")}
    out["ratio"] = {phase: ratio(out["full"][phase], out["baseline"][phase])
                    for phase in ("cold", "warm")}
    return out


def scaling_rows(sizes: list[dict], key: str = "mkdocs_s") -> list[dict]:
    """Per size: median build seconds, seconds per page, search index bytes per page, and the
    per-page time relative to the previous size."""
    rows = []
    for size in sorted(sizes, key=lambda item: item["pages"]):
        seconds = median(run[key] for run in size["runs"])
        pages = size["pages"]
        rows.append({
            "pages": pages,
            "seconds": seconds,
            "wall_seconds": median(run["wall_s"] for run in size["runs"]),
            "per_page_ms": None if seconds is None else 1000 * seconds / pages,
            "index_per_page": size["search_index_bytes"] / pages,
            "page_html_bytes": size.get("page_html_bytes"),
            "runs": len(size["runs"]),
        })
    for previous, row in zip([None] + rows[:-1], rows, strict=True):
        row["growth"] = ratio(row["per_page_ms"], previous["per_page_ms"]) if previous else None
    return rows


def scaling_ratio(rows: list[dict], large: int = 1000, small: int = 100) -> float | None:
    by_pages = {row["pages"]: row for row in rows}
    if large not in by_pages or small not in by_pages:
        return None
    return ratio(by_pages[large]["per_page_ms"], by_pages[small]["per_page_ms"])


def page_total(page: dict | None) -> int | None:
    return None if page is None else sum(resource["transfer"] for resource in page["resources"])


def resource_path(resource: dict) -> str:
    """A resource's path in the site ("/assets/..."): the same for the full and the baseline
    build, whatever port or prefix each was served on."""
    if resource.get("path"):
        return resource["path"]
    parts = urlsplit(resource["url"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def weight_rows(weight: dict, pages: list[dict]) -> list[dict]:
    """Per built page: bytes loaded (gzip and uncompressed), full build and baseline, and the
    ratio full/baseline of the compressed figures."""
    rows = []
    for page in pages:
        url = page["url"]
        full_gz = page_total(weight["full"]["gzip"].get(url))
        base_gz = page_total(weight["baseline"]["gzip"].get(url))
        rows.append({
            "url": url, "kind": page["kind"],
            "full_gzip": full_gz, "full_plain": page_total(weight["full"]["plain"].get(url)),
            "base_gzip": base_gz, "base_plain": page_total(weight["baseline"]["plain"].get(url)),
            "ratio": ratio(full_gz, base_gz),
            "requests": len(weight["full"]["gzip"][url]["resources"])
            if url in weight["full"]["gzip"] else None,
        })
    return rows


def largest_resources(loads: dict, top: int = 10) -> list[dict]:
    """The largest distinct resources over every page of one build, with how many pages load them."""
    seen: dict[str, dict] = {}
    for page_url, page in loads.items():
        for resource in page["resources"]:
            key = resource_path(resource)
            entry = seen.setdefault(key, {**resource, "path": key, "pages": set()})
            entry["pages"].add(page_url)
    ordered = sorted(seen.values(), key=lambda entry: (-entry["transfer"], entry["path"]))
    return [{**entry, "pages": len(entry["pages"])} for entry in ordered[:top]]


def extra_resources(full_page: dict, base_page: dict) -> list[dict]:
    """What a page of the full build loads beyond the same page in the baseline: resources the
    baseline does not load, and growth of the ones both load (e.g. the HTML), largest first."""
    base = {resource_path(resource): resource["transfer"] for resource in base_page["resources"]}
    extra = []
    for resource in full_page["resources"]:
        path = resource_path(resource)
        grown = resource["transfer"] - base.get(path, 0)
        if grown > 0:
            extra.append({"path": path, "bytes": grown, "new": path not in base})
    return sorted(extra, key=lambda item: (-item["bytes"], item["path"]))


# ---------------------------------------------------------------------------------------------
# Formatting.

def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1000:
        return f"{value:,.0f} B"
    if value < 1_000_000:
        return f"{value / 1000:,.1f} kB"
    return f"{value / 1_000_000:,.2f} MB"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def fmt_s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f} s"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def fmt_score(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100):d}"


def page_label(url: str) -> str:
    return "/" if url == "" else f"/{url}"


def page_link(url: str, sources: dict[str, str | None], report_dir: str = "about") -> str:
    """A Markdown link from this report (docs/about/performance.md) to a built page's source, so
    MkDocs checks it; pages without a source (made by a plugin) are named, not linked."""
    source = sources.get(url)
    if not source:
        return f"`{page_label(url)}`"
    up = "../" * (report_dir.count("/") + 1)
    return f"[`{page_label(url)}`]({up}{source})"


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    align = align or ["left"] + ["right"] * (len(header) - 1)
    marks = {"left": "---", "right": "---:", "center": ":---:"}
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


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
    "aria-progressbar-name": "give the instant-navigation progress bar an accessible name (an "
                             "`aria-label` in an override of `partials/progress.html`)",
    "color-contrast": "darken the flagged text or lighten its background in "
                      "`docs/assets/course.css` (WCAG AA: 4.5:1 for body text)",
    "link-in-text-block": "underline links in running text in `docs/assets/course.css`",
    "errors-in-console": "remove the cause of the console errors (often a request that fails, "
                         "such as a third-party one)",
    "third-party": "serve every script, style, font and API call from the site itself",
    "render-blocking-resources": "inline or defer the styles and scripts that block the first paint",
    "legacy-javascript": "",  # Material's own bundle: nothing for this project to change
    "unused-javascript": "load less JavaScript on this page",
    "largest-contentful-paint": "load fewer bytes before the main text can be drawn",
    "total-blocking-time": "run less JavaScript on load",
    "first-contentful-paint": "load fewer render-blocking bytes",
    "speed-index": "show the first screen of text sooner (fewer bytes before it)",
    "unused-css-rules": "ship less CSS (on labs: the notebook stylesheet)",
    "meta-description": "give the page a `description:` in its front matter",
    "heading-order": "do not skip heading levels",
    "image-alt": "give every image a text alternative",
    "label-content-name-mismatch": "make each control's accessible name contain its visible text",
}
PROFILE_FIXES = {
    "running the examples": "cache the output of `exec` fences between builds, or run fewer or "
                            "lighter examples per page",
    "notebooks (mkdocs-jupyter: execution, conversion, detection)": "execute the labs where their outputs are checked "
                                            "(`make test`, CI) and not in every build, e.g. "
                                            "mkdocs-jupyter's `execute` from an environment "
                                            "variable that `make serve` turns off",
    "git dates": "turn git dates off for local builds (`GIT_DATES=false`)",
    "page templates (Material)": "render less per page (e.g. `navigation.prune`)",
    "print page": "build the print edition only for releases",
}


def weight_fix(path: str, page_url: str) -> str:
    """What would make a resource that the full build adds to a page smaller."""
    if path.endswith("search_index.json"):
        return ("every page loads the whole search index, so each word indexed anywhere weighs on "
                "every page: keep code blocks and printed output out of it (`data-search-exclude`, "
                "as the labs' outputs already are)")
    if path.rstrip("/") == "/" + page_url.rstrip("/"):
        return "the page's own HTML is larger (inline SVG figures, MathML, the questions' markup)"
    if path.endswith(".css"):
        return "fold the small stylesheets into one"
    return "load it only on the pages that use it"


def audit_fix(audit_id: str) -> str:
    return AUDIT_FIXES.get(audit_id, f"see Lighthouse's `{audit_id}` audit")


METRIC_NAMES = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP",
                "total-blocking-time": "TBT", "cumulative-layout-shift": "CLS", "speed-index": "SI"}


def metric_text(run: dict, audit: dict) -> str:
    """e.g. "LCP 2.6 s (score 83)"."""
    value = (run.get("metrics") or {}).get(audit["id"])
    name = METRIC_NAMES.get(audit["id"], audit["title"].rstrip("."))
    if value is None:
        shown = ""
    elif audit["id"] == "cumulative-layout-shift":
        shown = f" {value:.2f}"
    elif audit["id"] == "total-blocking-time":
        shown = f" {value:,.0f} ms"
    else:
        shown = f" {value / 1000:.1f} s"
    return f"{name}{shown} (score {fmt_score(audit['score'])})"


def busy_note(meta: dict | None) -> str:
    """A warning when the machine was busy: simulated mobile throttling scales the CPU time it
    observes, so a loaded machine lowers performance scores."""
    if not meta or meta.get("load_average") is None or not meta.get("cores"):
        return ""
    if meta["load_average"] <= meta["cores"]:
        return ""
    return (f"the machine was busy (load average {meta['load_average']:.1f} on {meta['cores']} "
            "cores), and Lighthouse's simulated mobile CPU scales the time it observes, so re-run "
            "on an idle machine before acting on performance scores")


def lighthouse_target(lighthouse: dict, meta: dict | None = None,
                      page_weight_third_party: list[str] | None = None) -> list[Target]:
    all_runs = lighthouse.get("runs", [])
    runs = [run for run in all_runs if run["build"] == "full"
            and run["preset"] == "mobile" and run["served"] == "gzip"]
    if not runs:
        return [Target("Lighthouse (mobile)", "perf ≥ 95, others 100", "not measured", None)]
    targets = []
    for category in CATEGORIES:
        goal = TARGETS["lighthouse_performance"] if category == "performance" else TARGETS[
            "lighthouse_other"]
        scores = [(run, (run.get("scores") or {}).get(category)) for run in runs]
        measured = ", ".join(f"{KIND_NAMES[run['page_kind']]} {fmt_score(score)}"
                             for run, score in scores)
        failing = [run for run, score in scores if score is None or round(score * 100) < goal]
        why, fixes = [], []
        for run in failing:
            label = f"{KIND_NAMES[run['page_kind']]} ({page_label(run['page'])})"
            if run.get("error"):
                why.append(f"{label}: Lighthouse failed ({run['error']})")
                continue
            failed = [audit for audit in run.get("failed", []) if audit["category"] == category]
            if category == "performance":
                base = find_run(all_runs, "baseline", "mobile", run["page"], "gzip")
                parts = [metric_text(run, audit) for audit in failed]
                savings = run.get("opportunities", [])[:2]
                if savings:
                    parts.append("estimated savings: " + ", ".join(
                        f"{item['title'].rstrip('.').lower()} {item['ms']:,.0f} ms" for item in savings))
                    fixes += [audit_fix(item["id"]) for item in savings]
                text = f"{label} {score_of(run, category)}"
                if base is not None:
                    text += f" (baseline {score_of(base, category)})"
                why.append(text + (": " + "; ".join(parts) if parts else ""))
                fixes += [audit_fix(audit["id"]) for audit in failed]
            else:
                why.append(f"{label}: " + "; ".join(
                    f"{audit['title'].rstrip('.')} (`{audit['id']}`)" for audit in failed[:4]))
                fixes += [audit_fix(audit["id"]) for audit in failed[:4]]
        if category == "performance" and failing and busy_note(meta):
            why.append(busy_note(meta))
        title = "SEO" if category == "seo" else CATEGORY_NAMES[category].lower()
        targets.append(Target(f"Lighthouse {title} (mobile)", f"≥ {goal}" if goal < 100 else "100",
                              measured, not failing, "; ".join(why),
                              "; ".join(dict.fromkeys(fix for fix in fixes if fix))))
    third = sorted({url for run in all_runs if run["build"] == "full"
                    for url in run.get("third_party", [])} | set(page_weight_third_party or []))
    targets.append(Target("Third-party requests (Lighthouse runs and page weight)", "none",
                          str(len(third)) if third else "none", not third,
                          ("requests to " + ", ".join(f"`{host}`" for host in sorted(
                              {urlsplit(url).netloc for url in third}))) if third else "",
                          audit_fix("third-party") if third else ""))
    return targets


def profile_summary(profile: dict | None, top: int = 3) -> str:
    if not profile or not profile.get("categories"):
        return ""
    parts = [f"{name} {seconds:,.1f} s" for name, seconds in profile["categories"][:top]]
    return (f"the profiled full build ({profile['total_s']:,.1f} s) spends most of its time on "
            + ", ".join(parts) + "; the baseline does none of this work")


SCALING_FIXES = {
    "page templates (Material)": "`navigation.prune` keeps only the current section's navigation "
                                 "in each page's HTML",
    "print page": "build the print edition (print-site plugin) only for releases, since it "
                  "reprocesses every page",
    "notebooks (mkdocs-jupyter: execution, conversion, detection)": "mkdocs-jupyter already ignores Markdown "
                                            "pages (`ignore: [\"*.md\"]`); what is left is its "
                                            "check of every other file",
}


def profile_per_page(size: dict) -> list[tuple[str, float]]:
    """A profiled synthetic build's time per category, in milliseconds per page."""
    return [(name, 1000 * seconds / size["pages"]) for name, seconds in
            size["profile"]["categories"]]


def profile_fixes(profile: dict | None, top: int = 3) -> str:
    if not profile or not profile.get("categories"):
        return ""
    fixes = [PROFILE_FIXES[name] for name, _ in profile["categories"][:top] if name in PROFILE_FIXES]
    return "; ".join(fixes)


def evaluate_targets(figures: dict) -> list[Target]:
    targets: list[Target] = []
    builds = figures.get("builds")
    if builds:
        medians = build_medians(builds["runs"])
        for phase, key in (("cold", "cold_ratio"), ("warm", "warm_ratio")):
            value = medians["ratio"][phase]
            met = None if value is None else value <= TARGETS[key]
            why = "" if met else profile_summary(builds.get("profile"))
            fix = "" if met else profile_fixes(builds.get("profile"))
            if phase == "warm" and not met and targets and targets[-1].met is False:
                cold, warm = medians["full"]["cold"], medians["full"]["warm"]
                why = (f"the warm build takes about as long as the cold one ({fmt_s(warm)} against "
                       f"{fmt_s(cold)}): the same work is done again, nothing is reused"
                       if warm >= 0.9 * cold else
                       f"the same work as the cold build, less what is reused ({fmt_s(warm)} "
                       f"against {fmt_s(cold)})")
                fix = "as above"
            targets.append(Target(
                f"{phase.capitalize()} build, full ÷ baseline", f"≤ {TARGETS[key]}×",
                f"{fmt_ratio(value)} ({fmt_s(medians['full'][phase])} ÷ "
                f"{fmt_s(medians['baseline'][phase])})", met, why, fix))
    reload = figures.get("reload")
    if reload:
        # `make serve` runs `mkdocs serve --dirty --no-strict`: a save rebuilds the changed page only.
        value = median(sample["seconds"] for sample in reload.get("dirty_samples", []))
        met = None if value is None else value <= TARGETS["reload_seconds"]
        why = fix = ""
        if met is False:
            why = "even a dirty rebuild of one page takes this long on this machine"
            fix = "run fewer or lighter examples on the page being edited"
        targets.append(Target("Edit to reload (`make serve`)", f"≤ {TARGETS['reload_seconds']:.0f} s",
                              fmt_s(value), met, why, fix))
    scaling = figures.get("scaling")
    if scaling:
        rows = scaling_rows(scaling["sizes"])
        value = scaling_ratio(rows)
        met = None if value is None else value <= TARGETS["scaling_ratio"]
        why = fix = ""
        if met is False:
            by_pages = {row["pages"]: row for row in rows}
            html_small = by_pages[100].get("page_html_bytes")
            html_large = by_pages[1000].get("page_html_bytes")
            reasons = []
            if html_small and html_large and html_large > 1.5 * html_small:
                reasons.append(
                    f"every page's HTML grows with the site ({fmt_bytes(html_small)} per page at "
                    f"100 pages, {fmt_bytes(html_large)} at 1,000), because Material writes the "
                    "whole navigation into every page")
            profiled = next((size for size in scaling["sizes"] if size.get("profile")), None)
            if profiled:
                per_page = [item for item in profile_per_page(profiled) if item[0] != "other"]
                reasons.append(f"at {profiled['pages']:,} pages (profiled) a page costs " + ", ".join(
                    f"{ms:,.0f} ms in {name}" for name, ms in per_page[:3]))
                fix = "; ".join(SCALING_FIXES[name] for name, _ in per_page[:3]
                                if name in SCALING_FIXES)
            why = "; ".join(reasons)
        targets.append(Target("Build time per page, 1,000 ÷ 100 pages",
                              f"≤ {TARGETS['scaling_ratio']}×", fmt_ratio(value), met, why, fix))
    weight = figures.get("weight")
    if weight:
        rows = [row for row in weight_rows(weight, figures["pages"]) if row["kind"] == "concept"]
        measured_rows = [row for row in rows if row["ratio"] is not None]
        if measured_rows:
            worst = max(measured_rows, key=lambda row: row["ratio"])
            met = worst["ratio"] <= TARGETS["weight_ratio"]
            why = ""
            if not met:
                extra = extra_resources(weight["full"]["gzip"][worst["url"]],
                                        weight["baseline"]["gzip"][worst["url"]])
                why = (f"`{page_label(worst['url'])}` loads {fmt_bytes(worst['full_gzip'])} against "
                       f"{fmt_bytes(worst['base_gzip'])}; the difference is mostly " + ", ".join(
                           f"`{item['path']}` ({fmt_bytes(item['bytes'])}"
                           f"{', not in the baseline' if item['new'] else ' more'})"
                           for item in extra[:4]))
                fixes = [weight_fix(item["path"], worst["url"]) for item in extra[:4]]
            targets.append(Target(
                "Concept page weight, full ÷ baseline (gzip)", f"≤ {TARGETS['weight_ratio']}×",
                f"at most {fmt_ratio(worst['ratio'])} ({len(measured_rows)} pages, median "
                f"{fmt_ratio(median(row['ratio'] for row in measured_rows))})", met, why,
                "" if met else "; ".join(dict.fromkeys(fix for fix in fixes if fix))))
        else:
            targets.append(Target("Concept page weight, full ÷ baseline (gzip)",
                                  f"≤ {TARGETS['weight_ratio']}×", "no concept pages", None))
    if figures.get("lighthouse"):
        targets += lighthouse_target(figures["lighthouse"], figures.get("meta"),
                                     (figures.get("weight") or {}).get("third_party"))
    return targets


def verdict(met: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[met]


# ---------------------------------------------------------------------------------------------
# The report.

def render_report(figures: dict) -> str:
    meta = figures["meta"]
    out = [
        "---",
        "description: How fast the course site builds, reloads and loads, measured against a "
        "plain Material site built from the same pages.",
        "---",
        "",
        "# Performance { #performance }",
        "",
        "How much the course's machinery (examples run at build time, notebooks, math rendered to "
        "MathML, check-yourself questions, git dates, the print edition) costs, measured against a "
        "plain Material site built from the same `docs/` (search only, none of the above). "
        "This page is generated by `make bench` (`scripts/bench.py`); the raw figures are in "
        "[performance.json](performance.json).",
        "",
        f"Measured on {meta['date']} at commit `{meta['commit']}`"
        + (" (with uncommitted changes)" if meta.get("dirty") else "")
        + f", on {meta['machine']}"
        + (f", load average {meta['load_average']:.1f} at the start" if meta.get("load_average")
           is not None else "")
        + ". Absolute times depend on the machine and on what else it is doing; the ratios come "
        "from alternating runs and are steadier. The whole benchmark took "
        f"{meta['duration_s'] / 60:.1f} minutes.",
        "",
    ]
    out += render_targets(figures)
    out += render_builds(figures.get("builds"))
    out += render_reload(figures.get("reload"))
    out += render_scaling(figures.get("scaling"))
    out += render_weight(figures.get("weight"), figures.get("pages", []))
    out += render_lighthouse(figures.get("lighthouse"),
                             {page["url"]: page.get("src") for page in figures.get("pages", [])})
    out += render_method(meta)
    return "\n".join(out).rstrip() + "\n"


def render_targets(figures: dict) -> list[str]:
    targets = evaluate_targets(figures)
    met = sum(target.met is True for target in targets)
    missed = [target for target in targets if target.met is False]
    out = ["## Targets { #targets }", "",
           f"{met} of {len(targets)} targets met"
           + (f", {len(missed)} missed." if missed else ".") + " Lighthouse figures are for the "
           "mobile preset, with the site served gzip-compressed as real hosting serves it.", ""]
    out += table(["Target", "Goal", "Measured", "Result"],
                 [[target.name, target.goal, target.measured, verdict(target.met)]
                  for target in targets], ["left", "left", "left", "left"])
    out.append("")
    # Every heading is always there (its id is a stable link target), whatever the figures say.
    out += ["### Why, and what would fix it { #missed-targets }", ""]
    for target in missed:
        line = f"- **{target.name}.**"
        if target.why:
            line += f" Why: {target.why}."
        if target.fix:
            line += f" Fix: {target.fix}."
        out.append(line)
    if not missed:
        out.append("Every measured target was met.")
    out.append("")
    return out


def render_builds(builds: dict | None) -> list[str]:
    if not builds:
        return []
    wall = build_medians(builds["runs"])
    own = build_medians(builds["runs"], "mkdocs_s")
    reps = len([run for run in builds["runs"] if run["config"] == "full" and run["phase"] == "cold"])
    out = ["## Build cost { #build-cost }", "",
           f"The same `docs/` built with the project's `mkdocs.yml` (full) and with "
           f"`scripts/bench/baseline.yml` (plain Material), {plural(reps, 'run')} of each, "
           "alternating. "
           "*Cold*: a fresh copy of the project, so no `__pycache__` and no notebook cache, into a "
           "new site directory. *Warm*: the same build again, into the same directory. Medians of "
           "wall-clock time, which includes starting Python and loading the configuration; MkDocs' "
           "own \"built in\" time is beside it.", ""]
    rows = []
    for phase in ("cold", "warm"):
        rows.append([phase.capitalize(), fmt_s(wall["full"][phase]), fmt_s(wall["baseline"][phase]),
                     fmt_ratio(wall["ratio"][phase]), fmt_s(own["full"][phase]),
                     fmt_s(own["baseline"][phase]), fmt_ratio(own["ratio"][phase])])
    out += table(["Build", "Full", "Baseline", "Ratio", "Full (MkDocs)", "Baseline (MkDocs)",
                  "Ratio (MkDocs)"], rows)
    out.append("")
    profile = builds.get("profile")
    out += ["### Where the full build's time goes { #build-profile }", ""]
    if profile and profile.get("categories"):
        out += [f"One warm full build under Python's profiler ({fmt_s(profile['total_s'], 1)} "
                "with the profiler's overhead), its own time grouped by what the code does:", ""]
        total = sum(seconds for _, seconds in profile["categories"]) or 1
        out += table(["Work", "Seconds", "Share"],
                     [[name, f"{seconds:,.1f}", f"{100 * seconds / total:.0f}%"]
                      for name, seconds in profile["categories"]])
    else:
        out.append("Not profiled in this run.")
    out.append("")
    return out


def render_reload(reload: dict | None) -> list[str]:
    if not reload:
        return []
    samples = [sample["seconds"] for sample in reload["samples"]]
    out = ["## Edit to reload { #edit-to-reload }", "",
           f"Plain `mkdocs serve`, which rebuilds the whole site on every save, on a free local port. "
           "Each save appends a line "
           f"to `docs/{reload['page']}` or takes it out again (the page is restored byte for byte "
           "afterwards); the clock runs from the save until the served page shows the change "
           "(polled every 20 ms). "
           f"{plural(len(samples), 'save')}: median **{fmt_s(median(samples))}**, fastest "
           f"{fmt_s(min(samples) if samples else None)}, slowest "
           f"{fmt_s(max(samples) if samples else None)}.", ""]
    done = [sample["build_done_s"] for sample in reload["samples"] if sample.get("build_done_s")]
    if done:
        out += ["The open browser tab reloads itself when the whole rebuild has finished (MkDocs' "
                f"live reload): median {fmt_s(median(done))} after the save.", ""]
    dirty = [sample["seconds"] for sample in reload.get("dirty_samples", [])]
    if dirty:
        out += [f"`make serve` runs `mkdocs serve --dirty --no-strict`, which rebuilds only the changed "
                f"page (strictness stays in `make build` and `make test`): {plural(len(dirty), 'save')}, "
                f"median **{fmt_s(median(dirty))}**. This is the figure the target is about.", ""]
    if reload.get("timeouts"):
        out += [f"{reload['timeouts']} saves did not show within {reload['timeout_s']:.0f} s "
                "and are left out.", ""]
    return out


def render_scaling(scaling: dict | None) -> list[str]:
    if not scaling:
        return []
    rows = scaling_rows(scaling["sizes"])
    value = scaling_ratio(rows)
    grows = value is not None and value > 1.1
    out = ["## Scaling { #scaling }", "",
           "Synthetic sites of generated concept pages, each with about 450 words of prose, a "
           "snippet include, inline and display math, and a check-yourself question, built with "
           "the project's configuration (hooks, extensions, theme) and a generated navigation of "
           "sections of 10 pages (parts of 10 sections past 100 pages). Git dates are off: "
           "generated pages have no history. Time is MkDocs' own \"built in\" figure (median), so "
           "that starting Python does not hide how the per-page cost changes.", ""]
    out += table(["Pages", "Build", "Per page", "Per page vs previous size", "Search index per page",
                  "HTML per page", "Runs"],
                 [[f"{row['pages']:,}", fmt_s(row["seconds"]),
                   "—" if row["per_page_ms"] is None else f"{row['per_page_ms']:,.1f} ms",
                   fmt_ratio(row["growth"]), fmt_bytes(row["index_per_page"]),
                   fmt_bytes(row["page_html_bytes"]), str(row["runs"])] for row in rows])
    out.append("")
    if value is not None:
        out += [("Build time per page **grows** with the site: " if grows else
                 "Build time per page **does not grow** much with the site: ")
                + f"at 1,000 pages it is {fmt_ratio(value)} its value at 100 pages (target "
                f"≤ {TARGETS['scaling_ratio']}×). The search index per page stays about the same "
                "size, since each page adds its own text.", ""]
    profiled = next((size for size in scaling["sizes"] if size.get("profile")), None)
    out += ["### Where a page's build time goes { #scaling-profile }", ""]
    if profiled:
        out += [f"The {profiled['pages']:,}-page site built once more under Python's profiler "
                "(which slows it down), its time grouped by what the code does and divided by the "
                "number of pages:", ""]
        out += table(["Work", "Per page"], [[name, f"{ms:,.1f} ms"]
                                             for name, ms in profile_per_page(profiled)])
    else:
        out.append("Not profiled in this run.")
    out.append("")
    return out


def render_weight(weight: dict | None, pages: list[dict]) -> list[str]:
    if not weight:
        return []
    rows = weight_rows(weight, pages)
    sources = {page["url"]: page.get("src") for page in pages}
    out = ["## Page weight { #page-weight }", "",
           "Bytes the browser transfers when a page opens in a fresh browser (every resource, as "
           "Chromium's Resource Timing counts them, until the network is idle), served "
           "gzip-compressed as real hosting serves it, and uncompressed beside it. The baseline "
           "has no lab pages.", ""]
    out += table(["Page", "Kind", "Requests", "Full (gzip)", "Baseline (gzip)", "Ratio",
                  "Full (uncompressed)", "Baseline (uncompressed)"],
                 [[page_link(row["url"], sources), KIND_NAMES[row["kind"]],
                   "—" if row["requests"] is None else str(row["requests"]),
                   fmt_bytes(row["full_gzip"]), fmt_bytes(row["base_gzip"]), fmt_ratio(row["ratio"]),
                   fmt_bytes(row["full_plain"]), fmt_bytes(row["base_plain"])] for row in rows],
                 ["left", "left"] + ["right"] * 6)
    out.append("")
    for build, title, anchor in (("full", "full build", "largest-resources"),
                                 ("baseline", "baseline", "largest-resources-baseline")):
        largest = largest_resources(weight[build]["gzip"], top=10 if build == "full" else 5)
        plain = {resource_path(resource): resource["transfer"]
                 for page in weight[build]["plain"].values() for resource in page["resources"]}
        out += [f"### Largest resources, {title} {{ #{anchor} }}", ""]
        out += table(["Resource", "Type", "Gzip", "Uncompressed", "Pages that load it"],
                     [[f"`{entry['path']}`", entry["type"], fmt_bytes(entry["transfer"]),
                       fmt_bytes(plain.get(entry["path"])), str(entry["pages"])]
                      for entry in largest], ["left", "left", "right", "right", "right"])
        out.append("")
    third = weight.get("third_party", [])
    out += [("Requests that left the local server: " + ", ".join(f"`{url}`" for url in third) + ".")
            if third else "No request left the local server.", ""]
    return out


def render_lighthouse(lighthouse: dict | None, sources: dict[str, str | None]) -> list[str]:
    if not lighthouse:
        return []
    runs = lighthouse["runs"]
    out = ["## Load speed (Lighthouse) { #load-speed }", "",
           f"Lighthouse {lighthouse.get('version', '')} with Chromium, on the landing page, the "
           "concept page with the most formulas, and a lab. Mobile uses Lighthouse's default "
           "simulated throttling (a slow 4G connection and a 4× slower CPU); desktop uses "
           "`--preset=desktop`. Scores are out of 100; each cell is the full build, with the "
           "baseline after the slash.", ""]
    if lighthouse.get("lab_missing"):
        out += ["The site has no lab page yet, so there is no lab row.", ""]
    index = median(run.get("benchmark_index") for run in runs)
    if index is not None:
        out += [f"Lighthouse's own measure of this machine's CPU speed during the runs (its "
                f"benchmark index, higher is faster): median {index:,.0f}. Mobile performance "
                "scores fall when the machine is busy, since the simulated slow phone is scaled "
                "from the CPU time Lighthouse observes.", ""]
    pages = []
    for run in runs:
        if (run["page"], run["page_kind"]) not in pages:
            pages.append((run["page"], run["page_kind"]))
    for preset in ("mobile", "desktop"):
        rows = []
        for url, kind in pages:
            full = find_run(runs, "full", preset, url, "gzip")
            base = find_run(runs, "baseline", preset, url, "gzip")
            if full is None:
                continue
            cells = [f"{page_link(url, sources)} ({KIND_NAMES[kind]})"]
            for category in CATEGORIES:
                cells.append(f"{score_of(full, category)} / {score_of(base, category)}")
            cells.append(f"{metric(full, 'largest-contentful-paint')} / "
                         f"{metric(base, 'largest-contentful-paint')}")
            cells.append(f"{fmt_bytes(full.get('bytes'))} / {fmt_bytes(base.get('bytes') if base else None)}")
            rows.append(cells)
        if rows:
            out += [f"### {preset.capitalize()} {{ #lighthouse-{preset} }}", ""]
            out += table(["Page", "Performance", "Accessibility", "Best practices", "SEO", "LCP",
                          "Bytes"], rows, ["left"] + ["right"] * 6)
            out.append("")
    plain = [run for run in runs if run["served"] == "plain"]
    out += ["### Served uncompressed { #lighthouse-uncompressed }", ""]
    if plain:
        out += ["The concept page again (full build, mobile), served without compression, as "
                "`python -m http.server` would: what a reader would never see, and why the "
                "headline figures are measured compressed.", ""]
        out += table(["Page", "Performance (gzip)", "Performance (uncompressed)", "LCP (gzip)",
                      "LCP (uncompressed)", "Bytes (gzip)", "Bytes (uncompressed)"],
                     [[page_link(run["page"], sources),
                       score_of(find_run(runs, "full", "mobile", run["page"], "gzip"), "performance"),
                       score_of(run, "performance"),
                       metric(find_run(runs, "full", "mobile", run["page"], "gzip"),
                              "largest-contentful-paint"),
                       metric(run, "largest-contentful-paint"),
                       fmt_bytes((find_run(runs, "full", "mobile", run["page"], "gzip") or {})
                                 .get("bytes")),
                       fmt_bytes(run.get("bytes"))] for run in plain])
    else:
        out.append("Not measured in this run (`--quick`).")
    out.append("")
    failed = sorted({(audit["id"], audit["title"]) for run in runs if run["build"] == "full"
                     for audit in run.get("failed", [])})
    if failed:
        out += ["Audits that did not pass on some page of the full build: " + "; ".join(
            f"{title.rstrip('.')} (`{audit_id}`)" for audit_id, title in failed) + ".", ""]
    errors = [run for run in runs if run.get("error")]
    for run in errors:
        out += [f"Lighthouse failed on {page_label(run['page'])} ({run['build']}, {run['preset']}): "
                f"{run['error']}.", ""]
    return out


def find_run(runs: list[dict], build: str, preset: str, url: str, served: str) -> dict | None:
    return next((run for run in runs if run["build"] == build and run["preset"] == preset
                 and run["page"] == url and run["served"] == served), None)


def score_of(run: dict | None, category: str) -> str:
    if run is None or run.get("error"):
        return "—"
    return fmt_score((run.get("scores") or {}).get(category))


def metric(run: dict | None, name: str) -> str:
    if run is None or run.get("error") or name not in (run.get("metrics") or {}):
        return "—"
    return fmt_s(run["metrics"][name] / 1000, 1)


def render_method(meta: dict) -> list[str]:
    versions = meta.get("versions", {})
    out = ["## How it was measured { #method }", "",
           "Run `make bench` (about ten minutes on two cores; it is not part of `make test`). "
           "It installs Lighthouse from `scripts/bench/package-lock.json` on first use and "
           "uses Debian's Chromium from `make browser`.", "",
           "- Everything is built from a snapshot of the project taken when the benchmark starts, "
           "so edits made meanwhile do not disturb it, and nothing in the working tree but this "
           "page and its JSON is written to.",
           "- Pages are served by a small static server in the benchmark, on 127.0.0.1, with "
           "HTTP keep-alive and gzip for text (as GitHub Pages and CDNs do); the uncompressed "
           "figures come from the same server with compression off.",
           "- Page weight: Playwright drives Chromium, one fresh browser context per page, and "
           "sums the transfer sizes of the navigation and every resource (Resource Timing), "
           "plus any request the page's workers make.",
           "- Lighthouse runs once per page and preset; scores move by a few points between runs.",
           ""]
    if versions:
        out += ["Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items())
                + ".", ""]
    return out
