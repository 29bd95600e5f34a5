"""The benchmark's pure pieces (scripts/bench_*.py): its arithmetic, its verdicts on the targets,
the report it renders, the synthetic sites it builds, the profile grouping and the static server.
Nothing here times anything; `make bench` does the measuring."""

from __future__ import annotations

import gzip
import re
import sys
import urllib.request

import pytest

from conftest import REPO, mkdocs_build

sys.path.insert(0, str(REPO / "scripts"))

import bench_profile  # noqa: E402
import bench_report  # noqa: E402
import bench_sites  # noqa: E402
from bench_server import StaticServer, resolve  # noqa: E402

# ---------------------------------------------------------------------------------------------
# A fixture of raw figures, in the shape scripts/bench.py saves to performance.json.

PAGES = [
    {"url": "", "src": "index.md", "kind": "landing", "math": 1, "html_bytes": 30_000},
    {"url": "part-001/page-0001/", "src": "part-001/page-0001.md", "kind": "concept", "math": 5,
     "html_bytes": 40_000},
    {"url": "part-001/page-0002/", "src": "part-001/page-0002.md", "kind": "concept", "math": 9,
     "html_bytes": 41_000},
    {"url": "print_page/", "src": None, "kind": "other", "math": 14, "html_bytes": 90_000},
]


def resources(*sizes):
    return {"resources": [{"url": f"http://127.0.0.1:1/{name}", "type": "other", "transfer": size,
                           "encoded": size, "decoded": size} for name, size in sizes]}


def builds(full_cold, full_warm, base_cold, base_warm):
    runs = []
    for rep in range(len(full_cold)):
        runs += [
            {"config": "full", "phase": "cold", "rep": rep, "wall_s": full_cold[rep], "mkdocs_s": 1.0},
            {"config": "full", "phase": "warm", "rep": rep, "wall_s": full_warm[rep], "mkdocs_s": 1.0},
            {"config": "baseline", "phase": "cold", "rep": rep, "wall_s": base_cold[rep],
             "mkdocs_s": 0.5},
            {"config": "baseline", "phase": "warm", "rep": rep, "wall_s": base_warm[rep],
             "mkdocs_s": 0.5},
        ]
    return runs


def lighthouse_run(build, preset, url, kind, performance, accessibility=1.0, served="gzip"):
    failed = [] if accessibility == 1.0 else [
        {"id": "aria-dialog-name", "title": "Dialogs have no name", "score": 0,
         "category": "accessibility"}]
    return {"build": build, "preset": preset, "page": url, "page_kind": kind, "served": served,
            "scores": {"performance": performance, "accessibility": accessibility,
                       "best-practices": 1.0, "seo": 1.0},
            "metrics": {"largest-contentful-paint": 1500.0}, "bytes": 70_000, "failed": failed,
            "opportunities": [], "third_party": []}


