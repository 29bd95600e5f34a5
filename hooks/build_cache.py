"""What hooks make once and reuse while its inputs stay the same: the math font's subset
(hooks/mathml.py), the trimmed notebook stylesheet (hooks/notebooks.py), the question banks
(hooks/question_banks.py). Not a hook itself: the hooks import it (MkDocs puts hooks/ on the
import path while it loads them).

Each result is kept in the examples' cache folder (hooks/execution.py chose it and hands it on in
`config["extra"]["execution"]["cache_folder"]`; None when the cache is off, and then everything is
made afresh), under a name made from a digest of everything the result depends on: the inputs the
caller passes, the source of the code that makes it, the versions of the libraries it uses and
Python's. An edit to any of them makes a new name, so nothing stale can be reused. A clean clone
has no cache folder, so CI makes everything.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path


def cache_folder(config) -> Path | None:
    """The folder hooks/execution.py chose, or None when caching is off."""
    return config["extra"].get("execution", {}).get("cache_folder")


def digest(parts: Iterable[bytes | str], code: Iterable[Path], libraries: Iterable[str]) -> str:
    key = hashlib.sha256(sys.version.encode())
    for library in libraries:
        key.update(f"\0{library} {version(library)}".encode())
    for path in code:
        key.update(b"\0" + path.read_bytes())
    for part in parts:
        key.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    return key.hexdigest()[:32]


def cached(folder: Path | None, name: str, key: str, make: Callable[[], bytes]) -> bytes:
    """make()'s bytes, read from `folder` when a build with the same key made them before.
    `name` ("math-font.woff2") gives the kept file its stem and suffix."""
    if folder is None:
        return make()
    stem, _, suffix = name.partition(".")
    path = Path(folder) / f"{stem}-{key}.{suffix}"
    if path.is_file():
        return path.read_bytes()
    result = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(result)
    os.replace(partial, path)  # whole or absent, also when two builds share the folder
    return result
