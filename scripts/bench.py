"""Benchmark the course site against a plain Material site built from the same pages.

    make bench                      (or: .venv/bin/python scripts/bench.py)
    .venv/bin/python scripts/bench.py --quick --out /tmp/bench   (a fast trial run elsewhere)

Measures (issue 9): build cost, cold and warm, of the full configuration against
scripts/bench/baseline.yml; edit-to-reload with `mkdocs serve`; build time and search index per
page on synthetic sites of 10, 100 and 1,000 pages; the bytes each page loads in Chromium
(gzip-compressed, and uncompressed beside it); Lighthouse scores (mobile and desktop) of the
landing page, the concept page with the most formulas and a lab. Writes docs/about/performance.md
(the report) and docs/about/performance.json (the raw figures). Takes about ten minutes on two
cores. Not part of `make test`.

Everything runs in a snapshot of the project in a temporary directory: edits made meanwhile do not
disturb the figures, and the working tree is never written to, except for the two output files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_profile  # noqa: E402
import bench_report  # noqa: E402
import bench_sites  # noqa: E402
from bench_server import StaticServer  # noqa: E402

REPO = bench_sites.REPO
BIN = Path(sys.executable).parent
MKDOCS = str(BIN / "mkdocs")
BENCH_DIR = REPO / "scripts" / "bench"
BASELINE = Path("scripts/bench/baseline.yml")  # relative to a snapshot
CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE_VERSION = "12.2.3"
CHROME_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

# How many times each thing is measured; --quick uses the second column.
REPS = {
    "builds": (5, 1),  # alternating full/baseline pairs, each cold then warm (at most)
    "reload": (2, 1),  # edits, each followed by its revert: twice as many saves
    "reload_dirty": (2, 1),
    "scaling": ({10: 3, 100: 3, 1000: 1}, {10: 1, 100: 1}),
}
# The build comparison stops adding pairs after this long (but does at least MIN_BUILD_REPS), so
# the whole benchmark stays near ten minutes on two cores as the site grows.
BUILD_BUDGET_S = 150
MIN_BUILD_REPS = 3


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def build_env(**extra: str) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1", **extra)


# ---------------------------------------------------------------------------------------------
# Builds.

BUILT_IN = re.compile(r"Documentation built in ([\d.]+) seconds")


def mkdocs_build(project: Path, config: Path, site: Path, profile: Path | None = None,
                 **env: str) -> dict:
    """Build once; wall-clock seconds and MkDocs' own "built in" seconds. Raises on failure."""
    command = [MKDOCS, "build", "--config-file", str(config), "--site-dir", str(site)]
    if profile:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "mkdocs",
                   *command[1:]]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=project, env=build_env(**env), capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=1800)
    wall = time.perf_counter() - start
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build -f {config} failed:\n{output[-4000:]}")
    match = BUILT_IN.search(output)
    return {"wall_s": round(wall, 3), "mkdocs_s": float(match[1]) if match else None}


def measure_builds(source: Path, work: Path, reps: int) -> tuple[dict, Path, Path, Path]:
    """Alternating cold+warm builds of the full and the baseline configuration (up to `reps`
    pairs, at least MIN_BUILD_REPS, within BUILD_BUDGET_S). Returns the raw runs, the snapshot and
    site of the last full build, and the site of the last baseline build."""
    runs = []
    last = {}
    started = time.perf_counter()
    for rep in range(reps):
        if rep >= MIN_BUILD_REPS and time.perf_counter() - started > BUILD_BUDGET_S:
            log(f"build comparison: {rep} pairs in {time.perf_counter() - started:.0f} s, enough")
            break
        order = ("full", "baseline") if rep % 2 == 0 else ("baseline", "full")
        for config_name in order:
            project = work / f"build-{rep}-{config_name}"
            bench_sites.snapshot(source, project)
            config = project / ("mkdocs.yml" if config_name == "full" else BASELINE)
            site = project / "_site"
            for phase in ("cold", "warm"):
                figures = mkdocs_build(project, config, site)
                runs.append({"config": config_name, "phase": phase, "rep": rep, **figures})
                log(f"build {rep + 1}/{reps} {config_name:8s} {phase}: {figures['wall_s']:.2f} s "
                    f"(MkDocs {figures['mkdocs_s']} s)")
            if config_name in last:
                shutil.rmtree(last[config_name][0], ignore_errors=True)
            last[config_name] = (project, site)
    return {"runs": runs}, last["full"][0], last["full"][1], last["baseline"][1]


