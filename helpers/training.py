"""Training a model on pet images with Keras' own ``compile`` and ``fit``: seeded, quiet, one short line per epoch.

Notebook 02 writes the training out in plain Keras::

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(training.batches(train_pets, seed=SEED), steps_per_epoch=training.steps_per_epoch(train_pets),
              epochs=6, validation_data=training.arrays(val_pets), callbacks=[...])

:func:`train` is exactly those two calls, written once so every later
notebook and ``make bench`` train the same way (``tests/test_models.py``
proves that the two give the same parameters). :func:`batches` shuffles the
pictures, cuts them into batches and changes each picture a little
(:func:`augment_batch`); :class:`EpochLine` prints the rounded numbers after
each epoch, without timings, so the printed lines are the same on every run
and every machine. Introduced in notebook 02.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .data import PetImages
from .i18n import tr, tr_noop

# The measures of the line printed after each epoch, as they are called there (Keras's names, in the notebook's language).
_EPOCH_LINE_WORDS = {"loss": tr_noop("loss"), "accuracy": tr_noop("accuracy"),
                     "val_loss": tr_noop("val_loss"), "val_accuracy": tr_noop("val_accuracy")}


def _check_model_and_data(model, pets: PetImages, class_names, what: str) -> None:
    n_out = model.output_shape[-1]
    if n_out != len(class_names):
        raise ValueError(
            tr("the model has {outputs} outputs but class_names has {n} names {names}; "
               "give one class name per output (e.g. grow the head with models.grow_head before adding 'rabbit').").format(
                outputs=n_out, n=len(class_names), names=tuple(class_names))
        )
    expected = tuple(model.input_shape[1:])
    if tuple(pets.images.shape[1:]) != expected:
        raise ValueError(
            tr("the model expects pictures of shape {expected} but the {what} pictures have shape "
               "{shape}; load them with image_size={size} (or build the model for their size).").format(
                expected=expected, what=what, shape=tuple(pets.images.shape[1:]), size=expected[0])
        )


def _positive(value, name: str, kind=int):
    ok = isinstance(value, (int, np.integer)) if kind is int else isinstance(value, (int, float, np.integer, np.floating))
    if isinstance(value, bool) or not ok or not value > 0:
        if kind is int:
            raise ValueError(tr("{name} must be a whole number above 0; got {value!r}.").format(name=name, value=value))
        raise ValueError(tr("{name} must be a number above 0; got {value!r}.").format(name=name, value=value))
    return kind(value)


def augment_batch(images: np.ndarray, rng: np.random.Generator, max_shift: int | None = None) -> np.ndarray:
    """Randomly changed copies of a batch: mirrored, shifted a few pixels, lighter or darker.

    The model sees a slightly different picture every time, which helps it
    learn shapes rather than memorise pixels. Returns float32. Used by ``training``.
    """
    n, h, w, _ = images.shape
    shift = max(1, h // 10) if max_shift is None else max_shift
    padded = np.pad(images, ((0, 0), (shift, shift), (shift, shift), (0, 0)), mode="edge")
    dy, dx = rng.integers(0, 2 * shift + 1, size=(2, n))
    out = np.empty((n, h, w, 3), dtype=np.float32)
    flips = rng.random(n) < 0.5
    for i in range(n):
        crop = padded[i, dy[i] : dy[i] + h, dx[i] : dx[i] + w]
        out[i] = crop[:, ::-1] if flips[i] else crop
    gain = rng.uniform(0.8, 1.2, size=(n, 1, 1, 1)).astype(np.float32)
    offset = rng.uniform(-20, 20, size=(n, 1, 1, 1)).astype(np.float32)
    return np.clip(out * gain + offset, 0, 255)


def batches(pets: PetImages, class_names=("cat", "dog"), batch_size: int = 32, seed: int = 0, augment: bool = True,
            sample_weight=None):
    """Endless ``(pictures, labels)`` batches for ``model.fit``: shuffled anew every pass, each picture changed a little.

    One pass over all pictures is an *epoch*; give ``fit`` the number of
    batches per pass with ``steps_per_epoch=steps_per_epoch(pets)``.
    ``augment=False`` gives the pictures as they are. ``sample_weight``
    (one number per picture) adds a third item: how much each picture counts.
    The same ``seed`` gives the same batches. Introduced in notebook 02.
    """
    rng = np.random.default_rng(seed)
    labels = pets.labels(class_names)
    while True:
        order = rng.permutation(len(pets))
        for start in range(0, len(pets), batch_size):
            idx = order[start : start + batch_size]
            x = augment_batch(pets.images[idx], rng) if augment else pets.images[idx].astype(np.float32)
            yield (x, labels[idx]) if sample_weight is None else (x, labels[idx], sample_weight[idx])


def steps_per_epoch(pets: PetImages, batch_size: int = 32) -> int:
    """How many batches make one pass over ``pets`` (the last one may be smaller). Introduced in notebook 02."""
    return math.ceil(len(pets) / batch_size)


def arrays(pets: PetImages, class_names=("cat", "dog")) -> tuple:
    """``(pictures, labels)`` as arrays, e.g. for ``fit(validation_data=...)`` or ``evaluate``. Introduced in notebook 02."""
    return pets.images.astype(np.float32), pets.labels(class_names)


@functools.lru_cache(maxsize=None)
def _epoch_line_class():
    import keras

    class EpochLine(keras.callbacks.Callback):
        """A Keras callback that prints one rounded line per epoch: ``epoch 1/6  loss 0.626  accuracy 0.642 ...``.

        Introduced in notebook 02.
        """

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            shown = [k for k in ("loss", "accuracy", "val_loss", "val_accuracy") if k in logs]
            print(tr("epoch {epoch}/{epochs}").format(epoch=epoch + 1, epochs=self.params.get("epochs")) + "  "
                  + "  ".join(f"{tr(_EPOCH_LINE_WORDS[k])} {float(logs[k]):.3f}" for k in shown))

    return EpochLine


@functools.lru_cache(maxsize=None)
def _dots_class():
    import keras

    class Dots(keras.callbacks.Callback):
        """Shows that a quiet training is alive: ``label (N epochs): ....`` one dot per epoch, then ``done``."""

        def __init__(self, label: str):
            super().__init__()
            self.label = label

        def on_train_begin(self, logs=None):
            print(tr("{label} ({epochs} epochs): ").format(label=self.label, epochs=self.params.get("epochs")), end="", flush=True)

        def on_epoch_end(self, epoch, logs=None):
            print(".", end="", flush=True)

        def on_train_end(self, logs=None):
            print(" " + tr("done"), flush=True)

    return Dots


def shrinking_steps(learning_rate: float, epochs: int):
    """A Keras callback that sets the step size of each epoch along half a cosine (:func:`decayed_learning_rate`).

    Introduced in notebook 02.
    """
    import keras

    return keras.callbacks.LearningRateScheduler(lambda epoch, lr: decayed_learning_rate(learning_rate, epoch, epochs))


def train(
    model,
    train_pets: PetImages,
    val_pets: PetImages | None = None,
    class_names=("cat", "dog"),
    epochs: int = 8,
    learning_rate: float = 1e-3,
    batch_size: int = 32,
    seed: int = 0,
    augment: bool = True,
    weights=None,
    callbacks=None,
    quiet: bool = False,
    learning_rate_decay: bool = False,
    progress: str | None = None,
) -> dict:
    """Train ``model`` on ``train_pets`` (``compile``, then ``fit``) and return its history (one list per measure, one entry per epoch).

    - ``class_names``: the model's outputs, in order (``("cat", "dog")``, later ``("cat", "dog", "rabbit")``).
    - ``learning_rate``: how big each step is (Adam optimiser); fine-tuning uses small ones.
    - ``augment``: show randomly mirrored/shifted/relit copies (see :func:`augment_batch`).
    - ``weights``: how much each picture counts, as ``{breed: weight}`` or one number per picture (default 1).
    - ``callbacks``: Keras callbacks (e.g. ``widgets.LiveTrainingPlot()``), given to ``fit``.
    - ``quiet``: no line per epoch. ``progress``: instead, this label and one dot per epoch
      (``fine-tuning (35 epochs): ..... done``), so a long cell shows it is working.
    - ``learning_rate_decay``: shrink the step size epoch by epoch, along half a
      cosine, from ``learning_rate`` to almost 0 in the last epoch (see
      :func:`decayed_learning_rate`). Fine-tuning uses it so the model settles
      instead of see-sawing between the new pictures and the old ones.

    Same model, data and ``seed`` give exactly the same parameters every time.
    Introduced in notebook 02.
    """
    from .setup import setup_tensorflow

    keras = setup_tensorflow(seed)  # deterministic ops and fixed threads, even if the caller forgot
    class_names = tuple(class_names)
    epochs = _positive(epochs, "epochs")
    batch_size = _positive(batch_size, "batch_size")
    learning_rate = _positive(learning_rate, "learning_rate", float)
    if len(train_pets) == 0:
        raise ValueError(tr("there are no training pictures; check the breeds or counts you asked for."))
    _check_model_and_data(model, train_pets, class_names, tr("training"))
    validation = None
    if val_pets is not None and len(val_pets):
        _check_model_and_data(model, val_pets, class_names, tr("validation"))
        validation = arrays(val_pets, class_names)
    callbacks = list(callbacks or [])
    if learning_rate_decay:
        callbacks.insert(0, shrinking_steps(learning_rate, epochs))
    if not quiet:
        callbacks.append(_epoch_line_class()())
    elif progress:
        callbacks.append(_dots_class()(progress))

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    fitted = model.fit(
        batches(train_pets, class_names, batch_size, seed, augment, _sample_weights(weights, train_pets)),
        steps_per_epoch=steps_per_epoch(train_pets, batch_size), epochs=epochs, validation_data=validation,
        callbacks=callbacks, verbose=0, shuffle=False,
    )
    keys = ["loss", "accuracy"] + (["val_loss", "val_accuracy"] if validation is not None else [])
    return {k: [float(v) for v in fitted.history[k]] for k in keys}


def decayed_learning_rate(learning_rate: float, epoch: int, epochs: int) -> float:
    """The step size for ``epoch`` (counted from 0) when it shrinks along half a cosine.

    Epoch 0 uses the full ``learning_rate``; it falls smoothly and ends near 0
    in the last epoch (a "cosine decay"). Used by ``training``.
    """
    return float(learning_rate * 0.5 * (1 + math.cos(math.pi * epoch / epochs)))


def balanced_weights(pets: PetImages) -> np.ndarray:
    """One weight per picture so that every class counts the same in total (class weights).

    With 150 dogs and 40 cats, each cat counts 150/40 times as much as a dog,
    so "always dog" is no longer an easy way to a low loss. Used by ``recipes``.
    """
    classes = np.asarray(pets.classes)
    names, counts = np.unique(classes, return_counts=True)
    per_class = {c: len(classes) / (len(names) * k) for c, k in zip(names, counts)}
    return np.array([per_class[c] for c in classes], dtype=np.float32)


def _sample_weights(weights, pets: PetImages):
    if weights is None:
        return None
    if isinstance(weights, dict):
        unknown = sorted(set(weights) - set(pets.breeds))
        if unknown:
            raise ValueError(tr("weights name breeds {unknown} that are not in the training pictures; check the spelling.").format(
                unknown=unknown))
        w = np.array([weights.get(b, 1.0) for b in pets.breeds], dtype=np.float32)
    else:
        w = np.asarray(weights, dtype=np.float32)
        if w.shape != (len(pets),):
            raise ValueError(tr("weights must be one number per training picture ({n}), got shape {shape}.").format(
                n=len(pets), shape=w.shape))
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError(tr("weights must be numbers of 0 or more."))
    return w


def __getattr__(name):
    # EpochLine is a Keras class; Keras is imported only when it is first asked for.
    if name == "EpochLine":
        cls = _epoch_line_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
