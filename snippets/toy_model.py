"""A toy "language model" small enough to read in one sitting, shared by the course's examples.

A prompt is a feature vector x (what the prompt is about, how it is phrased); the model chooses one
of a few whole responses (for example "comply", "refuse", "ask to clarify") with a softmax over
logits z = x @ W. Supervised fine-tuning maximises the log-probability of the reference response,
which is the same as minimising cross-entropy; its gradient with respect to the logits is
softmax(z) - onehot(y).

Shapes: features (n_prompts, n_features), W (n_features, n_responses), targets (n_prompts,) ints.
Run alone, it fine-tunes on a tiny data set and prints the probabilities before and after.
"""

import numpy as np


# --8<-- [start:softmax]
def softmax(logits):
    """Probabilities from logits along the last axis (shifted by the max for numerical safety)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=-1, keepdims=True)
# --8<-- [end:softmax]


def init_weights(n_features, n_responses, seed=0, scale=0.01):
    """Small random weights: the 'pre-trained' model starts close to uniform."""
    return np.random.default_rng(seed).normal(0.0, scale, size=(n_features, n_responses))


def response_probs(weights, features):
    """P(response | prompt) for every prompt: shape (n_prompts, n_responses)."""
    return softmax(features @ weights)


# --8<-- [start:sft_loss]
def sft_loss(weights, features, targets):
    """Mean negative log-likelihood of the reference responses (token-level cross-entropy)."""
    probs = response_probs(weights, features)
    return -np.mean(np.log(probs[np.arange(len(targets)), targets]))


def sft_gradient(weights, features, targets):
    """d loss / d weights. Per prompt, d loss / d logits = softmax(z) - onehot(y)."""
    probs = response_probs(weights, features)
    logit_grad = probs.copy()
    logit_grad[np.arange(len(targets)), targets] -= 1.0
    return features.T @ logit_grad / len(targets)
# --8<-- [end:sft_loss]


def train_sft(weights, features, targets, steps=300, learning_rate=1.0):
    """Plain gradient descent on the SFT loss; returns new weights (the input is not changed)."""
    weights = weights.copy()
    for _ in range(steps):
        weights -= learning_rate * sft_gradient(weights, features, targets)
    return weights


def main():
    responses = ["comply", "refuse", "clarify"]
    # Two prompt features (a bias term and "is a request for a guide") and two demonstrations.
    features = np.array([[1.0, 0.0], [1.0, 1.0]])
    targets = np.array([2, 0])  # reference responses: "clarify", then "comply"
    before = init_weights(n_features=2, n_responses=3)
    after = train_sft(before, features, targets)
    for name, weights in [("before SFT", before), ("after SFT", after)]:
        probs = response_probs(weights, features)
        print(f"{name}: loss {sft_loss(weights, features, targets):.3f}")
        for prompt, row in enumerate(probs):
            shown = ", ".join(f"{r} {p:.2f}" for r, p in zip(responses, row, strict=True))
            print(f"  prompt {prompt}: {shown}")


if __name__ == "__main__":
    main()
