"""The student copies (notebooks/student/, made by tools/make_student.py).

- they are in sync with the notebooks of the series (`make student` was run);
- the stub transformation, on a small hand-made notebook;
- what is for teachers and maintainers is left out: instructor notes, project
  commands such as `make student`, links to the full notebooks;
- (slow) each copy runs top to bottom in QUICK mode without an error: each stub
  prints "not answered yet", and the check after it says "Not answered yet".
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
STUDENT_DIR = ROOT / "notebooks" / "student"
import make_student  # noqa: E402  (tools/ is on the path: tests/conftest.py)

# The copies make student writes (not the NAME.new.ipynb it puts beside a copy someone changed).
STUDENT = sorted(p for p in STUDENT_DIR.glob("*.ipynb") if not make_student._is_new_copy(p.name))
KOREAN_STUDENT = sorted(p for p in (ROOT / "notebooks" / "ko" / "student").glob("*.ipynb") if not make_student._is_new_copy(p.name))


# -- (a) in sync --------------------------------------------------------------------------


def test_student_copies_are_in_sync_with_the_notebooks():
    problems = make_student.out_of_date()
    assert not problems, (
        "notebooks/student/ is out of date; run `make student` (it replaces only copies nobody changed):\n  "
        + "\n  ".join(problems)
    )
    changed = make_student.changed_by_hand()
    if changed:
        pytest.skip(f"kept as someone's work (changed since make student wrote them): {', '.join(changed)}")


def test_korean_student_copies_are_in_sync_and_speak_korean():
    notebooks_dir, student_dir = make_student.EDITIONS["ko"]
    expected = make_student.expected_copies(language="ko")
    assert [p.name for p in expected] == [p.name for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))]
    problems = make_student.out_of_date(expected, student_dir)
    assert not problems, "notebooks/ko/student/ is out of date; run `make student`:\n  " + "\n  ".join(problems)
    for path in sorted(student_dir.glob("[0-9]*.ipynb")):
        if make_student._is_new_copy(path.name):
            continue
        nb = nbformat.read(path, as_version=4)
        assert nb.cells[0].id == make_student.HEADER_ID and "여러분이 쓰는 노트북" in nb.cells[0].source
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "**강사:**" not in text and "**Instructor:**" not in text, f"{path.name}: an instructor's note"
        assert not make_student.MAINTAINER_COMMAND.search(text), f"{path.name}: a maintainer's command"
        assert not any("BEGIN SOLUTION" in c.source for c in nb.cells if c.cell_type == "code"), path.name


def test_there_is_a_student_copy_of_every_notebook_with_an_exercise():
    series = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert series, "no notebooks in notebooks/"
    assert [p.name for p in STUDENT] == [p.name for p in series]
    for path in STUDENT:
        nb = nbformat.read(path, as_version=4)
        assert nb.cells[0].id == make_student.HEADER_ID and "Your copy of this notebook" in nb.cells[0].source
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "**Instructor:**" not in text, f"{path.name}: an instructor's note"
        assert not make_student.MAINTAINER_COMMAND.search(text), f"{path.name}: a maintainer's command"
        assert not make_student.SOLUTION_LINK.search(text), f"{path.name}: a link to the full notebook"
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), f"{path.name}: stored with outputs"
        assert "widgets" not in nb.metadata
        assert not any("BEGIN SOLUTION" in c.source or "solution" in c.metadata.get("tags", []) for c in code), path.name


# -- (b) the transformation on a hand-made notebook -------------------------------------------

SOLUTION = """\
# BEGIN SOLUTION
# HINT: def always_dog(picture): return "dog", then performance(always_dog, test_pets)
def always_dog(picture):
    return "dog"

lazy_accuracy = performance(always_dog, test_pets)
helper_only = 3
# END SOLUTION"""


def tiny_notebook():
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [
        new_markdown_cell("# Title"),
        new_markdown_cell("**Instructor:** ask the class first."),
        new_markdown_cell("Intro. See [the full notebook](../01_tiny.ipynb) and [02](02_next.ipynb).\n\n"
                          "Maintainers: run `make student` after a change.\n\nStart with `make lab`."),
        new_code_cell('DATA_SOURCE = "toy"', metadata={"tags": ["parameters"]}, execution_count=1),
        new_markdown_cell("**Try it 1 — first.** ...\n\n**Try it 2 — the lazy program.** Measure it."),
        new_code_cell(SOLUTION, metadata={"tags": ["solution"], "slideshow": {"slide_type": "subslide"}}, execution_count=2,
                      outputs=[new_output("stream", name="stdout", text="done\n")]),
        new_code_cell('exercises.check("01-always-dog", lazy_accuracy)', execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="✓ Correct: ...\n")]),
        new_code_cell("helper_only = 4\nprint(helper_only)", execution_count=4),
    ]
    return nb


