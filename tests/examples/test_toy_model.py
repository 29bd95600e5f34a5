"""The shared toy model: softmax, the SFT loss and its gradient behave as the pages say."""

import numpy as np
import pytest

import toy_model
from parameter_updates import finite_difference_gradient


def test_softmax_rows_sum_to_one_and_survive_large_logits():
    probs = toy_model.softmax(np.array([[1000.0, 1000.0, 0.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(probs.sum(axis=-1), 1.0)
    assert np.allclose(probs[0], [0.5, 0.5, 0.0])
    assert np.allclose(probs[1], 1 / 3)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_sft_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(6, 4))
    targets = rng.integers(0, 3, size=6)
    weights = toy_model.init_weights(4, 3, seed=seed, scale=1.0)
    analytic = toy_model.sft_gradient(weights, features, targets)
    numeric = finite_difference_gradient(lambda w: toy_model.sft_loss(w, features, targets), weights)
    assert np.max(np.abs(analytic - numeric)) < 1e-6


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_raises_the_reference_probability(seed):
    rng = np.random.default_rng(seed)
    features = np.hstack([np.ones((8, 1)), rng.normal(size=(8, 3))])
    targets = rng.integers(0, 3, size=8)
    before = toy_model.init_weights(4, 3, seed=seed)
    after = toy_model.train_sft(before, features, targets, steps=200, learning_rate=0.5)
    rows = np.arange(8)
    assert (toy_model.response_probs(after, features)[rows, targets].mean()
            > toy_model.response_probs(before, features)[rows, targets].mean())
    assert toy_model.sft_loss(after, features, targets) < toy_model.sft_loss(before, features, targets)
