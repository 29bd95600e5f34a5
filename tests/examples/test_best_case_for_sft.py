"""The best-case-for-SFT page: a demonstrated format is learned from a handful of examples and
more of the same add little; among acceptable answers SFT learns the demonstrated shares, not the
quality; LIMA is quoted only from its abstract; and the page's numbers come from the code."""

import re
import runpy
from pathlib import Path

import numpy as np
import pytest

import best_case_for_sft as bc
from conftest import page_text

PAGE = "limits/best-case-for-sft.md"
MORE_SEEDS = [5, 6, 7, 8, 9]

# The abstract of Zhou et al. (2023), arXiv:2305.11206v1, as on arxiv.org/abs/2305.11206v1 and
# on the NeurIPS 2023 proceedings page. The page may quote LIMA only from this text.
LIMA_ABSTRACT = (
    "Large language models are trained in two stages: (1) unsupervised pretraining from raw text, "
    "to learn general-purpose representations, and (2) large scale instruction tuning and "
    "reinforcement learning, to better align to end tasks and user preferences. We measure the "
    "relative importance of these two stages by training LIMA, a 65B parameter LLaMa language "
    "model fine-tuned with the standard supervised loss on only 1,000 carefully curated prompts "
    "and responses, without any reinforcement learning or human preference modeling. LIMA "
    "demonstrates remarkably strong performance, learning to follow specific response formats "
    "from only a handful of examples in the training data, including complex queries that range "
    "from planning trip itineraries to speculating about alternate history. Moreover, the model "
    "tends to generalize well to unseen tasks that did not appear in the training data. In a "
    "controlled human study, responses from LIMA are either equivalent or strictly preferred to "
    "GPT-4 in 43% of cases; this statistic is as high as 58% when compared to Bard and 65% versus "
    "DaVinci003, which was trained with human feedback. Taken together, these results strongly "
    "suggest that almost all knowledge in large language models is learned during pretraining, "
    "and only limited instruction tuning data is necessary to teach models to produce high "
    "quality output."
)
# Fragments of the book quoted on the page (research facts A.7 and A.8, read in its v2 text).
BOOK_QUOTES = [
    "could be competitive with or even better than models with much more fine-tuning effort",
    "tone, style, or subjective quality",
]


def test_the_pretrained_model_can_already_produce_every_response():
    rng = np.random.default_rng(0)
    weights = bc.pretrained_weights(bc.NOTES_PRETRAINED, rng)
    neutral = np.array([[1.0] + [0.0] * bc.N_WORDING])
    assert np.allclose(bc.response_probs(weights, neutral)[0], bc.NOTES_PRETRAINED)
    new = bc.prompts_of_one_kind(1000, rng)
    assert bc.response_probs(weights, new).min() > 0.001  # nothing is impossible
    assert sum(bc.FORMAT_PRETRAINED) == pytest.approx(1.0)
    assert sum(bc.NOTES_PRETRAINED) == pytest.approx(1.0)


@pytest.mark.parametrize("seeds", [bc.SEEDS, MORE_SEEDS])
def test_a_format_is_learned_from_a_handful_of_demonstrations(seeds):
    pretrained, after = bc.format_curve(seeds=seeds)
    counts = bc.DEMONSTRATION_COUNTS
    assert np.all(pretrained < 0.35)  # the base model mostly does something else
    sixteen = after[counts.index(16)]
    assert np.all(sixteen > 0.98)  # every seed: near certainty after 16
    mean = after.mean(axis=1)
    assert np.all(np.diff(mean[: counts.index(16) + 1]) > 0)  # rising up to 16 ...
    assert mean[-1] - mean[counts.index(16)] < 0.005  # ... and flat after: 984 more add little
    assert np.all(after[counts.index(1)] < 0.9)  # one demonstration is not enough


