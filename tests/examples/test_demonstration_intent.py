"""The demonstration-vs-intent toy does what its page says, for several seeds, and the numbers in
the prose of the page (and of the limitations page) are the ones the code computes."""

import numpy as np
import pytest

import demonstration_intent as di
import toy_model
from conftest import page_text

SEEDS = [0, 1, 2, 3, 4]



PAGE = page_text("limits/demonstration-vs-intent.md")
LIMITATIONS_PAGE = page_text("limits/limitations.md")


def test_prompt_features_by_hand():
    # A polite harmful role-play: bias 1, topic cue 0.3 (weakened), role-play framing, polite.
    expected = np.array([1.0, 0.3, 0.0, 0.0, 1.0, 1.0, 0.0])
    assert np.allclose(di.prompt_features(True, di.ROLE_PLAY, polite=True), expected)
    # The same request asked directly as a guide carries the full cue.
    assert di.prompt_features(True, di.GUIDE, polite=False)[1] == 1.0
    assert di.prompt_features(False, di.GUIDE, polite=False)[1] == 0.0


def test_benign_data_hold_no_harmful_topic_and_no_refusal():
    features, targets = di.benign_demonstrations(np.random.default_rng(0))
    assert np.all(features[:, 1] == 0.0)
    assert di.REFUSE not in targets


@pytest.mark.parametrize("seed", SEEDS)
def test_sft_on_benign_data_never_moves_the_harmful_topic_weights(seed):
    start, benign_only, with_refusals = di.train_models(seed)
    assert np.array_equal(benign_only[1], start[1])
    assert not np.array_equal(with_refusals[1], start[1])  # refusal data do move them


@pytest.mark.parametrize("seed", SEEDS)
def test_benign_only_model_complies_with_a_harmful_guide_as_with_a_benign_one(seed):
    table = di.compliance_table(seed)["SFT on benign only"]
    assert table["harmful, guide"] > 0.9
    assert abs(table["harmful, guide"] - table["benign, guide"]) < 0.02


@pytest.mark.parametrize("seed", SEEDS)
def test_refusals_cover_their_phrasings_but_not_the_role_play(seed):
    table = di.compliance_table(seed)["SFT + refusals"]
    assert table["harmful, guide"] < 0.05
    assert table["harmful, question"] < 0.05
    assert table["benign, guide"] > 0.9  # helpfulness kept
    assert table["harmful, role-play"] > 0.8  # the new phrasing slips through


@pytest.mark.parametrize("seed", SEEDS)
def test_refusals_transfer_only_as_far_as_the_shared_cue(seed):
    rates = di.role_play_compliance_by_cue(cues=(1.0, 0.6, 0.3, 0.0), seed=seed)
    values = list(rates.values())
    assert all(a < b for a, b in zip(values, values[1:], strict=False))  # weaker cue, more compliance
    assert rates[1.0] < 0.2  # with the full cue, the refusal carries over


def test_compliance_rate_is_a_mean_of_softmax_probabilities():
    # With all-zero weights every response has probability 1/3, whatever the prompt.
    weights = np.zeros((len(di.FEATURE_NAMES), len(di.RESPONSES)))
    assert di.compliance_rate(weights, True, di.GUIDE) == pytest.approx(1 / 3)


def test_numbers_in_the_prose():
    table = di.compliance_table(0)
    before, after = table["SFT on benign only"], table["SFT + refusals"]
    cues = di.role_play_compliance_by_cue()
    for value in (before["harmful, guide"], after["harmful, guide"], after["benign, guide"],
                  after["harmful, role-play"], cues[1.0], cues[0.6]):
        assert f"{value:.2f}" in PAGE, f"{value:.2f} is not on the page"
    # "compliance with harmful guides and questions falls to 0.01": one number for both.
    assert f"{after['harmful, question']:.2f}" == f"{after['harmful, guide']:.2f}"
    assert f"guides and questions falls to {after['harmful, guide']:.2f}" in PAGE
    assert "60 benign prompts" in PAGE and "adds 20 refusal" in PAGE
    assert len(di.FEATURE_NAMES) == 7 and "seven features" in PAGE
    features, _ = di.benign_demonstrations(np.random.default_rng(0))
    refusals, _ = di.refusal_demonstrations(np.random.default_rng(0))
    assert (len(features), len(refusals)) == (60, 20)


