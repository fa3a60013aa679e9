"""Shared pieces of the benchmark scripts: the environment, paths, and the Markdown report.

The rows, the results file and its tables are :mod:`bookkit.bench.results` (re-exported here for
the scripts: ``from _common import Row``)."""

from __future__ import annotations

import os
from pathlib import Path

from bookkit.bench.results import Row, results_table, rows_of
from bookkit.report import markdown_table

__all__ = ["ROOT", "RESULTS", "Row", "caller_openblas_env", "openblas_sentence",
           "markdown_report"]

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

# The environment `make` exports (Makefile); set here too so `python benchmarks/run.py` alone
# measures the same thing, subprocesses included.
for _key, _value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("PYTHONHASHSEED", "0"),
                     ("MPLBACKEND", "Agg")):
    os.environ.setdefault(_key, _value)


def caller_openblas_env() -> dict[str, str] | None:
    """The OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE values ``make bench`` unset for the benchmarks.

    The Makefile passes them as ``BENCH_OPENBLAS_ENV="NAME=value ..."`` (empty when the caller
    had neither); None when the benchmarks were not started by ``make bench``.
    """
    text = os.environ.get("BENCH_OPENBLAS_ENV")
    if text is None:
        return None
    return dict(item.split("=", 1) for item in text.split() if "=" in item)


def openblas_sentence(machine: dict) -> str:
    """One sentence on the BLAS kernels that ran and the OpenBLAS variables behind them."""
    kernel = machine.get("blas_kernel") or "unknown"
    seen = {k: v for k, v in (machine.get("openblas_env") or {}).items() if v is not None}
    caller = machine.get("openblas_env_caller")

    def words(env):
        return " ".join(f"{k}={v}" for k, v in env.items())

    if seen:
        how = f"set for the benchmarks: {words(seen)}"
    elif caller:
        how = (f"chosen by OpenBLAS itself: `make bench` unset the caller's {words(caller)} for "
               "the benchmarks (the `book` piece runs the tests with them)")
    else:
        how = "chosen by OpenBLAS itself (neither OPENBLAS_CORETYPE nor OPENBLAS_L2_SIZE set)"
    return f"BLAS kernels: {kernel}, {how}."


def markdown_report(data: dict, order: list[str] | None = None) -> str:
    """The results file as Markdown: machine, then one table of every piece's figures."""
    m = data.get("machine", {})
    lines = ["# Benchmark results (`make bench`)", "",
             f"Machine: {m.get('cpu')}, {m.get('cores')} cores; BLAS {m.get('blas')}; "
             f"Python {m.get('python')}, NumPy {m.get('numpy')}, TensorFlow {m.get('tensorflow')}, "
             f"Keras {m.get('keras')}.", "", openblas_sentence(m), ""]
    when = [[name, piece.get("when", "-"), (piece.get("load_average") or ["-"])[0]]
            for name, piece in data.get("pieces", {}).items()]
    lines.append(markdown_table(["piece", "measured", "load average (1 min) at start"], when,
                                align="llr"))
    lines += ["", results_table(rows_of(data, order or [])), ""]
    notes = [(r["piece"], r["name"], r["note"])
             for p in data.get("pieces", {}).values() for r in p["rows"] if r.get("note")]
    if notes:
        lines.append("Notes:")
        lines.append("")
        lines += [f"- {piece} / {name}: {note}" for piece, name, note in notes]
        lines.append("")
    lines.append("Times are medians of repeated runs on a shared machine; ratios are medians of "
                 "per-round ratios (NumPy and Keras timed in alternating rounds). They depend on "
                 "the machine and on its load.")
    return "\n".join(lines) + "\n"
