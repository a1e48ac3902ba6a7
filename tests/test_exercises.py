"""The exercise checks (helpers/exercises.py) on hand-made examples: right answers, common slips, no answer."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import numpy as np
import pytest

from helpers import exercises, toypets
from helpers.data import PetImages


def status(exercise_id, value, **context):
    return exercises.verdict(exercise_id, value, **context).status


def message(exercise_id, value, **context):
    return exercises.verdict(exercise_id, value, **context).message


# -- common behaviour ---------------------------------------------------------------------


def test_every_exercise_names_its_notebook_and_says_what_to_do_when_unanswered():
    for exercise_id, exercise in exercises.EXERCISES.items():
        assert exercise.notebook.startswith(exercise_id[:2] + "_"), exercise_id
        assert exercise.checker.__doc__.startswith(exercise_id[:2] + " · "), exercise_id
        text = message(exercise_id, None)
        assert text.startswith("Not answered yet: ") and "Hint:" in text, text


def test_check_prints_one_verdict_and_returns_nothing(capsys):
    assert exercises.check("06-rabbit-confusion", None, matrix=np.eye(3)) is None
    assert capsys.readouterr().out.startswith("Not answered yet: ")
    exercises.check("06-rabbit-confusion", 0.0, matrix=np.eye(3))
    assert capsys.readouterr().out.startswith("✓ Correct: ")


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError) as error:
        exercises.check("07-nothing", 1)
    for exercise_id in exercises.EXERCISES:
        assert exercise_id in str(error.value)


def test_missing_context_is_a_clear_error():
    with pytest.raises(ValueError, match="model"):
        exercises.check("02-conv1-parameters", 896)


# -- 01: always "dog" -----------------------------------------------------------------------

PETS_01 = PetImages(np.zeros((4, 2, 2, 3), np.uint8), ["cat", "dog", "dog", "dog"], ["tabby", "beagle", "beagle", "labrador"])


def test_always_dog_with_the_test_set():
    assert status("01-always-dog", 0.75, pets=PETS_01) == "correct"
    assert status("01-always-dog", np.float64(0.75), pets=PETS_01) == "correct"
    assert "share of cats" in message("01-always-dog", 0.25, pets=PETS_01)
    assert status("01-always-dog", 0.5, pets=PETS_01) == "wrong"
    assert "percentage" in message("01-always-dog", 75, pets=PETS_01)
    assert "function" in message("01-always-dog", lambda p: "dog", pets=PETS_01)


def test_always_dog_on_the_toy_pets_without_context():
    animals = [toypets.BREEDS[b].animal for b in toypets.TRAIN_BREEDS]
    dogs = animals.count("dog") / len(animals)
    assert status("01-always-dog", dogs) == "correct"
    assert status("01-always-dog", 0.5) == "wrong"


# -- 02: parameters of conv1 --------------------------------------------------------------


def fake_model(kernel_shape, use_bias=True):
    layer = SimpleNamespace(kernel=SimpleNamespace(shape=kernel_shape), use_bias=use_bias)
    return SimpleNamespace(get_layer=lambda name: layer if name == "conv1" else None)


def test_conv1_parameters_and_the_usual_slips():
    model = fake_model((3, 3, 3, 16))
    assert status("02-conv1-parameters", 448, model=model) == "correct"  # (27 + 1) * 16
    assert status("02-conv1-parameters", 448.0, model=model) == "correct"
    assert "bias" in message("02-conv1-parameters", 432, model=model)
    assert "one filter" in message("02-conv1-parameters", 28, model=model)
    assert "colours" in message("02-conv1-parameters", 160, model=model)
    assert status("02-conv1-parameters", 500, model=model) == "wrong"
    assert status("02-conv1-parameters", 432, model=fake_model((3, 3, 3, 16), use_bias=False)) == "correct"


def test_conv1_parameters_of_a_real_keras_layer():
    keras = pytest.importorskip("keras")
    inputs = keras.Input((8, 8, 3))
    outputs = keras.layers.Conv2D(4, 3, name="conv1")(inputs)
    model = keras.Model(inputs, outputs)
    expected = model.get_layer("conv1").count_params()
    assert expected == (3 * 3 * 3 + 1) * 4
    assert status("02-conv1-parameters", expected, model=model) == "correct"
    assert status("02-conv1-parameters", expected - 4, model=model) == "wrong"


# -- 03: confidence when wrong --------------------------------------------------------------

# Three Persians (two called dogs, with 0.8 and 0.6), one tabby called a dog with 0.98, one beagle right.
PETS_03 = PetImages(
    np.zeros((5, 2, 2, 3), np.uint8),
    ["cat", "cat", "cat", "cat", "dog"],
    ["persian", "persian", "persian", "tabby", "beagle"],
)
PROBA_03 = np.array([[0.2, 0.8], [0.4, 0.6], [0.9, 0.1], [0.02, 0.98], [0.05, 0.95]], dtype="float32")


def test_confidence_when_wrong():
    context = dict(probabilities=PROBA_03, pets=PETS_03)
    assert status("03-confidence-when-wrong", 0.7, **context) == "correct"
    assert status("03-confidence-when-wrong", np.float32(0.7000001), **context) == "correct"
    assert "all 3 persian" in message("03-confidence-when-wrong", (0.8 + 0.6 + 0.9) / 3, **context)
    assert "every breed" in message("03-confidence-when-wrong", (0.8 + 0.6 + 0.98) / 3, **context)
    assert "right answer" in message("03-confidence-when-wrong", 0.3, **context)
    assert status("03-confidence-when-wrong", 0.9, **context) == "wrong"


def test_confidence_when_the_model_made_no_mistake():
    right = np.array([[0.9, 0.1]] * 3 + [[0.8, 0.2], [0.1, 0.9]])
    assert status("03-confidence-when-wrong", float("nan"), probabilities=right, pets=PETS_03) == "correct"
    assert status("03-confidence-when-wrong", 0.9, probabilities=right, pets=PETS_03) == "wrong"
    assert status("03-confidence-when-wrong", None, probabilities=right, pets=PETS_03) == "unanswered"


class PixelModel:
    """A stand-in model: says "dog" when a picture's first pixel is bright, else "cat"."""

    output_shape = (None, 2)
    input_shape = (None, 2, 2, 3)

    def predict_on_batch(self, x):
        dog = (x[:, 0, 0, 0] > 127).astype("float32")
        return np.stack([1 - dog, dog], axis=1)


