"""Symbolic (sympy) derivations of every derivative minidl uses.

Each function differentiates an explicit formula with ``sympy.diff`` and sets the result beside
the textbook closed form, so a chapter can display both as LaTeX and a test can ``lambdify``
them and compare with ``minidl`` and with finite differences at random points:

- :func:`sigmoid_derivative`: σ'(z) = σ(z)(1 − σ(z));
- :func:`tanh_derivative`: tanh'(z) = 1 − tanh²(z);
- :func:`relu_derivative`: relu'(z) = 1 for z > 0, 0 for z < 0 (minidl/TF: 0 at 0);
- :func:`softmax_cross_entropy_gradient`: ∂L/∂z = p − y for L = −Σ y log softmax(z), Σ y = 1;
- :func:`sigmoid_bce_gradient`: ∂L/∂z = σ(z) − y for L = −[y log σ + (1−y) log(1−σ)];
- :func:`mse_gradient`: ∂L/∂ŷ = (2/K)(ŷ − t) (Keras mean) or ŷ − t (½Σ form);
- :func:`two_layer_network_gradients`: ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 of a small MLP, by
  sympy's chain rule and by back-propagation (the δ recursion).

The logistic function is the sympy function :class:`sigma`, printed ``\\sigma``: it keeps
expressions readable, rewrites to ``1 / (1 + exp(-z))`` and differentiates to σ(1 − σ) — the
identity that :func:`sigmoid_derivative` proves from the explicit formula, so nothing is assumed.

Every result is a :class:`Derivation` (or :class:`NetworkDerivation`) with ``holds()`` (sympy
checks ``derivative == closed_form``), ``latex()`` and ``lambdify()``.  Importing this module
imports sympy, not TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from minidl.activations import _sigmoid
from minidl.validation import check_choice, check_int

__all__ = [
    "sigma",
    "Derivation",
    "NetworkDerivation",
    "sigmoid_derivative",
    "tanh_derivative",
    "relu_derivative",
    "softmax_cross_entropy_gradient",
    "sigmoid_bce_gradient",
    "mse_gradient",
    "two_layer_network_gradients",
    "lambdify",
]


class sigma(sp.Function):  # lower case: a math function, named as written
    """The logistic sigmoid σ(z) as an unevaluated sympy function.

    ``sigma(z).rewrite(sp.exp)`` gives ``1/(1 + exp(-z))``; ``sp.diff(sigma(z), z)`` gives
    ``sigma(z)*(1 - sigma(z))`` (proved by :func:`sigmoid_derivative`); LaTeX prints ``\\sigma``.
    """

    nargs = 1

    def fdiff(self, argindex=1):
        s = sigma(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)

    def _latex(self, printer, exp=None):
        inner = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return rf"{inner}^{{{exp}}}" if exp else inner


def _explicit(expr):
    """Replace σ and tanh by their exp definitions (for sympy checks and lambdify)."""
    expr = sp.sympify(expr)
    expr = expr.replace(sigma, lambda a: 1 / (1 + sp.exp(-a)))
    return expr.rewrite(sp.tanh, sp.exp)


def _is_zero(expr) -> bool:
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        return all(_is_zero(e) for e in expr)
    return sp.simplify(expr) == 0


def _numeric_sigmoid(z):
    """σ for lambdified expressions: the library's one sigmoid (stable for any z)."""
    return _sigmoid(np.asarray(z, dtype=np.float64))


def lambdify(args, expr) -> Callable:
    """``sympy.lambdify`` for minidl's expressions: σ evaluated by the library's one sigmoid
    (:func:`minidl.activations.sigmoid`, stable for any z), tanh by ``numpy.tanh``, Heaviside by
    ``numpy.heaviside``.  The symbolic results themselves assume nothing about σ but its explicit
    formula (:func:`sigmoid_derivative` proves σ' = σ(1 − σ) from it).

    args: a symbol or a sequence of symbols; expr: an expression or a Matrix.
    Returns a NumPy function of the args (Matrices come back as 2-D arrays).
    """
    return sp.lambdify(
        args, expr, modules=[{"sigma": _numeric_sigmoid}, "numpy"], cse=True, docstring_limit=0
    )


