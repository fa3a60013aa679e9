"""The mini-batch training loop, apart from the model (cs231n's ``Solver``, Keras's ``fit``).

:func:`fit` needs from the model only what :class:`minidl.network.MLP` offers: ``params``,
``as_input(x)``, ``loss_and_grads(x, y, loss) -> (loss, grads, y_hat)``, ``loss(x, y, loss)`` and
``predict(x)``; what the loss implies (whether it classifies, how accuracy is counted) it asks the
loss registry (:func:`minidl.losses.get`).  The optimizer (:mod:`minidl.optim`) updates the
parameters in place.
"""

from __future__ import annotations

import numpy as np

from minidl import losses as losses_mod
from minidl import optim
from minidl.validation import check_int, check_rng, shape_str

__all__ = ["History", "fit"]


class History(dict):
    """What :func:`fit` returns: ``{"loss": [...], ...}`` (one value per epoch, as Keras's
    ``history.history``) plus ``params``, the settings that ran, as Keras's ``history.params``:
    ``epochs``, ``batch_size``, ``steps`` (per epoch), ``samples``, ``loss``, ``optimizer`` (class
    name), ``learning_rate`` and ``layer_sizes`` (the network's ``(D_in, ..., D_out)``).  A
    chapter states a setting by reading it from here, not from a variable beside the call."""

    def __init__(self, keys, params: dict):
        super().__init__({k: [] for k in keys})
        self.params = dict(params)


def fit(net, x, y, *, loss: str, optimizer, epochs: int = 1, batch_size: int = 32,
        validation_data: tuple | None = None, rng: np.random.Generator | None = None,
        from_logits: bool = False) -> History:
    """Train ``net`` by mini-batch gradient descent, like ``keras.Model.fit``; returns the history.

    x: (N, D_in); y: (N, ...) targets for ``loss`` (a name of ``minidl.losses.NAMES`` or
    ``"mse"``); optimizer: a ``minidl.optim`` instance (or ``"sgd"`` / ``"adam"``); batch_size: the
    last batch may be smaller, as in Keras; validation_data: ``(x_val, y_val)`` evaluated after
    each epoch; rng: a ``numpy.random.Generator`` that reshuffles the samples every epoch
    (``None`` keeps their order — no hidden global randomness); from_logits: as in
    :meth:`minidl.network.MLP.loss_and_grads`.

    Returns a :class:`History`: ``{"loss": [...], "val_loss": [...]}`` with one value per epoch
    and ``params`` (the settings that ran), plus ``"accuracy"`` /
    ``"val_accuracy"`` for a classification loss (the loss's ``accuracy``: argmax for the
    categorical ones, threshold 0.5 — 0 for logits — for binary).  As in Keras, ``loss`` and
    ``accuracy`` are averages over the epoch's batches weighted by batch size, each measured before
    that batch's update; ``val_*`` use the weights at the end of the epoch.
    """
    spec = losses_mod.get(loss)
    opt = optim.get(optimizer)
    epochs = check_int(epochs, "epochs", min_value=1)
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    if rng is not None:
        check_rng(rng)
    x, y = net.as_input(x), np.asarray(y)
    if y.shape[:1] != x.shape[:1]:
        raise ValueError(f"x has {x.shape[0]} samples (x: {shape_str(x.shape)}) but y has "
                         f"{y.shape[0] if y.ndim else 0} (y: {shape_str(y.shape)})")
    if validation_data is not None:
        try:
            x_val, y_val = validation_data
        except (TypeError, ValueError):
            raise ValueError("validation_data must be a pair (x_val, y_val)") from None
        x_val = net.as_input(x_val)
    keys = ["loss", "accuracy"] if spec.classification else ["loss"]
    keys += [f"val_{k}" for k in keys] if validation_data is not None else []
    n = x.shape[0]
    history = History(keys, {
        "epochs": epochs, "batch_size": batch_size, "steps": -(-n // batch_size), "samples": n,
        "loss": spec.name, "optimizer": type(opt).__name__,
        "learning_rate": float(opt.learning_rate), "layer_sizes": tuple(net.layer_sizes)})
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        total_loss = total_acc = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            value, grads, y_hat = net.loss_and_grads(x[idx], y[idx], loss, from_logits=from_logits)
            total_loss += value * len(idx)
            if spec.classification:
                total_acc += spec.accuracy(y[idx], y_hat, from_logits) * len(idx)
            opt.step(net.params, grads)
        history["loss"].append(total_loss / n)
        if spec.classification:
            history["accuracy"].append(total_acc / n)
        if validation_data is not None:
            history["val_loss"].append(net.loss(x_val, y_val, loss, from_logits=from_logits))
            if spec.classification:
                history["val_accuracy"].append(
                    spec.accuracy(y_val, net.predict(x_val), from_logits))
    return history
