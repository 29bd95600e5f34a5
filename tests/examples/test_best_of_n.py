"""Beyond the demonstrators: SFT stays at the demonstrators' level however much data and however
it decodes; best-of-n with a judge goes past it and flattens where the judge's noise says; a
judge with a systematic error is exploited; rejection-sampling fine-tuning puts the selection in
the weights. Effects over 5 seeds, and the page's numbers from the code."""

import functools
import math

import numpy as np
import pytest

import best_of_n as bon
from conftest import page_text

PAGE = page_text("limits/from-demonstrations-to-preferences.md")
N = list(bon.SAMPLE_SIZES)

# Each experiment once per seed, shared by the tests (they only read the results).
curves = functools.lru_cache(bon.best_of_n_curves)
by_data_size = functools.lru_cache(bon.sft_by_data_size)
rejection_sampling = functools.lru_cache(bon.rejection_sampling)


def at(seed, judge, n):
    return curves(seed)["curves"][judge][N.index(n)]


def limit(seed, judge):
    noise, length_bias = bon.JUDGES[judge]
    return bon.best_of_n_limit(curves(seed)["probs"], noise, length_bias)


def test_the_demonstrators_by_hand():
    assert bon.DEMONSTRATOR_RATES.sum() == pytest.approx(1.0)
    # 0.25 * 0.24 + 0.5 * 0.40 + 0.75 * 0.24 + 1.0 * 0.05 + 0.5 * 0.02 = 0.50
    assert bon.DEMONSTRATOR_RATES @ bon.QUALITY == pytest.approx(0.50)
    assert bon.RESPONSES[int(np.argmax(bon.DEMONSTRATOR_RATES))] == "fair"
    # They err as often on the worse side as on the better: at any temperature their answers
    # keep the average quality 0.50.
    rates = bon.DEMONSTRATOR_RATES[None, :]
    for temperature in (0.1, 0.25, 0.5, 2.0, 4.0):
        assert bon.mean_quality(bon.tempered(rates, temperature)) == pytest.approx(0.50)


def test_sampling_follows_the_probabilities():
    probs = np.array([[0.1, 0.2, 0.3, 0.2, 0.15, 0.05]])
    answers = bon.sample_answers(np.random.default_rng(0), probs, 200_000)
    counts = np.bincount(answers[0], minlength=6) / 200_000
    assert np.abs(counts - probs[0]).max() < 0.005


@pytest.mark.parametrize("noise", [0.1, 0.3])
def test_a_noisy_judge_compares_by_bradley_terry(noise):
    """Quality plus Gumbel noise of scale tau: P(a preferred to b) = sigmoid((q_a - q_b) / tau)."""
    rng = np.random.default_rng(1)
    good, fair = np.full(200_000, 3), np.full(200_000, 2)
    prefers_good = bon.judge_scores(good, rng, noise) > bon.judge_scores(fair, rng, noise)
    expected = 1 / (1 + math.exp(-0.25 / noise))
    assert prefers_good.mean() == pytest.approx(expected, abs=0.004)
    assert bon.judge_accuracy(noise) == pytest.approx(expected)


def test_the_limit_formula_by_hand():
    # Two equally likely answers, qualities 0.5 and 1.0, noise 0.25: weights e^2 and e^4.
    probs = np.zeros((1, 6))
    probs[0, [2, 4]] = 0.5
    share = math.exp(4) / (math.exp(2) + math.exp(4))
    assert bon.best_of_n_limit(probs, 0.25) == pytest.approx(0.5 + 0.5 * share)


@pytest.mark.parametrize("seed", bon.SEEDS)
def test_sft_stays_at_the_demonstrators_level(seed):
    for size, (sampled, greedy) in by_data_size(seed).items():
        assert abs(sampled - 0.50) < 0.03, size
        assert abs(greedy - 0.50) < (0.05 if size < 1000 else 0.01), size
    probs = curves(seed)["probs"]
    for temperature in (0.25, 0.5, 2.0, 4.0):
        assert abs(bon.mean_quality(bon.tempered(probs, temperature)) - 0.50) < 0.03
    # like its demonstrators, it writes "excellent" only on a good day
    assert abs(probs[:, bon.EXCELLENT].mean() - bon.DEMONSTRATOR_RATES[bon.EXCELLENT]) < 0.015


@pytest.mark.parametrize("seed", bon.SEEDS)
def test_selection_goes_past_the_demonstrators_as_far_as_the_judge_tells_apart(seed):
    sft = bon.mean_quality(curves(seed)["probs"])
    exact = curves(seed)["curves"]["exact"]
    assert np.all(np.diff(exact) >= 0)  # more samples never hurt an exact judge
    assert exact[-1] > 0.99
    for judge in ("noise 0.1", "noise 0.3"):
        values = curves(seed)["curves"][judge]
        assert values[-1] > sft + 0.15
        assert abs(values[-1] - limit(seed, judge)) < 0.03  # it flattens at the limit
        assert abs(values[-1] - values[-2]) < 0.03
    assert limit(seed, "noise 0.1") < 0.95  # the noise caps it below the exact judge
    assert limit(seed, "noise 0.3") < limit(seed, "noise 0.1") - 0.15
    # the noisier judge is flat from n = 32 on
    assert all(abs(at(seed, "noise 0.3", n) - limit(seed, "noise 0.3")) < 0.03
               for n in (32, 64, 128, 256))