def profile_build(project: Path, work: Path) -> dict:
    """One warm full build under cProfile, summarized by kind of work."""
    output = work / "build.prof"
    figures = mkdocs_build(project, project / "mkdocs.yml", work / "profiled-site", profile=output)
    summary = bench_profile.summarize(str(output))
    summary["wall_s"] = figures["wall_s"]
    shutil.rmtree(work / "profiled-site", ignore_errors=True)
    return summary


# ---------------------------------------------------------------------------------------------
# Edit to reload.

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
                   work: Path, timeout_s: float = 60.0) -> dict:
    """Start `mkdocs serve` (as `make serve` does) in the snapshot, then time saves of a page until
    the served page shows them. The page is restored byte for byte in any case."""
    port = free_port()
    log_path = work / f"serve{'-dirty' if dirty else ''}.log"
    # --dirty needs --no-strict: MkDocs warns that a dirty build may leave navigation stale.
    command = [MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"] + (
        ["--dirty", "--no-strict"] if dirty else [])
    source = project / "docs" / page_src
    original = source.read_bytes()
    samples, timeouts = [], 0
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(command, cwd=project, env=build_env(), stdout=log_file,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        started = time.perf_counter()
        base = None
        while base is None:
            if process.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited:\n{log_path.read_text()[-4000:]}")
            if time.perf_counter() - started > 900:
                raise RuntimeError("mkdocs serve did not start within 15 minutes")
            match = re.search(r"Serving on (http://\S+)", log_path.read_text())
            base = match[1] if match else None
            time.sleep(0.2)
        url = base.rstrip("/") + "/" + page_url
        while fetch(url) is None:
            if time.perf_counter() - started > 900:
                raise RuntimeError(f"{url} was not served within 15 minutes")
            time.sleep(0.2)
        startup = time.perf_counter() - started
        token = f"benchedit{os.getpid()}"
        for edit in range(edits):
            marker = f"{token}x{edit}"
            for kind, content, present in (
                    ("edit", original + f"\n{marker}\n".encode(), True), ("revert", original, False)):
                builds_before = log_path.read_text().count("Documentation built in")
                source.write_bytes(content)
                start = time.perf_counter()
                served_at = built_at = None
                while time.perf_counter() - start < timeout_s and (served_at is None or built_at is None):
                    now = time.perf_counter() - start
                    if served_at is None:
                        page = fetch(url, timeout=2.0)
                        if page is not None and (marker in page) == present:
                            served_at = time.perf_counter() - start
                    if built_at is None and log_path.read_text().count(
                            "Documentation built in") > builds_before:
                        built_at = now
                    time.sleep(0.02)
                if served_at is None:
                    timeouts += 1
                    log(f"reload{' --dirty' if dirty else ''} {kind} {edit + 1}: no change after "
                        f"{timeout_s:.0f} s")
                    continue
                samples.append({"kind": kind, "seconds": round(served_at, 3),
                                "build_done_s": None if built_at is None else round(built_at, 3)})
                log(f"reload{' --dirty' if dirty else ''} {kind} {edit + 1}/{edits}: "
                    f"{served_at:.2f} s")
                time.sleep(0.5)  # let the watcher settle before the next save
    finally:
        if source.read_bytes() != original:
            source.write_bytes(original)
        stop(process)
    return {"samples": samples, "timeouts": timeouts, "timeout_s": timeout_s,
            "startup_s": round(startup, 2)}


def stop(process: subprocess.Popen) -> None:
    """End the server we started (its own process group), politely first."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------------------------------------
# Scaling.

def measure_scaling(source: Path, work: Path, reps: dict[int, int], profile_at: int = 100) -> list[dict]:
    """Build synthetic sites of each size (fresh site directory each run); the `profile_at` size
    is built once more under cProfile, to show where a page's time goes."""
    sizes = []
    for pages, count in reps.items():
        root = work / f"synthetic-{pages}"
        config = bench_sites.write_synthetic_site(root, pages, source)
        runs = []
        for run in range(count):
            site = root / "_site"
            shutil.rmtree(site, ignore_errors=True)
            figures = mkdocs_build(root, config, site, GIT_DATES="false")
            runs.append(figures)
            log(f"scaling {pages:>5} pages run {run + 1}/{count}: MkDocs {figures['mkdocs_s']} s, "
                f"wall {figures['wall_s']:.1f} s")
        html = [file.stat().st_size for file in site.glob("part-*/page-*/index.html")]
        size = {
            "pages": pages, "runs": runs,
            "search_index_bytes": (site / "search" / "search_index.json").stat().st_size,
            "page_html_bytes": round(sum(html) / len(html)) if html else None,
        }
        if pages == profile_at:
            output = work / f"synthetic-{pages}.prof"
            shutil.rmtree(site, ignore_errors=True)
            mkdocs_build(root, config, site, profile=output, GIT_DATES="false")
            size["profile"] = bench_profile.summarize(str(output))
            log(f"scaling {pages:>5} pages profiled")
        sizes.append(size)
        shutil.rmtree(root, ignore_errors=True)
    return sizes


# ---------------------------------------------------------------------------------------------
# Page weight (Playwright + Chromium).

RESOURCE_TIMING = """() => {
  const entries = performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'));
  return entries.map(e => ({url: e.name, transfer: e.transferSize, encoded: e.encodedBodySize,
                            decoded: e.decodedBodySize, initiator: e.initiatorType || 'navigation'}));
}"""


def resource_type(url: str) -> str:
    path = urlsplit(url).path.lower()
    suffix = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if path.endswith("/") or suffix == "html":
        return "document"
    return {"css": "stylesheet", "js": "script", "mjs": "script", "json": "data", "xml": "data",
            "svg": "image", "png": "image", "jpg": "image", "jpeg": "image", "gif": "image",
            "webp": "image", "ico": "image", "avif": "image", "woff": "font", "woff2": "font",
            "ttf": "font", "ipynb": "data"}.get(suffix, "other")


def is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS


def site_path(url: str, root_url: str) -> str:
    """A URL's path within the site served at root_url, e.g. "/assets/stylesheets/main.css"."""
    if url.startswith(root_url):
        return "/" + url[len(root_url):].split("#")[0]
    return urlsplit(url).path


def load_page(browser, url: str, root_url: str) -> tuple[dict, list[str]]:
    """Open url in a fresh context; the resources transferred and any third-party requests."""
    context = browser.new_context()
    requests = []
    context.on("request", lambda request: requests.append(request))
    page = context.new_page()
    page.add_init_script("performance.setResourceTimingBufferSize(2000)")
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        try:
            page.wait_for_load_state("networkidle", timeout=15_000)
        except Exception:  # a page that keeps polling still has its bytes counted
            pass
        entries = page.evaluate(RESOURCE_TIMING)
        seen = {entry["url"] for entry in entries}
        resources = [{"url": entry["url"], "path": site_path(entry["url"], root_url),
                      "type": resource_type(entry["url"]),
                      "transfer": entry["transfer"], "encoded": entry["encoded"],
                      "decoded": entry["decoded"]}
                     for entry in entries if not is_third_party(entry["url"])
                     and entry["url"].startswith("http")]
        # Requests the page's workers made are not in the page's Resource Timing.
        for request in requests:
            if request.url in seen or not request.url.startswith("http") or is_third_party(request.url):
                continue
            response = request.response()
            if response is None:
                continue
            sizes = request.sizes()
            body = sizes.get("responseBodySize", 0) or 0
            resources.append({"url": request.url, "path": site_path(request.url, root_url),
                              "type": resource_type(request.url),
                              "transfer": body + (sizes.get("responseHeadersSize", 0) or 0),
                              "encoded": body, "decoded": None})
            seen.add(request.url)
        third = sorted({request.url for request in requests if is_third_party(request.url)})
    finally:
        context.close()
    return {"resources": resources}, third


def measure_weight(full_site: Path, base_site: Path, pages: list[dict], prefix: str) -> dict:
    from playwright.sync_api import sync_playwright

    weight = {"full": {"gzip": {}, "plain": {}}, "baseline": {"gzip": {}, "plain": {}}}
    third_party: set[str] = set()
    with sync_playwright() as playwright, ExitStack() as stack:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        stack.callback(browser.close)
        for build, site in (("full", full_site), ("baseline", base_site)):
            for served in ("gzip", "plain"):
                with StaticServer(site, compress=served == "gzip", prefix=prefix) as server:
                    for page in pages:
                        if not (site / page["url"] / "index.html").is_file():
                            continue
                        loads, third = load_page(browser, server.url + page["url"], server.url)
                        weight[build][served][page["url"]] = loads
                        if build == "full":
                            third_party |= set(third)
                log(f"page weight: {build} build, {served}, {len(weight[build][served])} pages")
    weight["third_party"] = sorted(third_party)
    return weight


# ---------------------------------------------------------------------------------------------
# Lighthouse.

def ensure_lighthouse() -> Path:
    cli = BENCH_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = BENCH_DIR / "node_modules" / "lighthouse" / "package.json"
    if not cli.is_file() or json.loads(package.read_text()).get("version") != LIGHTHOUSE_VERSION:
        log("installing Lighthouse with npm ci (scripts/bench/package-lock.json)")
        subprocess.run(["npm", "ci", "--prefix", str(BENCH_DIR), "--no-audit", "--no-fund",
                        "--loglevel=error"], check=True, stdin=subprocess.DEVNULL)
    return cli


PERFORMANCE_METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                       "cumulative-layout-shift", "speed-index")


