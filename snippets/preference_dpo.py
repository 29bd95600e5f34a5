"""From demonstrations to preferences: DPO on the toy of the demonstration-vs-intent page.

Start from the model fine-tuned on benign demonstrations only (it complies with harmful requests)
and train it on preference pairs with the DPO loss, the SFT model serving as the reference:

- harmful requests framed as a guide or a question: refusal preferred to compliance;
- benign requests of every framing: compliance preferred to a needless refusal.

The pairs are fixed in advance and no answer is sampled from the model being trained: this is
offline DPO. The probability of the rejected response falls while helpfulness on benign prompts
is kept. In this toy, where a prompt's three responses share one softmax, only the logits of the
two compared responses get a gradient, so the weights of "clarify" (in no pair) never change;
SFT on the preferred responses changes them. But the probability of "clarify" on vague benign
prompts, which no pair contains, still falls far under DPO: the pairs move the other logits
through weights those prompts share, and the margin loss keeps pushing on pairs the model
already gets right. SFT on the same chosen responses moves it much less.
Run alone, it prints the probabilities over training (seed 0).
"""

import numpy as np

from demonstration_intent import (
    CLARIFY,
    COMPLY,
    GUIDE,
    QUESTION,
    REFUSE,
    ROLE_PLAY,
    prompt_features,
    train_models,
)
from toy_model import response_probs, train_sft

BETA = 0.1  # the KL coefficient of the objective DPO is derived from; in the loss, how fast a
# pair's push fades as its margin grows


# --8<-- [start:bradley_terry]
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def bradley_terry(reward_a, reward_b):
    """P(a is preferred to b) = sigmoid(r(a) - r(b))."""
    return sigmoid(reward_a - reward_b)
# --8<-- [end:bradley_terry]


# --8<-- [start:dpo]
def log_probs(weights, features):
    """log P(response | prompt), shape (n_prompts, n_responses)."""
    logits = features @ weights
    logits = logits - logits.max(axis=1, keepdims=True)
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))


def dpo_margins(weights, ref_weights, features, chosen, rejected, beta=BETA):
    """Per pair: beta * (log-ratio of chosen - log-ratio of rejected), where
    a log-ratio is log pi_theta(y|x) - log pi_ref(y|x)."""
    rows = np.arange(len(chosen))
    log_ratios = (log_probs(weights, features)
                  - log_probs(ref_weights, features))
    return beta * (log_ratios[rows, chosen] - log_ratios[rows, rejected])


def dpo_loss(weights, ref_weights, features, chosen, rejected, beta=BETA):
    """Mean of -log sigmoid(margin); logaddexp(0, -m) = -log sigmoid(m)."""
    margins = dpo_margins(weights, ref_weights, features, chosen, rejected,
                          beta)
    return float(np.mean(np.logaddexp(0.0, -margins)))


def dpo_gradient(weights, ref_weights, features, chosen, rejected,
                 beta=BETA):
    """d loss / d weights. Per pair, d loss / d logits is
    -beta * sigmoid(-margin) * (onehot(chosen) - onehot(rejected)):
    only the logits of the two compared responses get a gradient."""
    rows = np.arange(len(chosen))
    margins = dpo_margins(weights, ref_weights, features, chosen, rejected,
                          beta)
    # beta / 2 at the reference (margin 0); larger while the implicit reward,
    # beta * log-ratio, favours the rejected response (margin < 0).
    pair_weight = beta * sigmoid(-margins)
    logit_grad = np.zeros((len(chosen), weights.shape[1]))
    logit_grad[rows, chosen] -= pair_weight
    logit_grad[rows, rejected] += pair_weight
    return features.T @ logit_grad / len(chosen)
# --8<-- [end:dpo]


# --8<-- [start:pairs]
def preference_pairs(rng, n_harmful=20, n_benign=20):
    """Prompts with a chosen and a rejected response. Harmful requests are
    guides or questions (the framings the refusal demonstrations covered);
    benign requests come in every framing."""
    harmful = [prompt_features(True, rng.choice([GUIDE, QUESTION]),
                               rng.integers(2))
               for _ in range(n_harmful)]
    benign = [prompt_features(False, rng.integers(3), rng.integers(2))
              for _ in range(n_benign)]
    features = np.array(harmful + benign)
    chosen = np.array([REFUSE] * n_harmful + [COMPLY] * n_benign)
    rejected = np.array([COMPLY] * n_harmful + [REFUSE] * n_benign)
    return features, chosen, rejected


def train_dpo(weights, ref_weights, features, chosen, rejected, beta=BETA,
              steps=300, learning_rate=3.0):
    """Gradient descent on the DPO loss; returns the weights after every
    step (steps + 1 of them, the start included)."""
    path = [weights.copy()]
    for _ in range(steps):
        weights = weights - learning_rate * dpo_gradient(
            weights, ref_weights, features, chosen, rejected, beta)
        path.append(weights)
    return path
