"""Figures of mechanisms, drawn by code: the LSTM cell of chapter 5.

:func:`lstm_cell_diagram` draws one LSTM step in chapter 5's notation (gates I, F, O, candidate
G, cell state C, hidden state H).  Matplotlib only, so executing a chapter needs no system
package; Chinese text needs the book's CJK font (``bookkit.figures.use_book_style()``, which the
chapter calls first).  Each function here is self-contained.
"""

from __future__ import annotations

__all__ = ["lstm_cell_diagram"]


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
