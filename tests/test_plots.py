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


@pytest.mark.parametrize("with_predictions", [False, True])
def test_captions_stay_clear_of_the_pictures_above(drawn, with_predictions):
    # Long breed names and two-line captions ("golden_retriever / → dog 0.93") once ran into the row above.
    shown = PetImages(np.zeros((16, 40, 40, 3), dtype=np.uint8), np.array(["dog"] * 16), np.array(["golden_retriever"] * 16))
    predicted = shown.classes if with_predictions else None
    confidence = np.full(16, 0.93) if with_predictions else None
    fig = drawn(plots.show_images, shown, n=16, predicted=predicted, confidence=confidence, title="a title")
    renderer = fig.canvas.get_renderer()
    top_row, bottom_row = fig.axes[:8], fig.axes[8:]
    lowest_picture = min(ax.get_window_extent(renderer).y0 for ax in top_row)
    highest_caption = max(ax.title.get_window_extent(renderer).y1 for ax in bottom_row)
    assert highest_caption < lowest_picture
    picture_tops = max(ax.get_window_extent(renderer).y1 for ax in top_row)
    assert picture_tops < fig._suptitle.get_window_extent(renderer).y0  # the title clears the pictures too


def test_plot_filters_leaves_no_empty_axes(drawn):
    kernel = np.random.default_rng(0).normal(size=(3, 3, 3, 12))
    fig = drawn(plots.plot_filters, kernel)
    assert len(fig.axes) == 12
    assert all(len(ax.images) == 1 for ax in fig.axes)


# -- Confusion matrices coloured by share of the row --------------------------------

RABBITS = [[140, 8, 2], [5, 145, 0], [0, 1, 39]]  # rows of 150, 150 and 40 pictures


def test_confusion_colours_follow_row_shares_not_counts(drawn):
    fig = drawn(plots.plot_confusion, RABBITS, ["cat", "dog", "rabbit"])
    ax = fig.axes[0]
    colours = np.asarray(ax.images[0].get_array())
    counts = np.array(RABBITS)
    np.testing.assert_allclose(colours, counts / counts.sum(axis=1, keepdims=True))
    assert ax.images[0].get_clim() == (0, 1)
    # the 39-of-40 rabbit diagonal is the darkest cell, not the palest
    assert colours[2, 2] == colours.max()


