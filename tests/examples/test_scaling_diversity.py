"""The toy of docs/scaling/*.md: more examples of the same task types saturate on new task types,
more task types keep helping, and held-out examples of seen types hide the difference. Every
effect is checked on each of the 5 seeds; every toy number in the two pages is recomputed here."""

from pathlib import Path

import numpy as np
import pytest

import scaling_diversity as sd
from conftest import page_text
from toy_model import init_weights

DOCS = Path(__file__).resolve().parents[2] / "docs"



MORE_OF_THE_SAME = page_text("scaling/more-of-the-same.md")
EVALUATING = page_text("scaling/evaluating-strategies.md")


@pytest.fixture(scope="module")
def runs():
    return {seed: sd.compare_strategies(seed) for seed in sd.SEEDS}


@pytest.fixture(scope="module")
def means(runs):
    """Mean over the seeds, computed here from the per-seed runs."""
    return {name: np.mean([run[name] for run in runs.values()], axis=0)
            for name in runs[sd.SEEDS[0]]}


def two(x):
    return f"{x:.2f}"


def at(budget):
    return sd.BUDGETS.index(budget)


def test_there_are_five_seeds():
    assert len(sd.SEEDS) == 5


def test_average_over_seeds_is_the_mean_of_the_runs(means):
    averaged = sd.average_over_seeds()
    for name, values in means.items():
        assert np.allclose(averaged[name], values)


# --- the effects, on every seed -------------------------------------------------------------

@pytest.mark.parametrize("seed", sd.SEEDS)
def test_strategies_coincide_at_the_smallest_budget(runs, seed):
    # 16 examples: 2 types x 8 examples for both strategies, from the same pools.
    assert sd.BUDGETS[0] == sd.FIXED_TASK_TYPES * sd.EXAMPLES_PER_TYPE == 16
    run = runs[seed]
    assert run["more_of_the_same"][0] == run["more_task_types"][0]


@pytest.mark.parametrize("seed", sd.SEEDS)
def test_more_of_the_same_flattens(runs, seed):
    same = runs[seed]["more_of_the_same"]
    assert same[at(512)] - same[at(128)] < 0.03  # 4x the data, almost nothing on new types
    assert same.max() < 0.6


@pytest.mark.parametrize("seed", sd.SEEDS)
def test_more_task_types_keeps_rising(runs, seed):
    wide = runs[seed]["more_task_types"]
    assert np.all(np.diff(wide[1:]) > 0.02)  # every doubling from 32 examples on helps
    assert wide[at(512)] - wide[at(128)] > 0.1
    assert wide[-1] - runs[seed]["more_of_the_same"][-1] > 0.25


@pytest.mark.parametrize("seed", sd.SEEDS)
def test_seen_types_look_great_while_new_types_do_not(runs, seed):
    seen = runs[seed]["seen_types_new_examples"]
    new = runs[seed]["more_of_the_same"]
    assert seen[-1] >= 0.9 and new[-1] <= 0.6
    assert seen[-1] - new[-1] > seen[0] - new[0]  # the gap widens with more of the same


@pytest.mark.parametrize("seed", sd.SEEDS)
def test_all_accuracies_beat_chance(runs, seed):
    for values in runs[seed].values():
        assert np.all(values > 1 / sd.N_LABELS)


# --- the formula: updates lie in the span of the seen instructions ---------------------------

@pytest.mark.parametrize("seed", sd.SEEDS)
def test_model_reads_a_new_instruction_only_through_its_projection(seed):
    rng = np.random.default_rng(100 + seed)
    structure = sd.make_shared_structure(rng)
    seen = sd.new_task_types(rng, 3)
    features, labels = sd.labelled_examples(structure, seen,
                                            rng.normal(size=(3, 40, sd.INPUT_DIM)))
    learnt = sd.fine_tune(features, labels, seed)
    change = learnt - init_weights(features.shape[1], sd.N_LABELS, seed=seed)
    assert np.abs(change).max() > 0.1  # the model did learn something

    new = sd.new_task_types(rng, 5)
    projection = seen.T @ np.linalg.pinv(seen.T)  # P_K, (m, m)
    inputs = rng.normal(size=(5, 20, sd.INPUT_DIM))
    full, _ = sd.labelled_examples(structure, new, inputs)
    projected, _ = sd.labelled_examples(structure, new @ projection, inputs)
    assert np.allclose(full @ change, projected @ change, atol=1e-8)
    # ...while the part of a new instruction outside the span does matter to the true labels:
    _, true_full = sd.labelled_examples(structure, new, inputs)
    _, true_projected = sd.labelled_examples(structure, new @ projection, inputs)
    assert np.mean(true_full != true_projected) > 0.1


@pytest.mark.parametrize("n_types", [1, 2, 4, 8])
def test_seen_share_is_k_over_m(n_types):
    rng = np.random.default_rng(n_types)
    seen = sd.new_task_types(rng, n_types)
    projection = seen.T @ np.linalg.pinv(seen.T)
    new = sd.new_task_types(rng, 4000)
    measured = np.mean(np.sum((new @ projection) ** 2, axis=1))  # ||e|| = 1
    assert abs(measured - sd.seen_share(n_types)) < 0.02


def test_seen_share_by_hand():
    assert sd.seen_share(2, 8) == 0.25  # 2 / 8
    assert sd.seen_share(8, 8) == 1.0
    assert sd.seen_share(64, 8) == 1.0  # cannot exceed the whole space


