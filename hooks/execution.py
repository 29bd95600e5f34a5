"""Running the examples: each `exec` fence and each lab notebook runs once per change of what its
output depends on, stops at a time limit naming itself, and prints no kernel noise.

- **Cache.** An execution result is stored under a key that covers everything its output depends
  on: the fence's code (after snippet includes are expanded, and in a markdown-exec session every
  earlier fence of the session on the page) or the notebook file; every module of snippets/ it
  imports, transitively; every data file under snippets/; requirements.txt (the pinned versions);
  the Python version; and the code of hooks/ itself. Changing any of them changes the key, so a
  result is reused only when it would come out the same. Errors are never stored. The cache is
  the folder `.cache/execution/` (git ignores it), so a clean clone, and CI, execute everything;
  EXECUTION_CACHE=off turns it off, EXECUTION_CACHE=PATH moves it.
- **Time limit.** A fence or a notebook cell that runs longer than `extra.execution.timeout`
  seconds (mkdocs.yml; EXAMPLE_TIMEOUT overrides it) stops the build with the page, the fence's
  line (or the cell's id) and the limit. One that allocates past `extra.execution.memory_mb`
  (EXAMPLE_MEMORY_MB overrides it) gets a MemoryError, reported the same way.
- **Notebooks** that `extra.execution.labs` names are pages (labs/NAME.ipynb -> labs/NAME/), the
  notebook copied beside its page. They are executed here with nbclient, with consecutive stream
  outputs merged (nbclient's coalesce_streams), so the page does not depend on when the kernel
  flushed its output. Kernels talk over local IPC sockets, so they print no warning about
  unencrypted TCP. They start as soon as the build knows its files, beside the thread that
  renders the pages (and runs the fences), one lab at a time per core but one; the labs' pages
  are read last, so that the other pages are read while the labs run. mkdocs-jupyter's converter
  renders the executed notebook and reads its headings; it is a library here, imported only when
  a lab's rendering is not in the cache (its MkDocs plugin imported nbconvert and jupytext, about
  a second, on every build).
- **Threads.** Each example's numpy gets one BLAS thread (OPENBLAS_NUM_THREADS and the like, if
  not set already), since fences and kernels already run side by side.
- **`make serve`** watches snippets/ (`watch:` in mkdocs.yml). With `--dirty` MkDocs re-renders
  only pages whose own file changed; after a snippet (or data file) changes, this hook marks every
  page and lab that includes or imports it, directly or through another snippet, as changed too.

markdown-exec has no such options; the hook wraps its Python runner and fails loudly if that is no
longer where it expects.
"""

from __future__ import annotations

import ast
import ctypes
import hashlib
import json
import logging
import os
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from notebook_file import code_cells, parse_notebook, read_notebook

log = logging.getLogger("mkdocs.hooks.execution")
HOOKS = Path(__file__).resolve().parent
REPO = HOOKS.parent
EXEC_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*python\b[^\n]*\bexec=\"(?:on|1|true)\"")
state = {
    "cache": None,  # Path, or None when the cache is off
    "timeout": 60,
    "memory_mb": 4096,
    "root": REPO,  # the folder of mkdocs.yml
    "snippets": REPO / "snippets",
    "page": None,  # "docs/x.md" of the page being rendered
    "fence_lines": [],  # source-file lines of that page's exec fences, in order
    "fence_count": 0,
    "sessions": {},  # session name -> list of the codes run in it so far on this page
    "live_sessions": set(),  # sessions whose globals hold what their history computed
    "executed": 0,
    "reused": 0,
    "seconds": 0.0,  # spent executing in this build
    "dirty": False,  # a `mkdocs serve --dirty` build
    "labs": {},  # lab path -> the Future of its execution, started in on_files
    "labs_pattern": "labs/*.ipynb",  # which notebooks are labs (extra.execution.labs)
    "kernel": "python3",  # the Jupyter kernel they run in (extra.execution.kernel)
}


class ExampleTimeout(Exception):  # noqa: N818 - read in tracebacks as what happened
    """The example ran longer than the time limit (extra.execution.timeout in mkdocs.yml)."""


# ---------------------------------------------------------------------------------------------
# The key.

