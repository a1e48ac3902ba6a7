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


def show_images(pets: PetImages, n: int = 16, ncols: int = 8, predicted=None, confidence=None, title=None, seed=None):
    """A grid of images labelled with their breed, and the prediction if given.

    ``predicted`` and ``confidence`` (one per image of ``pets``) add a line
    "→ dog 0.93" under each picture, red where the prediction is wrong.
    ``seed`` picks a random ``n`` instead of the first ``n``. Introduced in notebook 01.
    """
    if n < 1 or ncols < 1:
        raise ValueError("n and ncols must be at least 1.")
    idx = np.arange(len(pets))
    if seed is not None:
        idx = np.random.default_rng(seed).permutation(idx)
    idx = idx[:n]
    if len(idx) == 0:
        raise ValueError("there are no images to show; check the breed or class filter you used.")
    nrows = int(np.ceil(len(idx) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.55 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, idx):
        ax.imshow(pets.images[i], interpolation="nearest")
        label = pets.breeds[i]
        colour = "black"
        if predicted is not None:
            label += f"\n→ {predicted[i]}"
            if confidence is not None:
                label += f" {confidence[i]:.2f}"
            colour = "black" if predicted[i] == pets.classes[i] else "crimson"
        ax.set_title(label, fontsize=8, color=colour)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_learning_curve(sizes, accuracies, chance: float | None = None, title="Performance P grows with experience E"):
    """Accuracy against the number of training images (log scale). Introduced in notebook 01."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(sizes, accuracies, "o-", label="accuracy on test images")
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle="--", label=f"chance level ({chance:.2f})")
    ax.set_xscale("log")
    ax.set_xlabel("experience E: number of training images")
    ax.set_ylabel("performance P: accuracy")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    plt.show()


def plot_history(history: dict, fine_tuning_starts: int | None = None, title="Training"):
    """Loss and accuracy per epoch; optionally a line where fine-tuning starts.

    ``history`` is the dict returned by :func:`helpers.training.train`
    (several histories can be joined with ``+`` on their lists first).
    Introduced in notebook 02; the marker in notebook 04.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax1.plot(epochs, history["loss"], "o-", label="training")
    if history.get("val_loss"):
        ax1.plot(epochs, history["val_loss"], "o-", label="validation")
    ax1.set_title("loss (lower is better)")
    ax2.plot(epochs, history["accuracy"], "o-", label="training")
    if history.get("val_accuracy"):
        ax2.plot(epochs, history["val_accuracy"], "o-", label="validation")
    ax2.set_title("accuracy (higher is better)")
    ax2.set_ylim(0, 1.02)
    for ax in (ax1, ax2):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers: no tick at 1.5
        if fine_tuning_starts is not None:
            ax.axvline(fine_tuning_starts + 0.5, color="grey", linestyle="--")
            ax.text(fine_tuning_starts + 0.6, ax.get_ylim()[1], "fine-tuning starts", va="top", fontsize=8, color="grey")
        ax.legend(loc="best", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_breed_bars(results: dict, title="Accuracy per breed", highlight=None, ylabel="accuracy"):
    """Bars of accuracy per breed.

    ``results`` is either ``{breed: accuracy}`` or, to compare models side by
    side, ``{model_name: {breed: accuracy}}``. ``highlight`` names a breed to
    mark (e.g. ``"persian"``); ``ylabel`` says what the bars measure.
    Introduced in notebook 03.
    """
    if results and not isinstance(next(iter(results.values())), dict):
        results = {"accuracy": results}
    breeds = list(dict.fromkeys(b for r in results.values() for b in r))
    width = 0.8 / len(results)
    fig, ax = plt.subplots(figsize=(max(6, 0.75 * len(breeds) + 1), 3.6))
    for k, (name, acc) in enumerate(results.items()):
        xs = np.arange(len(breeds)) + (k - (len(results) - 1) / 2) * width
        ax.bar(xs, [acc.get(b, np.nan) for b in breeds], width, label=name)
    ax.set_xticks(np.arange(len(breeds)), breeds, rotation=30, ha="right")
    if highlight in breeds:
        ax.get_xticklabels()[breeds.index(highlight)].set_color("crimson")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(results) > 1:
        ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    plt.show()


def plot_confusion(matrix, class_names, title="Confusion matrix"):
    """A confusion matrix with counts in the cells (rows: true, columns: predicted). Introduced in notebook 05."""
    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(1.1 * len(class_names) + 1.8, 1.1 * len(class_names) + 1.2))
    ax.imshow(matrix, cmap="Blues")
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > matrix.max() / 2 else "black")
    ax.set_xticks(range(len(class_names)), class_names)
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    plt.show()


def plot_filters(model, layer: str = "conv1", title="What the first layer looks for"):
    """The first convolution layer's filters, each drawn as a tiny colour picture. Introduced in notebook 02."""
    kernel = np.asarray(model.get_layer(layer).get_weights()[0])  # (h, w, in, out)
    if kernel.ndim != 4 or kernel.shape[2] != 3:
        raise ValueError(f"layer {layer!r} is not a convolution on colour images; use the first convolution layer.")
    n = kernel.shape[-1]
    ncols = min(n, 8)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.0 * ncols, 1.0 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for k, ax in enumerate(axes.flat[:n]):
        f = kernel[..., k]
        f = (f - f.min()) / (f.max() - f.min() + 1e-8)
        ax.imshow(f, interpolation="nearest")
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_against_n(ns, curves: dict, ylabel="Persian accuracy", title="More examples help — and a head start helps more"):
    """Lines of a score against the number of new examples N, one per method. Introduced in notebook 04."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, values in curves.items():
        ax.plot(ns, values, "o-", label=name)
    ax.set_xlabel("N: new examples used for training")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_sizes(sizes_bytes: dict, title="How big is the knowledge?"):
    """Horizontal bars of sizes in bytes (log scale), e.g. model file vs training data. Introduced in notebook 06."""
    fig, ax = plt.subplots(figsize=(6, 0.6 * len(sizes_bytes) + 1.2))
    names = list(sizes_bytes)
    ax.barh(names, [sizes_bytes[k] for k in names])
    ax.set_xscale("log")
    ax.set_xlabel("bytes (log scale)")
    for i, k in enumerate(names):
        ax.text(sizes_bytes[k], i, f"  {human_bytes(sizes_bytes[k])}", va="center", fontsize=9)
    ax.set_title(title)
    fig.tight_layout()
    plt.show()


def human_bytes(n: int) -> str:
    """1234567 → '1.2 MB'. Introduced in notebook 02."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"
