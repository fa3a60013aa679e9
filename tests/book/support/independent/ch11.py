"""Chapter 11 (errata): every glued value, recomputed from its definition.

Only the standard library (``math``, ``fractions``, ``difflib``), NumPy and package metadata --
never ``minidl`` or the page's own code.  ``tests/book/test_errata.py`` uses ``INDEPENDENT`` to
check the text the table shows and the values pasted from other chapters.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from fractions import Fraction
from importlib.metadata import metadata, version

import nbformat
import numpy as np

from bookkit.errata import Item
from bookkit.errata import load as load_errata

from .. import article_text as A
from ..bookfiles import CHAPTERS, ROOT

NOTEBOOK = "11-errata"

X = np.array([1.0, 2.0])
THETA = np.array([[1.0, 2.0], [3.0, 4.0]])
T = np.array([0.9, 0.95])
Y_ART = np.array([0.8954, 0.9278])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def lstm_params(d_in, units):
    return 4 * (units * (d_in + units) + units)


def dense_params(d_in, units):
    return d_in * units + units


def prints_as(x: Fraction, text: str) -> bool:
    """Whether the exact number x rounds (half to even, as Python and Keras print) to ``text``."""
    digits = len(text.split(".")[1])
    scaled = x * 10**digits
    n = math.floor(scaled)
    frac = scaled - n
    n = n + 1 if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and n % 2) else n
    return n == round(Fraction(text) * 10**digits)


def independent_values() -> dict[str, float]:
    """Every value the errata page computes, from the definitions (NumPy, math, fractions only)."""
    v = {}
    z_h = THETA @ X
    v["thetaX_0"], v["thetaX_1"] = z_h
    for z in (1, 3, 10):
        v[f"sigma{z}"] = 1.0 / (1.0 + math.exp(-z))
    v["params_232"] = (2 * 3 + 3) + (3 * 2 + 2)
    # the numbers the article gives: θ (2×2), b = [0, 0, 0], and the output bias [0, 0] of step 3
    v["params_article"] = 4 + 3 + 2
    z_o_h = THETA @ np.array([0.7311, 0.9512])
    y_z = sigmoid([2.4604, 4.0567])
    h = sigmoid(z_h)
    z_o = THETA @ h
    y_hat = sigmoid(z_o)
    s_prime = sigmoid([3.0, 10.0]) * (1 - sigmoid([3.0, 10.0]))
    delta_o = (Y_ART - T) * Y_ART * (1 - Y_ART)       # σ'(Z_o) = ŷ(1 − ŷ)
    delta_h = (THETA.T @ delta_o) * s_prime           # W2ᵀδ_o with W2 = θ (column-vector form)
    product = np.array([0.0046, 0.0222]) @ np.array([[0.2689, 0.4714], [0.4714, 0.7311]])
    for i in range(2):
        v[f"theta_article_h_{i}"] = z_o_h[i]
        v[f"sigma_article_zo_{i}"] = y_z[i]
        v[f"consistent_h_{i}"] = h[i]
        v[f"consistent_zo_{i}"] = z_o[i]
        v[f"consistent_yhat_{i}"] = y_hat[i]
        v[f"delta_o_{i}"] = delta_o[i]
        v[f"sigma_prime_zh_{i}"] = s_prime[i]
        v[f"delta_h_{i}"] = delta_h[i]
        v[f"article_product_{i}"] = product[i]
        for j in range(2):                             # diag(σ'(Z_h)) θᵀ, entry (i, j) = σ'_i θ_ji
            v[f"sigma_prime_thetaT_{i}{j}"] = s_prime[i] * THETA[j, i]
    v["sigma_prime_max"] = 0.25                        # σ(0)(1 − σ(0)) = ½ · ½
    v["one_minus_sigma1"] = 1 - v["sigma1"]
    v["ce"] = -math.log(0.1)
    v["ce_weight0_term"] = -math.log(0.9)
    v["ce_middle_step"] = -(math.log(0.9) + math.log(0.1))
    v["mse"] = ((0 - 0.9) ** 2 + (1 - 0.1) ** 2) / 2
    v["mse_as_written"] = 0.5 * 0.81 + 0.81
    v["kl"] = 1.0 * math.log(1.0 / 0.1)                # one-hot p = [0, 1]: KL = −ln q_1
    v["entropy_difference"] = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1)) - 0.0
    v["article_model_params"] = (lstm_params(28, 128) + 2 * lstm_params(128, 128)
                                 + dense_params(128, 1))
    v["article_model_vs_large"] = v["article_model_params"] / 1e8
    v["eval_steps"] = -(-10_000 // 32)
    # Exact arithmetic: the k/n (n <= 64, two batches of 32) within half a unit of 0.9063.
    target, half = Fraction("0.9063"), Fraction("0.00005")
    near = {Fraction(k, n) for n in range(1, 65) for k in range(n + 1)
            if abs(Fraction(k, n) - target) <= half}
    assert near == {Fraction(29, 32)}, near
    v["accuracy_numerator"], v["accuracy_denominator"] = 29, 32
    v["accuracy_fraction"] = float(Fraction(29, 32))
    assert not prints_as(Fraction(29, 32), "0.9063") and prints_as(Fraction(29, 32), "0.9062")
    # the fewest images whose accuracy k/n prints as 0.9063 (exact, half to even)
    v["fewest_images_for_09063"] = next(
        n for n in range(1, 10_001)
        if any(prints_as(Fraction(k, n), "0.9063") for k in range(n + 1)))
    v["bce_label9"] = -(9 * math.log(0.999) + (1 - 9) * math.log(1 - 0.999))
    d, layers, vocab, ctx = 12288, 96, 50257, 2048
    v["gpt3_params"] = layers * (12 * d * d + 13 * d) + vocab * d + ctx * d + 2 * d
    d = 768
    bert_blocks = 12 * (12 * d * d + 13 * d)
    v["bert_base_params"] = (30522 + 512 + 2) * d + 2 * d + bert_blocks + (d * d + d)
    v["bert_block_share"] = bert_blocks / v["bert_base_params"]
    v["dense_2_3_params"] = 2 * 3 + 3
    v["gpt3_fp16_gb"] = v["gpt3_params"] * 2 / 1e9
    return v


INDEPENDENT = independent_values()


def python_requirement() -> str:
    """``X.Y.Z`` of pyproject.toml's ``requires-python = ">=X.Y.Z"``, exactly as declared."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        req = tomllib.load(f)["project"]["requires-python"]
    m = re.fullmatch(r">=\s*(\d+(?:\.\d+)*)", req)
    assert m, f"pyproject.toml requires-python is {req!r}, expected '>=X.Y.Z'"
    return m.group(1)


