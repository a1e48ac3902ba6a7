"""Parameters are checked at the door: QUICK, SEED (helpers/setup.py, helpers/lesson.py) and pixel values (helpers/data.py).

``papermill -p QUICK false`` passes the text "false"; it must mean False, not
"some text, so true" (which would skip every claim). Anything that is not a
clear answer gets a message naming the parameter.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import data, evaluation, lesson, setup


@pytest.mark.parametrize("given, meant", [(True, True), (False, False), ("false", False), ("False", False),
                                          ("FALSE", False), ("true", True), (" True ", True), (np.bool_(True), True)])
def test_quick_takes_a_bool_or_the_words_true_and_false(given, meant):
    course = lesson.Lesson("toy", quick=given)
    assert course.quick is meant
    assert course.checks_claims is (not meant)  # QUICK="false" still checks the lesson's claims


@pytest.mark.parametrize("given", ["no", "", "0", 0, 1, None, 2.0, [True]])
def test_anything_else_for_quick_names_the_parameter(given):
    with pytest.raises(ValueError, match=r"^QUICK must be True or False"):
        lesson.Lesson("toy", quick=given)


@pytest.mark.parametrize("given", [0, 7, np.int64(3), 2**32 - 1])
def test_seed_takes_a_whole_number(given):
    assert lesson.Lesson("toy", seed=given).seed == int(given)


@pytest.mark.parametrize("given", ["abc", "3", 1.5, True, -1, 2**32, None])
def test_anything_else_for_seed_names_the_parameter(given):
    with pytest.raises(ValueError, match=r"^SEED must be a whole number"):
        lesson.Lesson("toy", seed=given)
    with pytest.raises(ValueError, match=r"^SEED must be a whole number"):
        setup.start(given)  # the setup cell runs before the Lesson: the same message, not a Keras error


def _pets(images):
    return data.PetImages(images, ["cat", "dog"], ["tabby", "beagle"])


def test_pixels_must_be_whole_numbers_from_0_to_255():
    good = np.full((2, 4, 4, 3), 200, np.uint8)
    assert _pets(good).images.dtype == np.uint8
    assert _pets(good.astype(np.int64)).images.dtype == np.uint8  # whole numbers 0..255 of another type are fine
    with pytest.raises(ValueError, match=r"float32 values from 0.784 to 0.784.*\* 255"):
        _pets((good / 255).astype(np.float32))  # scaled to 0..1: would look black to the model
    nan = good.astype(np.float32)
    nan[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="1 NaN or infinite values"):
        _pets(nan)
    with pytest.raises(ValueError, match="whole numbers from -1 to 300"):
        _pets(np.array([-1, 300]).repeat(48).reshape(2, 4, 4, 3))
    with pytest.raises(ValueError, match="uint8"):
        _pets(good.astype(bool))


def test_accuracy_is_never_measured_on_float_pictures():
    """The probe: NaN or 0..1 pictures gave accuracies of 0.5 and 0.75 without a word."""

    class Model:
        output_shape, input_shape = (None, 2), (None, 4, 4, 3)

        def predict_on_batch(self, x):
            return np.stack([x.mean(axis=(1, 2, 3)) / 255, 1 - x.mean(axis=(1, 2, 3)) / 255], axis=1)

    images = np.stack([np.full((4, 4, 3), 255, np.uint8), np.zeros((4, 4, 3), np.uint8)])
    assert evaluation.accuracy(Model(), _pets(images)) == 1.0
    with pytest.raises(ValueError, match="pixel values"):
        evaluation.accuracy(Model(), _pets(images / 255.0))


def test_every_parameter_line_is_one_papermill_can_read(caplog):
    """The probe: `DATA_DIR = None  # for DATA_SOURCE = "folder": ...` warned 'Unable to parse line 3', and then
    'Passed unknown parameter: DATA_DIR' on every run that set it."""
    import logging
    from pathlib import Path

    import nbformat
    from papermill.translators import PythonTranslator

    series = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert series
    for path in series:
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        with caplog.at_level(logging.WARNING, logger="papermill"):
            names = {p.name for p in PythonTranslator.inspect(cell)}
        assert not caplog.records, (path.name, [r.getMessage() for r in caplog.records])
        assert {"DATA_SOURCE", "DATA_DIR", "RABBIT_DIR", "NEW_BREED", "QUICK", "SEED"} <= names, path.name
