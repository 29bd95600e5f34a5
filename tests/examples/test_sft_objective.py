"""The SFT objective page: the "New York" numbers, the masked prompt, and the page's prose."""

import math
import runpy
from pathlib import Path

import numpy as np
import pytest

import sft_objective as so
from conftest import page_text

MODEL_A = so.REFERENCE_TOKEN_PROBS["Model A"]
MODEL_B = so.REFERENCE_TOKEN_PROBS["Model B"]



def shown(value, digits):
    """A number as the page prints it, with a typographic minus."""
    return f"{value:.{digits}f}".replace("-", "\N{MINUS SIGN}")


def test_the_seed_probabilities_are_the_ones_in_the_question():
    assert MODEL_A.tolist() == [0.6, 0.8]
    assert MODEL_B.tolist() == [0.9, 0.4]
    assert so.RESPONSE_TOKENS == ["New", "York"]


def test_sequence_probabilities():
    # By hand: 0.6 * 0.8 = 0.48 and 0.9 * 0.4 = 0.36.
    assert so.sequence_probability(MODEL_A) == pytest.approx(0.48)
    assert so.sequence_probability(MODEL_B) == pytest.approx(0.36)


def test_log_likelihoods_and_losses():
    # ln 0.48 = -0.7340, ln 0.36 = -1.0217; per token -ln 0.6 = 0.5108, -ln 0.8 = 0.2231,
    # -ln 0.9 = 0.1054, -ln 0.4 = 0.9163.
    assert so.sequence_log_likelihood(MODEL_A) == pytest.approx(-0.7340, abs=5e-5)
    assert so.sequence_log_likelihood(MODEL_B) == pytest.approx(-1.0217, abs=5e-5)
    assert so.token_losses(MODEL_A) == pytest.approx([0.5108, 0.2231], abs=5e-5)
    assert so.token_losses(MODEL_B) == pytest.approx([0.1054, 0.9163], abs=5e-5)
    for probs in (MODEL_A, MODEL_B):
        result = so.scores(probs)
        # The total loss is minus the log-likelihood, and the log of the sequence probability.
        assert result["total_loss"] == pytest.approx(-result["log_likelihood"])
        assert result["total_loss"] == pytest.approx(-math.log(math.prod(probs)))


def test_the_objective_prefers_model_a_although_model_b_has_the_best_token():
    assert so.preferred_model() == "Model A"
    assert MODEL_B.max() > MODEL_A.max()
    assert so.scores(MODEL_A)["total_loss"] < so.scores(MODEL_B)["total_loss"]


def test_no_first_token_can_make_up_for_model_bs_second_token():
    # 0.48 / 0.4 = 1.2 > 1: impossible for a probability.
    needed = so.first_token_prob_needed(so.sequence_probability(MODEL_A), MODEL_B[1])
    assert needed == pytest.approx(1.2)
    assert needed > 1


def test_tokens_trade_off_but_a_confident_token_saves_at_most_its_own_loss():
    model_c = so.TRADE_OFF_MODEL["Model C"]
    # 0.9 * 0.6 = 0.54 > 0.48, although Model C's "York" (0.6) is weaker than Model A's (0.8).
    assert so.sequence_probability(model_c) == pytest.approx(0.54)
    assert so.preferred_model({"Model A": MODEL_A, **so.TRADE_OFF_MODEL}) == "Model C"
    assert model_c[1] < MODEL_A[1]
    # A perfect first token saves -ln 0.9 = 0.1054; Model B's "York" still costs -ln 0.4 = 0.9163,
    # more than Model A's whole loss, -ln 0.48 = 0.7340.
    assert so.largest_possible_saving(MODEL_B[0]) == pytest.approx(0.1054, abs=5e-5)
    assert -math.log(MODEL_B[1]) > so.scores(MODEL_A)["total_loss"]
    # Whatever the first token, Model B's sequence probability stays at most P("York") = 0.4.
    for first in np.linspace(0.0, 1.0, 101):
        assert so.sequence_probability([first, MODEL_B[1]]) < so.sequence_probability(MODEL_A)