# --- what main() and the figures show ---------------------------------------------------------

def test_printed_tables_show_the_means(means, capsys):
    sd.print_strategies(means)
    strategies = capsys.readouterr().out.strip().splitlines()
    # last row: 512 examples = 2 types x 256 = 64 types x 8
    assert strategies[-1].split() == ["512", "256", two(means["more_of_the_same"][-1]),
                                      "64", two(means["more_task_types"][-1])]
    assert len(strategies) == 4 + len(sd.BUDGETS)
    sd.print_measurement_gap(means)
    gap = capsys.readouterr().out.strip().splitlines()
    assert gap[-1].split() == ["256", two(means["seen_types_new_examples"][-1]),
                               two(means["more_of_the_same"][-1])]
    assert all(line == line.rstrip() for line in strategies + gap)


def test_figures_plot_the_results(means):
    fig = sd.plot_strategies(means)
    lines = fig.axes[0].get_lines()
    assert np.allclose(lines[0].get_ydata(), means["more_task_types"])
    assert np.allclose(lines[1].get_ydata(), means["more_of_the_same"])
    fig = sd.plot_measurement_gap(means)
    lines = fig.axes[0].get_lines()
    assert np.allclose(lines[0].get_ydata(), means["seen_types_new_examples"])
    assert np.allclose(lines[1].get_ydata(), means["more_of_the_same"])


# --- numbers in the prose ----------------------------------------------------------------------

def test_setup_numbers_in_more_of_the_same_page():
    page = MORE_OF_THE_SAME
    assert f"the same {sd.FIXED_TASK_TYPES} task types" in page
    assert f"{sd.EXAMPLES_PER_TYPE} examples of each task type" in page
    assert f"scored on {sd.TEST_TYPES} task types" in page
    assert f"{sd.TEST_INPUTS_PER_TYPE} inputs each" in page
    assert f"Averaged over {len(sd.SEEDS)} seeds" in page
    assert f"$m = {sd.INSTRUCTION_DIM}$" in page
    assert f"exactly the same {sd.BUDGETS[0]} examples" in page
    assert f"chance is 1 in {sd.N_LABELS}" in page
    assert f"K/m = {sd.FIXED_TASK_TYPES}/{sd.INSTRUCTION_DIM} of it" in page
    assert f"up to {sd.BUDGETS[-1] // sd.FIXED_TASK_TYPES} examples each" in page
    assert f"on every one of the {len(sd.SEEDS)} seeds" in page


def test_seen_share_in_more_of_the_same_page():
    share = f"{sd.seen_share(sd.FIXED_TASK_TYPES):.0%}"  # 2 / 8 = 25%
    assert f"only {share} \"seen\"" in MORE_OF_THE_SAME
    assert f"the {share} share" in MORE_OF_THE_SAME
    # "with 8 task types the span is already complete": 64 examples / 8 per type = m types.
    assert sd.seen_share(64 // sd.EXAMPLES_PER_TYPE) == 1.0
    assert f"with {sd.INSTRUCTION_DIM} task types the span is already complete" in MORE_OF_THE_SAME


def test_accuracies_in_more_of_the_same_page(means):
    same, wide = means["more_of_the_same"], means["more_task_types"]
    page = MORE_OF_THE_SAME
    assert f"With {sd.BUDGETS[0]} examples the strategies coincide and score {two(same[0])}" in page
    assert f"{two(same[at(128)])} at 128 examples" in page
    assert f"{two(same[at(512)])} at 512, where each of the 2 task types has 256 examples" in page
    assert f"the same 512 examples reach {two(wide[at(512)])}" in page
    assert f"({two(same[-1])}, {two(wide[-1])}, the 25% share)" in page
    types_wide = sd.BUDGETS[-1] // sd.EXAMPLES_PER_TYPE  # 512 / 8 = 64
    assert (f"{sd.BUDGETS[-1]} examples spent on {sd.FIXED_TASK_TYPES} task types reach "
            f"{two(same[-1])} on new task types, and the same {sd.BUDGETS[-1]} spread over "
            f"{types_wide} task types reach {two(wide[-1])}") in page


def test_accuracies_in_evaluating_page(means):
    seen, new, wide = (means["seen_types_new_examples"], means["more_of_the_same"],
                       means["more_task_types"])
    page = EVALUATING
    assert (f"With 256 examples of each type, the model is right {two(seen[-1])} of the time on "
            f"new examples of its own task types and {two(new[-1])} on new task types") in page
    assert f"512 examples reach {two(new[-1])} or {two(wide[-1])} on new task types" in page
    assert f"it reaches {two(seen[-1])} while accuracy on new task types is {two(new[-1])}" in page
    assert f"({two(new[-1])} against {two(wide[-1])} in the toy)" in page
    per_type = sd.BUDGETS[-1] // sd.FIXED_TASK_TYPES  # 256
    types_wide = sd.BUDGETS[-1] // sd.EXAMPLES_PER_TYPE  # 64
    assert (f"{per_type} examples of each of {sd.FIXED_TASK_TYPES} types reach {two(seen[-1])} on "
            f"new examples of those types but {two(new[-1])} on new types, against "
            f"{two(wide[-1])} for the same budget spread over {types_wide} types") in page
    assert f"on each of the {len(sd.SEEDS)} seeds" in page
