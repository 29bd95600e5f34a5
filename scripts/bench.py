"""Benchmark the course site against a plain Material site built from the same pages.

    make bench                      (or: .venv/bin/python scripts/bench.py)
    .venv/bin/python scripts/bench.py --quick --out /tmp/bench   (a fast trial run elsewhere)

Standard tools do the measuring: hyperfine times whole builds (the full configuration against
scripts/bench/baseline.yml, cold and warm), the examples run on their own and `make test`;
Lighthouse CI (`lhci collect`, scripts/bench/lighthouserc.yml) loads every page, gzip-served under
the site's prefix, and `lhci assert` judges the score targets and, with a budget written from the
baseline's bytes, the page weight. What no tool does is here: edit-to-reload with `mkdocs serve`,
the generated sites of 10, 100 and 1,000 pages (scripts/bench_sites.py), and a profile grouped by
kind of work (scripts/bench_profile.py). Writes docs/about/performance.md (the report, by
scripts/bench_report.py) and docs/about/performance.json (the figures). About 25 minutes on two
cores; not part of `make test`.

Everything runs in a snapshot of the project in a temporary directory: edits made meanwhile do not
disturb the figures, and the working tree is never written to, except for the two output files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_profile  # noqa: E402
import bench_report  # noqa: E402
import bench_sites  # noqa: E402

REPO = bench_sites.REPO
BIN = Path(sys.executable).parent
MKDOCS = str(BIN / "mkdocs")
TOOLS = REPO / "scripts" / "bench"
LHCI = TOOLS / "node_modules" / ".bin" / "lhci"
RC = TOOLS / "lighthouserc.yml"
BASELINE = "scripts/bench/baseline.yml"  # relative to the snapshot
CHROMIUM = "/usr/bin/chromium"
# What a cold build must not find: the site directory, caches (MkDocs plugins write to .cache/)
# and compiled Python of the hooks and examples. The virtualenv is not in the snapshot.
CLEAR_CACHES = "rm -rf {site} .cache && find . -name __pycache__ -type d -prune -exec rm -rf {{}} +"
# Every example once, as `python snippets/NAME.py` runs it, in one Python (the build imports numpy
# and matplotlib once too); and every lab notebook once, as the build executes it.
RUN_SNIPPETS = ("import glob, runpy; [runpy.run_path(p, run_name='__main__') "
                "for p in sorted(glob.glob('snippets/[!_]*.py'))]")

# How many times each thing is measured; --quick uses the second column.
REPS = {
    "builds": (5, 1),  # rounds, each a cold and a warm build of both configurations
    "examples": (3, 1),
    "reload": (2, 1),  # edits, each followed by its revert: twice as many saves
    "scaling": ({10: 3, 100: 3, 1000: 3}, {10: 1, 100: 1}),  # runs of each size, in alternating rounds
    "lighthouse": (3, 1),  # runs of each page, full build, mobile (the median run is reported)
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env(**extra: str) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", **extra)


def run(command: list[str], cwd: Path, **extra_env: str) -> None:
    result = subprocess.run(command, cwd=cwd, env=env(**extra_env), capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed:\n{(result.stdout + result.stderr)[-4000:]}")


# ---------------------------------------------------------------------------------------------
# hyperfine: every timed run of a whole command.

BUILT_IN = re.compile(r"Documentation built in ([\d.]+) seconds")


def hyperfine(commands: list[tuple[str, str]], export: Path, cwd: Path, runs: int, warmup: int = 0,
              prepare: list[str] | None = None, ignore_failure: bool = False, **extra_env: str) -> list:
    """Run hyperfine on named shell commands; its JSON results, one per command, in order."""
    args = ["hyperfine", "--style", "basic", "--runs", str(runs), "--warmup", str(warmup),
            "--export-json", str(export)] + (["--ignore-failure"] if ignore_failure else [])
    for step in prepare or []:
        args += ["--prepare", step]
    for name, command in commands:
        args += ["--command-name", name, command]
    result = subprocess.run(args, cwd=cwd, env=env(**extra_env), stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"hyperfine failed on {', '.join(name for name, _ in commands)}; "
                           f"the commands' output is in {cwd}/*.log")
    return json.loads(export.read_text())["results"]


def build_command(config: str, site: str, log_file: Path) -> str:
    """A build whose messages (MkDocs logs to stderr) are kept for its "built in" time."""
    return f"{MKDOCS} build --config-file {config} --site-dir {site} 2>> {shlex.quote(str(log_file))}"


def built_in(log_file: Path) -> list[float]:
    return [float(seconds) for seconds in BUILT_IN.findall(log_file.read_text())]


def measure_builds(project: Path, work: Path, rounds: int) -> dict:
    """Cold and warm builds of both configurations. hyperfine runs a command's runs one after
    another (it has no interleaving), so each round is one hyperfine call with a cold and a warm
    build of each configuration, and the configurations take turns to go first."""
    configs = {"full": "mkdocs.yml", "baseline": BASELINE}
    figures = {f"{config}-{phase}": {"wall_s": [], "mkdocs_s": []}
               for config in configs for phase in ("cold", "warm")}
    for number in range(rounds):
        order = list(configs) if number % 2 == 0 else list(reversed(configs))
        commands, prepare = [], []
        for config in order:
            site = shlex.quote(str(project / f"_site-{config}"))  # MkDocs reads a relative
            for phase in ("cold", "warm"):                      # one from the config's folder
                name = f"{config}-{phase}"
                commands.append((name, build_command(configs[config], site, work / f"{name}.log")))
                prepare.append(CLEAR_CACHES.format(site=site) if phase == "cold" else "true")
        log(f"builds, round {number + 1} of {rounds}: {', '.join(name for name, _ in commands)}")
        for result in hyperfine(commands, work / f"builds-{number}.json", project, 1,
                                prepare=prepare):
            figures[result["command"]]["wall_s"] += result["times"]
    for name, runs in figures.items():
        runs["mkdocs_s"] = built_in(work / f"{name}.log")
    return figures


def measure_examples(project: Path, work: Path, runs: int) -> dict:
    labs = " ".join(shlex.quote(str(path.relative_to(project)))
                    for path in sorted((project / "docs" / "labs").glob("*.ipynb")))
    commands = [("snippets", f"MPLBACKEND=Agg PYTHONPATH=snippets {sys.executable} -c "
                             f"{shlex.quote(RUN_SNIPPETS)}")]
    if labs:
        commands.append(("labs", f"{BIN / 'jupyter'} execute {labs}"))
    results = hyperfine(commands, work / "examples.json", project, runs, warmup=min(runs - 1, 1))
    return {result["command"]: {"wall_s": result["times"]} for result in results}


def measure_test_suite(project: Path, work: Path, command: str) -> dict:
    """`make test` (or the command given) once, in the snapshot with the working tree's .venv
    and node_modules linked in, so that the environment is warm and nothing is installed."""
    for name in (".venv", "node_modules"):
        if (REPO / name).exists() and not (project / name).exists():
            (project / name).symlink_to(REPO / name)
    # git in the snapshot (pre-commit, the tests) uses its own copy of the index, not the tree's.
    index = work / "git-index"
    shutil.copyfile(command_output("git", "rev-parse", "--path-format=absolute", "--git-path", "index"),
                    index)
    # Its output is kept (test-results/bench-test-suite.log in the tree), so that a failure can be
    # read; the report names the tests that failed.
    output = REPO / "test-results" / "bench-test-suite.log"
    output.parent.mkdir(parents=True, exist_ok=True)
    log(f"timing `{command}` once (its output: {output.relative_to(REPO)})")
    result = hyperfine([(command, f"{command} > {shlex.quote(str(output))} 2>&1")], work / "test.json", project, 1,
                       ignore_failure=True, GIT_INDEX_FILE=str(index))[0]
    failures = re.findall(r"^(?:FAILED|ERROR) (\S+)", output.read_text(errors="replace"), re.MULTILINE)
    return {"command": command, "wall_s": result["times"], "exit_codes": result["exit_codes"],
            "failures": sorted(set(failures))}


def measure_scaling(source: Path, work: Path, reps: dict[int, int], profile_at: int = 100) -> list:
    """Generated sites of each size, each run into a fresh site directory; the `profile_at` size
    is built once more under cProfile, to show where a page's time goes.

    The sizes are timed in rounds, one hyperfine call per round with one run of each size still
    short of its runs, the order reversed every other round (as measure_builds does): the
    per-page ratio compares sizes, so a slower minute of the machine falls on both. One run of
    each size after the other gave 1,000 ÷ 100 ratios from 0.90× to 1.39× for the same code."""
    roots = {pages: work / f"synthetic-{pages}" for pages in reps}
    configs = {pages: bench_sites.write_synthetic_site(root, pages, source) for pages, root in roots.items()}
    log_files = {pages: root / "build.log" for pages, root in roots.items()}

    def command(pages: int) -> tuple[str, str]:
        """The build, in the site's folder (what its configuration names is relative to it)."""
        return f"{pages} pages", f"cd {shlex.quote(str(roots[pages]))} && " + build_command(
            str(configs[pages]), "_site", log_files[pages])

    # One warm-up build of each (the first build of a size compiles and caches what later ones reuse).
    for pages in reps:
        run(["sh", "-c", command(pages)[1]], roots[pages], GIT_DATES="false")
    warmups = {pages: len(built_in(log_files[pages])) for pages in reps}
    wall = {pages: [] for pages in reps}
    for number in range(max(reps.values())):
        order = [pages for pages in reps if reps[pages] > number]
        order = order if number % 2 == 0 else list(reversed(order))
        log(f"scaling, round {number + 1} of {max(reps.values())}: {', '.join(map(str, order))} pages")
        results = hyperfine([command(pages) for pages in order], work / f"scaling-{number}.json", work, 1,
                            prepare=[f"rm -rf {shlex.quote(str(roots[pages] / '_site'))}" for pages in order],
                            GIT_DATES="false")
        for pages, result in zip(order, results, strict=True):
            wall[pages] += result["times"]
    sizes = []
    for pages in reps:
        site = roots[pages] / "_site"
        seconds = built_in(log_files[pages])[warmups[pages]:]
        html = [file.stat().st_size for file in site.glob("part-*/page-*/index.html")]
        size = {"pages": pages,
                "runs": [{"wall_s": w, "mkdocs_s": own} for w, own in zip(wall[pages], seconds, strict=True)],
                "search_index_bytes": (site / "search" / "search_index.json").stat().st_size,
                "page_html_bytes": round(sum(html) / len(html)) if html else None}
        if pages == profile_at:
            size["profile"] = profile_build(roots[pages], configs[pages], roots[pages] / "_site-profile",
                                            GIT_DATES="false")
            log(f"scaling: {pages} pages profiled")
        sizes.append(size)
        shutil.rmtree(roots[pages], ignore_errors=True)
    return sizes