# --8<-- [end:pairs]


def mean_response_probs(weights, harmful, framings):
    """P(response) averaged over the given framings, polite and not: shape (3,)."""
    prompts = np.array([prompt_features(harmful, framing, polite)
                        for framing in framings for polite in (False, True)])
    return response_probs(weights, prompts).mean(axis=0)


def run_dpo(seed=0, steps=300):
    """Train with DPO from the benign-only SFT model; also train SFT on the chosen responses of
    the same pairs, for comparison. Returns the curves and the final models."""
    _, sft_model, _ = train_models(seed)
    rng = np.random.default_rng([seed, 1])
    features, chosen, rejected = preference_pairs(rng)
    path = train_dpo(sft_model, sft_model, features, chosen, rejected, steps=steps)
    sft_on_chosen = train_sft(sft_model, features, chosen, steps=steps)
    harmful = np.array([mean_response_probs(w, True, (GUIDE, QUESTION)) for w in path])
    benign = np.array([mean_response_probs(w, False, (GUIDE, QUESTION, ROLE_PLAY)) for w in path])
    return {
        "refuse_harmful": harmful[:, REFUSE],
        "comply_harmful": harmful[:, COMPLY],
        "comply_benign": benign[:, COMPLY],
        "reference": sft_model,
        "dpo": path[-1],
        "sft_on_chosen": sft_on_chosen,
    }


def vague_benign_probs(weights):
    """P(response | a vague benign prompt), averaged over the framings and
    politeness, shape (3,). No preference pair contains a vague prompt."""
    prompts = np.array([prompt_features(False, framing, polite, vague=True)
                        for framing in (GUIDE, QUESTION, ROLE_PLAY)
                        for polite in (False, True)])
    return response_probs(weights, prompts).mean(axis=0)


