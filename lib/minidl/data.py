"""MNIST, read from the IDX files that ship with the book, as sequences of pixel rows.

The article loads MNIST with ``tf.keras.datasets.mnist.load_data()``, which downloads a file on
first use.  The machines that build and test this book have no network, so the four original IDX
files (LeCun et al. 1998; CC BY-SA 3.0) ship with the book in ``data/mnist/`` (see its README),
and with the installed package as its data (``minidl/mnist/``, a link to ``data/mnist/`` in the
repository, copied into the wheel).  Where they are read from, in this order:

1. the ``data_dir`` argument of :func:`load_mnist` / :func:`load_digit_sequences`;
2. the directory named by the environment variable ``MINIDL_MNIST_DIR`` (:data:`MNIST_ENV`);
3. the package's own copy, :data:`MNIST_DIR` (in an editable install: the repository's
   ``data/mnist/``).

Nothing else is searched (no walk up from the working directory).  Wherever they come from, each
file's SHA-256 is checked.

- :func:`read_idx` parses one gzipped IDX file (the format of MNIST's distribution: a big-endian
  header giving the type and the shape, then the values row-major) into a NumPy array.
- :func:`load_mnist` reads all four files, checks the SHA-256 of each decompressed file against
  :data:`MNIST_FILES` and returns the original uint8 arrays: 60,000 training and 10,000 test
  images of 28×28 pixels (0–255) and their labels 0–9.  A missing or corrupt file raises an error
  that names the file.
- :func:`load_digit_sequences` is what the book's LSTM trains on: each image becomes a sequence
  of 28 time steps (its rows) of 28 features (the pixels of a row), scaled to [0, 1] by dividing
  by 255, as float32.  A validation part is cut from the 60,000 training images by a seeded
  shuffle (the article validated on its test set); the 10,000 test images are returned untouched,
  in their original order.

Arrays are batch-first: ``x: (N, T, D)`` float32 in [0, 1], ``y: (N,)`` int64 labels 0–9.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from minidl.validation import check_int

__all__ = ["DigitSequences", "MNIST_DIR", "MNIST_ENV", "MNIST_FILES", "load_digit_sequences",
           "load_mnist", "mnist_dir", "read_idx"]

#: The package's copy of the four files (package data ``minidl/mnist/``; in the repository a link
#: to ``data/mnist/``).
MNIST_DIR = Path(__file__).parent / "mnist"

#: The environment variable that, when set, names the directory to read the files from instead.
MNIST_ENV = "MINIDL_MNIST_DIR"

#: part -> (file name without ``.gz``, SHA-256 of the decompressed file, shape of its array).
MNIST_FILES = {
    "train_images": ("train-images-idx3-ubyte",
                     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                     (60000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte",
                     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                     (60000,)),
    "test_images": ("t10k-images-idx3-ubyte",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    (10000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                    (10000,)),
}

# IDX type codes (the third byte of the magic number) -> big-endian NumPy dtype.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass(frozen=True)
class DigitSequences:
    """Train / validation / test parts of MNIST as row sequences, and what they are.

    ``train``, ``validation``, ``test``: ``(x, y)`` with x (N, T, D) float32 and y (N,) int64.
    ``info``: a dict with ``source`` (``"mnist"``), ``origin`` (the directory read), ``steps`` T,
    ``features`` D, ``classes``, ``pixel_max`` (the divisor), ``scaling`` (a formula), ``dtype``,
    ``shapes`` and ``counts`` per part, ``seed`` and ``sha256`` (file name -> checksum verified).
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


def _parse_idx(raw: bytes, name: str) -> np.ndarray:
    """The array stored in the (decompressed) IDX bytes ``raw``; ``name`` is used in errors."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{name} is not an IDX file (magic number {raw[:4].hex() or 'missing'})")
    dtype, ndim = np.dtype(_IDX_TYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: truncated IDX header ({len(raw)} bytes, {ndim} dimensions)")
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + dtype.itemsize * int(np.prod(shape, dtype=np.int64))
    if len(raw) != expected:
        raise ValueError(f"{name}: IDX header says shape {shape} ({expected} bytes) but the file "
                         f"has {len(raw)} bytes")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path) -> np.ndarray:
    """Read one IDX file (gzipped if its name ends in ``.gz``) into an array of its shape.

    Parameters
    ----------
    path
        the file, e.g. ``data/mnist/t10k-labels-idx1-ubyte.gz``.

    Returns
    -------
    numpy.ndarray
        the values, in the shape and type the IDX header gives (native byte order).

    Raises
    ------
    FileNotFoundError
        if the file is missing.
    ValueError
        if it is not valid IDX (the message names the file).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no IDX file at {path}")
    return _parse_idx(_read_bytes(path), path.name)


def _read_bytes(path: Path) -> bytes:
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path.name} is not a readable gzip file ({exc}); copy it again from "
                         "MNIST's distribution (see data/mnist/README.md)") from None


