"""What SFT learns from demonstrations that are sometimes flawed.

One kind of prompt, two possible responses: the correct one and a flawed one (wrong, biased or
unsafe). A fraction p of the demonstrations show the flawed response. The toy model of
toy_model.py is fine-tuned on them, and its flaw rate, the probability it gives the flawed
response on new prompts of the same kind, is compared with p.

Run alone, it prints the loss for each flaw rate, the sweep over p, and the confidence the model
reaches when a flaw is tied to a feature of the prompt.
"""

import numpy as np

from toy_model import init_weights, response_probs, train_sft

RESPONSES = ["correct", "flawed"]
FLAWED = RESPONSES.index("flawed")
FLAW_FRACTIONS = [0.0, 0.1, 0.2, 0.3, 0.5]
SEEDS = [0, 1, 2, 3, 4]
TRAINING = {"steps": 150, "learning_rate": 2.0}  # plain gradient descent on the SFT loss


# --8<-- [start:expected_loss]
def expected_loss(model_flaw_rate, data_flaw_rate):
    """SFT loss per demonstration, for a model that gives the flawed response
    probability q on data where a fraction p of references are flawed:
    -p log q - (1 - p) log(1 - q)."""
    q, p = model_flaw_rate, data_flaw_rate
    return -p * np.log(q) - (1 - p) * np.log(1 - q)


def loss_minimising_flaw_rate(data_flaw_rate, grid_size=999):
    """The model flaw rate q with the lowest expected loss, on a grid of q."""
    q = np.linspace(0.001, 0.999, grid_size)
    return float(q[np.argmin(expected_loss(q, data_flaw_rate))])
# --8<-- [end:expected_loss]


# --8<-- [start:demonstrations]
def prompts_of_one_kind(n_prompts, rng, n_wording_features=3):
    """Features (n_prompts, 1 + n_wording): a constant 1 (the kind of
    prompt) and random wording features that carry no information."""
    wording = rng.normal(size=(n_prompts, n_wording_features))
    return np.hstack([np.ones((n_prompts, 1)), wording])


def demonstrations(flaw_fraction, seed, n_prompts=200):
    """Prompts and reference responses; exactly round(p * n) are flawed."""
    rng = np.random.default_rng(seed)
    features = prompts_of_one_kind(n_prompts, rng)
    targets = np.zeros(n_prompts, dtype=int)  # all "correct" ...
    n_flawed = round(flaw_fraction * n_prompts)
    flawed = rng.choice(n_prompts, size=n_flawed, replace=False)
    targets[flawed] = FLAWED  # ... except a random fraction p
    return features, targets
# --8<-- [end:demonstrations]


# --8<-- [start:flaw_rate]
def trained_flaw_probs(flaw_fraction, seed,
                       n_prompts=200, n_test_prompts=1000):
    """Fine-tune on the demonstrations; P(flawed) on each of n_test_prompts
    new prompts of the same kind, shape (n_test_prompts,)."""
    features, targets = demonstrations(flaw_fraction, seed, n_prompts)
    start = init_weights(features.shape[1], len(RESPONSES), seed=seed)
    weights = train_sft(start, features, targets, **TRAINING)
    test_rng = np.random.default_rng(seed + 1000)
    new_prompts = prompts_of_one_kind(n_test_prompts, test_rng)
    return response_probs(weights, new_prompts)[:, FLAWED]


def trained_flaw_rate(flaw_fraction, seed, n_prompts=200,
                      n_test_prompts=1000):
    """The model's flaw rate when it samples at temperature 1: the mean
    probability of the flawed response on new prompts."""
    probs = trained_flaw_probs(flaw_fraction, seed, n_prompts, n_test_prompts)
    return float(probs.mean())


def greedy_flaw_rate(flaw_fraction, seed, n_prompts=200):
    """The flaw rate under greedy decoding: the share of new prompts whose
    most likely response is the flawed one."""
    probs = trained_flaw_probs(flaw_fraction, seed, n_prompts)
    return float(np.mean(probs > 0.5))


def flaw_rate_sweep(fractions=FLAW_FRACTIONS, seeds=SEEDS):
    """Model flaw rates, shape (len(fractions), len(seeds))."""
    return np.array([[trained_flaw_rate(p, seed) for seed in seeds]
                     for p in fractions])


def flaw_rate_by_data_size(flaw_fraction, sizes, seeds=SEEDS):
    """Mean model flaw rate over seeds, for each number of demonstrations."""
    return [float(np.mean([trained_flaw_rate(flaw_fraction, seed, n)
                           for seed in seeds]))
            for n in sizes]
# --8<-- [end:flaw_rate]


# --8<-- [start:systematic_flaw]
def systematic_flaw_model(seed, n_prompts=200, trigger_share=0.3):
    """Every demonstration whose prompt has a 'trigger' feature (say, one
    phrasing or one topic) shows the flawed response; all others are correct.
    Returns the fine-tuned weights and 1,000 new prompts."""
    rng = np.random.default_rng(seed)

    def prompts(n):
        trigger = (rng.random((n, 1)) < trigger_share).astype(float)
        return np.hstack([prompts_of_one_kind(n, rng, 2), trigger])

    features = prompts(n_prompts)
    targets = np.where(features[:, -1] == 1, FLAWED, 0)
    start = init_weights(features.shape[1], len(RESPONSES), seed=seed)
    return train_sft(start, features, targets, **TRAINING), prompts(1000)


def systematic_flaw(seed, n_prompts=200, trigger_share=0.3):
    """Mean P(flawed) on new prompts with the trigger, and mean P(correct)
    on new prompts without it."""
    weights, new = systematic_flaw_model(seed, n_prompts, trigger_share)
    probs = response_probs(weights, new)
    has_trigger = new[:, -1] == 1
    return (float(probs[has_trigger, FLAWED].mean()),
            float(probs[~has_trigger, 1 - FLAWED].mean()))
