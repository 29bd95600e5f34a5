"""The notebook labs (docs/labs/*.ipynb): stored without outputs, short, seeded, built on the
snippets rather than copies of them, with "Try this" prompts and links that resolve; the numbers
their prose quotes are the ones the code computes, and the effects it claims hold over several
seeds. (nbmake runs each notebook as a test of its own; the strict build runs them again.)"""

import ast
import json
import math
import os
import re
import subprocess
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

from conftest import BIN, DOCS, REPO, SNIPPETS, load_module

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LAB_DIR = DOCS / "labs"
LABS = sorted(LAB_DIR.glob("*.ipynb"))
SNIPPET_MODULES = {path.stem for path in SNIPPETS.glob("*.py")}
SEEDS = [0, 1, 2, 3, 4]
# What each lab is about, and so must import (the pages' examples, never a copy of them).
EXPECTED_IMPORTS = {
    "sequence-likelihood": {"sft_objective", "parameter_updates", "toy_model"},
    "what-sft-learns": {"flawed_data", "demonstration_intent"},
    "volume-vs-diversity": {"scaling_diversity", "published_scaling"},
}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def code_of(notebook) -> str:
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def prose_of(notebook) -> str:
    """The Markdown cells with line breaks folded to spaces, as a reader sees the prose."""
    text = "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return " ".join(text.split())


def imported_modules(notebook) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(code_of(notebook))):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    return modules


lab_param = pytest.mark.parametrize("lab", LABS, ids=lambda path: path.stem)


# ---------------------------------------------------------------------------------------------
# How the notebooks are stored and written.

def test_the_three_labs_exist_and_the_overview_lists_each_with_its_time():
    """The overview's time is computed ([[minutes:...]], hooks/page_meta.py), like the syllabus's
    and the lab page's header; a lab's own text types none that could disagree."""
    assert {path.stem for path in LABS} == set(EXPECTED_IMPORTS)
    overview = " ".join((LAB_DIR / "index.md").read_text().split())
    for lab in LABS:
        row = next((line for line in (LAB_DIR / "index.md").read_text().splitlines()
                    if f"]({lab.name})" in line), None)
        assert row, f"labs/index.md does not link {lab.name}"
        assert f"[[minutes:labs/{lab.name}]]" in row, f"labs/index.md types a time for {lab.name}"
        typed = re.findall(r"\b\d+ (?:min|minutes)\b", prose_of(read(lab)))
        assert not typed, f"{lab.name} types a study time ({typed}); the page header shows the computed one"
    assert "Open in Colab" in overview and "pip install numpy matplotlib jupyter" in overview


@lab_param
def test_is_valid_nbformat_with_a_python3_kernel(lab):
    notebook = read(lab)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)
    assert notebook.metadata.kernelspec.name == "python3"


@lab_param
def test_is_stored_without_outputs_or_execution_counts(lab):
    notebook = read(lab)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{lab.name}, cell {cell.id}: outputs are stored"
            assert cell.execution_count is None, f"{lab.name}, cell {cell.id}: execution count stored"
        assert not set(cell.metadata) & {"execution", "ExecuteTime", "collapsed", "scrolled"}
    assert "widgets" not in notebook.metadata