def test_share_of_samples_off_the_reference_prefix():
    assert so.share_of_samples_off_the_reference(MODEL_A[0]) == pytest.approx(0.4)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_masked_prompt_tokens_add_nothing_to_the_loss(seed):
    token_log_probs, loss_mask = so.prompt_and_response_log_probs(MODEL_A, seed=seed)
    assert int(np.sum(loss_mask == 0)) == 7  # "The largest city in the US is"
    masked = so.masked_sequence_loss(token_log_probs, loss_mask)
    assert masked == pytest.approx(-math.log(0.48))
    unmasked = so.masked_sequence_loss(token_log_probs, np.ones_like(loss_mask))
    assert unmasked > masked + 1.0  # the prompt's own (made-up) probabilities would count


def test_the_figure_shows_the_per_token_losses():
    figure = so.plot_token_losses()
    heights = sorted(round(patch.get_height(), 4) for patch in figure.axes[0].patches)
    assert heights == sorted(round(-math.log(p), 4) for p in (0.6, 0.8, 0.9, 0.4))


def test_main_prints_the_numbers(capsys):
    runpy.run_path(str(Path(so.__file__)), run_name="__main__")
    out = capsys.readouterr().out
    for text in ("P(y|x) = 0.48", "P(y|x) = 0.36", "-0.734", "-1.022", "prefers Model A",
                 "1.20", "40%", "P(y|x) = 0.54", "only 0.105", "temperature 1"):
        assert text in out


def test_numbers_in_the_prose_come_from_the_code():
    text = page_text("sft/objective.md")
    a, b = so.scores(MODEL_A), so.scores(MODEL_B)
    expected = [
        shown(MODEL_A[0], 1), shown(MODEL_A[1], 1), shown(MODEL_B[0], 1), shown(MODEL_B[1], 1),
        shown(a["sequence_probability"], 2), shown(b["sequence_probability"], 2),
        shown(a["log_likelihood"], 3), shown(b["log_likelihood"], 3),
        shown(a["total_loss"], 3), shown(b["total_loss"], 3),
        shown(b["total_loss"] - a["total_loss"], 3),
        *(shown(loss, 3) for loss in a["token_losses"]),
        *(shown(loss, 3) for loss in b["token_losses"]),
        shown(so.first_token_prob_needed(a["sequence_probability"], MODEL_B[1]), 2),
        f"{so.share_of_samples_off_the_reference(MODEL_A[0]):.0%}",
    ]
    for number in expected:
        assert number in text, f"{number} is not on the page"
    # The sentences that state them, as written on the page.
    assert "0.6 × 0.8 = 0.48" in text and "0.9 × 0.4 = 0.36" in text
    assert "Model A's log-likelihood is −0.734 and Model B's is −1.022" in text
    assert "higher by 0.288 nats" in text
    assert "0.48 / 0.4 = 1.20" in text
    assert "sampling at temperature 1" in text and "not \"New\" in 40% of its answers" in text
    model_c = so.TRADE_OFF_MODEL["Model C"]
    assert (f"{shown(model_c[0], 1)} × {shown(model_c[1], 1)} = "
            f"{shown(so.sequence_probability(model_c), 2)}") in text
    saving = shown(so.largest_possible_saving(MODEL_B[0]), 3)
    assert f"would save Model B only {saving}" in text
    # The quiz on the trade-off: raising "New" to 0.99 is not enough.
    assert f"0.99 × 0.4 = {so.sequence_probability([0.99, MODEL_B[1]]):.3f}" in text
    assert f"saves only its own loss, {saving}" in text
    token_log_probs, loss_mask = so.prompt_and_response_log_probs(MODEL_A)
    n_prompt = int(np.sum(loss_mask == 0))
    assert f"the {n_prompt} prompt tokens" in text
    masked = so.masked_sequence_loss(token_log_probs, loss_mask)
    assert f"Model A's loss is still {masked:.3f}" in text


def test_the_false_takeaway_is_gone():
    """A confident token *can* make up for a weaker one (0.9 x 0.6 beats 0.6 x 0.8)."""
    text = page_text("sft/objective.md")
    for sentence in ("cannot pay for a doubtful one", "cannot make up for a weak one",
                     "Every token counts on its own"):
        assert sentence not in text


def test_the_page_keeps_its_heading_ids_and_the_book_is_not_credited_with_the_terms():
    text = page_text("sft/objective.md")
    for anchor in ("{ #objective }", "{ #sequence-likelihood }", "{ #cross-entropy }",
                   "{ #masked-prompt }", "{ #teacher-forcing }", "{ #new-york-example }"):
        assert anchor in text
    assert "The book does not use either term" in text