def mnist_dir(data_dir=None) -> Path:
    """The directory the IDX files are read from: ``data_dir``, else ``$MINIDL_MNIST_DIR``, else
    :data:`MNIST_DIR` (the installed package's copy).  The files themselves are not checked here.

    Raises
    ------
    TypeError
        if ``data_dir`` is not a path (``str`` or ``os.PathLike``) or None.
    """
    if data_dir is None:
        data_dir = os.environ.get(MNIST_ENV) or MNIST_DIR
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a path or None, got {type(data_dir).__name__}")
    return Path(data_dir)


def load_mnist(data_dir=None):
    """The four MNIST files as the original arrays: ``(x_train, y_train), (x_test, y_test)``.

    Each decompressed file must have the SHA-256 listed in :data:`MNIST_FILES`.

    Parameters
    ----------
    data_dir
        directory holding ``train-images-idx3-ubyte.gz`` and the three others (default: see
        :func:`mnist_dir`).

    Returns
    -------
    tuple
        ``((x_train, y_train), (x_test, y_test))``, uint8 arrays x_train (60000, 28, 28),
        y_train (60000,), x_test (10000, 28, 28), y_test (10000,).

    Raises
    ------
    FileNotFoundError
        naming a missing file.
    ValueError
        naming a corrupt file (wrong checksum, not gzip, not IDX).
    """
    data_dir = mnist_dir(data_dir)
    arrays = {}
    for part, (name, sha256, shape) in MNIST_FILES.items():
        path = data_dir / f"{name}.gz"
        if not path.is_file():
            raise FileNotFoundError(
                f"MNIST file {name}.gz is missing from {data_dir}; the book's package ships the "
                "four files (install it: `pip install` the wheel from the book's download menu, or "
                f"the repository), or set {MNIST_ENV} to a directory that holds them (their source "
                "and checksums: data/mnist/README.md in the repository)")
        raw = _read_bytes(path)
        digest = hashlib.sha256(raw).hexdigest()
        if digest != sha256:
            raise ValueError(f"MNIST file {name}.gz in {data_dir} is corrupt: the SHA-256 of its "
                             f"{len(raw)} decompressed bytes is {digest}, expected {sha256}")
        arrays[part] = _parse_idx(raw, f"{name}.gz")
        if arrays[part].shape != shape or arrays[part].dtype != np.uint8:
            raise ValueError(f"MNIST file {name}.gz holds {arrays[part].dtype} {arrays[part].shape}"
                             f", expected uint8 {shape}")
    return ((arrays["train_images"], arrays["train_labels"]),
            (arrays["test_images"], arrays["test_labels"]))


def load_digit_sequences(*, validation_size: int = 6000, seed: int = 0,
                         data_dir=None) -> DigitSequences:
    """MNIST as sequences of pixel rows, with a seeded validation part cut from the training set.

    Parameters
    ----------
    validation_size
        training images held out for validation, 1 ≤ validation_size < 60000.
    seed
        seeds the shuffle that picks the validation images.
    data_dir
        where the IDX files are (default: see :func:`mnist_dir`).

    Returns
    -------
    DigitSequences
        x: (N, 28, 28) float32, pixel / 255 (one image row per step), y: (N,) int64.  train:
        60000 − validation_size images, validation: validation_size, test: the 10,000 test
        images in their original order.

    Raises
    ------
    TypeError
        if ``validation_size`` or ``seed`` is not an integer.
    ValueError
        for a ``validation_size`` or ``seed`` out of range, and (from :func:`load_mnist`) for a
        corrupt file; ``FileNotFoundError`` for a missing one.
    """
    seed = check_int(seed, "seed", min_value=0)
    n_train = MNIST_FILES["train_labels"][2][0]
    validation_size = check_int(validation_size, "validation_size", min_value=1,
                                max_value=n_train - 1)
    data_dir = mnist_dir(data_dir)
    (x_tr, y_tr), (x_te, y_te) = load_mnist(data_dir)
    order = np.random.default_rng(seed).permutation(len(x_tr))
    val, tr = order[:validation_size], order[validation_size:]
    parts = {"train": (x_tr[tr], y_tr[tr]), "validation": (x_tr[val], y_tr[val]),
             "test": (x_te, y_te)}
    pixel_max = 255.0
    # As the article: divide by 255.0 (float64), then store as float32.
    out = {name: ((x / pixel_max).astype(np.float32), y.astype(np.int64))
           for name, (x, y) in parts.items()}
    info = {
        "source": "mnist",
        "origin": str(data_dir),
        "steps": int(x_tr.shape[1]),
        "features": int(x_tr.shape[2]),
        "classes": 10,
        "pixel_max": pixel_max,
        "scaling": f"x / {pixel_max:g}",
        "dtype": "float32",
        "shapes": {k: tuple(int(s) for s in v[0].shape) for k, v in out.items()},
        "counts": {k: int(v[0].shape[0]) for k, v in out.items()},
        "seed": int(seed),
        "sha256": {f"{name}.gz": sha for name, sha, _ in MNIST_FILES.values()},
    }
    return DigitSequences(out["train"], out["validation"], out["test"], info)
