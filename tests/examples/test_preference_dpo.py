"""DPO on the toy: the loss and gradient are right (finite differences), the effects the page
claims hold for several seeds, and the numbers in the prose are the ones the code computes."""

import math

import numpy as np
import pytest

import demonstration_intent as di
import preference_dpo as dpo
from conftest import page_text
from parameter_updates import finite_difference_gradient

SEEDS = [0, 1, 2, 3, 4]



PAGE = page_text("limits/from-demonstrations-to-preferences.md")



def random_problem(seed):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(8, 5))
    chosen = rng.integers(0, 3, size=8)
    rejected = (chosen + rng.integers(1, 3, size=8)) % 3  # always differs from chosen
    weights = rng.normal(size=(5, 3))
    ref_weights = rng.normal(size=(5, 3))
    return weights, ref_weights, features, chosen, rejected


def test_bradley_terry_by_hand():
    assert dpo.bradley_terry(0.7, 0.7) == pytest.approx(0.5)
    # sigma(1.5) = 1 / (1 + e^-1.5) = 1 / 1.22313 = 0.8176
    assert dpo.bradley_terry(1.0, -0.5) == pytest.approx(0.8176, abs=1e-4)
    assert dpo.bradley_terry(2.0, 0.0) == pytest.approx(1 / (1 + math.exp(-2)))
    assert dpo.bradley_terry(2.0, 0.0) + dpo.bradley_terry(0.0, 2.0) == pytest.approx(1.0)


def test_dpo_loss_at_the_reference_is_log_two():
    """When the policy equals the reference every margin is 0, so the loss is -log(1/2)."""
    weights, _, features, chosen, rejected = random_problem(0)
    assert dpo.dpo_loss(weights, weights, features, chosen, rejected) == pytest.approx(math.log(2))


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_gradient_matches_finite_differences(seed):
    weights, ref_weights, features, chosen, rejected = random_problem(seed)
    for beta in (0.1, 1.0):
        analytic = dpo.dpo_gradient(weights, ref_weights, features, chosen, rejected, beta)
        numeric = finite_difference_gradient(
            lambda w, beta=beta: dpo.dpo_loss(w, ref_weights, features, chosen, rejected, beta),
            weights)
        assert np.max(np.abs(analytic - numeric)) < 1e-7


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_gradient_leaves_responses_in_no_pair_alone(seed):
    weights, ref_weights, features, _, _ = random_problem(seed)
    chosen, rejected = np.full(8, di.REFUSE), np.full(8, di.COMPLY)
    gradient = dpo.dpo_gradient(weights, ref_weights, features, chosen, rejected)
    assert np.all(gradient[:, di.CLARIFY] == 0.0)
    assert np.any(gradient[:, di.COMPLY] != 0.0)


def test_preference_pairs():
    features, chosen, rejected = dpo.preference_pairs(np.random.default_rng(0))
    harmful = features[:, 1] > 0
    assert harmful.sum() == 20 and (~harmful).sum() == 20
    assert np.all(chosen[harmful] == di.REFUSE) and np.all(rejected[harmful] == di.COMPLY)
    assert np.all(chosen[~harmful] == di.COMPLY) and np.all(rejected[~harmful] == di.REFUSE)
    assert np.all(features[harmful, 2 + di.ROLE_PLAY] == 0)  # no harmful role-play in any pair


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_lowers_the_rejected_response_and_keeps_helpfulness(seed):
    result = dpo.run_dpo(seed)
    assert result["comply_harmful"][0] > 0.9
    assert result["comply_harmful"][-1] < 0.2
    assert result["refuse_harmful"][-1] > 0.8
    assert result["refuse_harmful"][-1] > 10 * result["refuse_harmful"][0]
    assert result["comply_benign"][-1] > 0.95
    # The DPO loss fell on the training pairs.
    features, chosen, rejected = dpo.preference_pairs(np.random.default_rng([seed, 1]))
    ref = result["reference"]
    assert (dpo.dpo_loss(result["dpo"], ref, features, chosen, rejected)
            < dpo.dpo_loss(ref, ref, features, chosen, rejected) - 0.2)


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_moves_only_compared_responses_and_sft_moves_all(seed):
    change = dpo.untouched_response_change(dpo.run_dpo(seed))
    assert change["dpo"] == 0.0
    assert change["sft_on_chosen"] > 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_uncovered_role_play_still_complies_after_dpo(seed):
    result = dpo.run_dpo(seed)
    assert dpo.mean_response_probs(result["dpo"], True, (di.ROLE_PLAY,))[di.COMPLY] > 0.8


def test_numbers_in_the_prose():
    result = dpo.run_dpo(0)
    shown = [
        f"{dpo.bradley_terry(1.0, -0.5):.2f}",
        f"{result['comply_harmful'][0]:.3f} to {result['comply_harmful'][300]:.3f}",
        f"{result['refuse_harmful'][0]:.3f} to {result['refuse_harmful'][300]:.3f}",
        f"{result['comply_benign'][0]:.3f} before, {result['comply_benign'][300]:.3f} after",
        f"{dpo.mean_response_probs(result['sft_on_chosen'], True, (di.GUIDE, di.QUESTION))[di.COMPLY]:.3f}",
        f"by up to {dpo.untouched_response_change(result)['sft_on_chosen']:.2f}",
        f"({dpo.untouched_response_change(result)['dpo']:.2f})",
        f"probability {dpo.mean_response_probs(result['dpo'], True, (di.ROLE_PLAY,))[di.COMPLY]:.2f}",
        f"\\( \\beta = {dpo.BETA} \\)",
        f"{1 / (1 + math.exp(-2)):.2f}",  # the quiz: sigma(2)
    ]
    for text in shown:
        assert text in PAGE, f"{text!r} is not on the page"
    assert len(result["comply_harmful"]) == 301  # "Over 300 steps"
    assert "Over 300 steps" in PAGE and "20 harmful requests" in PAGE and "20 benign" in PAGE
    assert len(di.FEATURE_NAMES) == 7 and "seven hand-made features" in PAGE
    assert len(di.RESPONSES) == 3 and "three responses" in PAGE
