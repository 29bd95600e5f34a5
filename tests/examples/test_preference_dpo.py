"""DPO on the toy: the loss and gradient are right (finite differences), the effects the page
claims hold for several seeds (including what DPO does to a response and prompts in no pair), and
the numbers in the prose are the ones the code computes."""

import functools
import math

import numpy as np
import pytest

import demonstration_intent as di
import preference_dpo as dpo
from conftest import SNIPPETS, page_text
from parameter_updates import finite_difference_gradient

SEEDS = [0, 1, 2, 3, 4]

PAGE = page_text("limits/from-demonstrations-to-preferences.md")

# Each experiment is run once per seed and shared by the tests (they only read the results).
run_dpo = functools.lru_cache(dpo.run_dpo)
run_displacement = functools.lru_cache(dpo.run_displacement)
clarify_at_matched_compliance = functools.lru_cache(dpo.clarify_at_matched_compliance)


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
def test_dpo_gradient_is_zero_for_the_logits_of_a_response_in_no_pair(seed):
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
    result = run_dpo(seed)
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
def test_dpo_leaves_the_clarify_weights_and_sft_changes_them(seed):
    change = dpo.untouched_response_change(run_dpo(seed))
    assert change["dpo"] == 0.0
    assert change["sft_on_chosen"] > 0.1


def test_the_pairs_hold_no_vague_prompt_and_no_clarify():
    features, chosen, rejected = dpo.preference_pairs(np.random.default_rng(0))
    assert np.all(features[:, 6] == 0)  # "vague"
    assert not np.any(chosen == di.CLARIFY) and not np.any(rejected == di.CLARIFY)


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_displaces_clarify_on_vague_prompts_far_more_than_sft(seed):
    """The page: the reference asks to clarify, DPO makes it comply instead, SFT on the chosen
    responses moves it much less, also when the two are compared at the same compliance with
    the harmful prompts."""
    result = run_dpo(seed)
    reference = dpo.vague_benign_probs(result["reference"])
    after_dpo = dpo.vague_benign_probs(result["dpo"])
    after_sft = dpo.vague_benign_probs(result["sft_on_chosen"])
    assert reference[di.CLARIFY] > 0.95
    assert after_dpo[di.CLARIFY] < 0.5
    assert after_dpo[di.COMPLY] > 0.5  # the mass went to "comply"
    assert after_sft[di.CLARIFY] > 0.85
    # Not a matter of training harder: at the same compliance with harmful prompts.
    matched = clarify_at_matched_compliance(seed)
    assert 0 < matched["dpo_step"] <= 1000
    assert matched["sft_clarify"] > 0.85
    assert matched["dpo_clarify"] < 0.6
    assert matched["sft_clarify"] == pytest.approx(after_sft[di.CLARIFY])


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_keeps_displacing_as_it_trains_longer(seed):
    curves = run_displacement(seed)
    assert curves["steps"][6] == 300 and curves["steps"][-1] == 1000
    assert curves["dpo"][-1] < curves["dpo"][6] - 0.1
    assert np.all(np.diff(curves["dpo"]) < 0)  # it falls at every checkpoint
    assert curves["sft"][-1] > 0.7
    assert curves["sft"][-1] < curves["sft"][0]  # SFT drifts too, more slowly
    # The chained SFT checkpoints are the same model as one 300-step run.
    result = run_dpo(seed)
    clarify_300 = dpo.vague_benign_probs(result["sft_on_chosen"])[di.CLARIFY]
    assert curves["sft"][6] == pytest.approx(clarify_300, abs=1e-9)
    assert curves["dpo"][6] == pytest.approx(
        dpo.vague_benign_probs(result["dpo"])[di.CLARIFY], abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_dpo_pushes_on_benign_pairs_the_model_already_gets_right(seed):
    push = dpo.push_on_benign_pairs(seed)
    assert push["dpo"][0] == pytest.approx(dpo.BETA / 2)  # every margin is 0 at the reference
    assert push["sft"][0] < 0.02  # the reference already complies
    assert push["dpo"][1] > 2 * push["sft"][1]
    assert push["dpo"][1] < push["dpo"][0]  # it shrinks as the margins grow


@pytest.mark.parametrize("seed", SEEDS)
def test_uncovered_role_play_still_complies_after_dpo(seed):
    result = run_dpo(seed)
    assert dpo.mean_response_probs(result["dpo"], True, (di.ROLE_PLAY,))[di.COMPLY] > 0.8


def test_numbers_in_the_prose():
    result = run_dpo(0)
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
    assert len(di.RESPONSES) == 3 and "DPO toy's three responses" in PAGE


def test_displacement_numbers_in_the_prose():
    result = run_dpo(0)
    clarify = {name: dpo.vague_benign_probs(result[name])[di.CLARIFY]
               for name in ("reference", "dpo", "sft_on_chosen")}
    over_seeds = {name: [dpo.vague_benign_probs(run_dpo(seed)[name])[di.CLARIFY]
                         for seed in SEEDS] for name in ("dpo", "sft_on_chosen")}
    push = dpo.push_on_benign_pairs(0)
    curves = run_displacement(0)
    matched = [clarify_at_matched_compliance(seed) for seed in SEEDS]
    shown = [
        f"asks to clarify with probability {clarify['reference']:.2f}",
        f"does so with probability {clarify['dpo']:.2f}",
        f"same pairs, {clarify['sft_on_chosen']:.2f} (seed 0",
        f"between {min(over_seeds['dpo']):.2f} and {max(over_seeds['dpo']):.2f}, after SFT "
        f"between {min(over_seeds['sft_on_chosen']):.2f} and "
        f"{max(over_seeds['sft_on_chosen']):.2f}",
        f"harmful prompts, SFT's {matched[0]['compliance']:.3f}, which DPO reaches at step "
        f"{matched[0]['dpo_step']}, DPO has brought \"clarify\" down to "
        f"{matched[0]['dpo_clarify']:.2f} against SFT's {matched[0]['sft_clarify']:.2f}",
        f"to at most {max(m['dpo_clarify'] for m in matched):.2f}, against at least "
        f"{min(m['sft_clarify'] for m in matched):.2f}",
        f"\\( 1 - \\pi(y_w \\mid x) \\), is {push['sft'][0]:.3f}",
        f"\\( \\beta / 2 \\), {push['dpo'][0]:.3f}",
        f"it is still {push['dpo'][1]:.3f}",
        f"falls to {curves['dpo'][-1]:.2f} under DPO, and to {curves['sft'][-1]:.2f} under SFT",
        # the figure's text alternative
        f"falls slowly from {curves['sft'][0]:.2f} to {curves['sft'][-1]:.2f}",
        f"to {curves['dpo'][6]:.2f} at step 300 and {curves['dpo'][-1]:.2f} at step 1000",
    ]
    for text in shown:
        assert text in PAGE, f"{text!r} is not on the page"
    # quiz 2 repeats the two numbers
    assert f"({clarify['reference']:.2f} to {clarify['dpo']:.2f})" in PAGE


# Sentences the audit found false; they must not come back, in the page or the snippet.
RETIRED = [
    "No other response moves",
    "leaves every other response alone",
    "the answers compared can be the model's own",
    "ranks the pair the wrong way round",
    "preferred to outputs from the 175B GPT-3",
]


@pytest.mark.parametrize("sentence", RETIRED)
def test_retired_sentences_stay_out(sentence):
    snippet = " ".join((SNIPPETS / "preference_dpo.py").read_text().split())
    assert sentence not in PAGE
    assert sentence not in snippet