@cache
def imported_modules(code: str) -> tuple[str, ...]:
    """The top-level module names that `code` imports (kept per code text: parsing every snippet
    again for every fence was a fifth of a `make serve` rebuild)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ()
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module.split(".")[0])
    return tuple(names)


def imported_snippets(code: str, snippets: Path) -> list[Path]:
    """Every module of snippets/ that `code` imports, directly or through another snippet."""
    found: dict[Path, None] = {}
    pending = [code]
    while pending:
        for name in imported_modules(pending.pop()):
            path = snippets / f"{name}.py"
            if path.is_file() and path not in found:
                found[path] = None
                pending.append(path.read_text(encoding="utf-8"))
    return sorted(found)


def environment_digest(root: Path) -> str:
    """What every result depends on besides its own code: the Python version, the project's
    pinned requirements, its hooks' code and the data files under snippets/."""
    digest = hashlib.sha256(sys.version.encode())
    data = sorted(path for path in (root / "snippets").rglob("*")
                  if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts)
    for path in [root / "requirements.txt", *sorted((root / "hooks").glob("*.py")), *data]:
        digest.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def cache_key(kind: str, sources: list[str], options: str = "") -> str:
    snippets = state["snippets"]
    digest = hashlib.sha256(f"{kind}\0{options}\0{environment_digest(state['root'])}".encode())
    for source in sources:
        digest.update(b"\0source\0" + source.encode())
    for path in imported_snippets("\n".join(sources), snippets):
        digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def cache_read(key: str, suffix: str) -> str | None:
    if state["cache"] is None:
        return None
    path = state["cache"] / f"{key}{suffix}"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def cache_write(key: str, suffix: str, text: str) -> None:
    if state["cache"] is None:
        return
    state["cache"].mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=state["cache"], delete=False,
                                     suffix=".tmp") as handle:
        handle.write(text)
    os.replace(handle.name, state["cache"] / f"{key}{suffix}")


# ---------------------------------------------------------------------------------------------
# Limits.

