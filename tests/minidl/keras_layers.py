"""Keras recurrent layers set up as oracles for minidl's RNN, LSTM and BPTT tests."""

from __future__ import annotations

import numpy as np


def with_weights(layer, T: int, D: int, weights):
    """``layer`` (an unbuilt ``keras.layers.SimpleRNN`` or ``LSTM``) built for inputs (N, T, D),
    with ``weights`` = (kernel (D, G·H), recurrent kernel (H, G·H), bias (G·H,)) set; G is 1
    for SimpleRNN, 4 for LSTM.  Returns the layer."""
    layer.build((None, T, D))
    layer.set_weights(list(weights))
    return layer


def with_random_weights(layer, rng: np.random.Generator, T: int, D: int, scale: float = 0.6):
    """``layer`` built for inputs (N, T, D) with weights drawn from N(0, scale²) in the layer's
    dtype, bias included (non-zero, unlike Keras's initialiser).  Returns (layer, weights)."""
    layer.build((None, T, D))
    weights = [(scale * rng.normal(size=w.shape)).astype(layer.dtype)
               for w in layer.get_weights()]
    layer.set_weights(weights)
    return layer, weights