def profile_build(project: Path, config: Path | str, site: Path, **extra_env: str) -> dict:
    """One build under cProfile, its time grouped by kind of work."""
    output = site.with_suffix(".prof")
    run([sys.executable, "-m", "cProfile", "-o", str(output), "-m", "mkdocs", "build",
         "--config-file", str(config), "--site-dir", str(site)], project, **extra_env)
    shutil.rmtree(site, ignore_errors=True)
    return bench_profile.summarize(str(output))


# ---------------------------------------------------------------------------------------------
# Edit to reload: no tool times a save until `mkdocs serve` serves the change.

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 5.0) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def measure_reload(project: Path, page_src: str, page_url: str, edits: int, dirty: bool,
                   work: Path, timeout_s: float = 120.0) -> dict:
    """Start `mkdocs serve` (with --dirty, as `make serve` runs it) in the snapshot, then time
    saves of a page until the served page shows them. The page is restored byte for byte."""
    port = free_port()
    log_path = work / f"serve{'-dirty' if dirty else ''}.log"
    command = [MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"] + (
        ["--dirty", "--no-strict"] if dirty else [])
    source = project / "docs" / page_src
    original = source.read_bytes()
    samples, timeouts = [], 0
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(command, cwd=project, env=env(), stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}{bench_sites.site_prefix(project / '_site-full')}{page_url}"
        deadline = time.monotonic() + 900
        while fetch(url) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mkdocs serve did not serve {url}:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.2)
        for edit in range(edits):
            marker = f"benchedit{os.getpid()}x{edit}"
            for kind, content, present in (("edit", original + f"\n{marker}\n".encode(), True),
                                           ("revert", original, False)):
                builds_before = log_path.read_text().count("Documentation built in")
                source.write_bytes(content)
                start = time.perf_counter()
                served_at = built_at = None
                while time.perf_counter() - start < timeout_s and served_at is None:
                    page = fetch(url, timeout=2.0)
                    if page is not None and (marker in page) == present:
                        served_at = time.perf_counter() - start
                    if built_at is None and log_path.read_text().count(
                            "Documentation built in") > builds_before:
                        built_at = time.perf_counter() - start
                    time.sleep(0.02)
                if served_at is None:
                    timeouts += 1
                    log(f"reload {kind} {edit + 1}: no change after {timeout_s:.0f} s")
                    continue
                samples.append({"kind": kind, "seconds": round(served_at, 3),
                                "build_done_s": None if built_at is None else round(built_at, 3)})
                log(f"reload{' --dirty' if dirty else ''} {kind} {edit + 1}/{edits}: {served_at:.2f} s")
                time.sleep(0.5)  # let the watcher settle before the next save
    finally:
        if source.read_bytes() != original:
            source.write_bytes(original)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return {"samples": samples, "timeouts": timeouts, "timeout_s": timeout_s}