# text values: what `pip install tensorflow` gives today, and the book's own requirement
TEXT = {"tf_version": version("tensorflow"),
        "tf_requires_python": metadata("tensorflow")["Requires-Python"],
        "python_min": python_requirement()}


def sections_3_to_5_comparison() -> dict[str, object]:
    """Compare sections 3-5 of the three versions line by line (difflib), independently of the page.

    Returns the counts the page glues: display formulas, code blocks, the line versions 2 and 3
    add to the code, and the prose lines version 3 rewords.
    """
    def section(text):
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("#")
                     and "核心算法原理" in line)
        end = next(i for i, line in enumerate(lines) if line.startswith("#")
                   and "实际应用场景" in line)
        return lines[start:end]

    def blocks(lines, fence):
        found, inside = [], None
        for line in lines:
            if line.strip() == fence:
                if inside is None:
                    inside = []
                else:
                    found.append(inside)
                    inside = None
            elif inside is not None:
                inside.append(line)
        return found

    secs = [section(v) for v in A.versions()]
    formulas = [blocks(s, "$$") for s in secs]
    code = [blocks(s, "```") for s in secs]
    assert formulas[0] == formulas[1] == formulas[2]
    added = set()
    for k in (1, 2):
        for a, b in zip(code[0], code[k], strict=True):
            diff = [d for d in difflib.ndiff(a, b) if d[:1] in "+-"]
            assert all(d.startswith("+ ") for d in diff), diff
            added |= {d[2:] for d in diff}
    assert len(added) == 1

    def prose(lines):
        out, fenced = [], False
        for line in lines:
            if line.strip() in ("$$", "```"):
                fenced = not fenced
                continue
            text = line.strip().replace("**", "").lstrip("#").strip().rstrip("：:")
            text = re.sub(r"^\d+\.\s", "", text) if line.lstrip().startswith("#") else text
            if not fenced and text:
                out.append(text)
        return out

    p1, p2, p3 = (prose(s) for s in secs)
    assert p1 == p2
    matcher = difflib.SequenceMatcher(a=p1, b=p3, autojunk=False)
    changed = [(tag, i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
               if tag != "equal"]
    assert all(tag == "replace" and n == m for tag, n, m in changed), changed
    return {"formulas": len(formulas[0]), "code_blocks": len(code[0]),
            "added_line": added.pop(), "reworded": sum(n for _, n, _ in changed)}


#: A row of the rendered errata tables: ``编号 判定 | 位置：原文写道 | 更正（见第 N 章）``.
ERRATA_HEADER = "| 编号 | 原文写道 | 更正 |"
_SOURCE = re.compile(r"（见(\{doc\}`[^`]+`)）$")


def errata_table() -> dict[str, list[str]]:
    """The errata tables as rendered from the notebook's Markdown output: item id -> its cells.

    The page shows one three-column table per section of the article; each row is split back
    into ``[id, where, quote, correction, source, verdict]`` (source is "—" when no chapter is
    linked), the columns of the one wide table the page used to show.
    """
    nb = nbformat.read(CHAPTERS / f"{NOTEBOOK}.ipynb", as_version=4)
    outputs = [out["data"]["text/markdown"] for cell in nb.cells for out in cell.get("outputs", [])
               if ERRATA_HEADER in out.get("data", {}).get("text/markdown", "")]
    assert len(outputs) == 1, f"expected one errata output in {NOTEBOOK}.ipynb: {len(outputs)}"
    rows, in_table = {}, False
    for line in outputs[0].splitlines():
        if line.startswith(ERRATA_HEADER):
            in_table = "header"
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        if in_table == "header":             # the alignment row
            in_table = True
            continue
        assert in_table, f"a table row outside an errata table: {line!r}"
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        item, verdict = cells[0].split(maxsplit=1)
        where, quote = cells[1].split("：", 1)
        match = _SOURCE.search(cells[2])
        fix, source = (cells[2][:match.start()], match.group(1)) if match else (cells[2], "—")
        assert item not in rows, f"item {item} appears twice"
        rows[item] = [item, where, quote, fix, source, verdict]
    assert rows, f"no errata rows found in {NOTEBOOK}.ipynb"
    return rows


def errata_records() -> dict[str, Item]:
    """The errata records the page renders (data/errata.toml): item id -> record."""
    return {item.id: item for group in load_errata() for item in group.items}


def table_counts() -> dict[str, int]:
    """The verdict counts, tallied from the records (the page's rows are the records:
    ``test_errata.test_page_rows_are_the_records_filled_in``), each section by its items' ids."""
    records = errata_records()
    kinds = {"错误": "n_errors", "不妥": "n_dubious", "无误": "n_correct"}
    counts = dict.fromkeys(kinds.values(), 0)
    for item in records.values():
        counts[kinds[item.verdict]] += 1
    groups = {"text": "0.", "s1": "1.", "s2": "2.", "s3": "3.", "s4": "4.", "s5": "5.",
              "s6": "6.", "refs": "R.", "s8": "8.", "s9": "9."}
    for key, prefix in groups.items():
        counts[f"n_errors_{key}"] = sum(item.verdict == "错误" for item in records.values()
                                        if item.id.startswith(prefix))
    return counts


def expected() -> dict[str, object]:
    exp = {f"errata_{k}": v for k, v in INDEPENDENT.items()}
    exp.update({f"errata_{k}": v for k, v in TEXT.items()})
    exp.update({f"errata_s345_{k}": v for k, v in sections_3_to_5_comparison().items()})
    exp.update({f"errata_{k}": v for k, v in table_counts().items()})
    return exp
