"""How far a gradient travels back through time: a plain RNN against an LSTM (chapter 5).

Chapter 5 measures the gradient that the loss at the last step T sends back to the input of each
earlier step t, ``‖∂L/∂X_t‖``, for a tanh RNN (:mod:`minidl.rnn`) and for an LSTM
(:func:`minidl.lstm.lstm_forward_reference` / :func:`~minidl.lstm.lstm_backward_reference`), at
initialisations a reader can vary:

- :func:`rnn_init`, :func:`lstm_init`: Keras's default initialisation of ``SimpleRNN`` and
  ``LSTM`` (Glorot-uniform ``kernel``, orthogonal ``recurrent_kernel``, zero ``bias``; for the
  LSTM, ``unit_forget_bias=True`` puts 1 in the forget gate's bias), with the recurrent gain and
  the forget-gate bias as arguments;
- :func:`input_gradient_norms`: ``‖∂L/∂X_t‖`` for t = 1..T with ``L = Σ H_T`` (the sum of the last
  hidden state's entries, so ``∂L/∂H_T`` is all ones);
- :func:`lstm_forget_gates`: the forget-gate values F_t of an LSTM run, whose product along the
  steps is the cell state's own path ``∂C_T/∂C_t = F_{t+1} ⊙ … ⊙ F_T``;
- :func:`decay_per_step`: the geometric-mean factor by which a norm shrinks per step.

Weights use Keras's layouts: RNN ``kernel`` (D, H), ``recurrent_kernel`` (H, H), ``bias`` (H,);
LSTM ``kernel`` (D, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,), gate order i, f, c, o.
"""

from __future__ import annotations

import numpy as np

from minidl.activations import sigmoid
from minidl.lstm import lstm_backward_reference, lstm_forward_reference
from minidl.rnn import rnn_backward, rnn_forward
from minidl.validation import (
    as_float_array,
    check_choice,
    check_int,
    check_real,
    check_rng,
    shape_str,
)

__all__ = ["CELLS", "rnn_init", "lstm_init", "input_gradient_norms", "lstm_forget_gates",
           "decay_per_step"]

#: The recurrent cells :func:`input_gradient_norms` runs.
CELLS = ("rnn", "lstm")


def _glorot_uniform(fan_in: int, fan_out: int, shape: tuple, rng) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def _orthogonal(rows: int, cols: int, rng) -> np.ndarray:
    """(rows, cols) with orthonormal rows (rows <= cols) or columns, as Keras's Orthogonal."""
    a = rng.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))              # a unique, uniformly distributed q
    return q.T if rows < cols else q


def _check_sizes(features, units, rng, recurrent_gain):
    features = check_int(features, "features", min_value=1)
    units = check_int(units, "units", min_value=1)
    rng = check_rng(rng)
    recurrent_gain = check_real(recurrent_gain, "recurrent_gain", min_value=0.0)
    return features, units, rng, recurrent_gain


def rnn_init(features, units, rng, *, recurrent_gain=1.0):
    """Keras ``SimpleRNN``'s default weights, the recurrent matrix times ``recurrent_gain``.

    features: D; units: H; rng: a ``numpy.random.Generator``.  Returns float64
    ``(kernel (D, H), recurrent_kernel (H, H), bias (H,))``: Glorot-uniform kernel, orthogonal
    recurrent kernel (all singular values equal ``recurrent_gain``), zero bias.
    """
    D, H, rng, gain = _check_sizes(features, units, rng, recurrent_gain)
    return _glorot_uniform(D, H, (D, H), rng), gain * _orthogonal(H, H, rng), np.zeros(H)


def lstm_init(features, units, rng, *, forget_bias=1.0, recurrent_gain=1.0):
    """Keras ``LSTM``'s default weights, with the forget gate's bias and a recurrent gain.

    features: D; units: H; rng: a ``numpy.random.Generator``; forget_bias: the value of the
    forget gate's bias entries ``bias[H:2H]`` (Keras's ``unit_forget_bias=True`` is 1, ``False``
    is 0); recurrent_gain multiplies the orthogonal recurrent kernel.  Returns float64
    ``(kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,))``, gate order i, f, c, o.
    """
    D, H, rng, gain = _check_sizes(features, units, rng, recurrent_gain)
    forget_bias = check_real(forget_bias, "forget_bias")
    bias = np.zeros(4 * H)
    bias[H:2 * H] = forget_bias
    return (_glorot_uniform(D, 4 * H, (D, 4 * H), rng), gain * _orthogonal(H, 4 * H, rng), bias)


