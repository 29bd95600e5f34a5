"""How the examples run when the site is built (hooks/execution.py): results are reused only while
nothing they depend on changes, and an example that hangs or allocates without bound stops the
build quickly, naming itself.

Each test builds a small throw-away site with snippets of its own. The snippets write a line to a
log file each time their code really runs, so what executed is observed, not taken from the
hook's own count."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, build_command, load_module, site_maker

PROBE_CONSTANTS = "BASE = 1\n"
PROBE_HELPER = '''import os

from probe_constants import BASE

VALUE = BASE + 1
BLAS_THREADS = os.environ.get("OPENBLAS_NUM_THREADS")  # as the example's numpy sees it


def record(what):
    with open(os.environ["PROBE_LOG"], "a") as log:
        log.write(what + "\\n")
'''
PAGE = '''---
description: A page whose example imports a snippet that imports another.
---

# Probe { #probe }

Some words.

```python exec="on" result="text" notest
import probe_helper

probe_helper.record("fence")
print(f"fence value {probe_helper.VALUE}")
print(f"fence BLAS threads {probe_helper.BLAS_THREADS}")
```

```python exec="on" result="text" session="probe" notest
import probe_helper

probe_helper.record("session-1")
doubled = 2 * probe_helper.VALUE
```

```python exec="on" result="text" session="probe" notest
probe_helper.record("session-2")
print(f"session value {doubled}")
```
'''


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({
        "cells": [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# A lab"}] + [
            {"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": None, "outputs": [],
             "source": source} for cell_id, source in cells],
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    })


LAB = notebook(
    ("setup", "import sys\nsys.path.insert(0, '../../snippets')"),
    ("probe", "import probe_helper\nprobe_helper.record('lab')\nprint('lab value', probe_helper.VALUE)\n"
              "print('lab BLAS threads', probe_helper.BLAS_THREADS)"),
)


NOTEBOOK_LIBRARIES = ("nbconvert", "nbformat", "nbclient", "jupytext", "mkdocs_jupyter")


@pytest.fixture(scope="class")
def probe_builds(tmp_path_factory):
    """One throw-away site, built five times in a row (each build is a new process, as
    `make build`, with the same cache folder); what really ran, what the pages show and which of
    the notebook libraries the build imported (Python's -X importtime list), per step: cold,
    unchanged, prose edited, a session's second fence edited, a snippet edited."""
    root = tmp_path_factory.mktemp("probe")
    make = site_maker(root)
    log = root / "executions.log"
    snippets = {"probe_constants.py": PROBE_CONSTANTS, "probe_helper.py": PROBE_HELPER}
    prose = PAGE.replace("Some words.", "Other words.")
    session = prose.replace('print(f"session value {doubled}")', 'print(f"session value {doubled + 1}")')
    steps = {"cold": (PAGE, PROBE_CONSTANTS), "unchanged": (PAGE, PROBE_CONSTANTS),
             "prose": (prose, PROBE_CONSTANTS), "session": (session, PROBE_CONSTANTS),
             "snippet": (session, "BASE = 41\n")}
    results = {}
    for step, (page, constants) in steps.items():
        log.write_text("")
        result = make({"index.md": page, "labs/probe.ipynb": LAB},
                      snippets={**snippets, "probe_constants.py": constants},
                      PROBE_LOG=str(log), EXECUTION_CACHE=str(root / "cache"), PYTHONPROFILEIMPORTTIME="1")
        assert result.returncode == 0, f"{step}: {result.stdout + result.stderr}"
        site = root / "site"
        imported = {name for name in NOTEBOOK_LIBRARIES
                    if re.search(rf"^import time:.*\|\s+{name}$", result.stderr, re.MULTILINE)}
        results[step] = (sorted(log.read_text().split()), (site / "index.html").read_text(),
                         (site / "labs" / "probe" / "index.html").read_text(), imported)
    return results


class TestReuse:
    """The builds of `probe_builds`, read step by step (one xdist worker runs the class)."""

    def test_an_unchanged_rebuild_executes_nothing_and_shows_the_same(self, probe_builds):
        runs, page, lab, _ = probe_builds["cold"]
        assert runs == ["fence", "lab", "session-1", "session-2"]
        assert "fence value 2" in page and "session value 4" in page and "lab value 2" in lab
        again, page_again, lab_again, _ = probe_builds["unchanged"]
        assert again == [], f"an unchanged rebuild executed: {again}"
        assert (page_again, lab_again) == (page, lab)

    def test_examples_run_with_one_blas_thread_each(self, probe_builds):
        """A page's fences and a lab's kernel run at the same time: numpy's BLAS gets one thread in
        each (unless the caller chose), not one per core in each."""
        _, page, lab, _ = probe_builds["cold"]
        expected = os.environ.get("OPENBLAS_NUM_THREADS", "1")
        assert f"fence BLAS threads {expected}" in page
        assert f"lab BLAS threads {expected}" in lab

    def test_an_unchanged_rebuild_does_not_import_the_notebook_libraries(self, probe_builds):
        """Its lab comes from the cache, so nbconvert and the rest (about a second) stay unloaded;
        the cold build shows that the check sees them when they are imported."""
        assert probe_builds["cold"][3] == set(NOTEBOOK_LIBRARIES)
        assert probe_builds["unchanged"][3] == set(), "an unchanged rebuild imported them"
        assert probe_builds["prose"][3] == set(), "a rebuild after a prose edit imported them"

    def test_editing_the_prose_of_a_page_executes_nothing(self, probe_builds):
        runs, page, _, _ = probe_builds["prose"]
        assert runs == [] and "Other words." in page and "fence value 2" in page

    def test_a_changed_fence_in_a_session_runs_the_fences_before_it_again(self, probe_builds):
        """The second fence of a session needs what the first computed; the first was reused."""
        runs, page, _, _ = probe_builds["session"]
        assert runs == ["session-1", "session-2"]
        assert "session value 5" in page

    def test_editing_a_snippet_that_a_lab_imports_changes_the_lab(self, probe_builds):
        """probe_constants is imported by probe_helper, which the lab and the fences import."""
        runs, page, lab, _ = probe_builds["snippet"]
        assert runs == ["fence", "lab", "session-1", "session-2"]
        assert "lab value 42" in lab and "lab value 2" not in lab
        assert "fence value 42" in page and "session value 85" in page


def load_execution_hook():
    return load_module(REPO / "hooks" / "execution.py", "execution_hook_for_tests")


def test_the_key_covers_requirements_python_data_and_the_hooks(tmp_path, monkeypatch):
    """Besides the code and the snippets it imports (the builds above): a change of the pinned
    requirements, of a hook, of a data file or of the Python version gives another key."""
    execution = load_execution_hook()
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "a_hook.py").write_text("RULE = 1\n")
    (tmp_path / "snippets" / "data").mkdir(parents=True)
    (tmp_path / "snippets" / "data" / "table.csv").write_text("a,b\n1,2\n")
    (tmp_path / "requirements.txt").write_text("numpy==2.0.0\n")
    monkeypatch.setitem(execution.state, "root", tmp_path)
    monkeypatch.setitem(execution.state, "snippets", tmp_path / "snippets")

    def key():
        return execution.cache_key("fence", ["print(1)"])

    keys = [key()]
    assert key() == keys[0]  # the same inputs, the same key
    (tmp_path / "requirements.txt").write_text("numpy==2.0.1\n")
    keys.append(key())
    (tmp_path / "hooks" / "a_hook.py").write_text("RULE = 2\n")
    keys.append(key())
    (tmp_path / "snippets" / "data" / "table.csv").write_text("a,b\n1,3\n")
    keys.append(key())
    monkeypatch.setattr(execution.sys, "version", execution.sys.version + " (another build)")
    keys.append(key())
    assert len(set(keys)) == len(keys), keys