def test_the_first_step_pushes_each_other_note_by_its_probability():
    gradient = bc.first_step_logit_gradient("note A")
    expected = np.array(bc.NOTES_PRETRAINED) - np.eye(len(bc.NOTES))[0]
    assert np.allclose(gradient, expected)
    c, bland, curt, b = (bc.NOTES.index(name)
                         for name in ("note C", "bland note", "curt note", "note B"))
    assert bc.QUALITY[c] == "good" and bc.QUALITY[curt] == "poor"
    assert gradient[c] == pytest.approx(gradient[curt])  # equally good, equally pushed as poor
    assert gradient[b] == pytest.approx(gradient[bland])
    assert gradient[0] < 0 and np.all(gradient[1:] > 0)


@pytest.mark.parametrize("n_prompts", [200, 1000])
def test_demonstrations_hold_exactly_the_shares(n_prompts):
    _, targets = bc.note_demonstrations(n_prompts, np.random.default_rng(0))
    counts = np.bincount(targets, minlength=len(bc.NOTES))
    assert list(counts) == [round(share * n_prompts) for share in bc.DEMONSTRATED_SHARES]
    assert counts[bc.NOTES.index("note C")] == 0


@pytest.mark.parametrize("seed", bc.SEEDS + MORE_SEEDS)
def test_sft_learns_the_demonstrated_shares_not_the_quality(seed):
    before_mean, after_mean, before, after = bc.notes_after_sft(seed)
    a, b = after_mean[:2]
    assert abs(a - 0.7) < 0.02 and abs(b - 0.3) < 0.02
    undemonstrated = after[:, 2:]  # note C (good), bland, curt; every new prompt
    assert undemonstrated.max() < 0.01
    means = undemonstrated.mean(axis=0)
    assert means.max() / means.min() < 1.3  # no ranking left among them
    assert np.all(after_mean[2:] < before_mean[2:] / 50)  # each fell a long way
    assert b < a / 2  # note B, as good as A, ends with less than half of A's


def test_more_demonstrations_of_the_same_change_nothing():
    _, after_200 = bc.mean_notes()
    _, after_1000 = bc.mean_notes(n_prompts=1000)
    assert np.abs(after_200 - after_1000).max() < 0.01


def test_the_figures_show_what_the_captions_say():
    pretrained, after = bc.format_curve()
    curve_axes = bc.plot_format_curve().axes[0]
    mean_line = [line for line in curve_axes.lines if line.get_linestyle() == "-"][0]
    assert np.allclose(mean_line.get_ydata(), after.mean(axis=1))
    assert list(mean_line.get_xdata()) == bc.DEMONSTRATION_COUNTS
    dashed = [line for line in curve_axes.lines if line.get_linestyle() == "--"][0]
    assert dashed.get_ydata()[0] == pytest.approx(pretrained.mean())
    before, after_notes = bc.mean_notes()
    bars = [patch.get_height() for patch in bc.plot_notes().axes[0].patches]
    assert np.allclose(bars, np.concatenate([before, after_notes]))
    # the alt text's ranges
    assert 0.14 <= before.min() and before.max() <= 0.27
    assert round(after_notes[0], 2) == 0.70 and round(after_notes[1], 2) == 0.30


def test_main_prints_both_experiments(capsys):
    runpy.run_path(str(Path(bc.__file__)), run_name="__main__")
    out = capsys.readouterr().out
    assert "pre-trained model: 0.2" in out
    assert "A -0.80" in out and "curt +0.25" in out
    assert "after SFT on 200   on 1,000" in out


