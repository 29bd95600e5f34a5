"""Beyond the demonstrators: SFT against selection by comparison, in a toy.

One kind of prompt and six whole answers of known quality, from "wrong" (0) to "excellent" (1),
plus "padded": the fair answer stretched to twice its length. The demonstrators have limited
skill: they most often write the fair answer, a worse one as often as a better one, and the
excellent one only on a good day (5%). Their errors are shared (all of them most often write the
same fair answer), so no decoding from the probabilities of a model that imitates them (greedy,
or sampling at any temperature) does better than they do.

1. SFT on their answers (the toy model of toy_model.py) reproduces their quality, with 300 or
   3,000 demonstrations, sampled or greedy.
2. Best-of-n: sample n answers from the SFT model and let a judge keep the one it prefers. A
   judge who scores each answer with a random error (the kind that makes pairwise comparisons
   Bradley-Terry) goes past the demonstrators, and its gain flattens, as n grows, at a level set
   by the size of the error. A judge with a systematic error (it likes length) is exploited as n
   grows: best-of-n finds the padded answer (reward over-optimisation).
3. Rejection-sampling fine-tuning (as in Llama 2): SFT on the judge's picks. The model itself, one
   sample at a time, reaches the best-of-n level, and repeated rounds go further.

Run alone, it prints the numbers the page shows (seed 0).
"""

import numpy as np

from flawed_data import prompts_of_one_kind
from toy_model import init_weights, response_probs, train_sft

SEEDS = [0, 1, 2, 3, 4]

# --8<-- [start:answers]
RESPONSES = ("wrong", "vague", "fair", "good", "excellent", "padded")
QUALITY = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 0.5])  # as an expert judges it
LENGTH = np.array([0.2, 0.3, 0.6, 0.8, 1.0, 2.0])  # relative to "excellent"
# How often the demonstrators write each answer: mostly "fair", a worse
# answer as often as a better one, "excellent" on a good day.
DEMONSTRATOR_RATES = np.array([0.05, 0.24, 0.40, 0.24, 0.05, 0.02])
EXCELLENT, PADDED = RESPONSES.index("excellent"), RESPONSES.index("padded")


def demonstrations(rng, n_prompts):
    """Prompts (a constant and 3 uninformative wording features) and the
    answers the demonstrators wrote for them."""
    features = prompts_of_one_kind(n_prompts, rng)
    answers = rng.choice(len(RESPONSES), size=n_prompts,
                         p=DEMONSTRATOR_RATES)
    return features, answers


def sft_model(seed, n_demonstrations=1000):
    """The toy model fine-tuned on the demonstrations (plain SFT)."""
    features, answers = demonstrations(np.random.default_rng(seed),
                                       n_demonstrations)
    start = init_weights(features.shape[1], len(RESPONSES), seed=seed)
    return train_sft(start, features, answers)
# --8<-- [end:answers]


def mean_quality(probs):
    """Expected quality of one sampled answer, averaged over prompts."""
    return float((probs @ QUALITY).mean())


def greedy_quality(probs):
    """Quality of the most likely answer, averaged over prompts."""
    return float(QUALITY[probs.argmax(axis=1)].mean())


def tempered(probs, temperature):
    """The model's distribution at a sampling temperature: p^(1/T), renormalised."""
    logits = np.log(probs) / temperature
    return np.exp(logits - np.logaddexp.reduce(logits, axis=1, keepdims=True))


def sample_answers(rng, probs, n_samples):
    """n answers per prompt from the model: shape (n_prompts, n_samples)."""
    cumulative = np.cumsum(probs, axis=1)  # (n_prompts, n_responses)
    uniform = rng.random((len(probs), n_samples))
    answers = (uniform[:, :, None] > cumulative[:, None, :]).sum(axis=2)
    return np.minimum(answers, len(RESPONSES) - 1)  # guard against rounding


