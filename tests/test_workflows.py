"""The GitHub workflows pass two checkers no one here wrote, with no finding: GitHub's workflow
schema (check-jsonschema's bundled copy, `--builtin-schema vendor.github-workflows`) and zizmor's
security audits (`zizmor --offline`). pre-commit runs both on every change to .github/workflows/
(`make lint`, the first step of `make test`); these tests prove that each would fail on a bad
workflow, and that pre-commit runs them over the workflows."""

from __future__ import annotations

import subprocess

import yaml

from conftest import BIN, REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))

# Valid YAML that GitHub rejects: a step with neither `run` nor `uses`, and an unknown key.
NOT_A_WORKFLOW = """name: broken
on: [push]
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - name: does nothing
    timeout: 30
"""
# A workflow GitHub accepts, with a classic injection: the pull request's title runs as shell.
INJECTABLE = """name: greet
on:
  pull_request_target:
permissions:
  contents: read
jobs:
  greet:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
"""


def schema_check(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, paths)], capture_output=True, text=True, timeout=120)


def zizmor(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_the_workflows_match_github_s_schema_and_a_broken_one_does_not(tmp_path):
    """One run of the checker over the real workflows and two planted ones (the control): only the
    one GitHub would reject is reported."""
    assert WORKFLOWS, "no workflow found"
    broken, injectable = tmp_path / "broken.yml", tmp_path / "injectable.yml"
    broken.write_text(NOT_A_WORKFLOW)
    injectable.write_text(INJECTABLE)
    done = schema_check(*WORKFLOWS, injectable, broken)
    report = done.stdout + done.stderr
    assert done.returncode != 0 and str(broken) in report, report
    accepted = [*WORKFLOWS, injectable]
    assert not [path.name for path in accepted if str(path) in report], report


def test_zizmor_finds_nothing_in_the_workflows():
    done = zizmor(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_flags_an_injection(tmp_path):
    """The control: the pull request's title run as shell is a finding."""
    injectable = tmp_path / "injectable.yml"
    injectable.write_text(INJECTABLE)
    flagged = zizmor(injectable)
    assert flagged.returncode != 0 and "template-injection" in flagged.stdout + flagged.stderr, flagged.stdout


def test_pre_commit_runs_both_over_the_workflows():
    hooks = {hook["id"]: hook for repo in yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())["repos"]
             for hook in repo["hooks"]}
    assert "--builtin-schema vendor.github-workflows" in hooks["workflow-schema"]["entry"]
    assert "zizmor --offline" in hooks["zizmor"]["entry"]
    for hook in ("workflow-schema", "zizmor"):
        assert hooks[hook]["files"].startswith(r"^\.github/workflows/"), hooks[hook]