def pets_with(first_pixels, classes, breeds):
    images = np.zeros((len(classes), 2, 2, 3), np.uint8)
    images[:, 0, 0, 0] = first_pixels
    return PetImages(images, classes, breeds)


# the model calls 3 of these 6 "cat": 2 true cats (1 wrong), 1 dog
PETS_04 = pets_with([0, 0, 255, 0, 255, 255], ["cat", "cat", "cat", "dog", "dog", "dog"],
                    ["tabby", "persian", "persian", "beagle", "sheepdog", "sheepdog"])


# -- 04: the share of all test pictures the Persians-only model calls "cat" ---------------------


def test_share_called_cat_and_the_usual_slips():
    context = dict(model=PixelModel(), pets=PETS_04)
    assert status("04-share-called-cat", 0.5, **context) == "correct"
    assert "not a full class collapse" in message("04-share-called-cat", 0.5, **context)  # it still gives both answers
    collapsed = pets_with([0, 0, 0, 0], ["cat", "cat", "dog", "dog"], ["tabby", "persian", "beagle", "sheepdog"])
    assert message("04-share-called-cat", 1.0, model=PixelModel(), pets=collapsed).endswith(
        "while only 50 % of them are cats. Answering one class for (almost) everything is a class collapse.")
    assert status("04-share-called-cat", 0.5 - 0.5, **context) == "wrong"
    assert "accuracy" in message("04-share-called-cat", 4 / 6, **context)  # right answers, not "cat" answers
    assert status("04-share-called-cat", 1 / 3, **context) == "wrong"  # the share among the dogs only
    assert status("04-share-called-cat", 3, **context) == "wrong"  # a count, not a share


def test_share_called_cat_rejects_the_share_called_dog():
    pets = pets_with([0, 255, 255, 255], ["cat", "cat", "dog", "dog"], ["tabby", "tabby", "beagle", "beagle"])
    assert status("04-share-called-cat", 0.75, model=PixelModel(), pets=pets) == "wrong"
    assert "called \"dog\"" in message("04-share-called-cat", 0.75, model=PixelModel(), pets=pets)
    assert status("04-share-called-cat", 0.25, model=PixelModel(), pets=pets) == "correct"


# -- 05: fluffy dogs after a rehearsal without them -------------------------------------------


