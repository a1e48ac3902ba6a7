"""PetImages, splits and the toy-pet loader (helpers/data.py)."""

import numpy as np
import pytest

from helpers import data
from helpers.data import PetImages


def make_pets(breeds=("a", "a", "b", "c"), classes=("cat", "cat", "dog", "rabbit"), size=4):
    images = np.arange(len(breeds) * size * size * 3, dtype=np.uint8).reshape(len(breeds), size, size, 3)
    return PetImages(images, classes, breeds, source="test")


def test_labels_follow_class_name_order():
    pets = make_pets()
    assert pets.labels(("cat", "dog", "rabbit")).tolist() == [0, 0, 1, 2]
    assert pets.labels(("rabbit", "dog", "cat")).tolist() == [2, 2, 1, 0]


def test_labels_refuse_unknown_class():
    with pytest.raises(ValueError, match="not among"):
        make_pets().labels(("cat", "dog"))


def test_where_without_and_counts():
    pets = make_pets()
    assert pets.where(breeds="a").breed_counts() == {"a": 2}
    assert pets.where(classes=["dog", "rabbit"]).breed_counts() == {"b": 1, "c": 1}
    assert pets.without("a").breed_counts() == {"b": 1, "c": 1}
    assert pets.class_of_breed() == {"a": "cat", "b": "dog", "c": "rabbit"}


@pytest.mark.parametrize("call", [lambda p: p.where(breeds="persain"), lambda p: p.without(["zebra"])])
def test_unknown_breed_is_a_friendly_error(call):
    with pytest.raises(ValueError, match="unknown breed .* Check the spelling"):
        call(make_pets())


@pytest.mark.parametrize("n", [-1, 2.5, True])
def test_sample_refuses_bad_counts(n):
    with pytest.raises(ValueError, match="whole number"):
        make_pets().sample(n)


def test_sample_refuses_more_than_available():
    with pytest.raises(ValueError, match="only 4"):
        make_pets().sample(5)


def test_sample_is_reproducible_and_without_repeats():
    pets = make_pets(breeds=tuple("abcdefgh"), classes=("cat",) * 8)
    a, b = pets.sample(5, seed=3), pets.sample(5, seed=3)
    assert np.array_equal(a.images, b.images)
    assert len(set(a.breeds)) == 5


def test_wrong_image_shape_is_a_friendly_error():
    with pytest.raises(ValueError, match=r"\(n, height, width, 3\)"):
        PetImages(np.zeros((2, 4, 4)), ["cat", "dog"], ["a", "b"])
    with pytest.raises(ValueError, match="one class and one breed per image"):
        PetImages(np.zeros((2, 4, 4, 3)), ["cat"], ["a", "b"])


def test_adding_sets_checks_image_size():
    with pytest.raises(ValueError, match="same image_size"):
        make_pets(size=4) + make_pets(size=5)
    both = make_pets() + make_pets()
    assert len(both) == 8


def test_a_photos_split_depends_on_the_photo_and_the_seed_only():
    digests = [f"{i:064x}" for i in range(3000)]
    splits = [data.split_of(d, seed=1) for d in digests]
    shares = {s: splits.count(s) / len(splits) for s in data.SPLITS}
    assert abs(shares["train"] - 0.7) < 0.03 and abs(shares["val"] - 0.15) < 0.03 and abs(shares["test"] - 0.15) < 0.03
    assert [data.split_of(d, seed=1) for d in digests[:100]] == splits[:100]  # the others do not matter
    assert [data.split_of(d, seed=2) for d in digests] != splits  # another seed, another split
    assert {data.split_of(d, 0, (0.5, 0.0, 0.5)) for d in digests} == {"train", "test"}


def test_split_of_refuses_bad_fractions():
    with pytest.raises(ValueError, match="add up to 1"):
        data.split_of("ab", 0, (0.5, 0.5, 0.5))


