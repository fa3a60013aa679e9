"""What machine a measurement came from: processor, cores, load, BLAS and library versions.

``benchmarks/run.py`` records it beside every result; chapter 12 prints it for the machine that
executes the page.  Imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata

import numpy as np

__all__ = ["machine_info"]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    """Describe the machine a measurement came from.

    Returns a dict with ``cpu`` (model name from ``/proc/cpuinfo``), ``cores`` (usable by this
    process), ``load_average`` (1, 5 and 15 minutes, or None), ``blas`` (NumPy's BLAS and its
    thread count), ``blas_kernel`` (the kernels NumPy's BLAS runs, as ``threadpoolctl`` reports
    them: ``"openblas SkylakeX"``, say; None when unknown), ``openblas_env`` (the values of
    ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` in this process's environment, None where
    unset: the first forces OpenBLAS's kernels), ``platform``, and the versions of ``python``,
    ``numpy``, ``tensorflow`` and ``keras`` (None when not installed).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count()
    try:
        load = [round(v, 2) for v in os.getloadavg()]
    except OSError:
        load = None
    blas = None
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{deps.get('name')} {deps.get('version')}"
    except Exception:  # the config layout is not a stable API
        pass
    kernel = None
    try:
        from threadpoolctl import threadpool_info

        libs = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas and libs:
            blas += f", {libs[0]['num_threads']} threads"
        if libs and libs[0].get("architecture"):
            kernel = f"{libs[0].get('internal_api')} {libs[0]['architecture']}"
    except ImportError:
        pass
    return {
        "cpu": _cpu_model(),
        "cores": cores,
        "load_average": load,
        "blas": blas,
        "blas_kernel": kernel,
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": _version("tensorflow"),
        "keras": _version("keras"),
    }
