"""tools/run_notebooks.py stores notebooks the way the stored-notebook checks want them."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny.ipynb"

import run_notebooks  # noqa: E402  (tools/ is on the path: tests/conftest.py)


def _cleared_copy(folder: Path, extra_cells=()) -> Path:
    nb = nbformat.read(TINY, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.extend(extra_cells)
    nb.metadata["kernelspec"]["name"] = "some-other-kernel"
    path = folder / "copy.ipynb"
    nbformat.write(nb, path)
    return path


def test_run_stores_counts_outputs_tags_and_widgets_as_text_or_pictures(tmp_path):
    slider = new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=3, description='E')", metadata={"tags": ["demo"]})
    path = _cleared_copy(tmp_path, [slider])

    result = run_notebooks.measure_notebook(path)

    assert result.seconds > 0
    if sys.platform.startswith("linux"):
        assert result.peak_rss_mb and result.peak_rss_mb > 10
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert all("execution" not in cell.metadata for cell in code), "no timing metadata"
    assert "parameters" in code[0].metadata["tags"] and "demo" in code[-1].metadata["tags"]
    assert nb.metadata.kernelspec.name == "python3"
    assert "accuracy: 0.492" in code[1].outputs[0].text
    # A stored widget could not be used (its kernel is gone): only what it shows without one is kept.
    shown = code[-1].outputs[0].data
    assert "application/vnd.jupyter.widget-view+json" not in shown and "widgets" not in nb.metadata
    assert shown["text/plain"].startswith("IntSlider(value=3")


def test_a_failing_notebook_is_left_unchanged(tmp_path):
    path = _cleared_copy(tmp_path, [new_code_cell("1 / 0")])
    before = path.read_bytes()
    with pytest.raises(Exception, match="ZeroDivisionError"):
        run_notebooks.run_notebook(path)
    assert path.read_bytes() == before


def test_a_tagged_error_is_stored(tmp_path):
    path = _cleared_copy(tmp_path, [new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]})])
    assert run_notebooks.run_notebook(path) > 0
    last = nbformat.read(path, as_version=4).cells[-1]
    assert last.outputs[0].output_type == "error" and last.outputs[0].ename == "ZeroDivisionError"


def test_notebooks_are_chosen_by_number_prefix():
    series = run_notebooks.find_notebooks()
    assert series == sorted(series)
    if series:
        first = series[0].name[:2]
        assert run_notebooks.find_notebooks([first]) == [p for p in series if p.name.startswith(first)]
    with pytest.raises(SystemExit, match="No notebook matches"):
        run_notebooks.find_notebooks(["99"])
