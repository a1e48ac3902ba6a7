"""The plotting code the lessons need, kept out of the notebooks.

Each function draws one figure and shows it (nothing is returned, so a cell
that ends with one of these prints no extra text). Introduced where each
docstring says.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .data import PetImages
from .i18n import tr, tr_noop

# The default titles and axis labels, shown in the notebook's language (a title given by a notebook is shown as given).
_LEARNING_CURVE_TITLE = tr_noop("Performance P grows with experience E")
_BREED_BARS_TITLE = tr_noop("Accuracy per breed")
_ACCURACY = tr_noop("accuracy")
_CONFUSION_TITLE = tr_noop("Confusion matrix")
_FILTERS_TITLE = tr_noop("What the first layer looks for")
_SIZES_TITLE = tr_noop("How big is the knowledge?")
_RECIPES_TITLE = tr_noop("What each ingredient of the recipe does")
_EPOCHS_TITLE = tr_noop("Epoch by epoch")
_EPOCHS_YLABEL = tr_noop("share of the old test pictures")


def _shown(text, default):
    """``text`` as given by a notebook, or the helper's own ``default`` in the notebook's language."""
    return tr(text) if text == default else text


def _name(name) -> str:
    """A class or breed name as shown in a chart: in the notebook's language (the data stay English)."""
    text = str(name)
    return tr(text) if text else text