@dataclass(frozen=True)
class Derivation:
    """One derivative, computed by sympy and written in closed form.

    Attributes
    ----------
    name
        what is differentiated, e.g. ``"sigmoid"``.
    variables
        the free symbols, in the order ``lambdify()`` takes them.
    wrt
        the symbol (or Matrix of symbols) differentiated with respect to.
    function
        the expression differentiated (an activation or a loss), explicit.
    derivative
        ``sympy.diff(function, wrt)`` exactly as sympy returns it (a Matrix for a
        gradient).
    closed_form
        the textbook form, e.g. ``sigma(z)*(1 - sigma(z))`` or ``p - y``; may use the
        shorthand symbols of ``definitions``.
    definitions
        shorthand symbol -> explicit expression (e.g. ``p_1`` -> softmax_1(z)).
    conditions
        substitutions under which the closed form holds (e.g. labels summing to 1:
        ``y_3 -> 1 - y_1 - y_2``); empty when it holds everywhere.
    cases
        substitutions that ``holds()`` checks one by one instead of the whole domain (relu:
        ``z -> p`` and ``z -> -p`` with p > 0, i.e. everywhere but the kink).
    wrt_latex
        how ``latex()`` writes ``wrt`` (e.g. ``\\mathbf{z}`` for a vector).
    note
        one sentence on conventions and where the identity needs care.
    """

    name: str
    variables: tuple
    wrt: object
    function: object
    derivative: object
    closed_form: object
    definitions: dict = field(default_factory=dict)
    conditions: dict = field(default_factory=dict)
    cases: tuple = ()
    wrt_latex: str = ""
    note: str = ""

    def closed_form_explicit(self):
        """The closed form with the shorthand symbols replaced by their definitions."""
        return sp.sympify(self.closed_form).subs(self.definitions)

    def holds(self) -> bool:
        """Whether sympy proves ``derivative == closed_form`` (under ``conditions``)."""
        diff = _explicit(self.derivative) - _explicit(self.closed_form_explicit())
        diff = sp.sympify(diff).subs(self.conditions)
        return all(_is_zero(diff.subs(case)) for case in (self.cases or ({},)))

    def latex(self) -> str:
        """``\\frac{\\partial f}{\\partial z} = <closed form>`` as a LaTeX string."""
        wrt = self.wrt_latex or sp.latex(self.wrt)
        lhs = rf"\frac{{\partial {self.name}}}{{\partial {wrt}}}"
        return f"{lhs} = {sp.latex(self.closed_form)}"

    def lambdify(self, which: str = "derivative") -> Callable:
        """A NumPy function of ``variables`` for ``"derivative"``, ``"closed_form"`` or
        ``"function"`` (shorthand symbols expanded)."""
        exprs = {
            "derivative": self.derivative,
            "closed_form": self.closed_form_explicit(),
            "function": self.function,
        }
        check_choice(which, "which", list(exprs))
        return lambdify(self.variables, exprs[which])


_P = sp.Symbol("p", positive=True)


def _z() -> sp.Symbol:
    return sp.Symbol("z", real=True)


def sigmoid_derivative() -> Derivation:
    """d/dz of ``1 / (1 + exp(-z))`` equals ``σ(z)(1 − σ(z))`` (at most 1/4, at z = 0)."""
    z = _z()
    f = 1 / (1 + sp.exp(-z))
    return Derivation(
        name=r"\sigma",
        variables=(z,),
        wrt=z,
        function=f,
        derivative=sp.diff(f, z),
        closed_form=sigma(z) * (1 - sigma(z)),
        note="sigma'(z) is a scalar function applied elementwise; its maximum is 1/4 at z = 0.",
    )


def tanh_derivative() -> Derivation:
    """d/dz of ``(e^z − e^−z)/(e^z + e^−z)`` equals ``1 − tanh²(z)``."""
    z = _z()
    f = (sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z))
    return Derivation(
        name=r"\tanh",
        variables=(z,),
        wrt=z,
        function=f,
        derivative=sp.diff(f, z),
        closed_form=1 - sp.tanh(z) ** 2,
    )