# --8<-- [start:judge]
def judge_scores(answers, rng, noise, length_bias=0.0):
    """What a judge thinks of each answer: its quality (plus length_bias times
    its length, for a judge who likes long answers) plus a random error.
    The error is Gumbel with scale `noise`; comparing two answers this way,
    the judge prefers a to b with probability sigmoid((q_a - q_b) / noise),
    the Bradley-Terry model."""
    scores = QUALITY[answers] + length_bias * LENGTH[answers]
    if noise > 0:
        scores = scores + noise * rng.gumbel(size=answers.shape)
    return scores


def best_of_n(answers, scores, n):
    """Keep, for each prompt, the answer the judge scores highest among the
    first n samples; return the true quality of the kept answers."""
    kept = np.argmax(scores[:, :n], axis=1)
    rows = np.arange(len(answers))
    return float(QUALITY[answers[rows, kept]].mean())


def best_of_n_limit(probs, noise, length_bias=0.0):
    """Quality best-of-n tends to as n grows: the kept answer is y with
    probability proportional to pi(y) * exp(score(y) / noise)."""
    scores = QUALITY + length_bias * LENGTH
    weights = probs * np.exp((scores - scores.max()) / noise)
    weights /= weights.sum(axis=1, keepdims=True)
    return mean_quality(weights)
# --8<-- [end:judge]


JUDGES = {  # name: (noise, length_bias)
    "exact": (0.0, 0.0),
    "noise 0.1": (0.1, 0.0),
    "noise 0.3": (0.3, 0.0),
    "likes length": (0.1, 1.0),
}
SAMPLE_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def best_of_n_curves(seed=0, n_prompts=500):
    """True quality of best-of-n for each judge and n, on new prompts, from
    the SFT model; every judge sees the same samples."""
    probs = response_probs(sft_model(seed), prompts_of_one_kind(
        n_prompts, np.random.default_rng([seed, 1])))
    answers = sample_answers(np.random.default_rng([seed, 2]), probs, max(SAMPLE_SIZES))
    curves = {}
    for name, (noise, length_bias) in JUDGES.items():
        # The same seed for every judge: the same random errors, scaled.
        scores = judge_scores(answers, np.random.default_rng([seed, 3]), noise, length_bias)
        curves[name] = np.array([best_of_n(answers, scores, n) for n in SAMPLE_SIZES])
    return {"probs": probs, "curves": curves}


def judge_accuracy(noise, quality_gap=0.25):
    """How often a noisy judge prefers the better of two answers one step apart."""
    return float(1.0 / (1.0 + np.exp(-quality_gap / noise)))


def sft_by_data_size(seed, sizes=(300, 1000, 3000), n_prompts=500):
    """{n_demonstrations: (sampled quality, greedy quality)} on new prompts."""
    prompts = prompts_of_one_kind(n_prompts, np.random.default_rng([seed, 1]))
    result = {}
    for size in sizes:
        probs = response_probs(sft_model(seed, size), prompts)
        result[size] = (mean_quality(probs), greedy_quality(probs))
    return result


# --8<-- [start:rejection_sampling]
def rejection_sampling_round(weights, rng, n_samples, noise, length_bias=0.0,
                             n_prompts=500):
    """One round of rejection-sampling fine-tuning: sample n answers per
    prompt from the current model, keep the judge's pick, and fine-tune the
    model on the picks with the SFT loss."""
    prompts = prompts_of_one_kind(n_prompts, rng)
    answers = sample_answers(rng, response_probs(weights, prompts), n_samples)
    scores = judge_scores(answers, rng, noise, length_bias)
    picks = answers[np.arange(n_prompts), np.argmax(scores, axis=1)]
    return train_sft(weights, prompts, picks)
# --8<-- [end:rejection_sampling]


