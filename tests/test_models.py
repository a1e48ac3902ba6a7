"""The model helpers: the default network, copies, freezing, growing the head, and seeded training."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from helpers import data, models, training

SIZE = 32


@pytest.fixture(scope="module")
def keras():
    from helpers.setup import setup_tensorflow

    return setup_tensorflow(0)


@pytest.fixture(scope="module")
def pets():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(12, SIZE, SIZE, 3), dtype=np.uint8)
    classes = ["cat", "dog"] * 6
    return data.PetImages(images, classes, [c + "_breed" for c in classes], "test")


def predict(model, pets):
    return np.asarray(model(pets.images.astype(np.float32), training=False))


def test_default_network_has_named_layers(keras):
    model = models.make_cnn(2, SIZE, seed=0)
    names = [layer.name for layer in model.layers]
    assert {"rescale", "conv1", "pool1", "features", "head"} <= set(names)
    assert model.output_shape == (None, 2)
    assert models.count_params(model) == sum(int(np.prod(w.shape)) for w in model.get_weights())


def test_same_seed_same_network(keras):
    a, b = models.make_cnn(2, SIZE, seed=3), models.make_cnn(2, SIZE, seed=3)
    c = models.make_cnn(2, SIZE, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))
    assert not all(np.array_equal(x, y) for x, y in zip(a.get_weights(), c.get_weights()))


def test_copy_gives_identical_predictions_and_is_independent(keras, pets):
    model = models.make_cnn(2, SIZE, seed=0)
    twin = models.copy_model(model, "twin")
    assert twin.name == "twin"
    assert np.array_equal(predict(model, pets), predict(twin, pets))
    before = predict(model, pets)
    training.train(twin, pets, epochs=1, batch_size=4, quiet=True)
    assert not np.array_equal(predict(twin, pets), before)
    assert np.array_equal(predict(model, pets), before), "training the copy must leave the original alone"


def test_freezing_keeps_the_base_and_trains_the_head(keras, pets):
    model = models.make_cnn(2, SIZE, seed=0)
    models.set_base_trainable(model, False)
    trainable = models.count_params(model, trainable_only=True)
    assert trainable == sum(int(np.prod(w.shape)) for w in model.get_layer("head").get_weights())
    base_before = model.get_layer("conv1").get_weights()[0].copy()
    head_before = model.get_layer("head").get_weights()[0].copy()
    training.train(model, pets, epochs=1, batch_size=4, quiet=True)
    assert np.array_equal(model.get_layer("conv1").get_weights()[0], base_before)
    assert not np.array_equal(model.get_layer("head").get_weights()[0], head_before)
    models.set_base_trainable(model, True)
    assert models.count_params(model, trainable_only=True) == models.count_params(model)


@pytest.mark.filterwarnings("ignore:The structure of `inputs`:UserWarning")
def test_grown_head_keeps_the_old_rows_and_the_old_answers(keras, pets):
    model = models.make_cnn(2, SIZE, seed=0)
    grown = models.grow_head(model, 1, name="grown")
    assert grown.output_shape == (None, 3)
    old_kernel, old_bias = model.get_layer("head").get_weights()
    kernel, bias = grown.get_layer("head").get_weights()
    assert np.array_equal(kernel[:, :2], old_kernel) and np.array_equal(bias[:2], old_bias)
    old, new = predict(model, pets), predict(grown, pets)
    assert np.array_equal(old.argmax(axis=1), new.argmax(axis=1))
    assert new[:, 2].max() < 0.01, "the new class starts with almost no probability"


def test_models_refuse_bad_settings_with_a_hint(keras):
    model = models.make_cnn(2, SIZE)
    with pytest.raises(ValueError, match="extra_classes"):
        models.grow_head(model, 0)
    keras_model = keras.Sequential([keras.Input((SIZE, SIZE, 3)), keras.layers.Flatten(), keras.layers.Dense(2, name="out")])
    with pytest.raises(ValueError, match="no layer named 'head'"):
        models.set_base_trainable(keras_model, False)


def test_training_is_seeded_and_prints_one_short_line_per_epoch(keras, pets, capsys):
    runs = []
    for _ in range(2):
        model = models.make_cnn(2, SIZE, seed=0)
        history = training.train(model, pets, pets, epochs=2, batch_size=4, seed=5)
        runs.append(model.get_weights())
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("epoch 1/2  loss ")
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"} and len(history["loss"]) == 2
    assert all(np.array_equal(a, b) for a, b in zip(*runs)), "same model, data and seed give the same parameters"


def test_learning_rate_decay_shrinks_the_step_to_almost_nothing(keras, pets):
    steps = [training.decayed_learning_rate(1e-3, e, 10) for e in range(10)]
    assert steps[0] == pytest.approx(1e-3)
    assert all(a > b for a, b in zip(steps, steps[1:]))
    assert steps[-1] < 0.03 * 1e-3
    model = models.make_cnn(2, SIZE, seed=0)
    training.train(model, pets, epochs=4, batch_size=4, learning_rate=1e-3, quiet=True, learning_rate_decay=True)
    assert float(model.optimizer.learning_rate) == pytest.approx(training.decayed_learning_rate(1e-3, 3, 4))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "epochs must be a whole number above 0"),
        ({"batch_size": -1}, "batch_size must be"),
        ({"learning_rate": 0}, "learning_rate must be a number above 0"),
        ({"class_names": ("cat", "dog", "rabbit")}, "has 2 outputs but class_names has 3"),
        ({"weights": {"unicorn": 2.0}}, "not in the training pictures"),
        ({"weights": [1.0, 2.0]}, "one number per training picture"),
    ],
)
def test_training_refuses_bad_input_with_a_hint(keras, pets, kwargs, message):
    model = models.make_cnn(2, SIZE)
    with pytest.raises(ValueError, match=message):
        training.train(model, pets, quiet=True, **kwargs)


def test_training_refuses_pictures_of_the_wrong_size(keras, pets):
    model = models.make_cnn(2, 48)
    with pytest.raises(ValueError, match="expects pictures of shape"):
        training.train(model, pets, quiet=True)
    with pytest.raises(ValueError, match="no training pictures"):
        training.train(model, pets.subset(np.arange(0)), quiet=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the setting exists only in Linux's C library")
def test_setup_keeps_freed_memory_on_linux(monkeypatch):
    """Without the pad a training faulted in millions of pages and ran up to three times slower (tools/bench.py)."""
    from helpers import setup

    assert setup.keep_freed_memory() is True  # glibc accepted M_TOP_PAD
    calls = []
    monkeypatch.setattr(setup, "keep_freed_memory", lambda: calls.append(True) or True)
    setup.setup_tensorflow(0)
    assert calls == [True]