def test_the_session_build_executed_every_lab_cell(execution_cache):
    """`make test` builds the real site from an empty cache: every code cell of every lab ran
    (what nbmake used to check separately), and the results were stored."""
    notebooks = [json.loads(path.read_text()) for path in execution_cache.glob("*.ipynb")]

    def code(notebook) -> list[str]:
        return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]

    for lab in sorted((REPO / "docs" / "labs").glob("*.ipynb")):
        runs = [executed for executed in notebooks if code(executed) == code(json.loads(lab.read_text()))]
        assert runs, f"{lab.name} was not executed by the session's build"
        for cell in runs[0]["cells"]:
            if cell["cell_type"] == "code":
                assert cell["execution_count"] is not None, f"{lab.name}: {''.join(cell['source'])[:80]}"
                assert not [out for out in cell["outputs"] if out["output_type"] == "error"]


def test_consecutive_stream_outputs_are_merged(make_site, tmp_path):
    """A cell's stdout is one output block however the kernel flushed it (here: twice)."""
    lab = notebook(("prints", "import sys\nprint('first')\nsys.stdout.flush()\nimport time\n"
                              "time.sleep(0.3)\nprint('second')"))
    result = make_site({"index.md": "# A page { #a-page }\n", "labs/streams.ipynb": lab})
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "labs" / "streams" / "index.html").read_text()
    assert re.search(r"first\s*\nsecond", html), html[-2000:]
    assert html.count('class="jp-RenderedText jp-OutputArea-output') == 1