@pytest.fixture
def figures():
    return {
        "meta": {"date": "2025-01-01 12:00 UTC", "commit": "abc1234", "dirty": False,
                 "machine": "2 cores", "versions": {"MkDocs": "1.6.1"}, "duration_s": 540.0},
        "pages": PAGES,
        # Cold: full median 11, baseline median 5 -> 2.2x (met, <= 2.5).
        # Warm: full median 8, baseline median 5 -> 1.6x (missed, > 1.3).
        "builds": {"runs": builds([10, 12, 11], [8, 9, 7], [4, 5, 6], [5, 5, 4]),
                   "profile": {"total_s": 20.0, "wall_s": 21.0,
                               "categories": [["running the examples", 12.0],
                                              ["page templates (Material)", 5.0], ["other", 3.0]]}},
        # Saves of 1.0, 3.0, 2.5, 1.5 s: median (1.5 + 2.5) / 2 = 2.0 s, which meets <= 2 s.
        "reload": {"page": "part-001/page-0002.md", "timeouts": 0, "timeout_s": 60,
                   "samples": [{"kind": "edit", "seconds": 1.0}, {"kind": "revert", "seconds": 3.0},
                               {"kind": "edit", "seconds": 2.5}, {"kind": "revert", "seconds": 1.5}],
                   "dirty_samples": [{"kind": "edit", "seconds": 0.4}]},
        # 100 pages: median 2.5 s -> 25 ms a page; 1,000 pages: 45 s -> 45 ms; 45 / 25 = 1.8x (missed).
        "scaling": {"sizes": [
            {"pages": 10, "runs": [{"wall_s": 2.0, "mkdocs_s": 0.4}], "search_index_bytes": 37_000,
             "page_html_bytes": 30_000},
            {"pages": 100, "runs": [{"wall_s": 3.0, "mkdocs_s": 2.0}, {"wall_s": 4.0, "mkdocs_s": 3.0},
                                    {"wall_s": 3.5, "mkdocs_s": 2.5}],
             "search_index_bytes": 370_000, "page_html_bytes": 60_000,
             # 1.2 s of templates over 100 pages = 12 ms a page; 0.8 s of print page = 8 ms.
             "profile": {"total_s": 2.6, "categories": [["page templates (Material)", 1.2],
                                                        ["print page", 0.8], ["other", 0.6]]}},
            {"pages": 1000, "runs": [{"wall_s": 46.0, "mkdocs_s": 45.0}],
             "search_index_bytes": 3_700_000, "page_html_bytes": 430_000}]},
        # Page 1: 1000 + 300 = 1300 against 1000 -> 1.3x; page 2: 1100 against 1000 -> 1.1x.
        "weight": {
            "full": {
                "gzip": {"": resources(("index.html", 900), ("main.css", 500)),
                         "part-001/page-0001/": resources(("p1.html", 1000), ("quiz.js", 300)),
                         "part-001/page-0002/": resources(("p2.html", 1100)),
                         "print_page/": resources(("print.html", 5000))},
                "plain": {"": resources(("index.html", 3000)),
                          "part-001/page-0001/": resources(("p1.html", 4000)),
                          "part-001/page-0002/": resources(("p2.html", 4400))}},
            "baseline": {
                "gzip": {"": resources(("index.html", 800)),
                         "part-001/page-0001/": resources(("p1.html", 1000)),
                         "part-001/page-0002/": resources(("p2.html", 1000))},
                "plain": {"": resources(("index.html", 2800)),
                          "part-001/page-0001/": resources(("p1.html", 3900)),
                          "part-001/page-0002/": resources(("p2.html", 3900))}},
            "third_party": []},
        "lighthouse": {"version": "12.2.3", "lab_missing": True, "runs": [
            lighthouse_run("full", "mobile", "", "landing", 0.98),
            lighthouse_run("baseline", "mobile", "", "landing", 0.99),
            lighthouse_run("full", "mobile", "part-001/page-0002/", "concept", 0.96, 0.92),
            lighthouse_run("baseline", "mobile", "part-001/page-0002/", "concept", 0.99),
            lighthouse_run("full", "desktop", "", "landing", 1.0),
            lighthouse_run("full", "mobile", "part-001/page-0002/", "concept", 0.80, served="plain"),
        ]},
    }


# ---------------------------------------------------------------------------------------------
# Arithmetic.

def test_median_and_ratio():
    assert bench_report.median([3, 1, 2]) == 2
    assert bench_report.median([1, 2, 9]) == 2  # a median, not the mean (4)
    assert bench_report.median([4, 1, 3, 2]) == 2.5  # (2 + 3) / 2
    assert bench_report.median([None, 5]) == 5
    assert bench_report.median([]) is None
    assert bench_report.ratio(3.0, 2.0) == 1.5
    assert bench_report.ratio(3.0, 0) is None and bench_report.ratio(None, 2.0) is None


def test_build_medians_pair_the_configs_by_phase(figures):
    medians = bench_report.build_medians(figures["builds"]["runs"])
    assert medians["full"] == {"cold": 11, "warm": 8}
    assert medians["baseline"] == {"cold": 5, "warm": 5}
    assert medians["ratio"]["cold"] == pytest.approx(2.2)  # 11 / 5
    assert medians["ratio"]["warm"] == pytest.approx(1.6)  # 8 / 5
    own = bench_report.build_medians(figures["builds"]["runs"], "mkdocs_s")
    assert own["ratio"]["cold"] == pytest.approx(2.0)  # 1.0 / 0.5


