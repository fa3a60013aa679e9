"""bookkit.diagrams.lstm_cell_diagram: chapter 5's LSTM cell shows every symbol of its equations."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bookkit.diagrams import lstm_cell_diagram  # noqa: E402


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


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
