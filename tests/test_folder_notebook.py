"""Every notebook runs to the end on a teacher's photo folder and on an unpacked Oxford tree.

Papermill sets the parameters a user would set (``DATA_SOURCE``, ``DATA_DIR``,
``RABBIT_DIR``) and runs each notebook of the series top to bottom, not in QUICK
mode. The photos are toy pets written as JPEG and PNG files at a teacher's
counts (8 per breed, the Persians in a folder called ``Persian``, rabbits in a
folder of their own), and the same kind of pictures laid out as an Oxford-IIIT
Pet tree (``images/`` + ``annotations/``, no other file). ``PETS_PHOTO_SIZE``
keeps the pictures small so each notebook takes seconds; the code path is the
notebooks' own. Downloads are refused (a proxy that answers nothing).
"""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest

from helpers import folder, toypets

ROOT = Path(__file__).resolve().parent.parent
SERIES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PETS = ["tabby", "siamese", "tuxedo", "beagle", "labrador", "sheepdog", "golden_retriever", "persian"]
PER_BREED = 8


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(out["text"])
            parts.extend(str(v) for k, v in out.get("data", {}).items() if k == "text/plain")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    where = tmp_path_factory.mktemp("teacher")
    pets = folder.write_toy_folder(where / "pets", PETS, n_per_breed=PER_BREED, image_size=48, formats=("jpg", "png"),
                                   folder_names={"persian": "Persian"})
    rabbits = folder.write_toy_folder(where / "rabbits", ["dutch", "himalayan"], n_per_breed=12, image_size=48)
    return pets, rabbits


@pytest.fixture(scope="module")
def oxford_tree(tmp_path_factory):
    """An unpacked tree as the official archives give it: cats capitalised, 2 test photos per breed."""
    from PIL import Image

    root = tmp_path_factory.mktemp("oxford-tree")
    (root / "images").mkdir()
    (root / "annotations").mkdir()
    lines, trainval, test = [], [], []
    for class_id, breed in enumerate(PETS, start=1):
        animal = toypets.BREEDS[breed].animal
        prefix = breed.capitalize() if animal == "cat" else breed
        for i, pixels in enumerate(toypets.draw_many(breed, PER_BREED, seed=class_id, size=48), start=1):
            Image.fromarray(pixels).save(root / "images" / f"{prefix}_{i}.jpg", quality=90)
            line = f"{prefix}_{i} {class_id} {1 if animal == 'cat' else 2} {class_id}"
            lines.append(line)
            (test if i > PER_BREED - 2 else trainval).append(line)
    for name, rows in (("list", lines), ("trainval", trainval), ("test", test)):
        (root / "annotations" / f"{name}.txt").write_text("#Image CLASS-ID SPECIES BREED ID\n" + "\n".join(rows) + "\n")
    return root


@pytest.fixture()
def small_and_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("PETS_PHOTO_SIZE", "32")  # the kernels inherit it
    monkeypatch.setenv("PETS_MODELS_DIR", str(tmp_path / "models"))
    for proxy in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")  # nothing listens there: every download fails at once
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)


def _run(notebook: Path, out: Path, parameters: dict, caplog):
    papermill = pytest.importorskip("papermill")
    with caplog.at_level(logging.WARNING, logger="papermill"):
        papermill.execute_notebook(str(notebook), str(out), parameters=parameters, kernel_name="python3",
                                   cwd=str(notebook.parent), progress_bar=False, log_output=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("papermill")]
    assert not warnings, warnings  # e.g. "Unable to parse line 3" or "Passed unknown parameter: DATA_DIR"
    nb = nbformat.read(out, as_version=4)
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    return nb, _outputs_text(nb)


def _check(nb, text, notebook: Path):
    assert "Photos: " in text and "(NEW_BREED)" in text  # the setup cell's layout report
    assert "need not hold" in text and "All claims hold." not in text  # toy claims are reported, not asserted
    if "the_breed_it_never_saw" in notebook.name:
        assert text.count("Skipped on photos:") == 2
    if notebook.name[:2] in ("01", "02"):
        assert "every time would score" in text  # the majority floor next to the score
    heading = [i for i, c in enumerate(nb.cells) if c.source.startswith("## What we measured")]
    assert heading, "no 'What we measured' section"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", SERIES, ids=lambda p: p.name[:2])
def test_every_notebook_runs_on_a_teachers_photo_folder(notebook, photos, small_and_offline, tmp_path, caplog):
    pets, rabbits = photos
    nb, text = _run(notebook, tmp_path / notebook.name,
                    {"DATA_SOURCE": "folder", "DATA_DIR": str(pets), "RABBIT_DIR": str(rabbits), "SEED": 0}, caplog)
    _check(nb, text, notebook)
    assert "Lesson on 'folder' data" in text


@pytest.mark.slow
@pytest.mark.parametrize("notebook", SERIES, ids=lambda p: p.name[:2])
def test_every_notebook_runs_on_an_unpacked_oxford_tree(notebook, oxford_tree, photos, small_and_offline, tmp_path, caplog):
    _, rabbits = photos
    nb, text = _run(notebook, tmp_path / notebook.name,
                    {"DATA_SOURCE": "oxford", "DATA_DIR": str(oxford_tree), "RABBIT_DIR": str(rabbits)}, caplog)
    _check(nb, text, notebook)
    assert "Oxford-IIIT Pet photos from" in text
    assert sorted(p.name for p in oxford_tree.iterdir()) == ["annotations", "images"]  # nothing written into the tree


def test_folder_parameters_reach_the_lesson(tmp_path, monkeypatch):
    """The parameters a notebook passes select the folder source and its breeds (no training)."""
    from helpers import lesson

    monkeypatch.setenv("PETS_PHOTO_SIZE", "32")
    photos = folder.write_toy_folder(tmp_path / "p", breeds=["tabby", "beagle", "persian", "dutch"], n_per_breed=20,
                                     image_size=48, folder_names={"persian": "Persian"})
    course = lesson.Lesson("folder", data_dir=photos, new_breed="Persian", needs=["new_breed", "rabbits"])
    assert course.source == "folder" and not course.checks_claims
    assert sorted(course.seen_breeds) == ["beagle", "tabby"] and course.new_breed == "persian"
    assert course.rabbit_breeds == ["dutch"]
    train = course.load("train")
    assert set(train.breeds) <= {"tabby", "beagle"} and len(train) > 0
    assert isinstance(course.why_no_claims, str)
    assert lesson.real_photos_status(course).startswith("This run already uses real photos: ")
    assert "Oxford-IIIT Pet" in lesson.real_photos_status(lesson.Lesson("toy", quick=True))


def test_rehearsal_on_few_photos_uses_each_photo_once(tmp_path, monkeypatch):
    """On a teacher's few photos the rehearsal set asks for more than there is: it is every photo, none twice."""
    from helpers import lesson, recipes

    monkeypatch.setenv("PETS_PHOTO_SIZE", "32")
    photos = folder.write_toy_folder(tmp_path / "p", breeds=["tabby", "siamese", "beagle", "labrador", "persian"],
                                     n_per_breed=8, image_size=48, folder_names={"persian": "Persian"})
    course = lesson.Lesson("folder", data_dir=photos, new_breed="Persian", needs=["new_breed"])
    old = course.load("train")
    for hard in (None, course.cat_breeds):
        rehearsal = recipes.rehearsal_set(course, hard_negatives=hard)
        pictures = {picture.tobytes() for picture in rehearsal.images}
        assert len(pictures) == len(rehearsal) == len(old)  # asked for 10 + 20 a breed: all of them, each once