@pytest.mark.parametrize("seed", bon.SEEDS)
def test_a_judge_who_likes_length_is_exploited_as_n_grows(seed):
    values = curves(seed)["curves"]["likes length"]
    peak = int(np.argmax(values))
    assert 4 <= N[peak] <= 32
    assert values[peak] > 0.7
    assert values[-1] < values[peak] - 0.15
    assert abs(limit(seed, "likes length") - bon.QUALITY[bon.PADDED]) < 0.03
    # it ranks "padded" above "excellent" although an expert rates it as "fair"
    scores = bon.QUALITY + bon.LENGTH
    assert scores[bon.PADDED] > scores[bon.EXCELLENT]
    assert bon.QUALITY[bon.PADDED] == bon.QUALITY[bon.RESPONSES.index("fair")]


@pytest.mark.parametrize("seed", bon.SEEDS)
def test_rejection_sampling_puts_the_selection_in_the_weights(seed):
    result = rejection_sampling(seed)
    rounds = result["quality_by_round"]
    assert abs(rounds[0] - 0.50) < 0.03
    assert abs(rounds[1] - at(seed, "noise 0.1", 16)) < 0.04  # about best-of-16
    assert np.all(np.diff(rounds) > 0) and rounds[-1] > 0.98  # rounds add up
    assert result["length_judge_padded"] > 0.8  # trained on the length judge, it pads
    assert result["length_judge_quality"] < 0.6


def test_numbers_in_the_prose():
    sizes = by_data_size(0)
    result = curves(0)
    rs = rejection_sampling(0)
    shown = [
        f"average quality of {bon.DEMONSTRATOR_RATES @ bon.QUALITY:.2f}",
        "from 300, 1,000 or 3,000 demonstrations",
        f"({sizes[300][0]:.2f}, {sizes[1000][0]:.2f} and {sizes[3000][0]:.2f} when the model "
        f"samples",
        f"\"fair\": {sizes[1000][1]:.2f} again",
        f"the excellent one on a good day, {bon.DEMONSTRATOR_RATES[bon.EXCELLENT]:.0%} of the time",
        f"neighbouring answers {bon.judge_accuracy(0.1):.0%} of the time; with "
        f"\\( \\tau = 0.3 \\), {bon.judge_accuracy(0.3):.0%} of the time",
        f"climbs from {at(0, 'exact', 1):.2f} to {at(0, 'exact', 128):.2f} by \\( n = 128 \\)",
        f"at {at(0, 'noise 0.1', 256):.2f} for \\( \\tau = 0.1 \\)",
        f"\\( n \\approx 32 \\) at {at(0, 'noise 0.3', 32):.2f} for \\( \\tau = 0.3 \\)",
        f"limits in the output ({limit(0, 'noise 0.1'):.2f} and {limit(0, 'noise 0.3'):.2f})",
        f"from {rs['quality_by_round'][0]:.2f} to {rs['quality_by_round'][1]:.2f}, about what "
        f"best-of-16 gave ({at(0, 'noise 0.1', 16):.2f})",
        f"gives {rs['quality_by_round'][2]:.2f} and then {rs['quality_by_round'][3]:.2f}",
        f"rises to {at(0, 'likes length', 8):.2f} at \\( n = 8 \\)",
        f"({result['probs'][:, bon.PADDED].mean():.0%} of the model's samples)",
        f"falls to {at(0, 'likes length', 256):.2f} at \\( n = 256 \\)",
        f"its limit is {limit(0, 'likes length'):.2f}",
        f"probability {rs['length_judge_padded']:.2f}",
        # the quiz
        f"3,000 demonstrations all give {min(v[0] for v in sizes.values()):.2f} to "
        f"{max(v[0] for v in sizes.values()):.2f}",
        f"fell from {at(0, 'likes length', 8):.2f} at n = 8 to {at(0, 'likes length', 256):.2f} "
        f"at n = 256",
    ]
    for text in shown:
        assert text in PAGE, f"{text!r} is not on the page"
    assert f"({limit(0, 'noise 0.1'):.2f} or {limit(0, 'noise 0.3'):.2f})" in PAGE
    assert f"{at(0, 'noise 0.3', 32):.2f}" == f"{limit(0, 'noise 0.3'):.2f}"
    assert len(bon.RESPONSES) == 6 and "toy's six" in PAGE
    # the figure's text alternative
    assert f"rises to about {at(0, 'likes length', 8):.2f} at n = 8" in PAGE
    assert f"the one with noise 0.3 near {limit(0, 'noise 0.3'):.2f}" in PAGE
