"""A multilayer perceptron: construction, forward and backward pass.

:class:`MLP` is a stack of dense layers (:mod:`minidl.layers`) with one activation each
(:mod:`minidl.activations`).  Weights are in Keras's layouts — ``W{l}`` (D_{l-1}, D_l),
``b{l}`` (D_l,) — and ``get_weights()`` lists them in the order ``keras.Model.get_weights()``
does, so ``keras_model.set_weights(mlp.get_weights())`` gives the same network in Keras.

Two ways to build one::

    net = MLP([(W1, b1), (W2, b2)], ["sigmoid", "sigmoid"])                        # by hand
    net = MLP.glorot([784, 64, 10], ["relu", "softmax"], rng=np.random.default_rng(0))

Forward and backward follow the layers' contract (cs231n's): the cache is the only thing that
passes between them, and the network keeps no state besides its parameters::

    y_hat, cache = net.forward(x)              # x (N, D_in) -> y_hat (N, D_out)
    # cache = {"x", "Z1", "A1", "Z2", "A2", ...}: for the article's 2-3-2 network
    # Z1 = Z_h, A1 = h, Z2 = Z_o, A2 = y_hat
    grads = net.backward(dout, cache)          # {"W1": ..., "b1": ..., ..., "x": dL/dx}
    loss, grads, y_hat = net.loss_and_grads(x, y, "mse")   # forward + loss + backward

``loss_and_grads`` uses the fused, numerically stable gradient when the output activation is the
one the loss fuses with (``minidl.losses.get(loss).fused_activation``) — softmax with (sparse)
categorical cross-entropy gives ``dL/dZ = (p - y) / N`` and sigmoid with binary cross-entropy
gives ``(sigmoid(Z) - y) / N``, computed from the logits ``Z`` — which is also what Keras does for
such a model.  Any other pairing back-propagates ``dL/dy_hat`` through the output activation.
The training loop is :func:`minidl.training.fit` (``net.fit(...)`` calls it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from minidl import activations as act
from minidl import losses as losses_mod
from minidl.layers import check_dense_weights, dense_backward, dense_forward
from minidl.validation import as_float_array, check_choice, check_int, check_rng, shape_str

__all__ = ["MLP", "LossAndGrads"]


class LossAndGrads(NamedTuple):
    """What :meth:`MLP.loss_and_grads` returns."""

    #: the mean loss over the batch (Keras's reported value)
    loss: float
    #: ``{"W1": (D_0, D_1), "b1": (D_1,), ...}``, the gradients of that mean
    grads: dict
    #: (N, D_out), the network's output for the batch
    y_hat: np.ndarray


class MLP:
    """Multilayer perceptron: ``A0 = x``, ``Z_l = A_{l-1} @ W_l + b_l``, ``A_l = f_l(Z_l)``.

    weights: ``[(W1, b1), (W2, b2), ...]`` in Keras layout, W_l (D_{l-1}, D_l), b_l (D_l,); the
    arrays are copied (training never changes the caller's arrays) and cast to ``dtype``
    (float64, the default, or float32).  activations: L names from
    :data:`minidl.activations.NAMES`, one per layer (``None`` means ``"linear"``).
    Raises ``ValueError`` naming the layer and both shapes when consecutive layers do not fit,
    e.g. the article's single 2×2 θ with a 3-vector b:
    ``layer 1: bias has shape (3,) but W has 2 output units (W: (2, 2))``.

    Attributes: ``params`` (dict ``"W1", "b1", ..., "WL", "bL"`` -> arrays), ``activations``
    (tuple of L names), ``layer_sizes`` (``(D_in, D_1, ..., D_out)``), ``dtype``.
    """

    def __init__(self, weights: Sequence[tuple[np.ndarray, np.ndarray]],
                 activations: Sequence[str], *, dtype=np.float64) -> None:
        self.dtype = _check_dtype(dtype)
        self.params: dict[str, np.ndarray] = _checked_weights(weights, self.dtype)
        self.activations = _check_activations(activations, len(weights))
        self.layer_sizes = (self.params["W1"].shape[0],
                            *(self.params[f"W{i}"].shape[1] for i in range(1, len(weights) + 1)))

    @classmethod
    def glorot(cls, layer_sizes: Sequence[int], activations: Sequence[str], *,
               rng: np.random.Generator, dtype=np.float64) -> MLP:
        """An MLP initialised like Keras's ``Dense`` defaults.

        layer_sizes: ``[D_in, D_1, ..., D_out]`` (L + 1 positive ints); activations: L names;
        rng: the ``numpy.random.Generator`` that draws the weights (required).  Kernels are
        Glorot-uniform ``U(-sqrt(6 / (fan_in + fan_out)), +...)``, biases zero.
        """
        check_rng(rng)
        sizes = [check_int(s, "every layer size", min_value=1) for s in layer_sizes]
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes needs at least [D_in, D_out], got {list(layer_sizes)!r}")
        dtype = _check_dtype(dtype)
        weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)
            weights.append((W, np.zeros(fan_out, dtype=dtype)))
        return cls(weights, activations, dtype=dtype)

    # ------------------------------------------------------------------------------ inspection
    @property
    def n_layers(self) -> int:
        """Number of dense layers L."""
        return len(self.activations)

    def count_params(self) -> int:
        """Total number of weights and biases (as Keras's ``model.count_params()``)."""
        return int(sum(v.size for v in self.params.values()))

    def get_weights(self) -> list[np.ndarray]:
        """Copies of ``[W1, b1, W2, b2, ...]`` — the order of ``keras.Model.get_weights()``."""
        return [self.params[k].copy() for k in self.params]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Overwrite the parameters in place from ``[W1, b1, ...]`` (shapes must match)."""
        weights = list(weights)
        if len(weights) != len(self.params):
            raise ValueError(
                f"expected {len(self.params)} arrays [W1, b1, ...], got {len(weights)}")
        for (name, p), w in zip(self.params.items(), weights, strict=True):
            w = as_float_array(w, name)
            if w.shape != p.shape:
                raise ValueError(f"{name} must have shape {shape_str(p.shape)}, "
                                 f"got {shape_str(w.shape)}")
            p[...] = w

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.layer_sizes)
        return f"MLP({sizes}, activations={list(self.activations)}, dtype={self.dtype.name})"

    # ------------------------------------------------------------------------- forward/backward
    def as_input(self, x) -> np.ndarray:
        """x (N, D_in), or (D_in,) for one sample, as a checked (N, D_in) array of ``dtype``."""
        x = as_float_array(x, "x", ndim=(1, 2))
        x = x[np.newaxis, :] if x.ndim == 1 else x
        if x.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"x has {x.shape[1]} features (x: {shape_str(x.shape)}) but the network expects "
                f"{self.layer_sizes[0]} inputs (W1: {shape_str(self.params['W1'].shape)})")
        return x.astype(self.dtype, copy=False)

    def forward(self, x) -> tuple[np.ndarray, dict]:
        """Run the network on a batch: returns ``(y_hat, cache)``.

        x: (N, D_in), or (D_in,) for one sample (promoted to (1, D_in)).  y_hat: (N, D_out).
        ``cache`` maps ``"x"`` to the input and ``"Z{l}"`` / ``"A{l}"`` to each layer's
        pre-activation and activation, (N, D_l) each (``cache["A{L}"]`` is y_hat); it is what
        :meth:`backward` needs.
        """
        a = self.as_input(x)
        cache = {"x": a}
        for i, name in enumerate(self.activations, start=1):
            z, _ = dense_forward(a, self.params[f"W{i}"], self.params[f"b{i}"])
            a = np.asarray(act.get(name).fn(z))
            cache[f"Z{i}"], cache[f"A{i}"] = z, a
        return a, cache

    def predict(self, x) -> np.ndarray:
        """The network's output y_hat (N, D_out) for x (N, D_in), like ``keras.Model.predict``."""
        return self.forward(x)[0]

    def backward(self, dout, cache: dict, *, wrt: str = "output") -> dict[str, np.ndarray]:
        """Back-propagate ``dout`` through the network of :meth:`forward`'s ``cache``.

        dout: (N, D_out) — ``dL/dy_hat`` (``wrt="output"``, the default), or ``dL/dZ_L`` at the
        output layer's pre-activation (``wrt="logits"``, for the fused softmax/sigmoid +
        cross-entropy gradients); it must already include the loss's ``1/N``.  Returns
        ``{"W1": dL/dW1 (D_0, D_1), "b1": dL/db1 (D_1,), ..., "x": dL/dx (N, D_in)}``.
        """
        check_choice(wrt, "wrt", ("output", "logits"))
        if not isinstance(cache, dict) or f"A{self.n_layers}" not in cache:
            raise ValueError("cache must be the second value returned by this network's forward()")
        L = self.n_layers
        g = as_float_array(dout, "dout", ndim=(1, 2))
        g = g[np.newaxis, :] if g.ndim == 1 else g
        if g.shape != cache[f"A{L}"].shape:
            raise ValueError(f"dout has shape {shape_str(g.shape)} but the network output y_hat "
                             f"has shape {shape_str(cache[f'A{L}'].shape)}")
        grads: dict[str, np.ndarray] = {}
        for i in range(L, 0, -1):
            name = self.activations[i - 1]
            if name == "softmax" and not (i == L and wrt == "logits"):
                g = act.softmax_backward(g, cache[f"A{i}"])
            elif not (i == L and wrt == "logits"):
                g = g * act.get(name).grad(cache[f"Z{i}"])
            a_prev = cache["x"] if i == 1 else cache[f"A{i - 1}"]
            layer = dense_backward(g, (a_prev, self.params[f"W{i}"]))
            grads[f"W{i}"], grads[f"b{i}"], g = layer["W"], layer["b"], layer["x"]
        grads = {k: grads[k] for k in self.params}        # W1, b1, W2, ... as params
        grads["x"] = g
        return grads

    # ----------------------------------------------------------------------------------- loss
    def _loss(self, loss, from_logits: bool) -> tuple[losses_mod.Loss, bool]:
        """The registry's :class:`~minidl.losses.Loss` and whether to use its fused gradient."""
        spec = losses_mod.get(loss)
        if from_logits and self.activations[-1] != "linear":
            raise ValueError(
                f"from_logits=True needs a 'linear' output layer, but the output activation is "
                f"{self.activations[-1]!r}; either drop from_logits or use a linear output")
        if from_logits and spec.fused_activation is None:
            raise ValueError(f"from_logits=True does not apply to {spec.name} (it has no logits "
                             "form)")
        return spec, spec.fused_activation == self.activations[-1]

    def _forward_loss(self, x, y, loss, from_logits: bool):
        """Forward pass and mean loss: ``(value, y_hat, cache, dout, wrt)``, where ``dout()``
        gives the gradient :meth:`backward` starts from and ``wrt`` where it enters."""
        spec, fused = self._loss(loss, from_logits)
        y_hat, cache = self.forward(x)
        y = _batch_targets(x, y)
        if fused:          # the loss's fused gradient, from the output layer's logits Z_L
            out, wrt, kw = cache[f"Z{self.n_layers}"], "logits", {"from_logits": True}
        else:
            out, wrt, kw = y_hat, "output", ({"from_logits": True} if from_logits else {})
        value = float(np.mean(spec.fn(y, out, **kw)))
        return value, y_hat, cache, lambda: spec.grad(y, out, **kw), wrt

    def loss(self, x, y, loss: str = "mean_squared_error", *, from_logits: bool = False) -> float:
        """Mean loss over the batch (Keras's ``model.evaluate`` value), without gradients.

        x: (N, D_in); y: targets as the loss expects them (e.g. (N,) ints for sparse CE).
        """
        return self._forward_loss(x, y, loss, from_logits)[0]

    def loss_and_grads(self, x, y, loss: str = "mean_squared_error", *,
                       from_logits: bool = False) -> LossAndGrads:
        """Forward pass, mean loss and backward pass: returns ``(loss, grads, y_hat)``.

        x: (N, D_in); y: targets; loss: a name from ``minidl.losses.NAMES`` (or ``"mse"``).
        ``from_logits=True`` (linear output layer only) treats y_hat as logits, like Keras's
        ``SparseCategoricalCrossentropy(from_logits=True)``.  ``grads`` holds the parameters'
        gradients (keys of ``params``), ready for ``optimizer.step(net.params, grads)``.
        """
        value, y_hat, cache, dout, wrt = self._forward_loss(x, y, loss, from_logits)
        grads = self.backward(dout(), cache, wrt=wrt)
        del grads["x"]
        return LossAndGrads(value, grads, y_hat)

    def fit(self, x, y, **kwargs):
        """``minidl.training.fit(self, x, y, **kwargs)``, as ``keras.Model.fit``."""
        from minidl.training import fit

        return fit(self, x, y, **kwargs)


def _checked_weights(weights, dtype) -> dict[str, np.ndarray]:
    """``{"W1": W1, "b1": b1, ...}``: copies of the (W, b) pairs in ``dtype``, checked to chain."""
    bad = TypeError("weights must be a list of (W, b) pairs, e.g. [(W1, b1), (W2, b2)]")
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence):
        raise bad
    if not all(isinstance(item, (tuple, list)) and len(item) == 2 for item in weights):
        raise bad
    if not weights:
        raise ValueError("weights must hold at least one (W, b) pair")
    params: dict[str, np.ndarray] = {}
    for i, (W, b) in enumerate(weights, start=1):
        W = as_float_array(W, f"W{i}").astype(dtype, copy=True)
        b = as_float_array(b, f"b{i}").astype(dtype, copy=True)
        try:
            check_dense_weights(W.shape, b.shape)
        except ValueError as exc:
            raise ValueError(f"layer {i}: {exc}") from None
        if i > 1 and W.shape[0] != params[f"W{i - 1}"].shape[1]:
            Wp = params[f"W{i - 1}"]
            raise ValueError(
                f"layer {i}: W{i} has {W.shape[0]} inputs (W{i}: {shape_str(W.shape)}) but "
                f"layer {i - 1} has {Wp.shape[1]} output units (W{i - 1}: {shape_str(Wp.shape)})")
        params[f"W{i}"], params[f"b{i}"] = W, b
    return params


def _check_dtype(dtype) -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def _check_activations(activations, n_layers: int) -> tuple[str, ...]:
    if isinstance(activations, str) or not isinstance(activations, Sequence):
        raise TypeError(
            f"activations must be a list with one name per layer ({n_layers}), got {activations!r}")
    names = tuple("linear" if a is None else a for a in activations)
    if len(names) != n_layers:
        raise ValueError(f"got {len(names)} activation(s) {list(names)} for {n_layers} layer(s); "
                         "give one per layer")
    for name in names:
        act.get(name)  # raises for unknown names
    return names


def _batch_targets(x, y):
    """A single sample x (D_in,) is promoted to (1, D_in); promote its target the same way.

    y: (D_out,) targets or a scalar label for one sample -> (1, D_out) or (1,); batches unchanged.
    """
    if np.ndim(x) == 1:
        return np.asarray(y)[np.newaxis, ...]
    return y
