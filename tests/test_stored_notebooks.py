"""Static checks of the notebooks as they are stored in the repository.

nbval only compares cells that carry an execution count, and cannot see what a
reader of the stored file sees (widget state, leftover errors, private paths).
So every notebook of the series must be stored as run top to bottom in a fresh
kernel (`make notebooks` does that) and pass these checks. Student copies in
notebooks/student/ may have cleared outputs and stubs tagged raises-exception.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
SERIES = sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
KOREAN = sorted((NOTEBOOKS_DIR / "ko").glob("[0-9]*.ipynb"))  # the Korean edition, checked the same way
STUDENT = sorted((NOTEBOOKS_DIR / "student").glob("*.ipynb")) + sorted((NOTEBOOKS_DIR / "ko" / "student").glob("*.ipynb"))
EXPECTED_NUMBERS = ["01", "02", "03", "04", "05", "06", "07"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# A private absolute path in an output (e.g. /work/..., /tmp/..., /home/ann/...).
PRIVATE_PATH = re.compile(r"(?<![\w.~/-])/(?:work|tmp|root|home|Users|private|var/folders)/")


def _id(path: Path) -> str:
    return str(path.relative_to(NOTEBOOKS_DIR))


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _code_cells(nb):
    return [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def _output_texts(output) -> list[str]:
    """The text a reader sees in one output (images and widget views excluded)."""
    texts = []
    if output.get("output_type") == "stream":
        texts.append(output.get("text", ""))
    elif output.get("output_type") == "error":
        texts.append(output.get("evalue", ""))
        texts.extend(output.get("traceback", []))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime == "application/json":
            texts.append(value if isinstance(value, str) else str(value))
    return texts


def _common_problems(nb) -> list[str]:
    """Problems that neither a stored notebook nor a student copy may have."""
    problems = []
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec name is {kernel!r}, expected 'python3' (re-run with `make notebooks`)")

    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state")
    for index, cell in _code_cells(nb):
        where = f"cell {index}"
        if "execution" in cell.metadata:
            problems.append(f"{where}: timing metadata stored (run with record_timing=False, i.e. `make notebooks`)")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") == "stderr":
                first = output.get("text", "").strip().splitlines()[:1]
                problems.append(f"{where}: stored stderr output {first}")
            if kind == "error" and "raises-exception" not in _tags(cell):
                problems.append(f"{where}: stored error {output.get('ename')}: {output.get('evalue')}")
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                model_id = view.get("model_id")
                if not state:
                    problems.append(f"{where}: shows a widget but metadata.widgets holds no widget state")
                elif model_id not in state:
                    problems.append(f"{where}: widget model {model_id} is missing from the stored widget state")
            for text in _output_texts(output):
                match = PRIVATE_PATH.search(text)
                if match:
                    line = next(l for l in text.splitlines() if match.group(0) in l)
                    problems.append(f"{where}: absolute path in an output: {line.strip()[:120]!r}")

    parameters = [(i, c) for i, c in enumerate(nb.cells) if "parameters" in _tags(c)]
    if len(parameters) != 1:
        problems.append(f"expected exactly one cell tagged 'parameters', found {len(parameters)}")
    else:
        index, cell = parameters[0]
        if cell.cell_type != "code":
            problems.append(f"cell {index}: the 'parameters' cell must be a code cell")
        else:
            try:
                tree = ast.parse(cell.source)
            except SyntaxError as error:
                problems.append(f"cell {index}: the parameters cell is not valid Python: {error}")
            else:
                values = {
                    target.id: node.value
                    for node in tree.body
                    if isinstance(node, ast.Assign)
                    for target in node.targets
                    if isinstance(target, ast.Name)
                }
                source = values.get("DATA_SOURCE")
                if not (isinstance(source, ast.Constant) and source.value == "toy"):
                    problems.append(f'cell {index}: the parameters cell must set DATA_SOURCE = "toy" (the default)')
    return problems


def _execution_problems(nb) -> list[str]:
    """A stored notebook of the series: run top to bottom, every code cell once, errors only where tagged."""
    problems = []
    expected = 1
    for index, cell in _code_cells(nb):
        tags = _tags(cell)
        count = cell.get("execution_count")
        if "skip-execution" in tags:
            if count is not None or cell.get("outputs"):
                problems.append(f"cell {index}: tagged skip-execution but has an execution count or outputs")
            continue
        if count is None:
            problems.append(f"cell {index}: not run (no execution count), so nbval would never check it")
        elif count != expected:
            problems.append(f"cell {index}: execution count {count}, expected {expected} (run top to bottom in a fresh kernel)")
            expected = count + 1
        else:
            expected += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result" and output.get("execution_count") != count:
                problems.append(f"cell {index}: result stored with count {output.get('execution_count')}, cell has {count}")
        if "raises-exception" in tags and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            problems.append(f"cell {index}: tagged raises-exception but stores no error (remove the tag or fix the cell)")
    if expected == 1:
        problems.insert(0, "no code cell has been run: store it executed (`make notebooks`)")
    return problems


def _student_execution_problems(nb) -> list[str]:
    """A student copy: counts, where kept, still increase (cleared cells have none)."""
    problems = []
    last = 0
    for index, cell in _code_cells(nb):
        count = cell.get("execution_count")
        if count is None:
            continue
        if count <= last:
            problems.append(f"cell {index}: execution count {count} after {last} (not run top to bottom)")
        last = count
    return problems


def _report(path: Path, problems: list[str]) -> str:
    return f"{_id(path)}:\n  " + "\n  ".join(problems)


def test_the_seven_notebooks_of_the_series_exist():
    """01..07, one file each; the checks below must not pass on an empty folder."""
    found = {number: [p.name for p in SERIES if p.name.startswith(number + "_")] for number in EXPECTED_NUMBERS}
    missing = [number for number, names in found.items() if not names]
    doubled = {number: names for number, names in found.items() if len(names) > 1}
    assert not missing, f"missing notebooks: {', '.join(f'notebooks/{n}_*.ipynb' for n in missing)}"
    assert not doubled, f"more than one notebook per number: {doubled}"


@pytest.mark.parametrize("path", SERIES + KOREAN, ids=_id)
def test_stored_notebook_is_valid(path):
    nb = _read(path)
    nbformat.validate(nb)


@pytest.mark.parametrize("path", SERIES + KOREAN, ids=_id)
def test_stored_notebook_was_run_top_to_bottom(path):
    problems = _execution_problems(_read(path))
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", SERIES + KOREAN, ids=_id)
def test_stored_notebook_says_which_machine_computed_it(path):
    """`make notebooks` stamps the numeric fingerprint that decides where outputs are compared (tests/conftest.py)."""
    stamp = _read(path).metadata.get("numeric_fingerprint", "")
    assert re.fullmatch(r"\S+-[0-9a-f]{16}", stamp), _report(path, ["no numeric fingerprint stored (re-run with `make notebooks`)"])


@pytest.mark.parametrize("path", SERIES + KOREAN, ids=_id)
def test_stored_notebook_outputs_are_clean(path):
    problems = _common_problems(_read(path))
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", STUDENT, ids=_id)
def test_student_copy_is_clean(path):
    nb = _read(path)
    nbformat.validate(nb)
    problems = _common_problems(nb) + _student_execution_problems(nb)
    assert not problems, _report(path, problems)


# --- the checker itself, on small hand-made notebooks ------------------------------

def _notebook(*cells, widgets=None):
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells.append(new_code_cell('DATA_SOURCE = "toy"\nSEED = 0', metadata={"tags": ["parameters"]}, execution_count=1))
    for i, (source, outputs, tags) in enumerate(cells, start=2):
        nb.cells.append(new_code_cell(source, outputs=outputs, metadata={"tags": tags} if tags else {}, execution_count=i))
    if widgets is not None:
        nb.metadata["widgets"] = {WIDGET_STATE: {"state": widgets, "version_major": 2, "version_minor": 0}}
    return nb


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _error():
    return nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[])


def test_checker_accepts_a_clean_notebook():
    nb = _notebook(("print(1)", [_stream("1\n")], None))
    assert _common_problems(nb) == [] and _execution_problems(nb) == []


def test_checker_finds_each_kind_of_problem():
    view = nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0}})
    nb = _notebook(
        ("import warnings", [_stream("careful\n", name="stderr")], None),
        ("raise ValueError('bad')", [_error()], None),
        ("w", [view], None),
        ("print(path)", [_stream("saved to /work/main/models/x.keras\n")], None),
    )
    nb.cells[2].execution_count = 7
    nb.metadata.kernelspec.name = "python3.11"
    problems = "\n".join(_common_problems(nb) + _execution_problems(nb))
    for expected in ["kernelspec", "stderr", "stored error", "widget state", "absolute path", "execution count 7"]:
        assert expected in problems


def test_checker_accepts_tagged_errors_and_requires_them():
    nb = _notebook(("raise ValueError('bad')", [_error()], ["raises-exception"]))
    assert _common_problems(nb) == [] and _execution_problems(nb) == []
    nb.cells[1].outputs = []
    assert any("stores no error" in p for p in _execution_problems(nb))


def test_checker_wants_widget_state_for_each_view():
    view = nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0}})
    assert _common_problems(_notebook(("w", [view], None), widgets={"abc": {"model_name": "IntSliderModel"}})) == []
    assert any("missing from the stored widget state" in p for p in _common_problems(_notebook(("w", [view], None), widgets={"xyz": {}})))


def test_checker_wants_the_parameters_cell_with_the_toy_default():
    nb = _notebook()
    nb.cells[0].source = 'DATA_SOURCE = "oxford"'
    assert any("DATA_SOURCE" in p for p in _common_problems(nb))
    nb.cells[0].metadata = {}
    assert any("parameters" in p for p in _common_problems(nb))


def test_relative_paths_and_urls_are_not_private_paths():
    for text in ["models/cat_dog.keras", "see https://example.org/home/page", "~/tmp/x", "data/tmp/a.npz"]:
        assert not PRIVATE_PATH.search(text), text
    for text in ["/tmp/x.png", "'/work/main/data'", "/home/ann/photo.jpg"]:
        assert PRIVATE_PATH.search(text), text
