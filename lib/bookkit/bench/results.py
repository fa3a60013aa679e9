"""Benchmark results: the rows, the results file ``benchmarks/results/latest.json``, its tables.

The one reader and writer of the results file.  ``benchmarks/run.py`` makes one :class:`Row` per
figure, merges each piece's rows into the file (:func:`save_results`: a run of one piece keeps the
other pieces' last figures) and prints :func:`text_table`; ``latest.md`` shows
:func:`results_table`.  A reader of the book gets the file through :mod:`bookkit.resources`
(:func:`load_results` with no path).

The file: ``{"pieces": {name: {"when", "seconds", "load_average", "rows": [Row as dict, ...]}},
"machine": machine_info(), "updated": "..."}``.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bookkit.report import markdown_table

__all__ = ["Row", "HEADERS", "MET_WORDS", "format_figure", "results_table", "text_table",
           "piece_record", "load_results", "save_results", "rows_of"]

#: The columns of every results table, and the words of the ``met`` column (None: no goal).
HEADERS = ("piece", "figure", "value", "unit", "goal", "met")
MET_WORDS = {True: "yes", False: "NO", None: ""}


@dataclass
class Row:
    """One figure of a results table.

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


def format_figure(value) -> str:
    """A benchmark figure as the tables print it: 3 significant digits or so, ``-`` for None."""
    if value is None:
        return "-"
    if isinstance(value, (str, bool, int)):
        return str(value)
    a = abs(value)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{value:.0f}"
    if a >= 10:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}"
    if a >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2e}"


def _cells(rows) -> list[list[str]]:
    """One list of strings per row (a :class:`Row` or a dict with its fields), in HEADERS order."""
    def get(row, key):
        return row[key] if isinstance(row, dict) else getattr(row, key)

    return [[get(r, "piece"), get(r, "name"), format_figure(get(r, "value")), get(r, "unit"),
             get(r, "goal"), MET_WORDS[get(r, "met")]] for r in rows]


def results_table(rows) -> str:
    """The rows as one Markdown table (``latest.md``), by :func:`bookkit.report.markdown_table`.

    rows: :class:`Row` objects or dicts with the same fields.
    """
    return markdown_table(list(HEADERS), _cells(rows), align="llrlll")


def text_table(rows) -> str:
    """The rows as a plain-text table for the terminal, columns as in :func:`results_table`."""
    body = _cells(rows)
    widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h)
              for i, h in enumerate(HEADERS)]
    sep = "  "

    def render(cells):
        return sep.join(c.rjust(w) if i == 2 else c.ljust(w)
                        for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([render(HEADERS), sep.join("-" * w for w in widths),
                      *(render(line) for line in body)])


def piece_record(rows: list[Row], started: float, load_before) -> dict:
    """One piece's entry of the results file: when it started (``time.time()`` seconds), how long
    it ran, the load average before it, and its rows."""
    return {
        "when": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "load_average": load_before,
        "rows": [asdict(r) for r in rows],
    }


def load_results(path: str | Path | None = None) -> dict:
    """The results file as a dict; ``{"pieces": {}}`` when ``path`` does not exist yet.

    path: the JSON file; None reads the book's copy, ``bookkit.resources.path("latest.json")``.
    Raises ``ValueError`` for a file that is not JSON (saving over it would lose its figures).
    """
    if path is None:
        from bookkit.resources import path as book_file

        path = book_file("latest.json")
    path = Path(path)
    if not path.exists():
        return {"pieces": {}}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a results file (invalid JSON: {exc}); move it away "
                         "and run the benchmarks again") from exc


def save_results(pieces: dict[str, dict], machine: dict, path: str | Path) -> dict:
    """Merge this run's pieces (name -> :func:`piece_record`) into the results file at ``path``;
    the other pieces keep their last figures.  Returns the merged contents."""
    path = Path(path)
    data = load_results(path)
    data.setdefault("pieces", {}).update(pieces)
    data["machine"] = machine
    data["updated"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def rows_of(data: dict, order: list[str] | None = None) -> list[Row]:
    """Every row of the results file, pieces in ``order`` first, then the others as stored."""
    stored = data.get("pieces", {})
    names = [n for n in (order or []) if n in stored]
    names += [n for n in stored if n not in names]
    return [Row(**r) for name in names for r in stored[name]["rows"]]
