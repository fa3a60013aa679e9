"""Figures of mechanisms, drawn by code: the computational graph of chapter 4, the LSTM cell of
chapter 5.

Every figure here is drawn at most :data:`PAGE_WIDTH` inches wide with text of at least 9 pt, so
that it is readable at its printed size in the PDF and at its natural size on the site.

Chapter 4 teaches backpropagation on a 2-3-2 network; :func:`two_layer_network_graph` draws that
network as a computational graph in two rows (layer 1 above, layer 2 below; inputs and parameters
on the left, the loss on the right) with each node's forward value beside it and the gradient of
the loss with respect to it on the other side — or, as the chapter draws it, one figure of values
and one of gradients.
:func:`computational_graph` is the general drawing it uses: named nodes at given positions and
arrows between them.  Matplotlib only (no graphviz), so executing a chapter needs no system
package; Chinese legend text needs the book's CJK font (``bookkit.figures.use_book_style()``,
which the chapter calls first).  Each function here is self-contained: other mechanism drawings
(the LSTM cell of chapter 5) live beside them without sharing state.

:func:`lstm_cell_diagram` draws one LSTM step in chapter 5's notation (gates I, F, O, candidate
G, cell state C, hidden state H), whole or in four stages (gates, candidate, cell state, hidden
state) that chapter 5 shows one at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from bookkit.figures import _record_text_size_with_png

__all__ = ["GraphNode", "PAGE_WIDTH", "computational_graph", "lstm_cell_diagram",
           "two_layer_network_graph", "vector_figures"]

# Box colours by node kind: data, parameters, intermediate values, the loss.
_KIND_COLOURS = {
    "input": ("#eef3f8", "#4c72b0"),
    "param": ("#fdf3e6", "#dd8452"),
    "value": ("#ffffff", "#333333"),
    "loss": ("#f3eaf7", "#8172b3"),
}


@dataclass(frozen=True)
class GraphNode:
    """One node of a computational graph.

    name: key used by the edges; label: text in the box (matplotlib mathtext allowed);
    xy: centre in data coordinates; value: forward value printed above the box (or ``None``);
    grad: gradient ``dL/d(node)`` printed below the box (or ``None``);
    kind: ``"input"``, ``"param"``, ``"value"`` or ``"loss"`` (the box colour);
    shift: horizontal offset of the value and gradient texts in points (to clear arrows);
    side: where the value is printed, ``"above"``, ``"below"``, ``"left"`` or ``"right"`` of the
    box; the gradient goes on the opposite side.
    """

    name: str
    label: str
    xy: tuple[float, float]
    value: str | None = None
    grad: str | None = None
    kind: str = "value"
    shift: float = 0.0
    side: str = "above"


#: Text sizes (points) of every figure here.  Figures are drawn at most PAGE_WIDTH inches wide, so
#: the sizes are also their sizes on the printed page (the PDF's text block is 16.6 cm wide).
PAGE_WIDTH = 6.5
LABEL_SIZE = 10.5
TEXT_SIZE = 9.5

# value side -> (offset direction in points, ha, va); the gradient uses the opposite side.
_SIDES = {"above": ((0, 1), "center", "bottom"), "below": ((0, -1), "center", "top"),
          "left": ((-1, 0), "right", "center"), "right": ((1, 0), "left", "center")}
_OPPOSITE = {"above": "below", "below": "above", "left": "right", "right": "left"}


def computational_graph(
    nodes: Sequence[GraphNode],
    edges: Sequence[tuple[str, str]],
    *,
    ax=None,
    figsize: tuple[float, float] = (PAGE_WIDTH, 4.0),
    legend: tuple[str, str] | None = ("前向值", "反向传回的梯度 ∂L/∂(·)"),
    value_color: str = "#1f5fa8",
    grad_color: str = "#c0392b",
    margins: tuple[float, float, float, float] = (1.5, 1.5, 1.3, 1.3),
):
    """Draw ``nodes`` joined by arrows ``edges`` (``(source name, target name)`` pairs).

    Returns the matplotlib ``Figure`` (a new one unless ``ax`` is given).  Values are drawn beside
    each box in ``value_color`` (on the node's ``side``), gradients on the opposite side in
    ``grad_color``; ``legend`` names the two (``None``: no legend); ``margins`` (left, right,
    bottom, top) in data units leave room for the texts around the outermost nodes.  Raises
    ``ValueError`` for duplicate node names, an unknown node kind or side, or an edge naming a
    node that is not in ``nodes``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    names = [n.name for n in nodes]
    if not nodes:
        raise ValueError("nodes is empty: a computational graph needs at least one node")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"duplicate node names {dupes}; every node needs its own name")
    for n in nodes:
        if n.kind not in _KIND_COLOURS:
            raise ValueError(f"node {n.name!r} has kind {n.kind!r}; use one of "
                             f"{sorted(_KIND_COLOURS)}")
        if n.side not in _SIDES:
            raise ValueError(f"node {n.name!r} has side {n.side!r}; use one of {sorted(_SIDES)}")
    for src, dst in edges:
        for end in (src, dst):
            if end not in names:
                raise ValueError(f"edge ({src!r}, {dst!r}) names {end!r}, which is not a node "
                                 f"(nodes: {names})")

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    boxes = {}
    for n in nodes:
        face, edge = _KIND_COLOURS[n.kind]
        boxes[n.name] = ax.text(
            *n.xy, n.label, ha="center", va="center", fontsize=LABEL_SIZE, zorder=3,
            bbox={"boxstyle": "round,pad=0.35", "facecolor": face, "edgecolor": edge,
                  "linewidth": 1.2})
        for text, side, colour in ((n.value, n.side, value_color),
                                   (n.grad, _OPPOSITE[n.side], grad_color)):
            if text is None:
                continue
            (dx, dy), ha, va = _SIDES[side]
            gap = 13 if dy else 20
            ax.annotate(text, n.xy, xytext=(dx * gap + n.shift, dy * gap),
                        textcoords="offset points", ha=ha, va=va, fontsize=TEXT_SIZE,
                        color=colour, family="monospace", zorder=4, linespacing=1.15)
    xs = [n.xy[0] for n in nodes]
    ys = [n.xy[1] for n in nodes]
    ax.set_xlim(min(xs) - margins[0], max(xs) + margins[1])
    ax.set_ylim(min(ys) - margins[2], max(ys) + margins[3])
    # Arrows run between the box edges: draw once to learn each box's extent in data units.
    fig.canvas.draw()
    to_data = ax.transData.inverted()
    half = {}
    for name, box in boxes.items():
        (x0, y0), (x1, y1) = to_data.transform(box.get_bbox_patch().get_window_extent())
        half[name] = (abs(x1 - x0) / 2, abs(y1 - y0) / 2)
    by_name = {n.name: n for n in nodes}
    for src, dst in edges:
        start = _edge_point(by_name[src].xy, by_name[dst].xy, half[src])
        end = _edge_point(by_name[dst].xy, by_name[src].xy, half[dst])
        ax.annotate("", xy=end, xytext=start, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": "0.35", "linewidth": 1.1,
                                "shrinkA": 1, "shrinkB": 1, "mutation_scale": 12})
    ax.set_axis_off()
    if legend is not None:
        handles = [Line2D([], [], color=value_color, linewidth=3),
                   Line2D([], [], color=grad_color, linewidth=3)]
        ax.legend(handles, legend, loc="upper right", frameon=False, fontsize=TEXT_SIZE)
    return fig


@contextmanager
def vector_figures():
    """Inside the ``with`` block, figures a notebook displays or glues carry SVG and PDF as well as
    PNG: the site shows the SVG, the PDF book includes the PDF (myst-nb picks the best format each
    builder supports), so diagram text stays sharp at any zoom.  SVG ids and file dates are fixed
    (``svg.hashsalt``, ``SOURCE_DATE_EPOCH``) so that re-executing a chapter changes no byte.
    Afterwards PNG alone, the notebook default, is restored.  Outside IPython it does nothing.
    """
    import os

    import matplotlib as mpl

    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:                      # pragma: no cover - IPython is always installed here
        yield
        return
    if get_ipython() is None:
        yield
        return
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        with mpl.rc_context({"svg.hashsalt": "bookkit"}):
            set_matplotlib_formats("png", "svg", "pdf")
            _record_text_size_with_png()     # the PNG keeps the text size the page tests read
            yield
    finally:
        set_matplotlib_formats("png")
        _record_text_size_with_png()
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _edge_point(centre, towards, half_size):
    """Where the segment from ``centre`` to ``towards`` leaves a box of ``half_size`` (w/2, h/2)."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    hw, hh = half_size
    scale = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
    if scale == float("inf"):
        return centre
    return (centre[0] + dx * scale, centre[1] + dy * scale)


# The 2-3-2 network of chapter 4 in two rows (layer 1 above, layer 2 below), so that it fits the
# page at a readable size; positions in data units.  Keys are the names the chapter passes values
# under; labels use the book's notation (appendix 符号表): X, Z_l, H_l, y.
# (name, label, xy, kind, side of the value text)
_TWO_LAYER = (
    ("x", r"$X$", (0.0, 4.6), "input", "left"),
    ("W1", r"$W_1$", (0.0, 3.3), "param", "left"),
    ("b1", r"$b_1$", (0.0, 2.1), "param", "left"),
    ("z_h", r"$Z_1$", (2.6, 3.3), "value", "above"),
    ("h", r"$H_1$", (5.0, 3.3), "value", "above"),
    ("W2", r"$W_2$", (0.0, 0.6), "param", "left"),
    ("b2", r"$b_2$", (0.0, -0.6), "param", "left"),
    ("z_o", r"$Z_2$", (2.6, 0.0), "value", "below"),
    ("y_hat", r"$\hat{y}$", (5.0, 0.0), "value", "below"),
    ("t", r"$y$", (7.0, 1.5), "input", "above"),
    ("L", r"$L$", (7.0, 0.0), "loss", "below"),
)
_TWO_LAYER_EDGES = (("x", "z_h"), ("W1", "z_h"), ("b1", "z_h"), ("z_h", "h"), ("h", "z_o"),
                    ("W2", "z_o"), ("b2", "z_o"), ("z_o", "y_hat"), ("y_hat", "L"), ("t", "L"))


def two_layer_network_graph(values: Mapping[str, str], grads: Mapping[str, str], *, ax=None,
                            **kwargs):
    """The computational graph of a two-layer network with squared-error loss (chapter 4).

    values, grads: node name -> text to print (forward value beside the node, ``dL/d(node)`` on
    the other side); names are ``x, W1, b1, z_h, h, W2, b2, z_o, y_hat, t, L``, any may be left
    out.  Two rows (layer 1 above, layer 2 below), PAGE_WIDTH inches wide.  Chapter 4 draws two
    figures, the forward values alone and the gradients alone (``values={}``: the gradients are
    then printed where the values would be, in the gradient colour).
    Other keyword arguments go to :func:`computational_graph`.  Returns the ``Figure``.
    Raises ``ValueError`` naming any key that is not a node of the graph.
    """
    known = [node[0] for node in _TWO_LAYER]
    for which, mapping in (("values", values), ("grads", grads)):
        unknown = sorted(set(mapping) - set(known))
        if unknown:
            raise ValueError(f"{which} has keys {unknown} that are not nodes; nodes are {known}")
    gradients_only = not values and bool(grads)
    if gradients_only:            # the backward figure: gradients where the values would be
        values, grads = grads, {}
        kwargs.setdefault("value_color", "#c0392b")
    nodes = [GraphNode(name, label, xy, values.get(name), grads.get(name), kind, side=side)
             for name, label, xy, kind, side in _TWO_LAYER]
    kwargs.setdefault("margins", (2.6, 0.6, 1.0, 0.6))
    kwargs.setdefault("figsize", (PAGE_WIDTH, 4.6))
    return computational_graph(nodes, _TWO_LAYER_EDGES, ax=ax, **kwargs)


# ------------------------------------------------------------------ the LSTM cell (chapter 5)
# One step of chapter 5's equations: positions in data units (x: 0-11, y: 0-6.4).
_LSTM_GATES = (  # name, function drawn in the box, label under the box, x
    ("F", r"$\sigma$", "遗忘门\n$F_t$", 2.6),
    ("I", r"$\sigma$", "输入门\n$I_t$", 3.9),
    ("G", r"$\phi$", "候选值\n$G_t$", 5.2),
    ("O", r"$\sigma$", "输出门\n$O_t$", 6.5),
)


def lstm_cell_diagram(*, ax=None, figsize: tuple[float, float] = (PAGE_WIDTH, 4.2),
                      activation: str = r"\phi", stage: int = 4):
    """One LSTM step as chapter 5 writes it: gates, cell state and hidden state.

    stage: how much of the cell to draw, so that a chapter can build it up one idea at a time:
    1, the three gates F, I, O computed from Z_t; 2, plus the candidate G; 3, plus the cell-state
    path C_{t-1} -> C_t; 4 (default), plus the hidden state H_t (the whole step).  What the stage
    adds is outlined in red.

    Draws the cell-state path C_{t-1} -> ⊙ F_t -> + I_t ⊙ G_t -> C_t along the top, the shared
    linear step Z_t = X_t W + H_{t-1} U + b along the bottom feeding the four gate boxes (σ for
    the gates i, f, o; the activation for the candidate g), and H_t = O_t ⊙ φ(C_t) leaving on the
    right.  activation: the mathtext name printed in the φ boxes (``r"\\tanh"`` to show Keras's
    default).  Returns the matplotlib ``Figure`` (a new one unless ``ax`` is given).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    if not isinstance(activation, str) or not activation:
        raise ValueError(f"activation must be a non-empty mathtext string, got {activation!r}")
    if isinstance(stage, bool) or not isinstance(stage, int):
        raise TypeError(f"stage must be an integer 1-4, got {stage!r}")
    if not 1 <= stage <= 4:
        raise ValueError(f"stage must be 1, 2, 3 or 4, got {stage}")
    new = "#c0392b"                    # outline of what this stage adds
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    line = {"color": "0.25", "linewidth": 1.4, "zorder": 1}
    c_colour, h_colour = "#4c72b0", "#dd8452"

    def arrow(start, end, colour="0.25"):
        ax.annotate("", xy=end, xytext=start, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.4,
                                "shrinkA": 0, "shrinkB": 0, "mutation_scale": 13})

    def path(*points, colour="0.25"):
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, **{**line, "color": colour})

    def op(xy, symbol):
        ax.add_patch(Circle(xy, 0.27, facecolor="white", edgecolor="0.25", linewidth=1.3,
                            zorder=3))
        ax.text(*xy, symbol, ha="center", va="center", fontsize=12, zorder=4)

    def box(xy, text, face="#fdf3e6", edge="#dd8452", width=0.8, height=0.6, lw=1.3):
        ax.add_patch(FancyBboxPatch((xy[0] - width / 2, xy[1] - height / 2), width, height,
                                    boxstyle="round,pad=0.05", facecolor=face, edgecolor=edge,
                                    linewidth=lw, zorder=3))
        ax.text(*xy, text, ha="center", va="center", fontsize=LABEL_SIZE + 0.5, zorder=4)

    # The cell: a rounded frame.
    ax.add_patch(FancyBboxPatch((1.2, 0.55), 7.6, 5.0, boxstyle="round,pad=0.1",
                                facecolor="#f7f7f7", edgecolor="0.6", linewidth=1.0, zorder=0))
    y_c, y_gate, y_bus, y_mix = 4.9, 2.3, 1.3, 3.6
    x = {name: gx for name, _, _, gx in _LSTM_GATES}
    phi_text = rf"${activation}$"

    # Bottom: H_{t-1} enters, X_t joins it, the bus Z_t feeds the four gates.
    path((0.2, y_bus), (x["O"], y_bus), colour=h_colour)
    arrow((1.8, -0.2), (1.8, y_bus - 0.02))
    ax.text(0.2, y_bus + 0.18, r"$H_{t-1}$", ha="left", va="bottom", fontsize=LABEL_SIZE,
            color=h_colour)
    ax.text(1.8, -0.3, r"$X_t$", ha="center", va="top", fontsize=LABEL_SIZE)
    ax.text(4.55, 0.78, r"$Z_t = X_t W + H_{t-1} U + b$", ha="center", va="center",
            fontsize=LABEL_SIZE)
    for name, symbol, label, gx in _LSTM_GATES:
        if name == "G" and stage < 2:
            continue
        arrow((gx, y_bus), (gx, y_gate - 0.34))
        added = stage == (2 if name == "G" else 1)
        box((gx, y_gate), phi_text if symbol == r"$\phi$" else symbol,
            edge=new if added else "#dd8452", lw=2.0 if added else 1.3)
        ax.text(gx - 0.1, y_gate + 0.36, label, ha="right", va="bottom", fontsize=TEXT_SIZE,
                color="0.2", linespacing=1.1, multialignment="center")
    if stage < 3:
        return _finish_cell(ax, fig)

    # Top: the cell-state path.
    path((0.2, y_c), (x["F"] - 0.27, y_c), colour=c_colour)
    ax.text(0.2, y_c + 0.18, r"$C_{t-1}$", ha="left", va="bottom", fontsize=LABEL_SIZE,
            color=c_colour)
    op((x["F"], y_c), r"$\odot$")
    x_add = (x["I"] + x["G"]) / 2
    path((x["F"] + 0.27, y_c), (x_add - 0.27, y_c), colour=c_colour)
    op((x_add, y_c), r"$+$")
    arrow((x_add + 0.27, y_c), (10.6, y_c), colour=c_colour)
    ax.text(10.6, y_c + 0.18, r"$C_t$", ha="right", va="bottom", fontsize=LABEL_SIZE,
            color=c_colour)
    ax.text(5.0, 5.65, "细胞状态", ha="center", va="bottom", fontsize=TEXT_SIZE, color=c_colour)
    # Forget gate multiplies the old cell state.
    arrow((x["F"], y_gate + 0.34), (x["F"], y_c - 0.27))
    # Input gate times candidate, added to the cell state.
    op((x_add, y_mix), r"$\odot$")
    path((x["I"], y_gate + 0.34), (x["I"], y_mix), (x_add - 0.27, y_mix))
    path((x["G"], y_gate + 0.34), (x["G"], y_mix), (x_add + 0.27, y_mix))
    arrow((x_add, y_mix + 0.27), (x_add, y_c - 0.27))
    if stage == 3:
        for patch in ax.patches[-3:]:                # the three operations this stage adds
            patch.set_edgecolor(new)
            patch.set_linewidth(2.0)
        return _finish_cell(ax, fig)
    # Output: H_t = O_t ⊙ φ(C_t).
    x_out = 7.7
    y_phi = 3.75
    arrow((x_out, y_c), (x_out, y_phi + 0.32), colour=c_colour)
    box((x_out, y_phi), phi_text, face="#eef3f8", edge=new, width=0.8, height=0.55, lw=2.0)
    op((x_out, y_gate), r"$\odot$")
    ax.patches[-1].set_edgecolor(new)
    ax.patches[-1].set_linewidth(2.0)
    arrow((x_out, y_phi - 0.28), (x_out, y_gate + 0.27))
    arrow((x["O"] + 0.4, y_gate), (x_out - 0.27, y_gate))
    path((x_out, y_gate - 0.27), (x_out, y_bus), colour=h_colour)
    arrow((x_out, y_bus), (10.6, y_bus), colour=h_colour)
    ax.text(10.6, y_bus + 0.18, r"$H_t$", ha="right", va="bottom", fontsize=LABEL_SIZE,
            color=h_colour)
    arrow((9.6, y_bus), (9.6, 6.2), colour=h_colour)
    ax.text(9.75, 6.2, r"$H_t$（下一层或输出）", ha="left", va="top", fontsize=TEXT_SIZE,
            color=h_colour)
    ax.text(9.2, 0.78, "隐藏状态", ha="center", va="center", fontsize=TEXT_SIZE, color=h_colour)
    return _finish_cell(ax, fig)


def _finish_cell(ax, fig):
    ax.set_xlim(-0.1, 11.6)
    ax.set_ylim(-0.8, 6.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig
