"""The figures in helpers.plots say what the numbers say, and are readable.

Each test draws a figure with the Agg backend (no window), keeps it instead of
showing it, and checks one property a reader relies on.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402
from helpers.data import PetImages  # noqa: E402


@pytest.fixture
def drawn(monkeypatch):
    """Call ``drawn(plots.some_plot, ...)``: it returns the figure instead of showing it."""
    plt.close("all")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)

    def draw(function, *args, **kwargs):
        result = function(*args, **kwargs)
        assert result is None, "plot functions return nothing, so a notebook cell prints no extra text"
        fig = plt.gcf()
        fig.canvas.draw()
        return fig

    yield draw
    plt.close("all")


def pets(n):
    images = np.zeros((n, 8, 8, 3), dtype=np.uint8)
    return PetImages(images, np.array(["cat"] * n), np.array([f"breed{i}" for i in range(n)]))


# -- No empty grid slots ------------------------------------------------------------


@pytest.mark.parametrize(
    "n, ncols, shape",
    [(6, 8, (1, 6)), (8, 8, (1, 8)), (16, 8, (2, 8)), (20, 9, (4, 5)), (12, 8, (2, 6)), (1, 8, (1, 1))],
)
def test_grid_shape_fits_the_pictures(n, ncols, shape):
    assert plots._grid_shape(n, ncols) == shape


@pytest.mark.parametrize("n, ncols", [(6, 8), (13, 8), (20, 9), (16, 8)])
def test_show_images_leaves_no_empty_axes(drawn, n, ncols):
    fig = drawn(plots.show_images, pets(n), n=n, ncols=ncols)
    assert len(fig.axes) == n
    assert all(len(ax.images) == 1 for ax in fig.axes)


def test_show_images_with_fewer_pictures_than_asked(drawn):
    fig = drawn(plots.show_images, pets(6), n=16)
    assert len(fig.axes) == 6


def test_plot_filters_leaves_no_empty_axes(drawn):
    kernel = np.random.default_rng(0).normal(size=(3, 3, 3, 12))
    fig = drawn(plots.plot_filters, kernel)
    assert len(fig.axes) == 12
    assert all(len(ax.images) == 1 for ax in fig.axes)
