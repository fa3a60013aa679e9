"""Shared pieces of the benchmark scripts: result rows, the table, the results file."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bookkit.benchmarking import format_value, results_table
from bookkit.report import markdown_table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

# The environment `make` exports (Makefile); set here too so `python benchmarks/run.py` alone
# measures the same thing, subprocesses included.
for _key, _value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("PYTHONHASHSEED", "0"),
                     ("MPLBACKEND", "Agg")):
    os.environ.setdefault(_key, _value)


@dataclass
class Row:
    """One figure of the table.

    ``goal`` is a human-readable target (e.g. ``"<= 1.0"``) and ``met`` whether the figure meets
    it (None: no goal, or not measurable here).
    """

    piece: str
    name: str
    value: float | str | None
    unit: str = ""
    goal: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


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


def fmt_met(met) -> str:
    return {True: "yes", False: "NO", None: ""}[met]


def table(rows: list[Row]) -> str:
    """The rows as a plain-text table for the terminal: piece, figure, value, unit, goal, met.

    (The Markdown form is :func:`bookkit.benchmarking.results_table`.)
    """
    header = ["piece", "figure", "value", "unit", "goal", "met"]
    body = [[r.piece, r.name, format_value(r.value), r.unit, r.goal, fmt_met(r.met)] for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h)
              for i, h in enumerate(header)]
    sep = "  "

    def render(cells):
        out = []
        for i, c in enumerate(cells):
            out.append(c.rjust(widths[i]) if i == 2 else c.ljust(widths[i]))
        return sep.join(out).rstrip()

    lines = [render(header), sep.join("-" * w for w in widths)]
    lines += [render(line) for line in body]
    return "\n".join(lines)


def load_results(path: Path) -> dict:
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            pass
    return {"pieces": {}}


def save_results(pieces: dict[str, dict], machine: dict, path_json: Path, path_md: Path) -> dict:
    """Merge this run's pieces into the results file (other pieces keep their last figures)."""
    data = load_results(path_json)
    data.setdefault("pieces", {})
    for name, piece in pieces.items():
        data["pieces"][name] = piece
    data["machine"] = machine
    data["updated"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    path_json.parent.mkdir(parents=True, exist_ok=True)
    path_json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    path_md.write_text(markdown_report(data), encoding="utf-8")
    return data


def rows_of(data: dict, order: list[str]) -> list[Row]:
    rows = []
    names = [n for n in order if n in data.get("pieces", {})]
    names += [n for n in data.get("pieces", {}) if n not in names]
    for name in names:
        rows += [Row(**r) for r in data["pieces"][name]["rows"]]
    return rows


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


def piece_record(rows: list[Row], started: float, load_before) -> dict:
    return {
        "when": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "load_average": load_before,
        "rows": [asdict(r) for r in rows],
    }