def _legend_outside(ax):
    """The legend to the right of the plot, where it covers no data."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)


def _reference_lines(ax, chance=None, majority=None, vertical=False):
    """Dashed lines at the accuracy of guessing (``chance``) and of always answering the most common class (``majority``)."""
    line = ax.axvline if vertical else ax.axhline
    if chance is not None:
        line(chance, color="grey", linestyle="--", label=tr("chance level ({chance:.2f})").format(chance=chance))
    if majority is not None:
        line(majority, color="black", linestyle=":", label=tr("always the most common class ({majority:.2f})").format(majority=majority))


def _grid_shape(n: int, ncols: int = 8) -> tuple[int, int]:
    """Rows and columns for ``n`` pictures, at most ``ncols`` wide, with no empty slot where one can be avoided.

    6 pictures with ``ncols=8`` give 1 row of 6; 20 with ``ncols=9`` give 4 rows of 5.
    Only when no width from ``ncols`` down to just over half of it divides ``n`` (e.g. 13) is the last row short.
    """
    ncols = min(ncols, n)
    for cols in range(ncols, ncols // 2, -1):
        if n % cols == 0:
            return n // cols, cols
    return int(np.ceil(n / ncols)), ncols


def _picture_grid(n: int, ncols: int, size=(1.3, 1.55)):
    """A figure with exactly ``n`` picture axes, without frames; slots the grid does not need are removed.

    The layout is "constrained": it makes room for two-line captions, which
    ``tight_layout`` let run into the picture above.
    """
    nrows, ncols = _grid_shape(n, ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    for ax in axes.flat[:n]:
        ax.axis("off")
    return fig, list(axes.flat[:n])


def show_images(pets: PetImages, n: int = 16, ncols: int = 8, predicted=None, confidence=None, title=None, seed=None):
    """A grid of images labelled with their breed, and the prediction if given.

    ``predicted`` and ``confidence`` (one per image of ``pets``) add a line
    "→ dog 0.93" under each picture, red where the prediction is wrong.
    ``seed`` picks a random ``n`` instead of the first ``n``. The grid is at
    most ``ncols`` wide and has no empty slots (see _grid_shape).
    Introduced in notebook 01.
    """
    if n < 1 or ncols < 1:
        raise ValueError(tr("n and ncols must be at least 1."))
    idx = np.arange(len(pets))
    if seed is not None:
        idx = np.random.default_rng(seed).permutation(idx)
    idx = idx[:n]
    if len(idx) == 0:
        raise ValueError(tr("there are no images to show; check the breed or class filter you used."))
    fig, axes = _picture_grid(len(idx), ncols)
    for ax, i in zip(axes, idx):
        ax.imshow(pets.images[i], interpolation="nearest")
        label = _name(pets.breeds[i])
        colour = "black"
        if predicted is not None:
            label += f"\n→ {_name(predicted[i])}"
            if confidence is not None:
                label += f" {confidence[i]:.2f}"
            colour = "black" if predicted[i] == pets.classes[i] else "crimson"
        ax.set_title(label, fontsize=8, color=colour)
    if title:
        fig.suptitle(title)
    plt.show()


def plot_learning_curve(sizes, accuracies, chance: float | None = None, title=_LEARNING_CURVE_TITLE,
                        majority: float | None = None):
    """Accuracy against the number of training images (log scale). Introduced in notebook 01.

    ``chance`` and ``majority`` (the accuracy of always answering the most
    common class of the test set) are drawn as labelled dashed lines.
    """
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(sizes, accuracies, "o-", label=tr("accuracy on test images"))
    _reference_lines(ax, chance, majority)
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel(tr("experience E: number of training images (log scale)"))
    ax.set_ylabel(tr("performance P: accuracy"))
    ax.set_ylim(0, 1.02)
    ax.set_title(_shown(title, _LEARNING_CURVE_TITLE))
    _legend_outside(ax)
    fig.tight_layout()
    plt.show()


def plot_breed_bars(results: dict, title=_BREED_BARS_TITLE, highlight=None, ylabel=_ACCURACY,
                    chance: float | None = None, majority: float | None = None):
    """Bars of accuracy per breed, in the order given.

    ``results`` is either ``{breed: accuracy}`` or, to compare models side by
    side, ``{model_name: {breed: accuracy}}``. ``highlight`` names a breed to
    mark (e.g. ``"persian"``); ``ylabel`` says what the bars measure.
    ``chance`` and ``majority`` (accuracy of always answering the most common
    class) add dashed reference lines. With more than 12 breeds (the real
    photos have 37) the bars lie down: one row per breed, first breed on top.
    Introduced in notebook 03.
    """
    if results and not isinstance(next(iter(results.values())), dict):
        results = {"_nolegend_": results}  # one model: no legend entry for it
    breeds = list(dict.fromkeys(b for r in results.values() for b in r))
    lying = len(breeds) > 12
    has_legend = len(results) > 1 or chance is not None or majority is not None
    width = 0.8 / len(results)
    if lying:
        fig, ax = plt.subplots(figsize=(8, (0.16 + 0.08 * len(results)) * len(breeds) + 1.2))
    else:
        fig, ax = plt.subplots(figsize=(max(6, 0.75 * len(breeds) + 1) + 2 * has_legend, 3.6))
    positions = np.arange(len(breeds))
    names = [_name(b) for b in breeds]  # the data stay English; the ticks are in the notebook's language
    ylabel = _shown(ylabel, _ACCURACY)
    draw_bars = ax.barh if lying else ax.bar
    for k, (name, acc) in enumerate(results.items()):
        draw_bars(positions + (k - (len(results) - 1) / 2) * width, [acc.get(b, np.nan) for b in breeds], width, label=name)
    _reference_lines(ax, chance, majority, vertical=lying)
    if lying:
        ax.set_yticks(positions, names, fontsize=9)
        ax.set_ylim(len(breeds) - 0.5, -0.5)  # first breed on top
        ax.set_xlim(0, 1.05)
        ax.set_xlabel(ylabel)
        labels = ax.get_yticklabels()
    else:
        ax.set_xticks(positions, names, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(ylabel)
        labels = ax.get_xticklabels()
    if highlight in breeds:
        i = breeds.index(highlight)
        labels[i].set(color="crimson", fontweight="bold")
        (ax.axhspan if lying else ax.axvspan)(i - 0.5, i + 0.5, color="crimson", alpha=0.1, zorder=0)
    ax.set_title(_shown(title, _BREED_BARS_TITLE))
    if has_legend:
        _legend_outside(ax)
    fig.tight_layout()
    plt.show()


def plot_confusion(matrix, class_names, title=_CONFUSION_TITLE):
    """A confusion matrix (rows: true class, columns: predicted class). Introduced in notebook 06.

    Each cell is coloured by its share of the row, the true class, so a class
    with few pictures is as easy to read as one with many; the cell shows that
    share and, below it, the count: "98 %" over "(147)".
    """
    counts = np.asarray(matrix)
    row_totals = counts.sum(axis=1, keepdims=True)
    shares = counts / np.maximum(row_totals, 1)  # a class with no pictures gets a row of 0
    n = len(class_names)
    fig, ax = plt.subplots(figsize=(1.2 * n + 2.6, 1.1 * n + 1.2))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (i, j), share in np.ndenumerate(shares):
        ax.text(j, i, f"{100 * share:.0f} %\n({counts[i, j]})", ha="center", va="center",
                color="white" if share > 0.5 else "black")
    fig.colorbar(image, ax=ax, label=tr("share of the true class"))
    names = [_name(c) for c in class_names]
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel(tr("predicted class"))
    ax.set_ylabel(tr("true class"))
    ax.set_title(_shown(title, _CONFUSION_TITLE))
    fig.tight_layout()
    plt.show()


def plot_filters(model_or_kernel, layer: str = "conv1", title=_FILTERS_TITLE):
    """The first convolution layer's filters, each drawn as a tiny colour picture. Introduced in notebook 02.

    Give a model (its ``layer`` is drawn) or the layer's kernel itself, e.g. a copy kept from before training.
    """
    if hasattr(model_or_kernel, "get_layer"):
        kernel = np.asarray(model_or_kernel.get_layer(layer).get_weights()[0])  # (h, w, in, out)
    else:
        kernel = np.asarray(model_or_kernel)
    if kernel.ndim != 4 or kernel.shape[2] != 3:
        raise ValueError(tr("layer {layer!r} is not a convolution on colour images; use the first convolution layer.").format(layer=layer))
    n = kernel.shape[-1]
    fig, axes = _picture_grid(n, 8, size=(1.0, 1.0))
    for k, ax in enumerate(axes):
        f = kernel[..., k]
        f = (f - f.min()) / (f.max() - f.min() + 1e-8)
        ax.imshow(f, interpolation="nearest")
    fig.suptitle(_shown(title, _FILTERS_TITLE))
    plt.show()


def plot_sizes(sizes_bytes: dict, title=_SIZES_TITLE):
    """Horizontal bars of sizes in bytes on a linear axis, e.g. model file vs training data. Introduced in notebook 07.

    Each bar is labelled with its size ("277.7 kB"); every bar but the largest
    also says what share of the largest it is ("2.1 % of the largest"), which
    is all a bar too thin to see can tell.
    """
    names = list(sizes_bytes)
    values = [sizes_bytes[k] for k in names]
    largest = max(values)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(names) + 1.2))
    ax.barh(names, values)
    ax.invert_yaxis()  # the first size on top, as given
    for i, v in enumerate(values):
        label = human_bytes(v) if v == largest else tr("{size} = {share:.2g} % of the largest").format(
            size=human_bytes(v), share=100 * v / largest)
        ax.text(v + 0.01 * largest, i, label, va="center", fontsize=9)
    ax.set_xlim(0, 1.45 * largest)  # room for the labels
    ax.set_xticks([t for t in ax.get_xticks() if t <= largest])  # no ticks beyond the data
    ax.xaxis.set_major_formatter(lambda x, _: human_bytes(x) if x else "0")
    ax.set_xlabel(tr("size (linear scale)"))
    ax.set_title(_shown(title, _SIZES_TITLE))
    fig.tight_layout()
    plt.show()


def human_bytes(n: int) -> str:
    """1234567 → '1.2 MB'. Introduced in notebook 02."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return tr("{n:.0f} bytes").format(n=n) if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def plot_recipes(rows: dict, title=_RECIPES_TITLE):
    """Grouped horizontal bars: for each recipe, its accuracy on the Persians, on the old breeds together and on the worst old breed.

    ``rows`` is ``{recipe name: {"Persians": a, "old breeds together": b, "worst old breed": c}}``
    (accuracies from 0 to 1); each bar ends in its value. Introduced in notebook 05.
    """
    names = list(rows)
    measures = list(dict.fromkeys(m for r in rows.values() for m in r))
    height = 0.8 / len(measures)
    fig, ax = plt.subplots(figsize=(8, 0.9 * len(names) + 1.8))
    for k, measure in enumerate(measures):
        ys = np.arange(len(names)) + (k - (len(measures) - 1) / 2) * height
        values = [rows[n].get(measure, np.nan) for n in names]
        bars = ax.barh(ys, values, height, label=measure)
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
    ax.set_yticks(np.arange(len(names)), names)
    ax.invert_yaxis()  # the first recipe on top
    ax.set_xlim(0, 1)
    ax.set_xlabel(tr(_ACCURACY))
    ax.set_title(_shown(title, _RECIPES_TITLE))
    # below the plot, not to its right, where the values of bars near 1 are printed
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=len(measures))
    fig.tight_layout()
    plt.show()


def plot_epochs(curves: dict, title=_EPOCHS_TITLE, ylabel=_EPOCHS_YLABEL,
                chance: float | None = None, majority: float | None = None):
    """Lines of measures taken after every epoch, e.g. ``{"accuracy on cats and dogs": [...]}``. Introduced in notebook 06.

    ``chance`` and ``majority`` (accuracy of always answering the most common class) add dashed reference lines.
    """
    fig, ax = plt.subplots(figsize=(8, 3.4))
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, "o-", markersize=3, label=name)
    _reference_lines(ax, chance, majority)
    ax.set_xlabel(tr("epoch"))
    ax.set_ylabel(_shown(ylabel, _EPOCHS_YLABEL))
    ax.set_ylim(-0.02, 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(_shown(title, _EPOCHS_TITLE))
    _legend_outside(ax)
    fig.tight_layout()
    plt.show()
