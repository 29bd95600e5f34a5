"""How one SFT step moves a tiny next-token model.

The model reads the sequence "the largest city is New York" and, after each prefix, gives a
softmax over a vocabulary of 8 tokens. A frozen network turns each prefix into a hidden vector h
(here: fixed random vectors); the trainable output layer W maps h to logits z = h @ W. The prompt
is "the largest city is" and the reference response "New York": only the two response tokens
count in the loss.

Run alone, it checks the gradient against finite differences, takes one gradient step and prints
the next-token probabilities before and after.
"""

import numpy as np

from toy_model import softmax

# --8<-- [start:setup]
VOCAB = ["the", "largest", "city", "is", "New", "York", "Los", "Angeles"]
SEQUENCE = ["the", "largest", "city", "is", "New", "York"]
N_PROMPT_TOKENS = 4  # "the largest city is"; the response is "New York"


def training_example():
    """Targets and loss mask of the 5 next-token predictions.

    Prediction t reads SEQUENCE[: t + 1] and is scored on SEQUENCE[t + 1];
    its mask is 1 only if that token belongs to the response.
    """
    targets = np.array([VOCAB.index(token) for token in SEQUENCE[1:]])
    positions = np.arange(len(targets)) + 1  # index of each target
    loss_mask = (positions >= N_PROMPT_TOKENS).astype(float)
    return targets, loss_mask  # shapes (5,), (5,)


def tiny_model(seed=0, hidden_size=6):
    """Hidden vectors (5, hidden_size) of the frozen network, and the
    trainable output layer W (hidden_size, 8).

    The hidden vectors are orthogonal unit vectors, so a step taken for one
    position does not leak into the others (in a real network it does).
    """
    rng = np.random.default_rng(seed)
    random_square = rng.normal(size=(hidden_size, hidden_size))
    orthogonal, _ = np.linalg.qr(random_square)
    hidden = orthogonal[: len(SEQUENCE) - 1]
    weights = rng.normal(0.0, 1.0, size=(hidden_size, len(VOCAB)))
    return hidden, weights
# --8<-- [end:setup]


# --8<-- [start:logit_gradient]
def logit_gradient(logits, target):
    """d(-log softmax(z)[y]) / dz = softmax(z) - onehot(y)."""
    gradient = softmax(logits)
    gradient[target] -= 1.0
    return gradient
# --8<-- [end:logit_gradient]


# --8<-- [start:masked_gradient]
def sft_loss(weights, hidden, targets, loss_mask):
    """Mean of -log P(target) over the positions where the mask is 1."""
    log_probs = np.log(softmax(hidden @ weights))  # (positions, vocab)
    token_losses = -log_probs[np.arange(len(targets)), targets]
    return float(np.sum(loss_mask * token_losses) / np.sum(loss_mask))


def sft_weight_gradient(weights, hidden, targets, loss_mask):
    """Chain rule through z = h @ W: position t adds outer(h_t, p_t - e_y)."""
    gradient = np.zeros_like(weights)
    all_logits = hidden @ weights
    for t, target in enumerate(targets):
        g = logit_gradient(all_logits[t], target)
        gradient += loss_mask[t] * np.outer(hidden[t], g)
    return gradient / np.sum(loss_mask)
# --8<-- [end:masked_gradient]


# --8<-- [start:gradient_check]
def finite_difference_gradient(loss, weights, eps=1e-6):
    """Central differences, one weight at a time:
    (loss(W + eps) - loss(W - eps)) / (2 eps)."""
    gradient = np.zeros_like(weights)
    for index in np.ndindex(weights.shape):
        step = np.zeros_like(weights)
        step[index] = eps
        change = loss(weights + step) - loss(weights - step)
        gradient[index] = change / (2 * eps)
    return gradient


def gradient_check_error(seed=0):
    """Largest |analytic - numerical| over all weights."""
    hidden, weights = tiny_model(seed)
    targets, loss_mask = training_example()
    analytic = sft_weight_gradient(weights, hidden, targets, loss_mask)
    numeric = finite_difference_gradient(
        lambda w: sft_loss(w, hidden, targets, loss_mask), weights)
    return float(np.max(np.abs(analytic - numeric)))
# --8<-- [end:gradient_check]


# --8<-- [start:one_step]
LEARNING_RATE = 2.0


def one_sft_step(seed=0, learning_rate=LEARNING_RATE):
    """Probabilities (positions, vocab) before and after one gradient step."""
    hidden, weights = tiny_model(seed)
    targets, loss_mask = training_example()
    gradient = sft_weight_gradient(weights, hidden, targets, loss_mask)
    new_weights = weights - learning_rate * gradient
    return softmax(hidden @ weights), softmax(hidden @ new_weights)
# --8<-- [end:one_step]


def rising_threshold(probs, target):
    """A wrong token k gains probability from a small step on `target`
    (to first order) when p_k < sum_{j != y} p_j^2 - p_y (1 - p_y)."""
    others = np.delete(probs, target)
    return float(np.sum(others**2) - probs[target] * (1 - probs[target]))


def response_position(token):
    """Index of the prediction whose target is this response token."""
    return SEQUENCE.index(token) - 1