def relu_derivative() -> Derivation:
    """d/dz of ``max(0, z)``: sympy gives ``Heaviside(z)``; the closed form is 1 for z > 0 and
    0 for z <= 0.

    The derivative does not exist at z = 0: sympy's ``Heaviside(0)`` is 1/2, while minidl,
    TensorFlow and Keras use 0 there; ``holds()`` compares the two for z ≠ 0 only.
    """
    z = _z()
    f = sp.Max(0, z)
    return Derivation(
        name=r"\operatorname{relu}",
        variables=(z,),
        wrt=z,
        function=f,
        derivative=sp.diff(f, z),
        closed_form=sp.Piecewise((1, z > 0), (0, True)),
        cases=({z: _P}, {z: -_P}),
        note="Undefined at z = 0; sympy's Heaviside(0) = 1/2, minidl/TF use 0.",
    )


def softmax_cross_entropy_gradient(k: int = 3) -> Derivation:
    """Gradient of ``L = −Σ_i y_i log softmax(z)_i`` w.r.t. the logits z: ``p − y``.

    k: number of classes (2 to 6; sympy's simplification grows quickly with k).
    sympy's raw gradient is ``p Σ_i y_i − y``; it equals ``p − y`` when the labels sum to 1
    (one-hot or a probability vector), the condition ``conditions`` records.
    ``definitions`` maps the shorthand ``p_j`` to ``exp(z_j) / Σ_i exp(z_i)``.
    """
    k = check_int(k, "k", min_value=2, max_value=6)
    z = sp.Matrix(sp.symbols(f"z_1:{k + 1}", real=True))
    y = sp.Matrix(sp.symbols(f"y_1:{k + 1}", real=True))
    p_sym = sp.Matrix(sp.symbols(f"p_1:{k + 1}", positive=True))
    denom = sum(sp.exp(zi) for zi in z)
    p = [sp.exp(zi) / denom for zi in z]
    loss = -sum(yi * sp.log(pi) for yi, pi in zip(y, p, strict=True))
    grad = sp.Matrix([sp.diff(loss, zi) for zi in z])
    return Derivation(
        name="L",
        variables=(*z, *y),
        wrt=z,
        function=loss,
        derivative=grad,
        closed_form=p_sym - y,
        definitions=dict(zip(p_sym, p, strict=True)),
        conditions={y[-1]: 1 - sum(y[:-1])},
        wrt_latex=r"\mathbf{z}",
        note="p - y holds when the labels sum to 1; in general the gradient is p * sum(y) - y.",
    )


def sigmoid_bce_gradient() -> Derivation:
    """Gradient of ``L = −[y log σ(z) + (1 − y) log(1 − σ(z))]`` w.r.t. the logit z: ``σ(z) − y``.
    """
    z = _z()
    y = sp.Symbol("y", real=True)
    s = 1 / (1 + sp.exp(-z))
    loss = -(y * sp.log(s) + (1 - y) * sp.log(1 - s))
    return Derivation(
        name="L",
        variables=(z, y),
        wrt=z,
        function=loss,
        derivative=sp.diff(loss, z),
        closed_form=sigma(z) - y,
    )


_MSE_CONVENTIONS = ("mean", "half_sum")


def mse_gradient(k: int = 2, convention: str = "mean") -> Derivation:
    """Gradient of the squared error of one sample with k outputs w.r.t. the prediction ŷ.

    convention ``"mean"``: ``L = (1/k) Σ (ŷ_i − t_i)²`` — Keras's ``mean_squared_error`` for
    one sample — gives ``(2/k)(ŷ − t)``; ``"half_sum"``: ``L = ½ Σ (ŷ_i − t_i)²`` — the
    article's and most textbooks' form — gives ``ŷ − t``.
    """
    k = check_int(k, "k", min_value=1, max_value=10)
    check_choice(convention, "convention", _MSE_CONVENTIONS)
    yhat = sp.Matrix(sp.symbols(f"yhat_1:{k + 1}", real=True))
    t = sp.Matrix(sp.symbols(f"t_1:{k + 1}", real=True))
    sq = sum((a - b) ** 2 for a, b in zip(yhat, t, strict=True))
    scale = sp.Rational(1, k) if convention == "mean" else sp.Rational(1, 2)
    loss = scale * sq
    grad = sp.Matrix([sp.diff(loss, a) for a in yhat])
    return Derivation(
        name="L",
        variables=(*yhat, *t),
        wrt=yhat,
        function=loss,
        derivative=grad,
        closed_form=2 * scale * (yhat - t),
        wrt_latex=r"\hat{\mathbf{y}}",
    )


