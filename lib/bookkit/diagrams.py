"""Figures of mechanisms, drawn by code: the computational graph of chapter 4, the LSTM cell of
chapter 5.

Chapter 4 teaches backpropagation on a 2-3-2 network; :func:`two_layer_network_graph` draws that
network as a computational graph (inputs and parameters on the left, the loss on the right) with
each node's forward value above it and the gradient of the loss with respect to it below it.
:func:`computational_graph` is the general drawing it uses: named nodes at given positions and
arrows between them.  Matplotlib only (no graphviz), so executing a chapter needs no system
package; Chinese legend text needs the book's CJK font (``bookkit.figures.use_book_style()``,
which the chapter calls first).  Each function here is self-contained: other mechanism drawings
(the LSTM cell of chapter 5) live beside them without sharing state.

:func:`lstm_cell_diagram` draws one LSTM step in chapter 5's notation (gates I, F, O, candidate
G, cell state C, hidden state H).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["GraphNode", "computational_graph", "lstm_cell_diagram", "two_layer_network_graph"]

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
    shift: horizontal offset of the value and gradient texts in points (to clear arrows).
    """

    name: str
    label: str
    xy: tuple[float, float]
    value: str | None = None
    grad: str | None = None
    kind: str = "value"
    shift: float = 0.0


def computational_graph(
    nodes: Sequence[GraphNode],
    edges: Sequence[tuple[str, str]],
    *,
    ax=None,
    figsize: tuple[float, float] = (12.0, 5.6),
    legend: tuple[str, str] | None = ("前向值", "反向传回的梯度 ∂L/∂(·)"),
    value_color: str = "#1f5fa8",
    grad_color: str = "#c0392b",
):
    """Draw ``nodes`` joined by arrows ``edges`` (``(source name, target name)`` pairs).

    Returns the matplotlib ``Figure`` (a new one unless ``ax`` is given).  Values are drawn above
    each box in ``value_color``, gradients below it in ``grad_color``; ``legend`` names the two
    (``None``: no legend).  Raises ``ValueError`` for duplicate node names, an unknown node kind,
    or an edge naming a node that is not in ``nodes``.
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
            *n.xy, n.label, ha="center", va="center", fontsize=11, zorder=3,
            bbox={"boxstyle": "round,pad=0.45", "facecolor": face, "edgecolor": edge,
                  "linewidth": 1.3})
        if n.value is not None:
            ax.annotate(n.value, n.xy, xytext=(n.shift, 15), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8.5, color=value_color,
                        family="monospace", zorder=4)
        if n.grad is not None:
            ax.annotate(n.grad, n.xy, xytext=(n.shift, -15), textcoords="offset points",
                        ha="center", va="top", fontsize=8.5, color=grad_color,
                        family="monospace", zorder=4)
    xs = [n.xy[0] for n in nodes]
    ys = [n.xy[1] for n in nodes]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
    ax.set_ylim(min(ys) - 1.3, max(ys) + 1.3)
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
                    arrowprops={"arrowstyle": "-|>", "color": "0.35", "linewidth": 1.2,
                                "shrinkA": 1, "shrinkB": 1, "mutation_scale": 14})
    ax.set_axis_off()
    if legend is not None:
        handles = [Line2D([], [], color=value_color, linewidth=3),
                   Line2D([], [], color=grad_color, linewidth=3)]
        ax.legend(handles, legend, loc="upper right", frameon=False, fontsize=9)
    return fig


def _edge_point(centre, towards, half_size):
    """Where the segment from ``centre`` to ``towards`` leaves a box of ``half_size`` (w/2, h/2)."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    hw, hh = half_size
    scale = min(hw / abs(dx) if dx else float("inf"), hh / abs(dy) if dy else float("inf"))
    if scale == float("inf"):
        return centre
    return (centre[0] + dx * scale, centre[1] + dy * scale)


