"""The book's own costs: notebook execution per chapter, the build, and `make test` by step.

Data-driven over ``chapters/*.ipynb``.  Runs ``make test-notebooks`` (nbval: every notebook is
re-executed), ``make lint``, ``make test-lib`` and ``make test-book`` exactly as ``make test``
does, with JUnit XML reports (``PYTEST_ADDOPTS``) from which the per-chapter times are summed;
and times a strict build of the book from the committed outputs into a temporary directory
(what ``make book`` does).
Goals on 2 cores: notebooks <= 5 min in total, build <= 60 s, make test <= 15 min.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from _common import ROOT, Row, caller_openblas_env

NOTEBOOK_GOAL_S = 300.0
BUILD_GOAL_S = 60.0
TEST_GOAL_S = 900.0


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def _make_step(target: str, junit: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ)
    # Tests run as the caller would run them: with the OpenBLAS variables `make bench` unset.
    env.update(caller_openblas_env() or {})
    env["PYTEST_ADDOPTS"] = (env.get("PYTEST_ADDOPTS", "") + f" --junitxml={junit}").strip()
    return _timed(["make", "--no-print-directory", target], env=env)


def _junit(path: Path) -> tuple[dict, dict[str, float]]:
    """(counts, seconds per file) from a pytest JUnit XML report.

    ``counts`` also holds ``failed``: the first few failing tests as ``file::name``.
    """
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "failed": []}
    per_file: dict[str, float] = defaultdict(float)
    if not path.exists():
        return counts, per_file
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        for key in ("tests", "failures", "errors", "skipped"):
            counts[key] += int(suite.get(key, 0))
    for case in root.iter("testcase"):
        # nbval items are "chapters/NN-slug.ipynb::Cell k" -> classname "chapters.NN-slug.ipynb"
        cls = case.get("classname", "")
        per_file[cls.removeprefix("chapters.")] += float(case.get("time", 0.0))
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"].append(f"{cls.removeprefix('chapters.')}::{case.get('name')}")
    return counts, dict(per_file)


def _status(proc, counts) -> str:
    failed = counts["failures"] + counts["errors"]
    text = (f"exit {proc.returncode}; {counts['tests']} tests, {failed} failed, "
            f"{counts['skipped']} skipped")
    if counts["failed"]:
        more = len(counts["failed"]) - 5
        tail = f", {more} more" if more > 0 else ""
        text += " (" + ", ".join(counts["failed"][:5]) + tail + ")"
    return text


def run(quick: bool = False) -> list[Row]:
    p = "book"
    rows: list[Row] = []
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        tmp = Path(tmp)
        # 1. Notebooks: `make test-notebooks` (nbval re-executes every chapter).
        if not notebooks:
            return [Row(p, "notebooks", "none", note="no chapters/*.ipynb yet")]
        nb_wall, nb_proc = _make_step("test-notebooks", tmp / "nb.xml")
        nb_counts, per_file = _junit(tmp / "nb.xml")
        for nb in notebooks:
            seconds = per_file.get(nb.name)
            rows.append(Row(p, f"execute {nb.stem}", seconds, "s",
                            note="" if seconds is not None else "not in the nbval report"))
        total = sum(per_file.get(nb.name, 0.0) for nb in notebooks)
        rows.append(Row(p, f"notebooks total ({len(notebooks)})", total, "s",
                        f"<= {NOTEBOOK_GOAL_S:.0f}", total <= NOTEBOOK_GOAL_S,
                        note="sum of nbval cell times per notebook (kernel start included)"))

        # 2. The strict build from committed outputs, into a temporary directory.
        jb = str(Path(sys.executable).with_name("jupyter-book"))
        build_s, build = _timed([jb, "build", str(ROOT), "--path-output", str(tmp / "site"),
                                 "-W", "-n", "--keep-going"])
        built = build.returncode == 0
        rows.append(Row(p, "book build (strict, from committed outputs)", build_s, "s",
                        f"<= {BUILD_GOAL_S:.0f}", build_s <= BUILD_GOAL_S and built,
                        note="" if built else f"build failed: exit {build.returncode}"))

        # 3. `make test` = lint + test-lib + test-book + test-notebooks.
        if quick:
            rows.append(Row(p, "make test-notebooks", nb_wall, "s",
                            note=_status(nb_proc, nb_counts)))
            return rows
        steps = [("lint", *_timed(["make", "--no-print-directory", "lint"]), None)]
        for target in ("test-lib", "test-book"):
            wall, proc = _make_step(target, tmp / f"{target}.xml")
            steps.append((target, wall, proc, _junit(tmp / f"{target}.xml")[0]))
        steps.append(("test-notebooks", nb_wall, nb_proc, nb_counts))
        for target, wall, proc, counts in steps:
            note = (f"exit {proc.returncode}" if counts is None else _status(proc, counts))
            rows.append(Row(p, f"make {target}", wall, "s", note=note))
        test_s = sum(wall for _, wall, _, _ in steps)
        ok = all(proc.returncode == 0 for _, _, proc, _ in steps)
        rows.append(Row(p, "make test (sum of the four)", test_s, "s", f"<= {TEST_GOAL_S:.0f}",
                        test_s <= TEST_GOAL_S,
                        note="" if ok else "some steps failed; times still measured"))
    return rows
