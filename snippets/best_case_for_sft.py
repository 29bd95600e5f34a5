"""The best case for SFT, and where it stops: a format learned from a handful of demonstrations,
and several equally good answers of which SFT keeps only the ones the demonstrators wrote.

The toy model of toy_model.py starts from "pre-trained" weights that can already produce every
response (none is impossible). Two experiments fine-tune it with the SFT loss:

1. Every demonstration shows the same format. How many does the model need before it answers new
   prompts in that format, and what do more of the same add?
2. Five notes answer one kind of prompt: three are equally good, one is so-so, one is curt. Each
   prompt gets one demonstration, written as note A or note B; nobody writes note C. What does the
   model end up giving each note?

Run alone, it prints both experiments.
"""

import numpy as np

from toy_model import response_probs, softmax, train_sft

SEEDS = [0, 1, 2, 3, 4]
TRAINING = {"steps": 150, "learning_rate": 2.0}  # plain gradient descent on the SFT loss
N_WORDING = 3  # random wording features of a prompt: they carry no information
N_NEW_PROMPTS = 1000  # new prompts of the same kind, for measuring the model


# --8<-- [start:pretrained]
def prompts_of_one_kind(n_prompts, rng):
    """Features (n_prompts, 1 + N_WORDING): a constant 1 (the kind of prompt)
    and random wording features."""
    wording = rng.normal(size=(n_prompts, N_WORDING))
    return np.hstack([np.ones((n_prompts, 1)), wording])


def pretrained_weights(typical_probs, rng, wording_scale=0.5):
    """Weights (1 + N_WORDING, n_responses) of a model that already gives
    every response some probability: on a prompt with neutral wording it
    gives exactly typical_probs; the wording moves that a little."""
    weights = rng.normal(0.0, wording_scale,
                         size=(1 + N_WORDING, len(typical_probs)))
    weights[0] = np.log(typical_probs)  # the row of the constant feature
    return weights
# --8<-- [end:pretrained]


# --8<-- [start:format]
FORMATS = ["continue the page", "assistant answer", "one-liner"]
FORMAT_PRETRAINED = [0.60, 0.25, 0.15]  # a base model mostly continues
ASSISTANT = FORMATS.index("assistant answer")
DEMONSTRATION_COUNTS = [1, 2, 4, 8, 16, 64, 250, 1000]


def format_rate(n_demonstrations, seed):
    """Fine-tune on n demonstrations that all show the assistant format;
    return the mean P(assistant answer) on new prompts, before and after."""
    rng = np.random.default_rng(seed)
    start = pretrained_weights(FORMAT_PRETRAINED, rng)
    features = prompts_of_one_kind(n_demonstrations, rng)
    targets = np.full(n_demonstrations, ASSISTANT)  # every one: same format
    weights = train_sft(start, features, targets, **TRAINING)
    new_rng = np.random.default_rng(seed + 1000)
    new = prompts_of_one_kind(N_NEW_PROMPTS, new_rng)
    before = response_probs(start, new)[:, ASSISTANT].mean()
    after = response_probs(weights, new)[:, ASSISTANT].mean()
    return float(before), float(after)


def format_curve(counts=DEMONSTRATION_COUNTS, seeds=SEEDS):
    """P(assistant answer) on new prompts: the pre-trained level (one per
    seed) and the fine-tuned level, shape (len(counts), len(seeds))."""
    runs = [[format_rate(n, seed) for seed in seeds] for n in counts]
    pretrained = np.array([before for before, _ in runs[0]])
    return pretrained, np.array([[after for _, after in row] for row in runs])
# --8<-- [end:format]


# --8<-- [start:acceptable]
NOTES = ["note A", "note B", "note C", "bland note", "curt note"]
QUALITY = ["good", "good", "good", "so-so", "poor"]  # never used in training
NOTES_PRETRAINED = [0.20, 0.15, 0.25, 0.15, 0.25]
DEMONSTRATED_SHARES = [0.7, 0.3, 0.0, 0.0, 0.0]  # nobody writes note C


def note_demonstrations(n_prompts, rng, shares=DEMONSTRATED_SHARES):
    """One demonstration per prompt; exactly round(share * n) prompts show
    each note."""
    features = prompts_of_one_kind(n_prompts, rng)
    counts = [round(share * n_prompts) for share in shares]
    targets = np.repeat(np.arange(len(NOTES)), counts)  # (n_prompts,)
    return features, rng.permutation(targets)