# ------------------------------------------------------------------------------- small network
_ACTS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigma, lambda z: sigma(z) * (1 - sigma(z))),
    "tanh": (sp.tanh, lambda z: 1 - sp.tanh(z) ** 2),
    "linear": (lambda z: z, lambda z: sp.Integer(1)),
}
_NET_LOSSES = ("half_sum_squares", "mse")


def _sym_matrix(name: str, rows: int, cols: int, *, row_vector: bool = False) -> sp.Matrix:
    sep = "," if max(rows, cols) > 9 else ""
    if row_vector:
        return sp.Matrix(1, cols, lambda _, j: sp.Symbol(f"{name}_{j + 1}", real=True))
    return sp.Matrix(
        rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{sep}{j + 1}", real=True)
    )


@dataclass(frozen=True)
class NetworkDerivation:
    """Gradients of a one-sample, two-layer network, by sympy and by back-propagation.

    Shapes follow minidl and Keras (row vectors, batch of one): x (1, n_in), W1 (n_in, n_hidden),
    b1 (1, n_hidden), W2 (n_hidden, n_out), b2 (1, n_out), t (1, n_out).

    Attributes
    ----------
    symbols
        ``{"x", "t", "W1", "b1", "W2", "b2"}`` -> Matrices of sympy symbols.
    forward
        ``{"Z_h", "h", "Z_o", "y_hat"}`` -> Matrices: ``Z_h = x W1 + b1``, ``h = f(Z_h)``,
        ``Z_o = h W2 + b2``, ``y_hat = g(Z_o)``.
    loss
        the scalar loss expression.
    gradients
        ``{"W1", "b1", "W2", "b2"}`` -> ``sympy.diff(loss, each entry)`` arranged in the
        parameter's shape — the full chain rule, done by sympy.
    deltas
        ``{"delta_o", "delta_h"}``: ``δ_o = ∂L/∂Z_o = ∂L/∂ŷ ⊙ g'(Z_o)`` and
        ``δ_h = ∂L/∂Z_h = (δ_o W2ᵀ) ⊙ f'(Z_h)``.
    backprop
        ``{"W1": xᵀ δ_h, "b1": δ_h, "W2": hᵀ δ_o, "b2": δ_o}`` — back-propagation's
        closed forms, which ``holds()`` proves equal to ``gradients``.
    readable
        the same closed forms written with the pre-activations as symbols
        (``z^h_j``, ``z^o_k``) — short enough to display, e.g. ``readable["delta_o"]``.
    """

    n_in: int
    n_hidden: int
    n_out: int
    activations: tuple[str, str]
    loss_name: str
    symbols: dict
    forward: dict
    loss: object
    gradients: dict
    deltas: dict
    backprop: dict
    readable: dict

    @property
    def variables(self) -> tuple:
        """All symbols, flattened in the order x, t, W1, b1, W2, b2 (row-major)."""
        return tuple(s for k in ("x", "t", "W1", "b1", "W2", "b2") for s in self.symbols[k])

    def holds(self) -> bool:
        """Whether sympy proves back-propagation's closed forms equal its own chain rule."""
        return all(
            sp.expand(self.gradients[k] - self.backprop[k]) == sp.zeros(*self.gradients[k].shape)
            for k in self.gradients
        )

    def in_book_notation(self, expr):
        """``expr`` (one of ``readable``'s expressions) in the book's notation (chapter 4).

        The hidden layer's output f(z^h_j) becomes ``H_{1,j}``, the network's output g(z^o_k)
        becomes ``\\hat{y}_k``, the target t_k becomes ``y_k``, W^(l)_ij becomes ``W_{l,ij}`` and
        b^(l)_j ``b_{l,j}``; a pre-activation left over (in a derivative that is not written
        through the output, e.g. of ReLU) becomes ``Z_{1,j}`` / ``Z_{2,k}``.  Returns a sympy
        expression whose ``sympy.latex`` is what the chapter prints.
        """
        f, _ = _ACTS[self.activations[0]]
        g, _ = _ACTS[self.activations[1]]
        zh, zo = self.readable["Z_h"], self.readable["Z_o"]
        outputs = {}
        for j, z in enumerate(zh):
            outputs[f(z)] = sp.Symbol(f"H_{{1,{j + 1}}}", real=True)
        for k, z in enumerate(zo):
            outputs[g(z)] = sp.Symbol(rf"\hat{{y}}_{{{k + 1}}}", real=True)
        names = {}
        for j, z in enumerate(zh):
            names[z] = sp.Symbol(f"Z_{{1,{j + 1}}}", real=True)
        for k, z in enumerate(zo):
            names[z] = sp.Symbol(f"Z_{{2,{k + 1}}}", real=True)
        for k, t in enumerate(self.symbols["t"]):
            names[t] = sp.Symbol(f"y_{{{k + 1}}}", real=True)
        for layer in (1, 2):
            W, b = self.symbols[f"W{layer}"], self.symbols[f"b{layer}"]
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    names[W[i, j]] = sp.Symbol(f"W_{{{layer},{i + 1}{j + 1}}}", real=True)
            for j in range(b.shape[1]):
                names[b[0, j]] = sp.Symbol(f"b_{{{layer},{j + 1}}}", real=True)
        # a linear layer has f(z) = z: its pre-activation is its output and keeps the Z name
        expr = expr.subs({k: v for k, v in outputs.items() if not k.is_Symbol})
        return expr.subs(names)

    def lambdify(self, which: str = "gradients") -> Callable:
        """A NumPy function ``f(x, t, W1, b1, W2, b2)`` evaluating ``which`` numerically.

        which: ``"gradients"`` or ``"backprop"`` (dict with keys W1, b1, W2, b2 and the
        parameters' shapes: W1 (n_in, n_hidden), b1 (n_hidden,), ...), ``"forward"`` (dict
        Z_h, h, Z_o, y_hat, each (1, width)), or ``"loss"`` (float).
        Arguments are arrays of shapes x (n_in,) or (1, n_in), t (n_out,) or (1, n_out),
        W1 (n_in, n_hidden), b1 (n_hidden,), W2 (n_hidden, n_out), b2 (n_out,).
        """
        check_choice(which, "which", ("gradients", "backprop", "forward", "loss"))
        variables = self.variables
        shapes = {k: self.symbols[k].shape for k in ("x", "t", "W1", "b1", "W2", "b2")}
        if which == "loss":
            fns = {"loss": lambdify(variables, self.loss)}
        else:
            fns = {k: lambdify(variables, e) for k, e in getattr(self, which).items()}

        def evaluate(x, t, W1, b1, W2, b2):
            arrays = {"x": x, "t": t, "W1": W1, "b1": b1, "W2": W2, "b2": b2}
            flat = []
            for k, a in arrays.items():
                a = np.asarray(a, dtype=np.float64)
                rows, cols = shapes[k]
                allowed = [(rows, cols)] + ([(cols,)] if rows == 1 else [])
                if a.shape not in allowed:
                    want = " or ".join(str(s) for s in allowed)
                    raise ValueError(f"{k} has shape {a.shape} but this network needs {want}")
                flat.extend(a.reshape(-1))
            if which == "loss":
                return float(fns["loss"](*flat))
            out = {}
            for k, f in fns.items():
                value = np.asarray(f(*flat), dtype=np.float64)
                if which != "forward" and k.startswith("b"):
                    value = value.reshape(-1)
                elif which != "forward":
                    value = value.reshape(self.symbols[k].shape)
                out[k] = value
            return out

        return evaluate


