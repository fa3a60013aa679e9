"""The errata appendix (chapters/11-errata) shows correct values, and the bibliography is corrected.

Every numeric correction is recomputed here from its definition with the standard library and
NumPy only -- never through ``minidl`` -- and compared with what the executed book shows:

1. the glue record in the executed ``chapters/11-errata.ipynb`` (``errata_<name>``);
2. the text of the errata table as rendered from that notebook's Markdown output;
3. where a chapter shows the same quantity, the glue record in that chapter's executed notebook.

So a bug in ``minidl`` (the page recomputes with it when re-executed) or an edit of a chapter that
changes a shown value makes one of these tests fail.  Reference items are checked against
``references.bib`` with pybtex.  The counts on the index page are glued from the errata notebook
(``{glue:text}`chapters/11-errata.ipynb::key```), so they are checked against the table's rows and,
in the built site, against the rendered index page.
"""

from __future__ import annotations

import math
import re
from importlib.metadata import metadata, version

import nbformat
import numpy as np
import pytest
from pybtex.database import parse_file
from pybtex.richtext import Text

from bookfiles import CHAPTERS, ROOT, glue_records, toc_entries

ERRATA = CHAPTERS / "11-errata.ipynb"


def errata_table() -> dict[str, list[str]]:
    """The errata table as rendered from the notebook's Markdown output: item id -> its cells."""
    nb = nbformat.read(ERRATA, as_version=4)
    tables = [out["data"]["text/markdown"] for cell in nb.cells for out in cell.get("outputs", [])
              if out.get("data", {}).get("text/markdown", "").startswith("| 编号 |")]
    assert len(tables) == 1, f"expected one errata table in {ERRATA.name}, found {len(tables)}"
    rows = {}
    for line in tables[0].splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells[0].startswith("**"):        # a section heading row
            continue
        assert cells[0] not in rows, f"item {cells[0]} appears twice"
        rows[cells[0]] = cells
    return rows


@pytest.fixture(scope="module")
def glue():
    return glue_records(ERRATA)


@pytest.fixture(scope="module")
def table():
    return errata_table()


def chapter_glue(name):
    path = CHAPTERS / f"{name}.ipynb"
    assert path.exists(), f"{path.name} is missing; the errata table links to it"
    return glue_records(path)


# --------------------------------------------------------------------------- independent values
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def vec(a, digits=4):
    return "[" + ", ".join(f"{x:.{digits}f}" for x in np.ravel(a)) + "]"


X = np.array([1.0, 2.0])
THETA = np.array([[1.0, 2.0], [3.0, 4.0]])
T = np.array([0.9, 0.95])
Y_ART = np.array([0.8954, 0.9278])


def lstm_params(d_in, units):
    return 4 * (units * (d_in + units) + units)


def dense_params(d_in, units):
    return d_in * units + units