def test_numbers_in_the_prose_come_from_the_code():
    text = page_text(PAGE)
    pretrained, after = bc.format_curve()
    counts = bc.DEMONSTRATION_COUNTS
    sixteen, thousand = after[counts.index(16)], after[counts.index(1000)]
    gradient = bc.first_step_logit_gradient()
    before_notes, after_notes = bc.mean_notes()
    _, after_more = bc.mean_notes(n_prompts=1000)
    worst_seed_floor = np.floor(sixteen.min() * 100) / 100
    sentences = [
        f"{bc.N_WORDING} random wording features",
        f"on {bc.N_NEW_PROMPTS:,} new prompts, for {len(bc.SEEDS)} seeds",
        f"gives the assistant answer {pretrained.mean():.3f} on new prompts",
        f"Sixteen demonstrations raise it to {sixteen.mean():.3f}, and every seed is above "
        f"{worst_seed_floor:.2f}",
        f"The next {1000 - 16} demonstrations, all of the same kind, take it to "
        f"{thousand.mean():.3f}",
        f"The figure shows all {len(bc.SEEDS)} seeds",
        f"Each of {200} prompts gets one demonstration",
        f"write note A for {bc.DEMONSTRATED_SHARES[0]:.0%} of the prompts and note B for the "
        f"other {bc.DEMONSTRATED_SHARES[1]:.0%}",
        "gives the five notes " + ", ".join(f"{p:.2f}" for p in bc.NOTES_PRETRAINED[:4])
        + f" and {bc.NOTES_PRETRAINED[4]:.2f}",
        f"note A gets −{-gradient[0]:.2f}, and note C, as good as A, gets +{gradient[2]:.2f}",
        f"Note B and the bland note get +{gradient[1]:.2f} each",
        f"gives note A {after_notes[0]:.3f} and note B {after_notes[1]:.3f} on new prompts",
        f"all end at {after_notes[2]:.3f}",
        f"on every one of the {bc.N_NEW_PROMPTS:,} new prompts and every seed each of them stays "
        "below 0.01",
        f"with 1,000 demonstrations written in the same proportions, note A gets "
        f"{after_more[0]:.3f} and note B {after_more[1]:.3f}",
        f"16 demonstrations give {sixteen.mean():.3f} and 1,000 give {thousand.mean():.3f}",
        f"in the toy, 16 give {sixteen.mean():.3f} and 1,000 give {thousand.mean():.3f}",
        f"in the toy, {after_notes[0]:.3f}, {after_notes[1]:.3f} and {after_notes[2]:.3f}, the "
        f"same {after_notes[4]:.3f} as the bland and the curt note",
        f"with 1,000 instead of {200} demonstrations the notes stay at the same shares",
    ]
    for sentence in sentences:
        assert sentence in text, f"not on the page: {sentence}"
    # the three undemonstrated notes print the same value, as the page says
    assert len({f"{p:.3f}" for p in after_notes[2:]}) == 1
    assert len({f"{p:.3f}" for p in after_more[2:]}) == 1
    # the page's "1, 2, 4, … up to 1,000", "200 prompts" and "1,000 new prompts" are the code's
    assert counts[:3] == [1, 2, 4] and counts[-1] == 1000
    assert "We fine-tune on 1, 2, 4, … up to 1,000 of them" in text
    assert bc.notes_after_sft.__defaults__ == (200,)
    assert bc.N_NEW_PROMPTS == 1000
    # 43% "equivalent or preferred" leaves 57% where GPT-4 was preferred
    assert "in the other 57% of the comparisons GPT-4's response was preferred" in text
    assert "in the other 57%, GPT-4's was preferred" in text


def lima_section(text):
    start = text.index("## The strongest case: LIMA")
    return text[start:text.index("## ", start + 3)]


def test_lima_is_quoted_only_from_its_abstract():
    text = page_text(PAGE)
    quotes = re.findall(r'"([^"]+)"', lima_section(text))
    assert len(quotes) >= 6
    for quote in quotes:
        fragment = quote.rstrip(".")
        assert fragment in LIMA_ABSTRACT or fragment in BOOK_QUOTES, f"not in the sources: {quote}"
    # every quotation of LIMA elsewhere on the page is from the abstract too
    for quote in ("necessary", "strongly suggest", "either equivalent or strictly preferred"):
        assert quote in LIMA_ABSTRACT and f'"{quote}' in text
    for quote in BOOK_QUOTES:
        assert f'"{quote}"' in text
    assert "arXiv:2305.11206" in text and "NeurIPS 2023" in text
    # claims that could not be checked in the paper's own text stay off the page
    for unchecked in ("3.83", "3.49", "32K", "Stack Exchange", "wikiHow", "7B"):
        assert unchecked not in text, unchecked
