"""Bad input fails loudly and names the place: each defect is put into a small throw-away site
(inheriting the real configuration) or a throw-away file, and the failure message is checked."""

import json
import subprocess
import sys

import pytest

from conftest import REPO


def page(body: str) -> str:
    return f"# A page {{ #a-page }}\n\nSome text.\n\n{body}\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[a link](missing.md)", ["index.md", "missing.md", "not found"]),
        ("[an anchor](#no-such-heading)", ["index.md", "#no-such-heading", "no such anchor"]),
        ('--8<-- "snippets/no_such_example.py"', ["docs/index.md:5", "no_such_example.py", "not found"]),
        ('--8<-- "snippets/toy_model.py:no_such_section"', ["docs/index.md:5", "no_such_section"]),
        ("```quiz\nA question?\n\n- [ ] One\n    Because.\n- [ ] Two\n    Because.\n```",
         ["docs/index.md:6", "exactly one option"]),
        ("```quiz\nA question?\n\n- [x] One\n- [ ] Two\n    Because.\n```",
         ["docs/index.md:8", "has no explanation"]),
        ('```python exec="on" notest\nraise ValueError("example broke")\n```',
         ["docs/index.md", "markdown_exec", "example broke"]),
        (r"A formula \( \frac{1}{ \).", ["docs/index.md", "cannot render the formula"]),
        (r"A formula \( \notacommand x \).", ["docs/index.md", r'Unknown command "\notacommand"']),
        (r"A formula \( \text{ሀ} + 1 \).", ["docs/index.md", r"\text{ሀ} + 1", "U+1200", "no glyph"]),
    ],
    ids=["link", "anchor", "snippet-file", "snippet-section", "quiz-no-answer",
         "quiz-no-explanation", "exec-raises", "formula-unreadable", "formula-unknown-command",
         "formula-glyph-not-in-font"],
)
def test_defect_fails_the_build_and_names_the_place(make_site, body, expected):
    result = make_site({"index.md": page(body)})
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed despite: {body}"
    for fragment in expected:
        assert fragment in output, f"{fragment!r} missing from the build output:\n{output[-3000:]}"


FRONT_MATTER = "---\ndescription: A page with front matter, as every real page has.\n---\n\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('--8<-- "snippets/no_such_example.py"', ["docs/index.md:9", "no_such_example.py", "not found"]),
        ('--8<-- "snippets/toy_model.py:softmx"',
         ["docs/index.md:9", "section 'softmx' is not in snippets/toy_model.py (its sections:", "softmax"]),
        ("```quiz\nA question?\n\n- [ ] One\n    Because.\n- [ ] Two\n    Because.\n```",
         ["docs/index.md:10", "exactly one option"]),
        ("```quiz\nA question?\n\n- [x] One\n- [ ] Two\n    Because.\n```",
         ["docs/index.md:12", "has no explanation"]),
        ("```quiz\nA question?\n\n- [x] One\n    Because.\nnot indented\n```",
         ["docs/index.md:14", "expected an option"]),
        ('```python exec="on" notest\nraise ValueError("example broke")\n```',
         ["docs/index.md:9: exec fence 1 raised", "example broke"]),
    ],
    ids=["snippet-file", "snippet-section", "quiz-no-answer", "quiz-no-explanation", "quiz-stray-line",
         "exec-raises"],
)
def test_with_front_matter_the_line_is_the_source_files(make_site, body, expected):
    """MkDocs strips the front matter before hooks see a page; the messages count it back in."""
    result = make_site({"index.md": FRONT_MATTER + page(body)})
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed despite: {body}"
    for fragment in expected:
        assert fragment in output, f"{fragment!r} missing from the build output:\n{output[-3000:]}"