def notes_after_sft(seed, n_prompts=200):
    """Mean P(each note) on new prompts: pre-trained and fine-tuned, plus
    both for every new prompt (rows: prompts, columns: notes)."""
    rng = np.random.default_rng(seed)
    start = pretrained_weights(NOTES_PRETRAINED, rng)
    features, targets = note_demonstrations(n_prompts, rng)
    weights = train_sft(start, features, targets, **TRAINING)
    new_rng = np.random.default_rng(seed + 1000)
    new = prompts_of_one_kind(N_NEW_PROMPTS, new_rng)
    before, after = response_probs(start, new), response_probs(weights, new)
    return before.mean(axis=0), after.mean(axis=0), before, after
# --8<-- [end:acceptable]


# --8<-- [start:first_step]
def first_step_logit_gradient(demonstrated="note A"):
    """d loss / d logits for one demonstration, on a prompt with neutral
    wording (the model gives NOTES_PRETRAINED): softmax(z) - onehot(y)."""
    logits = np.log(NOTES_PRETRAINED)
    gradient = softmax(logits)
    gradient[NOTES.index(demonstrated)] -= 1.0
    return gradient
# --8<-- [end:first_step]


SHORT_NAMES = ["A", "B", "C", "bland", "curt"]  # the notes, in the figure and printout


def mean_notes(seeds=SEEDS, n_prompts=200):
    """Mean over seeds of the pre-trained and fine-tuned P(each note)."""
    runs = [notes_after_sft(seed, n_prompts)[:2] for seed in seeds]
    return (np.mean([before for before, _ in runs], axis=0),
            np.mean([after for _, after in runs], axis=0))


def plot_format_curve(counts=DEMONSTRATION_COUNTS, seeds=SEEDS):
    """P(assistant answer) on new prompts against the number of demonstrations."""
    from _figure import plt  # the Agg backend and the course's figure style

    pretrained, after = format_curve(counts, seeds)
    figure, axes = plt.subplots(figsize=(5.0, 3.3))
    axes.axhline(pretrained.mean(), color="#888888", linestyle="--",
                 label="pre-trained model")
    for column in range(len(seeds)):
        axes.plot(counts, after[:, column], "o", color="#9fa8da", markersize=4,
                  label=f"each of {len(seeds)} seeds" if column == 0 else None)
    axes.plot(counts, after.mean(axis=1), "-", color="#3f51b5", linewidth=2,
              label="mean")
    axes.set_xscale("log")
    axes.set_xticks(counts, [f"{n:,}" for n in counts])
    axes.minorticks_off()
    axes.set_xlabel("demonstrations of the format")
    axes.set_ylabel("P(assistant answer)")
    axes.set_ylim(0, 1.05)
    axes.legend(frameon=False, loc="center right")
    figure.tight_layout()
    return figure


def plot_notes(seeds=SEEDS):
    """Bars: P(each note) before and after SFT, with each note's quality."""
    from _figure import plt  # the Agg backend and the course's figure style

    before, after = mean_notes(seeds)
    figure, axes = plt.subplots(figsize=(5.0, 3.3))
    x = np.arange(len(NOTES))
    width = 0.4
    axes.bar(x - width / 2, before, width, color="#9fa8da", label="pre-trained")
    axes.bar(x + width / 2, after, width, color="#3f51b5", label="after SFT")
    labels = [f"{name}\n({quality})"
              for name, quality in zip(SHORT_NAMES, QUALITY, strict=True)]
    axes.set_xticks(x, labels)
    axes.set_ylabel("P(note)")
    axes.set_ylim(0, 0.8)
    axes.legend(frameon=False, loc="upper right")
    figure.tight_layout()
    return figure


def main():
    pretrained, after = format_curve()
    print("1. Every demonstration shows the assistant answer.")
    print(f"   P(assistant answer) on new prompts, mean of {len(SEEDS)} seeds")
    print(f"   pre-trained model: {pretrained.mean():.3f}")
    print("   demonstrations   P(assistant)   lowest seed")
    for n, row in zip(DEMONSTRATION_COUNTS, after, strict=True):
        print(f"   {n:>14,}      {row.mean():.3f}          {row.min():.3f}")
    print('2. One demonstration per prompt: 70% note A, 30% note B, none C.')
    gradient = first_step_logit_gradient()
    print("   First step on a demonstration of note A, d loss / d logit:")
    print("   " + "   ".join(f"{name} {g:+.2f}"
                            for name, g in zip(SHORT_NAMES, gradient, strict=True)))
    print(f"   P(note) on new prompts, mean of {len(SEEDS)} seeds")
    print("   note        quality   pre-trained   after SFT on 200   on 1,000")
    before, after = mean_notes()
    _, after_more = mean_notes(n_prompts=1000)
    for row in zip(NOTES, QUALITY, before, after, after_more, strict=True):
        note, quality, p_before, p_after, p_more = row
        print(f"   {note:<11} {quality:<9} {p_before:>7.3f}       {p_after:>7.3f}"
              f"          {p_more:>7.3f}")


if __name__ == "__main__":
    main()
