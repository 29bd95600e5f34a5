"""The hallucination page: the loss prefers a guess to "I don't know" on unknown facts, answers
beyond the model's knowledge teach confident wrong answers and are fitted slowly, "I don't know"
labels prevent them or, on known facts, teach withholding; the page's numbers come from the code
and its research quotes are the ones that were checked."""

import math
import runpy
from pathlib import Path

import numpy as np
import pytest

import hallucination as ha
from conftest import page_text

PAGE = page_text("limits/hallucination.md")
OTHER_SEEDS = [3, 4, 5]  # the page's effects must hold beyond the seeds it shows
ALL_SEEDS = ha.SEEDS + OTHER_SEEDS


@pytest.fixture(scope="module")
def answered():
    return ha.sweep(seeds=ALL_SEEDS)


def test_facts_carry_knowledge_only_when_known():
    rng = np.random.default_rng(0)
    known_x, known_y = ha.facts(400, True, rng)
    unknown_x, unknown_y = ha.facts(400, False, rng)
    width = 2 + ha.N_ANSWERS + ha.N_WORDING
    assert known_x.shape == unknown_x.shape == (400, width)
    assert np.all(known_x[:, :2] == [1.0, 0.0]) and np.all(unknown_x[:, :2] == [0.0, 1.0])
    signal = slice(2, 2 + ha.N_ANSWERS)
    assert np.all(unknown_x[:, signal] == 0.0)  # nothing to read the answer from
    # for known facts the signal points at the true answer (noise 0.5 against a spike of 2)
    assert np.mean(known_x[:, signal].argmax(axis=1) == known_y) > 0.95
    # answers are balanced, so no answer is more likely a priori
    assert np.all(np.bincount(unknown_y, minlength=ha.N_ANSWERS) == 100)
    # the wording says nothing about the answer: its mean hardly differs between answers
    wording = known_x[:, 2 + ha.N_ANSWERS:]
    assert np.abs(wording.mean(axis=0)).max() < 0.2


def test_demonstrations_hold_the_requested_shares():
    rng = np.random.default_rng(0)
    features, targets, unknown = ha.demonstrations(0.25, rng)
    assert features.shape[0] == targets.shape[0] == 200
    assert unknown.sum() == 50 and np.all(features[unknown, 1] == 1.0)
    assert ha.IDK not in targets  # every question shown with its answer
    _, targets, unknown = ha.demonstrations(0.25, rng, unknown_shown_as="idk")
    assert np.all(targets[unknown] == ha.IDK) and ha.IDK not in targets[~unknown]
    features, targets, unknown = ha.demonstrations(0.25, rng, unknown_shown_as="left out")
    assert len(targets) == 150 and not unknown.any()
    _, targets, _ = ha.demonstrations(0.0, rng, known_idk_share=0.2)
    assert np.sum(targets == ha.IDK) == 40


def test_expected_loss_by_hand():
    # r = 0: log 4 - log(1 - a); a = 0 -> log 4 = 1.3863, a = 0.5 -> log 8 = 2.0794
    assert ha.expected_unknown_loss(0.0, 0.0) == pytest.approx(math.log(4))
    assert ha.expected_unknown_loss(0.5, 0.0) == pytest.approx(math.log(8))
    grid = np.linspace(0.001, 0.999, 999)
    assert np.all(np.diff(ha.expected_unknown_loss(grid, 0.0)) > 0)  # lowest at a = 0
    for r in (0.1, 0.3, 0.5):  # with "I don't know" shown at rate r, lowest at a = r
        assert grid[np.argmin(ha.expected_unknown_loss(grid, r))] == pytest.approx(r, abs=1e-3)


def test_confident_wrong_answers_grow_with_the_unknown_share(answered):
    wrong = answered["confident_wrong"]  # (shares, seeds)
    assert np.all(wrong[0] < 0.01)  # no unknown facts in the data: no confident wrong answer
    assert np.all(np.diff(wrong, axis=0) > 0)  # every seed: more unknown data, more of them
    assert np.all(wrong[-1] > 0.3)
    # without unknown facts the model hedges: even odds over the five responses
    assert np.all(np.abs(answered["answered"][0] - 0.8) < 0.02)
    assert np.all(answered["answered"][1:] > 0.98)  # with them, it answers nearly always


