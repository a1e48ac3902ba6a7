"""Epoch axes count whole epochs: no tick at 1.5 or 2.5 (helpers.plots and the widgets' training plot)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers import plots  # noqa: E402

HISTORY = {"loss": [0.7, 0.5, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [0.6, 0.5, 0.5], "val_accuracy": [0.6, 0.7, 0.7]}


def test_plot_history_ticks_are_whole_epochs(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.plot_history(HISTORY)
    (figure,) = shown
    for ax in figure.axes:
        ax.figure.canvas.draw()
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
    plt.close(figure)
