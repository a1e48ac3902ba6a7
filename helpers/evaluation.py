"""Measuring performance P: how often the model is right, and where it is wrong.

All functions take a trained Keras model (or its predicted probabilities) and a
:class:`helpers.data.PetImages`. Accuracies are plain Python floats, so they
print and compare nicely. Introduced in notebook 01; per-breed views in 03.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .data import PetImages
from .i18n import tr


def predict_proba(model, pets: PetImages, class_names=("cat", "dog"), batch_size: int = 256) -> np.ndarray:
    """Class probabilities, one row per image (columns in ``class_names`` order), ``batch_size`` images at a time.

    Introduced in notebook 02.
    """
    n_out = model.output_shape[-1]
    if n_out != len(class_names):
        raise ValueError(
            tr("the model has {outputs} outputs but {n} class names {names} were given; "
               "pass the class names the model was trained with (e.g. ('cat', 'dog') before rabbits were added).").format(
                outputs=n_out, n=len(class_names), names=tuple(class_names))
        )
    expected = tuple(model.input_shape[1:])
    if len(pets) and tuple(pets.images.shape[1:]) != expected:
        raise ValueError(
            tr("the model expects images of shape {expected} but got {shape}; "
               "load the data with the same image_size the model was built for.").format(
                expected=expected, shape=tuple(pets.images.shape[1:]))
        )
    if len(pets) == 0:
        return np.zeros((0, n_out), dtype="float32")
    return predict_in_slices(model, pets.images, batch_size)


def predict_in_slices(model, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for ``images`` (at least one), ``batch_size`` at a time. Used by ``evaluation`` and ``sharing``.

    ``predict_on_batch``, one slice at a time, gives exactly what ``model.predict``
    gives, in about half the time on a few hundred pictures: ``predict`` sets up
    a data pipeline on every call, and the notebooks call it often.
    """
    images = images.astype("float32")
    return np.concatenate([np.asarray(model.predict_on_batch(images[start : start + batch_size]))
                           for start in range(0, len(images), batch_size)])


def _as_proba(model_or_proba, pets, class_names):
    if isinstance(model_or_proba, np.ndarray):
        proba = model_or_proba
        if proba.shape != (len(pets), len(class_names)):
            raise ValueError(
                tr("probabilities have shape {shape} but {images} images and {classes} classes "
                   "need shape (images, classes); compute them with predict_proba on the same images.").format(
                    shape=proba.shape, images=len(pets), classes=len(class_names))
            )
        return proba
    return predict_proba(model_or_proba, pets, class_names)