def test_scaling_rows_give_time_and_index_per_page(figures):
    rows = bench_report.scaling_rows(figures["scaling"]["sizes"])
    assert [row["pages"] for row in rows] == [10, 100, 1000]
    assert rows[1]["per_page_ms"] == pytest.approx(25.0)  # median 2.5 s / 100 pages
    assert rows[2]["per_page_ms"] == pytest.approx(45.0)  # 45 s / 1,000 pages
    assert rows[0]["per_page_ms"] == pytest.approx(40.0)  # 0.4 s / 10 pages
    assert rows[1]["growth"] == pytest.approx(25 / 40)
    assert rows[2]["index_per_page"] == pytest.approx(3_700)
    assert bench_report.scaling_ratio(rows) == pytest.approx(1.8)  # 45 / 25
    assert bench_report.scaling_ratio(rows[:2]) is None  # no 1,000-page site measured


def test_page_weight_sums_and_compares_with_the_baseline(figures):
    rows = {row["url"]: row for row in bench_report.weight_rows(figures["weight"], figures["pages"])}
    assert rows["part-001/page-0001/"]["full_gzip"] == 1300  # 1000 + 300
    assert rows["part-001/page-0001/"]["ratio"] == pytest.approx(1.3)
    assert rows["part-001/page-0002/"]["ratio"] == pytest.approx(1.1)
    assert rows["print_page/"]["base_gzip"] is None and rows["print_page/"]["ratio"] is None
    extra = bench_report.extra_resources(figures["weight"]["full"]["gzip"]["part-001/page-0001/"],
                                         figures["weight"]["baseline"]["gzip"]["part-001/page-0001/"])
    assert extra == [{"path": "/quiz.js", "bytes": 300, "new": True}]
    largest = bench_report.largest_resources(figures["weight"]["full"]["gzip"], top=2)
    assert [entry["path"] for entry in largest] == ["/print.html", "/p2.html"]


def test_bytes_and_scores_are_formatted_for_people():
    assert bench_report.fmt_bytes(999) == "999 B"
    assert bench_report.fmt_bytes(66_101) == "66.1 kB"
    assert bench_report.fmt_bytes(1_173_203) == "1.17 MB"
    assert bench_report.fmt_score(0.955) == "96" and bench_report.fmt_score(None) == "—"
    assert bench_report.fmt_ratio(1.254) == "1.25×"


# ---------------------------------------------------------------------------------------------
# Verdicts.

def test_targets_are_met_or_missed_as_the_figures_say(figures):
    verdicts = {target.name: target for target in bench_report.evaluate_targets(figures)}
    assert verdicts["Cold build, full ÷ baseline"].met is True  # 2.2 <= 2.5
    assert verdicts["Warm build, full ÷ baseline"].met is False  # 1.6 > 1.3
    assert "running the examples 12.0 s" in verdicts["Warm build, full ÷ baseline"].why
    assert verdicts["Edit to reload (`make serve`)"].met is True  # median 2.0 <= 2
    assert verdicts["Build time per page, 1,000 ÷ 100 pages"].met is False  # 1.8 > 1.5
    scaling = verdicts["Build time per page, 1,000 ÷ 100 pages"]
    assert "60.0 kB per page at 100 pages, 430.0 kB at 1,000" in scaling.why
    assert "12 ms in page templates (Material), 8 ms in print page" in scaling.why
    assert "navigation.prune" in scaling.fix and "print edition" in scaling.fix
    weight = verdicts["Concept page weight, full ÷ baseline (gzip)"]
    assert weight.met is False  # page 1 at 1.3 > 1.25
    assert "/quiz.js" in weight.why
    assert verdicts["Lighthouse performance (mobile)"].met is True  # 98 and 96 >= 95
    accessibility = verdicts["Lighthouse accessibility (mobile)"]
    assert accessibility.met is False and "aria-dialog-name" in accessibility.why
    assert verdicts["Third-party requests (Lighthouse runs and page weight)"].met is True


def test_reload_target_is_judged_on_what_make_serve_runs(figures):
    """make serve is `mkdocs serve --dirty`: the dirty samples decide, not the full rebuilds."""
    figures["reload"]["samples"] = [{"kind": "edit", "seconds": 9.0}, {"kind": "revert", "seconds": 8.0}]
    verdicts = {target.name: target for target in bench_report.evaluate_targets(figures)}
    assert verdicts["Edit to reload (`make serve`)"].met is True
    figures["reload"]["dirty_samples"] = [{"kind": "edit", "seconds": 3.0}, {"kind": "revert", "seconds": 2.5}]
    reload = {target.name: target for target in bench_report.evaluate_targets(figures)}["Edit to reload (`make serve`)"]
    assert reload.met is False and "2.75 s" in reload.measured  # (3 + 2.5) / 2


