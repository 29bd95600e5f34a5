"""Shared fixtures: the repository's paths, a strict build of the real site, and small
throw-away sites that inherit the real configuration (for the bad-input tests).

`make test` runs pytest on every core (pytest-xdist). The real site is built once per run and
shared by the workers: the controlling process starts the build as soon as pytest starts, the
tests that do not need it run meanwhile (they are ordered first), and `built_site` waits for it.
That build starts from an empty execution cache, so every example and lab is executed; the
reproducibility test's second build follows it in the background and executes everything again,
with no cache; the offline edition reuses the first build's results.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SNIPPETS = REPO / "snippets"
DOCS = REPO / "docs"


def load_module(path: Path, name: str):
    """A hook or script of this project (files, not a package) as a new module called `name`,
    registered in sys.modules (dataclasses look their module up there). Its folder is on the import
    path while it loads, as MkDocs does for hooks (hooks import hooks/build_cache.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    saved = sys.path.copy()
    sys.path.insert(0, str(Path(path).parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


# pytest runs a worker per core, and each example's numpy would start a BLAS thread per core: the
# workers then fought over the cores (the examples' tests here: 37 s -> 29 s with one thread each).
# The build's own setting (hooks/execution.py), made before any test imports numpy, unless the
# caller chose; builds and kernels inherit it.
load_module(REPO / "hooks" / "execution.py", "execution_hook_for_conftest").one_blas_thread_each()


def page_text(relative: str) -> str:
    """A page's Markdown (path below docs/) with every run of white space made one space, so a
    sentence is found however its lines are wrapped."""
    return " ".join((DOCS / relative).read_text().split())


def build_command(config: Path, site_dir: Path, **env_vars: str) -> tuple[list[str], dict]:
    # Tests never read or fill the developer's execution cache (.cache/execution) unless told to.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0", "EXECUTION_CACHE": "off",
           **env_vars}
    return [str(BIN / "mkdocs"), "build", "--strict", "--config-file", str(config), "--site-dir",
            str(site_dir)], env


def mkdocs_build(config: Path, site_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` and return the finished process (output in .stdout)."""
    command, env = build_command(config, site_dir, **env_vars)
    return subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


class MkDocsOutput(logging.Formatter):
    """What `mkdocs build` prints for a log record: 'WARNING -  message'."""

    def format(self, record):
        return f"{record.levelname:<8}-  {record.getMessage()}"


def mkdocs_build_in_process(config: Path, site_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` in this process, as mkdocs_build does it in a new one: the same
    configuration, hooks, messages and exit status, without a second of start-up (the imports).
    For small sites whose examples leave nothing behind (no notebooks, no snippets of their own)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    command, env = build_command(config, site_dir, **env_vars)
    saved = dict(os.environ)
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(MkDocsOutput())
    logger = logging.getLogger("mkdocs")
    level, logger_handlers = logger.level, list(logger.handlers)
    logger.handlers, logger.level = [handler], logging.INFO
    returncode = 0
    try:
        os.environ.clear()
        os.environ.update(env)
        loaded = load_config(config_file=str(config), site_dir=str(site_dir), strict=True)
        loaded.plugins.on_startup(command="build", dirty=False)
        try:
            build(loaded)
        finally:
            loaded.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as error:  # mkdocs prints the message and exits with 1
        output.write(f"\n{error}\n")
        returncode = 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
        logger.handlers, logger.level = logger_handlers, level
    return subprocess.CompletedProcess(command, returncode, stdout=output.getvalue(), stderr="")


# ---------------------------------------------------------------------------------------------
# The real site, built once per run.

SHARED = "COURSE_TEST_SHARED_DIR"  # set by the controlling process for its xdist workers


# `make check` sets it to the developer's cache (.cache/execution), so that its build reuses the
# results of unchanged examples; `make test` and CI leave it unset: everything is executed.
REUSE_CACHE = "COURSE_TEST_EXECUTION_CACHE"


# The builds of the real site a run needs: the one the tests read ("site", executing everything
# into a fresh cache) and the reproducibility test's second one (another hash seed, no cache, so
# it executes everything again).
BUILDS = {"site": {}, "second": {"PYTHONHASHSEED": "4242", "EXECUTION_CACHE": "off"}}


def start_site_builds(folder: Path, names: list[str]) -> subprocess.Popen:
    """Build the real site into folder/NAME, one after the other, in the background; each
    folder/NAME.json gets its result."""
    jobs = []
    for name in names:
        env_vars = {"EXECUTION_CACHE": os.environ.get(REUSE_CACHE) or str(folder / "execution-cache"),
                    **BUILDS[name]}
        jobs.append([*build_command(REPO / "mkdocs.yml", folder / name, **env_vars), str(folder / f"{name}.json")])
    script = ("import json, os, subprocess, sys\n"
              "for command, env, out in json.loads(sys.argv[1]):\n"
              "    done = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)\n"
              "    open(out + '.tmp', 'w').write(json.dumps({'returncode': done.returncode,"
              " 'output': done.stdout + done.stderr}))\n"
              "    os.replace(out + '.tmp', out)\n")
    return subprocess.Popen([sys.executable, "-c", script, json.dumps(jobs)], cwd=REPO, stdin=subprocess.DEVNULL)


def site_build(tmp_path_factory, name: str, timeout: float = 900) -> tuple[Path, dict]:
    """(folder of the build NAME, its result), built here unless the run started it already."""
    folder = session_folder(tmp_path_factory)
    if not os.environ.get(SHARED):  # not started in the background: the first worker builds it
        with FileLock(folder / f"{name}.lock"):
            if not (folder / f"{name}.json").exists():
                start_site_builds(folder, [name]).wait()
    deadline = time.monotonic() + timeout
    while not (folder / f"{name}.json").exists():
        assert time.monotonic() < deadline, f"the build {folder / name} did not finish in {timeout} s"
        time.sleep(0.2)
    return folder / name, json.loads((folder / f"{name}.json").read_text())


def uses_built_site(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ()) or "site_dir" in getattr(item, "fixturenames", ())


def pytest_configure(config):
    """In the process that runs the xdist workers of `make test` (the whole suite) or `make check`:
    start building the real site now. Another run builds it when a test first needs it."""
    if hasattr(config, "workerinput") or config.option.collectonly or os.environ.get(SHARED):
        return
    whole_suite = config.args_source == pytest.Config.ArgsSource.TESTPATHS
    if not getattr(config.option, "numprocesses", None) or not (whole_suite or os.environ.get(REUSE_CACHE)):
        return
    folder = Path(tempfile.mkdtemp(prefix="course-tests-"))
    os.environ[SHARED] = str(folder)
    config._course_site_build = start_site_builds(folder, list(BUILDS) if whole_suite else ["site"])  # noqa: SLF001


def pytest_unconfigure(config):
    process = getattr(config, "_course_site_build", None)
    if process is not None:
        if process.poll() is None:
            process.kill()
        process.wait()
        shutil.rmtree(os.environ.pop(SHARED), ignore_errors=True)


# Tests that read the session's page visits (tests/browser/conftest.py), which take about a
# minute to make, run on one worker, first: it starts them as soon as the site is built.
PAGE_VISITS = ("tests/browser/test_pages.py::",
               "tests/browser/test_accessibility.py::test_no_serious_or_critical_axe_violation")


def pytest_collection_modifyitems(config, items):
    """The page visits first (the longest piece of work: one worker waits for the site and makes
    them while the other runs the tests that need no site), then the tests that need no site,
    then the rest."""
    items.sort(key=lambda item: (not item.nodeid.startswith(PAGE_VISITS), uses_built_site(item)))


def work_unit(nodeid: str) -> str:
    """Which tests go to one xdist worker together: those sharing the page visits; each browser
    module's tests (they share a module-scoped tab, PDF or build) and the labs' (each lab is run
    once per module); the tests of one class (they share a class-scoped fixture); every other
    test alone."""
    if nodeid.startswith(PAGE_VISITS):
        return "page visits"
    if nodeid.startswith(("tests/browser/", "tests/test_labs.py::")):
        return nodeid.split("::")[0]
    parts = nodeid.split("::")
    if len(parts) > 2 and parts[1].startswith("Test"):
        return "::".join(parts[:2])
    return nodeid


def pytest_xdist_make_scheduler(config, log):
    """`-n` without `--dist`: xdist's scope scheduling, with the work units above, in collection
    order. (xdist_group markers would say the same, but xdist 3.8 cannot set them on pytest 9.)"""
    if config.getvalue("dist") not in ("load", "no"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixturesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return SharedFixturesTogether(config, log)


def session_folder(tmp_path_factory) -> Path:
    """A folder of this run that every xdist worker sees."""
    if os.environ.get(SHARED):
        return Path(os.environ[SHARED])
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test run with --strict, executing every example and lab
    (from an empty cache); fails loudly on any warning."""
    site, result = site_build(tmp_path_factory, "site")
    output = result["output"]
    assert result["returncode"] == 0, f"mkdocs build --strict failed:\n{output}"
    warnings = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "build warnings:\n" + "\n".join(warnings)
    return site


@pytest.fixture(scope="session")
def execution_cache(built_site, tmp_path_factory) -> Path:
    """The execution cache that the session's build of the real site filled (from empty, unless
    `make check` asked it to reuse the developer's)."""
    return Path(os.environ.get(REUSE_CACHE) or session_folder(tmp_path_factory) / "execution-cache")


def site_maker(tmp_path: Path):
    """A function that writes a small site in `tmp_path` that inherits mkdocs.yml (theme, hooks,
    extensions, strictness) and contains only the given pages, and builds it."""

    def make(pages: dict[str, str], extra_config: str = "", snippets: dict[str, str] | None = None,
             **env_vars: str) -> subprocess.CompletedProcess:
        """`snippets`: the site's own snippets/ folder (file name -> code) instead of the real one.
        A site of Markdown pages alone, with the real snippets and no settings, is built in this
        process (the messages are the same); one with notebooks, its own snippets or settings (a
        time limit, a cache) in a new process, as `make build` does."""
        for name in ("hooks", "includes", "overrides") + (() if snippets else ("snippets",)):
            if not (tmp_path / name).exists():
                (tmp_path / name).symlink_to(REPO / name)
        for name, code in (snippets or {}).items():
            (tmp_path / "snippets").mkdir(exist_ok=True)
            (tmp_path / "snippets" / name).write_text(code)
        docs = tmp_path / "docs"
        if not (docs / "assets").exists():
            (docs / "assets").mkdir(parents=True)
            for asset in (DOCS / "assets").iterdir():
                (docs / "assets" / asset.name).symlink_to(asset)
        for name, text in pages.items():
            (docs / name).parent.mkdir(parents=True, exist_ok=True)
            (docs / name).write_text(text)
        nav = "\n".join(f"  - {name}" for name in pages if not name.startswith("snippets"))
        config = tmp_path / "mkdocs.yml"
        config.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\nnav:\n{nav}\n{extra_config}")
        # A throw-away site has no git history to date its pages from.
        separate = snippets or env_vars or any(name.endswith(".ipynb") for name in pages)
        builder = mkdocs_build if separate else mkdocs_build_in_process
        return builder(config, tmp_path / "site", **{"GIT_DATES": "false", **env_vars})

    return make


@pytest.fixture
def make_site(tmp_path):
    """site_maker in the test's own temporary folder."""
    return site_maker(tmp_path)
