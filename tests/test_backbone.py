"""The ImageNet backbone helper (helpers/backbone.py), without ImageNet weights and without a network."""

import urllib.error
import urllib.request

import numpy as np
import pytest

from helpers.setup import setup_tensorflow

keras = setup_tensorflow(0)

from helpers import backbone, models  # noqa: E402  (after TensorFlow is set up)

SIZE, ALPHA = 96, 0.35


@pytest.fixture()
def empty_cache(tmp_path, monkeypatch):
    """An empty Keras cache, and a network that refuses every request (and counts them)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    asked = []

    def offline(url, *args, **kwargs):
        asked.append(url)
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    return tmp_path / "keras" / "models", asked


@pytest.mark.filterwarnings("ignore:The structure of `inputs`:UserWarning")  # grow_head's model takes a list of inputs
def test_transfer_model_with_random_weights():
    base = backbone.make_backbone(SIZE, ALPHA, weights=None)
    model = backbone.make_transfer_model(base, num_classes=3, name="pets_on_mobilenet")
    assert model.name == "pets_on_mobilenet" and model.get_layer("head").units == 3
    assert model.get_layer("backbone").trainable is False
    assert len(model.trainable_weights) == 2  # only the head's kernel and bias learn
    pixels = np.random.default_rng(0).integers(0, 256, (2, SIZE, SIZE, 3)).astype("float32")
    out = np.asarray(model(pixels, training=False))
    assert out.shape == (2, 3) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5)

    # built like models.make_cnn, so the lesson's helpers work on it too
    grown = models.grow_head(model, 1, name="grown")
    assert grown.get_layer("head").units == 4
    np.testing.assert_array_equal(np.asarray(grown(pixels, training=False))[:, :3].argmax(1), out.argmax(1))
    models.set_base_trainable(model, True)
    assert model.get_layer("backbone").trainable is True


def test_offline_without_cache_reports_instead_of_failing(empty_cache):
    models_dir, asked = empty_cache
    base, why = backbone.try_backbone(SIZE, ALPHA)
    assert base is None
    assert "could not be downloaded" in why and "no connection" in why
    assert backbone.WEIGHTS_URL in why and str(models_dir) in why
    assert asked == [backbone.WEIGHTS_URL + backbone.weights_name(ALPHA, SIZE)]
    assert not models_dir.exists() or not list(models_dir.iterdir())  # no partial file left behind


def test_no_download_when_not_allowed(empty_cache):
    _, asked = empty_cache
    with pytest.raises(backbone.WeightsNotAvailable, match="not in the Keras cache"):
        backbone.make_backbone(SIZE, ALPHA, allow_download=False)
    assert asked == []


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras's legacy .h5 writer, used only to make the stand-in
def test_weights_in_the_keras_cache_are_used(empty_cache):
    models_dir, asked = empty_cache
    from keras.src.legacy.saving import legacy_h5_format
    import h5py

    # a stand-in for the ImageNet file: random weights in Keras's legacy .h5 layout, same file name
    source = keras.applications.MobileNetV2(input_shape=(SIZE, SIZE, 3), alpha=ALPHA, include_top=False, weights=None)
    models_dir.mkdir(parents=True)
    with h5py.File(backbone.weights_path(ALPHA, SIZE), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, source)
    base, why = backbone.try_backbone(SIZE, ALPHA)
    assert why == "" and asked == []
    assert base.name == "backbone"
    for mine, theirs in zip(base.weights, source.weights):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_bad_settings_are_friendly():
    with pytest.raises(ValueError, match="ImageNet weights exist for image_size"):
        backbone.make_backbone(100, ALPHA)
    with pytest.raises(ValueError, match="alpha"):
        backbone.make_backbone(SIZE, 0.3)
    with pytest.raises(ValueError, match="weights must be"):
        backbone.make_backbone(SIZE, ALPHA, weights="cifar")