def rejection_sampling(seed=0, rounds=3, n_samples=16, noise=0.1, n_test_prompts=500):
    """Quality of one sampled answer after each round (round 0 is the SFT model), with the
    noisy judge; and after one round of best-of-256 with the judge who likes length."""
    rng = np.random.default_rng([seed, 4])
    test_prompts = prompts_of_one_kind(n_test_prompts, np.random.default_rng([seed, 1]))
    start = sft_model(seed)
    weights, qualities = start, [mean_quality(response_probs(start, test_prompts))]
    for _ in range(rounds):
        weights = rejection_sampling_round(weights, rng, n_samples, noise)
        qualities.append(mean_quality(response_probs(weights, test_prompts)))
    padded_model = rejection_sampling_round(start, rng, 256, *JUDGES["likes length"])
    padded_probs = response_probs(padded_model, test_prompts)
    return {
        "quality_by_round": qualities,
        "length_judge_quality": mean_quality(padded_probs),
        "length_judge_padded": float(padded_probs[:, PADDED].mean()),
    }


def plot_best_of_n(result):
    """True quality of the best-of-n answer against n, one line per judge."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(4.6, 3.6))
    styles = {  # judge: (label, colour, line style)
        "exact": ("exact judge", "#1b7f3b", "-"),
        "noise 0.1": ("noisy judge, 0.1", "#3f51b5", "-"),
        "noise 0.3": ("noisy judge, 0.3", "#7986cb", "--"),
        "likes length": ("judge likes length", "#b3261e", "-"),
    }
    for name, values in result["curves"].items():
        label, colour, line = styles[name]
        axes.plot(SAMPLE_SIZES, values, color=colour, linestyle=line, linewidth=2.2,
                  marker="o", markersize=4, label=label)
    axes.axhline(mean_quality(result["probs"]), color="#555555", linestyle=":", linewidth=1.6)
    axes.text(1, mean_quality(result["probs"]) - 0.06, "SFT = demonstrators", fontsize=10,
              color="#444444")
    axes.set_xscale("log", base=2)
    axes.set_xticks(SAMPLE_SIZES, [str(n) for n in SAMPLE_SIZES])
    axes.set_xlabel("n, answers sampled per prompt")
    axes.set_ylabel("true quality of the pick")
    axes.set_ylim(0.35, 1.2)
    axes.set_yticks([0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    axes.legend(frameon=False, loc="upper left", fontsize=10, ncol=2)
    figure.tight_layout()
    return figure


def main():
    demonstrator_quality = float(DEMONSTRATOR_RATES @ QUALITY)
    print(f"Demonstrators' average quality: {demonstrator_quality:.2f}")
    print("SFT model, quality of its answers on new prompts (seed 0):")
    for size, (sampled, greedy) in sft_by_data_size(0).items():
        print(f"  {size:>5} demonstrations: sampled {sampled:.2f}, greedy {greedy:.2f}")
    for noise in (0.1, 0.3):
        print(f"Judge with noise {noise}: picks the better of two neighbouring")
        print(f"  answers {judge_accuracy(noise):.0%} of the time")
    result = best_of_n_curves(0)
    print("Best-of-n, true quality of the pick (seed 0):")
    print(f"{'n':>5}" + "".join(f"{name:>14}" for name in JUDGES))
    for index, n in enumerate(SAMPLE_SIZES):
        print(f"{n:>5}" + "".join(f"{result['curves'][name][index]:>14.2f}" for name in JUDGES))
    limits = {name: best_of_n_limit(result["probs"], noise, bias)
              for name, (noise, bias) in JUDGES.items() if noise > 0}
    print("As n grows, best-of-n tends to:")
    print("  " + ", ".join(f"{name} {value:.2f}" for name, value in limits.items()))
    rs = rejection_sampling(0)
    print("Rejection-sampling fine-tuning (best of 16, noisy judge 0.1),")
    print("quality of one sampled answer:")
    print("  " + ", ".join(f"round {index} {value:.2f}"
                           for index, value in enumerate(rs["quality_by_round"])))
    print("One round of best of 256 with the judge who likes length:")
    print(f"  quality {rs['length_judge_quality']:.2f}, "
          f"P(padded) {rs['length_judge_padded']:.2f}")


if __name__ == "__main__":
    main()
