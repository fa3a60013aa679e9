"""minidl.symbolic: every derivative three ways — sympy (symbolic) = minidl (analytic) =
finite differences (numerical) — at random points, and sympy proves each closed form."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from minidl import activations as A
from minidl import losses as L
from minidl import symbolic as S
from minidl.gradcheck import numerical_gradient, relative_error
from minidl.network import MLP

SETTINGS = settings(max_examples=30, deadline=None)
seeds = st.integers(0, 2**32 - 1)


@cache
def derivation(name: str, *args):
    return getattr(S, name)(*args)


@cache
def network(n_in, n_hidden, n_out, acts, loss):
    return S.two_layer_network_gradients(n_in, n_hidden, n_out, activations=acts, loss=loss)


@cache
def network_fns(n_in, n_hidden, n_out, acts, loss):
    d = network(n_in, n_hidden, n_out, acts, loss)
    return d.lambdify("gradients"), d.lambdify("backprop"), d.lambdify("loss"), d.lambdify(
        "forward"
    )


# ------------------------------------------------------------------------- sympy proves each one
@pytest.mark.parametrize(
    "name,args",
    [
        ("sigmoid_derivative", ()),
        ("tanh_derivative", ()),
        ("relu_derivative", ()),
        ("softmax_cross_entropy_gradient", (2,)),
        ("softmax_cross_entropy_gradient", (3,)),
        ("sigmoid_bce_gradient", ()),
        ("mse_gradient", (3, "mean")),
        ("mse_gradient", (3, "half_sum")),
    ],
)
def test_sympy_proves_the_closed_form(name, args):
    assert derivation(name, *args).holds()


def test_sympy_proves_backprop_equals_the_chain_rule_for_the_2_3_2_network():
    assert network(2, 3, 2, ("sigmoid", "sigmoid"), "half_sum_squares").holds()
    assert network(3, 2, 1, ("tanh", "linear"), "mse").holds()


def test_a_wrong_closed_form_is_rejected():
    """holds() is not vacuous: the article's δ_o = y − σ(Z_o) sign, for instance, fails."""
    d = derivation("sigmoid_bce_gradient")
    wrong = S.Derivation(
        name=d.name, variables=d.variables, wrt=d.wrt, function=d.function,
        derivative=d.derivative, closed_form=d.variables[1] - S.sigma(d.wrt),
    )
    assert not wrong.holds()


def test_softmax_ce_gradient_is_p_sum_y_minus_y_without_the_label_condition():
    d = derivation("softmax_cross_entropy_gradient", 3)
    p = sp.Matrix(list(d.definitions.values()))
    y = sp.Matrix(d.variables[3:])
    raw = d.derivative - (p * sum(y) - y)
    assert all(sp.simplify(e) == 0 for e in raw)


def test_sigmoid_derivative_peaks_at_a_quarter_and_relu_differs_from_sympy_only_at_the_kink():
    f = derivation("sigmoid_derivative").lambdify()
    assert f(0.0) == 0.25
    d = derivation("relu_derivative")
    assert d.derivative == sp.Heaviside(d.wrt)
    z = np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])
    ours = A.relu_grad(z)
    sympys = np.array([float(d.derivative.subs(d.wrt, v)) for v in z])
    np.testing.assert_array_equal(ours[z != 0], sympys[z != 0])
    assert (ours[z == 0], sympys[z == 0]) == (0.0, 0.5)   # minidl/TF: 0; Heaviside(0) = 1/2


def test_latex_shows_the_closed_forms():
    assert derivation("sigmoid_derivative").latex() == (
        r"\frac{\partial \sigma}{\partial z} = "
        r"\left(1 - \sigma\left(z\right)\right) \sigma\left(z\right)"
    )
    assert "p_{1} - y_{1}" in derivation("softmax_cross_entropy_gradient", 3).latex()
    net = network(2, 3, 2, ("sigmoid", "sigmoid"), "half_sum_squares")
    assert r"\sigma\left(z^{o}_{1}\right)" in sp.latex(net.readable["delta_o"])
    assert net.symbols["W1"].shape == (2, 3) and net.symbols["W2"].shape == (3, 2)
    assert sp.latex(net.symbols["W1"][0, 1]) == "W^{(1)}_{12}"


