"""minidl — the small deep-learning library behind the executable book.

Every number the book prints about forward/backward propagation, losses, optimizers and LSTMs is
computed here, and every derivative used here is verified by sympy, finite differences and Keras
(see ``tests/``).  Arrays are batch-first; weights use the layouts Keras stores.

Public API (one concept per module)
-----------------------------------
minidl.seeding
    set_seed(seed=0, *, tensorflow=None) -> numpy.random.Generator
"""

from minidl.seeding import set_seed

__all__ = ["set_seed"]
__version__ = "0.1.0"