def test_toy_pets_are_deterministic_labelled_and_cached(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    from helpers import toypets

    breeds = [toypets.TRAIN_BREEDS[0], toypets.PERSIAN]
    a = data.toy_pets(breeds, n_per_breed=3, split="test", seed=5, image_size=32)
    assert a.images.shape == (6, 32, 32, 3) and a.images.dtype == np.uint8
    assert a.breeds.tolist() == [breeds[0]] * 3 + [breeds[1]] * 3
    assert a.classes.tolist() == [toypets.BREEDS[breeds[0]].animal] * 3 + ["cat"] * 3
    assert list(tmp_path.glob("toy/*.npz")), "the set should be cached under data/toy/"
    b = data.toy_pets(breeds, n_per_breed=3, split="test", seed=5, image_size=32, cache=False)
    assert np.array_equal(a.images, b.images)


def test_cache_round_trip_and_a_broken_cache_file_is_made_again(tmp_path):
    pets = make_pets()
    path = tmp_path / "cache" / "set.npz"
    data.write_cache(path, pets, skipped={"not a picture": ["notes.txt"]}, extra={"digests": np.array(["a", "b", "c", "d"])})
    assert [p.name for p in path.parent.iterdir()] == ["set.npz"]  # no temporary file left behind
    again, skipped, extra = data.read_cache(path, "toy")
    assert np.array_equal(again.images, pets.images) and again.breeds.tolist() == pets.breeds.tolist()
    assert skipped == {"not a picture": ["notes.txt"]} and extra["digests"].tolist() == ["a", "b", "c", "d"]
    path.write_bytes(path.read_bytes()[:100])  # cut short, as by a full disk
    assert data.read_cache(path, "toy") is None
    assert data.read_cache(tmp_path / "missing.npz", "toy") is None


def test_toy_splits_do_not_share_images(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    from helpers import toypets

    breed = toypets.TRAIN_BREEDS[0]
    train = data.toy_pets(breed, n_per_breed=20, split="train", image_size=32)
    test = data.toy_pets(breed, n_per_breed=20, split="test", image_size=32)
    train_keys = {img.tobytes() for img in train.images}
    assert not any(img.tobytes() in train_keys for img in test.images)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"breeds": ["unicorn"]}, "unknown breed"),
        ({"n_per_breed": -3}, "whole number"),
        ({"split": "exam"}, "split must be one of"),
        ({"image_size": 7}, "image_size"),
    ],
)
def test_toy_pets_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.toy_pets(**kwargs)


def test_unknown_source_names_the_parameter():
    from helpers import sources

    with pytest.raises(ValueError, match="DATA_SOURCE must be 'toy'"):
        sources.choose("instagram")


def test_unknown_breed_messages_show_plain_names():
    pets = PetImages(np.zeros((1, 2, 2, 3), np.uint8), np.array(["cat"]), np.array(["tabby"]))
    with pytest.raises(ValueError) as error:
        pets.where(breeds="persain")
    assert "np.str_" not in str(error.value) and "['tabby']" in str(error.value)


_WRITER = """
import sys
import numpy as np
from helpers import data
pets = data.PetImages(np.zeros((200, 32, 32, 3), np.uint8), ["cat"] * 200, ["tabby"] * 200)
for _ in range(40):
    data.write_cache(sys.argv[1], pets)
"""


def test_two_processes_writing_the_same_cache_do_not_crash(tmp_path):
    """The probe: a fixed temporary name (set.npz.tmp.npz) made one of two writers fail with FileNotFoundError."""
    import subprocess
    import sys

    path = tmp_path / "set.npz"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert all(w.returncode == 0 for w in writers), "\n".join(errors)
    assert [p.name for p in tmp_path.iterdir()] == ["set.npz"]  # no temporary files left behind
    assert len(data.read_cache(path, "toy")[0]) == 200


def test_a_read_only_data_folder_only_costs_the_cache(tmp_path, monkeypatch, capsys):
    """The probe: a read-only data/ (a shared course folder) turned the optional cache into a PermissionError."""
    import os

    readonly = tmp_path / "data"
    readonly.mkdir()
    readonly.chmod(0o555)
    monkeypatch.setattr(data, "DATA_DIR", readonly)
    monkeypatch.setattr(data, "_cache_warned", False)
    if os.geteuid() == 0:  # root may write anywhere: make the folder refuse as it would for a student
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(data.Path, "mkdir", refuse)
    from helpers import toypets

    first = data.toy_pets(toypets.TRAIN_BREEDS[0], n_per_breed=2, image_size=32)
    second = data.toy_pets(toypets.TRAIN_BREEDS[0], n_per_breed=2, split="test", image_size=32)
    assert len(first) == len(second) == 2
    said = capsys.readouterr().out
    assert said.count("cannot save a cache") == 1 and "Permission denied" in said  # one line, not one per call
    assert not list(readonly.iterdir())
    readonly.chmod(0o755)