def predict_classes(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> np.ndarray:
    """The predicted class name of every image. Introduced in notebook 02."""
    proba = _as_proba(model_or_proba, pets, class_names)
    return np.asarray(class_names)[np.argmax(proba, axis=1)] if len(proba) else np.array([], dtype=str)


def accuracy(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> float:
    """Fraction of images whose predicted class is the true class: our P. Introduced in notebook 01."""
    if len(pets) == 0:
        raise ValueError(tr("cannot measure accuracy on 0 images; check the breed or class filter you used."))
    return float(np.mean(predict_classes(model_or_proba, pets, class_names) == pets.classes))


def sureness(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> np.ndarray:
    """How sure the model is of the right answer: the probability it gives each image's true class (0 to 1).

    Used by ``evaluation``.
    """
    proba = _as_proba(model_or_proba, pets, class_names)
    return proba[np.arange(len(pets)), pets.labels(class_names)]


def least_sure(model_or_proba, pets: PetImages, n: int, class_names=("cat", "dog")) -> np.ndarray:
    """The positions of up to ``n`` images per breed that the model gets right but is least sure about.

    Of each breed's images the model answers correctly, the ``n`` with the
    lowest :func:`sureness`, least sure first. They sit closest to the
    model's line between the classes, so they are the first that a small
    change to the model would flip. Used by ``recipes``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(tr("n must be a whole number, 0 or more; got {n!r}.").format(n=n))
    proba = _as_proba(model_or_proba, pets, class_names)
    sure = sureness(proba, pets, class_names)
    right = np.argmax(proba, axis=1) == pets.labels(class_names)
    chosen = []
    for breed in pets.breed_counts():
        idx = np.flatnonzero((pets.breeds == breed) & right)
        chosen.extend(idx[np.argsort(sure[idx], kind="stable")][:n])
    return np.array(chosen, dtype=int)


def accuracy_by_breed(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> dict[str, float]:
    """Accuracy for each breed separately (in the order the breeds appear). Introduced in notebook 03."""
    hits = predict_classes(model_or_proba, pets, class_names) == pets.classes
    return {b: float(np.mean(hits[pets.breeds == b])) for b in pets.breed_counts()}


def accuracy_by_class(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> dict[str, float]:
    """Accuracy for each class present in ``pets``. Introduced in notebook 06."""
    hits = predict_classes(model_or_proba, pets, class_names) == pets.classes
    return {c: float(np.mean(hits[pets.classes == c])) for c in class_names if np.any(pets.classes == c)}


def confusion_matrix(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> np.ndarray:
    """Counts: row = true class, column = predicted class. Introduced in notebook 06."""
    predicted = predict_classes(model_or_proba, pets, class_names)
    index = {c: i for i, c in enumerate(class_names)}
    unknown = sorted(set(pets.classes) - set(index))
    if unknown:
        raise ValueError(tr("images of class {unknown} cannot be scored by a model that only knows {names}.").format(
            unknown=unknown, names=tuple(class_names)))
    matrix = np.zeros((len(class_names), len(class_names)), dtype=int)
    for true, pred in zip(pets.classes, predicted):
        matrix[index[true], index[pred]] += 1
    return matrix


def called_as(model_or_proba, pets: PetImages, class_names=("cat", "dog")) -> dict[str, dict[str, float]]:
    """For each breed, the fraction of its images called each class.

    ``called_as(model, test)["persian"]["dog"]`` is the share of Persians the
    model calls dogs. Introduced in notebook 03.
    """
    predicted = predict_classes(model_or_proba, pets, class_names)
    return {
        b: {c: float(np.mean(predicted[pets.breeds == b] == c)) for c in class_names}
        for b in pets.breed_counts()
    }


def rounded(value, digits: int = 3):
    """Round every float inside dicts/lists/tuples, for printing stable numbers. Introduced in notebook 03."""
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v, digits) for v in value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), digits)
    if isinstance(value, np.integer):
        return int(value)
    return value


def fix_report(model_or_proba, pets: PetImages, before: dict, new_breed: str, class_names=("cat", "dog")) -> dict:
    """How a fine-tuning went, in the three numbers notebook 05 compares recipes by.

    ``before`` is ``accuracy_by_breed`` of the model before fine-tuning. Returns
    ``{"persians", "old_together", "worst_breed", "worst_breed_accuracy", "largest_drop"}``:
    the new breed's accuracy, the mean over the old breeds (each has as many
    test pictures), and the old breed that fell most, with its accuracy and its drop.
    Introduced in notebook 05.
    """
    after = accuracy_by_breed(model_or_proba, pets, class_names)
    old = [b for b in after if b != new_breed]
    drops = {b: before[b] - after[b] for b in old}
    worst = max(drops, key=drops.get)
    return {
        "persians": after[new_breed],
        "old_together": float(np.mean([after[b] for b in old])),
        "worst_breed": worst,
        "worst_breed_accuracy": after[worst],
        "largest_drop": drops[worst],
    }


def print_reports(reports: dict) -> None:
    """Print :func:`fix_report` results as a table, one line per recipe. Introduced in notebook 05.

    The last column is the old breed that fell most, its accuracy and its change
    (``-0.147``: it fell by 0.147).
    """
    names = {name: tr(name) for name in reports}  # the recipes' names in the notebook's language
    width = max(_width(shown) for shown in names.values())
    persians, old, worst_old = tr("Persians"), tr("old breeds together"), tr("worst old breed (its change)")
    persians_width, old_width = max(_width(persians), 6), max(_width(old), 6)  # each column as wide as its heading
    print(f"{_pad('', width)}  {_pad(persians, persians_width)}  {_pad(old, old_width)}  {worst_old}")
    for name, r in reports.items():
        change = -r["largest_drop"] + 0.0  # a fall prints with a minus sign; + 0.0 turns -0.0 into 0.0
        worst = f"{tr(r['worst_breed'])} {r['worst_breed_accuracy']:.3f} ({change:+.3f})"
        print(f"{_pad(names[name], width)}  {r['persians']:{persians_width}.3f}  {r['old_together']:{old_width}.3f}  {worst}")


def _width(text: str) -> int:
    """How many columns ``text`` takes in a fixed-width font: Hangul and other wide letters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns (see :func:`_width`)."""
    return str(text) + " " * max(0, width - _width(text))