def test_a_third_party_request_misses_its_target(figures):
    figures["lighthouse"]["runs"][0]["third_party"] = ["https://api.github.com/repos/x/y"]
    verdicts = {target.name: target for target in bench_report.evaluate_targets(figures)}
    third = verdicts["Third-party requests (Lighthouse runs and page weight)"]
    assert third.met is False and "api.github.com" in third.why


# ---------------------------------------------------------------------------------------------
# The report.

def test_report_states_each_target_and_has_stable_heading_ids(figures):
    report = bench_report.render_report(figures)
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings[0] == "# Performance { #performance }"
    assert all(re.search(r"\{ #[a-z0-9-]+ \}$", heading) for heading in headings), headings
    ids = re.findall(r"\{ #([a-z0-9-]+) \}", report)
    assert len(ids) == len(set(ids))
    assert report.count("**missed**") == 4  # warm build, scaling, page weight, accessibility
    assert "no lab page yet" in report
    assert "$" not in report  # dollar signs would be read as math
    # Links go to Markdown sources (so MkDocs checks them); a plugin-made page is not linked.
    assert "[`/part-001/page-0002/`](../part-001/page-0002.md)" in report
    assert "`/print_page/`" in report and "(../print_page" not in report


def test_generated_pages_and_the_report_build_strictly_with_the_project_config(figures, tmp_path):
    """A synthetic site of 3 pages plus a landing page and the rendered report, built with
    `mkdocs build --strict` and the project's mkdocs.yml: the generator's pages are valid
    (quiz, math, snippet include) and the report's headings and links resolve."""
    config = bench_sites.write_synthetic_site(tmp_path / "site-src", 3, REPO)
    docs = config.parent / "docs"
    (docs / "index.md").write_text("# Home { #home }\n\nA landing page.\n")
    (docs / "about").mkdir()
    (docs / "about" / "performance.md").write_text(bench_report.render_report(figures))
    (docs / "about" / "performance.json").write_text("{}\n")
    config.write_text(config.read_text() + "  - index.md\n  - about/performance.md\n")
    result = mkdocs_build(config, tmp_path / "site", GIT_DATES="false")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))], output
    built = (tmp_path / "site" / "part-001" / "page-0002" / "index.html").read_text()
    assert "<math" in built and 'class="quiz"' in built and "sequence_probability" in built
    report = (tmp_path / "site" / "about" / "performance" / "index.html").read_text()
    assert 'id="targets"' in report and 'href="../../part-001/page-0002/"' in report


# ---------------------------------------------------------------------------------------------
# Synthetic sites and built pages.

@pytest.mark.parametrize("n_pages", [10, 100, 1000])
def test_synthetic_site_has_n_pages_of_the_stated_kind(tmp_path, n_pages):
    config = bench_sites.write_synthetic_site(tmp_path, n_pages, REPO)
    pages = sorted((tmp_path / "docs").glob("part-*/page-*.md"))
    assert len(pages) == n_pages
    nav = bench_sites.nav_pages(bench_sites.synthetic_nav(n_pages))
    assert nav == [page.relative_to(tmp_path / "docs").as_posix() for page in pages]
    assert config.read_text().count(".md") == n_pages
    for page in (pages[0], pages[-1]):
        text = page.read_text()
        assert f'--8<-- "snippets/{bench_sites.SYNTHETIC_SNIPPET}:sequence_probability"' in text
        assert "$$" in text and "\\( " in text  # display and inline math
        assert text.count("```quiz") == 1 and text.count("- [x]") == 1 and text.count("- [ ]") == 2
        assert 300 <= len(re.findall(r"[A-Za-z]+", text)) <= 900
    assert (tmp_path / "snippets" / bench_sites.SYNTHETIC_SNIPPET).is_file()


