"""Nothing a user made is lost: `make student`, the sync check and `make clean`, on a temporary copy of the project.

The probes: `make student` overwrote a student copy that had been answered and
run; `make test` then told the student to run it; `make clean` removed
students' own models (models/my_best_model.keras) and every .ipynb_checkpoints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path):
    """The parts of the project these commands read: the Makefile, tools/, the notebooks and their student copies."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "tools", copy / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "Makefile", copy / "Makefile")
    (copy / "notebooks").mkdir()
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))[:3]:  # three are enough, and quicker to copy
        shutil.copy(path, copy / "notebooks" / path.name)
    shutil.copytree(ROOT / "notebooks" / "student", copy / "notebooks" / "student",
                    ignore=lambda folder, names: [n for n in names if n.endswith(".ipynb") and not (copy / "notebooks" / n).exists()])
    return copy


def make_student(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "tools/make_student.py", *args], cwd=project, capture_output=True, text=True, timeout=120)


def _answer_and_run(path: Path) -> bytes:
    """What a student does: type an answer into the first exercise, run a cell (an output, an execution count), save."""
    nb = nbformat.read(path, as_version=4)
    exercise = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    exercise.source = "my_answer = 42  # my own work"
    exercise.execution_count = 7
    exercise.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nbformat.write(nb, path)
    return path.read_bytes()


def _change_notebook(path: Path) -> None:
    """What the instructor does: improve a notebook's text."""
    nb = nbformat.read(path, as_version=4)
    markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    markdown.source += "\n\nOne more sentence."
    nbformat.write(nb, path)


def test_make_student_keeps_answered_copies_and_updates_untouched_ones(project):
    first = make_student(project)
    assert first.returncode == 0, first.stderr
    student = project / "notebooks" / "student"
    assert (student / ".make_student.json").is_file()
    answered, untouched = sorted(student.glob("[0-9]*.ipynb"))[:2]
    mine = _answer_and_run(answered)
    for name in (answered.name, untouched.name):
        _change_notebook(project / "notebooks" / name)

    check = make_student(project, "--check")  # what `make test` runs: safe advice, and it mentions the kept work
    assert check.returncode == 1
    assert f"{untouched.name}: differs" in check.stderr and f"{answered.name}: differs" not in check.stderr
    assert "replaces only copies nobody changed" in check.stderr
    assert f"note: {answered.name} was changed since make student wrote it" in check.stderr

    done = make_student(project)
    assert done.returncode == 0, done.stderr
    assert answered.read_bytes() == mine  # the student's work, byte for byte
    new_copy = answered.with_name(answered.stem + ".new.ipynb")
    assert f"kept notebooks/student/{answered.name}" in done.stdout and f"notebooks/student/{new_copy.name}" in done.stdout
    assert "One more sentence." in new_copy.read_text() and "One more sentence." in untouched.read_text()
    assert f"wrote notebooks/student/{untouched.name}" in done.stdout
    assert make_student(project, "--check").returncode == 0  # in sync; the answered copy is nobody's problem

    _change_notebook(project / "notebooks" / answered.name)  # once more: the .new copy nobody opened is simply replaced
    make_student(project)
    assert answered.read_bytes() == mine and new_copy.read_text().count("One more sentence.") == 2
    assert not answered.with_name(answered.stem + ".new-2.ipynb").exists()


def test_without_a_record_only_copies_that_look_untouched_are_replaced(project):
    student = project / "notebooks" / "student"
    answered, untouched = sorted(student.glob("[0-9]*.ipynb"))[:2]
    mine = _answer_and_run(answered)
    for name in (answered.name, untouched.name):
        _change_notebook(project / "notebooks" / name)
    (student / ".make_student.json").unlink(missing_ok=True)  # as in a checkout from before the record existed
    assert make_student(project).returncode == 0
    assert answered.read_bytes() == mine and "One more sentence." in untouched.read_text()


def test_make_clean_removes_only_what_the_project_made(project):
    made = [
        "data/toy/0123456789abcdef.npz", "data/folder-cache/fedcba9876543210.npz", "data/oxford-cache/0123456789abcdef.npz",
        "data/oxford-cache/checked-archives.json",
        "models/cat_dog.keras", "models/cat_dog.keras.json", "models/quick/cat_dog.keras",
        "models/folder/imagenet_cat_dog.keras", "models/export/cat_dog.weights.h5", "models/export/manifest.json",
        "models/export_damaged/cat_dog.json", "build/slides/index.html", "artifacts/browser/shot.png",
        ".pytest_cache/README.md", "tools/__pycache__/clean.cpython-311.pyc",
    ]
    kept = [
        "models/my_best_model.keras", "models/quick/mine.keras", "models/export/my_notes.txt",
        "notebooks/.ipynb_checkpoints/02_train_a_classifier-checkpoint.ipynb",
        "notebooks/student/.ipynb_checkpoints/02_train_a_classifier-checkpoint.ipynb",
        "data/my-pets/cat/tom.jpg", "data/oxford-iiit-pet/images.tar.gz", "data/oxford-iiit-pet/images/Persian_1.jpg",
        "data/toy/README-mine.txt",
        "notebooks/models/old_model.keras", "my_work/__pycache__/x.pyc",
    ]
    for name in made + kept:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(b"x")
    done = subprocess.run(["make", "--no-print-directory", "clean", f"PYTHON={sys.executable}"], cwd=project,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    left = [name for name in made if (project / name).exists()]
    lost = [name for name in kept if not (project / name).exists()]
    assert left == [] and lost == []
    assert not (project / "models/quick/cat_dog.keras").exists() and (project / "models/quick").is_dir()  # mine.keras keeps it
    assert not (project / "models/folder").exists() and not (project / "build").exists()  # empty: gone
    assert all((project / p).exists() for p in ("notebooks", "tools", "Makefile"))
    assert "Kept:" in done.stdout and ".ipynb_checkpoints" in done.stdout
