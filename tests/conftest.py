"""Shared fixtures: the repository's paths, a strict build of the real site, and small
throw-away sites that inherit the real configuration (for the bad-input tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SNIPPETS = REPO / "snippets"
DOCS = REPO / "docs"


def page_text(relative: str) -> str:
    """A page's Markdown (path below docs/) with every run of white space made one space, so a
    sentence is found however its lines are wrapped."""
    return " ".join((DOCS / relative).read_text().split())


def mkdocs_build(config: Path, site_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` and return the finished process (output in .stdout)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0", **env_vars}
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--config-file", str(config), "--site-dir",
         str(site_dir)],
        cwd=config.parent, env=env, capture_output=True, text=True, timeout=600,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test session with --strict; fails loudly on any warning."""
    site_dir = tmp_path_factory.mktemp("site")
    result = mkdocs_build(REPO / "mkdocs.yml", site_dir)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{output}"
    warnings = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "build warnings:\n" + "\n".join(warnings)
    return site_dir


@pytest.fixture
def make_site(tmp_path):
    """Write a small site that inherits mkdocs.yml (theme, hooks, extensions, strictness) and
    contains only the given pages; returns a function that builds it."""

    def make(pages: dict[str, str], extra_config: str = "") -> subprocess.CompletedProcess:
        for name in ("hooks", "includes", "overrides", "snippets"):
            (tmp_path / name).symlink_to(REPO / name)
        docs = tmp_path / "docs"
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
        return mkdocs_build(config, tmp_path / "site", GIT_DATES="false")

    return make