STUB = 5  # the stub's position in the tiny notebook's copy (after the header, title, intro, parameters, "Try it")


def test_stub_replaces_the_solution_and_keeps_the_names_read_later():
    copy = make_student.student_copy(tiny_notebook(), "01_tiny.ipynb")
    header, stub = copy.cells[0], copy.cells[STUB]
    assert "Your copy of this notebook" in header.source and ".ipynb" not in header.source
    assert "make " not in header.source and "NotImplementedError" not in header.source
    assert stub.source.splitlines() == [
        "# Try it 2: your answer goes here, in place of these lines.",
        '# HINT: def always_dog(picture): return "dog", then performance(always_dog, test_pets)',
        "lazy_accuracy = None  # your answer",
        "print('Try it 2: not answered yet. Write your answer in this cell, then run it again.')",
    ]  # helper_only is bound again before it is read, always_dog is never read: neither is kept
    assert max(len(line) for line in stub.source.splitlines()) <= make_student.HINT_WIDTH
    long_hint = make_student.stub_solution(f"# BEGIN SOLUTION\n# HINT: {'word ' * 40}\nx = 1\n# END SOLUTION")
    hint_lines = [line for line in long_hint.splitlines() if line.startswith("#") and "word" in line]
    assert len(hint_lines) == 3 and all(len(line) <= make_student.HINT_WIDTH for line in hint_lines)
    assert hint_lines[1].startswith("#       word")  # continued under the hint's first word
    assert stub.metadata.tags == ["exercise"]
    assert stub.metadata.slideshow == {"slide_type": "subslide"}  # other metadata stays
    assert all(not c.outputs and c.execution_count is None for c in copy.cells if c.cell_type == "code")
    assert "widgets" not in copy.metadata
    nbformat.validate(copy)


def test_the_stub_runs_as_promised(capsys):
    source = make_student.student_copy(tiny_notebook(), "01_tiny.ipynb").cells[STUB].source
    namespace = {}
    exec(source, namespace)  # no error: the rest of the notebook runs
    assert namespace["lazy_accuracy"] is None
    assert capsys.readouterr().out == "Try it 2: not answered yet. Write your answer in this cell, then run it again.\n"


def test_teachers_and_maintainers_notes_are_left_out():
    copy = make_student.student_copy(tiny_notebook(), "01_tiny.ipynb")
    text = [c.source for c in copy.cells if c.cell_type == "markdown"]
    assert not any("Instructor" in t for t in text)
    intro = copy.cells[2].source
    assert intro == "Intro. See the full notebook and [02](02_next.ipynb).\n\nStart with `make lab`."


def test_stub_keeps_code_outside_the_markers_and_the_last_name_by_default():
    source = "import numpy as np\n# BEGIN SOLUTION\nx = 1\nanswer = x + 1\n# END SOLUTION\nprint(answer)"
    stub = make_student.stub_solution(source, "Try it 3")
    assert stub.splitlines()[0] == "import numpy as np" and stub.splitlines()[-1] == "print(answer)"
    assert "answer = None  # your answer" in stub and "x = None" not in stub
    assert "# HINT" not in stub and "print('Try it 3: not answered yet." in stub


@pytest.mark.parametrize("source", ["x = 1", "# BEGIN SOLUTION\nx = 1", "# END SOLUTION\n# BEGIN SOLUTION"])
def test_a_broken_solution_block_is_an_error(source):
    with pytest.raises(make_student.SolutionFormatError):
        make_student.stub_solution(source)


def test_the_copy_does_not_change_the_source_and_is_stable():
    nb = tiny_notebook()
    before = nbformat.writes(nb)
    first = make_student.student_copy(nb, "01_tiny.ipynb")
    assert nbformat.writes(nb) == before
    assert nbformat.writes(make_student.student_copy(nb, "01_tiny.ipynb")) == nbformat.writes(first)