def test_confusion_cells_show_share_and_count(drawn):
    fig = drawn(plots.plot_confusion, RABBITS, ["cat", "dog", "rabbit"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "98 %\n(39)" in texts
    assert "93 %\n(140)" in texts
    assert len(texts) == 9


def test_confusion_has_a_labelled_colour_bar_and_axes(drawn):
    fig = drawn(plots.plot_confusion, RABBITS, ["cat", "dog", "rabbit"])
    ax, bar = fig.axes
    assert bar.get_ylabel() == "share of the true class"
    assert ax.get_xlabel() == "predicted class"
    assert ax.get_ylabel() == "true class"


def test_confusion_with_an_empty_row(drawn):
    fig = drawn(plots.plot_confusion, [[3, 1], [0, 0]], ["cat", "dog"])
    assert np.asarray(fig.axes[0].images[0].get_array())[1].tolist() == [0, 0]


# -- Size bars on a linear axis --------------------------------------------------------

SIZES = {"training pictures (2000)": 12_960_000, "the model's weights": 277_728}


def test_sizes_use_a_linear_axis(drawn):
    fig = drawn(plots.plot_sizes, SIZES)
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == [12_960_000, 277_728]


def test_sizes_print_each_size_and_the_share_of_the_largest(drawn):
    fig = drawn(plots.plot_sizes, SIZES)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["13.0 MB", "277.7 kB = 2.1 % of the largest"]


# -- Legends off the data, reference lines where accuracy is plotted ----------------


def legends_clear_of_the_data(fig):
    """The figure has a legend, and no legend overlaps the plotting area of any axes."""
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + fig.legends
    assert legends, "expected a legend"
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), f"legend over the data of {ax.get_title()!r}"
    return True


def line_labels(ax):
    return [line.get_label() for line in ax.get_lines()]


def test_learning_curve_legend_outside_with_chance_and_majority(drawn):
    fig = drawn(plots.plot_learning_curve, [20, 100, 2000], [0.55, 0.7, 0.95], chance=0.49, majority=0.556)
    assert legends_clear_of_the_data(fig)
    labels = line_labels(fig.axes[0])
    assert "chance level (0.49)" in labels
    assert "always the most common class (0.56)" in labels


def test_learning_curve_without_majority_draws_no_majority_line(drawn):
    fig = drawn(plots.plot_learning_curve, [20, 100, 2000], [0.55, 0.7, 0.95], chance=0.49)
    assert not any("most common" in label for label in line_labels(fig.axes[0]))
    assert fig.axes[0].get_xticks().tolist() == [20, 100, 2000]


def test_learning_curve_keeps_its_positional_arguments(drawn):
    fig = drawn(plots.plot_learning_curve, [20, 100], [0.5, 0.7], 0.5, "my title")
    assert fig.axes[0].get_title() == "my title"


# -- plot_recipes (notebook 05) --------------------------------------------------------

RECIPES = {
    "Persians only": {"Persians": 1.0, "old breeds together": 0.45, "worst old breed": 0.0},
    "with rehearsal": {"Persians": 0.9, "old breeds together": 0.95, "worst old breed": 0.81},
}


def test_recipes_are_grouped_horizontal_bars_with_values(drawn):
    fig = drawn(plots.plot_recipes, RECIPES)
    ax = fig.axes[0]
    assert len(ax.containers) == 3  # one set of bars per measure
    widths = [[bar.get_width() for bar in bars] for bars in ax.containers]
    assert widths == [[1.0, 0.9], [0.45, 0.95], [0.0, 0.81]]
    assert all(bar.get_height() < 0.3 for bars in ax.containers for bar in bars)  # horizontal bars, in groups
    assert {t.get_text() for t in ax.texts} >= {"1.00", "0.45", "0.00", "0.81"}
    assert ax.get_xlim() == (0, 1)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(RECIPES)


def test_recipes_legend_outside(drawn):
    fig = drawn(plots.plot_recipes, RECIPES, title="What the fix needs")
    assert legends_clear_of_the_data(fig)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(RECIPES["Persians only"])
    renderer = fig.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    assert not any(box.overlaps(t.get_window_extent(renderer)) for t in fig.axes[0].texts), "legend over a printed value"


# -- Per-breed bars: 9 toy breeds stand, 37 Oxford breeds lie down -------------------

TOY = {b: 0.9 for b in ["tabby", "siamese", "tuxedo", "russian_blue", "beagle", "labrador",
                         "sheepdog", "golden_retriever", "newfoundland"]} | {"persian": 0.1}
OXFORD = {f"breed_{i:02d}": 0.5 + i / 100 for i in range(36)} | {"persian": 0.2}


def tick_texts(labels):
    return [t.get_text() for t in labels]


def test_few_breeds_stand_up(drawn):
    fig = drawn(plots.plot_breed_bars, TOY, highlight="persian")
    ax = fig.axes[0]
    assert tick_texts(ax.get_xticklabels()) == list(TOY)
    assert [bar.get_height() for bar in ax.containers[0]] == list(TOY.values())
    assert ax.get_legend() is None  # one model, no reference lines: nothing to explain
    assert ax.get_xticklabels()[-1].get_color() == "crimson"


def test_37_breeds_lie_down_in_the_order_given(drawn):
    fig = drawn(plots.plot_breed_bars, OXFORD, highlight="persian")
    ax = fig.axes[0]
    assert tick_texts(ax.get_yticklabels()) == list(OXFORD)
    assert [bar.get_width() for bar in ax.containers[0]] == list(OXFORD.values())
    bottom, top = ax.get_ylim()
    assert top < bottom  # the first breed on top
    assert all(t.get_fontsize() >= 8 for t in ax.get_yticklabels())
    persian = ax.get_yticklabels()[list(OXFORD).index("persian")]
    assert persian.get_color() == "crimson"


def test_rows_do_not_overlap_with_37_breeds(drawn):
    fig = drawn(plots.plot_breed_bars, {"before": OXFORD, "after": OXFORD})
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].get_yticklabels()]
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:]))
    assert fig.get_figheight() > 10  # the figure grows with the breeds


def test_breed_bars_of_several_models_have_the_legend_outside(drawn):
    fig = drawn(plots.plot_breed_bars, {"before": TOY, "after": TOY})
    assert legends_clear_of_the_data(fig)
    assert tick_texts(fig.axes[0].get_legend().get_texts()) == ["before", "after"]


@pytest.mark.parametrize("breeds", [TOY, OXFORD], ids=["standing", "lying"])
def test_breed_bars_draw_chance_and_majority_when_given(drawn, breeds):
    fig = drawn(plots.plot_breed_bars, {"before": breeds, "after": breeds}, chance=0.5, majority=0.556)
    assert legends_clear_of_the_data(fig)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    majority = lines["always the most common class (0.56)"]
    along = majority.get_xdata() if breeds is OXFORD else majority.get_ydata()
    assert list(along) == [0.556, 0.556]
    assert "chance level (0.50)" in lines


def test_breed_bars_without_reference_values_draw_no_lines(drawn):
    fig = drawn(plots.plot_breed_bars, TOY, "title", "persian", "called 'dog'")
    assert fig.axes[0].get_lines() == []
    assert fig.axes[0].get_ylabel() == "called 'dog'"


def test_docstrings_name_the_renumbered_notebooks():
    assert "Introduced in notebook 06" in plots.plot_confusion.__doc__
    assert "Introduced in notebook 07" in plots.plot_sizes.__doc__
    assert "Introduced in notebook 05" in plots.plot_recipes.__doc__


def test_plot_epochs_legend_outside_and_whole_epochs(drawn):
    fig = drawn(plots.plot_epochs, {"accuracy on cats and dogs": [0.9, 0.6, 0.3], "rabbits": [0.2, 0.7, 0.99]})
    assert legends_clear_of_the_data(fig)
    ax = fig.axes[0]
    assert all(float(t).is_integer() for t in ax.get_xticks())


def test_plot_epochs_draws_majority_when_given(drawn):
    fig = drawn(plots.plot_epochs, {"old classes": [0.9, 0.5]}, majority=0.44)
    assert "always the most common class (0.44)" in line_labels(fig.axes[0])
