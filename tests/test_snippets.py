"""Every example runs on its own, as a reader would run it: `python snippets/NAME.py`."""

import subprocess
import sys

import pytest

from conftest import REPO, SNIPPETS

SCRIPTS = sorted(path for path in SNIPPETS.glob("*.py") if not path.name.startswith("_"))


def test_there_are_examples():
    assert SCRIPTS, "snippets/ holds no example"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_snippet_runs_alone(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(script.relative_to(REPO))], cwd=REPO, capture_output=True,
        text=True, timeout=60, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stderr}"
    assert result.stdout.strip(), f"{script.name} printed nothing"
