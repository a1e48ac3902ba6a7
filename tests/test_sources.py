"""A teacher's photo folder, checked before anything trains (helpers/sources.py, helpers/lesson.py).

Every folder is made here from toy pets written as JPEG and PNG files, at
teacher-like counts (5-10 per breed). The layout report must name each
problem with what to do; sizes are cut to the photos there are; a photo's
split never moves when photos are added; a saved model never serves another
folder.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from helpers import data, folder, lesson, oxford, recipes, sources


@pytest.fixture(autouse=True)
def small_and_private(tmp_path, monkeypatch):
    """Small photos (fast), caches and models in the test's own folder."""
    monkeypatch.setenv("PETS_PHOTO_SIZE", "32")
    monkeypatch.setattr(folder, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(oxford, "CACHE_DIR", tmp_path / "data" / "oxford-cache")
    monkeypatch.setattr(data, "MODELS_DIR", tmp_path / "models")


def pets_folder(where, breeds=("tabby", "siamese", "beagle", "labrador", "persian"), n=8, **kw):
    return folder.write_toy_folder(where, breeds=list(breeds), n_per_breed=n, image_size=32, formats=("jpg", "png"), **kw)


def plain_folder(where, n=10):
    """cat/ and dog/ with the photos straight inside: no breed folders."""
    root = pets_folder(where, breeds=("tabby", "beagle"), n=n)
    for animal, breed in (("cat", "tabby"), ("dog", "beagle")):
        for p in (root / animal / breed).iterdir():
            p.rename(root / animal / p.name)
        (root / animal / breed).rmdir()
    return root


def test_plain_cat_and_dog_folders_work_and_the_held_out_breed_is_explained(tmp_path):
    root = plain_folder(tmp_path / "pets", n=20)
    course = lesson.Lesson("folder", data_dir=root)
    assert course.seen_breeds == ["cat", "dog"] and course.new_breed is None
    assert len(course.load("train")) and len(course.load("test", breeds=course.seen_breeds + [course.new_breed]))
    report = repr(course)
    assert "no breed folders" in report and "NEW_BREED" in report and f"{root}/cat/persian/" in report
    with pytest.raises(ValueError, match=r"cannot run this notebook:\n  - Your cat and dog photos have no breed folders"):
        lesson.Lesson("folder", data_dir=root, needs="new_breed")


@pytest.mark.parametrize("folder_name, asked", [("Persian", "persian"), ("persian cats", "persian"), ("Persian", "Persians")])
def test_the_held_out_breed_is_matched_ignoring_case_spaces_and_a_plural(tmp_path, folder_name, asked):
    root = pets_folder(tmp_path / "pets", folder_names={"persian": folder_name})
    course = lesson.Lesson("folder", data_dir=root, new_breed=asked, needs="new_breed")
    assert course.new_breed == "persian" and "persian" not in course.seen_breeds + course.trained_breeds
    assert "persian (NEW_BREED)" in repr(course)
    assert "persian" not in course.model_record()["breeds"]


def test_an_unknown_folder_is_reported_not_made_a_class(tmp_path):
    root = pets_folder(tmp_path / "pets")
    shutil.copytree(root / "cat" / "tabby", root / "hamster")
    (root / "notes.jpg").write_bytes((root / "cat" / "tabby" / "tabby_000.jpg").read_bytes())
    course = lesson.Lesson("folder", data_dir=root)
    assert set(course.data_source.breeds.values()) == {"cat", "dog"}
    report = repr(course)
    assert "the folder hamster" in report and "not a class the notebooks know (cat, dog, rabbit)" in report
    assert "outside any class folder (e.g. notes.jpg)" in report


def test_too_few_photos_are_reported_and_a_missing_split_stops_only_the_notebooks_that_need_it(tmp_path):
    root = pets_folder(tmp_path / "pets", n=5)
    course = lesson.Lesson("folder", data_dir=root)
    assert f"fewer than {sources.MIN_TEST_PHOTOS} test photos" in repr(course)
    persians = sorted((root / "cat" / "persian").iterdir())
    digests = [data.sha256_of(p) for p in persians]
    for p, d in zip(persians, digests):  # keep only photos that land in the test split
        if data.split_of(d, 0, sources.NEVER_SEEN_FRACTIONS) != "test":
            p.unlink()
    course = lesson.Lesson("folder", data_dir=root)  # notebooks 01, 02 still run
    with pytest.raises(ValueError, match=r"NEW_BREED 'persian' has 0 photos to learn from .* try another SEED"):
        lesson.Lesson("folder", data_dir=root, needs="new_breed")
    with pytest.raises(ValueError, match="No rabbit photos: notebook 06 needs some. Set RABBIT_DIR"):
        lesson.Lesson("folder", data_dir=root, needs="rabbits")


def test_duplicates_between_data_dir_and_rabbit_dir_are_used_once(tmp_path):
    root = pets_folder(tmp_path / "pets", breeds=("tabby", "siamese", "beagle", "persian", "dutch"), n=10)
    once = lesson.Lesson("folder", data_dir=root)
    twice = lesson.Lesson("folder", data_dir=root, rabbit_dir=root)  # DATA_DIR equal to RABBIT_DIR
    assert len(twice.data_source.pets) == len(once.data_source.pets) == 50
    assert "50 photos are in both DATA_DIR and RABBIT_DIR (the same file content" in repr(twice)
    rabbits = tmp_path / "rabbits"
    rabbits.mkdir()
    for p in (root / "rabbit" / "dutch").iterdir():
        shutil.copy(p, rabbits / ("copy_of_" + p.name))  # a copy under another name is still the same photo
    course = lesson.Lesson("folder", data_dir=root, rabbit_dir=rabbits, needs="rabbits")
    assert len(course.load("train", course.rabbit_breeds) + course.load("test", course.rabbit_breeds)) == 10
    assert "10 photos are in both DATA_DIR and RABBIT_DIR" in repr(course)


def test_a_photos_split_never_moves_when_photos_are_added_renamed_or_moved(tmp_path):
    root = pets_folder(tmp_path / "pets", n=10)

    def splits(course):
        src = course.data_source
        return {d: s for d, s in zip(src.digests, src.splits)}

    before = splits(lesson.Lesson("folder", data_dir=root))
    extra = pets_folder(tmp_path / "more", n=10, seed=7)
    for p in (extra / "dog" / "beagle").iterdir():
        shutil.copy(p, root / "dog" / "beagle" / ("new_" + p.name))
    (root / "cat" / "tabby" / "tabby_000.jpg").rename(root / "cat" / "tabby" / "renamed.jpg")
    (root / "cat" / "tabby" / "tabby_001.png").rename(root / "cat" / "tabby_001.png")  # moved out of its breed folder
    after = splits(lesson.Lesson("folder", data_dir=root))
    assert len(after) == len(before) + 10
    assert {d: after[d] for d in before} == before


def test_the_layout_report_names_every_problem_at_once(tmp_path):
    root = pets_folder(tmp_path / "pets", n=5)
    (root / "cat" / "persian").rename(root / "cat" / "persians_and_more")  # no longer matches NEW_BREED
    (root / "cat" / "empty breed").mkdir()
    (root / "hamster").mkdir()
    (root / "stray.png").write_bytes((root / "dog" / "beagle" / "beagle_001.png").read_bytes())
    (root / "dog" / "beagle" / "broken.jpg").write_bytes(b"not a photo at all")
    shutil.copy(root / "dog" / "labrador" / "labrador_000.jpg", root / "cat" / "tabby" / "looks_like_a_cat.jpg")
    report = repr(lesson.Lesson("folder", data_dir=root))
    for words in ["the folder hamster in", "not a class the notebooks know", "cat/empty breed is empty",
                  "outside any class folder", "1 not a picture", "there twice (the same file content",
                  "different classes", "No breed folder matches NEW_BREED = 'persian'", "fewer than 3 test photos",
                  "every time would score"]:
        assert words in report, words
    assert "np.str_" not in report and "DATA_DIR" in report


def test_sizes_are_cut_to_the_photos_there_are(tmp_path, capsys):
    root = pets_folder(tmp_path / "pets", n=8)
    course = lesson.Lesson("folder", data_dir=root, needs="new_breed")
    n_train = len(course.load("train"))
    assert course.experience_sizes == [20, n_train] if n_train > 20 else course.experience_sizes[-1] == n_train
    persians = len(course.load("train", breeds=[course.new_breed]))
    assert course.fit_count("N_PERSIANS", 20, course.new_breed) == persians
    said = capsys.readouterr().out
    assert "experience sizes: [20, 50, 100, 300, 1000, 2000] cut to" in said
    assert f"N_PERSIANS = 20 cut to {persians}: that is all the training photos of persian" in said
    course.experience_sizes  # said once, not every time
    assert capsys.readouterr().out == ""
    toy = lesson.Lesson("toy")
    assert toy.experience_sizes == [20, 50, 100, 300, 1000, 2000] and toy.fit_count("N_PERSIANS", 20, "persian") == 20


def test_class_weights_balance_the_classes_on_photos_only(tmp_path):
    root = pets_folder(tmp_path / "pets", breeds=("tabby", "siamese", "beagle", "labrador", "golden_retriever"), n=10)
    course = lesson.Lesson("folder", data_dir=root)
    train = course.load("train")
    weights = recipes.class_weights(course, train)
    totals = {c: float(weights[train.classes == c].sum()) for c in ("cat", "dog")}
    assert abs(totals["cat"] - totals["dog"]) < 1e-4 and (train.classes == "dog").sum() > (train.classes == "cat").sum()
    assert recipes.class_weights(lesson.Lesson("toy", quick=True), train) is None


class _AlwaysDog:
    output_shape, input_shape = (None, 2), (None, 32, 32, 3)

    def predict_on_batch(self, x):
        return np.tile([0.1, 0.9], (len(x), 1))


def test_a_model_that_gives_one_answer_is_flagged_next_to_the_majority_floor(tmp_path, capsys):
    course = lesson.Lesson("folder", data_dir=pets_folder(tmp_path / "pets", n=10))
    test = course.load("test")
    course.describe_result(_AlwaysDog(), test)
    said = capsys.readouterr().out
    share = float(np.mean(test.classes == "dog"))
    animal, floor = sources.majority(test)
    assert f"P = {share:.3f} on {len(test)} test photos; answering '{animal}' every time would score {floor:.3f}." in said
    assert "Careful: the model answered 'dog' to 100% of them" in said and "pretrained" in said


def test_toy_only_experiments_are_skipped_with_one_line(tmp_path, capsys):
    course = lesson.Lesson("folder", data_dir=pets_folder(tmp_path / "pets"))
    assert recipes.persian_variants(course) is None
    assert recipes.long_haired_cats(course) == (None, None)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("Skipped on photos:") for line in lines)
    assert course.toy_only("the Persian stands out", "Accuracy per breed") == "Accuracy per breed"