def independent_values() -> dict[str, float]:
    """Every value the errata page computes, from the definitions (NumPy and math only)."""
    v = {}
    z_h = THETA @ X
    v["thetaX_0"], v["thetaX_1"] = z_h
    for z in (1, 3, 10):
        v[f"sigma{z}"] = 1.0 / (1.0 + math.exp(-z))
    v["params_232"] = (2 * 3 + 3) + (3 * 2 + 2)
    v["params_article"] = 4 + 3
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
    v["sigma_prime_max"] = 0.25
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
    # the only k/n with n <= 64 (two batches of 32) within half a unit of 0.9063
    fractions = {(k // math.gcd(k, n), n // math.gcd(k, n)) for n in range(1, 65)
                 for k in range(n + 1) if abs(k / n - 0.9063) <= 0.00005}
    assert fractions == {(29, 32)}, fractions
    v["accuracy_numerator"], v["accuracy_denominator"] = 29, 32
    v["accuracy_fraction"] = 29 / 32
    # Python (and Keras's progress bar) rounds half to even: 0.90625 -> '0.9062'.  The smallest
    # number of images with an accuracy that prints as 0.9063: the first n with a k in
    # [0.90625 n, 0.90635 n), allowing for the tie at exactly 0.90625.
    n = 1
    while not any(f"{k / n:.4f}" == "0.9063" for k in range(math.ceil(0.90625 * n), n + 1)):
        n += 1
    v["fewest_images_for_09063"] = n
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
# text values: what `pip install tensorflow` gives today (the article asks for Python 3.7)
TEXT = {"tf_version": version("tensorflow"),
        "tf_requires_python": metadata("tensorflow")["Requires-Python"]}

# item id -> (value name, how the table shows it)
SHOWN = {
    "4.1": [("params_232", "共 {:d} 个参数"), ("params_article", "只给了 {:d} 个")],
    "4.2": [("thetaX_0", "[{:.0f}, "), ("thetaX_1", ", {:.0f}]")],
    "4.3": [("sigma3", "\\sigma(3) = {:.4f}"), ("sigma1", "\\sigma(1) = {:.4f}")],
    "4.4": [("sigma10", "\\sigma(10) = {:.5f}")],
    "4.11": [("sigma_prime_max", "\\le {:.2f}"), ("sigma_prime_zh_0", "[{:.6f}, "),
             ("sigma_prime_zh_1", ", {:.2e}]"), ("one_minus_sigma1", "1 - \\sigma(1) = {:.4f}")],
    "4.16": [("kl", "D_\\mathrm{{KL}} = {:.4f}"), ("entropy_difference", "熵之差为 {:.4f}")],
    "4.18": [("ce", "下为 {:.4f}"), ("ce_weight0_term", "-\\ln 0.9 = {:.4f}")],
    "4.19": [("ce_middle_step", "其值为 {:.4f}")],
    "4.20": [("mse", "= {:.4f}"), ("mse_as_written", "算得 {:.4f}")],
    "5.7": [("bce_label9", "损失已是 {:.2f}")],
    "5.9": [("eval_steps", "= {:d} 步")],
    "5.11": [("accuracy_numerator", "准确率是 {:d}/"), ("accuracy_denominator", "/{:d} = "),
             ("accuracy_fraction", "= {:.5f}"),
             ("fewest_images_for_09063", "至少要评估 {:d} 张图")],
    "5.12": [("article_model_params", "只有 {:,} 个参数"), ("article_model_vs_large", "的 {:.2%}")],
    "2.1": [("dense_2_3_params", "有 {:d} = 2×3 + 3")],
    "8.2": [("gpt3_fp16_gb", "就要 {:.0f} GB")],
    "2.2": [("bert_base_params", "BERT-Base 的 {:,} 个"), ("bert_block_share", "中 {:.1%} 属于")],
}
# vectors shown as "[a, b]" (4 decimals unless noted)
SHOWN_VECTORS = {
    "4.5": [("theta_article_h", 4)],
    "4.6": [("sigma_article_zo", 4)],
    "4.7": [("consistent_h", 4), ("consistent_zo", 4), ("consistent_yhat", 4)],
    "4.10": [("delta_o", 6)],
    "4.12": [("article_product", 4)],
}


# --------------------------------------------------------------------------- the errata page
def test_every_value_the_page_computes_is_checked_here(glue):
    page = {k.removeprefix("errata_") for k in glue if not k.startswith("errata_n_")}
    checked = set(INDEPENDENT) | set(TEXT)
    assert page == checked, (
        f"values glued by the errata page but not recomputed here: {sorted(page - checked)}; "
        f"recomputed here but no longer glued: {sorted(checked - page)}"
    )


def test_python_requirement_is_read_from_the_installed_tensorflow(glue, table):
    for name, value in TEXT.items():
        assert glue[f"errata_{name}"] == value
        assert value in table["5.3"][3], f"item 5.3 should show {value!r}"
    assert not re.search(r"3\.[0-7]\b", TEXT["tf_requires_python"]), "3.7 would be enough again"


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_glued_value_equals_independent_recomputation(glue, name):
    shown, expected = glue[f"errata_{name}"], INDEPENDENT[name]
    assert shown == pytest.approx(expected, rel=1e-12, abs=1e-15), (
        f"errata page glues {name} = {shown!r}, but from its definition it is {expected!r}"
    )


@pytest.mark.parametrize("item", sorted(SHOWN))
def test_table_shows_the_independent_value(table, item):
    text = " ".join(table[item])
    for name, fmt in SHOWN[item]:
        value = INDEPENDENT[name]
        if "d}" in fmt or "{:," in fmt:
            value = int(round(value))
        expected = fmt.format(value)
        assert expected in text, (
            f"item {item} should show {expected!r} ({name}); its row is:\n{text}")


@pytest.mark.parametrize("item", sorted(SHOWN_VECTORS))
def test_table_shows_the_independent_vector(table, item):
    text = " ".join(table[item])
    for name, digits in SHOWN_VECTORS[item]:
        expected = vec([INDEPENDENT[f"{name}_0"], INDEPENDENT[f"{name}_1"]], digits)
        assert expected in text, f"item {item} should show {expected} ({name}); its row is:\n{text}"


def test_delta_h_is_shown_in_scientific_notation(table):
    text = " ".join(table["4.12"])
    expected = f"[{INDEPENDENT['delta_h_0']:.2e}, {INDEPENDENT['delta_h_1']:.2e}]"
    assert expected in text, f"item 4.12 should show delta_h = {expected}; its row is:\n{text}"


def test_parameter_counts_of_gpt3_and_bert_are_shown_in_chinese_units(table):
    text = " ".join(table["1.3"])
    gpt3, bert = INDEPENDENT["gpt3_params"], INDEPENDENT["bert_base_params"]
    assert f"GPT-3 有 {gpt3 / 1e8:.4g} 亿" in text, text
    assert f"BERT-Base 有 {bert / 1e8:.4g} 亿" in text, text
    assert 1e8 <= bert < gpt3 < 1e12, "the article's examples must lie in its 数亿至数千亿 range"


def test_counts_agree_with_the_table(glue, table):
    verdicts = [cells[5] for cells in table.values()]
    n_err = sum(v.startswith("错误") for v in verdicts)
    n_dub = sum(v.startswith("不妥") for v in verdicts)
    n_ok = sum(v.startswith("无误") for v in verdicts)
    assert n_err + n_dub + n_ok == len(verdicts), f"unknown verdicts: {set(verdicts)}"
    assert (glue["errata_n_errors"], glue["errata_n_dubious"], glue["errata_n_correct"]) == (
        n_err, n_dub, n_ok)
    beyond = sum("审计之外" in v and not v.startswith("无误") for v in verdicts)
    assert glue["errata_n_beyond_audit"] == beyond
    by_item = dict(zip(table, verdicts, strict=True))
    s4 = sum(v.startswith("错误") for k, v in by_item.items() if k.startswith("4."))
    s5 = sum(v.startswith("错误") for k, v in by_item.items() if k.startswith("5."))
    assert (glue["errata_n_errors_s4"], glue["errata_n_errors_s5"]) == (s4, s5)


def test_every_row_links_to_a_chapter_in_the_book(table):
    listed = set(toc_entries())
    for item, cells in table.items():
        for target in re.findall(r"\{doc\}`[^<`]*<([^>]+)>`", cells[4]):
            assert f"chapters/{target}" in listed, f"item {item} links to {target}, not in _toc.yml"
        if cells[5].startswith("错误") and not cells[0].startswith("0."):
            assert "{doc}" in cells[4], f"item {item} has no link to the chapter that shows it"


def test_index_glues_the_counts_instead_of_typing_them():
    index = (ROOT / "index.md").read_text(encoding="utf-8")
    for key in ("errata_n_errors", "errata_n_dubious", "errata_n_errors_s4", "errata_n_errors_s5"):
        assert f"chapters/11-errata.ipynb::{key}:d" in index, f"index.md does not glue {key}"
    paragraph = index[index.index("## 勘误"):index.index("## 如何阅读")]
    assert not re.search(r"\d+\s*处", re.sub(r"\{glue:text\}`[^`]+`", "", paragraph)), (
        "index.md types an errata count; glue it from chapters/11-errata.ipynb instead"
    )


# --------------------------------------------------------------------------- the chapters
def resnet50_keras_params() -> int:
    """keras.applications.ResNet50 (biased convolutions, 4 BN numbers per channel, 1000 classes)."""
    def conv(k, c_in, c_out):
        return k * k * c_in * c_out + c_out

    n, c_in = conv(7, 3, 64) + 4 * 64, 64
    for blocks, f in zip((3, 4, 6, 3), (64, 128, 256, 512), strict=True):
        for b in range(blocks):
            if b == 0:
                n += conv(1, c_in, 4 * f) + 4 * 4 * f
            n += conv(1, c_in, f) + conv(3, f, f) + conv(1, f, 4 * f) + 4 * (f + f + 4 * f)
            c_in = 4 * f
    return n + dense_params(2048, 1000)


def test_chapter1_vision_models_are_below_the_article_threshold():
    g = chapter_glue("01-background")
    assert g["ch1_resnet50_params"] == resnet50_keras_params()
    # EfficientNet-B0: 5.3M in Tan & Le (2019), table 2.
    assert round(g["ch1_effb0_params"] / 1e6, 1) == 5.3
    assert g["ch1_resnet50_params"] < 1e8 and g["ch1_effb0_params"] < 1e8


def test_chapter2_and_9_show_the_same_parameter_counts():
    g2, g9 = chapter_glue("02-concepts"), chapter_glue("09-faq")
    n = INDEPENDENT["article_model_params"]
    assert g2["ch2_article_params"] == g9["ch9_article_params"] == n
    assert g2["ch2_dense_count"] == INDEPENDENT["dense_2_3_params"]
    assert g2["ch2_bert_base_total"] == INDEPENDENT["bert_base_params"]
    assert g2["ch2_bert_block_share"] == pytest.approx(INDEPENDENT["bert_block_share"], rel=1e-12)


def test_chapter6_medical_backbones_are_below_the_article_threshold(table):
    g = chapter_glue("06-applications")
    # Keras's applications table lists the full models (1000-class top) as 23.9M and 8.1M.
    assert round((g["ch6_inception_params"] + dense_params(2048, 1000)) / 1e6, 1) == 23.9
    assert round((g["ch6_densenet_params"] + dense_params(1024, 1000)) / 1e6, 1) == 8.1
    assert max(g["ch6_inception_params"], g["ch6_densenet_params"]) < 1e8
    assert g["ch6_dalle_zh"] == "120 亿"          # 12B parameters (Ramesh et al., 2021)
    for key in ("ch6_inception_params", "ch6_densenet_params"):
        assert f"06-applications.ipynb::{key}:," in table["6.3"][3]
    assert "06-applications.ipynb::ch6_dalle_zh:s" in table["6.2"][3]


def test_chapter8_quantisation_row_pastes_chapter8_values(table):
    g = chapter_glue("08-trends")
    assert 0.25 <= g["ch8_int8pc_ratio"] < 0.3    # int8 weights: a quarter, plus scales and biases
    assert abs(g["ch8_acc_int8pc"] - g["ch8_acc_fp32"]) < 0.02
    for key in ("ch8_int8pc_ratio", "ch8_acc_fp32", "ch8_acc_int8pc"):
        assert f"08-trends.ipynb::{key}:" in table["8.1"][3]


def test_chapter5_shows_the_same_values():
    g = chapter_glue("05-lstm-mnist")
    assert g["ch5_mnist_test_steps"] == INDEPENDENT["eval_steps"]
    assert g["ch5_article_params"] == INDEPENDENT["article_model_params"]
    # chapter 5 asks Keras (float32) for the same binary cross-entropy
    assert g["ch5_bce_negative"] == pytest.approx(INDEPENDENT["bce_label9"], abs=1e-3)
    assert g["ch5_near_fraction"] == "29/32"
    assert g["ch5_near_value"] == INDEPENDENT["accuracy_fraction"]
    assert g["ch5_keras_prints"] == f"{29 / 32:.4f}" == "0.9062"
    assert g["ch5_fewest_images"] == INDEPENDENT["fewest_images_for_09063"]


def test_chapter5_values_pasted_into_the_table(table):
    g = chapter_glue("05-lstm-mnist")
    # exact values are checked in tests/book/independent/ch05.py; here: the table pastes them
    assert g["ch5_binary_ceiling"] == g["ch5_n01"] / g["ch5_n_test"]
    assert g["ch5_article_lowest_zh"].startswith("-")   # BCE with labels above 1 goes negative
    assert g["ch5_relu_h200"] > 1e3 > 1 > g["ch5_tanh_h200"]
    assert g["ch5_distinct_values"] > 2               # grey levels, not a binary encoding
    pasted = {"5.4": ["ch5_distinct_values:"], "5.6": ["ch5_relu_h200_zh:", "ch5_growth_steps:"],
              "5.7": ["ch5_article_lowest_zh:"],
              "5.10": ["ch5_binary_ceiling:", "ch5_n01:", "ch5_n_test:"]}
    for item, keys in pasted.items():
        for key in keys:
            assert f"05-lstm-mnist.ipynb::{key}" in table[item][3], (
                f"item {item} should paste {key}")


CH4_SCALARS = {
    "ch4_thetaX_0": "thetaX_0", "ch4_thetaX_1": "thetaX_1", "ch4_sigma1": "sigma1",
    "ch4_sigma3": "sigma3", "ch4_sigma10": "sigma10", "ch4_sigma_prime_max": "sigma_prime_max",
    "ch4_one_minus_sigma1": "one_minus_sigma1", "ch4_n_params_232": "params_232",
    "ch4_ce_article_example": "ce", "ch4_ce_weight0_term": "ce_weight0_term",
    "ch4_ce_article_middle": "ce_middle_step", "ch4_mse_article_example": "mse",
    "ch4_mse_half_sum": "mse", "ch4_mse_literal": "mse_as_written", "ch4_kl_article": "kl",
    "ch4_entropy_q_article": "entropy_difference",
}
CH4_VECTORS = {  # chapter 4 glues these as printed arrays
    "ch4_theta_times_article_h": "theta_article_h", "ch4_sigma_article_zo": "sigma_article_zo",
    "ch4_theta_net_h": "consistent_h", "ch4_theta_net_yhat": "consistent_yhat",
    "ch4_delta_o_correct": "delta_o",
}


@pytest.mark.parametrize("key", sorted(CH4_SCALARS))
def test_chapter4_shows_the_same_value(key):
    g = chapter_glue("04-math")
    assert g[key] == pytest.approx(INDEPENDENT[CH4_SCALARS[key]], abs=1e-9), (
        f"chapter 4 glues {key} = {g[key]!r}; "
        f"the errata table shows {INDEPENDENT[CH4_SCALARS[key]]!r}"
    )


@pytest.mark.parametrize("key", sorted(CH4_VECTORS))
def test_chapter4_shows_the_same_vector(key):
    text = chapter_glue("04-math")[key]
    shown = np.array([float(x) for x in re.findall(r"-?\d+\.\d+(?:e[-+]\d+)?", text)])
    name = CH4_VECTORS[key]
    expected = np.array([INDEPENDENT[f"{name}_0"], INDEPENDENT[f"{name}_1"]])
    decimals = max(len(x.split(".")[1]) for x in re.findall(r"\d+\.\d+", text))
    half_unit = 0.51 * 10.0 ** -decimals
    assert shown.shape == (2,) and np.allclose(shown, expected, rtol=0, atol=half_unit), (
        f"chapter 4 shows {key} = {shown}; recomputed {expected}"
    )


def test_chapter4_gradient_step_with_the_article_sign_increases_the_loss(table):
    """Chapter 4's 2-3-2 network: one step of 0.5 with (ŷ - t) and with the article's (t - ŷ)."""
    W1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    W2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    b1, b2 = np.zeros(3), np.zeros(2)

    def loss_and_grads(W1, b1, W2, b2):
        h = sigmoid(X @ W1 + b1)
        y = sigmoid(h @ W2 + b2)
        d_o = (y - T) * y * (1 - y)
        d_h = (W2 @ d_o) * h * (1 - h)
        return 0.5 * np.sum((y - T) ** 2), (np.outer(X, d_h), d_h, np.outer(h, d_o), d_o)

    loss0, grads = loss_and_grads(W1, b1, W2, b2)
    params = (W1, b1, W2, b2)
    down = loss_and_grads(*(p - 0.5 * g for p, g in zip(params, grads, strict=True)))[0]
    up = loss_and_grads(*(p + 0.5 * g for p, g in zip(params, grads, strict=True)))[0]
    g = chapter_glue("04-math")
    assert g["ch4_loss_before_step"] == pytest.approx(loss0, abs=1e-9)
    assert g["ch4_loss_after_correct_step"] == pytest.approx(down, abs=1e-9)
    assert g["ch4_loss_after_article_step"] == pytest.approx(up, abs=1e-9)
    assert down < loss0 < up
    row = table["4.13"][3]
    for key in ("ch4_loss_before_step", "ch4_loss_after_article_step",
                "ch4_loss_after_correct_step"):
        assert f"04-math.ipynb::{key}:.6f" in row, f"item 4.13 does not paste {key} from chapter 4"


# --------------------------------------------------------------------------- references
@pytest.fixture(scope="module")
def bib():
    return parse_file(ROOT / "references.bib")


def _text(s):
    return Text.from_latex(s).render_as("text")


def _last_names(entry):
    return [_text(" ".join(p.last_names)) for p in entry.persons["author"]]


# item -> (bib key, author last names (first ones), title, year)
REFERENCES = {
    "R.1": ("chollet2017deep", ["Chollet"], "Deep Learning with Python", "2017"),
    "R.2": ("kingma2014auto", ["Kingma", "Welling"], "Auto-Encoding Variational Bayes", "2014"),
    "R.3": ("tan2019efficientnet", ["Tan", "Le"],
            "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks", "2019"),
    "R.4": ("brown2020language", ["Brown"], "Language Models are Few-Shot Learners", "2020"),
    "R.5": ("howard2020deep", ["Howard", "Gugger"],
            "Deep Learning for Coders with fastai and PyTorch: AI Applications Without a PhD",
            "2020"),
    "R.6": ("goodfellow2016deep", ["Goodfellow", "Bengio", "Courville"], "Deep Learning", "2016"),
    "R.7": ("vaswani2017attention", ["Vaswani", "Shazeer"], "Attention Is All You Need", "2017"),
    "R.8": ("geron2019hands", ["Géron"],
            "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow", "2019"),
}


@pytest.mark.parametrize("item", sorted(REFERENCES))
def test_bibliography_holds_the_corrected_reference(bib, table, item):
    key, authors, title, year = REFERENCES[item]
    entry = bib.entries[key]
    assert _last_names(entry)[: len(authors)] == authors
    assert _text(entry.fields["title"]) == title
    assert entry.fields["year"] == year
    assert f"{{cite}}`{key}`" in table[item][3], f"item {item} does not cite {key}"
    assert title in table[item][3], f"item {item} does not show the corrected title {title!r}"


def test_bibliography_fixes_the_wrong_attributions(bib):
    assert "Liu" not in _last_names(bib.entries["tan2019efficientnet"])
    assert not _text(bib.entries["brown2020language"].fields["title"]).startswith("GPT-3")
    assert bib.entries["kingma2014auto"].fields["eprint"] == "1312.6114"
    course = bib.entries["fastai2022course"]
    assert course.type == "misc" and _last_names(course) == ["Howard"]
    assert "Ng" not in _last_names(course) + _last_names(bib.entries["howard2020deep"])
    assert all("Theoretical Analysis of the VAE" not in _text(e.fields.get("title", ""))
               for e in bib.entries.values())


# --------------------------------------------------------------------------- the built site
def _visible_text(html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def test_site_index_and_table_show_the_glued_values(built_site, glue):
    index = _visible_text((built_site / "index.html").read_text(encoding="utf-8"))
    assert f"共 {glue['errata_n_errors']} 处错误" in index
    assert f"第 4 节的数学推导占 {glue['errata_n_errors_s4']} 处" in index
    page = _visible_text((built_site / "chapters" / "11-errata.html").read_text(encoding="utf-8"))
    g4 = chapter_glue("04-math")
    assert f"{g4['ch4_loss_after_article_step']:.6f}" in page   # pasted from chapter 4
    g1 = chapter_glue("01-background")
    assert f"{g1['ch1_resnet50_params']:,}" in page             # pasted from chapter 1
    assert f"{INDEPENDENT['sigma3']:.4f}" in page
