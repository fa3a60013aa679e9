"""Gradient-descent optimizers equal to Keras's, step for step.

An optimizer updates a dict of parameter arrays **in place** from the matching dict of gradients
(the ``params`` / ``grads`` dicts of :class:`minidl.network.MLP`, or any dict of float arrays):

    opt = Adam(learning_rate=0.001)
    opt.step(params, grads)      # params["W1"] -= ..., params["b1"] -= ..., ...

The update rules are Keras 3's (``keras/src/optimizers/sgd.py`` and ``adam.py``), written with
the same operations in the same order so that float32 results agree to rounding:

- ``SGD``, ``momentum == 0``: ``w -= learning_rate * g``.
- ``SGD``, ``momentum > 0``: ``v = momentum * v - learning_rate * g; w += v`` (v starts at 0).
- ``Adam`` at step ``t = 1, 2, ...``: ``m += (g - m) * (1 - beta_1)``,
  ``v += (g**2 - v) * (1 - beta_2)``,
  ``alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)``,
  ``w -= alpha * m / (sqrt(v) + epsilon)``.  Note where epsilon sits: it is added to the
  *uncorrected* ``sqrt(v)`` (the "epsilon hat" of Kingma & Ba, section 2), so Keras's
  ``epsilon=1e-7`` is not the same as the paper's ``1e-8`` in the bias-corrected denominator.

Arithmetic happens in each parameter's dtype.  One Keras quirk is *not* copied: for float64
parameters Keras still rounds ``learning_rate`` (a float32 variable), ``momentum``, ``beta_1`` and
``beta_2`` (``ops.cast`` of a Python float goes through float32) to float32, e.g. it uses
momentum 0.8999999761581421 for 0.9; minidl uses the values given.  The two agree to rounding
for hyperparameters representable in float32 (2**-7, 0.75, ...), and to about 1e-7 relative
otherwise.
"""

from __future__ import annotations

import numpy as np

from minidl.validation import check_finite, check_real, shape_str

__all__ = ["Optimizer", "SGD", "Adam", "get"]


class Optimizer:
    """Base class: validates the ``params`` / ``grads`` dicts and counts steps.

    Subclasses implement ``_update(name, w, g)``, which changes ``w`` in place, and set ``name``
    (the lower-case name :func:`get` accepts).
    """

    #: the optimizer's name, as :func:`get` accepts it
    name: str = "optimizer"

    def __init__(self) -> None:
        #: number of completed ``step`` calls (Keras's ``optimizer.iterations``)
        self.iterations = 0

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every array in ``params`` in place using ``grads[name]`` of the same shape.

        params: dict name -> float ndarray (updated in place, so views held elsewhere, e.g. an
        MLP's weights, see the change); grads: dict with exactly the same keys and shapes.
        Raises ``ValueError`` naming the key on missing/extra keys, shape mismatches, non-float
        parameters or NaN/inf gradients — before any parameter is changed.
        """
        if not isinstance(params, dict) or not isinstance(grads, dict):
            raise TypeError("params and grads must be dicts of arrays keyed by parameter name")
        if set(params) != set(grads):
            raise ValueError(
                f"grads has keys {sorted(grads)} but params has keys {sorted(params)}; "
                "they must match"
            )
        checked = {}
        for name, w in params.items():
            if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.floating):
                raise TypeError(
                    f"params[{name!r}] must be a float NumPy array (it is updated in place), "
                    f"got {type(w).__name__}"
                    + (f" of dtype {w.dtype}" if isinstance(w, np.ndarray) else "")
                )
            g = np.asarray(grads[name])
            if g.shape != w.shape:
                raise ValueError(
                    f"grads[{name!r}] has shape {shape_str(g.shape)} but params[{name!r}] has "
                    f"shape {shape_str(w.shape)}"
                )
            check_finite(g, f"grads[{name!r}]")
            checked[name] = g.astype(w.dtype, copy=False)
        for name, w in params.items():
            self._update(name, w, checked[name])
        self.iterations += 1

    def _update(self, name: str, w: np.ndarray, g: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (heavy-ball) momentum, as ``keras.optimizers.SGD``.

    learning_rate: > 0 (Keras's default 0.01); momentum: in [0, 1).
    The velocity for each parameter name starts at 0 and lives in ``self.velocities``.
    """

    name = "sgd"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0) -> None:
        super().__init__()
        self.learning_rate = check_real(learning_rate, "learning_rate", min_value=0.0,
                                        min_open=True)
        self.momentum = check_real(momentum, "momentum", min_value=0.0, max_value=1.0,
                                   max_open=True)
        self.velocities: dict[str, np.ndarray] = {}

    def _update(self, name, w, g):
        lr = w.dtype.type(self.learning_rate)
        if self.momentum == 0:
            w -= g * lr
            return
        v = self.velocities.setdefault(name, np.zeros_like(w))
        v[...] = v * w.dtype.type(self.momentum) - g * lr
        w += v

    def __repr__(self) -> str:
        return f"SGD(learning_rate={self.learning_rate!r}, momentum={self.momentum!r})"


class Adam(Optimizer):
    """Adam, as ``keras.optimizers.Adam`` (Keras's defaults; formula in the module docstring).

    learning_rate: > 0; beta_1, beta_2: in [0, 1); epsilon: >= 0.
    First and second moments per parameter name live in ``self.m`` and ``self.v``.
    """

    name = "adam"

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        super().__init__()
        self.learning_rate = check_real(learning_rate, "learning_rate", min_value=0.0,
                                        min_open=True)
        self.beta_1 = check_real(beta_1, "beta_1", min_value=0.0, max_value=1.0, max_open=True)
        self.beta_2 = check_real(beta_2, "beta_2", min_value=0.0, max_value=1.0, max_open=True)
        self.epsilon = check_real(epsilon, "epsilon", min_value=0.0)
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def _update(self, name, w, g):
        dt = w.dtype.type
        t = dt(self.iterations + 1)
        beta_1_power = np.power(dt(self.beta_1), t)
        beta_2_power = np.power(dt(self.beta_2), t)
        m = self.m.setdefault(name, np.zeros_like(w))
        v = self.v.setdefault(name, np.zeros_like(w))
        alpha = dt(self.learning_rate) * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m += (g - m) * dt(1 - self.beta_1)
        v += (np.square(g) - v) * dt(1 - self.beta_2)
        w -= (m * alpha) / (np.sqrt(v) + dt(self.epsilon))

    def __repr__(self) -> str:
        return (
            f"Adam(learning_rate={self.learning_rate!r}, beta_1={self.beta_1!r}, "
            f"beta_2={self.beta_2!r}, epsilon={self.epsilon!r})"
        )


def get(optimizer) -> Optimizer:
    """An :class:`Optimizer` from an instance (returned as is) or a name, ``"sgd"`` / ``"adam"``
    (case-insensitive; Keras's defaults).

    Like :func:`minidl.activations.get` and :func:`minidl.losses.get`, it returns a named object
    (``.name``) holding what is needed to use it (here ``.step(params, grads)``).
    """
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name ('sgd', 'adam') or an Optimizer, "
                        f"got {optimizer!r}")
    if optimizer.lower() in ("sgd", "adam"):
        return SGD() if optimizer.lower() == "sgd" else Adam()
    raise ValueError(
        f"unknown optimizer {optimizer!r}; pass minidl.optim.SGD(...) / Adam(...) or 'sgd' / 'adam'"
    )