@contextmanager
def time_limit(seconds: float):
    """Raise ExampleTimeout in this thread if the block runs longer than `seconds` (works in any
    thread, also under `mkdocs serve`; a single C call that never returns cannot be interrupted)."""
    thread_id = threading.get_ident()
    expired = threading.Event()

    def expire():
        expired.set()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(ExampleTimeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()
        if expired.is_set():  # the exception may still be pending if the block ended just then
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


def limit_memory() -> None:
    """In a kernel process, before it starts: at most memory_mb of data (heap and anonymous maps)."""
    limit = state["memory_mb"] * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


@contextmanager
def memory_limit():
    """The same limit for this process while a fence runs, restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = state["memory_mb"] * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


# ---------------------------------------------------------------------------------------------
# exec fences (markdown-exec).

def fence_place() -> str:
    lines = state["fence_lines"]
    number = state["fence_count"]
    line = lines[number - 1] if 0 < number <= len(lines) else None
    where = f"{state['page']}:{line}" if line else f"{state['page']}"
    return f"{where}: exec fence {number}"


def wrap_markdown_exec() -> None:
    from markdown_exec._internal.formatters import base, python

    if not hasattr(python, "_run_python") or not hasattr(base, "ExecutionError"):
        raise PluginError("hooks/execution.py: markdown-exec no longer has _run_python; update the hook")
    original = getattr(python._run_python, "__wrapped__", python._run_python)

    def run_python(code, returncode=None, session=None, id=None, **extra):  # noqa: A002 - markdown-exec's name
        state["fence_count"] += 1
        place = fence_place()
        history = state["sessions"].setdefault(session, []) if session else []
        sources = [*history, code]
        key = cache_key("fence", sources, repr((session, id, sorted(extra.items()))))
        if session:
            history.append(code)
        cached = cache_read(key, ".json")
        if cached is not None:
            state["reused"] += 1
            if session:
                state["live_sessions"].discard(session)
            return json.loads(cached)["output"]
        if session and session not in state["live_sessions"]:
            # Earlier fences of the session were reused: run them again (quietly) for its globals.
            python._sessions_globals.pop(session, None)
            for earlier in sources[:-1]:
                run_limited(original, earlier, place, session=session, id=id, **extra)
        started = time.perf_counter()
        output = run_limited(original, code, place, returncode=returncode, session=session, id=id, **extra)
        state["seconds"] += time.perf_counter() - started
        if session:
            state["live_sessions"].add(session)
        state["executed"] += 1
        cache_write(key, ".json", json.dumps({"output": output}))
        return output

    def run_limited(run, code, place, **kwargs):
        try:
            with time_limit(state["timeout"]) as expired, memory_limit():
                return run(code, **kwargs)
        except base.ExecutionError as error:
            if expired.is_set():
                raise base.ExecutionError(
                    f"{error}\n{place} ran longer than the limit of {state['timeout']:g} s "
                    "(extra.execution.timeout in mkdocs.yml) and was stopped", error.returncode) from error
            if "MemoryError" in str(error):
                raise base.ExecutionError(
                    f"{error}\n{place} allocated more than the limit of {state['memory_mb']} MB "
                    "(extra.execution.memory_mb in mkdocs.yml)", error.returncode) from error
            raise base.ExecutionError(f"{error}\n{place} raised (see the traceback above)",
                                      error.returncode) from error

    run_python.__wrapped__ = original
    python._run_python = run_python


# ---------------------------------------------------------------------------------------------
# Notebooks (mkdocs-jupyter renders; this runs them).

def execute_notebook(path: Path, kernel_name: str) -> str:
    """The notebook at `path`, executed, as JSON (from the cache when its inputs are unchanged)."""
    where = f"docs/{path.relative_to(state['docs_dir']).as_posix()}" if path.is_relative_to(
        state["docs_dir"]) else str(path)
    source = path.read_text(encoding="utf-8")
    key = cache_key("notebook", [source, *code_cells(parse_notebook(source, path))], kernel_name)
    cached = cache_read(key, ".ipynb")
    if cached is not None:
        with counting:
            state["reused"] += 1
        return cached
    import nbformat

    notebook = nbformat.reads(source, as_version=4)
    started = time.perf_counter()
    run_notebook(notebook, path, where, kernel_name)
    executed = nbformat.writes(notebook)
    with counting:
        state["seconds"] += time.perf_counter() - started
        state["executed"] += 1
    cache_write(key, ".ipynb", executed)
    return executed


# Labs run beside the pages: each lab's kernel (a process of its own) starts when the build learns
# its files, and the lab's page takes the result when mkdocs-jupyter renders it, so a cold build
# waits for the labs and the pages' fences side by side, not one after the other. Errors (a cell
# that raises, a time limit) reach the build when the lab's page is rendered, as before.
counting = threading.Lock()


def start_labs(files) -> None:
    # `serve --dirty` renders the changed labs only.
    labs = [Path(file.abs_src_path).resolve() for file in files.documentation_pages()
            if isinstance(file, LabFile) and (not state["dirty"] or file.is_modified())]
    if not labs:
        return
    # One core is left to the pages and their fences (this thread): on 2 cores, one kernel at a
    # time made a cold build about 3 s (a tenth) faster than two.
    workers = min(len(labs), max(1, (os.cpu_count() or 1) - 1))
    state["lab_pool"] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lab")
    state["labs"] = {lab: state["lab_pool"].submit(execute_notebook, lab, state["kernel"]) for lab in labs}


def stop_labs(wait: bool) -> None:
    pool = state.pop("lab_pool", None)
    state["labs"] = {}
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


def run_notebook(notebook, path: Path, where: str, kernel_name: str) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from traitlets.config import Config

    current = {"cell": None}
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        # Local IPC sockets rather than TCP: the kernel then has no reason to warn about encryption.
        sockets_config = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "ipc")}})
        client = NotebookClient(
            notebook, config=sockets_config, timeout=int(state["timeout"]), allow_errors=False,
            record_timing=False, coalesce_streams=True, kernel_name=kernel_name,
            # At the limit the kernel is interrupted (so it shuts down quietly) and the cell fails.
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "ExampleTimeout", "evalue": f"past {state['timeout']:g} s", "traceback": []},
            resources={"metadata": {"path": str(path.parent)}},
            on_cell_start=lambda cell, cell_index: current.update(cell=cell.get("id", f"#{cell_index + 1}")),
        )
        try:
            client.execute(preexec_fn=limit_memory)
        except (CellTimeoutError, CellExecutionError) as error:
            if isinstance(error, CellExecutionError) and getattr(error, "ename", "") != "ExampleTimeout":
                raise PluginError(notebook_error(where, current["cell"], error)) from error
            raise PluginError(f'{where}: cell "{current["cell"]}" ran longer than the limit of '
                              f"{state['timeout']:g} s (extra.execution.timeout in mkdocs.yml) and was "
                              "stopped") from error


def notebook_error(where: str, cell_id: str, error: Exception) -> str:
    memory = (f" (past the limit of {state['memory_mb']} MB, extra.execution.memory_mb in mkdocs.yml)"
              if "MemoryError" in str(error) else "")
    return f'{where}: cell "{cell_id}" raised{memory}:\n{error}'


# ---------------------------------------------------------------------------------------------
# Labs as pages. mkdocs-jupyter serves as a library: its converter renders each executed notebook
# and reads the notebook's headings for the table of contents. Importing it (nbconvert, jupytext)
# takes about a second, and its MkDocs plugin did that on every build; here it is imported only
# when a lab's rendering is not in the cache, so a build with nothing changed does not load it.

class LabFile(File):
    """A notebook that MkDocs builds as a page: labs/NAME.ipynb -> labs/NAME/index.html."""

    def is_documentation_page(self) -> bool:
        return True


def as_lab_pages(files: Files, config) -> Files:
    """The files, with the notebooks that `extra.execution.labs` names made pages, and put last:
    MkDocs reads (renders) pages in the order of its files, and a lab's page waits for its
    notebook to run, so the pages before it (and their fences) are read while the labs' kernels
    run beside them. on_env puts the files back in their order before the site is written."""
    pattern = state["labs_pattern"]
    state["file_order"] = [file.src_uri for file in files]
    pages = [LabFile(file.src_uri, file.src_dir, config["site_dir"], config["use_directory_urls"],
                     inclusion=file.inclusion)
             if file.src_uri.endswith(".ipynb") and PurePosixPath(file.src_uri).match(pattern)
             and not isinstance(file, LabFile) else file
             for file in files]
    return Files(sorted(pages, key=lambda file: isinstance(file, LabFile)))  # sorted() keeps the rest in order


def in_source_order(files: Files) -> None:
    """The files back in the order MkDocs listed them (what it writes in that order, the search
    index and the sitemap, is then the same as without as_lab_pages' reordering)."""
    order = {src_uri: number for number, src_uri in enumerate(state.get("file_order", []))}
    for file in sorted(files, key=lambda file: order.get(file.src_uri, len(order))):
        files.remove(file)
        files.append(file)


def rendered_lab(path: Path) -> tuple[str, list[dict], str | None]:
    """The lab's page body (its notebook executed and rendered), its table of contents (as
    MkDocs' toc tokens) and its title (the first level-1 heading), each from the cache when what
    it is made from is unchanged."""
    started = state["labs"].pop(path, None)
    executed = started.result() if started is not None else execute_notebook(path, state["kernel"])
    key = cache_key("rendered", [executed], repr(LAB_RENDERING))
    html = cache_read(key, ".html")
    if html is None:
        from mkdocs_jupyter import convert

        with tempfile.TemporaryDirectory(prefix="executed-") as folder:
            copy = Path(folder) / path.name
            copy.write_text(executed, encoding="utf-8")
            html = convert.nb2html(str(copy), execute=False, **LAB_RENDERING)
        cache_write(key, ".html", html)
    source = path.read_text(encoding="utf-8")
    key = cache_key("contents", [source], f"toc_depth={TOC_DEPTH}")
    contents = cache_read(key, ".json")
    if contents is None:
        contents = json.dumps(lab_contents(path))
        cache_write(key, ".json", contents)
    tokens = json.loads(contents)
    title = next((token["name"] for token in tokens if token["level"] == 1), None)
    return html, tokens, title


# What mkdocs-jupyter's plugin passed with this site's settings (no MathJax: hooks/mathml.py).
LAB_RENDERING = {"theme": "", "show_input": True, "no_input": False, "no_prompt": False,
                 "remove_tag_config": {}, "highlight_extra_classes": "", "include_requirejs": False,
                 "custom_mathjax_url": ""}
TOC_DEPTH = 6


def lab_contents(path: Path) -> list[dict]:
    """The notebook's headings as MkDocs toc tokens, made as mkdocs-jupyter makes them: its
    Markdown cells converted to Markdown, then read by Python-Markdown's toc extension."""
    import markdown
    from markdown.extensions.toc import TocExtension
    from mkdocs_jupyter import convert

    md = markdown.Markdown(extensions=[TocExtension(toc_depth=TOC_DEPTH)])
    md.convert(convert.nb2md(str(path)))
    return md.toc_tokens


def render_lab_page(page, config, files) -> None:
    """Page.render for a lab (MkDocs would read the notebook's JSON as Markdown)."""
    page.content, tokens, title = rendered_lab(Path(page.file.abs_src_path).resolve())
    page.toc = get_toc(tokens)
    if title is not None:
        page.title = title


# ---------------------------------------------------------------------------------------------
# MkDocs events.

# The pages' fences (in this process) and a lab's kernel (in another) run at the same time, and
# numpy's BLAS would start a thread per core in each: they fought over the cores (a cold build
# here: about 28 s with that, 25.5 s with one thread each, the same site). Set before any example
# imports numpy, and only where the caller has not chosen; kernels inherit it.
# tests/conftest.py calls this too, for the examples' tests that pytest runs a worker per core.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread_each() -> None:
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")


def on_config(config):
    one_blas_thread_each()
    settings = config["extra"].get("execution", {})
    state["timeout"] = float(os.environ.get("EXAMPLE_TIMEOUT") or settings.get("timeout", 60))
    state["memory_mb"] = int(os.environ.get("EXAMPLE_MEMORY_MB") or settings.get("memory_mb", 4096))
    root = Path(config["config_file_path"]).resolve().parent
    state["root"] = root
    state["snippets"] = root / "snippets"
    state["docs_dir"] = Path(config["docs_dir"]).resolve()
    where = os.environ.get("EXECUTION_CACHE", str(settings.get("cache", ".cache/execution")))
    state["cache"] = None if where.lower() in ("off", "false", "0", "") else (root / where)
    # Other hooks keep what they make in the same folder, on the same terms (hooks/mathml.py: the
    # math font's subset); None when the cache is off.
    config["extra"].setdefault("execution", {})["cache_folder"] = state["cache"]
    state["labs_pattern"] = settings.get("labs", "labs/*.ipynb")
    state["kernel"] = settings.get("kernel", "python3")
    wrap_markdown_exec()
    return config


def on_startup(command, dirty):
    state["dirty"] = dirty


def on_pre_build(config):
    state["executed"] = state["reused"] = 0
    state["seconds"] = 0.0


INCLUDED = re.compile(r'-{1,}8<-{1,}\s+"snippets/(?P<name>[\w-]+)\.py')
IMPORTED = re.compile(r"^\s*(?:from|import)\s+(?P<name>\w+)", re.MULTILINE)


def snippets_of_page(path: Path) -> set[Path]:
    """The snippets a page or lab shows, runs or imports, directly or through other snippets."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join(code_cells(read_notebook(path)))
    names = {match["name"] for pattern in (INCLUDED, IMPORTED) for match in pattern.finditer(text)}
    direct = [state["snippets"] / f"{name}.py" for name in names if (state["snippets"] / f"{name}.py").is_file()]
    return set(direct) | set(imported_snippets("\n".join(f"import {p.stem}" for p in direct), state["snippets"]))


def snippet_stamps() -> dict[Path, float]:
    return {path: path.stat().st_mtime for path in state["snippets"].rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


def on_files(files, config):
    files = as_lab_pages(files, config)
    mark_pages_of_changed_snippets(files)
    start_labs(files)
    return files


def on_env(env, config, files):
    in_source_order(files)
    return env


def on_pre_page(page, config, files):
    if isinstance(page.file, LabFile):
        page.render = types.MethodType(render_lab_page, page)
    return page


def mark_pages_of_changed_snippets(files) -> None:
    """Between two builds of `mkdocs serve`: pages depending on a changed snippet count as changed."""
    stamps, previous = snippet_stamps(), state.get("stamps")
    state["stamps"] = stamps
    if previous is None:
        return
    changed = {path for path in stamps.keys() | previous.keys() if stamps.get(path) != previous.get(path)}
    if not changed:
        return
    data_changed = any(path.suffix != ".py" for path in changed)
    for file in files.documentation_pages():
        if not file.abs_src_path or not os.path.isfile(file.abs_dest_path):
            continue
        uses = snippets_of_page(Path(file.abs_src_path))
        if uses & changed or (data_changed and uses):
            os.utime(file.abs_dest_path, (0, 0))  # older than its source: --dirty renders it again


def source_lines_of_fences(page) -> list[int]:
    """Lines, in the source file (front matter counted), of the page's exec fences."""
    text = Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path else ""
    return [number for number, line in enumerate(text.split("\n"), start=1) if EXEC_FENCE.match(line)]


def on_page_markdown(markdown, page, config, files):
    state["page"] = f"docs/{page.file.src_uri}"
    state["fence_lines"] = source_lines_of_fences(page)
    state["fence_count"] = 0
    state["sessions"] = {}
    state["live_sessions"] = set()
    return markdown


def on_post_page(output, page, config):
    if isinstance(page.file, LabFile):  # the notebook beside its page, for "Download the notebook"
        folder = Path(page.file.abs_dest_path).parent
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page.file.abs_src_path, folder / PurePosixPath(page.file.src_uri).name)
    return output


def on_build_error(error):
    stop_labs(wait=False)


def on_post_build(config):
    stop_labs(wait=True)
    # The benchmark reads this line: a cold build's time is the build's plus these seconds.
    log.info(f"examples: {state['executed']} executed in {state['seconds']:.2f} s, "
             f"{state['reused']} reused from the cache")
