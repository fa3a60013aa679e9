"""Handwritten digits as sequences, offline first (chapter 5).

The article trains an LSTM on MNIST, reading each 28×28 image row by row: 28 time steps of 28
features.  MNIST is downloaded by ``keras.datasets.mnist.load_data()`` on first use; a machine
without network (like the one that builds this book) cannot do that.  :func:`load_digit_sequences`
therefore has two sources with the same interface:

- ``"mnist"``: MNIST through ``keras.datasets.mnist.load_data()`` when its file is cached
  (``~/.keras/datasets/mnist.npz``, or ``$KERAS_HOME/datasets``) or the download host answers
  within a few seconds; or an explicit ``path`` to a file in that format.  28 steps × 28 features,
  pixels divided by 255.  60,000 training and 10,000 test images.
- ``"digits"``: scikit-learn's bundled 8×8 handwritten digits (1,797 images, no network needed),
  8 steps × 8 features, pixels divided by 16 (their maximum).
- ``"auto"`` (default): MNIST if available, otherwise digits, with a one-line notice.

Either way the result has three disjoint parts: training, validation (for choosing epochs and
hyperparameters) and test (touched once, at the end).  The article validated on its test set; here
the validation part is cut from the training data with an explicit seed.

Arrays are batch-first: ``x: (N, T, D)`` float32 in [0, 1], ``y: (N,)`` int64 labels 0–9.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from minidl.evaluation import train_val_test_split

__all__ = ["DigitSequences", "load_digit_sequences", "mnist_cache_path", "MNIST_HOST"]

#: Host that ``keras.datasets.mnist.load_data()`` downloads from.
MNIST_HOST = "storage.googleapis.com"
SOURCES = ("auto", "mnist", "digits")


@dataclass(frozen=True)
class DigitSequences:
    """Train / validation / test parts of a digit data set, and what they are.

    ``train``, ``validation``, ``test``: ``(x, y)`` with x (N, T, D) float32 and y (N,) int64.
    ``info``: a dict with ``source`` (``"mnist"`` or ``"digits"``), ``origin`` (file or loader),
    ``steps`` T, ``features`` D, ``classes``, ``pixel_max`` (the divisor), ``scaling`` (a
    formula), ``shapes`` and ``counts`` per part, ``seed``, and ``notice`` (why ``"auto"`` fell
    back, or None).
    """

    train: tuple[np.ndarray, np.ndarray]
    validation: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    info: dict = field(default_factory=dict)

    def summary(self) -> str:
        """One line: source, steps × features, and the size of each part."""
        i = self.info
        c = i["counts"]
        return (f"{i['source']}: {i['steps']} steps x {i['features']} features, "
                f"train {c['train']}, validation {c['validation']}, test {c['test']}")


def mnist_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` caches its file (``$KERAS_HOME`` or ~/.keras)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _reachable(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """True if a TCP connection to ``host:port`` opens within ``timeout`` seconds (DNS included)."""
    result: list[bool] = []

    def probe():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            result.append(False)

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout)
    return bool(result and result[0])


def _check_images(name, x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3:
        raise ValueError(f"{name}: images must be (N, rows, cols), got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"{name}: labels must be (N,) = ({x.shape[0]},), got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError(f"{name}: labels must be digits 0-9, got range {y.min()}..{y.max()}")
    return x, y


def _read_mnist_npz(path):
    """``(x_train, y_train), (x_test, y_test)`` from a file in Keras's mnist.npz format."""
    with np.load(path, allow_pickle=False) as f:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
        if missing:
            raise ValueError(f"{path} is not an mnist.npz file: missing arrays {sorted(missing)}")
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _load_mnist(path, timeout):
    """Return ``((x_train, y_train), (x_test, y_test), origin)`` or raise FileNotFoundError."""
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no MNIST file at {path}")
        return (*_read_mnist_npz(path), str(path))
    cached = mnist_cache_path()
    if not cached.is_file() and not _reachable(MNIST_HOST, timeout=timeout):
        raise FileNotFoundError(f"not cached, and {MNIST_HOST} does not answer")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    train, test = keras.datasets.mnist.load_data()
    return train, test, "keras.datasets.mnist.load_data()"


