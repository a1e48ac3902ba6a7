"""A saved model is used only when it is the right one (helpers/models.py: save, load_if_matching; recipes.load_or_train_base).

The probes: after a toy-generator change the old models/cat_dog.keras was reused
without a word; a 64 px or 3-class file at that path was loaded; an empty or
truncated file broke notebooks 03-07 until deleted by hand; a save in place,
read at the same moment or interrupted by Ctrl-C, left a broken file.
Training is replaced by a no-op here: these tests are about which file is used.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from helpers import data, lesson, models, recipes, toypets


@pytest.fixture(scope="module", autouse=True)
def tensorflow():
    from helpers.setup import setup_tensorflow

    setup_tensorflow(0)


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MODELS_DIR", tmp_path / "models")
    monkeypatch.setattr(data, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(recipes.training, "train", lambda *args, **kwargs: None)
    return lesson.Lesson("toy", quick=True)


def base(course, capsys):
    """load_or_train_base, and the one line it printed (or "")."""
    model = recipes.load_or_train_base(course)
    return model, capsys.readouterr().out.strip()


def test_the_record_says_how_the_model_was_made(course, capsys):
    model, said = base(course, capsys)
    assert said.startswith("No saved model at") and "cat_dog.keras yet (notebook 02 makes it): training it now" in said
    path = course.model_path("cat_dog.keras")
    record = json.loads(models.record_path(path).read_text())
    for key in ("source", "data_dir", "data_files", "image_size", "classes", "seed", "generator_version"):
        assert key in record, key
    assert record["generator_version"] == toypets.GENERATOR_VERSION and record["image_size"] == course.image_size
    assert record["model_file_sha256"] == models.sha256_of(path)
    again, said = base(course, capsys)
    assert said.startswith("Loaded the cat/dog model notebook 02 saved")  # the saved one, in one line
    assert again.get_weights()[0].tolist() == model.get_weights()[0].tolist()


def test_a_new_toy_generator_means_a_new_model(course, capsys, monkeypatch):
    base(course, capsys)
    monkeypatch.setattr(toypets, "GENERATOR_VERSION", toypets.GENERATOR_VERSION + "-changed")
    _, said = base(course, capsys)
    assert "cat_dog.keras does not fit this lesson: it was made with toy-pet generator version" in said
    assert said.endswith("Training it again now (10–40 seconds on a laptop).")
    assert base(course, capsys)[1].startswith("Loaded the cat/dog model")  # saved again, with the new record


def test_a_model_for_other_pictures_or_classes_is_not_used(course, capsys):
    path = course.model_path("cat_dog.keras")
    models.make_cnn(2, 64).save(path)  # a 64 px file put there by hand, without a record
    model, said = base(course, capsys)
    assert "cat_dog.keras has no record of how it was made" in said
    assert model.input_shape == (None, course.image_size, course.image_size, 3)
    record = json.loads(models.record_path(path).read_text())
    models.make_cnn(3, course.image_size).save(path)  # 3 classes, with the right record copied beside it
    models.write_record(path, {k: v for k, v in record.items() if k != "model_file_sha256"})
    model, said = base(course, capsys)
    assert "cat_dog.keras has 3 outputs, this lesson has 2 classes" in said and model.output_shape == (None, 2)


@pytest.mark.parametrize("damage", ["empty", "cut short", "no record", "broken record"])
def test_a_damaged_model_is_made_again_and_replaced(course, capsys, damage):
    base(course, capsys)
    path = course.model_path("cat_dog.keras")
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "cut short":
        path.write_bytes(path.read_bytes()[:5000])
    elif damage == "no record":
        models.record_path(path).unlink()
    else:
        models.record_path(path).write_text("{not json")
    model, said = base(course, capsys)
    assert "models/cat_dog.keras" in said or str(path) in said, said  # names the file
    assert said.endswith("Training it again now (10–40 seconds on a laptop).")
    assert model is not None and base(course, capsys)[1].startswith("Loaded the cat/dog model")  # and the next notebook is fine again


def test_ctrl_c_while_saving_leaves_the_old_model(course, capsys, tmp_path):
    model, _ = base(course, capsys)
    path = course.model_path("cat_dog.keras")
    before = path.read_bytes()

    class Interrupted:
        def save(self, target):
            with open(target, "wb") as f:
                f.write(b"PK half a zip")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        models.save(Interrupted(), path, course.model_record())
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["cat_dog.keras", "cat_dog.keras.json"]  # no temporary file
    assert base(course, capsys)[1].startswith("Loaded the cat/dog model")


_SAVER = """
import sys, time
from helpers.setup import setup_tensorflow
setup_tensorflow(0)
from helpers import models
model = models.make_cnn(2, 40)
record = {"image_size": 40, "classes": ["cat", "dog"]}
models.save(model, sys.argv[1], record)
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    models.save(model, sys.argv[1], record)
"""


def test_loading_while_another_process_saves_always_gets_a_whole_model(tmp_path):
    """The probe: saving in place made 80,701 of 80,756 loads fail while another process saved in a loop."""
    path = tmp_path / "cat_dog.keras"
    saver = subprocess.Popen([sys.executable, "-c", _SAVER, str(path), "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert saver.stdout.readline().strip() == "ready"
        results = []
        end = time.time() + 3
        while time.time() < end:
            model, why = models.load_if_matching(path, {"image_size": 40, "classes": ["cat", "dog"]}, attempts=10)
            results.append(why)
        assert len(results) >= 5 and results == [None] * len(results), [r for r in results if r][:3]
    finally:
        saver.wait(timeout=60)
    assert saver.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat_dog.keras", "cat_dog.keras.json"]


def test_the_base_training_time_comes_from_the_record_or_is_measured(course, capsys):
    """Notebook 07 compares moving the model with learning it again: the seconds notebook 02 measured, else timed anew."""
    base(course, capsys)
    path = course.model_path("cat_dog.keras")
    record = json.loads(models.record_path(path).read_text())
    assert record["training_seconds"] >= 0  # load_or_train_base times its training, as notebook 02 does
    models.write_record(path, dict(course.model_record(), training_seconds=41.5))
    assert recipes.base_training_seconds(course) == 41.5
    assert "took 41.5 s on this computer (measured when it was trained" in capsys.readouterr().out
    for unusable in ({}, {"training_seconds": "fast"}, {"training_seconds": 0}):  # none said, or nonsense
        models.write_record(path, dict(course.model_record(), **unusable))
        seconds = recipes.base_training_seconds(course)
        assert seconds >= 0 and seconds != 41.5
        assert "does not say how long its training took: training a new network the same way" in capsys.readouterr().out
    models.write_record(path, dict(course.model_record(), seed=course.seed + 1, training_seconds=41.5))  # another model's
    assert recipes.base_training_seconds(course) != 41.5
    capsys.readouterr()


def test_a_fine_tuning_is_loaded_only_when_it_started_from_the_same_everything(tmp_path, monkeypatch, capsys):
    """Notebook 05 loads notebook 04's fine-tuned model instead of training it again, only when the result would be identical."""
    monkeypatch.setattr(data, "MODELS_DIR", tmp_path / "models")
    course = lesson.Lesson("toy", quick=True)
    start = models.make_cnn(2, course.image_size, seed=0)
    new = course.load("train", breeds=course.new_breed).sample(4, seed=0)
    rehearsal = recipes.rehearsal_set(course)
    saved, _ = recipes.fine_tune(models.copy_model(start, "in_04"), new, rehearsal, course, save_as="fixed.keras")
    assert course.model_path("fixed.keras").exists()

    loaded, history = recipes.load_or_fine_tune(models.copy_model(start, "in_05"), new, rehearsal, course, "fixed.keras")
    assert history is None and "the same training gives exactly the same parameters" in capsys.readouterr().out
    trained_again, _ = recipes.fine_tune(models.copy_model(start, "again"), new, rehearsal, course)
    for a, b, c in zip(loaded.get_weights(), saved.get_weights(), trained_again.get_weights()):
        assert np.array_equal(a, b) and np.array_equal(a, c)  # loading gives what fine-tuning again gives

    changed = {  # any other start, pictures or recipe: fine-tuned anew
        "rehearsal": (start, new, rehearsal.without(course.dog_breeds[:1])),
        "new pictures": (start, course.load("train", breeds=course.new_breed).sample(3, seed=1), rehearsal),
        "start model": (models.make_cnn(2, course.image_size, seed=1), new, rehearsal),
    }
    for what, (model, pictures, old) in changed.items():
        _, history = recipes.load_or_fine_tune(models.copy_model(model, "other"), pictures, old, course, "fixed.keras")
        said = capsys.readouterr().out
        assert history is not None, what
        assert "it was fine-tuned from another model, on other pictures or with another recipe. Fine-tuning now." in said, what
        recipes.fine_tune(models.copy_model(start, "in_04"), new, rehearsal, course, save_as="fixed.keras")  # put it back
    frozen = models.copy_model(start, "frozen")
    models.set_base_trainable(frozen, False)  # the same parameters, other switches
    assert recipes.load_or_fine_tune(frozen, new, rehearsal, course, "fixed.keras")[1] is not None
    course.model_path("fixed.keras").unlink()
    assert recipes.load_or_fine_tune(models.copy_model(start, "x"), new, rehearsal, course, "fixed.keras")[1] is not None
    assert "(notebook 04 makes it): fine-tuning now." in capsys.readouterr().out
