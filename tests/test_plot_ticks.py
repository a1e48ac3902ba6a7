"""Epoch axes count whole epochs: no tick at 1.5 or 2.5 (helpers.plots and the widgets' training plot)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers import plots  # noqa: E402

CURVES = {"cats and dogs answered right": [0.9, 0.4, 0.1], "called 'rabbit'": [0.1, 0.6, 0.9]}


def test_plot_epochs_ticks_are_whole_epochs(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.plot_epochs(CURVES)
    (figure,) = shown
    for ax in figure.axes:
        ax.figure.canvas.draw()
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
    plt.close(figure)
