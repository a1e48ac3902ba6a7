"""The lesson's small image classifier, and the moves transfer learning makes with it.

A model here has two parts:

- the **base**: every layer that turns pixels into a short list of numbers,
  the *features* (layers ``rescale``, ``conv1`` ... ``conv4``, ``features``);
- the **head**: one ``Dense`` layer named ``"head"`` that turns the features
  into one probability per class.

Transfer learning copies the base's parameters (they hold what was learned
about pictures), and trains on — all layers, or only the head, or with a
bigger head for a new class.

A saved model travels with a small *record* of how it was made
(:func:`save`, :func:`load_if_matching`), so a file left over from other
data, another picture size or an older toy-pet generator is never used by
mistake.

Call :func:`helpers.setup.setup_tensorflow` before using this module.
Introduced in notebook 02; copying in 04, freezing in 05, growing in 06.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .data import sha256_of
from .i18n import tr, tr_noop
from .toypets import DEFAULT_SIZE

FILTERS = (16, 32, 64, 64)  # filters of conv1 ... conv4; each block halves the picture size
NEW_CLASS_MARGIN = 5.0  # a grown head's new class starts this many logits below the old ones' mean


def _import_keras():
    import keras

    return keras


def make_cnn(num_classes: int = 2, image_size: int = DEFAULT_SIZE, name: str = "cat_dog", seed: int = 0):
    """A small convolutional network for ``image_size`` x ``image_size`` RGB pictures.

    The input is pixel values from 0 to 255 (the ``rescale`` layer divides by
    255). Four blocks of 3x3 convolutions and max-pooling (``conv1`` ...
    ``conv4``) find ever larger patterns; ``features`` keeps, for each of the
    last block's filters, how strongly it fired anywhere in the picture; the
    ``head`` turns those numbers into class probabilities (softmax).
    ``seed`` fixes the random starting values. Notebook 02 builds exactly this network by hand,
    layer by layer (``tests/test_notebook_keras.py`` proves they are the same). Introduced in notebook 04.
    """
    keras = _import_keras()
    from keras import layers

    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 2:
        raise ValueError(tr("num_classes must be a whole number, 2 or more; got {num_classes!r}.").format(num_classes=num_classes))
    if isinstance(image_size, bool) or not isinstance(image_size, (int, np.integer)) or not 16 <= image_size <= 512:
        raise ValueError(tr("image_size must be a whole number of pixels from 16 to 512; got {image_size!r}.").format(
            image_size=image_size))
    inputs = keras.Input(shape=(int(image_size), int(image_size), 3), name="pixels")
    x = layers.Rescaling(1 / 255, name="rescale")(inputs)
    for i, filters in enumerate(FILTERS, start=1):
        x = layers.Conv2D(
            filters, 3, padding="same", activation="relu", name=f"conv{i}",
            kernel_initializer=keras.initializers.HeUniform(seed=seed * 100 + i),
        )(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.GlobalMaxPooling2D(name="features")(x)
    outputs = layers.Dense(
        int(num_classes), activation="softmax", name="head",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed * 100 + 99),
    )(x)
    return keras.Model(inputs, outputs, name=name)


def count_params(model, trainable_only: bool = False) -> int:
    """How many numbers (parameters) the model has learned, or can still learn. Introduced in notebook 02."""
    weights = model.trainable_weights if trainable_only else model.weights
    return int(sum(int(np.prod(w.shape)) for w in weights))


def copy_model(model, name: str):
    """A new, independent model with the same layers and exactly the same parameter values.

    It gives identical predictions; training it leaves ``model`` unchanged.
    Introduced in notebook 04.
    """
    keras = _import_keras()
    config = model.get_config()
    config["name"] = name
    twin = keras.Model.from_config(config)
    twin.set_weights(model.get_weights())
    for layer, original in zip(twin.layers, model.layers):
        layer.trainable = original.trainable
    return twin


def set_base_trainable(model, trainable: bool) -> None:
    """Freeze (``False``) or unfreeze (``True``) every layer except the ``head``.

    A frozen layer keeps its parameters during training. Notebook 05 writes this loop out
    (``layer.trainable = False``). Introduced in notebook 06.
    """
    _head(model)
    for layer in model.layers:
        if layer.name != "head":
            layer.trainable = bool(trainable)


def grow_head(model, extra_classes: int = 1, name: str | None = None):
    """A copy of ``model`` whose head has ``extra_classes`` more outputs.

    The base is copied unchanged. The head's old columns (one per old class:
    the weights and the bias) are copied exactly, so the old classes' scores
    (logits) are exactly what they were. Each new class starts as the mean of
    the old classes' columns, lowered by ``NEW_CLASS_MARGIN`` (5): its score is
    then always at least 5 below the best old score, so its probability starts
    below 0.7 % and every old answer stays the same — until training teaches
    the model the new class. Introduced in notebook 06.
    """
    keras = _import_keras()
    from keras import layers

    if isinstance(extra_classes, bool) or not isinstance(extra_classes, (int, np.integer)) or extra_classes < 1:
        raise ValueError(tr("extra_classes must be a whole number, 1 or more; got {extra_classes!r}.").format(
            extra_classes=extra_classes))
    old_head = _head(model)
    kernel, bias = old_head.get_weights()
    base = copy_model(model, (name or model.name) + "_base")
    features = base.get_layer("features").output
    new_head = layers.Dense(kernel.shape[1] + int(extra_classes), activation="softmax", name="head")
    grown = keras.Model(base.input, new_head(features), name=name or f"{model.name}_grown")
    new_kernel = np.concatenate([kernel] + [kernel.mean(axis=1, keepdims=True)] * int(extra_classes), axis=1)
    new_bias = np.concatenate([bias] + [np.array([bias.mean() - NEW_CLASS_MARGIN], dtype=bias.dtype)] * int(extra_classes))
    new_head.set_weights([new_kernel, new_bias])
    return grown


def _head(model):
    try:
        return model.get_layer("head")
    except ValueError:
        raise ValueError(
            tr("model {name!r} has no layer named 'head'; use a model made by helpers.models.make_cnn "
               "(its output layer is called 'head').").format(name=model.name)
        ) from None


# -- saving with a record, and loading only what matches ------------------------------------


def record_path(path) -> Path:
    """Where the record of the model saved at ``path`` is kept: beside it, ``cat_dog.keras`` -> ``cat_dog.keras.json``. Used by ``models``."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def _replace_atomically(path: Path, write) -> None:
    """Call ``write(temporary_path)``, then rename the result to ``path``: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:  # also Ctrl-C: leave the old file as it was, and no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        raise


def write_record(path, record: dict) -> dict:
    """Write the record of the model file at ``path`` beside it; returns what was written.

    The record is ``record`` (how the model was made, e.g.
    ``course.model_record()``) plus the SHA-256 of the model file, so a file
    replaced or cut short later no longer matches it. Use it right after a
    plain ``model.save(path)``; :func:`save` does both. Introduced in notebook 02.
    """
    path = Path(path)
    written = dict(record, model_file_sha256=sha256_of(path))
    text = json.dumps(written, indent=1, sort_keys=True) + "\n"
    _replace_atomically(record_path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return written


def save(model, path, record: dict) -> Path:
    """``model.save(path)`` through a temporary file, plus its record (:func:`write_record`) beside it.

    The model is written to a temporary file in the same folder and renamed
    into place (``os.replace``), so a crash or Ctrl-C during saving never
    leaves half a model, and a notebook loading it at that moment gets the
    old model or the new one. Returns ``path``. Introduced in notebook 02.
    """
    path = Path(path)
    _replace_atomically(path, lambda tmp: model.save(tmp))
    write_record(path, record)
    return path


def shown_path(path) -> str:
    """``path`` relative to the project folder (``models/cat_dog.keras``), the same on every computer. Used by ``models``."""
    from .data import ROOT

    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


RECORD_WORDS = {  # how a record's entries are called in messages (shown with tr; SEED and QUICK are parameter names)
    "source": tr_noop("data source"), "data_dir": tr_noop("data folder"), "image_size": tr_noop("picture size"),
    "classes": tr_noop("classes"), "breeds": tr_noop("breeds"), "seed": "SEED", "quick": "QUICK",
    "generator_version": tr_noop("toy-pet generator version"), "base": tr_noop("base model"),
}
NO_SAVED_MODEL = tr_noop("No saved model at {name} yet")  # the reason load_if_matching gives when there is no file


def _mismatch(saved: dict, wanted: dict) -> str | None:
    for key, value in wanted.items():
        words = tr(RECORD_WORDS[key]) if key in RECORD_WORDS else key
        if key not in saved:
            return tr("its record does not say which {words} it was made with").format(words=words)
        if json.loads(json.dumps(saved[key])) != json.loads(json.dumps(value)):
            if key == "data_files":
                return tr("the photos in its data folder were added, removed or changed since it was trained")
            if key == "fine_tuning":
                return tr("it was fine-tuned from another model, on other pictures or with another recipe")
            return tr("it was made with {words} {saved!r}, this lesson uses {wanted!r}").format(
                words=words, saved=saved[key], wanted=value)
    return None


def load_if_matching(path, record: dict, attempts: int = 3):
    """The model saved at ``path``, if its record matches ``record``: ``(model, None)``; else ``(None, reason)``.

    ``reason`` is one line that names the file and says why it is not used:
    there is no such file, it has no record, it is empty, cut short or
    changed since its record was written, or it was made differently (other
    data, picture size, classes, seed or toy-pet generator). The caller then
    makes the model again. A save running at the same moment is waited for
    (``attempts`` reads). Used by ``models``, ``lesson``, ``recipes``.
    """
    import keras

    path = Path(path)
    name = shown_path(path)
    if not path.exists():
        return None, tr(NO_SAVED_MODEL).format(name=name)
    reason = None
    for _ in range(attempts):
        try:
            saved = json.loads(record_path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, tr("{name} has no record of how it was made (it was not saved with helpers.models.save)").format(name=name)
        except (OSError, ValueError):
            reason = tr("the record of {name} ({record}) cannot be read").format(name=name, record=record_path(path).name)
            time.sleep(0.2)
            continue
        if not isinstance(saved, dict):
            return None, tr("the record of {name} ({record}) is not a record").format(name=name, record=record_path(path).name)
        why = _mismatch(saved, record)
        if why:
            return None, tr("{name} does not fit this lesson: {why}").format(name=name, why=why)
        with tempfile.TemporaryDirectory(prefix="model_") as scratch:  # read once: a save cannot change it under us
            copy = Path(scratch) / path.name
            try:
                data = path.read_bytes()
            except OSError as error:
                return None, tr("{name} cannot be read ({error})").format(name=name, error=error.strerror or error)
            if hashlib.sha256(data).hexdigest() != saved.get("model_file_sha256"):
                reason = tr("{name} is empty, cut short or was changed after its record was written ({size:,} bytes)").format(
                    name=name, size=len(data))
                time.sleep(0.2)  # perhaps it is being saved right now: read both once more
                continue
            copy.write_bytes(data)
            try:
                model = keras.models.load_model(copy)
            except Exception as error:  # noqa: BLE001 - any file Keras cannot load is made again
                return None, tr("{name} cannot be loaded ({error})").format(
                    name=name, error=f"{type(error).__name__}: {str(error).splitlines()[0][:120]}")
        size, classes = record.get("image_size"), record.get("classes")
        if size is not None and tuple(model.input_shape[1:]) != (size, size, 3):
            return None, tr("{name} takes pictures of shape {shape}, this lesson uses {size}x{size} px").format(
                name=name, shape=tuple(model.input_shape[1:]), size=size)
        if classes is not None and model.output_shape[-1] != len(classes):
            return None, tr("{name} has {outputs} outputs, this lesson has {n} classes {classes}").format(
                name=name, outputs=model.output_shape[-1], n=len(classes), classes=tuple(classes))
        return model, None
    return None, reason
