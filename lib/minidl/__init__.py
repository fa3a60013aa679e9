"""minidl — the small deep-learning library behind the executable book.

Every number the book prints about forward/backward propagation, losses, optimizers and LSTMs is
computed here, and every derivative used here is verified by sympy, finite differences and Keras
(see ``tests/minidl``).  Arrays are batch-first; weights use the layouts Keras stores.  One concept
per module (:mod:`minidl.activations`, :mod:`minidl.layers`, :mod:`minidl.lstm`, ...); the API
reference appendix of the book (``chapters/appendix-api.md``) lists them with their docstrings.

Layers follow one contract: ``*_forward(...) -> (out, cache)`` and ``*_backward(dout, cache) ->
dict`` of gradients keyed by the forward pass's argument names.
"""

from importlib.metadata import PackageNotFoundError, version

from minidl.seeding import set_seed

__all__ = ["set_seed", "__version__"]

try:
    __version__ = version("minidl")
except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
    __version__ = "0+unknown"
