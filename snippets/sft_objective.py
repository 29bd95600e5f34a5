"""What the SFT objective scores: the log-probability of the whole reference response.

Input "The largest city in the US is", reference response "New York" (two tokens). Two models give
the reference tokens these probabilities, each token conditioned on the prompt and on the
reference tokens before it (teacher forcing):

    Model A: P("New") = 0.6, P("York" | "New") = 0.8
    Model B: P("New") = 0.9, P("York" | "New") = 0.4

Run alone, it prints each model's sequence probability, log-likelihood and per-token losses, and
how far one confident token can make up for a weaker one.
"""

import numpy as np

# --8<-- [start:worked_example]
PROMPT = "The largest city in the US is"
RESPONSE_TOKENS = ["New", "York"]
# P(y_t | x, y_<t) for each reference token, from two models.
REFERENCE_TOKEN_PROBS = {
    "Model A": np.array([0.6, 0.8]),
    "Model B": np.array([0.9, 0.4]),
}
# --8<-- [end:worked_example]


# --8<-- [start:sequence_scores]
def sequence_probability(token_probs):
    """P(y | x): the product of the per-token probabilities."""
    return float(np.prod(token_probs))


def sequence_log_likelihood(token_probs):
    """log P(y | x): the sum of per-token log-probabilities (in nats)."""
    return float(np.sum(np.log(token_probs)))


def token_losses(token_probs):
    """Cross-entropy against the reference token at each position: -log p."""
    return -np.log(token_probs)
# --8<-- [end:sequence_scores]


# --8<-- [start:masked_loss]
def masked_sequence_loss(token_log_probs, loss_mask):
    """SFT loss of one prompt + response sequence: minus the sum of the
    log-probs where the mask is 1.

    token_log_probs: (n_tokens,) log P of each token given the ones before it
    loss_mask:       (n_tokens,) 0 for prompt tokens, 1 for response tokens
    """
    return float(-np.sum(loss_mask * token_log_probs))
# --8<-- [end:masked_loss]


def prompt_and_response_log_probs(response_token_probs, seed=0):
    """Log-probs for a whole sequence: 7 prompt tokens (random, the model's own guesses) and then
    the response tokens. Returns (token_log_probs, loss_mask)."""
    n_prompt_tokens = len(PROMPT.split())
    prompt_probs = np.random.default_rng(seed).uniform(0.01, 0.5, size=n_prompt_tokens)
    token_log_probs = np.log(np.concatenate([prompt_probs, response_token_probs]))
    loss_mask = np.concatenate([np.zeros(n_prompt_tokens), np.ones(len(response_token_probs))])
    return token_log_probs, loss_mask


# --8<-- [start:weak_token]
def first_token_prob_needed(sequence_prob_to_match, second_token_prob):
    """The first-token probability needed to reach a sequence probability."""
    return sequence_prob_to_match / second_token_prob


def largest_possible_saving(token_prob):
    """What raising a token's probability to 1 can save: its loss -log p."""
    return float(-np.log(token_prob))


# Tokens trade off: a third model, as confident as Model B on "New" and
# less weak on "York", beats Model A.
TRADE_OFF_MODEL = {"Model C": np.array([0.9, 0.6])}
# --8<-- [end:weak_token]


# --8<-- [start:exposure]
def share_of_samples_off_the_reference(first_token_prob):
    """Teacher forcing scores the second token only after the reference first
    token. When the model generates, its first token differs this often."""
    return 1.0 - first_token_prob
# --8<-- [end:exposure]


def scores(token_probs):
    """Everything the page quotes for one model, as a dict."""
    losses = token_losses(token_probs)
    return {
        "sequence_probability": sequence_probability(token_probs),
        "log_likelihood": sequence_log_likelihood(token_probs),
        "token_losses": losses,
        "total_loss": float(losses.sum()),
    }


def preferred_model(models=REFERENCE_TOKEN_PROBS):
    """The model the SFT objective prefers: the one with the lowest total loss."""
    return min(models, key=lambda name: scores(models[name])["total_loss"])


def plot_token_losses(models=REFERENCE_TOKEN_PROBS):
    """Grouped bars: the loss -log p at each reference token, for each model."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(6, 3.5))
    width = 0.38
    positions = np.arange(len(RESPONSE_TOKENS))
    colours = {"Model A": "#3f51b5", "Model B": "#e08a00"}
    for shift, name in zip((-width / 2, width / 2), models, strict=True):
        losses = token_losses(models[name])
        bars = axes.bar(positions + shift, losses, width, color=colours.get(name),
                        label=f"{name} (total {losses.sum():.3f})")
        axes.bar_label(bars, labels=[f"{loss:.3f}" for loss in losses], padding=2, fontsize=10)
    axes.set_xticks(positions, [f'"{token}"' for token in RESPONSE_TOKENS])
    axes.set_xlabel("reference token")
    axes.set_ylabel("loss  −log p  (nats)")
    axes.set_ylim(0, 1.15)
    axes.legend(frameon=False, loc="upper left")
    figure.tight_layout()
    return figure


def main():
    print(f'Prompt: "{PROMPT}"   reference: "{" ".join(RESPONSE_TOKENS)}"')
    for name, token_probs in REFERENCE_TOKEN_PROBS.items():
        result = scores(token_probs)
        per_token = ", ".join(
            f'"{token}" {loss:.3f} (p {p:.1f})'
            for token, p, loss in zip(RESPONSE_TOKENS, token_probs, result["token_losses"],
                                      strict=True)
        )
        print(f"{name}: P(y|x) = {result['sequence_probability']:.2f}, "
              f"log P(y|x) = {result['log_likelihood']:.3f}")
        print(f"  loss -log p: {per_token}; total {result['total_loss']:.3f}")
    print(f"The SFT objective prefers {preferred_model()}.")
    model_a, model_b = REFERENCE_TOKEN_PROBS["Model A"], REFERENCE_TOKEN_PROBS["Model B"]
    needed = first_token_prob_needed(sequence_probability(model_a), model_b[1])
    print(f'To match Model A with P("York") = {model_b[1]:.1f}, Model B would need')
    print(f'  P("New") = {needed:.2f}: more than any probability can be.')
    print(f'  A perfect "New" would save Model B only {largest_possible_saving(model_b[0]):.3f}.')
    for name, token_probs in TRADE_OFF_MODEL.items():
        result = scores(token_probs)
        print(f"{name} ({token_probs[0]:.1f}, then {token_probs[1]:.1f}): "
              f"P(y|x) = {result['sequence_probability']:.2f}, "
              f"loss {result['total_loss']:.3f}: it beats Model A.")
    print(f'Sampling from Model A at temperature 1, the first token is not "New" in '
          f"{share_of_samples_off_the_reference(model_a[0]):.0%}")
    print('  of answers; the loss never scored "York" after such a prefix.')
    token_log_probs, loss_mask = prompt_and_response_log_probs(model_a)
    print(f"Model A with {int(np.sum(loss_mask == 0))} masked prompt tokens: loss "
          f"{masked_sequence_loss(token_log_probs, loss_mask):.3f} (unmasked: "
          f"{masked_sequence_loss(token_log_probs, np.ones_like(loss_mask)):.3f})")


if __name__ == "__main__":
    main()