def summarize_lighthouse(report: dict) -> dict:
    """Scores, metrics, failed audits, savings and third-party requests from a Lighthouse JSON."""
    audits = report.get("audits", {})
    out = {
        "scores": {name: category.get("score") for name, category in report["categories"].items()},
        "metrics": {name: audits[name].get("numericValue") for name in PERFORMANCE_METRICS
                    if name in audits},
        "bytes": (audits.get("total-byte-weight") or {}).get("numericValue"),
        "benchmark_index": (report.get("environment") or {}).get("benchmarkIndex"),
        "failed": [], "opportunities": [], "third_party": [],
    }
    for category_name, category in report["categories"].items():
        for reference in category.get("auditRefs", []):
            audit = audits.get(reference["id"], {})
            score = audit.get("score")
            if score is None or audit.get("scoreDisplayMode") not in ("binary", "numeric",
                                                                      "metricSavings"):
                continue
            if reference.get("weight", 0) > 0 and score < (0.9 if category_name == "performance"
                                                           else 1):
                out["failed"].append({"id": reference["id"], "title": audit.get("title", ""),
                                      "score": score, "category": category_name})
    for audit_id, audit in audits.items():
        savings = ((audit.get("details") or {}).get("overallSavingsMs") or 0)
        if savings > 0:
            out["opportunities"].append({"id": audit_id, "title": audit.get("title", ""),
                                         "ms": savings})
    out["opportunities"].sort(key=lambda item: -item["ms"])
    items = ((audits.get("network-requests") or {}).get("details") or {}).get("items", [])
    out["third_party"] = sorted({item["url"] for item in items if is_third_party(item.get("url", ""))})
    return out