# The 2-3-2 network of chapter 4, left to right; positions in data units.  Keys are the names the
# chapter passes values under; labels use the book's notation (appendix 符号表): X, Z_l, H_l, y.
_TWO_LAYER = (
    ("x", r"$X$", (0.0, 2.4), "input"),
    ("W1", r"$W_1$", (0.0, 0.0), "param"),
    ("b1", r"$b_1$", (0.0, -2.4), "param"),
    ("z_h", r"$Z_1 = XW_1 + b_1$", (3.2, 0.0), "value", 22),
    ("h", r"$H_1 = \sigma(Z_1)$", (6.2, 0.0), "value"),
    ("W2", r"$W_2$", (6.6, -2.6), "param", -30),
    ("b2", r"$b_2$", (8.6, -2.6), "param", 22),
    ("z_o", r"$Z_2 = H_1W_2 + b_2$", (9.2, 0.0), "value", 26),
    ("y_hat", r"$\hat{y} = \sigma(Z_2)$", (12.1, 0.0), "value"),
    ("t", r"$y$", (15.0, -2.6), "input", 24),
    ("L", r"$L = \frac{1}{2}\sum_k(\hat{y}_k - y_k)^2$", (15.0, 0.0), "loss"),
)
_TWO_LAYER_EDGES = (("x", "z_h"), ("W1", "z_h"), ("b1", "z_h"), ("z_h", "h"), ("h", "z_o"),
                    ("W2", "z_o"), ("b2", "z_o"), ("z_o", "y_hat"), ("y_hat", "L"), ("t", "L"))


def two_layer_network_graph(values: Mapping[str, str], grads: Mapping[str, str], *, ax=None,
                            **kwargs):
    """The computational graph of a two-layer network with squared-error loss (chapter 4).

    values, grads: node name -> text to print (forward value above the node, ``dL/d(node)`` below
    it); names are ``x, W1, b1, z_h, h, W2, b2, z_o, y_hat, t, L``, any may be left out.
    Other keyword arguments go to :func:`computational_graph`.  Returns the ``Figure``.
    Raises ``ValueError`` naming any key that is not a node of the graph.
    """
    known = [node[0] for node in _TWO_LAYER]
    for which, mapping in (("values", values), ("grads", grads)):
        unknown = sorted(set(mapping) - set(known))
        if unknown:
            raise ValueError(f"{which} has keys {unknown} that are not nodes; nodes are {known}")
    nodes = [GraphNode(name, label, xy, values.get(name), grads.get(name), kind, *shift)
             for name, label, xy, kind, *shift in _TWO_LAYER]
    return computational_graph(nodes, _TWO_LAYER_EDGES, ax=ax, **kwargs)


# ------------------------------------------------------------------ the LSTM cell (chapter 5)
# One step of chapter 5's equations: positions in data units (x: 0-11, y: 0-6.4).
_LSTM_GATES = (  # name, function drawn in the box, label under the box, x
    ("F", r"$\sigma$", r"遗忘门 $F_t$", 2.6),
    ("I", r"$\sigma$", r"输入门 $I_t$", 3.9),
    ("G", r"$\phi$", r"候选值 $G_t$", 5.2),
    ("O", r"$\sigma$", r"输出门 $O_t$", 6.5),
)


