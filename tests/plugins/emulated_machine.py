"""Say which machine the notebooks are about to run on, and fail if an emulation did not take.

``make test-portability`` re-executes every chapter on emulated other machines; an emulation that
silently does nothing (a misspelt variable, a library that ignores it) would make the sweep prove
nothing.  Run with the sweep's environment, this prints what each numeric library will use and
exits 1 when a requested setting is not in effect:

- ``OPENBLAS_CORETYPE``: OpenBLAS's kernel set (threadpoolctl's ``architecture``);
- ``NPY_DISABLE_CPU_FEATURES``: NumPy's dispatched SIMD targets (X86_V3, i.e. AVX2/FMA3, must be
  off when it is disabled);
- ``taskset``: the cores this process may use (``os.sched_getaffinity``), with ``--cores N``;
- ``ONEDNN_MAX_CPU_ISA``: the instruction set TensorFlow's oneDNN dispatches to, read from
  ``ONEDNN_VERBOSE`` in a subprocess that runs one Keras layer (about 10 s, only when it is set);
- ``XLA_FLAGS``: passed to TensorFlow in the environment (shown; XLA cannot report it back).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

ONEDNN_PROBE = ("import numpy, keras; "
                "m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)]); "
                "m.predict(numpy.ones((4, 8)), verbose=0)")


def onednn_isa() -> str | None:
    """The ISA oneDNN reports (``isa:Intel AVX``) when TensorFlow runs one layer."""
    env = dict(os.environ, ONEDNN_VERBOSE="1", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", ONEDNN_PROBE], env=env, capture_output=True,
                          text=True, timeout=300)
    for line in (proc.stdout + proc.stderr).splitlines():
        if ",cpu,isa:" in line:
            return line.split(",cpu,isa:", 1)[1].strip()
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=None, help="expected number of usable cores")
    args = parser.parse_args(argv)

    import numpy as np
    from numpy._core._multiarray_umath import __cpu_features__ as features
    from threadpoolctl import threadpool_info

    problems = []
    cores = len(os.sched_getaffinity(0))
    blas = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
    arch = blas[0].get("architecture") if blas else None
    from numpy._core._multiarray_umath import __cpu_dispatch__ as dispatch

    simd = [target for target in dispatch if features.get(target)]
    print(f"machine: {cores} usable core(s); NumPy {np.__version__} SIMD dispatch "
          f"{', '.join(simd) or 'baseline only'}; OpenBLAS kernels {arch}; "
          f"ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA', '-')}; "
          f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '-')}")
    want = os.environ.get("OPENBLAS_CORETYPE")
    if want and arch and arch.lower() != want.lower():
        problems.append(f"OPENBLAS_CORETYPE={want} but OpenBLAS runs {arch} kernels")
    for target in os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split():
        if target in simd:
            problems.append(f"NPY_DISABLE_CPU_FEATURES={target} but NumPy still dispatches it")
    if args.cores is not None and cores != args.cores:
        problems.append(f"expected {args.cores} usable core(s), found {cores}")
    if want_isa := os.environ.get("ONEDNN_MAX_CPU_ISA"):
        isa = onednn_isa()
        print(f"oneDNN dispatches to: {isa}")
        wanted = want_isa.replace("_", "").lower()
        if isa is None or not isa.replace(" ", "").lower().endswith(wanted):
            problems.append(f"ONEDNN_MAX_CPU_ISA={want_isa} but oneDNN reports {isa!r}")
    for problem in problems:
        print(f"emulation not in effect: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