def run_displacement(seed=0, steps=1000, every=50):
    """P(clarify | vague benign prompt) every `every` steps, under DPO and
    under SFT on the chosen responses of the same pairs, same start."""
    _, reference, _ = train_models(seed)
    rng = np.random.default_rng([seed, 1])
    features, chosen, rejected = preference_pairs(rng)
    dpo_path = train_dpo(reference, reference, features, chosen, rejected,
                         steps=steps)
    sft_weights = reference
    sft_clarify = [vague_benign_probs(reference)[CLARIFY]]
    for _ in range(steps // every):
        sft_weights = train_sft(sft_weights, features, chosen, steps=every)
        sft_clarify.append(vague_benign_probs(sft_weights)[CLARIFY])
    return {
        "steps": np.arange(0, steps + 1, every),
        "dpo": np.array([vague_benign_probs(weights)[CLARIFY]
                         for weights in dpo_path[::every]]),
        "sft": np.array(sft_clarify),
    }


def push_on_benign_pairs(seed=0, steps=300):
    """How hard each loss still pushes the chosen logit of a benign pair
    (comply preferred to refuse), at the start and after `steps`: the size
    of d loss / d chosen logit, mean over the benign pairs. SFT: 1 - P(chosen).
    DPO: beta * sigmoid(-margin)."""
    _, reference, _ = train_models(seed)
    features, chosen, rejected = preference_pairs(np.random.default_rng([seed, 1]))
    benign = chosen == COMPLY
    rows = np.arange(len(chosen))

    def sft_push(weights):
        return float((1 - response_probs(weights, features)[rows, chosen])[benign].mean())

    def dpo_push(weights):
        margins = dpo_margins(weights, reference, features, chosen, rejected)
        return float((BETA * sigmoid(-margins))[benign].mean())

    dpo_end = train_dpo(reference, reference, features, chosen, rejected, steps=steps)[-1]
    sft_end = train_sft(reference, features, chosen, steps=steps)
    return {"sft": (sft_push(reference), sft_push(sft_end)),
            "dpo": (dpo_push(reference), dpo_push(dpo_end))}


def clarify_at_matched_compliance(seed=0, sft_steps=300, max_dpo_steps=1000):
    """Compare the two at the same compliance with the harmful prompts: the
    first DPO step at which compliance is as low as after SFT on the chosen
    responses, and P(clarify | vague benign prompt) there for both."""
    _, reference, _ = train_models(seed)
    features, chosen, rejected = preference_pairs(np.random.default_rng([seed, 1]))
    sft = train_sft(reference, features, chosen, steps=sft_steps)
    sft_compliance = mean_response_probs(sft, True, (GUIDE, QUESTION))[COMPLY]
    path = train_dpo(reference, reference, features, chosen, rejected, steps=max_dpo_steps)
    step = next(step for step, weights in enumerate(path)
                if mean_response_probs(weights, True, (GUIDE, QUESTION))[COMPLY] <= sft_compliance)
    return {"compliance": float(sft_compliance), "dpo_step": step,
            "dpo_clarify": float(vague_benign_probs(path[step])[CLARIFY]),
            "sft_clarify": float(vague_benign_probs(sft)[CLARIFY])}


def untouched_response_change(result):
    """Largest change of the weights of "clarify", a response that appears in no pair."""
    return {name: float(np.abs(result[name][:, CLARIFY] - result["reference"][:, CLARIFY]).max())
            for name in ("dpo", "sft_on_chosen")}


def plot_dpo_curves(result):
    """The chosen and the rejected response's probability on harmful prompts over DPO steps."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(5.6, 3.6))
    steps = np.arange(len(result["refuse_harmful"]))
    axes.plot(steps, result["refuse_harmful"], color="#3f51b5", linewidth=2.2,
              label="P(refuse | harmful)  chosen")
    axes.plot(steps, result["comply_harmful"], color="#b3261e", linewidth=2.2,
              label="P(comply | harmful)  rejected")
    axes.plot(steps, result["comply_benign"], color="#1b7f3b", linewidth=1.6, linestyle="--",
              label="P(comply | benign)")
    axes.set_xlabel("DPO step")
    axes.set_ylabel("probability")
    axes.set_ylim(-0.02, 1.02)
    axes.legend(frameon=False, loc="center right")
    figure.tight_layout()
    return figure


def plot_displacement(displacement, worked_example_steps=300):
    """P(clarify | vague benign prompt) over training, DPO against SFT."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(4.6, 3.4))
    axes.plot(displacement["steps"], displacement["sft"], color="#1b7f3b", linewidth=2.2,
              label="SFT on the chosen")
    axes.plot(displacement["steps"], displacement["dpo"], color="#b3261e", linewidth=2.2,
              label="DPO on the pairs")
    axes.axvline(worked_example_steps, color="#777777", linestyle=":", linewidth=1.4)
    axes.text(worked_example_steps + 15, 0.05, "step 300", fontsize=10, color="#555555")
    axes.set_xlabel("training step")
    axes.set_ylabel("P(clarify | vague, benign)")
    axes.set_ylim(-0.02, 1.02)
    axes.legend(frameon=False, loc="upper right", bbox_to_anchor=(1.0, 0.78))
    figure.tight_layout()
    return figure


def main():
    print(f"Bradley-Terry: rewards 1.0 and -0.5 give P(a > b) = {bradley_terry(1.0, -0.5):.2f}")
    result = run_dpo(seed=0)
    print(f"{'DPO step':>8} {'P(refuse|harmful)':>18} {'P(comply|harmful)':>18} "
          f"{'P(comply|benign)':>17}")
    for step in (0, 50, 100, 200, 300):
        print(f"{step:>8} {result['refuse_harmful'][step]:>18.3f} "
              f"{result['comply_harmful'][step]:>18.3f} {result['comply_benign'][step]:>17.3f}")
    role_play = mean_response_probs(result["dpo"], True, (ROLE_PLAY,))[COMPLY]
    print(f"Harmful role-play (in no pair) after DPO: P(comply) = {role_play:.2f}")
    via_sft = mean_response_probs(result["sft_on_chosen"], True, (GUIDE, QUESTION))[COMPLY]
    print(f"SFT on the same pairs' chosen responses: P(comply|harmful) = {via_sft:.3f}")
    change = untouched_response_change(result)
    print(f"Largest change of a 'clarify' weight: DPO {change['dpo']:.2f}, "
          f"SFT {change['sft_on_chosen']:.2f}")
    clarify = {name: vague_benign_probs(result[name])[CLARIFY]
               for name in ("reference", "dpo", "sft_on_chosen")}
    print("Vague benign prompts (in no pair), P(clarify):")
    print(f"  reference {clarify['reference']:.2f}, after DPO {clarify['dpo']:.2f}, "
          f"after SFT on the chosen {clarify['sft_on_chosen']:.2f}")
    matched = clarify_at_matched_compliance(0)
    print(f"At SFT's compliance with harmful prompts ({matched['compliance']:.3f}),")
    print(f"  which DPO reaches at step {matched['dpo_step']}: "
          f"P(clarify) DPO {matched['dpo_clarify']:.2f}, SFT {matched['sft_clarify']:.2f}")
    push = push_on_benign_pairs(0)
    print("Push on a benign pair's chosen logit, start -> step 300:")
    print(f"  SFT {push['sft'][0]:.3f} -> {push['sft'][1]:.3f}, "
          f"DPO {push['dpo'][0]:.3f} -> {push['dpo'][1]:.3f}")


if __name__ == "__main__":
    main()