def run_lighthouse(cli: Path, url: str, preset: str, work: Path) -> dict:
    output = work / "lighthouse.json"
    output.unlink(missing_ok=True)
    command = ["node", str(cli), url, "--output=json", f"--output-path={output}", "--quiet",
               "--only-categories=performance,accessibility,best-practices,seo",
               "--chrome-flags=" + " ".join(CHROME_FLAGS + ["--headless=new"])]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 240 s"}
    if not output.is_file():
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:] or "no report"}
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        return {"error": report["runtimeError"].get("message", "runtime error")}
    return summarize_lighthouse(report)


def measure_lighthouse(full_site: Path, base_site: Path, chosen: list[dict], work: Path,
                       uncompressed: bool, prefix: str) -> dict:
    cli = ensure_lighthouse()
    runs = []
    with StaticServer(full_site, compress=True, prefix=prefix) as full, \
            StaticServer(base_site, compress=True, prefix=prefix) as base, \
            StaticServer(full_site, compress=False, prefix=prefix) as full_plain:
        jobs = []
        for page in chosen:
            for preset in ("mobile", "desktop"):
                jobs.append(("full", preset, page, "gzip", full))
                if (base_site / page["url"] / "index.html").is_file() and page["kind"] != "lab":
                    jobs.append(("baseline", preset, page, "gzip", base))
            if uncompressed and page["kind"] == "concept":
                jobs.append(("full", "mobile", page, "plain", full_plain))
        for number, (build, preset, page, served, server) in enumerate(jobs, 1):
            summary = run_lighthouse(cli, server.url + page["url"], preset, work)
            runs.append({"build": build, "preset": preset, "page": page["url"],
                         "page_kind": page["kind"], "served": served, **summary})
            scores = summary.get("scores") or {}
            log(f"lighthouse {number}/{len(jobs)} {build} {preset} {served} "
                f"/{page['url']}: " + (summary["error"] if summary.get("error") else " ".join(
                    f"{name}={bench_report.fmt_score(value)}" for name, value in scores.items())))
    return {"runs": runs, "version": LIGHTHOUSE_VERSION}


# ---------------------------------------------------------------------------------------------
# Putting it together.

def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    return f"{os.cpu_count()} cores ({cpu})" if cpu else f"{os.cpu_count()} cores"


