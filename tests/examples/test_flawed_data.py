"""The flawed-data page: the loss is lowest at the data's flaw rate, the trained model copies it,
a systematic flaw is learned with confidence, and the page's numbers come from the code."""

import math
import runpy
from pathlib import Path

import numpy as np
import pytest

import flawed_data as fd
from conftest import page_text

TOLERANCE = 0.02  # the page says "within 0.02"



def test_expected_loss_by_hand():
    # p = 0.2: q = 0.01 -> 0.2 * 4.6052 + 0.8 * 0.01005 = 0.9291; q = 0.2 -> 0.5004.
    assert fd.expected_loss(0.01, 0.2) == pytest.approx(0.9291, abs=1e-4)
    assert fd.expected_loss(0.2, 0.2) == pytest.approx(0.5004, abs=1e-4)
    # p = 0.5, q = 0.5: log 2.
    assert fd.expected_loss(0.5, 0.5) == pytest.approx(math.log(2))


@pytest.mark.parametrize("p", [0.05, 0.1, 0.2, 0.3, 0.37, 0.5, 0.8])
def test_the_loss_is_lowest_where_the_model_copies_the_data(p):
    assert fd.loss_minimising_flaw_rate(p) == pytest.approx(p, abs=1e-3)
    # and the derivative -p/q + (1-p)/(1-q) vanishes there
    h = 1e-6
    slope = (fd.expected_loss(p + h, p) - fd.expected_loss(p - h, p)) / (2 * h)
    assert abs(slope) < 1e-6
    # a model that almost never reproduces the flaw pays more
    assert fd.expected_loss(0.01, p) > fd.expected_loss(p, p)


@pytest.mark.parametrize("p", fd.FLAW_FRACTIONS)
def test_demonstrations_hold_exactly_the_flaw_fraction(p):
    for seed in fd.SEEDS:
        features, targets = fd.demonstrations(p, seed)
        assert features.shape == (200, 4)
        assert np.all(features[:, 0] == 1)
        assert np.sum(targets == fd.FLAWED) == round(p * 200)


def test_the_model_flaw_rate_tracks_the_data_flaw_rate_over_seeds():
    for seeds in (fd.SEEDS, [5, 6, 7, 8, 9]):
        rates = fd.flaw_rate_sweep(seeds=seeds)
        assert rates.shape == (len(fd.FLAW_FRACTIONS), 5)
        deviations = np.abs(rates - np.array(fd.FLAW_FRACTIONS)[:, None])
        assert deviations.max() < TOLERANCE
        assert np.all(np.diff(rates.mean(axis=1)) > 0.05)  # more flaws in, more flaws out


def test_more_data_of_the_same_quality_does_not_lower_the_flaw_rate():
    rates = fd.flaw_rate_by_data_size(0.2, (50, 200, 1000))
    assert all(abs(rate - 0.2) < TOLERANCE for rate in rates)
    # while removing the flawed examples does
    assert max(fd.trained_flaw_rate(0.0, seed) for seed in fd.SEEDS) < 0.01


@pytest.mark.parametrize("seed", fd.SEEDS)
def test_a_systematic_flaw_is_learned_with_confidence(seed):
    flawed_given_trigger, correct_without = fd.systematic_flaw(seed)
    assert flawed_given_trigger > 0.95
    assert correct_without > 0.95
    # as sure of the flaw as of the right answer (within a few points)
    assert abs(flawed_given_trigger - correct_without) < 0.03


@pytest.mark.parametrize("seed", fd.SEEDS)
def test_greedy_decoding_hides_a_scattered_flaw_but_not_a_shared_one(seed):
    for p in (0.1, 0.2, 0.3):
        assert abs(fd.trained_flaw_rate(p, seed) - p) < TOLERANCE  # sampling copies the flaw rate
        assert fd.greedy_flaw_rate(p, seed) < p / 10  # the flawed answer is rarely the likeliest
    assert fd.systematic_flaw_greedy(seed) == 1.0


def test_closer_to_one_half_more_prompts_tip_over_under_greedy_decoding():
    greedy = {p: np.mean([fd.greedy_flaw_rate(p, seed) for seed in fd.SEEDS]) for p in (0.2, 0.4)}
    assert greedy[0.4] > 10 * greedy[0.2]


def test_the_decoding_numbers_on_the_page():
    text = page_text("sft/flawed-data.md")
    sampled = np.mean([fd.trained_flaw_rate(0.2, seed) for seed in fd.SEEDS])
    greedy = np.mean([fd.greedy_flaw_rate(0.2, seed) for seed in fd.SEEDS])
    greedy_trigger = np.mean([fd.systematic_flaw_greedy(seed) for seed in fd.SEEDS])
    assert f"the data's rate: {sampled:.3f} in the toy for \\( p = 0.2 \\)" in text
    assert f"flaw rate {greedy:.4f}, against 0.2" in text
    assert f"greedy decoding gives it on {greedy_trigger:.3f} of them" in text