def plot_before_after(seed=0):
    """Grouped bars: P(next token | "the largest city is") before and after one step."""
    from _figure import plt  # the Agg backend and the course's figure style

    before, after = one_sft_step(seed)
    position = response_position("New")
    figure, axes = plt.subplots(figsize=(6.4, 3.5))
    x = np.arange(len(VOCAB))
    width = 0.4
    axes.bar(x - width / 2, before[position], width, color="#9fa8da", label="before the step")
    axes.bar(x + width / 2, after[position], width, color="#3f51b5", label="after one step")
    axes.set_xticks(x, VOCAB, rotation=30)
    axes.get_xticklabels()[VOCAB.index("New")].set_fontweight("bold")
    axes.set_ylabel('P(next token | "… is")')
    axes.set_title('"New" rises; the likeliest wrong tokens fall most', fontsize=11)
    axes.legend(frameon=False)
    figure.tight_layout()
    return figure


# --8<-- [start:paraphrase]
# Three whole answers: the reference, an equally good paraphrase, a wrong one.
ANSWERS = ["New York", "NYC", "Los Angeles"]
ANSWER_PROBS = np.array([0.5, 0.3, 0.2])  # before the step


def step_on_reference(probs, reference=0, learning_rate=1.0):
    """One step on -log P(reference), at the logits: z <- z - lr (p - e)."""
    logits = np.log(probs)
    return softmax(logits - learning_rate * logit_gradient(logits, reference))
# --8<-- [end:paraphrase]


# --8<-- [start:capital_of_france]
# "The capital of France is" -> target "Paris". The model's next-token
# distribution: London 0.3, Paris 0.2, Berlin 0.1, and the remaining 0.4
# spread over other words (here 8 words at 0.05; the question does not say).
OTHER_WORDS = [f"other word {k}" for k in range(1, 9)]
CAPITALS = ["London", "Paris", "Berlin"] + OTHER_WORDS
CAPITAL_PROBS = np.array([0.3, 0.2, 0.1] + [0.05] * 8)
PARIS = CAPITALS.index("Paris")


def print_capital_of_france(learning_rate=1.0):
    """The loss, the gradient at the logits and one step on "Paris"."""
    gradient = logit_gradient(np.log(CAPITAL_PROBS), PARIS)
    after = step_on_reference(CAPITAL_PROBS, PARIS, learning_rate)
    loss = -np.log(CAPITAL_PROBS[PARIS])
    print(f'Target "Paris": loss -log {CAPITAL_PROBS[PARIS]:.1f} = {loss:.3f}')
    print("next token       P before  d loss/d logit  P after one step")
    for k in range(4):
        token = CAPITALS[k] if k < 3 else "each other word"
        print(f"{token:15s}  {CAPITAL_PROBS[k]:8.3f}  {gradient[k]:+14.3f}"
              f"  {after[k]:16.3f}")
# --8<-- [end:capital_of_france]


def masked_targets_change_nothing(seed=0):
    """Largest change in the gradient when every masked (prompt) target is replaced."""
    hidden, weights = tiny_model(seed)
    targets, loss_mask = training_example()
    other_targets = np.where(loss_mask == 0, (targets + 3) % len(VOCAB), targets)
    gradient = sft_weight_gradient(weights, hidden, targets, loss_mask)
    other_gradient = sft_weight_gradient(weights, hidden, other_targets, loss_mask)
    return float(np.max(np.abs(gradient - other_gradient)))


def main():
    targets, loss_mask = training_example()
    hidden, weights = tiny_model()
    print(f"Gradient check: max |analytic - numerical| = {gradient_check_error():.1e}")
    masked = [SEQUENCE[t + 1] for t in range(len(targets)) if loss_mask[t] == 0]
    print(f"Masked prompt targets {masked}:")
    print(f"  replacing them changes the gradient by {masked_targets_change_nothing():.1f}")
    before, after = one_sft_step()
    position = response_position("New")
    gradient = logit_gradient(hidden[position] @ weights, targets[position])
    print(f"One step, learning rate {LEARNING_RATE}.")
    print('1st response position: after "the largest city is", target "New"')
    print("  next token  P before  d loss/d logit  P after")
    for token, p, g, q in zip(VOCAB, before[position], gradient, after[position], strict=True):
        role = "  <- target" if token == "New" else ""
        print(f"  {token:10s}  {p:8.4f}  {g:+14.3f}  {q:7.4f}{role}")
    position = response_position("York")
    print('2nd response position: after "the largest city is New", target "York"')
    print(f'  P("York") {before[position, targets[position]]:.4f}'
          f" -> {after[position, targets[position]]:.4f}")
    print('"The capital of France is" (learning rate 1):')
    print_capital_of_france()
    after_answers = step_on_reference(ANSWER_PROBS)
    print("Whole answers, one step on the reference \"New York\" (learning rate 1):")
    for answer, p, q in zip(ANSWERS, ANSWER_PROBS, after_answers, strict=True):
        print(f"  {answer:12s}  {p:.2f} -> {q:.2f}")


if __name__ == "__main__":
    main()