# --8<-- [end:systematic_flaw]


def systematic_flaw_greedy(seed, n_prompts=200, trigger_share=0.3):
    """Under greedy decoding: the share of new trigger prompts whose most
    likely response is the flawed one."""
    weights, new = systematic_flaw_model(seed, n_prompts, trigger_share)
    most_likely = response_probs(weights, new).argmax(axis=1)
    return float(np.mean(most_likely[new[:, -1] == 1] == FLAWED))


# --8<-- [start:chat_logs]
N_CHAT_LOGS = 2000  # "thousands of real chat logs"
WRONG_SHARE = 0.05  # about 5% of them give a wrong or unhelpful answer


def chat_log_question(seed):
    """What SFT on the chat logs does on new questions like the ones answered
    wrongly, for two ways the 5% can be spread: at random over all
    questions, or all on one kind of question (5% of the logs)."""
    n, share = N_CHAT_LOGS, WRONG_SHARE
    return {
        "scattered, sampling": trained_flaw_rate(share, seed, n),
        "scattered, greedy": greedy_flaw_rate(share, seed, n),
        "one kind, sampling": systematic_flaw(seed, n, share)[0],
        "one kind, greedy": systematic_flaw_greedy(seed, n, share),
    }
# --8<-- [end:chat_logs]


def plot_expected_loss(data_flaw_rates=(0.1, 0.3, 0.5)):
    """Expected loss against the model's flaw rate, one curve per data flaw rate p."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(6, 3.5))
    q = np.linspace(0.005, 0.995, 400)
    for p, colour in zip(data_flaw_rates, ("#3f51b5", "#e08a00", "#2e7d32"), strict=True):
        axes.plot(q, expected_loss(q, p), color=colour, label=f"data flaw rate p = {p}")
        best = loss_minimising_flaw_rate(p)
        axes.plot([best], [expected_loss(best, p)], "o", color=colour)
        axes.axvline(best, color=colour, linestyle=":", linewidth=1)
    axes.set_xlabel("model flaw rate q (probability of the flawed response)")
    axes.set_ylabel("expected SFT loss (nats)")
    axes.set_ylim(0, 2.5)
    axes.legend(frameon=False, loc="upper center")
    figure.tight_layout()
    return figure


def plot_flaw_rate(fractions=FLAW_FRACTIONS, seeds=SEEDS):
    """The trained model's flaw rate against the data's, with the identity line."""
    from _figure import plt  # the Agg backend and the course's figure style

    rates = flaw_rate_sweep(fractions, seeds)
    figure, axes = plt.subplots(figsize=(6, 3.5))
    axes.plot([0, 0.55], [0, 0.55], color="#888888", linestyle="--", label="model = data")
    for column in range(len(seeds)):
        axes.plot(fractions, rates[:, column], "o", color="#3f51b5", alpha=0.6,
                  label=f"trained model ({len(seeds)} seeds)" if column == 0 else None)
    axes.set_xlabel("flaw rate in the demonstrations, p")
    axes.set_ylabel("flaw rate of the model")
    axes.set_xlim(-0.02, 0.55)
    axes.set_ylim(-0.02, 0.55)
    axes.legend(frameon=False, loc="upper left")
    figure.tight_layout()
    return figure


def main():
    p = 0.2
    print(f"Data with p = {p} flawed: expected loss of a model with flaw rate q")
    for q in (0.01, 0.1, 0.2, 0.3, 0.5):
        print(f"  q = {q:<4}  loss {expected_loss(q, p):.3f}")
    print(f"  lowest on the grid at q = {loss_minimising_flaw_rate(p):.3f}")
    rates = flaw_rate_sweep()
    print(f"Fine-tuned on 200 demonstrations, measured on new prompts ({len(SEEDS)} seeds):")
    print("  p      model flaw rate (mean)   largest |rate - p|")
    for fraction, row in zip(FLAW_FRACTIONS, rates, strict=True):
        print(f"  {fraction:.1f}    {row.mean():.3f}                    "
              f"{np.abs(row - fraction).max():.3f}")
    sizes = (50, 200, 1000)
    by_size = flaw_rate_by_data_size(p, sizes)
    print(f"p = {p}, more demonstrations of the same quality (n: model flaw rate):")
    print("  " + "   ".join(f"{n}: {rate:.3f}" for n, rate in zip(sizes, by_size, strict=True)))
    flawed, correct = np.array([systematic_flaw(seed) for seed in SEEDS]).T
    print("A flaw tied to a trigger feature (mean over seeds):")
    print(f"  P(flawed | trigger)     = {flawed.mean():.3f}")
    print(f"  P(correct | no trigger) = {correct.mean():.3f}")
    sampled = np.mean([trained_flaw_rate(p, seed) for seed in SEEDS])
    greedy = np.mean([greedy_flaw_rate(p, seed) for seed in SEEDS])
    greedy_trigger = np.mean([systematic_flaw_greedy(seed) for seed in SEEDS])
    print("Flaw rate by decoding (mean over seeds):")
    print(f"  scattered flaw, p = {p}: sampling {sampled:.3f}, greedy {greedy:.4f}")
    print(f"  flaw tied to the trigger, trigger prompts: greedy {greedy_trigger:.3f}")
    answers = [chat_log_question(seed) for seed in SEEDS]
    print(f"The chat-log question: {N_CHAT_LOGS:,} logs, {WRONG_SHARE:.0%} answered wrongly")
    print("  P(wrong answer) on new questions like the wrong ones (mean over seeds):")
    for key in answers[0]:
        print(f"  {key:<20} {np.mean([a[key] for a in answers]):.3f}")


if __name__ == "__main__":
    main()
