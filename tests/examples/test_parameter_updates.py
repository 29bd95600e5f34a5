"""The parameter-updates page: the logit gradient, the masked gradient, one step, and the prose."""

import runpy
from pathlib import Path

import numpy as np
import pytest

import parameter_updates as pu
from conftest import DOCS, page_text

SEEDS = [0, 1, 2, 3, 4]



def shown(value, digits=3):
    return f"{value:.{digits}f}".replace("-", "\N{MINUS SIGN}")


def response_positions():
    targets, loss_mask = pu.training_example()
    return [t for t in range(len(targets)) if loss_mask[t] == 1]


def test_the_example_masks_the_prompt_and_keeps_the_response():
    targets, loss_mask = pu.training_example()
    assert [pu.VOCAB[k] for k in targets] == ["largest", "city", "is", "New", "York"]
    assert loss_mask.tolist() == [0, 0, 0, 1, 1]
    assert len(pu.VOCAB) == 8


def test_logit_gradient_by_hand():
    # Equal logits over 4 tokens: p = 0.25 each; target 1 gets 0.25 - 1 = -0.75.
    assert pu.logit_gradient(np.zeros(4), 1) == pytest.approx([0.25, -0.75, 0.25, 0.25])
    # Two tokens with logits log 3 and 0: p = (0.75, 0.25); target 0 -> (-0.25, 0.25).
    assert pu.logit_gradient(np.array([np.log(3.0), 0.0]), 0) == pytest.approx([-0.25, 0.25])


@pytest.mark.parametrize("seed", SEEDS)
def test_logit_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    logits, target = rng.normal(size=8), int(rng.integers(8))

    def token_loss(z):
        return -(z[target] - np.log(np.sum(np.exp(z))))

    numeric = pu.finite_difference_gradient(token_loss, logits)
    assert np.max(np.abs(pu.logit_gradient(logits, target) - numeric)) < 1e-6


@pytest.mark.parametrize("seed", SEEDS)
def test_weight_gradient_matches_finite_differences(seed):
    assert pu.gradient_check_error(seed) < 1e-6


@pytest.mark.parametrize("seed", SEEDS)
def test_masked_targets_change_nothing_but_the_mask_matters(seed):
    assert pu.masked_targets_change_nothing(seed) == 0.0
    hidden, weights = pu.tiny_model(seed)
    targets, loss_mask = pu.training_example()
    masked = pu.sft_weight_gradient(weights, hidden, targets, loss_mask)
    unmasked = pu.sft_weight_gradient(weights, hidden, targets, np.ones_like(loss_mask))
    assert np.max(np.abs(masked - unmasked)) > 1e-3


@pytest.mark.parametrize("seed", SEEDS)
def test_one_step_raises_each_reference_token(seed):
    targets, _ = pu.training_example()
    before, after = pu.one_sft_step(seed)
    for t in response_positions():
        assert after[t, targets[t]] > before[t, targets[t]]


@pytest.mark.parametrize("seed", SEEDS)
def test_logits_move_by_exactly_minus_the_logit_gradient(seed):
    # Orthonormal hidden vectors, mean over 2 response tokens, learning rate 2: the logits at a
    # response position move by -(2 / 2) * (p - onehot).
    hidden, weights = pu.tiny_model(seed)
    targets, loss_mask = pu.training_example()
    assert hidden @ hidden.T == pytest.approx(np.eye(len(hidden)), abs=1e-12)
    gradient = pu.sft_weight_gradient(weights, hidden, targets, loss_mask)
    new_logits = hidden @ (weights - pu.LEARNING_RATE * gradient)
    for t in response_positions():
        expected_change = -(pu.LEARNING_RATE / loss_mask.sum()) * pu.logit_gradient(
            hidden[t] @ weights, targets[t])
        assert new_logits[t] - hidden[t] @ weights == pytest.approx(expected_change, abs=1e-12)
    assert pu.LEARNING_RATE / loss_mask.sum() == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_the_likeliest_wrong_token_loses_the_most(seed):
    targets, _ = pu.training_example()
    before, after = pu.one_sft_step(seed)
    for t in response_positions():
        wrong = [k for k in range(len(pu.VOCAB)) if k != targets[t]]
        likeliest = max(wrong, key=lambda k: before[t, k])
        changes = {k: after[t, k] - before[t, k] for k in wrong}
        assert changes[likeliest] < 0
        assert changes[likeliest] == min(changes.values())


