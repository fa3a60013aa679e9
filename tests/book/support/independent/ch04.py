"""Chapter 4 (04-math), recomputed without minidl or the chapter's code.

Plain NumPy for the 2-3-2 network's forward and backward pass (written out from the chain rule,
entry by entry where that is clearer), exact fractions for the parameter counts and sigma'(0),
sympy for the derivatives, and the article's printed numbers typed from the article itself.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import sympy as sp

NOTEBOOK = "04-math"

_SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _numbers(text: str) -> list[float]:
    """The numbers of a glued string: '[0.5000, 1.1000]', '[-2.21 × 10⁻⁴, 6.65 × 10⁻³]'."""
    text = text.translate(_SUP)
    found = re.findall(r"(-?\d+(?:\.\d+)?)(?: × 10(-?\d+))?", text)
    return [float(m) * (10.0 ** int(e) if e else 1.0) for m, e in found]


def shown(values, digits: int = 4, sig: bool = False):
    """Check a glued vector string against ``values`` to half a unit of its last shown digit."""
    want = np.ravel(np.asarray(values, dtype=float))

    def check(stored, glued):
        got = np.array(_numbers(stored))
        assert got.shape == want.shape, f"{stored!r}: {got.size} numbers, expected {want.size}"
        if sig:   # `digits` significant digits (format_sci_zh)
            tol = np.array([0.51 * 10.0 ** (math.floor(math.log10(abs(w))) - digits + 1)
                            for w in want])
        else:
            tol = 0.51 * 10.0 ** -digits
        assert np.all(np.abs(got - want) <= tol), f"{stored!r} shows {got}, recomputed {want}"

    return check


def sig(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


X = np.array([1.0, 2.0])
T = np.array([0.9, 0.95])
W1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
W2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
THETA = np.array([[1.0, 2.0], [3.0, 4.0]])
ARTICLE_MATRIX = np.array([[0.2689, 0.4714], [0.4714, 0.7311]])


def network(W1, b1, W2, b2):
    """Forward pass and hand-written backprop, loops over entries (no matrix identities)."""
    z_h = np.array([sum(X[i] * W1[i, j] for i in range(2)) + b1[j] for j in range(3)])
    h = sig(z_h)
    z_o = np.array([sum(h[j] * W2[j, k] for j in range(3)) + b2[k] for k in range(2)])
    y = sig(z_o)
    loss = 0.5 * sum((y[k] - T[k]) ** 2 for k in range(2))
    d_o = np.array([(y[k] - T[k]) * y[k] * (1 - y[k]) for k in range(2)])
    dL_dh = np.array([sum(d_o[k] * W2[j, k] for k in range(2)) for j in range(3)])
    d_h = dL_dh * h * (1 - h)
    grads = {"W1": np.array([[X[i] * d_h[j] for j in range(3)] for i in range(2)]), "b1": d_h,
             "W2": np.array([[h[j] * d_o[k] for k in range(2)] for j in range(3)]), "b2": d_o}
    return dict(z_h=z_h, h=h, z_o=z_o, y=y, loss=loss, d_o=d_o, dL_dh=dL_dh, d_h=d_h,
                grads=grads)


def expected() -> dict[str, object]:
    v: dict[str, object] = {}
    b1, b2 = np.zeros(3), np.zeros(2)
    n = network(W1, b1, W2, b2)
    v["ch4_n_params_net"] = 2 * 3 + 3 + 3 * 2 + 2
    v["ch4_n_params_232"] = 17
    v["ch4_net_Zh"] = shown(n["z_h"])
    v["ch4_zh_1"] = 1 * 0.1 + 2 * 0.2
    v["ch4_net_h"] = shown(n["h"])
    v["ch4_net_Zo"] = shown(n["z_o"])
    v["ch4_net_yhat"] = shown(n["y"])
    v["ch4_loss_232"] = n["loss"]
    v["ch4_net_dL_dyhat"] = shown(n["y"] - T)
    v["ch4_net_delta_o"] = shown(n["d_o"])
    v["ch4_net_dL_dh"] = shown(n["dL_dh"])
    v["ch4_net_sigma_prime_zh"] = shown(n["h"] * (1 - n["h"]))
    v["ch4_net_delta_h"] = shown(n["d_h"])
    for name, g in n["grads"].items():
        v[f"ch4_net_grad_{name}"] = shown(g)

    # finite-difference check of the hand-written gradients (independent of the chapter)
    for name, g in n["grads"].items():
        params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        fd = np.zeros_like(g)
        for idx in np.ndindex(g.shape):
            plus, minus = ({k: p.copy() for k, p in params.items()} for _ in range(2))
            plus[name][idx] += 1e-6
            minus[name][idx] -= 1e-6
            fd[idx] = (network(**plus)["loss"] - network(**minus)["loss"]) / 2e-6
        assert np.allclose(fd, g, rtol=1e-6, atol=1e-10), name

    zsym = sp.Symbol("z", real=True)
    d_sigma = sp.diff(1 / (1 + sp.exp(-zsym)), zsym)
    v["ch4_sigma_prime_max"] = 0.25
    v["ch4_ex_sigma_prime_0"] = str(sp.simplify(d_sigma.subs(zsym, 0)))
    assert Fraction(v["ch4_ex_sigma_prime_0"]) == Fraction(1, 4)
    v["ch4_tol_exact"] = "1 × 10⁻¹²"
    v["ch4_tol_fd"] = "1 × 10⁻⁸"

    alpha = 0.5
    v["ch4_alpha"] = alpha
    down = network(*(p - alpha * n["grads"][k] for k, p in
                     (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))))["loss"]
    up = network(*(p + alpha * n["grads"][k] for k, p in
                   (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))))["loss"]
    assert down < n["loss"] < up
    v["ch4_loss_before_step"] = n["loss"]
    v["ch4_loss_after_correct_step"] = down
    v["ch4_loss_after_article_step"] = up

    # the article's θ used consistently in both layers (column-vector form: θ x)
    z_h_t = THETA @ X
    h_t = sig(z_h_t)
    y_t = sig(THETA @ h_t)
    d_o_t = (y_t - T) * y_t * (1 - y_t)
    back_t = THETA.T @ d_o_t                      # W2ᵀ δ_o in column form, W2 = θ
    d_h_t = back_t * h_t * (1 - h_t)
    v["ch4_theta_net_Zh"] = "[5, 11]"
    v["ch4_theta_net_h"] = shown(h_t)
    v["ch4_theta_net_yhat"] = shown(y_t)
    v["ch4_theta_net_delta_h"] = shown(d_h_t, 3, sig=True)
    v["ch4_theta_net_ratio"] = np.abs(n["d_h"]).max() / np.abs(d_h_t).max()
    v["ch4_ex_sat_back"] = shown(back_t)
    v["ch4_ex_sat_sigma_prime"] = shown(h_t * (1 - h_t), 3, sig=True)

    q = np.array([0.9, 0.1])
    v["ch4_entropy_q_article"] = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))
    v["ch4_kl_article"] = math.log(1 / 0.1)
    v["ch4_ce_article_example"] = -math.log(0.1)
    v["ch4_mse_article_example"] = ((0 - 0.9) ** 2 + (1 - 0.1) ** 2) / 2
    v["ch4_mse_half_sum"] = 0.5 * ((0 - 0.9) ** 2 + (1 - 0.1) ** 2)
    v["ch4_mse_literal"] = 0.5 * (0 - 0.9) ** 2 + (1 - 0.1) ** 2
    v["ch4_mse_max"] = 1.0                        # (1 - p)² at p = 0
    v["ch4_ce_weight0_term"] = -math.log(0.9)
    v["ch4_ce_article_middle"] = -(math.log(0.9) + math.log(0.1))
    v["ch4_ce_log10"] = 1.0
    assert q.sum() == 1.0

    def shape_error(stored, glued):
        assert "(3,)" in stored and "(2, 2)" in stored, stored

    v["ch4_article_shape_error"] = shape_error
    v["ch4_n_params_article"] = 4 + 3 + 2          # θ, the hidden bias, the output bias [0, 0]
    v["ch4_thetaX"] = "[5, 11]"
    v["ch4_thetaX_0"], v["ch4_thetaX_1"] = 5.0, 11.0
    v["ch4_sigma1"] = 1 / (1 + math.exp(-1))
    v["ch4_sigma3"] = 1 / (1 + math.exp(-3))
    v["ch4_sigma10"] = 1 / (1 + math.exp(-10))
    v["ch4_logit_09512"] = math.log(0.9512 / 0.0488)
    v["ch4_one_minus_sigma1"] = 1 - v["ch4_sigma1"]
    v["ch4_theta_times_article_h"] = shown(THETA @ np.array([0.7311, 0.9512]))
    v["ch4_sigma_article_zo"] = shown(sig([2.4604, 4.0567]))
    y_art = np.array([0.8954, 0.9278])
    v["ch4_delta_o_subtraction"] = shown(T - y_art)
    d_o_art = (y_art - T) * y_art * (1 - y_art)
    v["ch4_delta_o_correct"] = shown(d_o_art, 6)
    s_art = sig([3.0, 10.0]) * (1 - sig([3.0, 10.0]))
    v["ch4_sigma_prime_zh"] = shown(s_art, 3, sig=True)
    v["ch4_n_above_quarter"] = sum(1 for a in ARTICLE_MATRIX.ravel() if a > 0.25)
    v["ch4_sigma_prime_theta_product"] = shown(np.array(
        [[s_art[j] * THETA[i, j] for i in range(2)] for j in range(2)]))   # diag(s) θᵀ
    v["ch4_delta_h_article_product"] = shown(np.array([0.0046, 0.0222]) @ ARTICLE_MATRIX)
    v["ch4_delta_h_correct"] = shown((THETA.T @ d_o_art) * s_art, 3, sig=True)

    # the article's ten printed results, recomputed from its own inputs as it writes them
    redo = [(THETA @ X, [3, 10]), (sig(3.0), 0.7311), (sig(10.0), 0.9512),
            (THETA @ np.array([0.7311, 0.9512]), [2.4604, 4.0567]),
            (sig([2.4604, 4.0567]), [0.8954, 0.9278]), (T - y_art, [0.0046, 0.0222]),
            (s_art, ARTICLE_MATRIX),
            (np.array([0.0046, 0.0222]) @ ARTICLE_MATRIX, [0.0013, 0.0114]),
            (-math.log(0.1), 0.1054), (v["ch4_mse_literal"], 0.0225)]
    v["ch4_claims_total"] = len(redo)
    v["ch4_claims_hold"] = sum(np.shape(a) == np.shape(b) and
                               bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= 5.01e-5))
                               for a, b in redo)
    assert v["ch4_claims_hold"] == 1

    # exercises
    h1 = sig(X[0] * W1[0, 0] + X[1] * W1[1, 0])
    v["ch4_ex_dw1_21"] = X[1] * h1 * (1 - h1) * (W2[0, 0] * n["d_o"][0] + W2[0, 1] * n["d_o"][1])
    x2 = np.array([[1.0, 2.0], [2.0, 1.0]])
    t2 = np.array([[0.9, 0.95], [0.1, 0.2]])
    per = []
    for xs, ts in zip(x2, t2, strict=True):
        h = sig(xs @ W1)
        y = sig(h @ W2)
        per.append(np.outer(h, (y - ts) * y * (1 - y)))
    v["ch4_ex_batch_dW2"] = shown((per[0] + per[1]) / 2)
    zo = n["z_o"]
    bce = lambda z: -np.sum(T * np.log(sig(z)) + (1 - T) * np.log(1 - sig(z)))  # noqa: E731
    fd = np.array([(bce(zo + e) - bce(zo - e)) / 2e-6 for e in np.eye(2) * 1e-6])
    assert np.allclose(fd, n["y"] - T, rtol=1e-6)
    v["ch4_ex_ce_delta_o"] = shown(n["y"] - T)

    # σ' <= 1/4 is one factor: with W2 ten times larger, δ1 is not a quarter of δ2 or less.
    # Recomputed with the network() loops above and the spectral norm from the eigenvalues of
    # W2 W2ᵀ (not numpy's 2-norm).
    def shrink(factor):
        m = network(W1, b1, factor * W2, b2)
        return math.sqrt(sum(d * d for d in m["d_h"])) / math.sqrt(sum(d * d for d in m["d_o"]))

    v["ch4_shrink_w2"] = shrink(1.0)
    v["ch4_shrink_w2_times10"] = shrink(10.0)
    assert round(v["ch4_shrink_w2_times10"], 2) == 0.59 and v["ch4_shrink_w2"] < 0.25
    v["ch4_w2_factor"] = 10
    v["ch4_w2_spectral"] = math.sqrt(max(np.linalg.eigvalsh(W2.T @ W2)))
    assert v["ch4_shrink_w2"] <= 0.25 * v["ch4_w2_spectral"]

    # Memory: what training keeps for the backward pass vs what inference keeps at once.
    # The article's model: three LSTM(128) over 28 steps of 28 pixels, Dense(1); Keras counts
    # 4u(d + u + 1) per LSTM layer.
    lstm = lambda d, u: 4 * u * (d + u + 1)                       # noqa: E731
    p_art = lstm(28, 128) + 2 * lstm(128, 128) + 128 + 1
    kept = 28 * 28 + 3 * 28 * (4 + 1 + 1) * 128 + 1               # x, gates + C + H per step, ŷ
    live = 28 * 128 + 28 * 128
    train, infer = (4 * p_art + 32 * kept) * 4, (p_art + 32 * live) * 4
    v["ch4_mem_kept_small"] = 2 + 3 + 2
    v["ch4_mem_kept_lstm"] = kept
    v["ch4_mem_live_lstm"] = live
    v["ch4_mem_batch_article"] = 32
    v["ch4_mem_train_lstm_mb"] = train / 1e6
    v["ch4_mem_infer_lstm_mb"] = infer / 1e6
    v["ch4_mem_ratio_lstm"] = Fraction(train, infer).__float__()
    v["ch4_mem_activation_share"] = Fraction(32 * kept * 4, train).__float__()

    def figure(stored, glued):
        assert isinstance(stored, str) and stored.startswith("<Figure size"), stored

    v["ch4_fig_graph"] = figure
    v["ch4_fig_graph_grad"] = figure
    return v