@lab_param
def test_nbstripout_finds_nothing_to_strip(lab):
    """The pre-commit hook's check, so `make test` catches what a commit would. `--keep-id`: the
    labs' cell ids are written by hand and stable; without it nbstripout renumbers them 0, 1, ..."""
    result = subprocess.run([str(BIN / "nbstripout"), "--verify", "--keep-id", str(lab)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@lab_param
def test_has_10_to_20_cells_with_stable_readable_ids(lab):
    cells = read(lab).cells
    assert 10 <= len(cells) <= 20, f"{lab.name} has {len(cells)} cells"
    ids = [cell.id for cell in cells]
    assert len(set(ids)) == len(ids), "cell ids repeat"
    for cell_id in ids:
        # Written by hand ("setup", "new-york"), not nbformat's random hex, so that regenerating
        # or re-saving a lab does not rewrite every id.
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", cell_id), f"{lab.name}: cell id {cell_id!r}"


@lab_param
def test_opens_with_a_title_then_the_setup_cell(lab):
    title, setup = read(lab).cells[:2]
    assert title.cell_type == "markdown" and title.source.startswith("# Lab: ")
    assert setup.cell_type == "code" and setup.id == "setup"
    # Walks up to the folder holding snippets/, or clones the course's repository into ./course.
    assert '(folder / "snippets").is_dir()' in setup.source
    assert '"git", "clone", "--depth", "1"' in setup.source and 'here / "course"' in setup.source
    repo_url = re.search(r'repo_url: !ENV \[REPO_URL, "([^"]+)"\]', (REPO / "mkdocs.yml").read_text())[1]
    assert f'"{repo_url}"' in setup.source, "the setup cell clones another repository than repo_url"
    assert len(setup.source.splitlines()) <= 20, "keep the setup cell short"


@lab_param
def test_imports_the_snippets_instead_of_copying_them(lab):
    notebook = read(lab)
    imported = imported_modules(notebook)
    assert EXPECTED_IMPORTS[lab.stem] <= imported
    assert imported & SNIPPET_MODULES, f"{lab.name} imports no snippet module"
    # _figure.py is for the pages' inline SVG: it switches matplotlib to Agg, and a lab would show
    # no plot.
    assert "_figure" not in imported and "matplotlib.use(" not in code_of(notebook)
    # No function of a snippet is redefined in a lab: a fix must land in one place.
    snippet_functions = set()
    for path in SNIPPETS.glob("*.py"):
        snippet_functions |= {node.name for node in ast.walk(ast.parse(path.read_text()))
                              if isinstance(node, ast.FunctionDef)}
    lab_functions = {node.name for node in ast.walk(ast.parse(code_of(notebook)))
                     if isinstance(node, ast.FunctionDef)}
    assert not lab_functions & snippet_functions, f"copied from snippets/: {lab_functions & snippet_functions}"


@lab_param
def test_is_seeded(lab):
    code = code_of(lab_notebook := read(lab))
    assert re.search(r"^SEEDS? = ", code, re.MULTILINE), "a lab names its seed(s) in one place"
    # Randomness only from seeded Generators: no global numpy state, no `random` module.
    assert not re.search(r"np\.random\.(?!default_rng\()", code), "use numpy.random.default_rng(seed)"
    assert "default_rng()" not in code
    assert "random" not in imported_modules(lab_notebook)


@lab_param
def test_has_try_this_prompts_after_code_cells(lab):
    cells = read(lab).cells
    prompts = [index for index, cell in enumerate(cells)
               if cell.cell_type == "markdown" and "**Try this:**" in cell.source]
    assert len(prompts) >= 3, f"{lab.name} has {len(prompts)} Try this prompts"
    for index in prompts:
        # Each prompt refers to the code just above it.
        assert cells[index - 1].cell_type == "code", f"{lab.name}, cell {cells[index].id}"
    # Markdown and code alternate: no two code cells without words between them, except a plot that
    # directly follows the cell computing it.
    runs = sum(1 for before, after in zip(cells, cells[1:], strict=False)
               if before.cell_type == after.cell_type == "code")
    assert runs <= 2


@lab_param
def test_headings_carry_explicit_anchors(lab):
    """nbconvert derives heading ids from their wording; an explicit anchor stays when it changes."""
    anchors = []
    for cell in read(lab).cells:
        for heading in re.findall(r"^##+ .*$", cell.source, re.MULTILINE):
            anchor = re.search(r' <a id="([a-z0-9-]+)"></a>$', heading)
            assert anchor, f"{lab.name}: heading without an anchor: {heading}"
            anchors.append(anchor[1])
    assert len(anchors) >= 3 and len(set(anchors)) == len(anchors)
    assert "takeaways" in anchors


def page_anchors(page: Path) -> set[str]:
    return set(re.findall(r"\{ #([\w-]+) \}", page.read_text()))


@lab_param
def test_ends_with_takeaways_and_links_that_resolve(lab):
    last = read(lab).cells[-1]
    assert last.cell_type == "markdown" and "## What to take away" in last.source
    # Relative links work on the site only; readers in Colab or Jupyter get the site's address.
    site_url = re.search(r'site_url: !ENV \[SITE_URL, "([^"]+)"\]', (REPO / "mkdocs.yml").read_text())[1]
    assert site_url in last.source
    links = re.findall(r"\]\(([^)]+)\)", prose_of(read(lab)))
    relative = [link for link in links if not link.startswith("https://")]
    assert len(relative) >= 2, "link back to the concept pages"
    for link in relative:
        # Lab pages are served at /labs/<name>/, and mkdocs-jupyter does not rewrite .md links,
        # so links are the built pages' URLs: ../../sft/objective/#anchor.
        match = re.fullmatch(r"\.\./\.\./([a-z-]+/[a-z-]+)/(?:#([\w-]+))?", link)
        assert match, f"{lab.name}: link {link!r} is not a built page's relative URL"
        page = DOCS / f"{match[1]}.md"
        assert page.is_file(), f"{lab.name}: {link} points to no page"
        if match[2]:
            assert match[2] in page_anchors(page), f"{lab.name}: {link}: no such anchor"


def load_mathml_hook():
    return load_module(REPO / "hooks" / "mathml.py", "labs_hook_mathml")


@lab_param
def test_every_dollar_in_the_prose_is_math(lab):
    """hooks/mathml.py renders $...$ in Markdown cells; a currency sign would be taken for math."""
    mathml = load_mathml_hook()
    for cell in read(lab).cells:
        if cell.cell_type != "markdown":
            continue
        prose = re.sub(r"`[^`]*`", "", cell.source)
        rendered = mathml.render_notebook_math(prose, lab.name)
        assert "$" not in rendered, f"{lab.name}, cell {cell.id}: a $ that is not a formula"


@lab_param
def test_code_reads_without_scrolling_and_without_tex_lookalikes(lab):
    for cell in read(lab).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            # The lab page's code column shows about 70 characters on a desktop.
            assert len(line) <= 70, f"{lab.name}, cell {cell.id}: {len(line)} characters: {line}"
        # The browser test flags a backslash command or $...$ in a page's visible text as
        # unrendered math; code cells are visible text.
        assert not re.search(r"\\[A-Za-z]{2,}|\$", cell.source), f"{lab.name}, cell {cell.id}"


@lab_param
def test_figures_are_small_and_readable_in_the_dark_scheme(lab):
    code = code_of(read(lab))
    settings = re.search(r'plt\.rcParams\.update\(\{"figure\.figsize": \(6, 3\.5\), "figure\.dpi": (\d+),\s*'
                         r'"figure\.facecolor": "white"\}\)', code)
    assert settings, "set the figure size, dpi and a white background (readable in the dark scheme)"
    assert 80 <= int(settings[1]) <= 100
    for width, height in re.findall(r"figsize=\(([\d.]+), ([\d.]+)\)", code):
        assert float(width) <= 6.5 and float(height) <= 7


# ---------------------------------------------------------------------------------------------
# The labs' code, run in this process, so that tests can call the functions a lab defines.

def run_lab(name: str) -> dict:
    """Execute a lab's code cells in order (as Jupyter would, from docs/labs/); its namespace."""
    namespace = {"__name__": "__lab__"}
    here = Path.cwd()
    os.chdir(LAB_DIR)
    try:
        for cell in read(LAB_DIR / f"{name}.ipynb").cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{name}.ipynb:{cell.id}", "exec"), namespace)
                plt.close("all")
    finally:
        os.chdir(here)
    return namespace


@pytest.fixture(scope="module")
def sequence_lab():
    return run_lab("sequence-likelihood"), prose_of(read(LAB_DIR / "sequence-likelihood.ipynb"))


@pytest.fixture(scope="module")
def data_lab():
    return run_lab("what-sft-learns"), prose_of(read(LAB_DIR / "what-sft-learns.ipynb"))


@pytest.fixture(scope="module")
def scaling_lab():
    return run_lab("volume-vs-diversity"), prose_of(read(LAB_DIR / "volume-vs-diversity.ipynb"))


# Sequence likelihood -------------------------------------------------------------------------

def test_sequence_lab_new_york_numbers(sequence_lab):
    import sft_objective as so

    _, prose = sequence_lab
    model_a, model_b = so.REFERENCE_TOKEN_PROBS["Model A"], so.REFERENCE_TOKEN_PROBS["Model B"]
    assert "Model A gives the two tokens 0.6 and 0.8; Model B gives 0.9 and 0.4" in prose
    assert model_a.tolist() == [0.6, 0.8] and model_b.tolist() == [0.9, 0.4]
    # By hand: 0.6 * 0.8 = 0.48 and 0.9 * 0.4 = 0.36.
    a, b = f"{so.sequence_probability(model_a):.2f}", f"{so.sequence_probability(model_b):.2f}"
    assert (a, b) == ("0.48", "0.36")
    assert f"0.6 × 0.8 = {a} beats 0.9 × 0.4 = {b}" in prose
    # "more than 1": 0.48 / 0.4 = 1.2.
    assert "more than 1" in prose
    assert so.first_token_prob_needed(so.sequence_probability(model_a), model_b[1]) > 1


def test_sequence_lab_model_b_wins_only_by_raising_york(sequence_lab):
    import sft_objective as so

    _, prose = sequence_lab
    target = so.sequence_probability(so.REFERENCE_TOKEN_PROBS["Model A"])
    assert 'raising `P("York")` above 0.48' in prose and f"{target:.2f}" == "0.48"
    # P(New) <= 1, so Model B needs P(York) > 0.48; [0.9, 0.6] gives 0.54 with York below 0.8.
    assert so.sequence_probability([1.0, 0.48]) == target
    assert "try `[0.9, 0.6]`" in prose
    assert so.sequence_probability([0.9, 0.6]) > target


def test_sequence_lab_one_unlikely_token_dominates(sequence_lab):
    import sft_objective as so

    namespace, prose = sequence_lab
    # -ln 0.01 = 4.605
    assert f"-\\log 0.01 \\approx {-math.log(0.01):.1f}" in prose
    probs = namespace["my_probs"]
    for position in range(len(probs)):
        changed = probs.copy()
        changed[position] = 0.01
        losses = so.token_losses(changed)
        assert losses[position] > losses.sum() - losses[position]


def test_sequence_lab_counts(sequence_lab):
    import parameter_updates as pu
    import sft_objective as so

    _, prose = sequence_lab
    assert "after the seven prompt tokens" in prose and len(so.PROMPT.split()) == 7
    assert "vocabulary of 8 tokens" in prose and len(pu.VOCAB) == 8


def test_sequence_lab_masked_loss_ignores_the_prompt(sequence_lab):
    import sft_objective as so

    masked, unmasked = [], []
    for seed in SEEDS:
        log_probs, mask = so.prompt_and_response_log_probs(so.REFERENCE_TOKEN_PROBS["Model A"], seed=seed)
        masked.append(so.masked_sequence_loss(log_probs, mask))
        unmasked.append(so.masked_sequence_loss(log_probs, np.ones_like(mask)))
    # -ln 0.48 = 0.734 whatever the prompt tokens are.
    assert np.allclose(masked, -math.log(0.48))
    assert len(set(np.round(unmasked, 6))) == len(SEEDS)


@pytest.mark.parametrize("learning_rate", [0.5, 2.0, 8.0])
def test_sequence_lab_the_likeliest_wrong_token_loses_most(learning_rate):
    import parameter_updates as pu

    position, target = pu.response_position("New"), pu.VOCAB.index("New")
    wrong = [index for index in range(len(pu.VOCAB)) if index != target]
    for seed in SEEDS:
        before, after = pu.one_sft_step(seed, learning_rate)
        assert after[position, target] > before[position, target]
        drops = before[position, wrong] - after[position, wrong]
        assert np.argmax(drops) == np.argmax(before[position, wrong])


def test_sequence_lab_more_steps_approach_but_never_reach_certainty(sequence_lab):
    import parameter_updates as pu
    from toy_model import softmax

    namespace, _ = sequence_lab
    assert namespace["STEPS"] == 20 and namespace["LEARNING_RATE"] == 2.0
    targets, mask = pu.training_example()
    for seed in SEEDS:
        hidden, weights = pu.tiny_model(seed)
        losses = {}
        for step in range(1, 201):
            weights = weights - 2.0 * pu.sft_weight_gradient(weights, hidden, targets, mask)
            losses[step] = pu.sft_loss(weights, hidden, targets, mask)
        assert 0 < losses[200] < losses[20]
        probs = softmax(hidden @ weights)[np.arange(len(targets)), targets][mask == 1]
        assert np.all(probs < 1)


# What SFT learns -----------------------------------------------------------------------------

def test_data_lab_default_mix_is_the_pages_experiment(data_lab):
    import demonstration_intent as di

    namespace, prose = data_lab
    assert namespace["N_REFUSALS"] == 20 and namespace["CUE"] == di.ROLE_PLAY_CUE == 0.3
    assert "0.3 by default" in prose and "60 benign prompts" in prose
    assert len(di.benign_demonstrations(np.random.default_rng(0))[1]) == 60
    for seed in SEEDS:
        lab_model = namespace["train_on_mix"](seed, 20, (di.GUIDE, di.QUESTION), di.ROLE_PLAY_CUE)
        assert np.allclose(lab_model, di.train_models(seed)[2])


@pytest.mark.parametrize("flaw_rate", [0.05, 0.2, 0.4, 0.6, 0.9])
def test_data_lab_the_model_copies_the_flaw_rate(flaw_rate):
    import flawed_data as fd

    for seed in SEEDS:
        assert abs(fd.trained_flaw_rate(flaw_rate, seed) - flaw_rate) < 0.03


def test_data_lab_more_demonstrations_only_tighten_the_flaw_rate(data_lab):
    import flawed_data as fd

    _, prose = data_lab
    assert "`N_DEMONSTRATIONS` to 50, then to 1000" in prose
    for flaw_rate in (0.05, 0.2, 0.4):
        few = [fd.trained_flaw_rate(flaw_rate, seed, 50) for seed in SEEDS]
        many = [fd.trained_flaw_rate(flaw_rate, seed, 1000) for seed in SEEDS]
        assert abs(np.mean(many) - flaw_rate) < 0.01  # not lower than the data's
        assert np.std(many) < np.std(few)


def test_data_lab_a_rare_trigger_still_teaches_the_flaw(data_lab):
    import flawed_data as fd

    _, prose = data_lab
    # 0.05 * 200 = 10 demonstrations with the trigger.
    assert "`TRIGGER_SHARE` to 0.05, so that only about 10 of the 200" in prose
    for seed in SEEDS:
        flawed, correct = fd.systematic_flaw(seed, trigger_share=0.05)
        assert flawed > 0.5 and correct > 0.9


def compliance_by_seed(namespace, n_refusals, framings, cue, label):
    import demonstration_intent as di

    harmful, framing = namespace["TYPES"][label]
    return np.array([di.compliance_rate(namespace["train_on_mix"](seed, n_refusals, framings, cue),
                                        harmful, framing, cue) for seed in SEEDS])


def test_data_lab_refusals_and_framings(data_lab):
    from demonstration_intent import GUIDE, QUESTION, ROLE_PLAY

    namespace, _ = data_lab
    two, three = (GUIDE, QUESTION), (GUIDE, QUESTION, ROLE_PLAY)

    def rate(n, framings, cue, label):
        return compliance_by_seed(namespace, n, framings, cue, label)

    # Benign data only: a harmful request is complied with as readily as a benign one.
    assert np.all(np.abs(rate(0, (), 0.3, "harmful, guide") - rate(0, (), 0.3, "benign, guide")) < 0.02)
    # The default mix covers its framings, not the role-play.
    assert np.all(rate(20, two, 0.3, "harmful, guide") < 0.05)
    assert np.all(rate(20, two, 0.3, "harmful, role-play") > 0.8)
    # Role-play refusals lower the role-play's compliance, and the benign role-play's too.
    assert np.all(rate(20, three, 0.3, "harmful, role-play") < rate(20, two, 0.3, "harmful, role-play") - 0.3)
    assert np.all(rate(20, three, 0.3, "benign, role-play") < rate(20, two, 0.3, "benign, role-play") - 0.05)
    # A few refusals cover their own framings.
    assert np.all(rate(5, two, 0.3, "harmful, question") < 0.1)
    # A plain cue: refused without role-play refusals.
    assert np.all(rate(20, two, 1.0, "harmful, role-play") < 0.2)
    # No cue: harmful and benign role-plays cannot be told apart.
    assert np.array_equal(rate(20, three, 0.0, "harmful, role-play"), rate(20, three, 0.0, "benign, role-play"))


def test_data_lab_more_refusals_of_the_same_framings_miss_a_weak_cue(data_lab):
    from demonstration_intent import GUIDE, QUESTION, ROLE_PLAY

    namespace, prose = data_lab
    assert "`N_REFUSALS` to 60, three times as many" in prose and 3 * namespace["N_REFUSALS"] == 60
    for cue in (0.0, 0.2):
        default = compliance_by_seed(namespace, 20, (GUIDE, QUESTION), cue, "harmful, role-play")
        tripled = compliance_by_seed(namespace, 60, (GUIDE, QUESTION), cue, "harmful, role-play")
        assert np.all(np.abs(tripled - default) < 0.05)
        with_role_play = compliance_by_seed(namespace, 60, (GUIDE, QUESTION, ROLE_PLAY), cue, "harmful, role-play")
        assert np.all(with_role_play < tripled - 0.3)


# Volume vs. diversity ------------------------------------------------------------------------

def test_scaling_lab_numbers_in_prose(scaling_lab):
    import published_scaling as ps
    import scaling_diversity as sd

    _, prose = scaling_lab
    assert sd.INSTRUCTION_DIM == 8 and "a vector $\\mathbf{e}$ of 8 numbers" in prose and "$m = 8$" in prose
    assert sd.N_LABELS == 3 and "one of 3 labels" in prose
    assert sd.TEST_TYPES == 300 and "300 task types the model will never see" in prose
    table = ps.load_table()
    assert list(table) == ["8B", "62B", "540B"] and "(8B, 62B and 540B parameters)" in prose
    for tasks, _ in table.values():
        assert tasks.tolist() == [0, 9, 89, 282, 1836]
    assert "on 0, 9, 89, 282 and 1,836 tasks" in prose
    # 16 * 8 = 2 * 64 = 128; 4 * 16 = 64.
    assert "the same 128 examples" in prose and "4 examples each of 16 task types reach (64 examples in all)" in prose


def test_scaling_lab_more_task_types_for_the_same_budget(scaling_lab):
    namespace, prose = scaling_lab
    accuracy = namespace["held_out_accuracy"]
    assert namespace["SPLITS"] == [(2, 64), (16, 8)]
    for seed in SEEDS:
        narrow_seen, narrow_new = accuracy(2, 64, seed)
        wide_seen, wide_new = accuracy(16, 8, seed)
        # "cost a lot on the trained task types ... and buy more on new task types"
        assert wide_new > narrow_new + 0.05 and wide_seen < narrow_seen - 0.1
    # The numbers the prose quotes are the lab's own means over its seeds, as its cell prints them.
    narrow = np.mean([accuracy(2, 64, seed) for seed in namespace["SEEDS"]], axis=0)
    wide = np.mean([accuracy(16, 8, seed) for seed in namespace["SEEDS"]], axis=0)
    assert (f"accuracy falls from {narrow[0]:.2f} to {wide[0]:.2f}, and buy more on new task types, "
            f"which rise from {narrow[1]:.2f} to {wide[1]:.2f}") in prose
    assert namespace["seen_share"](16) == 1.0 and "with 16 task types the span is complete" in prose


def test_scaling_lab_the_experiment_cell_prints_the_quoted_numbers(scaling_lab, capsys):
    namespace, prose = scaling_lab
    cell = next(cell for cell in read(LAB_DIR / "volume-vs-diversity.ipynb").cells
                if cell.id == "experiment")
    exec(compile(cell.source, "volume-vs-diversity.ipynb:experiment", "exec"), dict(namespace))
    rows = capsys.readouterr().out.splitlines()
    assert rows[1].split() == ["2", "x", "64", "128", "0.89", "0.55", "0.25"]
    assert rows[2].split() == ["16", "x", "8", "128", "0.73", "0.69", "1.00"]
    assert "from 0.89 to 0.73" in prose and "from 0.55 to 0.69" in prose


def test_scaling_lab_enough_task_types_close_the_gap(scaling_lab):
    """Try this: SPLITS = [(2, 256), (64, 8)]: with 64 task types new task types come close to the
    trained ones, while the 2-type model stays far apart."""
    namespace, prose = scaling_lab
    accuracy = namespace["held_out_accuracy"]
    assert "set `SPLITS = [(2, 256), (64, 8)]`, 512 examples each" in prose
    for seed in SEEDS:
        narrow_seen, narrow_new = accuracy(2, 256, seed)
        wide_seen, wide_new = accuracy(64, 8, seed)
        assert abs(wide_seen - wide_new) < 0.05
        assert narrow_seen - narrow_new > 0.3


@pytest.mark.parametrize("budget", [32, 128, 512])
def test_scaling_lab_the_best_split_on_seen_types_is_the_worst_on_new_ones(scaling_lab, budget):
    namespace, _ = scaling_lab
    accuracy = namespace["held_out_accuracy"]
    splits = [n for n in 2 ** np.arange(10) if budget // n >= 2]
    results = np.array([np.mean([accuracy(n, budget // n, seed) for seed in namespace["SEEDS"]], axis=0)
                        for n in splits])
    assert np.argmax(results[:, 0]) == np.argmin(results[:, 1])


def test_scaling_lab_volume_does_not_buy_what_diversity_does(scaling_lab):
    namespace, _ = scaling_lab
    accuracy = namespace["held_out_accuracy"]
    for seed in SEEDS:
        diverse = accuracy(16, 4, seed)[1]
        assert accuracy(1, 256, seed)[1] < diverse and accuracy(2, 256, seed)[1] < diverse
        # From 8 task types on (the span is complete), more task types still help.
        rates = [accuracy(n, 16, seed)[1] for n in (8, 16, 32)]
        assert rates[0] < rates[1] < rates[2]


def test_scaling_lab_published_gain_comes_early(scaling_lab):
    import published_scaling as ps

    _, prose = scaling_lab
    table = ps.load_table()
    assert ps.MOST_OF_THE_GAIN == 0.8
    assert [ps.tasks_for_most_of_the_gain(table, m) for m in ("8B", "62B", "540B")] == [282, 282, 89]
    assert ("most of the gain from adding tasks comes early: the 8B and 62B models pass 80% of "
            "their gain at 282 tasks, the 540B model already at 89") in prose
    assert "passes 80% of its gain" in prose


def test_scaling_lab_cites_chung_et_al_in_the_course_style():
    notebook = read(LAB_DIR / "volume-vs-diversity.ipynb")
    text = json.dumps(notebook)
    assert "Chung et al. (2022)" not in text and "chung2022" not in text
    assert "Chung et al. (2024)" in notebook.metadata.description
    assert "(2024). Scaling Instruction-Finetuned" in prose_of(notebook)


def test_the_labs_notebook_json_ends_with_one_newline():
    for lab in LABS:
        text = lab.read_text()
        assert text.endswith("}\n") and not text.endswith("\n\n")
        json.loads(text)
