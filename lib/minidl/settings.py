"""The settings a Keras model was trained with, read back from the objects that trained it.

A chapter that says "学习率 0.01，最多 10 轮" must say what actually ran: the optimizer's learning
rate (``model.optimizer``), the epochs and steps Keras counted (``history.params``), the layer sizes
(each layer's ``get_config()``).  Reading them back from those objects, instead of from a variable
typed beside the ``fit`` call, keeps the prose true when someone edits the call.

- :func:`keras_settings` ``(model, history=None, n_train=None) -> dict``: learning rate (the
  initial one of a schedule, and the schedule's name), optimizer, epochs asked for and run, steps
  per epoch, batch size (from the steps and the number of training samples), units per layer.
- :func:`batch_size_from_steps` ``(n, steps) -> int``: the one batch size that splits n samples
  into that many steps, or ValueError when several do.
"""

from __future__ import annotations

import math

import numpy as np

from minidl.validation import check_int

__all__ = ["batch_size_from_steps", "keras_settings"]


def batch_size_from_steps(n: int, steps: int) -> int:
    """The batch size b with ``ceil(n / b) == steps``, when exactly one exists.

    Keras records the number of steps per epoch (``history.params["steps"]``), not the batch
    size.  For n = 54,000 samples and 422 steps only b = 128 fits; for n = 600 and 19 steps both
    32 and 33 fit, and this raises ValueError rather than guess.
    """
    n = check_int(n, "n", min_value=1)
    steps = check_int(steps, "steps", min_value=1, max_value=n)
    fits = [b for b in range(math.ceil(n / steps), n + 1) if math.ceil(n / b) == steps]
    if len(fits) != 1:
        raise ValueError(f"{n} samples in {steps} steps fit batch sizes {fits[:5]}"
                         f"{'...' if len(fits) > 5 else ''}: the batch size is not determined")
    return fits[0]


def _float32_value(value) -> float:
    """A float32 setting as the number that was written (float32 0.01 -> 0.01, not 0.0099999998)."""
    return float(str(np.float32(value)))


def keras_settings(model, history=None, n_train: int | None = None) -> dict:
    """The training settings of a compiled (and, with ``history``, fitted) Keras model.

    Returns a dict with ``optimizer`` (class name), ``learning_rate`` (the initial one when it is a
    schedule), ``schedule`` (the schedule's class name, or None), ``units`` (list: ``units`` of each
    layer that has them, in order); with ``history`` also ``epochs`` (asked for), ``epochs_run``
    (len(history.epoch): fewer when a callback stopped early) and ``steps`` (per epoch); with
    ``n_train`` also ``batch_size`` (:func:`batch_size_from_steps`).
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError("the model is not compiled: it has no optimizer")
    lr = optimizer.get_config()["learning_rate"]
    if isinstance(lr, dict):   # a serialised schedule
        schedule = lr["class_name"]
        learning_rate = float(lr["config"]["initial_learning_rate"])
    else:
        schedule, learning_rate = None, _float32_value(lr)
    found = {
        "optimizer": type(optimizer).__name__,
        "learning_rate": learning_rate,
        "schedule": schedule,
        "units": [layer.get_config()["units"] for layer in model.layers
                  if "units" in layer.get_config()],
    }
    if history is not None:
        params = history.params
        found.update(epochs=int(params["epochs"]), epochs_run=len(history.epoch),
                     steps=int(params["steps"]))
        if n_train is not None:
            found["batch_size"] = batch_size_from_steps(n_train, found["steps"])
    elif n_train is not None:
        raise ValueError("n_train needs the history (the steps per epoch come from it)")
    return found
