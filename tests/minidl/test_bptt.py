"""minidl.bptt: the gradient norms reaching each step equal tf.GradientTape's on Keras's own
SimpleRNN and LSTM layers with the same weights; the initialisations are Keras's (shapes, Glorot
limits, orthogonal rows, unit forget bias); the forget gates equal ∂C_t/∂C_{t-1} as
lstm_step_backward computes it; bad input raises TypeError / ValueError."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from minidl.bptt import (
    decay_per_step,
    input_gradient_norms,
    lstm_forget_gates,
    lstm_init,
    rnn_init,
)
from minidl.lstm import lstm_step, lstm_step_backward
from tests.minidl.keras_layers import with_weights


def _taped_norms(layer, x):
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(xt))             # L = Σ H_T (return_sequences=False)
    g = np.asarray(tape.gradient(loss, xt))
    return np.sqrt(np.sum(g ** 2, axis=(0, 2)))


# kind -> (its initialiser, the Keras layer, seed, units H, the initialiser's knob)
KINDS = {"rnn": (rnn_init, keras.layers.SimpleRNN, 1, 6, "recurrent_gain"),
         "lstm": (lstm_init, keras.layers.LSTM, 2, 5, "forget_bias")}


@pytest.mark.parametrize("kind, knob_value", [("rnn", 0.5), ("rnn", 1.0), ("rnn", 1.5),
                                              ("lstm", 0.0), ("lstm", 1.0), ("lstm", 3.0)])
def test_input_gradient_norms_match_gradient_tape_on_kerass_own_layer(kind, knob_value):
    init, keras_layer, seed, H, knob = KINDS[kind]
    rng = np.random.default_rng(seed)
    N, T, D = 3, 40, 4
    x = rng.random((N, T, D))
    weights = init(D, H, rng, **{knob: knob_value})
    layer = with_weights(keras_layer(H, dtype="float64"), T, D, weights)
    ours = input_gradient_norms(kind, x, weights)
    assert ours.shape == (T,)
    np.testing.assert_allclose(ours, _taped_norms(layer, x), rtol=1e-9)


def test_inits_are_kerass_defaults_with_the_given_gain_and_forget_bias():
    rng = np.random.default_rng(0)
    D, H = 8, 32
    k, r, b = rnn_init(D, H, rng, recurrent_gain=1.5)
    assert k.shape == (D, H) and r.shape == (H, H) and not b.any()
    assert np.abs(k).max() <= np.sqrt(6 / (D + H))
    np.testing.assert_allclose(np.linalg.svd(r, compute_uv=False), 1.5, rtol=1e-12)
    k, r, b = lstm_init(D, H, rng, forget_bias=1.0)
    assert k.shape == (D, 4 * H) and r.shape == (H, 4 * H) and b.shape == (4 * H,)
    assert np.abs(k).max() <= np.sqrt(6 / (D + 4 * H))
    np.testing.assert_allclose(r @ r.T, np.eye(H), atol=1e-12)     # orthonormal rows
    # Keras's unit_forget_bias=True: ones in the forget gate's block, zeros elsewhere
    keras_bias = keras.layers.LSTM(H)
    keras_bias.build((None, 1, D))
    np.testing.assert_array_equal(b, keras_bias.get_weights()[2])


def test_lstm_forget_gates_are_dc_prev_over_dc_in_lstm_step_backward():
    """F_t is ∂C_t/∂C_{t-1}: lstm_step_backward with dh = 0, dc = 1 returns it as c_prev's grad."""
    rng = np.random.default_rng(4)
    N, T, D, H = 2, 6, 3, 4
    x = rng.normal(size=(N, T, D))
    kernel, rec, bias = lstm_init(D, H, rng, forget_bias=2.0)
    forget = lstm_forget_gates(x, kernel, rec, bias)
    h = c = np.zeros((N, H))
    for t in range(T):
        h, c, cache = lstm_step(x[:, t], h, c, kernel, rec, bias)
        dc_prev = lstm_step_backward(np.zeros((N, H)), np.ones((N, H)), cache)["c_prev"]
        np.testing.assert_allclose(forget[:, t], dc_prev, rtol=1e-14)


def test_decay_per_step_is_the_geometric_mean_ratio():
    norms = 0.5 ** np.arange(10.0)[::-1]          # halves at each step back from the last
    assert decay_per_step(norms, 2, 9) == pytest.approx(0.5, rel=1e-14)
    with pytest.raises(ValueError, match="last must be"):
        decay_per_step(norms, 3, 3)
    with pytest.raises(ValueError, match="must be positive"):
        decay_per_step(np.zeros(4), 0, 3)


def test_bad_input_raises_naming_it():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="cell"):
        input_gradient_norms("gru", np.zeros((1, 2, 3)), rnn_init(3, 2, rng))
    with pytest.raises(TypeError, match="weights must be a tuple"):
        input_gradient_norms("rnn", np.zeros((1, 2, 3)), np.zeros(3))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        rnn_init(3, 2, 0)
    with pytest.raises(ValueError, match="recurrent_gain"):
        lstm_init(3, 2, rng, recurrent_gain=-1.0)
    with pytest.raises(TypeError, match="units"):
        lstm_init(3, 2.0, rng)
    with pytest.raises(ValueError, match="kernel must be"):
        input_gradient_norms("lstm", np.zeros((1, 2, 4)), lstm_init(3, 2, rng))
