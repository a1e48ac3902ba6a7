"""The plain Keras a notebook shows is the Keras the helpers run.

Notebook 02 builds the network layer by layer and trains it with ``compile``
and ``fit``; later notebooks and ``make bench`` use ``models.make_cnn`` and
``training.train``. These tests run the notebook's own cells (read from the
stored notebook) and prove that both give the same network, the same
parameters and the same history, so the numbers the helpers produce are the
numbers of the code a student reads.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from helpers import data, i18n, models, recipes, training, widgets

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_02 = next((ROOT / "notebooks").glob("02_*.ipynb"))


def cell_source(notebook: Path, *, tag: str | None = None, starts: str | None = None) -> str:
    """The source of the one code cell with ``tag`` (or whose code starts with ``starts``)."""
    cells = json.loads(notebook.read_text())["cells"]
    hits = [
        "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        and ((tag and tag in c["metadata"].get("tags", [])) or (starts and "".join(c["source"]).startswith(starts)))
    ]
    assert len(hits) == 1, f"expected one cell with tag={tag!r} starts={starts!r} in {notebook.name}, found {len(hits)}"
    return hits[0]


@pytest.fixture(scope="module")
def keras():
    from helpers.setup import setup_tensorflow

    return setup_tensorflow(0)


@pytest.mark.parametrize("seed, size, classes", [(0, 40, ("cat", "dog")), (7, 32, ("cat", "dog", "rabbit"))])
def test_notebook_02_network_is_make_cnn(keras, seed, size, classes):
    space = {"keras": keras, "SEED": seed, "course": SimpleNamespace(image_size=size, class_names=classes)}
    source = cell_source(NOTEBOOK_02, tag="build-cnn").replace("model.summary()", "")
    exec(source, space)
    shown, helper = space["model"], models.make_cnn(len(classes), size, seed=seed)

    def layers(model):
        return [(type(layer).__name__, {k: v for k, v in layer.get_config().items() if k != "name"}, layer.name)
                for layer in model.layers]

    assert layers(shown) == layers(helper)
    assert models.count_params(shown) == models.count_params(helper)
    for a, b in zip(shown.get_weights(), helper.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_notebook_02_network_differs_from_a_changed_one(keras):
    """The comparison above can fail: one filter count changed is caught."""
    space = {"keras": keras, "SEED": 0, "course": SimpleNamespace(image_size=40, class_names=("cat", "dog"))}
    source = cell_source(NOTEBOOK_02, tag="build-cnn").replace("model.summary()", "").replace("[16, 32, 64, 64]", "[16, 32, 64, 32]")
    exec(source, space)
    assert models.count_params(space["model"]) != models.count_params(models.make_cnn(2, 40, seed=0))


def test_notebook_02_compile_and_fit_are_training_train(keras, monkeypatch):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(40, 24, 24, 3), dtype=np.uint8)
    classes = ["cat", "dog"] * 20
    pets = data.PetImages(images, classes, [c + "_breed" for c in classes], "test")
    val = pets.subset(np.arange(10))
    monkeypatch.setattr(recipes, "BASE_EPOCHS", 3)
    course = SimpleNamespace(image_size=24, class_names=("cat", "dog"), source="toy")
    space = {"keras": keras, "SEED": 5, "course": course, "model": models.make_cnn(2, 24, seed=5),
             "train_pets": pets, "val_pets": val, "recipes": recipes, "training": training, "widgets": widgets,
             "tr": i18n.tr}
    exec(cell_source(NOTEBOOK_02, starts="model.compile("), space)
    space["time"] = time
    exec(cell_source(NOTEBOOK_02, starts="started = time.perf_counter()"), space)

    twin = models.make_cnn(2, 24, seed=5)
    history = training.train(twin, pets, val, course.class_names, epochs=3, learning_rate=recipes.LEARNING_RATE,
                             seed=5, quiet=True, learning_rate_decay=True)
    for a, b in zip(space["model"].get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)
    for key, values in history.items():
        assert space["history"].history[key] == pytest.approx(values, abs=1e-9)


NOTEBOOK_06 = next((ROOT / "notebooks").glob("06_*.ipynb"))


def test_notebook_06_grown_head_is_grow_head(keras):
    """The Dense head notebook 06 builds by hand is the one ``models.grow_head`` makes for the later cells."""
    base = models.make_cnn(2, 32, seed=4)
    space = {"keras": keras, "np": np, "models": models, "course": SimpleNamespace(class_names=("cat", "dog")),
             "recipes": SimpleNamespace(transfer_source=lambda course: base), "tr": i18n.tr}
    exec(cell_source(NOTEBOOK_06, tag="grow-head"), space)
    shown, helper = space["grown"], models.grow_head(base, 1)
    assert shown.output_shape == helper.output_shape == (None, 3)
    for a, b in zip(shown.get_weights(), helper.get_weights()):
        np.testing.assert_array_equal(a, b)
    pictures = np.random.default_rng(0).integers(0, 256, size=(8, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(shown(pictures)), np.asarray(helper(pictures)), rtol=0, atol=1e-7)
    assert base.get_layer("conv1") is not shown.get_layer("conv1"), "the grown model must not share layers with base"