# ---------------------------------------------------------------------------------------------
# Limits.

def test_an_exec_fence_that_loops_forever_fails_fast_and_names_itself(make_site):
    page = '# A page { #a-page }\n\nText.\n\n```python exec="on" notest\nwhile True:\n    pass\n```\n'
    start = time.monotonic()
    result = make_site({"index.md": page}, EXAMPLE_TIMEOUT="2")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert time.monotonic() - start < 60
    assert "docs/index.md:5: exec fence 1 ran longer than the limit of 2" in output, output[-3000:]
    assert "ExampleTimeout" in output


def test_a_notebook_cell_that_loops_forever_fails_fast_and_names_itself(make_site):
    lab = notebook(("fine", "x = 1"), ("spin", "while True:\n    x += 1"))
    start = time.monotonic()
    result = make_site({"index.md": "# A page { #a-page }\n", "labs/spin.ipynb": lab}, EXAMPLE_TIMEOUT="2")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert time.monotonic() - start < 60
    assert 'docs/labs/spin.ipynb: cell "spin" ran longer than the limit of 2' in output, output[-3000:]


def test_an_exec_fence_that_allocates_without_bound_is_stopped(make_site):
    page = ('# A page { #a-page }\n\n```python exec="on" notest\nblocks = []\nwhile True:\n'
            '    blocks.append(bytearray(50_000_000))\n```\n')
    result = make_site({"index.md": page}, EXAMPLE_MEMORY_MB="1500", EXAMPLE_TIMEOUT="30")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/index.md:3: exec fence 1 allocated more than the limit of 1500 MB" in output, output[-3000:]


def test_a_notebook_cell_that_allocates_without_bound_is_stopped(make_site):
    lab = notebook(("grow", "blocks = []\nwhile True:\n    blocks.append(bytearray(50_000_000))"))
    result = make_site({"index.md": "# A page { #a-page }\n", "labs/grow.ipynb": lab},
                       EXAMPLE_MEMORY_MB="1500", EXAMPLE_TIMEOUT="30")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'docs/labs/grow.ipynb: cell "grow" raised (past the limit of 1500 MB' in output, output[-3000:]
    assert "MemoryError" in output


# ---------------------------------------------------------------------------------------------
# make serve.

def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.3)
    return False