def test_unknown_examples_hurt_known_accuracy_beyond_the_smaller_known_set(answered):
    accuracy = answered["known_accuracy"]
    assert np.all(accuracy[-1] < accuracy[0])
    left_out = ha.sweep([0.5, 0.75], seeds=ALL_SEEDS, unknown_shown_as="left out")
    row = {0.5: 3, 0.75: 4}
    for column, share in enumerate((0.5, 0.75)):
        assert ha.UNKNOWN_SHARES[row[share]] == share
        assert np.all(left_out["known_accuracy"][column] > accuracy[row[share]] + 0.003)


@pytest.mark.parametrize("seed", ALL_SEEDS)
def test_unknown_answers_are_memorised_through_the_wording(seed):
    rng = np.random.default_rng(seed)
    features, targets, unknown = ha.demonstrations(0.5, rng)
    weights = ha.fine_tune(features, targets, seed)
    rows = np.arange(len(targets))
    fit = ha.response_probs(weights, features)[rows, targets]
    no_wording = weights.copy()
    no_wording[2 + ha.N_ANSWERS:] = 0.0
    fit_without = ha.response_probs(no_wording, features)[rows, targets]
    # without the wording weights, the unknown demonstrations fall back to an even guess ...
    assert fit[unknown].mean() > 0.5 and abs(fit_without[unknown].mean() - 0.25) < 0.02
    # ... while the known ones keep nearly all of their fit, which comes from the answer signal
    assert fit_without[~unknown].mean() > fit[~unknown].mean() - 0.05
    # and the wording weights, shared by every question, are larger than without the unknowns
    known_only, known_targets, _ = ha.demonstrations(0.5, np.random.default_rng(seed),
                                                     unknown_shown_as="left out")
    lean = ha.fine_tune(known_only, known_targets, seed)
    wording = slice(2 + ha.N_ANSWERS, None)
    assert np.linalg.norm(weights[wording]) > 3 * np.linalg.norm(lean[wording])
    # on new unknown questions, its answers are right only at chance (one in N_ANSWERS)
    (_, _), (new_x, new_y) = ha.new_facts(seed)
    guesses = ha.response_probs(weights, new_x)[:, :ha.N_ANSWERS].argmax(axis=1)
    assert abs(np.mean(guesses == new_y) - 1 / ha.N_ANSWERS) < 0.04


def test_i_dont_know_labels_for_unknown_facts_prevent_confident_wrong_answers(answered):
    idk = ha.sweep(ha.UNKNOWN_SHARES[1:], seeds=ALL_SEEDS, unknown_shown_as="idk")
    assert np.all(idk["confident_wrong"] < 0.005)
    assert np.all(idk["answered"] < 0.02)  # it abstains on new unknown facts
    # and keeps what it knows: better than with the answers shown, close to leaving them out
    left_out = ha.sweep(ha.UNKNOWN_SHARES[1:], seeds=ALL_SEEDS, unknown_shown_as="left out")
    assert np.all(idk["known_accuracy"][2:] > answered["known_accuracy"][3:])
    assert np.all(np.abs(idk["known_accuracy"] - left_out["known_accuracy"]) < 0.015)


@pytest.mark.parametrize("seed", ALL_SEEDS)
def test_unknown_demonstrations_are_fitted_slowly(seed):
    rows = ha.fitting_curve(seed)
    steps, known, unknown, wrong = (np.array(column) for column in zip(*rows, strict=True))
    assert np.all(known > unknown)  # at every checkpoint
    assert known[0] > 0.55 and unknown[0] < 0.3  # after one step
    assert np.all(np.diff(unknown) > 0)  # but they are fitted, steadily
    at = dict(zip(steps, range(len(steps)), strict=True))
    assert unknown[at[50]] < 0.5 < unknown[at[1000]]
    assert wrong[at[50]] < 0.05 < 0.3 < wrong[at[200]] < wrong[at[1000]]
    assert wrong[at[20]] < 0.005  # none before the unknown demonstrations start to be fitted