def test_limitations_page_gradient_example():
    """The limitations page: SFT's push on two non-demonstrated responses depends only on their
    probabilities. With probabilities 0.4 (harmful), 0.4 (unhelpful) and 0.2 (the demonstrated
    refusal), the logit gradient is p - onehot = (0.4, 0.4, -0.8)."""
    probs = toy_model.softmax(np.log(np.array([[0.4, 0.4, 0.2]])))[0]
    gradient = probs - np.array([0.0, 0.0, 1.0])
    assert np.allclose(gradient, [0.4, 0.4, -0.8])
    for value in (probs[0], probs[2], -gradient[2]):
        assert f"{value:.1f}" in LIMITATIONS_PAGE


def test_refusals_reach_a_new_phrasing_by_coverage_not_volume():
    rates = {n: di.role_play_compliance(n, (di.GUIDE, di.QUESTION))[True] for n in (20, 60, 180)}
    covered = di.role_play_compliance(20, di.ALL_FRAMINGS)[True]
    assert min(rates.values()) > 0.8  # three times the benign data in the old framings: still answered
    assert covered < 0.35  # the same 20 refusals spread over all framings
    assert covered < min(rates.values()) - 0.5
    shown = ", ".join(f"{rates[n]:.2f}" for n in (20, 60)) + f" and {rates[180]:.2f}"
    assert f"answered with probability {shown}" in PAGE
    assert f"bring it down to {covered:.2f}" in PAGE
    assert "20, 60 or 180 of them" in PAGE


def test_covering_the_role_play_costs_benign_role_plays():
    """Over-refusal: more role-play refusals lower compliance with benign role-plays too."""
    none = di.role_play_compliance(0, ())
    by_count = {n: di.role_play_compliance(n, di.ALL_FRAMINGS) for n in (10, 20, 40, 80)}
    benign = [by_count[n][False] for n in (10, 20, 40, 80)]
    harmful = [by_count[n][True] for n in (10, 20, 40, 80)]
    assert all(a > b for a, b in zip(benign, benign[1:], strict=False))  # more refusals, more over-refusal
    assert all(a > b for a, b in zip(harmful, harmful[1:], strict=False))
    assert none[False] - by_count[20][False] > 0.05
    assert (f"benign role-play with probability {by_count[20][False]:.2f} instead of "
            f"{none[False]:.2f}") in PAGE
    assert (f"with 80, the harmful role-play falls to {by_count[80][True]:.2f} but the benign one "
            f"to {by_count[80][False]:.2f}") in PAGE
    # The quiz repeats the numbers.
    assert f"from {none[False]:.2f} to {by_count[20][False]:.2f}" in PAGE
    assert (f"answered {by_count[80][True]:.2f} of the time and the benign one "
            f"{by_count[80][False]:.2f}") in PAGE


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_over_refusal_holds_for_every_seed(seed):
    model = di.train_on_mix(seed, 20, di.ALL_FRAMINGS)
    benign_only = di.train_on_mix(seed, 0, ())
    assert di.compliance_rate(model, False, di.ROLE_PLAY) < di.compliance_rate(benign_only, False, di.ROLE_PLAY) - 0.05
    assert di.compliance_rate(model, False, di.GUIDE) > 0.95  # benign guides are still answered


def test_the_terms_are_used_as_defined():
    assert "no negative examples" not in PAGE
    assert "cannot say what not to do" not in PAGE
    assert "learned from far more examples" not in PAGE
    assert "A refusal written for a harmful request is a demonstration too" in PAGE
    assert "Jailbroken: How Does LLM Safety Training Fail? *NeurIPS 2023*" in PAGE
