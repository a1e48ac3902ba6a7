"""Exporting a model and predicting with it in another process (helpers/sharing.py)."""

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
