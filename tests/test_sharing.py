"""Exporting a model and predicting with it in another process (helpers/sharing.py)."""

from types import SimpleNamespace

import numpy as np
import pytest

from helpers import sharing
from helpers.setup import setup_tensorflow


@pytest.fixture(scope="module")
def tiny_model():
    keras = setup_tensorflow(0)
    inputs = keras.Input((4, 4, 3), name="pixels")
    x = keras.layers.Rescaling(1 / 255, name="rescale")(inputs)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(2, activation="softmax", name="head")(x)
    return keras.Model(inputs, outputs, name="tiny")


def test_export_is_byte_identical_when_repeated(tiny_model, tmp_path):
    first = sharing.export_model(tiny_model, tmp_path / "a")
    second = sharing.export_model(tiny_model, tmp_path / "b")
    for key in ("weights", "architecture"):
        assert first[key]["sha256"] == second[key]["sha256"]
        assert len(first[key]["sha256"]) == 64
        assert first[key]["bytes"] == first[key]["path"].stat().st_size
    assert (tmp_path / "a" / "manifest.json").exists()


def test_other_process_gives_identical_predictions(tiny_model, tmp_path):
    export = sharing.export_model(tiny_model, tmp_path)
    images = np.random.default_rng(0).integers(0, 256, size=(5, 4, 4, 3)).astype("float32")
    there = sharing.predict_in_other_process(export, images)
    here = tiny_model.predict(images, verbose=0)
    assert np.array_equal(here, there)


def test_damaged_file_is_refused(tiny_model, tmp_path):
    export = sharing.export_model(tiny_model, tmp_path / "export")
    original = export["weights"]["path"].read_bytes()
    damaged = sharing.damaged_copy(export)
    assert damaged["weights"]["path"].parent == tmp_path / "export_damaged"  # beside the export, not in a stray temp folder
    assert export["weights"]["path"].read_bytes() == original  # the export itself is untouched
    assert sharing.sha256_of(damaged["weights"]["path"]) != export["weights"]["sha256"]
    with pytest.raises(sharing.FingerprintMismatch, match="does not match its fingerprint"):
        sharing.predict_in_other_process(damaged, np.zeros((1, 4, 4, 3), "float32"))


def test_damaged_copy_replaces_itself_and_never_the_export(tiny_model, tmp_path):
    export = sharing.export_model(tiny_model, tmp_path / "export")
    first = sharing.damaged_copy(export)
    again = sharing.damaged_copy(export)
    assert again["weights"]["path"] == first["weights"]["path"]
    assert sorted(p.name for p in (tmp_path / "export_damaged").iterdir()) == sorted(
        info["path"].name for info in export.values())
    assert sharing.sha256_of(again["weights"]["path"]) != export["weights"]["sha256"]  # damaged once, not twice (= undone)
    with pytest.raises(ValueError, match="another folder"):
        sharing.damaged_copy(export, folder=tmp_path / "export")


def test_export_writes_the_weights_without_the_optimiser_state(tiny_model, tmp_path):
    """A compiled, trained model's save_weights also stores Adam's two running averages per parameter; the export does not."""
    keras = setup_tensorflow(0)
    before = sharing.export_model(tiny_model, tmp_path / "uncompiled")
    trained = keras.models.clone_model(tiny_model)
    trained.set_weights(tiny_model.get_weights())
    trained.compile(optimizer=keras.optimizers.Adam(0.0), loss="sparse_categorical_crossentropy")
    trained.train_on_batch(np.zeros((2, 4, 4, 3), "float32"), np.array([0, 1]))  # builds Adam's state; lr 0 keeps the weights
    trained.save_weights(tmp_path / "with_optimizer.weights.h5")
    export = sharing.export_model(trained, tmp_path / "compiled")
    assert export["weights"]["sha256"] == before["weights"]["sha256"]  # the same weights, the same file
    extra = (tmp_path / "with_optimizer.weights.h5").stat().st_size - export["weights"]["bytes"]
    assert extra >= 2 * 4 * trained.count_params()  # two float32 running averages per parameter
    assert trained.optimizer is not None and len(trained.optimizer.variables) > 0  # the model itself keeps its optimiser


def test_other_process_reports_its_software_cpu_and_times(tiny_model, tmp_path):
    export = sharing.export_model(tiny_model, tmp_path)
    received = sharing.in_other_process(export, "predict", {"images": np.zeros((3, 4, 4, 3), "uint8")})
    assert received["predictions"].shape == (3, 2)
    assert received["machine"] == sharing.software_and_cpu()
    assert set(received["seconds"]) == {"start", "load", "predict"}
    assert all(s >= 0 for s in received["seconds"].values())


def test_other_process_learns_further(tiny_model, tmp_path):
    from helpers.data import PetImages

    rng = np.random.default_rng(0)
    def pets(n, cls):
        return PetImages(rng.integers(0, 256, size=(n, 4, 4, 3)).astype("uint8"), [cls] * n, [f"{cls}_breed"] * n)
    new, rehearsal, test = pets(8, "cat"), pets(8, "dog") + pets(8, "cat"), pets(4, "cat") + pets(4, "dog")
    course = SimpleNamespace(class_names=("cat", "dog"), seed=0, quick=True)
    export = sharing.export_model(tiny_model, tmp_path)
    learned = sharing.fine_tune_in_other_process(export, new, rehearsal, test, course)
    here = tiny_model.predict(test.images.astype("float32"), verbose=0)
    assert np.array_equal(learned["before"], here)  # it starts from exactly what was sent
    assert learned["after"].shape == here.shape and not np.array_equal(learned["after"], here)  # and learned from there
    assert set(learned["seconds"]) == {"start", "load", "fine-tune"}
    assert sharing.sha256_of(export["weights"]["path"]) == export["weights"]["sha256"]  # the sent files stay as they were
