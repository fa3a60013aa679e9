"""How many threads NumPy's BLAS may use, for one block of code.

The fast LSTM path (:mod:`minidl.lstm`) runs its per-step matmuls with single-threaded BLAS
inside its own thread pool; the benchmarks (``bookkit.bench``, chapter 12) time matrix products
with a given number of BLAS threads.  ``threadpoolctl`` is a declared dependency of ``minidl``.
"""

from __future__ import annotations

import contextlib

from minidl.validation import check_int

__all__ = ["blas_threads"]

_CONTROLLER = None


def blas_threads(n: int | None):
    """Context manager: NumPy's BLAS limited to ``n`` threads inside (``None``: unchanged).

    ``with blas_threads(1): a @ b`` multiplies with one BLAS thread; the previous limit is back
    after the block.  Raises ``TypeError`` for a non-integer ``n``, ``ValueError`` for ``n < 1``.

    Uses one cached ``threadpoolctl.ThreadpoolController``: building a new one scans every loaded
    shared library, which takes milliseconds once TensorFlow is imported.
    """
    global _CONTROLLER
    if n is None:
        return contextlib.nullcontext()
    n = check_int(n, "blas_threads", min_value=1)
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=int(n), user_api="blas")
