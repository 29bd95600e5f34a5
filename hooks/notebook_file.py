"""Reading a lab's notebook file, for the hooks that need its cells or metadata
(hooks/execution.py, hooks/notebooks.py, hooks/page_meta.py). Not a hook itself: the hooks import
it (MkDocs puts hooks/ on the import path while it loads them).

A notebook is read as JSON, not with nbformat, which takes a third of a second to import and is
needed only when a lab runs. A file that is not valid JSON stops the build naming the file, the
line and the column, instead of a traceback from whichever hook read it first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mkdocs.exceptions import PluginError


def shown(path: Path) -> str:
    """The path as a contributor types it: relative to the folder the build runs in."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive
        return str(path)


def read_notebook(path: str | Path) -> dict:
    return parse_notebook(Path(path).read_text(encoding="utf-8"), Path(path))


def parse_notebook(text: str, path: Path) -> dict:
    """The notebook in `text`, read from `path` (named in the error)."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise PluginError(f"{shown(path)}:{error.lineno}: not a notebook: invalid JSON ({error.msg}, "
                          f"column {error.colno})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise PluginError(f'{shown(path)}: not a notebook: no list of "cells"')
    return notebook


def cell_source(cell: dict) -> str:
    """A cell's text (stored as one string or as a list of lines)."""
    return "".join(cell.get("source", ""))


def code_cells(notebook: dict) -> list[str]:
    """The code of the notebook's code cells, in order."""
    return [cell_source(cell) for cell in notebook["cells"] if cell.get("cell_type") == "code"]