def test_nav_is_nested_past_100_pages():
    assert len(bench_sites.synthetic_nav(100)) == 10  # 10 sections of 10
    parts = bench_sites.synthetic_nav(1000)
    assert len(parts) == 10 and all(len(sections) == 10 for _, sections in parts)  # 10 x 10 x 10
    assert len(bench_sites.synthetic_nav(25)) == 3  # 10 + 10 + 5


def test_built_pages_are_classified(tmp_path):
    site, docs = tmp_path / "site", tmp_path / "docs"
    files = {
        "index.html": "<h1>Home</h1><math></math>",
        "sft/objective/index.html": '<div class="quiz"></div><math display="block"></math><math>',
        "labs/lab-1/index.html": '<div class="jupyter-wrapper"><div class="quiz"></div></div>',
        "about/performance/index.html": '<div class="quiz"></div>',
        "print_page/index.html": '<div class="quiz"></div><div class="jp-Notebook"></div>',
        "old/index.html": '<meta http-equiv="refresh" content="0; url=../sft/objective/">',
        "assets/x/index.html": "",
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    for name in ("index.md", "sft/objective.md", "labs/lab-1.ipynb", "about/performance.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("")
    pages = {page.url: page for page in bench_sites.built_pages(site, docs)}
    assert set(pages) == {"", "sft/objective/", "labs/lab-1/", "about/performance/", "print_page/"}
    assert {url: page.kind for url, page in pages.items()} == {
        "": "landing", "sft/objective/": "concept", "labs/lab-1/": "lab",
        "about/performance/": "other", "print_page/": "other"}
    assert pages["sft/objective/"].math == 2 and pages[""].math == 1
    assert pages["labs/lab-1/"].src == "labs/lab-1.ipynb" and pages["print_page/"].src is None
    assert bench_sites.most_math(list(pages.values())).url == "sft/objective/"


def test_snapshot_leaves_out_caches_and_build_output(tmp_path):
    repo = tmp_path / "repo"
    for name in ("docs/index.md", "hooks/__pycache__/quiz.pyc", ".cache/mkdocs-jupyter/x.json",
                 "site/index.html", "docs/site/kept.md", "scripts/bench/node_modules/x.js",
                 ".git/HEAD"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x")
    copy = bench_sites.snapshot(repo, tmp_path / "copy")
    kept = sorted(path.relative_to(copy).as_posix() for path in copy.rglob("*") if path.is_file())
    assert kept == [".git/HEAD", "docs/index.md", "docs/site/kept.md"]


# ---------------------------------------------------------------------------------------------
# Profile grouping and the static server.

def test_generic_time_is_charged_to_the_code_that_called_it():
    git_caller = ("/venv/site-packages/git/cmd.py", 1, "execute")
    example = ("/repo/snippets/flawed_data.py", 1, "main")
    wait = ("~", 0, "<method 'read' of '_io.BufferedReader' objects>")
    stats = {
        git_caller: (1, 1, 0.5, 3.5, {}),
        example: (1, 1, 1.0, 2.0, {}),
        # 4 s of waiting, 3 s of it from git's caller and 1 s from the example (cumulative).
        wait: (2, 2, 4.0, 4.0, {git_caller: (1, 1, 3.0, 3.0), example: (1, 1, 1.0, 1.0)}),
    }
    totals = bench_profile.attribute(stats)
    assert totals["git dates"] == pytest.approx(0.5 + 3.0)
    assert totals["running the examples"] == pytest.approx(1.0 + 1.0)
    assert bench_profile.category_of("/v/site-packages/material/templates/base.html") == (
        "page templates (Material)")
    assert bench_profile.category_of("/usr/lib/python3.11/json/decoder.py") is None


def test_static_server_compresses_text_only_when_asked(tmp_path):
    page = "<!doctype html><title>x</title>" + "<p>same words again</p>" * 200
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text(page)
    assert resolve(tmp_path, "/../../etc/passwd") is None
    assert resolve(tmp_path, "/docs/") == tmp_path / "docs" / "index.html"
    for compress in (True, False):
        with StaticServer(tmp_path, compress=compress) as server:
            request = urllib.request.Request(server.url + "docs/", headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=10) as response:
                body = response.read()
                encoding = response.headers.get("Content-Encoding")
        if compress:
            assert encoding == "gzip" and len(body) < len(page) / 10
            assert gzip.decompress(body).decode() == page
        else:
            assert encoding is None and body.decode() == page