def versions() -> dict:
    from importlib.metadata import version

    found = {"Python": platform.python_version()}
    for name, package in (("MkDocs", "mkdocs"), ("Material", "mkdocs-material"),
                          ("mkdocs-jupyter", "mkdocs-jupyter"), ("Playwright", "playwright")):
        try:
            found[name] = version(package)
        except Exception:
            pass
    try:
        found["Chromium"] = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                           timeout=30).stdout.split()[1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        pass
    found["Lighthouse"] = LIGHTHOUSE_VERSION
    return found


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def choose_lighthouse_pages(pages: list[dict]) -> tuple[list[dict], bool]:
    by_kind = {}
    landing = next((page for page in pages if page["kind"] == "landing"), None)
    if landing:
        by_kind["landing"] = landing
    concepts = [page for page in pages if page["kind"] == "concept"]
    if concepts:
        by_kind["concept"] = max(concepts, key=lambda page: page["math"])
    labs = [page for page in pages if page["kind"] == "lab"]
    if labs:
        by_kind["lab"] = labs[0]
    return list(by_kind.values()), not labs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "about",
                        help="where performance.md and performance.json go (default docs/about)")
    parser.add_argument("--quick", action="store_true",
                        help="one run of each, no 1,000-page site: a trial of the benchmark itself")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["builds", "reload", "scaling", "weight", "lighthouse"],
                        help="leave a measurement out (for trying the benchmark)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--render", type=Path, metavar="JSON",
                        help="measure nothing: render the report from a saved performance.json")
    args = parser.parse_args(argv)
    if args.render:
        figures = json.loads(args.render.read_text())
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "performance.md").write_text(bench_report.render_report(figures))
        log(f"rendered {args.out / 'performance.md'} from {args.render}")
        return 0
    column = 1 if args.quick else 0
    if not Path(CHROMIUM).exists() and not {"weight", "lighthouse"} <= set(args.skip):
        print(f"{CHROMIUM} is missing: run `make browser` first.", file=sys.stderr)
        return 1

    started = time.perf_counter()
    load_average = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    figures: dict = {}
    try:
        source = bench_sites.snapshot(REPO, work / "source")
        log(f"snapshot of the project in {source}")

        if "builds" in args.skip:
            project = work / "project"
            bench_sites.snapshot(source, project)
            full_site, base_site = project / "_site", work / "baseline-site"
            mkdocs_build(project, project / "mkdocs.yml", full_site)
            mkdocs_build(project, project / BASELINE, base_site)
        else:
            builds, project, full_site, base_site = measure_builds(
                source, work, REPS["builds"][column])
            figures["builds"] = builds
            log("profiling one warm full build")
            builds["profile"] = profile_build(project, work)

        pages = [vars(page) for page in bench_sites.built_pages(full_site, project / "docs")]
        figures["pages"] = pages
        prefix = bench_sites.site_prefix(full_site)
        chosen, lab_missing = choose_lighthouse_pages(pages)
        log("pages: " + ", ".join(f"/{page['url']} ({page['kind']}, {page['math']} math)"
                                  for page in pages))

        if "reload" not in args.skip:
            edit_page = next((page for page in chosen if page["kind"] == "concept"), chosen[0])
            reload = measure_reload(project, edit_page["src"], edit_page["url"],
                                    REPS["reload"][column], False, work)
            reload["page"] = edit_page["src"]
            dirty = measure_reload(project, edit_page["src"], edit_page["url"],
                                   REPS["reload_dirty"][column], True, work)
            reload["dirty_samples"] = dirty["samples"]
            figures["reload"] = reload

        if "scaling" not in args.skip:
            sizes = measure_scaling(source, work, REPS["scaling"][column])
            figures["scaling"] = {"sizes": sizes}

        if "weight" not in args.skip:
            figures["weight"] = measure_weight(full_site, base_site, pages, prefix)

        if "lighthouse" not in args.skip:
            figures["lighthouse"] = measure_lighthouse(full_site, base_site, chosen, work,
                                                       not args.quick, prefix)
            figures["lighthouse"]["lab_missing"] = lab_missing

        figures["meta"] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git("rev-parse", "--short", "HEAD") or "unknown",
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "machine": machine(),
            "cores": os.cpu_count(),
            "load_average": round(load_average, 2),
            "versions": versions(),
            "quick": args.quick,
            "duration_s": round(time.perf_counter() - started, 1),
        }
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "performance.json").write_text(json.dumps(figures, indent=1) + "\n")
        (args.out / "performance.md").write_text(bench_report.render_report(figures))
        log(f"wrote {args.out / 'performance.md'} and performance.json in "
            f"{figures['meta']['duration_s'] / 60:.1f} minutes")
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