def _weights(cell, weights):
    check_choice(cell, "cell", CELLS)
    if not isinstance(weights, (tuple, list)) or len(weights) != 3:
        raise TypeError("weights must be a tuple (kernel, recurrent_kernel, bias), as "
                        f"rnn_init / lstm_init return, got {type(weights).__name__}")
    return tuple(as_float_array(w, name) for w, name in
                 zip(weights, ("kernel", "recurrent_kernel", "bias"), strict=True))


def input_gradient_norms(cell, x, weights):
    """``‖∂L/∂X_t‖`` for every step t, with the loss ``L = Σ H_T`` at the last step T.

    cell: ``"rnn"`` (tanh, :func:`minidl.rnn.rnn_forward`) or ``"lstm"`` (tanh/sigmoid,
    :func:`minidl.lstm.lstm_forward_reference`); x: (N, T, D); weights: ``(kernel,
    recurrent_kernel, bias)`` in the cell's Keras layout.  Returns a (T,) float array: entry t is
    the Frobenius norm over the batch and the features of the gradient that reaches the input of
    step t + 1 (numbered from 0).  Validation is the forward functions' own.
    """
    kernel, recurrent_kernel, bias = _weights(cell, weights)
    x = as_float_array(x, "x")
    if cell == "rnn":
        h_seq, cache = rnn_forward(x, kernel, recurrent_kernel, bias)
        dh_seq = np.zeros_like(h_seq)
        dh_seq[:, -1] = 1.0                                   # ∂(Σ H_T)/∂H_T
        dx = rnn_backward(dh_seq, cache)["x"]
    else:
        out, cache = lstm_forward_reference(x, kernel, recurrent_kernel, bias)
        dx = lstm_backward_reference((None, np.ones_like(out.h_last), None), cache)["x"]
    return np.sqrt(np.sum(dx.astype(np.float64) ** 2, axis=(0, 2)))


def lstm_forget_gates(x, kernel, recurrent_kernel, bias):
    """The forget gate F_t at every step of an LSTM run (Keras's sigmoid, zero initial state).

    x: (N, T, D); kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,).  Returns (N, T, H).
    F_t = σ(X_t W_f + H_{t-1} U_f + b_f), with H_{t-1} from
    :func:`minidl.lstm.lstm_forward_reference`.
    """
    kernel = as_float_array(kernel, "kernel")
    recurrent_kernel = as_float_array(recurrent_kernel, "recurrent_kernel")
    bias = as_float_array(bias, "bias")
    out, _ = lstm_forward_reference(x, kernel, recurrent_kernel, bias)
    x = as_float_array(x, "x")
    H = recurrent_kernel.shape[0]
    h_prev = np.concatenate([np.zeros_like(out.h_seq[:, :1]), out.h_seq[:, :-1]], axis=1)
    f = slice(H, 2 * H)
    return sigmoid(x @ kernel[:, f] + h_prev @ recurrent_kernel[:, f] + bias[f])


def decay_per_step(norms, first, last):
    """The factor by which ``norms`` shrinks per step between two steps, a geometric mean.

    norms: (T,) positive, e.g. from :func:`input_gradient_norms`; first < last: indices.
    Returns ``(norms[first] / norms[last]) ** (1 / (last - first))`` — below 1 when the norm
    decays going back from ``last`` to ``first`` (the gradient reaching earlier steps is smaller).
    """
    norms = as_float_array(norms, "norms", ndim=1)
    first = check_int(first, "first", min_value=0)
    last = check_int(last, "last", min_value=first + 1, max_value=norms.size - 1)
    if not np.all(norms[[first, last]] > 0):
        raise ValueError(f"norms at {first} and {last} must be positive, got "
                         f"{norms[first]!r} and {norms[last]!r} (shape {shape_str(norms.shape)})")
    return float(np.exp((np.log(norms[first]) - np.log(norms[last])) / (last - first)))
