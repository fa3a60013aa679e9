"""A multilayer perceptron with forward, backward and a training loop (chapters 3, 4 and 5).

:class:`MLP` is a stack of dense layers (:mod:`minidl.layers`) with one activation each
(:mod:`minidl.activations`).  Weights are in Keras's layouts — ``W{l}`` (D_{l-1}, D_l),
``b{l}`` (D_l,) — and ``get_weights()`` lists them in the order ``keras.Model.get_weights()``
does, so ``keras_model.set_weights(mlp.get_weights())`` gives the same network in Keras.

Two ways to build one::

    net = MLP([784, 64, 10], ["relu", "softmax"], rng=np.random.default_rng(0))   # Glorot init
    net = MLP.from_weights([(W1, b1), (W2, b2)], ["sigmoid", "sigmoid"])          # by hand

Forward and backward::

    y_hat = net.forward(x)                           # x (N, D_in) -> y_hat (N, D_out)
    y_hat, inter = net.forward(x, return_intermediates=True)
    # inter = {"x", "Z1", "A1", "Z2", "A2", ...}: for the article's 2-3-2 network
    # Z1 = Z_h, A1 = h, Z2 = Z_o, A2 = y_hat
    net.backward(dL_dyhat)                           # fills net.grads["W1"], ["b1"], ...
    loss = net.loss_and_grads(x, y, "mse")           # forward + loss + backward in one call

``loss_and_grads`` (and ``fit``) use the fused, numerically stable gradient when the output
activation and the loss belong together — softmax with (sparse) categorical cross-entropy gives
``dL/dZ = (p - y) / N`` and sigmoid with binary cross-entropy gives ``(sigmoid(Z) - y) / N``,
computed from the logits ``Z`` — which is also what Keras does for such a model.  Any other
pairing back-propagates ``dL/dy_hat`` through the output activation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from minidl import activations as act
from minidl import losses as losses_mod
from minidl import optim
from minidl._checks import as_float_array, check_choice, check_int, check_rng, shape_str
from minidl.layers import check_dense_shapes, dense_backward, dense_forward

__all__ = ["MLP"]

_FUSED = {
    ("softmax", "categorical_crossentropy"),
    ("softmax", "sparse_categorical_crossentropy"),
    ("sigmoid", "binary_crossentropy"),
}
_CLASSIFICATION = {
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
}


def _check_activations(activations, n_layers: int) -> tuple[str, ...]:
    if isinstance(activations, str) or not isinstance(activations, Sequence):
        raise TypeError(
            f"activations must be a list with one name per layer ({n_layers}), got {activations!r}"
        )
    names = tuple("linear" if a is None else a for a in activations)
    if len(names) != n_layers:
        raise ValueError(
            f"got {len(names)} activation(s) {list(names)} for {n_layers} layer(s); "
            "give one per layer"
        )
    for name in names:
        act.get(name)  # raises for unknown names
    return names


def _positive_int(name: str, value) -> int:
    return check_int(value, name, min_value=1)


class MLP:
    """Multilayer perceptron: ``A0 = x``, ``Z_l = A_{l-1} @ W_l + b_l``, ``A_l = f_l(Z_l)``.

    Parameters
    ----------
    layer_sizes:
        ``[D_in, D_1, ..., D_out]`` — input width then the units of each layer (L + 1 ints).
    activations:
        L names from ``minidl.activations.NAMES`` (``"sigmoid"``, ``"tanh"``, ``"relu"``,
        ``"linear"``, ``"softmax"``), one per layer.
    rng:
        ``numpy.random.Generator`` for the initial weights (keyword-only, required).  Weights are
        drawn like Keras's ``Dense`` defaults: Glorot-uniform kernels
        ``U(-sqrt(6 / (fan_in + fan_out)), +...)`` and zero biases.
    dtype:
        float64 (default) or float32.

    Attributes
    ----------
    params
        dict ``"W1", "b1", ..., "WL", "bL"`` -> arrays (W_l (D_{l-1}, D_l), b_l (D_l,)).
    grads
        dict with the same keys, filled by :meth:`backward` (zeros before).
    activations
        tuple of the L activation names.
    layer_sizes
        tuple ``(D_in, D_1, ..., D_out)``.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str],
        *,
        rng: np.random.Generator,
        dtype=np.float64,
    ) -> None:
        check_rng(rng)
        sizes = [_positive_int("every layer size", s) for s in layer_sizes]
        if len(sizes) < 2:
            raise ValueError(
                f"layer_sizes needs at least [D_in, D_out], got {list(layer_sizes)!r}"
            )
        dtype = self._check_dtype(dtype)
        weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)
            weights.append((W, np.zeros(fan_out, dtype=dtype)))
        self._init_from(weights, activations, dtype)

    @staticmethod
    def _check_dtype(dtype):
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from None
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        return dtype

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[tuple[np.ndarray, np.ndarray]],
        activations: Sequence[str],
        *,
        dtype=np.float64,
    ) -> MLP:
        """Build an MLP from explicit ``[(W1, b1), (W2, b2), ...]`` in Keras layout.

        W_l: (D_{l-1}, D_l), b_l: (D_l,).  The arrays are copied (training never changes the
        caller's arrays) and cast to ``dtype``.  Raises ``ValueError`` naming the layer and both
        shapes when consecutive layers do not fit, e.g. the article's single 2×2 θ with a 3-vector
        b: ``layer 1: bias has shape (3,) but W has 2 output units (W: (2, 2))``.
        """
        dtype = cls._check_dtype(dtype)
        bad = TypeError("weights must be a list of (W, b) pairs, e.g. [(W1, b1), (W2, b2)]")
        if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence):
            raise bad
        pairs = []
        for item in weights:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise bad
            pairs.append((item[0], item[1]))
        if not pairs:
            raise ValueError("weights must hold at least one (W, b) pair")
        copied = []
        for i, (W, b) in enumerate(pairs, start=1):
            W = as_float_array(W, f"W{i}").astype(dtype, copy=True)
            b = as_float_array(b, f"b{i}").astype(dtype, copy=True)
            copied.append((W, b))
        net = cls.__new__(cls)
        net._init_from(copied, activations, dtype)
        return net

    def _init_from(self, weights, activations, dtype) -> None:
        prev_out = None
        for i, (W, b) in enumerate(weights, start=1):
            d_in = W.shape[0] if W.ndim == 2 else None
            try:
                check_dense_shapes((1, d_in if d_in is not None else 0), W.shape, b.shape)
            except ValueError as exc:
                raise ValueError(f"layer {i}: {exc}") from None
            if prev_out is not None and W.shape[0] != prev_out:
                Wp = weights[i - 2][0]
                raise ValueError(
                    f"layer {i}: W{i} has {W.shape[0]} inputs (W{i}: {shape_str(W.shape)}) but "
                    f"layer {i - 1} has {prev_out} output units (W{i - 1}: {shape_str(Wp.shape)})"
                )
            prev_out = W.shape[1]
        self.activations = _check_activations(activations, len(weights))
        self.dtype = np.dtype(dtype)
        self.layer_sizes = (weights[0][0].shape[0], *(W.shape[1] for W, _ in weights))
        self.params: dict[str, np.ndarray] = {}
        for i, (W, b) in enumerate(weights, start=1):
            self.params[f"W{i}"] = W
            self.params[f"b{i}"] = b
        self.grads: dict[str, np.ndarray] = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache = None

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
                f"expected {len(self.params)} arrays [W1, b1, ...], got {len(weights)}"
            )
        for (name, p), w in zip(self.params.items(), weights, strict=True):
            w = as_float_array(w, name)
            if w.shape != p.shape:
                raise ValueError(
                    f"{name} must have shape {shape_str(p.shape)}, got {shape_str(w.shape)}"
                )
            p[...] = w

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.layer_sizes)
        return f"MLP({sizes}, activations={list(self.activations)}, dtype={self.dtype.name})"

    # ------------------------------------------------------------------------- forward/backward
    def _as_input(self, x) -> np.ndarray:
        x = as_float_array(x, "x", ndim=(1, 2))
        if x.ndim == 1:
            x = x[np.newaxis, :]
        if x.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"x has {x.shape[1]} features (x: {shape_str(x.shape)}) but the network expects "
                f"{self.layer_sizes[0]} inputs (W1: {shape_str(self.params['W1'].shape)})"
            )
        return x.astype(self.dtype, copy=False)

    def forward(self, x, *, return_intermediates: bool = False):
        """Run the network on a batch.

        x: (N, D_in), or (D_in,) for one sample (promoted to (1, D_in)).
        Returns y_hat (N, D_out); with ``return_intermediates=True`` returns
        ``(y_hat, inter)`` where ``inter`` maps ``"x"`` to the input and ``"Z{l}"`` / ``"A{l}"``
        to each layer's pre-activation and activation, (N, D_l) each (``inter["A{L}"]`` is
        y_hat).  The values are also kept for the next :meth:`backward` call.
        """
        a = self._as_input(x)
        inter = {"x": a}
        layer_caches = []
        for i, name in enumerate(self.activations, start=1):
            z, cache = dense_forward(a, self.params[f"W{i}"], self.params[f"b{i}"])
            a = np.asarray(act.get(name).fn(z))
            layer_caches.append(cache)
            inter[f"Z{i}"], inter[f"A{i}"] = z, a
        self._cache = (inter, layer_caches)
        return (a, dict(inter)) if return_intermediates else a

    def backward(self, grad_out, *, wrt: str = "output"):
        """Back-propagate through the network of the last :meth:`forward` call.

        grad_out: (N, D_out) — ``dL/dy_hat`` (``wrt="output"``, the default), or ``dL/dZ_L`` the
        gradient at the output layer's pre-activation (``wrt="logits"``, used for the fused
        softmax/sigmoid + cross-entropy gradients).  It must already include the loss's ``1/N``.
        Fills ``self.grads`` (``dL/dW_l`` (D_{l-1}, D_l), ``dL/db_l`` (D_l,)) and returns
        ``dL/dx`` (N, D_in).
        """
        if self._cache is None:
            raise ValueError("backward() needs a forward() call first (it uses its values)")
        check_choice(wrt, "wrt", ("output", "logits"))
        inter, layer_caches = self._cache
        L = self.n_layers
        g = as_float_array(grad_out, "grad_out", ndim=(1, 2))
        if g.ndim == 1:
            g = g[np.newaxis, :]
        want = inter[f"A{L}"].shape
        if g.shape != want:
            raise ValueError(
                f"grad_out has shape {shape_str(g.shape)} but the network output y_hat has shape "
                f"{shape_str(want)}"
            )
        for i in range(L, 0, -1):
            name = self.activations[i - 1]
            if not (i == L and wrt == "logits"):
                if name == "softmax":
                    g = act.softmax_backward(g, inter[f"A{i}"])
                else:
                    g = g * act.get(name).grad(inter[f"Z{i}"])
            grads = dense_backward(g, layer_caches[i - 1])
            self.grads[f"W{i}"] = grads["W"]
            self.grads[f"b{i}"] = grads["b"]
            g = grads["x"]
        return g

    # --------------------------------------------------------------------------- loss & training
    def _loss_parts(self, loss, from_logits: bool):
        name, fn, grad = losses_mod.get(loss)
        out_act = self.activations[-1]
        if from_logits and out_act != "linear":
            raise ValueError(
                f"from_logits=True needs a 'linear' output layer, but the output activation is "
                f"{out_act!r}; either drop from_logits or use a linear output"
            )
        if from_logits and name == "mean_squared_error":
            raise ValueError("from_logits=True only applies to the cross-entropy losses")
        fused = (out_act, name) in _FUSED
        return name, fn, grad, fused

    def loss(self, x, y, loss: str = "mean_squared_error", *, from_logits: bool = False) -> float:
        """Mean loss over the batch (Keras's ``model.evaluate`` value), without gradients.

        x: (N, D_in); y: targets as the loss expects them (e.g. (N,) ints for sparse CE).
        """
        _, fn, _, fused = self._loss_parts(loss, from_logits)
        y = _batch_targets(x, y)
        y_hat, inter = self.forward(x, return_intermediates=True)
        if fused:
            return float(np.mean(fn(y, inter[f"Z{self.n_layers}"], from_logits=True)))
        kw = {"from_logits": True} if from_logits else {}
        return float(np.mean(fn(y, y_hat, **kw)))

    def loss_and_grads(
        self, x, y, loss: str = "mean_squared_error", *, from_logits: bool = False
    ) -> float:
        """Forward pass, mean loss and backward pass: fills ``self.grads``, returns the loss.

        x: (N, D_in); y: targets; loss: a name from ``minidl.losses.NAMES`` (or ``"mse"``).
        ``from_logits=True`` (linear output layer only) treats y_hat as logits, like Keras's
        ``SparseCategoricalCrossentropy(from_logits=True)``.  Softmax/sigmoid outputs with their
        cross-entropy use the fused gradient from the logits (module docstring).
        """
        _, fn, grad, fused = self._loss_parts(loss, from_logits)
        y = _batch_targets(x, y)
        y_hat, inter = self.forward(x, return_intermediates=True)
        if fused:
            z = inter[f"Z{self.n_layers}"]
            value = float(np.mean(fn(y, z, from_logits=True)))
            self.backward(grad(y, z, from_logits=True), wrt="logits")
        else:
            kw = {"from_logits": True} if from_logits else {}
            value = float(np.mean(fn(y, y_hat, **kw)))
            self.backward(grad(y, y_hat, **kw))
        return value

    @staticmethod
    def _accuracy(name: str, y, y_hat: np.ndarray, from_logits: bool) -> float:
        y = np.asarray(y)
        if name == "sparse_categorical_crossentropy":
            return float(np.mean(np.argmax(y_hat, axis=-1) == y.reshape(y_hat.shape[:-1])))
        if name == "categorical_crossentropy":
            return float(np.mean(np.argmax(y_hat, axis=-1) == np.argmax(y, axis=-1)))
        threshold = 0.0 if from_logits else 0.5
        return float(np.mean((y_hat > threshold) == (y.reshape(y_hat.shape) > 0.5)))

    def fit(
        self,
        x,
        y,
        *,
        loss: str,
        optimizer,
        epochs: int = 1,
        batch_size: int = 32,
        validation_data: tuple | None = None,
        rng: np.random.Generator | None = None,
        from_logits: bool = False,
    ) -> dict[str, list[float]]:
        """Mini-batch training loop, like ``keras.Model.fit``; returns the history dict.

        x: (N, D_in); y: (N, ...) targets for ``loss``; optimizer: a ``minidl.optim`` instance
        (or ``"sgd"`` / ``"adam"``); batch_size: the last batch may be smaller, as in Keras;
        validation_data: ``(x_val, y_val)`` evaluated after each epoch; rng: a
        ``numpy.random.Generator`` that reshuffles the samples every epoch (``None`` keeps their
        order — no hidden global randomness).

        Returns ``{"loss": [...], "val_loss": [...]}`` with one value per epoch, plus
        ``"accuracy"`` / ``"val_accuracy"`` for the cross-entropy losses (argmax for
        categorical, threshold 0.5 — 0 for logits — for binary).  As in Keras, ``loss`` and
        ``accuracy`` are averages over the epoch's batches weighted by batch size, each measured
        before that batch's update; ``val_*`` use the weights at the end of the epoch.
        """
        name, _, _, _ = self._loss_parts(loss, from_logits)
        opt = optim.get(optimizer)
        epochs = _positive_int("epochs", epochs)
        batch_size = _positive_int("batch_size", batch_size)
        if rng is not None:
            check_rng(rng)
        x = self._as_input(x)
        y = np.asarray(y)
        if y.shape[:1] != x.shape[:1]:
            raise ValueError(
                f"x has {x.shape[0]} samples (x: {shape_str(x.shape)}) but y has "
                f"{y.shape[0] if y.ndim else 0} (y: {shape_str(y.shape)})"
            )
        if validation_data is not None:
            try:
                x_val, y_val = validation_data
            except (TypeError, ValueError):
                raise ValueError("validation_data must be a pair (x_val, y_val)") from None
            x_val = self._as_input(x_val)
        classification = name in _CLASSIFICATION
        history: dict[str, list[float]] = {"loss": []}
        if classification:
            history["accuracy"] = []
        if validation_data is not None:
            history["val_loss"] = []
            if classification:
                history["val_accuracy"] = []
        n = x.shape[0]
        for _ in range(epochs):
            order = rng.permutation(n) if rng is not None else np.arange(n)
            total_loss = total_acc = 0.0
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                xb, yb = x[idx], y[idx]
                value = self.loss_and_grads(xb, yb, loss, from_logits=from_logits)
                total_loss += value * len(idx)
                if classification:
                    y_hat = self._cache[0][f"A{self.n_layers}"]
                    total_acc += self._accuracy(name, yb, y_hat, from_logits) * len(idx)
                opt.step(self.params, self.grads)
            history["loss"].append(total_loss / n)
            if classification:
                history["accuracy"].append(total_acc / n)
            if validation_data is not None:
                history["val_loss"].append(self.loss(x_val, y_val, loss, from_logits=from_logits))
                if classification:
                    history["val_accuracy"].append(
                        self._accuracy(name, y_val, self.forward(x_val), from_logits)
                    )
        return history

    def predict(self, x) -> np.ndarray:
        """``forward(x)``: the network's output (N, D_out) for x (N, D_in)."""
        return self.forward(x)


def _batch_targets(x, y):
    """A single sample x (D_in,) is promoted to (1, D_in); promote its target the same way.

    y: (D_out,) targets or a scalar label for one sample -> (1, D_out) or (1,); batches unchanged.
    """
    if np.ndim(x) == 1:
        return np.asarray(y)[np.newaxis, ...]
    return y