def test_serve_rerenders_the_pages_and_labs_that_use_an_edited_snippet(make_site, tmp_path):
    """`make serve` (--dirty) watches snippets/, and a change there re-renders what uses it."""
    snippets = {"probe_constants.py": PROBE_CONSTANTS, "probe_helper.py": PROBE_HELPER}
    other = ("---\ndescription: A page no save changes.\n---\n\n# Untouched chapter { #other }\n\n"
             "Words of the other page.\n")
    written = make_site({"index.md": PAGE, "other.md": other, "labs/probe.ipynb": LAB}, snippets=snippets,
                        PROBE_LOG=str(tmp_path / "executions.log"), EXECUTION_CACHE=str(tmp_path / "cache"))
    assert written.returncode == 0, written.stdout + written.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command, env = build_command(tmp_path / "mkdocs.yml", tmp_path / "unused")
    command = [command[0], "serve", "--dirty", "--no-strict", "--config-file",
               str(tmp_path / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"]
    env.update(GIT_DATES="false", PROBE_LOG=str(tmp_path / "executions.log"),
               EXECUTION_CACHE=str(tmp_path / "cache"))
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/why-sft-is-not-enough/"
        assert wait_for(base, "fence value 2"), "mkdocs serve did not serve the page"
        titles = fetch(base + "print_page/").count("Untouched chapter")  # contents, heading, navigation
        (tmp_path / "snippets" / "probe_constants.py").write_text("BASE = 41\n")
        assert wait_for(base, "fence value 42", 30), "the page was not rebuilt after its snippet changed"
        assert wait_for(base + "labs/probe/", "lab value 42", 30), "the lab was not rebuilt after its snippet changed"
        # The print edition still holds every page, the ones the rebuild did not read too.
        printed = fetch(base + "print_page/")
        assert "fence value 42" in printed and "lab value 42" in printed
        assert "Words of the other page." in printed, "the print edition lost the pages the rebuild did not read"
        assert printed.count("Untouched chapter") == titles >= 2, "a page the rebuild did not read lost its title"
        # docs/ is still watched by the faster observer of hooks/build_context.py.
        (tmp_path / "docs" / "other.md").write_text(other.replace("Words of", "Edited words of"))
        assert wait_for(base + "other/", "Edited words of the other page.", 30), "a page's save was not seen"
        # print-site's work on each page is kept between rebuilds (hooks/print_edition.py), never its old text.
        assert wait_for(base + "print_page/", "Edited words of the other page.", 30), \
            "the print edition kept the old text of an edited page"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_labs_start_in_threads_of_their_own_when_the_build_learns_its_files(tmp_path, monkeypatch):
    """The labs' notebooks become pages, and start_labs runs every lab (under `serve --dirty`, the
    changed ones only) beside the pages; a lab's page then takes that result instead of running
    the lab again."""
    import threading

    from mkdocs.structure.files import File, Files

    execution = load_execution_hook()
    ran = []

    def execute_notebook(path, kernel_name):
        ran.append((path.name, kernel_name, threading.current_thread().name))
        return f"executed {path.name}"

    monkeypatch.setattr(execution, "execute_notebook", execute_notebook)
    docs, site = tmp_path / "docs", tmp_path / "site"
    names = ["labs/a.ipynb", "labs/b.ipynb", "page.md", "other/c.ipynb"]
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("{}")
    files = execution.as_lab_pages(Files([File(name, str(docs), str(site), True) for name in names]),
                                   {"site_dir": str(site), "use_directory_urls": True})
    # Labs are read last (their kernels run while the pages before them are read); other/ is not
    # labs/*.ipynb. The site is written in MkDocs' order.
    assert [file.dest_uri for file in files.documentation_pages()] == [
        "page/index.html", "labs/a/index.html", "labs/b/index.html"]
    execution.in_source_order(files)
    assert [file.src_uri for file in files] == names
    assert [file.dest_uri for file in files.documentation_pages()] == [
        "labs/a/index.html", "labs/b/index.html", "page/index.html"]
    built_a = Path(files.get_file_from_path("labs/a.ipynb").abs_dest_path)  # a's page is newer than a
    built_a.parent.mkdir(parents=True)
    built_a.write_text("")
    os.utime(built_a, (time.time() + 60, time.time() + 60))
    for dirty, expected in ((False, ["a.ipynb", "b.ipynb"]), (True, ["b.ipynb"])):
        ran.clear()
        monkeypatch.setitem(execution.state, "dirty", dirty)
        execution.start_labs(files)
        started = execution.state["labs"]
        assert sorted(path.name for path in started) == expected
        assert [future.result() for future in started.values()] == [f"executed {name}" for name in expected]
        assert all(kernel == "python3" and thread.startswith("lab") for _, kernel, thread in ran)
        execution.stop_labs(wait=True)
