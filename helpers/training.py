"""Training a model on pet images: seeded, quiet, one short line per epoch.

:func:`train` is a plain loop a student can read: shuffle the pictures, cut
them into batches, let each batch nudge the parameters (``train_on_batch``),
and after each epoch print the rounded numbers. No progress bars and no
timings, so the printed lines are the same on every run and every machine.
Introduced in notebook 02.
"""

from __future__ import annotations

import math

import numpy as np

from .data import PetImages


def _check_model_and_data(model, pets: PetImages, class_names, what: str) -> None:
    n_out = model.output_shape[-1]
    if n_out != len(class_names):
        raise ValueError(
            f"the model has {n_out} outputs but class_names has {len(class_names)} names {tuple(class_names)}; "
            "give one class name per output (e.g. grow the head with models.grow_head before adding 'rabbit')."
        )
    expected = tuple(model.input_shape[1:])
    if tuple(pets.images.shape[1:]) != expected:
        raise ValueError(
            f"the model expects pictures of shape {expected} but the {what} pictures have shape "
            f"{tuple(pets.images.shape[1:])}; load them with image_size={expected[0]} (or build the model for their size)."
        )


def _positive(value, name: str, kind=int):
    ok = isinstance(value, (int, np.integer)) if kind is int else isinstance(value, (int, float, np.integer, np.floating))
    if isinstance(value, bool) or not ok or not value > 0:
        raise ValueError(f"{name} must be a {'whole ' if kind is int else ''}number above 0; got {value!r}.")
    return kind(value)


def augment_batch(images: np.ndarray, rng: np.random.Generator, max_shift: int | None = None) -> np.ndarray:
    """Randomly changed copies of a batch: mirrored, shifted a few pixels, lighter or darker.

    The model sees a slightly different picture every time, which helps it
    learn shapes rather than memorise pixels. Returns float32. Introduced in notebook 02.
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


def _evaluate(model, images, labels, batch_size=256):
    probs = np.concatenate(
        [np.asarray(model(images[i : i + batch_size].astype(np.float32), training=False)) for i in range(0, len(images), batch_size)]
    )
    p = np.clip(probs[np.arange(len(labels)), labels], 1e-7, 1.0)
    return float(-np.mean(np.log(p))), float(np.mean(np.argmax(probs, axis=1) == labels))


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
) -> dict:
    """Train ``model`` on ``train_pets`` and return its history (one list per measure, one entry per epoch).

    - ``class_names``: the model's outputs, in order (``("cat", "dog")``, later ``("cat", "dog", "rabbit")``).
    - ``learning_rate``: how big each step is (Adam optimiser); fine-tuning uses small ones.
    - ``augment``: show randomly mirrored/shifted/relit copies (see :func:`augment_batch`).
    - ``weights``: how much each picture counts, as ``{breed: weight}`` or one number per picture (default 1).
    - ``callbacks``: objects with ``on_epoch_end(epoch, logs)`` (e.g. a live plot), called after each epoch.
    - ``quiet``: print nothing.
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
        raise ValueError("there are no training pictures; check the breeds or counts you asked for.")
    _check_model_and_data(model, train_pets, class_names, "training")
    labels = train_pets.labels(class_names)
    if val_pets is not None and len(val_pets):
        _check_model_and_data(model, val_pets, class_names, "validation")
        val_labels = val_pets.labels(class_names)
    else:
        val_pets = None
    sample_weight = _sample_weights(weights, train_pets)

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    history = {"loss": [], "accuracy": []}
    if val_pets is not None:
        history.update(val_loss=[], val_accuracy=[])
    callbacks = list(callbacks or [])
    for cb in callbacks:
        if hasattr(cb, "set_model"):
            cb.set_model(model)
        if hasattr(cb, "on_train_begin"):
            cb.on_train_begin({})
    n = len(train_pets)
    for epoch in range(epochs):
        if learning_rate_decay:
            model.optimizer.learning_rate.assign(decayed_learning_rate(learning_rate, epoch, epochs))
        order = rng.permutation(n)
        total_loss = total_hits = 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            x = augment_batch(train_pets.images[idx], rng) if augment else train_pets.images[idx].astype(np.float32)
            w = None if sample_weight is None else sample_weight[idx]
            result = model.train_on_batch(x, labels[idx], sample_weight=w, return_dict=True)
            total_loss += float(result["loss"]) * len(idx)
            total_hits += float(result["accuracy"]) * len(idx)
        logs = {"loss": total_loss / n, "accuracy": total_hits / n}
        if val_pets is not None:
            logs["val_loss"], logs["val_accuracy"] = _evaluate(model, val_pets.images, val_labels)
        for key, value in logs.items():
            history[key].append(value)
        if not quiet:
            print(f"epoch {epoch + 1}/{epochs}  " + "  ".join(f"{k} {v:.3f}" for k, v in logs.items()))
        for cb in callbacks:
            if hasattr(cb, "on_epoch_end"):
                cb.on_epoch_end(epoch, dict(logs))
    for cb in callbacks:
        if hasattr(cb, "on_train_end"):
            cb.on_train_end({})
    return history


def decayed_learning_rate(learning_rate: float, epoch: int, epochs: int) -> float:
    """The step size for ``epoch`` (counted from 0) when it shrinks along half a cosine.

    Epoch 0 uses the full ``learning_rate``; it falls smoothly and ends near 0
    in the last epoch (a "cosine decay"). Introduced in notebook 04.
    """
    return float(learning_rate * 0.5 * (1 + math.cos(math.pi * epoch / epochs)))


def _sample_weights(weights, pets: PetImages):
    if weights is None:
        return None
    if isinstance(weights, dict):
        unknown = sorted(set(weights) - set(pets.breeds))
        if unknown:
            raise ValueError(f"weights name breeds {unknown} that are not in the training pictures; check the spelling.")
        w = np.array([weights.get(b, 1.0) for b in pets.breeds], dtype=np.float32)
    else:
        w = np.asarray(weights, dtype=np.float32)
        if w.shape != (len(pets),):
            raise ValueError(f"weights must be one number per training picture ({len(pets)}), got shape {w.shape}.")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be numbers of 0 or more.")
    return w
