"""Figures of mechanisms, drawn by code: the computational graph of chapter 4.

Chapter 4 teaches backpropagation on a 2-3-2 network; :func:`two_layer_network_graph` draws that
network as a computational graph (inputs and parameters on the left, the loss on the right) with
each node's forward value above it and the gradient of the loss with respect to it below it.
:func:`computational_graph` is the general drawing it uses: named nodes at given positions and
arrows between them.  Matplotlib only (no graphviz), so executing a chapter needs no system
package; Chinese legend text needs the book's CJK font (``bookkit.figures.use_book_style()``,
which the chapter calls first).  Each function here is self-contained: other mechanism drawings
(the LSTM cell of chapter 5) live beside them without sharing state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["GraphNode", "computational_graph", "two_layer_network_graph"]

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


# The 2-3-2 network of chapter 4, left to right; positions in data units.
_TWO_LAYER = (
    ("x", r"$x$", (0.0, 2.4), "input"),
    ("W1", r"$W_1$", (0.0, 0.0), "param"),
    ("b1", r"$b_1$", (0.0, -2.4), "param"),
    ("z_h", r"$z_h = xW_1 + b_1$", (3.2, 0.0), "value", 22),
    ("h", r"$h = \sigma(z_h)$", (6.2, 0.0), "value"),
    ("W2", r"$W_2$", (6.6, -2.6), "param", -30),
    ("b2", r"$b_2$", (8.6, -2.6), "param", 22),
    ("z_o", r"$z_o = hW_2 + b_2$", (9.2, 0.0), "value", 26),
    ("y_hat", r"$\hat{y} = \sigma(z_o)$", (12.1, 0.0), "value"),
    ("t", r"$t$", (15.0, -2.6), "input", 24),
    ("L", r"$L = \frac{1}{2}\sum_k(\hat{y}_k - t_k)^2$", (15.0, 0.0), "loss"),
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