def lstm_cell_diagram(*, ax=None, figsize: tuple[float, float] = (9.0, 5.2),
                      activation: str = r"\phi"):
    """One LSTM step as chapter 5 writes it: gates, cell state and hidden state.

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
        ax.text(*xy, symbol, ha="center", va="center", fontsize=13, zorder=4)

    def box(xy, text, face="#fdf3e6", edge="#dd8452", width=0.8, height=0.6):
        ax.add_patch(FancyBboxPatch((xy[0] - width / 2, xy[1] - height / 2), width, height,
                                    boxstyle="round,pad=0.05", facecolor=face, edgecolor=edge,
                                    linewidth=1.3, zorder=3))
        ax.text(*xy, text, ha="center", va="center", fontsize=12, zorder=4)

    # The cell: a rounded frame.
    ax.add_patch(FancyBboxPatch((1.2, 0.55), 7.6, 5.0, boxstyle="round,pad=0.1",
                                facecolor="#f7f7f7", edgecolor="0.6", linewidth=1.0, zorder=0))
    y_c, y_gate, y_bus, y_mix = 4.9, 2.3, 1.3, 3.6
    x = {name: gx for name, _, _, gx in _LSTM_GATES}
    phi_text = rf"${activation}$"

    # Bottom: H_{t-1} enters, X_t joins it, the bus Z_t feeds the four gates.
    path((0.2, y_bus), (x["O"], y_bus), colour=h_colour)
    arrow((1.8, -0.2), (1.8, y_bus - 0.02))
    ax.text(0.2, y_bus + 0.18, r"$H_{t-1}$", ha="left", va="bottom", fontsize=12, color=h_colour)
    ax.text(1.8, -0.3, r"$X_t$", ha="center", va="top", fontsize=12)
    ax.text(4.55, 0.78, r"$Z_t = X_t W + H_{t-1} U + b$", ha="center", va="center",
            fontsize=11)
    for _name, symbol, label, gx in _LSTM_GATES:
        arrow((gx, y_bus), (gx, y_gate - 0.34))
        box((gx, y_gate), phi_text if symbol == r"$\phi$" else symbol)
        ax.text(gx + 0.08, y_gate + 0.55, label, ha="left", va="bottom", fontsize=8.5,
                color="0.2")

    # Top: the cell-state path.
    path((0.2, y_c), (x["F"] - 0.27, y_c), colour=c_colour)
    ax.text(0.2, y_c + 0.18, r"$C_{t-1}$", ha="left", va="bottom", fontsize=12, color=c_colour)
    op((x["F"], y_c), r"$\odot$")
    x_add = (x["I"] + x["G"]) / 2
    path((x["F"] + 0.27, y_c), (x_add - 0.27, y_c), colour=c_colour)
    op((x_add, y_c), r"$+$")
    arrow((x_add + 0.27, y_c), (10.6, y_c), colour=c_colour)
    ax.text(10.6, y_c + 0.18, r"$C_t$", ha="right", va="bottom", fontsize=12, color=c_colour)
    # Forget gate multiplies the old cell state.
    arrow((x["F"], y_gate + 0.34), (x["F"], y_c - 0.27))
    # Input gate times candidate, added to the cell state.
    op((x_add, y_mix), r"$\odot$")
    path((x["I"], y_gate + 0.34), (x["I"], y_mix), (x_add - 0.27, y_mix))
    path((x["G"], y_gate + 0.34), (x["G"], y_mix), (x_add + 0.27, y_mix))
    arrow((x_add, y_mix + 0.27), (x_add, y_c - 0.27))
    # Output: H_t = O_t ⊙ φ(C_t).
    x_out = 7.7
    y_phi = 3.75
    arrow((x_out, y_c), (x_out, y_phi + 0.32), colour=c_colour)
    box((x_out, y_phi), phi_text, face="#eef3f8", edge=c_colour, width=0.8, height=0.55)
    op((x_out, y_gate), r"$\odot$")
    arrow((x_out, y_phi - 0.28), (x_out, y_gate + 0.27))
    arrow((x["O"] + 0.4, y_gate), (x_out - 0.27, y_gate))
    path((x_out, y_gate - 0.27), (x_out, y_bus), colour=h_colour)
    arrow((x_out, y_bus), (10.6, y_bus), colour=h_colour)
    ax.text(10.6, y_bus + 0.18, r"$H_t$", ha="right", va="bottom", fontsize=12, color=h_colour)
    arrow((9.6, y_bus), (9.6, 6.2), colour=h_colour)
    ax.text(9.75, 6.2, r"$H_t$（下一层或输出）", ha="left", va="top", fontsize=9,
            color=h_colour)
    ax.text(5.0, 5.65, "细胞状态", ha="center", va="bottom", fontsize=9, color=c_colour)
    ax.text(9.2, 0.78, "隐藏状态", ha="center", va="center", fontsize=9, color=h_colour)

    ax.set_xlim(-0.1, 11.6)
    ax.set_ylim(-0.8, 6.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig
