"""Hallucination: what SFT teaches when demonstrations go beyond what the model knows.

A question is represented by the pre-trained model as a feature vector. For a fact the model
knows, a few "answer signal" features point at the true answer (its knowledge); for a fact it does
not know, they are all zero, so no answer can be read off and any specific answer is a guess. A
pair of features says which of the two it is (the model's sense of what it knows), and random
"wording" features tell the questions apart without saying anything about their answers.

The model of toy_model.py chooses one of four candidate answers or "I don't know". It is
fine-tuned on demonstrations that give the correct answer to every question, a growing share of
them unknown to the model, and measured on new questions: confident wrong answers on unknown
facts, accuracy on known ones. Then the same data with "I don't know" for the unknown facts, and
the reverse mistake: "I don't know" demonstrated for facts the model does know.

Run alone, it prints every number the page shows.
"""

from functools import lru_cache

import numpy as np

from toy_model import init_weights, response_probs, train_sft

N_ANSWERS = 4  # candidate answers to every question
IDK = N_ANSWERS  # the last response is "I don't know"
RESPONSES = [f"answer {k + 1}" for k in range(N_ANSWERS)] + ["I don't know"]
N_WORDING = 100  # wording features per question
SIGNAL, SIGNAL_NOISE = 2.0, 0.5  # how clearly a known fact's features show its answer
WORDING_SCALE = 1.0  # size of a question's wording vector
N_DEMONSTRATIONS = 200
N_NEW = 1000  # new known facts and new unknown facts to measure on
CONFIDENT = 0.5  # an answer given with at least this probability is confident
UNKNOWN_SHARES = [0.0, 0.1, 0.25, 0.5, 0.75]
COMPARED_SHARE = 0.5  # the share at which main() also changes what the unknown facts show
SEEDS = [0, 1, 2]
# Plain gradient descent on the SFT loss. Rates above about 5 oscillate on the
# withholding data ("I don't know" for known facts); 4 is stable for every seed tested.
TRAINING = {"steps": 200, "learning_rate": 4.0}
CHECKPOINTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]  # steps, for fitting_curve


# --8<-- [start:facts]
def facts(n_facts, known, rng):
    """Questions as the pre-trained model represents them, and their true
    answers. Features, shape (n_facts, 2 + N_ANSWERS + N_WORDING):
      [knows it, does not know it]  the model's sense of its own knowledge
      answer signal                 points at the true answer if the fact
                                    is known; all zero if it is not
      wording                       random: tells questions apart, says
                                    nothing about the answer"""
    answers = rng.permutation(np.arange(n_facts) % N_ANSWERS)  # balanced
    signal = np.zeros((n_facts, N_ANSWERS))
    if known:
        signal = SIGNAL_NOISE * rng.normal(size=(n_facts, N_ANSWERS))
        signal[np.arange(n_facts), answers] += SIGNAL
    knows = np.tile([1.0, 0.0] if known else [0.0, 1.0], (n_facts, 1))
    wording = rng.normal(size=(n_facts, N_WORDING))
    wording *= WORDING_SCALE / np.sqrt(N_WORDING)
    return np.hstack([knows, signal, wording]), answers
# --8<-- [end:facts]


# --8<-- [start:demonstrations]
def demonstrations(unknown_share, rng, unknown_shown_as="answer",
                   known_idk_share=0.0, n=N_DEMONSTRATIONS):
    """n questions, a share of them unknown to the model, each shown with
    its correct answer. unknown_shown_as="idk" shows "I don't know" for the
    unknown ones instead, and "left out" drops them. A share of the known
    ones can be shown with "I don't know" too (an annotator who did not
    know the answer). Returns features, targets and which are unknown."""
    n_unknown = round(unknown_share * n)
    known_x, known_y = facts(n - n_unknown, True, rng)
    unknown_x, unknown_y = facts(n_unknown, False, rng)
    known_y[:round(known_idk_share * len(known_y))] = IDK
    if unknown_shown_as == "idk":
        unknown_y = np.full(n_unknown, IDK)
    elif unknown_shown_as == "left out":
        unknown_x, unknown_y = unknown_x[:0], unknown_y[:0]
    features = np.vstack([known_x, unknown_x])
    targets = np.concatenate([known_y, unknown_y])
    is_unknown = np.arange(len(targets)) >= len(known_y)
    return features, targets, is_unknown
# --8<-- [end:demonstrations]


@lru_cache(maxsize=32)
def new_facts(seed):
    """N_NEW known and N_NEW unknown questions the model was not trained on
    (the same for every model trained with this seed; read, never changed)."""
    rng = np.random.default_rng(seed + 1000)
    return facts(N_NEW, True, rng), facts(N_NEW, False, rng)


# --8<-- [start:behaviour]
def behaviour(weights, new):
    """What the fine-tuned model does on new questions:
      known_accuracy   mean P(true answer) on known facts
      withheld         mean P("I don't know") on known facts
      confident_wrong  share of unknown facts whose most likely answer is
                       wrong and has probability >= CONFIDENT
      answered         mean 1 - P("I don't know") on unknown facts"""
    (known_x, known_y), (unknown_x, unknown_y) = new
    known_p = response_probs(weights, known_x)  # (N_NEW, N_ANSWERS + 1)
    unknown_p = response_probs(weights, unknown_x)
    answer_p = unknown_p[:, :N_ANSWERS]
    wrong = answer_p.argmax(axis=1) != unknown_y
    sure = answer_p.max(axis=1) >= CONFIDENT
    return {
        "known_accuracy": known_p[np.arange(N_NEW), known_y].mean(),
        "withheld": known_p[:, IDK].mean(),
        "confident_wrong": np.mean(wrong & sure),
        "answered": 1 - unknown_p[:, IDK].mean(),
    }
# --8<-- [end:behaviour]


def fine_tune(features, targets, seed, steps=TRAINING["steps"]):
    """SFT from the same small random start the other examples use."""
    start = init_weights(features.shape[1], N_ANSWERS + 1, seed=seed)
    return train_sft(start, features, targets, steps,
                     TRAINING["learning_rate"])


def experiment(unknown_share, seed, steps=TRAINING["steps"], **data_options):
    """Fine-tune on one data set, then measure on new questions."""
    rng = np.random.default_rng(seed)
    features, targets, _ = demonstrations(unknown_share, rng, **data_options)
    weights = fine_tune(features, targets, seed, steps)
    return {name: float(value)
            for name, value in behaviour(weights, new_facts(seed)).items()}


def sweep(shares=UNKNOWN_SHARES, seeds=SEEDS, **options):
    """{measure: array of shape (len(shares), len(seeds))}."""
    results = [[experiment(share, seed, **options) for seed in seeds]
               for share in shares]
    return {name: np.array([[cell[name] for cell in row] for row in results])
            for name in results[0][0]}


# --8<-- [start:fitting]
def fitting_curve(seed=0, unknown_share=0.5, checkpoints=CHECKPOINTS):
    """Train step by step and record, after each checkpoint, the mean
    probability of the demonstrated answer on the known and on the unknown
    demonstrations, and confident wrong answers on new unknown facts.
    Returns rows (steps, known fit, unknown fit, confident wrong)."""
    rng = np.random.default_rng(seed)
    features, targets, unknown = demonstrations(unknown_share, rng)
    new = new_facts(seed)
    weights = init_weights(features.shape[1], N_ANSWERS + 1, seed=seed)
    rows, done = [], 0
    for steps in checkpoints:
        weights = train_sft(weights, features, targets, steps - done,
                            TRAINING["learning_rate"])
        done = steps
        fit = response_probs(weights, features)[np.arange(len(targets)),
                                                targets]
        rows.append((steps, fit[~unknown].mean(), fit[unknown].mean(),
                     behaviour(weights, new)["confident_wrong"]))
    return [(steps, float(known), float(unknown), float(wrong))
            for steps, known, unknown, wrong in rows]
# --8<-- [end:fitting]


# --8<-- [start:loss]
def expected_unknown_loss(idk_prob, idk_share):
    """Expected SFT loss per unknown question, for a model that gives
    "I don't know" probability a and spreads 1 - a evenly over the
    N_ANSWERS answers, when a share r of such demonstrations show
    "I don't know": -r log a - (1 - r) log((1 - a) / N_ANSWERS)."""
    a, r = idk_prob, idk_share
    idk_term = -r * np.log(a) if r > 0 else 0.0
    return idk_term - (1 - r) * np.log((1 - a) / N_ANSWERS)
# --8<-- [end:loss]