def test_i_dont_know_on_known_facts_teaches_withholding():
    shares = (0.1, 0.2, 0.3)
    results = [ha.sweep([0.0], seeds=ALL_SEEDS, known_idk_share=share) for share in shares]
    withheld = np.array([result["withheld"][0] for result in results])  # (shares, seeds)
    accuracy = np.array([result["known_accuracy"][0] for result in results])
    assert np.all(np.diff(withheld, axis=0) > 0) and np.all(np.diff(accuracy, axis=0) < 0)
    for share, row in zip(shares, withheld, strict=True):
        assert np.all(np.abs(row - share) < 0.035)  # about the data's rate, every seed
    # and the mean is the data's rate, the minimum of the expected loss (a = r)
    assert np.all(np.abs(withheld.mean(axis=1) - np.array(shares)) < 0.01)


def test_the_figures_show_what_the_captions_say():
    sweep_axes = ha.plot_sweep().axes[0]
    wrong, idk, accuracy = (np.array(line.get_ydata()) for line in sweep_axes.lines)
    assert np.all(np.diff(wrong) > 0) and np.all(idk < 0.005) and np.all(accuracy > 0.95)
    assert wrong[-1] == pytest.approx(0.4, abs=0.05)
    fitting_axes = ha.plot_fitting().axes[0]
    known, unknown, confident_wrong = (np.array(line.get_ydata()) for line in fitting_axes.lines)
    assert known[0] > 0.6 and unknown[0] == pytest.approx(0.22, abs=0.01)
    assert unknown[-1] == pytest.approx(0.9, abs=0.02)
    assert confident_wrong[ha.CHECKPOINTS.index(20)] == 0.0
    assert confident_wrong[-1] == pytest.approx(0.6, abs=0.03)


def test_main_prints_the_tables(capsys):
    runpy.run_path(str(Path(ha.__file__)), run_name="__main__")
    out = capsys.readouterr().out
    assert "a = 0.0  loss 1.386" in out
    assert "confident wrong" in out and "P(IDK), new known facts" in out
    assert max(len(line) for line in out.splitlines()) <= 78  # fits the page's code column


def test_numbers_in_the_prose_come_from_the_code():
    answered = ha.sweep()
    wrong = answered["confident_wrong"].mean(axis=1)
    accuracy = answered["known_accuracy"].mean(axis=1)
    half = ha.UNKNOWN_SHARES.index(0.5)
    left_out = ha.sweep([0.5], unknown_shown_as="left out")
    idk = ha.sweep([0.5], unknown_shown_as="idk")
    fit = {row[0]: row for row in ha.fitting_curve()}
    withheld = {share: ha.sweep([0.0], known_idk_share=share) for share in (0.1, 0.2, 0.3)}
    rng = np.random.default_rng(0)
    _, _, unknown = ha.demonstrations(0.5, rng)
    sentences = [
        f"a model that never abstains has an expected loss of {ha.expected_unknown_loss(0, 0):.3f}",
        f"says \"I don't know\" half of the time has {ha.expected_unknown_loss(0.5, 0):.3f}",
        f"the responses are {ha.N_ANSWERS} candidate answers",
        f"{ha.N_ANSWERS} *answer-signal* features",
        f"{ha.N_WORDING} random *wording* features",
        f"The fine-tuning set has {len(unknown)} questions",
        f"{ha.TRAINING['steps']} steps, from the same small random start",
        "measured on 1,000 new known and 1,000 new unknown questions",
        f"with probability {answered['answered'][0].mean():.3f}, which is 4 chances in 5",
        f"no confident wrong answer at all ({wrong[0]:.3f})",
        f"With 10% of the data unknown, {wrong[1]:.3f} of new unknown questions",
        f"with 25%, {wrong[2]:.3f}; with 50%, {wrong[3]:.3f}; and with 75%, {wrong[4]:.3f}",
        f"falls from {accuracy[0]:.3f} to {accuracy[-1]:.3f} as the unknown share grows to 75%",
        f"reaches {left_out['known_accuracy'].mean():.3f} on known facts, against "
        f"{accuracy[half]:.3f} with the unknown ones included",
        f"no confident wrong answer ({idk['confident_wrong'].mean():.3f}), an answer on only "
        f"{idk['answered'].mean():.3f} of new unknown questions, and "
        f"{idk['known_accuracy'].mean():.3f} on known facts",
        f"get a mean probability of {fit[1][1]:.3f} for their answer",
        f"the unknown ones get {fit[1][2]:.3f}, barely above the 0.2",
        f"By step 50 the known ones are at {fit[50][1]:.3f} and the unknown ones at {fit[50][2]:.3f}",
        f"facts appear ({fit[50][3]:.3f})",
        f"the unknown demonstrations are at {fit[200][2]:.3f} and confident wrong answers at "
        f"{fit[200][3]:.3f}; trained on to step 1000, they reach {fit[1000][2]:.3f} and "
        f"{fit[1000][3]:.3f}",
        f"it says it on {withheld[0.1]['withheld'].mean():.3f} of new known facts; with 20%, on "
        f"{withheld[0.2]['withheld'].mean():.3f}; with 30%, on {withheld[0.3]['withheld'].mean():.3f}",
        f"falls from {accuracy[0]:.3f} to {withheld[0.1]['known_accuracy'].mean():.3f}, "
        f"{withheld[0.2]['known_accuracy'].mean():.3f} and {withheld[0.3]['known_accuracy'].mean():.3f}",
        f"rise from {wrong[0]:.3f} to {wrong[-1]:.3f} as the unknown share grows to 75%",
        f"the model says it on {withheld[0.2]['withheld'].mean():.3f} of new known facts and its "
        f"accuracy on them falls from {accuracy[0]:.3f} to {withheld[0.2]['known_accuracy'].mean():.3f}",
        f"{ha.expected_unknown_loss(0, 0):.3f} for a model that never abstains, "
        f"{ha.expected_unknown_loss(0.5, 0):.3f} for one that abstains half of the time",
        "stopping early (by step 50) keeps them rare",
        f"Mean of {len(ha.SEEDS)} seeds",
    ]
    for sentence in sentences:
        assert sentence in PAGE, f"not on the page: {sentence}"
    # the distractor's arithmetic: the wrong three quarters cost -log(0.1 / 3) each
    assert -math.log(0.1 / 3) == pytest.approx(3.4, abs=0.01)
    assert "\\( -\\log(0.1/3) \\approx 3.4 \\)" in PAGE
    # the settings the prose names are the code's
    assert ha.CONFIDENT == 0.5 and "\\ge 0.5" in PAGE
    assert ha.N_NEW == 1000 and ha.N_DEMONSTRATIONS == 200
    assert fit[50][3] < 0.05  # "rare"