# ---------------------------------------------------------------------------------------------
# Lighthouse CI.

def serve_root(site: Path, prefix: str, root: Path) -> Path:
    """A folder that holds `site` at the path of its site_url, for a server of that folder."""
    if not prefix.strip("/"):
        return site
    (root / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / prefix.strip("/")).symlink_to(site.resolve())
    return root


def lhci_collect(cwd: Path, root: Path, urls: list[str], plain: bool = False,
                 preset: str | None = None, runs: int = 1) -> list[dict]:
    """`lhci collect` of the URLs (paths below the server's root), `runs` times each: gzip-served by
    lhci's own server, or with `plain`, uncompressed by `python -m http.server`. The LHRs it saved."""
    cwd.mkdir(parents=True, exist_ok=True)
    args = [str(LHCI), "collect", f"--config={RC}", f"--numberOfRuns={runs}"]
    if plain:
        port = free_port()
        args += [f"--startServerCommand={sys.executable} -u -m http.server {port} --bind 127.0.0.1 "
                 f"--directory {root}", "--startServerReadyPattern=Serving HTTP"]
        args += [f"--url=http://127.0.0.1:{port}{url}" for url in urls]
    else:
        args += [f"--staticDistDir={root}"] + [f"--url=http://localhost{url}" for url in urls]
    if preset:
        args.append(f"--settings.preset={preset}")
    result = subprocess.run(args, cwd=cwd, env=env(CHROME_PATH=CHROMIUM), stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:  # the LHRs saved so far still count; missing pages are reported
        log(f"lhci collect in {cwd.name} failed:\n{(result.stdout + result.stderr)[-2000:]}")
    return [json.loads(path.read_text()) for path in sorted((cwd / ".lighthouseci").glob("lhr-*.json"))]


def lhci_assert(cwd: Path, *options: str) -> list[dict]:
    """`lhci assert` on the LHRs collected in cwd; every result, passed or not (it exits 1 when an
    assertion fails, which is a finding here, not an error)."""
    subprocess.run([str(LHCI), "assert", "--includePassedAssertions", *options], cwd=cwd,
                   env=env(), stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    results = cwd / ".lighthouseci" / "assertion-results.json"
    return json.loads(results.read_text()) if results.is_file() else []


def measure_lighthouse(full_site: Path, base_site: Path, pages: list[dict], work: Path,
                       quick: bool) -> dict:
    prefix = bench_sites.site_prefix(full_site)
    roots = {build: serve_root(site, prefix, work / "lhci" / f"{build}-root")
             for build, site in (("full", full_site), ("baseline", base_site))}
    chosen = bench_report.lighthouse_pages(pages)
    base_urls = {page["url"] for page in pages if (base_site / page["url"] / "index.html").is_file()}
    mobile = chosen if quick else pages
    jobs = [("full", "mobile", "gzip", [page["url"] for page in mobile]),
            ("baseline", "mobile", "gzip", [page["url"] for page in mobile if page["url"] in base_urls])]
    if not quick:
        jobs += [("full", "desktop", "gzip", [page["url"] for page in chosen]),
                 ("baseline", "desktop", "gzip", [page["url"] for page in chosen
                                                  if page["url"] in base_urls]),
                 ("full", "mobile", "plain", [page["url"] for page in chosen
                                              if page["kind"] == "concept"])]
    kinds = {page["url"]: page["kind"] for page in pages}
    runs, version = [], None
    for build, preset, served, urls in jobs:
        cwd = work / "lhci" / f"{build}-{preset}-{served}"
        log(f"lhci collect: {build} build, {preset}, {served}, {len(urls)} pages")
        # The pages the targets are about (full build, mobile, gzip) run several times: a score
        # moves by several points from one run to the next on the same page.
        repeat = REPS["lighthouse"][1 if quick else 0] if (build, preset, served) == ("full", "mobile", "gzip") else 1
        lhrs = lhci_collect(cwd, roots[build], [prefix + url for url in urls], served == "plain",
                            preset if preset != "mobile" else None, repeat)
        per_page: dict[str, list[dict]] = {}
        for lhr in lhrs:
            summary = bench_report.summarize_lhr(lhr, prefix)
            per_page.setdefault(summary["page"], []).append(summary)
            version = lhr.get("lighthouseVersion", version)
        found = {page: bench_report.median_run(summaries) for page, summaries in per_page.items()}
        for url in urls:
            summary = found.get(url, {"page": url, "error": "no report from lhci collect"})
            runs.append({"build": build, "preset": preset, "served": served,
                         "page_kind": kinds[url], **summary})
    figures = {"runs": runs, "version": version, "lab_missing": not any(
        page["kind"] == "lab" for page in pages)}
    # The score targets (lighthouserc.yml), then page weight against a budget from the baseline.
    cwd = work / "lhci" / "full-mobile-gzip"
    figures["assertions"] = lhci_assert(cwd, f"--config={RC}")
    figures["budgets"] = bench_report.weight_budgets(runs, prefix)
    budget_file = work / "lhci" / "budget.json"
    budget_file.write_text(json.dumps(figures["budgets"], indent=1))
    figures["budget_assertions"] = lhci_assert(cwd, f"--budgetsFile={budget_file}")
    return figures


# ---------------------------------------------------------------------------------------------
# Putting it together.

def machine() -> str:
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    return f"{os.cpu_count()} cores ({cpu})" if cpu else f"{os.cpu_count()} cores"


def command_output(*command: str, cwd: Path = REPO) -> str:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def versions(lighthouse: str | None) -> dict:
    from importlib.metadata import version

    found = {"Python": platform.python_version()}
    for name, package in (("MkDocs", "mkdocs"), ("Material", "mkdocs-material"),
                          ("mkdocs-jupyter", "mkdocs-jupyter")):
        found[name] = version(package)
    found["hyperfine"] = command_output("hyperfine", "--version").removeprefix("hyperfine ")
    lhci = TOOLS / "node_modules" / "@lhci" / "cli" / "package.json"
    if lhci.is_file():
        found["Lighthouse CI"] = json.loads(lhci.read_text())["version"]
    if lighthouse:
        found["Lighthouse"] = lighthouse
    chromium = command_output(CHROMIUM, "--version").split()
    if len(chromium) > 1:
        found["Chromium"] = chromium[1]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "about",
                        help="where performance.md and performance.json go (default docs/about)")
    parser.add_argument("--quick", action="store_true",
                        help="one run of each, no 1,000-page site, Lighthouse on three pages")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["builds", "examples", "reload", "scaling", "lighthouse", "test"],
                        help="leave a measurement out (for trying the benchmark)")
    parser.add_argument("--test-command", default=os.environ.get("BENCH_TEST_COMMAND", "make test"),
                        help="the command whose wall time is the test suite's (default: make test)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--render", type=Path, metavar="JSON",
                        help="measure nothing: render the report from a saved performance.json")
    args = parser.parse_args(argv)
    if args.render:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "performance.md").write_text(bench_report.render_report(
            json.loads(args.render.read_text())))
        return 0
    missing = [tool for tool in ("hyperfine", str(LHCI), CHROMIUM) if not shutil.which(tool)]
    if missing:
        print(f"missing: {', '.join(missing)}; `make bench` installs them "
              "(scripts/ensure-browser.sh, scripts/ensure-bench-tools.sh)", file=sys.stderr)
        return 1
    column = 1 if args.quick else 0
    started = time.perf_counter()
    load_average = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    figures: dict = {}
    # The commit the snapshot is of: the tree may change while the benchmark runs.
    commit = command_output("git", "rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(command_output("git", "status", "--porcelain", "--untracked-files=no"))
    try:
        source = bench_sites.snapshot(REPO, work / "source")
        project = bench_sites.snapshot(source, work / "project")
        log(f"snapshot of the project in {project}")
        if "builds" in args.skip:
            run([MKDOCS, "build", "--site-dir", str(project / "_site-full")], project)
            run([MKDOCS, "build", "--config-file", BASELINE, "--site-dir",
                 str(project / "_site-baseline")], project)
        else:
            figures["builds"] = measure_builds(project, work, REPS["builds"][column])
            # The baseline's cold builds cleared the project's cache: one build fills it again,
            # so that the profile is of a warm build, as the report says.
            run([MKDOCS, "build", "--site-dir", str(work / "profiled-site")], project)
            log("profiling one warm full build")
            figures["builds"]["profile"] = profile_build(project, project / "mkdocs.yml",
                                                         work / "profiled-site")
        full_site, base_site = project / "_site-full", project / "_site-baseline"
        pages = [vars(page) for page in bench_sites.built_pages(full_site, project / "docs")]
        figures["pages"] = pages
        if "examples" not in args.skip:
            figures["examples"] = measure_examples(project, work, REPS["examples"][column])
        if "reload" not in args.skip:
            chosen = bench_report.lighthouse_pages(pages)
            edit_page = next((page for page in chosen if page["kind"] == "concept"), chosen[0])
            figures["reload"] = measure_reload(project, edit_page["src"], edit_page["url"],
                                               REPS["reload"][column], False, work)
            figures["reload"]["page"] = edit_page["src"]
            figures["reload"]["dirty_samples"] = measure_reload(
                project, edit_page["src"], edit_page["url"], REPS["reload"][column], True,
                work)["samples"]
        if "scaling" not in args.skip:
            figures["scaling"] = {"sizes": measure_scaling(source, work, REPS["scaling"][column])}
        if "lighthouse" not in args.skip:
            figures["lighthouse"] = measure_lighthouse(full_site, base_site, pages, work, args.quick)
        if "test" not in args.skip:
            figures["test_suite"] = measure_test_suite(project, work, args.test_command)
        figures["meta"] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit, "dirty": dirty,
            "machine": machine(), "cores": os.cpu_count(),
            "load_average": round(load_average, 2), "load_average_end": round(os.getloadavg()[0], 2),
            "versions": versions((figures.get("lighthouse") or {}).get("version")),
            "quick": args.quick, "duration_s": round(time.perf_counter() - started, 1),
        }
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "performance.json").write_text(json.dumps(figures, indent=1) + "\n")
        (args.out / "performance.md").write_text(bench_report.render_report(figures))
        log(f"wrote {args.out / 'performance.md'} in {figures['meta']['duration_s'] / 60:.1f} minutes")
        for target in bench_report.evaluate_targets(figures):
            log(f"{bench_report.verdict(target.met).strip('*'):>12}: {target.name}: {target.measured}")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