def test_check_mode_finds_missing_changed_and_extra_copies(tmp_path):
    expected = {tmp_path / "01_tiny.ipynb": make_student.student_copy(tiny_notebook(), "01_tiny.ipynb")}
    assert make_student.out_of_date(expected, tmp_path) == ["01_tiny.ipynb: missing"]
    assert make_student.write_copies(expected, tmp_path) == [tmp_path / "01_tiny.ipynb"]
    assert make_student.out_of_date(expected, tmp_path) == []
    assert make_student.write_copies(expected, tmp_path) == []  # nothing changed: nothing written
    changed = make_student.student_copy(tiny_notebook(), "01_tiny.ipynb")
    changed.cells[0].source += " A new sentence."  # the notebook changed; nobody touched the copy
    assert make_student.out_of_date({tmp_path / "01_tiny.ipynb": changed}, tmp_path) == ["01_tiny.ipynb: differs from what its notebook gives"]
    stored = nbformat.read(tmp_path / "01_tiny.ipynb", as_version=4)
    stored.cells[STUB].source = "lazy_accuracy = 0.5"  # a solution typed into the stored copy
    nbformat.write(stored, tmp_path / "01_tiny.ipynb")
    assert make_student.out_of_date(expected, tmp_path) == []  # someone's work is not "out of date"
    assert make_student.changed_by_hand(expected, tmp_path) == ["01_tiny.ipynb"]
    make_student.write_copies({tmp_path / "00_gone.ipynb": expected[tmp_path / "01_tiny.ipynb"]}, tmp_path)
    problems = make_student.out_of_date(expected, tmp_path)
    assert problems == ["00_gone.ipynb: no notebook of the series has this name any more (make student removes it)"]


# -- (c) each student copy runs in QUICK mode, without an error ------------------------------------


def _quick(nb):
    """Put ``QUICK = True`` right after the parameters cell, as papermill would."""
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    injected = new_code_cell("QUICK = True", metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, injected)
    return nb


def run_quick(nb, cwd: Path, name: str):
    """Run a student copy in QUICK mode in a fresh kernel; fail on any error, and unless each stub and check says "not answered yet"."""
    from nbclient.exceptions import CellExecutionError

    import run_notebooks  # tools/ is on the path: tests/conftest.py

    nb = _quick(nb)
    try:
        run_notebooks.execute(nb, cwd)  # in memory; no file is changed
    except CellExecutionError as error:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # no terminal colours in the report
        pytest.fail(f"{name}: a cell failed in QUICK mode:\n{text[-3000:]}", pytrace=False)
    stubs = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    assert stubs, f"{name} has no exercise stub"
    for cell in stubs:
        assert not [o for o in cell.outputs if o.output_type == "error"], f"{name}: a stub shows a traceback"
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert ": not answered yet." in text or "(not answered yet)" in text, f"{name}: the stub printed {text!r}"
    for cell in nb.cells:
        if cell.cell_type == "code" and "exercises.check(" in cell.source:
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert "Not answered yet" in text or "아직 답하지 않았습니다" in text, f"{name}: the check after a stub printed {text!r}"
    return nb


def test_the_runner_on_a_tiny_student_copy(tmp_path):
    """The QUICK run itself: the parameter is injected, the stub runs, the check says "Not answered yet"."""
    nb = tiny_notebook()
    nb.cells[3].source = 'DATA_SOURCE = "toy"\nQUICK = False'
    nb.cells[6].source = "from helpers import exercises\nassert QUICK is True\n" + nb.cells[6].source
    nb.cells[7].source = "print(lazy_accuracy)"
    copy = make_student.student_copy(nb, "01_tiny.ipynb")
    ran = run_quick(copy, tmp_path, "tiny")
    assert ran.cells[-1].outputs[0].text == "None\n"
    broken = make_student.student_copy(nb, "01_tiny.ipynb")
    broken.cells[-1].source = "lazy_accuracy + 1"  # a later cell that fails on the stub's None
    with pytest.raises(pytest.fail.Exception, match="a cell failed in QUICK mode"):
        run_quick(broken, tmp_path, "tiny")


@pytest.mark.slow
@pytest.mark.parametrize("path", STUDENT + KOREAN_STUDENT[:1], ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_student_copy_runs_and_only_the_stubs_raise(path):
    """Every English copy, and the first Korean one (the others run the same code), in QUICK mode."""
    run_quick(nbformat.read(path, as_version=4), path.parent, path.name)
