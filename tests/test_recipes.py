"""The recipes' building blocks, on small and fast settings.

What the recipes achieve (the first model fails on the Persian, a few Persians
fix it, transfer beats training from scratch, rabbits alone make the model
forget and rehearsal prevents it) is checked at full size by the notebooks'
claim cells, which strict nbval runs in `make test`, and over seeds 0-9 by
``make bench``.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import evaluation, lesson, models, recipes


def test_learning_curve_shape_and_bad_sizes():
    course = lesson.Lesson("toy", quick=True)
    pool, test = course.load("train"), course.load("test")
    curve = recipes.learning_curve(course, pool, test, [4, 10], n_examples=4)
    assert list(curve) == [4, 10]
    for result in curve.values():
        assert 0.0 <= result["accuracy"] <= 1.0
        assert result["images"].shape == (4, course.image_size, course.image_size, 3)
        assert len(result["predicted"]) == len(result["true"]) == 4
    with pytest.raises(ValueError, match="amount of experience"):
        recipes.learning_curve(course, pool, test, [10 ** 6])


def test_persian_variants_change_only_what_they_say():
    course = lesson.Lesson("toy", quick=True)
    variants = recipes.persian_variants(course, n=3)
    assert list(variants) == ["as drawn", "short fur", "cat ears", "short fur and cat ears", "cat colours", "cat-sized head and body"]
    images = {k: v.images for k, v in variants.items()}
    assert all(v.shape == (3, course.image_size, course.image_size, 3) for v in images.values())
    for name in list(variants)[1:]:
        assert not np.array_equal(images["as drawn"], images[name]), name
    assert np.array_equal(variants["as drawn"].images, course.load("test", breeds="persian").images[:3])  # the test Persians
    again = recipes.persian_variants(course, n=3)  # the looks are put back after each drawing
    assert np.array_equal(again["as drawn"].images, images["as drawn"])


def test_cat_colours_swap_only_the_coat():
    course = lesson.Lesson("toy", quick=True)
    variants = recipes.persian_variants(course, n=4)
    drawn, recoloured = variants["as drawn"].images.astype(int), variants["cat colours"].images.astype(int)
    background = (np.abs(drawn - recoloured).sum(axis=-1) == 0).mean()
    assert background > 0.3  # the scene around the animal is the same pixels


def test_long_haired_cats_are_the_same_cats_with_long_fur():
    course = lesson.Lesson("toy", quick=True)
    short, long = recipes.long_haired_cats(course, n=2)
    assert list(short.breed_counts()) == list(long.breed_counts()) == course.cat_breeds
    assert set(short.classes) == set(long.classes) == {"cat"}
    assert np.array_equal(short.images[:2], course.load("test", breeds=course.cat_breeds[0]).images[:2])
    assert not np.array_equal(short.images, long.images)
    assert recipes.long_haired_cats(type("Photos", (), {"source": "folder"})()) == (None, None)  # skipped on photos


def test_rehearsal_set_holds_every_breed_and_extra_hard_negatives():
    course = lesson.Lesson("toy", seed=0)
    counts = recipes.rehearsal_set(course).breed_counts()
    assert set(counts) == set(course.seen_breeds)
    assert set(course.fluffy_dog_breeds) < set(course.dog_breeds)
    for breed in course.seen_breeds:
        extra = recipes.REHEARSAL_HARD_NEGATIVES if breed in course.dog_breeds else 0
        assert counts[breed] == recipes.REHEARSAL_PER_BREED + extra
    cats = recipes.rehearsal_set(course, hard_negatives=course.cat_breeds, extra=4, per_breed=2).breed_counts()
    assert all(cats[b] == (6 if b in course.cat_breeds else 2) for b in course.seen_breeds)


def test_rehearsal_set_with_a_model_takes_half_from_its_least_sure_right_answers():
    course = lesson.Lesson("toy", quick=True, seed=0)
    old = course.load("train")
    model = models.make_cnn(2, course.image_size, seed=0)
    recipes.train_base(model, old, None, course, epochs=3)  # a weak model: right on most pictures, not all
    sure = evaluation.sureness(model, old)
    right = evaluation.predict_classes(model, old) == old.classes
    assert 0.3 < right.mean() < 0.95
    chosen = recipes.rehearsal_set(course, model=model)
    assert chosen.breed_counts() == recipes.rehearsal_set(course).breed_counts()  # as many as picked at random
    assert np.array_equal(chosen.images, recipes.rehearsal_set(course, model=model).images)  # reproducibly
    chosen_sure = evaluation.sureness(model, chosen)
    chosen_right = evaluation.predict_classes(model, chosen) == chosen.classes
    for breed, n in chosen.breed_counts().items():
        lowest = np.sort(sure[(old.breeds == breed) & right])[: n // 2]
        mine = np.sort(chosen_sure[(chosen.breeds == breed) & chosen_right])
        assert np.allclose(mine[: len(lowest)], lowest), breed  # its least sure right answers are all in
        pictures = chosen.where(breeds=breed).images.reshape(n, -1)
        assert len(np.unique(pictures, axis=0)) == n  # and no picture twice


def test_fine_tune_needs_new_pictures():
    course = lesson.Lesson("toy", quick=True)
    model = models.make_cnn(2, course.image_size)
    empty = course.load("train").sample(0)
    with pytest.raises(ValueError, match="no new pictures"):
        recipes.fine_tune(model, empty, None, course)


def test_transfer_source_stands_on_a_backbone_for_photos(tmp_path, monkeypatch, capsys):
    """On real photos 04-07 build on MobileNetV2 when its weights are there (here: random weights, offline)."""
    from helpers import backbone, folder

    photos = folder.write_toy_folder(tmp_path / "photos", breeds=["tabby", "beagle", "persian"], n_per_breed=10, image_size=96)
    monkeypatch.setenv("PETS_PHOTO_SIZE", "96")  # as when MobileNetV2's weights are in the Keras cache
    course = lesson.Lesson("folder", data_dir=photos, seed=0)
    monkeypatch.setattr(course, "model_path", lambda name: tmp_path / name)
    monkeypatch.setattr(recipes, "BASE_EPOCHS", 1)
    monkeypatch.setattr(backbone, "try_backbone", lambda size, **kw: (backbone.make_backbone(size, weights=None), ""))
    model = recipes.transfer_source(course)
    assert "Standing on a giant's shoulders" in capsys.readouterr().out
    assert model.output_shape == (None, 2) and "backbone" in [layer.name for layer in model.layers]
    assert (tmp_path / "imagenet_cat_dog.keras").exists()
    grown = models.grow_head(model, 1, name="grown")  # notebook 06 grows it like our own model
    assert grown.output_shape == (None, 3)
    assert np.allclose(grown.predict(np.zeros((1, 96, 96, 3), "float32"), verbose=0)[0, :2].argmax(),
                       model.predict(np.zeros((1, 96, 96, 3), "float32"), verbose=0)[0].argmax())


def test_transfer_source_offline_says_why_and_uses_our_model(tmp_path, monkeypatch, capsys):
    from helpers import backbone, folder

    photos = folder.write_toy_folder(tmp_path / "photos", breeds=["tabby", "beagle"], n_per_breed=10, image_size=96)
    monkeypatch.setenv("PETS_PHOTO_SIZE", "96")
    course = lesson.Lesson("folder", data_dir=photos, seed=0)
    monkeypatch.setattr(course, "model_path", lambda name: tmp_path / name)
    monkeypatch.setattr(recipes, "BASE_EPOCHS", 1)
    monkeypatch.setattr(backbone, "try_backbone", lambda size, **kw: (None, "The ImageNet weights are not available.\ndetails"))
    model = recipes.transfer_source(course)
    out = capsys.readouterr().out
    assert "The ImageNet weights are not available. So this notebook builds on our own small network" in out
    assert "cannot" not in out and "too few to learn" in out and "pretrained on millions of photos" in out
    assert "details" not in out
    assert model.get_layer("conv1") is not None


def test_fine_tune_shrinks_its_steps_unless_told_not_to():
    course = lesson.Lesson("toy", quick=True)
    new = course.load("train", breeds=course.new_breed).sample(4, seed=0)
    rehearsal = recipes.rehearsal_set(course)
    shrinking, _ = recipes.fine_tune(models.make_cnn(2, course.image_size), new, rehearsal, course)
    fixed, _ = recipes.fine_tune(models.make_cnn(2, course.image_size), new, rehearsal, course, learning_rate_decay=False)
    assert float(fixed.optimizer.learning_rate) == pytest.approx(recipes.FINE_TUNE_LEARNING_RATE)
    assert float(shrinking.optimizer.learning_rate) < recipes.FINE_TUNE_LEARNING_RATE