def plot_sweep(shares=UNKNOWN_SHARES, seeds=SEEDS):
    """Confident wrong answers on new unknown facts and accuracy on new known
    facts, against the share of unknown facts in the data."""
    from _figure import plt  # the Agg backend and the course's figure style

    answered = sweep(shares, seeds)
    idk = sweep(shares, seeds, unknown_shown_as="idk")
    percent = 100 * np.array(shares)
    figure, axes = plt.subplots(figsize=(5.5, 3.4))
    axes.plot(percent, answered["confident_wrong"].mean(axis=1), "o-",
              color="#c62828", label="confident wrong, unknown")
    axes.plot(percent, idk["confident_wrong"].mean(axis=1), "s--",
              color="#2e7d32", label="the same, with \"I don't know\"")
    axes.plot(percent, answered["known_accuracy"].mean(axis=1), "^-",
              color="#3f51b5", label="accuracy, known")
    axes.set_xlabel("unknown facts in the fine-tuning data (%)")
    axes.set_ylabel("rate on new questions")
    axes.set_ylim(-0.03, 1.03)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, 0.88),
                fontsize=10)
    figure.tight_layout()
    return figure


def plot_fitting(seed=0):
    """How fast the known and the unknown demonstrations are fitted."""
    from _figure import plt  # the Agg backend and the course's figure style

    steps, known_fit, unknown_fit, confident_wrong = zip(*fitting_curve(seed),
                                                        strict=True)
    figure, axes = plt.subplots(figsize=(5.5, 3.4))
    axes.plot(steps, known_fit, "^-", color="#3f51b5", label="known")
    axes.plot(steps, unknown_fit, "o-", color="#c62828", label="unknown")
    axes.plot(steps, confident_wrong, ":", color="#555555",
              label="confident wrong (new)")
    axes.set_xscale("log")
    axes.set_xlabel("training steps (log scale)")
    axes.set_ylabel("probability or rate")
    axes.set_ylim(-0.03, 1.03)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, 0.68),
                fontsize=10)
    figure.tight_layout()
    return figure


def main():
    print(f"Expected loss on an unknown question ({N_ANSWERS} answers, equally "
          "likely),\nby P(\"I don't know\") = a:")
    for a in (0.0, 0.2, 0.5, 0.9):
        print(f"  a = {a:<4} loss {expected_unknown_loss(a, 0.0):.3f}")

    answered = sweep()
    print(f"\nFine-tuned on {N_DEMONSTRATIONS} demonstrations; measured on {N_NEW} "
          f"new known and\n{N_NEW} new unknown facts (mean of {len(SEEDS)} seeds; "
          f"confident: P >= {CONFIDENT})")
    print("  unknown share   confident wrong    P(answer)          accuracy")
    print("  in the data     (unknown facts)    (unknown facts)    (known facts)")
    for row, share in enumerate(UNKNOWN_SHARES):
        print(f"  {share:<14.2f}  {answered['confident_wrong'][row].mean():.3f}"
              f"              {answered['answered'][row].mean():.3f}"
              f"              {answered['known_accuracy'][row].mean():.3f}")

    print(f"\nThe same data, {COMPARED_SHARE:.0%} unknown, with the unknown facts:")
    print("  shown as            confident wrong   P(answer)   accuracy (known)")
    for shown_as in ("answer", "left out", "idk"):
        result = sweep([COMPARED_SHARE], unknown_shown_as=shown_as)
        print(f"  {shown_as:<19}  {result['confident_wrong'].mean():.3f}"
              f"             {result['answered'].mean():.3f}"
              f"       {result['known_accuracy'].mean():.3f}")

    print(f"\nFitting, {COMPARED_SHARE:.0%} unknown, seed 0 (the models above stop "
          f"at {TRAINING['steps']} steps):")
    print("  steps   P(demonstrated answer)   confident wrong")
    print("          known     unknown        (new unknown facts)")
    for steps, known_fit, unknown_fit, wrong in fitting_curve():
        print(f"  {steps:<6}  {known_fit:.3f}     {unknown_fit:.3f}          "
              f"{wrong:.3f}")

    print("\n\"I don't know\" for a share of the facts the model knows "
          "(none unknown):")
    print("  IDK share   P(IDK), new known facts   accuracy (known)")
    for idk_share in (0.0, 0.1, 0.2, 0.3):
        result = sweep([0.0], known_idk_share=idk_share)
        print(f"  {idk_share:<10}  {result['withheld'].mean():.3f}"
              f"                     {result['known_accuracy'].mean():.3f}")


if __name__ == "__main__":
    main()