def test_research_is_quoted_as_checked():
    gekhman = [
        "fine-tuning examples that introduce new knowledge are learned significantly slower than "
        "those consistent with the model's knowledge",
        "as the examples with new knowledge are eventually learned, they linearly increase the "
        "model's tendency to hallucinate",
        "Unknown examples are actually very harmful",
        "substantially reduces the risk of overfitting, without sacrificing performance",
        "can encourage hallucinations on seemingly unrelated questions, such as 'Who founded [E2]?'",
        "likely stem from the model learning the *behavior* of generating answers that are not "
        "grounded in its pre-existing knowledge",
        "negative effect is mostly materialized in later training stages",
        "the model answered 58.7% of the test questions, and 61.8% of its answers were correct, "
        "against 43.0% when it answered every question",
        "10 different random 4-shot prompts",
        "16 samples at temperature 0.5",
        "after 5 to 10 epochs",
        "PaLM 2-M base model",
    ]
    kang = [
        "an LLM's hallucinated predictions tend to mirror the responses associated with its "
        "unfamiliar finetuning examples",
        "by modifying how unfamiliar finetuning examples are supervised, we can influence a model's "
        "responses to unfamiliar queries (e.g., say 'I don't know')",
        "hallucinations from the reward model can significantly undermine the effectiveness of RL "
        "factuality finetuning",
    ]
    gao = ("The problem with BC that leads to miscalibration is that the human demonstrator may "
           "know more or less than the model, which would result in the model systematically being "
           "over/underconfident for its own knowledge and abilities")
    for quote in [*gekhman, *kang, gao]:
        assert quote in PAGE, f"not on the page: {quote}"
    for reference in ("arXiv:2405.05904", "EMNLP 2024", "7765–7784", "arXiv:2403.05612",
                      "NAACL 2025", "5 December 2021"):
        assert reference in PAGE
    assert "Schulman" not in PAGE  # no transcript or slides of the talk could be checked