@pytest.mark.parametrize("activations", [("sigmoid", "sigmoid"), ("tanh", "linear")])
def test_in_book_notation_speaks_chapter_4s_symbols_and_keeps_the_value(activations):
    """Chapter 4 writes Z_1, H_1, ŷ, y, W_1, W_2: no t, z^h, z^o or W^(l) may be left over."""
    net = network(2, 3, 2, activations, "half_sum_squares")
    expr = net.readable["W1"][0, 0]
    book = net.in_book_notation(expr)
    text = sp.latex(book)
    for internal in ("t_{", "z^{", "W^{(", r"\sigma", r"\tanh"):
        assert internal not in text, (internal, text)
    assert "W_{2,11}" in text and "y_{1}" in text and "x_{1}" in text
    if activations[0] == "sigmoid":
        assert "H_{1,1}" in text and r"\hat{y}_{1}" in text
    # Same value: substitute numbers for the book's symbols and for the originals.
    rng = np.random.default_rng(0)
    values = {s: rng.normal() for s in expr.free_symbols}
    zh, zo = net.readable["Z_h"], net.readable["Z_o"]
    f = {"sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "tanh": sp.tanh, "linear": lambda z: z}
    by_name = {sp.latex(k): v for k, v in values.items()}
    book_values = {}
    for s in book.free_symbols:
        name = sp.latex(s)
        if name.startswith("H_{1,"):
            book_values[s] = f[activations[0]](values.get(zh[int(name[5]) - 1], 0.0))
        elif name.startswith(r"\hat{y}"):
            book_values[s] = f[activations[1]](values.get(zo[int(name[-2]) - 1], 0.0))
        elif name.startswith("Z_{"):
            z = (zh if name[3] == "1" else zo)[int(name[5]) - 1]
            book_values[s] = values[z]
        elif name.startswith("y_{"):
            book_values[s] = by_name["t_{" + name[3:]]
        elif name.startswith("W_{"):
            book_values[s] = by_name["W^{(" + name[3] + ")}_{" + name[5:]]
        else:
            book_values[s] = by_name[name]
    original = float(expr.rewrite(sp.exp).subs(values)) if activations[0] == "sigmoid" else \
        float(expr.subs(values))
    assert float(book.subs(book_values)) == pytest.approx(original, rel=1e-12)


# --------------------------------------------------- symbolic = analytic = numerical, elementwise
ELEMENTWISE = [
    ("sigmoid_derivative", A.sigmoid, A.sigmoid_grad),
    ("tanh_derivative", A.tanh, A.tanh_grad),
    ("relu_derivative", A.relu, A.relu_grad),
]


@pytest.mark.parametrize("name,f,f_grad", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
@SETTINGS
@given(
    z=st.lists(
        st.floats(1e-3, 25.0).flatmap(lambda v: st.sampled_from([v, -v])), min_size=1, max_size=8
    )
)
def test_activation_derivative_symbolic_equals_analytic_equals_numerical(name, f, f_grad, z):
    z = np.array(z)
    d = derivation(name)
    symbolic = np.broadcast_to(d.lambdify("derivative")(z), z.shape).astype(float)
    closed = np.broadcast_to(d.lambdify("closed_form")(z), z.shape).astype(float)
    analytic = f_grad(z)
    numeric = numerical_gradient(lambda v: np.sum(f(v)), z)
    np.testing.assert_allclose(symbolic, analytic, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(closed, analytic, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(numeric, analytic, rtol=1e-6, atol=1e-8)
    # and the symbolic function itself is minidl's activation
    np.testing.assert_allclose(d.lambdify("function")(z), f(z), rtol=1e-12, atol=1e-15)


# ------------------------------------------------------- symbolic = analytic = numerical, losses
@SETTINGS
@given(k=st.integers(2, 4), seed=seeds)
def test_softmax_ce_gradient_symbolic_equals_analytic_equals_numerical(k, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, k)
    label = int(rng.integers(0, k))
    y = np.eye(k)[label]
    d = derivation("softmax_cross_entropy_gradient", k)
    symbolic = np.asarray(d.lambdify("derivative")(*z, *y), dtype=float).reshape(-1)
    closed = np.asarray(d.lambdify("closed_form")(*z, *y), dtype=float).reshape(-1)
    analytic = L.sparse_categorical_crossentropy_grad(np.array([label]), z[None], from_logits=True)
    numeric = numerical_gradient(
        lambda v: L.categorical_crossentropy(y[None], v[None], from_logits=True)[0], z
    )
    # absolute floor: the raw sympy form p*sum(y) - y cancels when p is within 1e-7 of y
    np.testing.assert_allclose(symbolic, analytic[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(closed, analytic[0], rtol=1e-12, atol=1e-15)
    assert relative_error(numeric, analytic[0]) < 1e-6
    # minidl's softmax_backward through -y/p gives the same vector
    p = A.softmax(z)
    np.testing.assert_allclose(A.softmax_backward(-y / p, p), analytic[0], rtol=1e-12, atol=1e-15)


@SETTINGS
@given(z=st.floats(-30, 30), y=st.floats(0, 1))
def test_sigmoid_bce_gradient_symbolic_equals_analytic_equals_numerical(z, y):
    d = derivation("sigmoid_bce_gradient")
    symbolic = float(d.lambdify("closed_form")(z, y))
    analytic = float(L.binary_crossentropy_grad([[y]], [[z]], from_logits=True)[0, 0])
    numeric = float(
        numerical_gradient(
            lambda v: L.binary_crossentropy([[y]], v.reshape(1, 1), from_logits=True)[0], z
        )
    )
    assert symbolic == pytest.approx(analytic, rel=1e-12, abs=1e-15)
    assert numeric == pytest.approx(analytic, rel=1e-6, abs=1e-8)
    if abs(z) < 15:  # sympy's raw derivative is fine away from saturation
        raw = float(d.lambdify("derivative")(z, y))
        assert raw == pytest.approx(analytic, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("convention", ["mean", "half_sum"])
@SETTINGS
@given(k=st.integers(1, 4), seed=seeds)
def test_mse_gradient_symbolic_equals_analytic_equals_numerical(convention, k, seed):
    rng = np.random.default_rng(seed)
    yhat, t = rng.normal(size=k), rng.normal(size=k)
    d = derivation("mse_gradient", k, convention)
    symbolic = np.asarray(d.lambdify("derivative")(*yhat, *t), dtype=float).reshape(-1)
    # minidl's *_grad is for the Keras mean; the half-sum form is that times k/2
    factor = 1.0 if convention == "mean" else k / 2
    analytic = factor * L.mean_squared_error_grad(t[None], yhat[None])[0]
    numeric = numerical_gradient(lambda v: d.lambdify("function")(*v, *t), yhat)
    assert relative_error(symbolic, analytic) < 1e-12
    assert relative_error(numeric, analytic) < 1e-6


# ----------------------------------------------------- the 2-layer network: sympy = MLP = numeric
NETS = [
    (2, 3, 2, ("sigmoid", "sigmoid"), "half_sum_squares"),  # the article's network and loss
    (2, 3, 2, ("sigmoid", "sigmoid"), "mse"),
    (3, 2, 1, ("tanh", "linear"), "mse"),
]


@pytest.mark.parametrize("spec", NETS, ids=["-".join(map(str, s[:3])) + f"-{s[4]}" for s in NETS])
@settings(max_examples=15, deadline=None)
@given(seed=seeds)
def test_network_gradients_symbolic_equal_mlp_backward_equal_numerical(spec, seed):
    n_in, n_hidden, n_out, acts, loss = spec
    rng = np.random.default_rng(seed)
    W1, b1 = rng.normal(size=(n_in, n_hidden)), rng.normal(size=n_hidden)
    W2, b2 = rng.normal(size=(n_hidden, n_out)), rng.normal(size=n_out)
    x, t = rng.normal(size=n_in), rng.uniform(size=n_out)
    sym_grads, sym_backprop, sym_loss, sym_forward = network_fns(*spec)
    symbolic = sym_grads(x, t, W1, b1, W2, b2)
    backprop = sym_backprop(x, t, W1, b1, W2, b2)

    net = MLP([(W1, b1), (W2, b2)], list(acts))
    if loss == "mse":
        value, grads, _ = net.loss_and_grads(x[None], t[None], "mse")
    else:  # L = 1/2 sum (y_hat - t)^2  =>  dL/dy_hat = y_hat - t
        y_hat, cache = net.forward(x[None])
        value = 0.5 * float(np.sum((y_hat - t) ** 2))
        grads = net.backward(y_hat - t, cache)
    assert value == pytest.approx(sym_loss(x, t, W1, b1, W2, b2), rel=1e-12)
    forward = sym_forward(x, t, W1, b1, W2, b2)
    _, inter = net.forward(x[None])
    for k_sym, k_mlp in (("Z_h", "Z1"), ("h", "A1"), ("Z_o", "Z2"), ("y_hat", "A2")):
        np.testing.assert_allclose(forward[k_sym], inter[k_mlp], rtol=1e-12, atol=1e-14)

    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    for name, p in params.items():
        def f(v, name=name):
            args = {**params, name: v}
            return sym_loss(x, t, args["W1"], args["b1"], args["W2"], args["b2"])

        numeric = numerical_gradient(f, p)
        assert symbolic[name].shape == p.shape == grads[name].shape
        assert relative_error(symbolic[name], grads[name]) < 1e-12, name
        assert relative_error(backprop[name], grads[name]) < 1e-12, name
        # central differences (step 1e-6): their truncation and rounding errors reach about
        # 2e-6 of the gradient for some networks hypothesis draws, hence 1e-5, not 1e-6
        assert relative_error(numeric, grads[name]) < 1e-5, name


# ----------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: S.softmax_cross_entropy_gradient(1), r"k must be an integer in \[2, 6\], got 1"),
        (lambda: S.mse_gradient(2, "sum"), r"convention must be one of \['mean', 'half_sum'\]"),
        (lambda: S.two_layer_network_gradients(0), r"n_in must be an integer in \[1, 6\]"),
        (lambda: S.two_layer_network_gradients(loss="ce"), r"loss must be one of"),
        (lambda: S.two_layer_network_gradients(activations=("relu", "sigmoid")),
         r"activations must be a pair of names from \['sigmoid', 'tanh', 'linear'\]"),
        (lambda: derivation("sigmoid_derivative").lambdify("second"),
         r"which must be one of \['derivative', 'closed_form', 'function'\]"),
    ],
)
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_network_lambdify_with_wrong_shapes_names_them():
    f = network_fns(2, 3, 2, ("sigmoid", "sigmoid"), "half_sum_squares")[0]
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 2\) but this network needs \(2, 3\)$"):
        f(np.zeros(2), np.zeros(2), np.zeros((3, 2)), np.zeros(3), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"b1 has shape \(2,\) but this network needs \(1, 3\)"):
        f(np.zeros(2), np.zeros(2), np.zeros((2, 3)), np.zeros(2), np.zeros((3, 2)), np.zeros(2))


def test_every_registered_loss_has_its_derivation_here():
    """The module claims to derive every derivative minidl uses: a loss added to the registry
    without a derivation here fails."""
    derivations = {"mean_squared_error": S.mse_gradient,
                   "binary_crossentropy": S.sigmoid_bce_gradient,
                   "categorical_crossentropy": S.softmax_cross_entropy_gradient,
                   "sparse_categorical_crossentropy": S.softmax_cross_entropy_gradient}
    assert set(derivations) == set(L.NAMES)
    assert all(isinstance(derive(), S.Derivation) for derive in derivations.values())
