"""From demonstrations to preferences: DPO on the toy of the demonstration-vs-intent page.

Start from the model fine-tuned on benign demonstrations only (it complies with harmful requests)
and train it on preference pairs with the DPO loss, the SFT model serving as the reference:

- harmful requests framed as a guide or a question: refusal preferred to compliance;
- benign requests of every framing: compliance preferred to a needless refusal.

The probability of the rejected response falls while helpfulness on benign prompts is kept. The
comparison also shows what SFT on the same prompts cannot say: DPO moves exactly the two responses
that were compared, while SFT on the preferred responses pushes down every response it was not
shown, whether anyone judged it bad or not.
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

BETA = 0.1  # strength of the pull towards the reference model (the KL penalty behind DPO)


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
    only the two compared responses move."""
    rows = np.arange(len(chosen))
    margins = dpo_margins(weights, ref_weights, features, chosen, rejected,
                          beta)
    # Large while the model still ranks the pair the wrong way round.
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


if __name__ == "__main__":
    main()
