"""minidl.blas: NumPy's BLAS threads limited inside a block, restored after it."""

from __future__ import annotations

import pytest

from minidl.blas import blas_threads


def test_blas_threads_limits_numpy_blas_inside_only():
    from threadpoolctl import threadpool_info

    def blas():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas()
    with blas_threads(1):
        assert set(blas()) == {1}
    assert blas() == before
    with blas_threads(None):
        assert blas() == before


@pytest.mark.parametrize("bad, error, message", [
    (0, ValueError, "blas_threads must be a positive integer"),
    ("2", TypeError, "blas_threads must be an integer"),
])
def test_blas_threads_rejects_a_bad_count(bad, error, message):
    with pytest.raises(error, match=message):
        blas_threads(bad)