def test_the_figures_show_what_the_captions_say():
    sweep_axes = fd.plot_flaw_rate().axes[0]
    points = [line for line in sweep_axes.lines if line.get_linestyle() == "None"]
    assert len(points) == len(fd.SEEDS)
    for line in points:
        assert np.abs(np.array(line.get_ydata()) - np.array(line.get_xdata())).max() < TOLERANCE
    loss_axes = fd.plot_expected_loss().axes[0]
    minima = [line for line in loss_axes.lines if line.get_marker() == "o"]
    assert [round(float(line.get_xdata()[0]), 3) for line in minima] == [0.1, 0.3, 0.5]


def test_main_prints_the_tables(capsys):
    runpy.run_path(str(Path(fd.__file__)), run_name="__main__")
    out = capsys.readouterr().out
    assert "lowest on the grid at q = 0.200" in out
    assert "P(flawed | trigger)" in out


def test_numbers_in_the_prose_come_from_the_code():
    text = page_text("sft/flawed-data.md")
    rates = fd.flaw_rate_sweep().mean(axis=1)
    by_p = dict(zip(fd.FLAW_FRACTIONS, rates, strict=True))
    by_size = fd.flaw_rate_by_data_size(0.2, (50, 200, 1000))
    flawed, correct = np.array([fd.systematic_flaw(seed) for seed in fd.SEEDS]).T
    features, _ = fd.demonstrations(0.2, 0)
    sentences = [
        f"(\\( q = 0.01 \\)) has an expected loss of {fd.expected_loss(0.01, 0.2):.3f}",
        f"the model that gives it a fifth of the time has {fd.expected_loss(0.2, 0.2):.3f}",
        f"{features.shape[1] - 1} random \"wording\" features",
        f"we build {features.shape[0]} demonstrations",
        "on 1,000 new prompts",
        f"each of the {len(fd.SEEDS)} seeds, its flaw rate is within {TOLERANCE}",
        f"the means are {by_p[0.1]:.3f} for \\( p = 0.1 \\), {by_p[0.2]:.3f} for \\( p = 0.2 \\) "
        f"and {by_p[0.3]:.3f} for \\( p = 0.3 \\)",
        "50, 200 and 1,000 demonstrations give flaw rates of "
        + f"{by_size[0]:.3f}, {by_size[1]:.3f} and {by_size[2]:.3f}",
        "30% of the prompts carry a \"trigger\" feature",
        f"probability of {flawed.mean():.3f} on new prompts with the trigger",
        f"the correct response {correct.mean():.3f} on prompts without it",
        f"stayed within {TOLERANCE} of the data's",
        f"with probability near {flawed.mean():.2f}",
    ]
    for sentence in sentences:
        assert sentence in text, f"not on the page: {sentence}"
    # the prose's p = 0.2 and 1,000 test prompts are the code's defaults
    assert fd.trained_flaw_rate.__defaults__ == (200, 1000)
    assert fd.systematic_flaw.__defaults__ == (200, 0.3)


def test_lima_is_quoted_only_from_its_abstract():
    text = page_text("sft/flawed-data.md")
    assert ('"fine-tuned with the standard supervised loss on only 1,000 carefully curated prompts '
            'and responses, without any reinforcement learning or human preference modeling"'
            in text)
    assert "arXiv:2305.11206" in text and "NeurIPS 2023" in text


@pytest.mark.parametrize("seed", fd.SEEDS)
def test_the_chat_log_question_scattered_errors_come_back_at_their_rate_clustered_ones_as_the_answer(seed):
    answer = fd.chat_log_question(seed)
    assert abs(answer["scattered, sampling"] - fd.WRONG_SHARE) < 0.01
    assert answer["scattered, greedy"] < 0.01
    assert answer["one kind, sampling"] > 0.8  # far above 5%
    assert answer["one kind, greedy"] > 0.95


def test_the_chat_log_numbers_on_the_page():
    text = page_text("sft/flawed-data.md")
    answers = [fd.chat_log_question(seed) for seed in fd.SEEDS]
    mean = {key: np.mean([a[key] for a in answers]) for key in answers[0]}
    assert fd.N_CHAT_LOGS == 2000 and "with 2,000 logs" in text
    assert fd.WRONG_SHARE == 0.05 and "In about 5% of them" in text
    assert f"{mean['scattered, sampling']:.3f} when it samples" in text
    assert f"Greedy decoding hides a scattered minority ({mean['scattered, greedy']:.3f})" in text
    assert f"probability {mean['one kind, sampling']:.3f} on new questions of that kind" in text
    assert f"greedy decoding gives it on {mean['one kind, greedy']:.3f} of them" in text
    assert f"reproduced with probability {mean['one kind, sampling']:.3f}" in text  # the quiz
    assert f"({mean['one kind, sampling']:.3f} in the toy's chat logs)" in text  # data curation
