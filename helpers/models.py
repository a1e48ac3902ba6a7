"""The lesson's small image classifier, and the moves transfer learning makes with it.

A model here has two parts:

- the **base**: every layer that turns pixels into a short list of numbers,
  the *features* (layers ``rescale``, ``conv1`` ... ``conv4``, ``features``);
- the **head**: one ``Dense`` layer named ``"head"`` that turns the features
  into one probability per class.

Transfer learning copies the base's parameters (they hold what was learned
about pictures), and trains on — all layers, or only the head, or with a
bigger head for a new class.

Call :func:`helpers.setup.setup_tensorflow` before using this module.
Introduced in notebook 02; copying and freezing in 04; growing in 05.
"""

from __future__ import annotations

import numpy as np

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
    ``seed`` fixes the random starting values. Introduced in notebook 02.
    """
    keras = _import_keras()
    from keras import layers

    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 2:
        raise ValueError(f"num_classes must be a whole number, 2 or more; got {num_classes!r}.")
    if isinstance(image_size, bool) or not isinstance(image_size, (int, np.integer)) or not 16 <= image_size <= 512:
        raise ValueError(f"image_size must be a whole number of pixels from 16 to 512; got {image_size!r}.")
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

    A frozen layer keeps its parameters during training. Introduced in notebook 04.
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
    the model the new class. Introduced in notebook 05.
    """
    keras = _import_keras()
    from keras import layers

    if isinstance(extra_classes, bool) or not isinstance(extra_classes, (int, np.integer)) or extra_classes < 1:
        raise ValueError(f"extra_classes must be a whole number, 1 or more; got {extra_classes!r}.")
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
            f"model {model.name!r} has no layer named 'head'; use a model made by helpers.models.make_cnn "
            "(its output layer is called 'head')."
        ) from None