def two_layer_network_gradients(
    n_in: int = 2,
    n_hidden: int = 3,
    n_out: int = 2,
    *,
    activations: tuple[str, str] = ("sigmoid", "sigmoid"),
    loss: str = "half_sum_squares",
) -> NetworkDerivation:
    """∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 of a two-layer network on one sample, symbolically.

    The default is the article's 2-3-2 sigmoid network with ``L = ½ Σ_k (ŷ_k − t_k)²``
    (``loss="half_sum_squares"``), for which back-propagation gives
    ``δ_o = (ŷ − t) ⊙ σ'(Z_o)``, ``δ_h = (δ_o W2ᵀ) ⊙ σ'(Z_h)``, ``∂L/∂W2 = hᵀ δ_o``,
    ``∂L/∂W1 = xᵀ δ_h`` (the article has the opposite sign and drops σ').  ``loss="mse"`` uses
    Keras's ``(1/n_out) Σ_k (ŷ_k − t_k)²``, i.e. ``minidl.network.MLP.loss_and_grads(x, t,
    "mse")`` for a batch of one.

    n_in, n_hidden, n_out: layer widths, 1 to 6 each (the expressions grow fast);
    activations: (hidden, output), each ``"sigmoid"``, ``"tanh"`` or ``"linear"``.
    """
    n_in, n_hidden, n_out = (check_int(v, name, min_value=1, max_value=6) for name, v in
                             (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)))
    check_choice(loss, "loss", _NET_LOSSES)
    try:
        hidden_name, out_name = activations
        f, f_prime = _ACTS[hidden_name]
        g, g_prime = _ACTS[out_name]
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"activations must be a pair of names from {list(_ACTS)}, got {activations!r}"
        ) from None

    x = _sym_matrix("x", 1, n_in, row_vector=True)
    t = _sym_matrix("t", 1, n_out, row_vector=True)
    W1 = _sym_matrix("W^(1)", n_in, n_hidden)
    b1 = _sym_matrix("b^(1)", 1, n_hidden, row_vector=True)
    W2 = _sym_matrix("W^(2)", n_hidden, n_out)
    b2 = _sym_matrix("b^(2)", 1, n_out, row_vector=True)

    def build(Z_h):
        h = Z_h.applyfunc(f)
        Z_o = h * W2 + b2
        return h, Z_o, Z_o.applyfunc(g)

    Z_h = x * W1 + b1
    h, Z_o, y_hat = build(Z_h)
    err = y_hat - t
    scale = sp.Rational(1, 2) if loss == "half_sum_squares" else sp.Rational(1, n_out)
    L = scale * sum(e**2 for e in err)

    def grad_matrix(P):
        return P.applyfunc(lambda s: sp.diff(L, s))

    gradients = {"W1": grad_matrix(W1), "b1": grad_matrix(b1), "W2": grad_matrix(W2),
                 "b2": grad_matrix(b2)}

    def backprop_of(x_, h_, Z_h_, Z_o_, y_hat_):
        dL_dyhat = 2 * scale * (y_hat_ - t)
        delta_o = dL_dyhat.multiply_elementwise(Z_o_.applyfunc(g_prime))
        delta_h = (delta_o * W2.T).multiply_elementwise(Z_h_.applyfunc(f_prime))
        grads = {"W1": x_.T * delta_h, "b1": delta_h, "W2": h_.T * delta_o, "b2": delta_o}
        return {"delta_o": delta_o, "delta_h": delta_h}, grads

    deltas, backprop = backprop_of(x, h, Z_h, Z_o, y_hat)

    # The same closed forms with the pre-activations as plain symbols, for display.
    zh = sp.Matrix(1, n_hidden, lambda _, j: sp.Symbol(f"z^h_{j + 1}", real=True))
    zo = sp.Matrix(1, n_out, lambda _, k: sp.Symbol(f"z^o_{k + 1}", real=True))
    r_deltas, r_grads = backprop_of(x, zh.applyfunc(f), zh, zo, zo.applyfunc(g))
    readable = {**r_deltas, **r_grads, "Z_h": zh, "Z_o": zo}

    return NetworkDerivation(
        n_in=n_in,
        n_hidden=n_hidden,
        n_out=n_out,
        activations=(hidden_name, out_name),
        loss_name=loss,
        symbols={"x": x, "t": t, "W1": W1, "b1": b1, "W2": W2, "b2": b2},
        forward={"Z_h": Z_h, "h": h, "Z_o": Z_o, "y_hat": y_hat},
        loss=L,
        gradients=gradients,
        deltas=deltas,
        backprop=backprop,
        readable=readable,
    )