def test_the_rarest_wrong_tokens_gain_slightly_in_the_page_example():
    before, after = pu.one_sft_step(0)
    t = pu.response_position("New")
    for token in ("city", "is"):
        k = pu.VOCAB.index(token)
        assert 0 < after[t, k] - before[t, k] < 0.002
    wrong = [k for k in range(len(pu.VOCAB)) if pu.VOCAB[k] != "New"]
    two_rarest = sorted(wrong, key=lambda k: before[t, k])[:2]
    assert {pu.VOCAB[k] for k in two_rarest} == {"city", "is"}
    two_likeliest = sorted(wrong, key=lambda k: before[t, k])[-2:]
    assert {pu.VOCAB[k] for k in two_likeliest} == {"the", "largest"}
    # "Mostly from the wrong tokens that were most likely": more than half of what "New" gains.
    gain = after[t, pu.VOCAB.index("New")] - before[t, pu.VOCAB.index("New")]
    assert sum(before[t, k] - after[t, k] for k in two_likeliest) > gain / 2


def test_the_figure_shows_before_and_after():
    before, after = pu.one_sft_step(0)
    t = pu.response_position("New")
    patches = pu.plot_before_after().axes[0].patches
    heights = [patch.get_height() for patch in patches]
    assert heights == pytest.approx(list(before[t]) + list(after[t]))


def test_main_prints_the_check_and_the_step(capsys):
    runpy.run_path(str(Path(pu.__file__)), run_name="__main__")
    out = capsys.readouterr().out
    assert "changes the gradient by 0.0" in out
    error = float(out.split("max |analytic - numerical| = ")[1].split()[0])
    assert error < 1e-6


def test_numbers_in_the_prose_come_from_the_code():
    text = page_text("sft/parameter-updates.md")
    targets, loss_mask = pu.training_example()
    before, after = pu.one_sft_step(0)
    new, york = pu.response_position("New"), pu.response_position("York")
    p_new = before[new, targets[new]]
    largest, the, york_token = (pu.VOCAB.index(t) for t in ("largest", "the", "York"))
    city, is_ = pu.VOCAB.index("city"), pu.VOCAB.index("is")
    sentences = [
        f"a vocabulary of {len(pu.VOCAB)} tokens",
        f"makes {len(targets)} next-token predictions; the first {int((loss_mask == 0).sum())}",
        f"the targets of the {int((loss_mask == 0).sum())} masked prompt positions",
        f'gives "New" a probability of {p_new:.4f}',
        f"{p_new:.4f} − 1 ≈ {shown(p_new - 1)}",
        f"over the {int(loss_mask.sum())} response tokens, and with a learning rate of "
        f"{pu.LEARNING_RATE}",
        f'"New" up by {1 - p_new:.3f}, "largest" down by {before[new, largest]:.3f}',
        f'"New" rises from {p_new:.4f} to {after[new, targets[new]]:.4f}',
        f'"York" rises from {before[york, targets[york]]:.4f} to {after[york, targets[york]]:.4f}',
        f"falls slightly, from {before[new, york_token]:.4f} to {after[new, york_token]:.4f}",
        f'"largest" falls from {before[new, largest]:.4f} to {after[new, largest]:.4f}',
        f'"the" from {before[new, the]:.4f} to {after[new, the]:.4f}',
        f'"city" goes from {before[new, city]:.4f} to {after[new, city]:.4f}',
        f'"is" from {before[new, is_]:.4f} to {after[new, is_]:.4f}',
        "agree to better than \\( 10^{-6} \\)",
    ]
    for sentence in sentences:
        assert sentence in text, f"not on the page: {sentence}"
    # Printed with enough decimals that the rise of "city" and "is" is visible.
    assert f"{after[new, city]:.4f}" > f"{before[new, city]:.4f}"
    assert f"{after[new, is_]:.4f}" > f"{before[new, is_]:.4f}"
    # "York" at the first position is a wrong token and falls; at its own position it rises.
    assert after[new, york_token] < before[new, york_token]
    assert after[york, targets[york]] > before[york, targets[york]]
    # The alt text of the figure quotes the same numbers.
    assert f"New rises from {p_new:.4f} to {after[new, targets[new]]:.4f}" in text


