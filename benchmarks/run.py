"""Run the benchmarks and print one table: `make bench [PIECES="lstm models"]`, or
`python benchmarks/run.py [piece ...]`.

Pieces (default: all, in this order):
  lstm    minidl.lstm (NumPy) vs keras.layers.LSTM, forward and forward+backward, GFLOP/s
  models  the article's model vs the corrected model: seconds per epoch and accuracy
  book    notebook execution per chapter, book build, `make test` by step (minutes)
  gpu     cuDNN tanh LSTM vs the article's relu LSTM per epoch (skipped without a GPU)

Options: --quick (fewer repeats, smaller runs; for trying the scripts out), --no-save (do not
update benchmarks/results/latest.{json,md}).  Each run merges its pieces into the results file,
so running one piece keeps the others' last figures.  These are scripts, not tests: they assert
nothing about times, they report them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, caller_openblas_env, markdown_report, openblas_sentence  # noqa: E402

from bookkit.bench.results import Row, piece_record, rows_of, save_results, text_table  # noqa: E402

PIECES = ["lstm", "models", "book", "gpu"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pieces", nargs="*", metavar="piece",
                        help=f"any of {', '.join(PIECES)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller runs")
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/results")
    args = parser.parse_args(argv)
    unknown = [p for p in args.pieces if p not in PIECES]
    if unknown:
        parser.error(f"unknown piece(s) {', '.join(unknown)}; choose from {', '.join(PIECES)}")
    pieces = args.pieces or PIECES

    from bookkit.bench.machine import machine_info

    machine = machine_info()
    machine["openblas_env_caller"] = caller_openblas_env()
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, load average "
          f"{machine['load_average']}; BLAS {machine['blas']}; Python {machine['python']}, "
          f"NumPy {machine['numpy']}, TensorFlow {machine['tensorflow']}, "
          f"Keras {machine['keras']}", flush=True)
    print(openblas_sentence(machine), flush=True)
    records, rows, failed = {}, [], []
    for name in pieces:
        print(f"== {name} ...", flush=True)
        started, load = time.time(), machine_info()["load_average"]
        try:
            piece_rows = importlib.import_module(f"bench_{name}").run(quick=args.quick)
        except Exception as exc:  # report and go on with the other pieces
            traceback.print_exc()
            failed.append(name)
            piece_rows = [Row(name, "error", type(exc).__name__, note=str(exc)[:200])]
        records[name] = piece_record(piece_rows, started, load)
        print(f"   {name}: {records[name]['seconds']} s", flush=True)
        rows += piece_rows

    print()
    print(text_table(rows))
    notes = [r for r in rows if r.note]
    if notes:
        print()
        for r in notes:
            print(f"note {r.piece} / {r.name}: {r.note}")
    if not args.no_save and not args.quick:
        data = save_results(records, machine, RESULTS / "latest.json")
        (RESULTS / "latest.md").write_text(markdown_report(data), encoding="utf-8")
        print(f"\nresults: {RESULTS / 'latest.md'} ({len(rows_of(data, PIECES))} figures)")
    return 1 if failed else 0


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parents[1])
    sys.exit(main())
