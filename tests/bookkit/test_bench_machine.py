"""bookkit.bench.machine: the description of the machine a measurement came from."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from bookkit.bench.machine import machine_info


def test_machine_info_describes_the_machine_without_importing_tensorflow():
    code = ("import sys; from bookkit.bench.machine import machine_info; m = machine_info(); "
            "print(sorted(m), m['cores'] >= 1, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out.endswith("True False"), out
    info = machine_info()
    for key in ("cpu", "cores", "load_average", "blas", "python", "numpy", "tensorflow", "keras"):
        assert key in info
    assert info["numpy"] == np.__version__


def test_machine_info_names_the_blas_kernel_and_the_openblas_variables(monkeypatch):
    from threadpoolctl import threadpool_info

    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.delenv("OPENBLAS_L2_SIZE", raising=False)
    info = machine_info()
    assert info["openblas_env"] == {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": None}
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    if blas and blas[0].get("architecture"):       # OpenBLAS reports the kernels it runs
        assert info["blas_kernel"] == f"{blas[0]['internal_api']} {blas[0]['architecture']}"