def test_a_failing_example_shows_the_failing_line_not_the_whole_snippet(make_site):
    body = '```python exec="on" notest\n--8<-- "snippets/toy_model.py"\n\nvalue = softmax(None)\n```'
    result = make_site({"index.md": page(body)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "value = softmax(None)" in output  # the failing line, in the traceback
    assert "Code block is:" not in output
    # The snippet's own code appears only as traceback lines, not as a copy of the file.
    assert output.count("def softmax") <= 1, output[-3000:]


def test_a_heading_missing_from_the_published_urls_fails_the_build(make_site, tmp_path):
    """`make build` names a new heading that `make urls` has not recorded yet (before any test)."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "published_urls.txt").write_text("# recorded\n/\n/#a-page\n")
    result = make_site({"index.md": page("## A new heading { #new-heading }\n\nMore text.")})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/index.md: heading #new-heading is not in tests/published_urls.txt: run `make urls`" in output, \
        output[-3000:]
    assert "#a-page is not" not in output


def test_shown_code_wider_than_the_code_column_fails_the_build(make_site):
    wide = "x = " + "1 + " * 25 + "1"  # 105 characters
    snippets = {"wide.py": f"# --8<-- [start:wide]\n{wide}\n# --8<-- [end:wide]\n",
                "narrow.py": "value = 1\n"}
    shown = page('```python notest\n--8<-- "snippets/wide.py:wide"\n```')
    result = make_site({"index.md": shown}, snippets=snippets)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/index.md:6: snippet include: snippets/wide.py:2 is 105 characters wide" in output, output[-3000:]


def test_code_written_in_a_page_wider_than_the_code_column_fails_the_build(make_site):
    wide = "x = " + "1 + " * 25 + "1"  # 105 characters
    result = make_site({"index.md": page(f'```python notest\nvalue = 1\n{wide}\n```')})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/index.md:7: this code line is 105 characters wide" in output, output[-3000:]


def test_code_only_run_at_build_time_may_be_wider(make_site):
    """The control: an `exec` fence shows its output, not its code."""
    wide = "x = " + "1 + " * 25 + "1"
    run = page(f'```python exec="on" result="text" notest\n--8<-- "snippets/wide.py"\n{wide}\nprint(x)\n```')
    result = make_site({"index.md": run}, snippets={"wide.py": wide + "\n"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_good_page_builds(make_site):
    """The control: the same throw-away site without a defect builds."""
    result = make_site({"index.md": page('A link to [myself](#a-page).\n\n--8<-- "snippets/toy_model.py:softmax"')})
    assert result.returncode == 0, result.stdout + result.stderr


def broken_notebook() -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# A lab\n\nIt will break."},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "numbers = [1, 2, 3]"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "numbers[10]  # this cell raises"},
    ]
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}}}
    return json.dumps(notebook)


def test_a_notebook_cell_that_raises_fails_the_build(make_site):
    result = make_site({"index.md": page(""), "labs/broken.ipynb": broken_notebook()})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "labs/broken.ipynb" in output
    assert "numbers[10]  # this cell raises" in output
    assert "IndexError" in output


def run_pytest(*args, cwd) -> str:
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                            cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0, "pytest passed on a defect"
    return result.stdout + result.stderr


def test_a_notebook_cell_that_raises_is_named_by_its_id(make_site):
    """The labs run once, in the strict build (no separate nbmake pass): its message names the
    notebook and the cell, by the id that CONTRIBUTING asks for."""
    notebook = json.loads(broken_notebook())
    for cell, cell_id in zip(notebook["cells"], ["title", "numbers", "explode"], strict=True):
        cell["id"] = cell_id
    result = make_site({"index.md": page(""), "labs/broken.ipynb": json.dumps(notebook)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'docs/labs/broken.ipynb: cell "explode" raised' in output, output[-3000:]
    assert "numbers[10]  # this cell raises" in output


def test_a_python_fence_that_raises_names_file_and_line(tmp_path):
    (tmp_path / "page.md").write_text(
        "# A page\n\nText.\n\n```python\nvalue = 1\nassert value == 2, 'fence broke'\n```\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    output = run_pytest("--markdown-docs", "--markdown-docs-syntax=superfences", "page.md",
                        cwd=tmp_path)
    assert "page.md" in output and "fence broke" in output
    assert "line 7" in output or "page.md:7" in output, output


def test_a_notebook_that_is_not_json_names_the_file_and_line(make_site):
    """A merge conflict left in a lab, say: its line, not a traceback from a JSON parser."""
    lines = broken_notebook().replace("{", "{\n").split("\n")
    lines.insert(5, "<<<<<<< HEAD")
    result = make_site({"index.md": page(""), "labs/conflict.ipynb": "\n".join(lines)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/labs/conflict.ipynb:6: not a notebook: invalid JSON" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


def test_the_real_mkdocs_yml_is_what_the_throwaway_sites_inherit():
    assert "strict: true" in (REPO / "mkdocs.yml").read_text()


def test_a_lab_figure_without_a_text_alternative_fails_the_build(make_site):
    notebook = json.loads(broken_notebook())
    notebook["cells"][2] = {
        "cell_type": "code", "id": "draws", "metadata": {}, "execution_count": None, "outputs": [],
        "source": "import matplotlib.pyplot as plt\nplt.plot(numbers)\nplt.show()"}
    for number, cell in enumerate(notebook["cells"]):
        cell.setdefault("id", f"cell-{number}")
    result = make_site({"index.md": page(""), "labs/no-alt.ipynb": json.dumps(notebook)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'docs/labs/no-alt.ipynb: cell "draws" draws a figure but has no "alt"' in output