def test_fluffy_dogs_without_them_checks_the_measurement():
    context = dict(model=PixelModel(), pets=PETS_04, fluffy_breeds=["sheepdog"])
    assert status("05-fluffy-dogs-without-them", 1.0, **context) == "correct"  # both sheepdogs called dog
    assert "every test picture" in message("05-fluffy-dogs-without-them", 2 / 3, **context)
    assert status("05-fluffy-dogs-without-them", 2 / 3, **context) == "wrong"  # every picture: 4 of 6 right
    assert status("05-fluffy-dogs-without-them", 0.5, **context) == "wrong"
    assert "before" in message("05-fluffy-dogs-without-them", 0.9, before=0.9, **context)
    assert "held within two points" in message("05-fluffy-dogs-without-them", 1.0, before=0.99, **context)


def test_fluffy_dogs_without_them_names_a_fall():
    pets = pets_with([255, 0, 0, 0], ["dog", "dog", "dog", "cat"], ["sheepdog", "sheepdog", "beagle", "tabby"])
    context = dict(model=PixelModel(), pets=pets, fluffy_breeds=["sheepdog"])
    assert status("05-fluffy-dogs-without-them", 0.5, **context) == "correct"
    assert "fell by 0.450" in message("05-fluffy-dogs-without-them", 0.5, before=0.95, **context)


# -- 06: rabbits called cats or dogs --------------------------------------------------------

MATRIX = np.array([[40, 8, 2], [5, 44, 1], [3, 7, 30]])  # rows: true cat, dog, rabbit


def test_rabbit_confusion_and_the_usual_slips():
    assert status("06-rabbit-confusion", 10 / 40, matrix=MATRIX) == "correct"
    assert status("06-rabbit-confusion", np.float64(0.25), matrix=MATRIX.tolist()) == "correct"
    assert "count" in message("06-rabbit-confusion", 10, matrix=MATRIX)
    assert "column" in message("06-rabbit-confusion", 3 / 33, matrix=MATRIX)
    assert "called rabbits" in message("06-rabbit-confusion", 0.75, matrix=MATRIX)
    assert "all test pictures" in message("06-rabbit-confusion", 10 / 140, matrix=MATRIX)
    assert status("06-rabbit-confusion", 0.5, matrix=MATRIX) == "wrong"


# -- 07: the same fingerprint ---------------------------------------------------------------

SHA = hashlib.sha256(b"weights").hexdigest()


def test_same_fingerprint():
    assert status("07-same-fingerprint", SHA, expected=SHA) == "correct"
    assert status("07-same-fingerprint", SHA.upper(), expected=SHA) == "correct"
    assert "differ" in message("07-same-fingerprint", hashlib.sha256(b"other").hexdigest(), expected=SHA)
    assert "sha256" in message("07-same-fingerprint", {"weights": {"sha256": SHA}}, expected=SHA)
    assert "64" in message("07-same-fingerprint", SHA[:12], expected=SHA)
    assert SHA not in message("07-same-fingerprint", SHA, expected=SHA), "fingerprints differ between computers: never print them"


# -- 07: pictures per kilobyte --------------------------------------------------------------

PETS_07 = PetImages(np.zeros((2700, 40, 40, 3), np.uint8), ["cat"] * 2700, ["tabby"] * 2700)  # 12,960,000 bytes of pixels
KNOWLEDGE = {"pets": PETS_07, "weights_bytes": 277_728, "with_optimizer_bytes": 772_448}


def test_pictures_per_kilobyte():
    right = 2700 / 277.728
    assert status("07-pictures-per-kilobyte", right, **KNOWLEDGE) == "correct"
    assert status("07-pictures-per-kilobyte", 2700 / (277_728 / 1024), **KNOWLEDGE) == "correct"  # kibibytes
    assert "Adam" in message("07-pictures-per-kilobyte", 2700 / 772.448, **KNOWLEDGE)  # the file with the optimiser's state
    assert "other way round" in message("07-pictures-per-kilobyte", 1 / right, **KNOWLEDGE)
    assert "per byte" in message("07-pictures-per-kilobyte", 2700 / 277_728, **KNOWLEDGE)
    assert "times smaller" in message("07-pictures-per-kilobyte", 12_960_000 / 277_728, **KNOWLEDGE)  # bytes over bytes
    assert status("07-pictures-per-kilobyte", 2700, **KNOWLEDGE) == "wrong"
    assert status("07-pictures-per-kilobyte", "ten", **KNOWLEDGE) == "wrong"
