"""Every notebook fits one class period, by its own estimates, and the estimates are not wishful.

Each notebook's title cell says "In class: about T minutes", and every
section heading (``## 2 · Model (≈ 8 min)``, the Try-it section included)
gives its share (every section but the printout "What we measured"). The test checks that the shares add up to T, that T is at
most 30 minutes, and that no section promises less time than it takes
just to read it and run its cells: its words at 120 words a minute (a
first-year student reading and talking it through), plus half a minute per
code cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb"))
WORDS_PER_MINUTE = 120
MINUTES_PER_CODE_CELL = 0.5
MAX_MINUTES = 30


def sections(notebook: Path):
    """[(heading, stated minutes or None, minutes to read and run it)] for every ``## `` section."""
    cells = json.loads(notebook.read_text())["cells"]
    found = []
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and text.startswith("## "):
            heading = text.splitlines()[0]
            stated = re.search(r"\(≈ (\d+) min\)", heading)
            found.append([heading, int(stated.group(1)) if stated else None, 0.0])
        if not found or "colab" in cell["metadata"].get("tags", []):
            continue  # before the first section, or the Colab cell (it does nothing elsewhere)
        if cell["cell_type"] == "markdown":
            if text.startswith("**Instructor:**"):
                continue  # presenter notes are not read aloud
            found[-1][2] += len(text.split()) / WORDS_PER_MINUTE
        else:
            found[-1][2] += MINUTES_PER_CODE_CELL
    return found


def stated_total(notebook: Path) -> int:
    title = "".join(json.loads(notebook.read_text())["cells"][0]["source"])
    match = re.search(r"[Ii]n class:\**\s*about (\d+) minutes", title)
    assert match, f"{notebook.name}: the title cell must say 'In class: about N minutes'"
    return int(match.group(1))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 7


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_a_notebook_fits_a_class_period(notebook):
    total = stated_total(notebook)
    found = sections(notebook)
    untimed = [h for h, m, _ in found if m is None and h != "## What we measured"]
    assert not untimed, f"{notebook.name}: these sections need an estimate '(≈ N min)': {untimed}"
    timed = [(h, m, need) for h, m, need in found if m is not None]
    assert total <= MAX_MINUTES, f"{notebook.name} states {total} minutes; a class period is {MAX_MINUTES}"
    assert sum(m for _, m, _ in timed) == total, (
        f"{notebook.name}: the sections' estimates add up to {sum(m for _, m, _ in timed)} min, the title says {total}")
    assert any("Try it" in h for h, _, _ in timed), f"{notebook.name}: the Try-it section needs its own estimate"
    for heading, minutes, need in timed:
        assert minutes >= need - 0.5, f"{notebook.name}: '{heading}' needs about {need:.1f} min just to read and run"


def test_the_check_catches_a_section_that_promises_too_little(tmp_path):
    """The reading-time floor can fail: a long section with a 1-minute estimate is caught."""
    long_text = " ".join(["word"] * 600)
    cells = [{"cell_type": "markdown", "source": ["# T\n⏱ In class: about 1 minutes"], "metadata": {}},
             {"cell_type": "markdown", "source": [f"## 1 · Long (≈ 1 min)\n{long_text}"], "metadata": {}}]
    path = tmp_path / "99_long.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    (heading, minutes, need), = sections(path)
    assert minutes < need - 0.5


def try_its(notebook: Path):
    """[(number, checked)] for every "**Try it N — ...**" of a notebook; checked when a solution cell follows it."""
    cells = json.loads(notebook.read_text())["cells"]
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        numbers = re.findall(r"\*\*Try it (\d+) —", "".join(cell["source"]))
        following = cells[i + 1] if i + 1 < len(cells) else None
        checked = bool(following and "solution" in following["metadata"].get("tags", []))
        found += [(n, checked and k == len(numbers) - 1) for k, n in enumerate(numbers)]
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_try_it_has_a_check_or_a_model_answer(notebook):
    guide = (notebook.parent.parent / "docs" / "INSTRUCTOR.md").read_text()
    answers = guide[guide.index("## Model answers"):]
    found = try_its(notebook)
    assert found, f"{notebook.name} has no Try it"
    for number, checked in found:
        if not checked:
            assert f"**{notebook.name[:2]}, Try it {number} —" in answers, (
                f"{notebook.name}: Try it {number} has no check; give it a model answer in docs/INSTRUCTOR.md")