def test_a_saved_model_never_serves_another_folder_seed_size_or_changed_photos(tmp_path, monkeypatch):
    from helpers import models
    from helpers.setup import setup_tensorflow

    setup_tensorflow(0)
    first = pets_folder(tmp_path / "first")
    course = lesson.Lesson("folder", data_dir=first)
    path = tmp_path / "cat_dog.keras"
    models.save(models.make_cnn(2, course.image_size), path, course.model_record())
    assert models.load_if_matching(path, course.model_record())[0] is not None
    other = lesson.Lesson("folder", data_dir=shutil.copytree(first, tmp_path / "second"))
    assert "data folder" in models.load_if_matching(path, other.model_record())[1]
    assert "SEED" in models.load_if_matching(path, lesson.Lesson("folder", data_dir=first, seed=1).model_record())[1]
    monkeypatch.setenv("PETS_PHOTO_SIZE", "48")
    assert "picture size" in models.load_if_matching(path, lesson.Lesson("folder", data_dir=first).model_record())[1]
    monkeypatch.setenv("PETS_PHOTO_SIZE", "32")
    src = course.data_source
    persian = next(n for n, s, b in zip(src.names, src.splits, src.pets.breeds) if s == "train" and b == "persian")
    (first / persian.split("/", 1)[1]).unlink()  # the first model never learned from the held-out breed
    assert models.load_if_matching(path, lesson.Lesson("folder", data_dir=first).model_record())[0] is not None
    tabby = next(n for n, s, b in zip(src.names, src.splits, src.pets.breeds) if s == "train" and b == "tabby")
    (first / tabby.split("/", 1)[1]).unlink()  # one of its training photos fewer
    _, why = models.load_if_matching(path, lesson.Lesson("folder", data_dir=first).model_record())
    assert "photos in its data folder were added, removed or changed" in why