def test_an_equally_good_paraphrase_is_pushed_down_like_a_wrong_answer():
    after = pu.step_on_reference(pu.ANSWER_PROBS)
    reference, paraphrase, wrong = (pu.ANSWERS.index(a) for a in ("New York", "NYC", "Los Angeles"))
    assert after[reference] > pu.ANSWER_PROBS[reference]
    assert after[paraphrase] < pu.ANSWER_PROBS[paraphrase]
    # The paraphrase falls further than the wrong answer, because it was more likely.
    drop = pu.ANSWER_PROBS - after
    assert drop[paraphrase] > drop[wrong] > 0
    text = page_text("sft/parameter-updates.md")
    assert (f"The paraphrase falls from {pu.ANSWER_PROBS[paraphrase]:.2f} to {after[paraphrase]:.2f}, "
            f"further than the wrong answer ({pu.ANSWER_PROBS[wrong]:.2f} to {after[wrong]:.2f})") in text
    # The quiz repeats the same numbers.
    assert (f'"NYC" goes from {pu.ANSWER_PROBS[paraphrase]:.2f} to {after[paraphrase]:.2f} and '
            f'"Los Angeles" from {pu.ANSWER_PROBS[wrong]:.2f} to {after[wrong]:.2f}') in text
    assert f"the reference rises to {after[reference]:.2f}, not to 1" in text
    assert 'gives the reference answer "New York" 0.5, an equally good paraphrase "NYC" 0.3' in text


def test_quiz_numbers():
    text = page_text("sft/parameter-updates.md")
    targets, _ = pu.training_example()
    before, _ = pu.one_sft_step(0)
    p_new = before[pu.response_position("New"), targets[pu.response_position("New")]]
    assert f"- [x] {p_new:.4f} − 1 ≈ {shown(p_new - 1)}" in (DOCS / "sft" / "parameter-updates.md").read_text()
    assert f"1 − {p_new:.4f} ≈ {1 - p_new:.3f}" in text


def test_the_capital_of_france_question():
    """The question students are given: London 0.3, Paris 0.2, Berlin 0.1, the rest 0.4."""
    probs = pu.CAPITAL_PROBS
    assert [pu.CAPITALS[k] for k in range(3)] == ["London", "Paris", "Berlin"]
    assert probs[:3].tolist() == [0.3, 0.2, 0.1] and probs[3:].sum() == pytest.approx(0.4)
    gradient = pu.logit_gradient(np.log(probs), pu.PARIS)
    assert gradient[:3] == pytest.approx([0.3, -0.8, 0.1])
    assert np.all(gradient[3:] == pytest.approx(0.05))
    after = pu.step_on_reference(probs, pu.PARIS)
    assert after[pu.PARIS] > probs[pu.PARIS] and after.argmax() == pu.PARIS
    assert np.all(np.delete(after, pu.PARIS) < np.delete(probs, pu.PARIS))  # every other word falls
    text = page_text("sft/parameter-updates.md")
    assert f"\\( -\\log 0.2 \\approx {-np.log(0.2):.3f} \\)" in text
    assert (f'"Paris" rises from 0.2 to {after[pu.PARIS]:.3f} and overtakes "London", which falls from '
            f"0.3 to {after[0]:.3f}") in text
    assert f'"Berlin" falls to {after[2]:.3f} and each other word to {after[3]:.3f}' in text
    assert f'takes "Paris" from 0.2 to {after[pu.PARIS]:.3f}, not to 1' in text
    assert "(below, 8 words at 0.05 each" in text and len(pu.CAPITALS) - 3 == 8


def test_which_wrong_tokens_rise_after_a_small_step():
    """The first-order rule on the page, checked against real small steps."""
    targets, _ = pu.training_example()
    t = pu.response_position("New")
    before, _ = pu.one_sft_step(0)
    threshold = pu.rising_threshold(before[t], targets[t])
    for seed in range(5):
        for learning_rate in (0.05, 0.5):
            start, after = pu.one_sft_step(seed, learning_rate)
            rule = pu.rising_threshold(start[t], targets[t])
            for k in range(len(pu.VOCAB)):
                if k != targets[t]:
                    assert (after[t, k] > start[t, k]) == (start[t, k] < rule), (seed, learning_rate, k)
    text = page_text("sft/parameter-updates.md")
    york, los = pu.VOCAB.index("York"), pu.VOCAB.index("Los")
    assert f"threshold is {threshold:.3f}" in text
    assert f'"York" ({before[t, york]:.4f}) and "Los" ({before[t, los]:.4f}) rise too' in text
    _, small = pu.one_sft_step(0, 0.5)
    _, large = pu.one_sft_step(0, pu.LEARNING_RATE)
    for k in (york, los):
        assert small[t, k] > before[t, k] and large[t, k] < before[t, k]