def load_digit_sequences(source: str = "auto", *, path=None, validation_fraction: float = 0.1,
                         test_fraction: float = 0.2, seed: int = 0, timeout: float = 3.0,
                         verbose: bool = True) -> DigitSequences:
    """Load handwritten digits as sequences of pixel rows, split into train/validation/test.

    Parameters
    ----------
    source: ``"auto"``, ``"mnist"`` or ``"digits"`` (see the module docstring).
    path: an ``mnist.npz`` file (arrays ``x_train``, ``y_train``, ``x_test``, ``y_test``, images
        (N, rows, cols) with pixels 0–255) to use instead of Keras's cache; implies MNIST.
    validation_fraction: share of the training images held out for validation, in (0, 1).
    test_fraction: share of all images used as test set — digits only (MNIST has its own
        10,000-image test set).
    seed: seeds the shuffle that cuts the validation (and, for digits, test) part.
    timeout: seconds to wait for the MNIST download host before giving up.
    verbose: print the one-line notice when ``"auto"`` falls back to digits.

    Returns
    -------
    :class:`DigitSequences` — x: (N, T, D) float32 in [0, 1] (one image row per step),
    y: (N,) int64.

    Raises ``ValueError`` for an unknown source or fractions outside (0, 1), and
    ``FileNotFoundError`` when ``source="mnist"`` and MNIST is neither cached nor reachable.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if source == "digits" and path is not None:
        raise ValueError(f"path={str(path)!r} is an MNIST file, but source='digits'")
    for name, frac in (("validation_fraction", validation_fraction),
                       ("test_fraction", test_fraction)):
        if not 0 < frac < 1:
            raise ValueError(f"{name} must be in (0, 1), got {frac!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    notice = None

    if source in ("auto", "mnist") or path is not None:
        try:
            (x_tr, y_tr), (x_te, y_te), origin = _load_mnist(path, timeout)
        except FileNotFoundError as exc:
            if source == "mnist" or path is not None:
                raise FileNotFoundError(
                    f"MNIST unavailable: {exc} (cache: {mnist_cache_path()}); pass path= to an "
                    "mnist.npz file, or use source='digits' (scikit-learn's bundled 8x8 "
                    "digits)") from None
            notice = (f"MNIST unavailable ({exc}); using scikit-learn's 8x8 digits "
                      "(8 steps x 8 features) instead.")
        else:
            x_tr, y_tr = _check_images("x_train/y_train", x_tr, y_tr)
            x_te, y_te = _check_images("x_test/y_test", x_te, y_te)
            n_val = max(1, round(validation_fraction * len(x_tr)))
            if n_val >= len(x_tr):
                raise ValueError(f"validation_fraction {validation_fraction} leaves no training "
                                 f"images out of {len(x_tr)}")
            order = rng.permutation(len(x_tr))
            val, tr = order[:n_val], order[n_val:]
            parts = {"train": (x_tr[tr], y_tr[tr]), "validation": (x_tr[val], y_tr[val]),
                     "test": (x_te, y_te)}
            return _package(parts, "mnist", origin, 255.0, seed, None)

    from sklearn.datasets import load_digits

    digits = load_digits()
    images, labels = digits.images, digits.target              # (1797, 8, 8), values 0..16
    x_tr, y_tr, x_val, y_val, x_te, y_te = train_val_test_split(
        images, labels, val_size=validation_fraction * (1 - test_fraction),
        test_size=test_fraction, rng=rng)
    parts = {"train": (x_tr, y_tr), "validation": (x_val, y_val), "test": (x_te, y_te)}
    if notice and verbose:
        print(notice)
    return _package(parts, "digits", "sklearn.datasets.load_digits()", 16.0, seed, notice)


def _package(parts, source, origin, pixel_max, seed, notice):
    out = {}
    for name, (x, y) in parts.items():
        out[name] = ((np.asarray(x, np.float32) / np.float32(pixel_max)).astype(np.float32),
                     np.asarray(y, np.int64))
    steps, features = out["train"][0].shape[1:]
    info = {
        "source": source,
        "origin": origin,
        "steps": int(steps),
        "features": int(features),
        "classes": 10,
        "pixel_max": pixel_max,
        "scaling": f"x / {pixel_max:g}",
        "dtype": "float32",
        "shapes": {k: tuple(int(s) for s in v[0].shape) for k, v in out.items()},
        "counts": {k: int(v[0].shape[0]) for k, v in out.items()},
        "seed": int(seed),
        "notice": notice,
    }
    return DigitSequences(out["train"], out["validation"], out["test"], info)