class _AlmostAlwaysDog(_AlwaysDog):
    def predict_on_batch(self, x):
        answers = np.tile([0.1, 0.9], (len(x), 1))
        answers[: len(x) // 4] = [0.9, 0.1]  # a quarter called cats, whatever they are
        return answers


def test_a_model_no_better_than_the_floor_is_flagged_too(tmp_path, capsys):
    course = lesson.Lesson("folder", data_dir=pets_folder(tmp_path / "pets", n=10))
    test = course.load("test")
    course.describe_result(_AlmostAlwaysDog(), test)
    said = capsys.readouterr().out
    score = float(np.mean(np.where(np.arange(len(test)) < len(test) // 4, "cat", "dog") == test.classes))
    animal, floor = sources.majority(test)
    assert score <= floor + 0.02  # the situation this test is about
    assert f"Careful: that is no better than always answering '{animal}'" in said
    course.describe_result(_AlwaysDog(), test.where(classes="dog"))  # right every time on dogs only: still one answer
    assert "answered 'dog' to 100%" in capsys.readouterr().out


def test_without_known_long_haired_dog_folders_every_dog_breed_counts_as_fluffy(tmp_path):
    root = plain_folder(tmp_path / "pets", n=20)
    pets_folder(tmp_path / "more", breeds=("persian",), n=10)
    shutil.copytree(tmp_path / "more" / "cat" / "persian", root / "cat" / "Persian")
    course = lesson.Lesson("folder", data_dir=root, needs="new_breed")
    assert course.new_breed == "persian" and course.fluffy_dog_breeds == ["dog"]
    assert "count every dog breed among 'the fluffy dogs'" in repr(course)
