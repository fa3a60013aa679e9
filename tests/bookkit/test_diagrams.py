"""bookkit.diagrams: the computational graph of chapter 4 draws what it is given, and refuses
graphs it cannot draw; chapter 5's LSTM cell shows every symbol of its equations."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from bookkit.diagrams import (
    GraphNode,
    computational_graph,
    lstm_cell_diagram,
    two_layer_network_graph,
)


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_two_layer_graph_shows_every_value_and_gradient_it_is_given():
    values = {"x": "1.0000\n2.0000", "z_h": "0.5000", "L": "0.0596"}
    grads = {"W1": "-0.0050", "b2": "-0.0677"}
    fig = two_layer_network_graph(values, grads)
    texts = _texts(fig)
    for s in (*values.values(), *grads.values()):
        assert s in texts
    labels = [t for t in texts if t.startswith("$")]
    assert len(labels) == 11                          # x, W1, b1, z_h, h, W2, b2, z_o, ŷ, t, L
    arrows = [t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 10
    plt.close(fig)


def test_arrows_start_and_end_on_the_box_edges_not_the_centres():
    nodes = [GraphNode("a", "a", (0.0, 0.0)), GraphNode("b", "b", (4.0, 0.0))]
    fig = computational_graph(nodes, [("a", "b")], legend=None)
    arrow = next(t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None)
    (x_start, _), (x_end, _) = arrow.xyann, arrow.xy
    assert 0.0 < x_start < x_end < 4.0
    plt.close(fig)


def test_draws_into_a_given_axes():
    fig, ax = plt.subplots()
    assert computational_graph([GraphNode("a", "a", (0.0, 0.0))], [], ax=ax) is fig
    plt.close(fig)


@pytest.mark.parametrize("nodes, edges, message", [
    ([], [], "nodes is empty"),
    ([GraphNode("a", "a", (0, 0)), GraphNode("a", "b", (1, 0))], [], "duplicate node names"),
    ([GraphNode("a", "a", (0, 0), kind="weight")], [], "kind 'weight'"),
    ([GraphNode("a", "a", (0, 0))], [("a", "z")], "names 'z', which is not a node"),
])
def test_bad_graphs_raise_value_errors_that_name_the_problem(nodes, edges, message):
    with pytest.raises(ValueError, match=message):
        computational_graph(nodes, edges)


def test_two_layer_graph_rejects_unknown_node_names():
    with pytest.raises(ValueError, match=r"grads has keys \['W3'\]"):
        two_layer_network_graph({}, {"W3": "0"})


def test_lstm_cell_shows_states_gates_and_the_shared_linear_step():
    fig = lstm_cell_diagram()
    texts = " ".join(_texts(fig))
    for symbol in ("$C_{t-1}$", "$C_t$", "$H_{t-1}$", "$H_t$", "$X_t$",
                   "$Z_t = X_t W + H_{t-1} U + b$", "$F_t$", "$I_t$", "$G_t$", "$O_t$"):
        assert symbol in texts, symbol
    # Three sigmoid gates, and the activation twice: the candidate and phi(C_t).
    assert _texts(fig).count(r"$\sigma$") == 3 and _texts(fig).count(r"$\phi$") == 2
    # Operations: forget ⊙, input ⊙, output ⊙ and one +.
    assert _texts(fig).count(r"$\odot$") == 3 and _texts(fig).count("$+$") == 1
    plt.close(fig)


def test_lstm_cell_names_the_activation_it_is_given_and_draws_into_an_axes():
    fig, ax = plt.subplots()
    assert lstm_cell_diagram(ax=ax, activation=r"\tanh") is fig
    assert _texts(fig).count(r"$\tanh$") == 2
    plt.close(fig)
    with pytest.raises(ValueError, match="activation must be a non-empty mathtext string"):
        lstm_cell_diagram(activation="")


def _smallest_printed_size(fig):
    """The smallest text size in points once the figure is scaled to the PDF's text width."""
    from bookkit.diagrams import PAGE_WIDTH

    scale = min(1.0, PAGE_WIDTH / fig.get_size_inches()[0])
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts]
    sizes += [t.get_fontsize() for ax in fig.axes if ax.get_legend()
              for t in ax.get_legend().get_texts()]
    return min(sizes) * scale


def _chapter4_texts():
    column = "0.5000\n1.1000\n1.7000"
    rows = "0.1000  0.3000  0.5000\n0.2000  0.4000  0.6000"
    names = ["x", "W1", "b1", "z_h", "h", "W2", "b2", "z_o", "y_hat", "t", "L"]
    return {n: rows if n.startswith("W") else column for n in names}


@pytest.mark.parametrize("which", ["values", "grads"])
def test_two_layer_graph_is_readable_at_the_page_width(which):
    """Chapter 4's figures: text at least 9 pt on the printed page, nothing outside the figure."""
    from bookkit.figures import use_book_style

    use_book_style()                       # the chapter's CJK font, so the text has its width
    texts = _chapter4_texts()
    fig = two_layer_network_graph(texts, {}) if which == "values" else \
        two_layer_network_graph({}, {k: v for k, v in texts.items() if k not in ("t", "L")})
    assert _smallest_printed_size(fig) >= 9
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    for t in fig.axes[0].texts:
        box = t.get_window_extent(renderer)
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, t.get_text()
    plt.close(fig)


def test_gradients_alone_are_drawn_in_the_gradient_colour():
    fig = two_layer_network_graph({}, {"W1": "-0.0050"}, legend=None)
    (text,) = [t for t in fig.axes[0].texts if t.get_text() == "-0.0050"]
    assert matplotlib.colors.to_hex(text.get_color()) == "#c0392b"
    plt.close(fig)


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
def test_lstm_cell_is_readable_at_the_page_width(stage):
    fig = lstm_cell_diagram(stage=stage)
    assert _smallest_printed_size(fig) >= 9
    plt.close(fig)


def test_lstm_cell_stages_add_gates_then_candidate_then_cell_state_then_hidden_state():
    def texts(stage):
        fig = lstm_cell_diagram(stage=stage)
        out = _texts(fig)
        plt.close(fig)
        return out

    one, two, three, four = (texts(k) for k in (1, 2, 3, 4))
    assert one.count(r"$\sigma$") == 3 and r"$\phi$" not in one
    assert two.count(r"$\phi$") == 1 and "$C_t$" not in two
    assert "$C_t$" in three and "$C_{t-1}$" in three and three.count(r"$\odot$") == 2
    assert "$H_t$" not in three and "$H_t$" in four and four.count(r"$\odot$") == 3
    with pytest.raises(ValueError, match="stage must be 1, 2, 3 or 4"):
        lstm_cell_diagram(stage=5)
    with pytest.raises(TypeError, match="stage must be an integer"):
        lstm_cell_diagram(stage="all")
