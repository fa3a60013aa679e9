"""minidl.seeding: set_seed reseeds Python and NumPy, returns a seeded Generator, accepts NumPy
integers, rejects bad seeds with TypeError / ValueError, and leaves PYTHONHASHSEED alone (it
cannot take effect inside a running interpreter)."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

from minidl.seeding import set_seed


def test_set_seed_reseeds_python_and_numpy_and_returns_a_seeded_generator():
    rng = set_seed(3, tensorflow=False)
    first = (random.random(), np.random.random(), rng.random())
    rng = set_seed(np.int64(3), tensorflow=False)
    assert (random.random(), np.random.random(), rng.random()) == first
    assert first[2] == np.random.default_rng(3).random()


def test_set_seed_does_not_pretend_to_set_the_hash_seed():
    before = os.environ.get("PYTHONHASHSEED")
    set_seed(12345, tensorflow=False)
    assert os.environ.get("PYTHONHASHSEED") == before


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError),
                                         ("0", TypeError)])
def test_bad_seeds_raise(seed, error):
    with pytest.raises(error, match="seed must be"):
        set_seed(seed, tensorflow=False)
