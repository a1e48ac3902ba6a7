"""The sanitize file hides volatile text, and nothing else: a changed metric still fails.

Uses tests/fixtures/tiny.ipynb (stored executed, no TensorFlow): one cell prints
an accuracy next to a random step time, an elapsed time and a memory address,
the last cell shows a dict of rounded numbers. nbval runs in a subprocess with
the project's options, as `make test-notebooks` does; the stderr hook of
tests/conftest.py is checked the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from nbval.plugin import get_sanitize_patterns

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
TINY = ROOT / "tests" / "fixtures" / "tiny.ipynb"


def _rules() -> list[tuple[str, str]]:
    return get_sanitize_patterns(SANITIZE.read_text())


def _sanitize(text: str) -> str:
    for regex, replace in _rules():
        text = re.sub(regex, replace, text)
    return text


# --- the rules themselves ------------------------------------------------------------

def test_every_rule_is_read_by_nbval():
    """Each 'regex:' line is directly followed by a 'replace:' line that nbval parses.

    An editor that strips the trailing blank of "replace: " (an empty replacement)
    would silently drop the rule; this test notices.
    """
    text = SANITIZE.read_text()
    regex_lines = [line for line in text.splitlines() if line.startswith("regex:")]
    assert regex_lines, "the sanitize file has no rules"
    assert len(_rules()) == len(regex_lines), "some 'regex:' line is not followed by a valid 'replace: ' line"
    for regex, _ in _rules():
        re.compile(regex)


@pytest.mark.parametrize(
    "volatile, expected",
    [
        ("32/32 - 2s - 50ms/step - accuracy: 0.9531 - loss: 0.1234", "32/32 - TIME - TIME/step - accuracy: 0.9531 - loss: 0.1234"),
        ("\x1b[1m32/32\x1b[0m ━━━━ \x1b[1m1:05\x1b[0m 14ms/step - accuracy: 0.5  \r32/32 ━━━━ \x1b[1m3s\x1b[0m 12ms/step - accuracy: 0.9  ",
         "32/32 ━━━━ TIME TIME/step - accuracy: 0.9"),
        ("CPU times: user 1.2 s, sys: 3 ms, total: 1.2 s\nWall time: 1.3 s", "CPU times: user TIME, sys: TIME, total: TIME\nWall time: TIME"),
        ("1.2 ms ± 3.4 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)", "TIMEIT"),
        ("<helpers.Thing object at 0x7f61791a72d0>", "<helpers.Thing object at 0xADDRESS>"),
        ("/tmp/ipykernel_4242/123456.py:3: UserWarning: careful", "IPYKERNEL_CELL.py:3: UserWarning: careful"),
        ("<Figure size 1200x400 with 3 Axes>", "<Figure size WxH with 3 Axes>"),
        ("elapsed: 0.60 s", "elapsed: TIME"),
        ("training took 43 times as long", "training took N times as long"),
        ("Python      3.11.7        3.11.7\nKeras       3.15.1        3.15.1\nCPU kind    x86_64        x86_64",
         "Python THIS-COMPUTER THIS-COMPUTER\nKeras       3.15.1        3.15.1\nCPU kind THIS-COMPUTER THIS-COMPUTER"),
        ("CPU         x86_64          aarch64", "CPU THIS-COMPUTER THIS-COMPUTER"),  # the Korean edition's table
        ("Loaded MobileNetV2: 410,208 parameters learned from ImageNet.\n", "MOBILENETV2-LOADED-OR-HOW-TO-GET-IT\n"),
        ("Keras could not get the ImageNet weights: no network, and they are not in the Keras cache yet.\n"
         "To use them offline, download https://example.org/w.h5 into ~/.keras/models/\n", "MOBILENETV2-LOADED-OR-HOW-TO-GET-IT\n"),
        ('<img src="data:image/png;base64,iVBORw0K+12s/Gg=="/><p>P = 0.68</p>',
         '<img src="data:image/png;base64,PICTURE"/><p>P = 0.68</p>'),
    ],
)
def test_volatile_text_is_sanitized(volatile, expected):
    assert _sanitize(volatile) == expected


@pytest.mark.parametrize(
    "stable",
    [
        "Epoch 3/5 - loss: 0.412 - accuracy: 0.953 - val_accuracy: 0.948",
        "{'persian_accuracy': 0.25, 'persian_called_dog': 0.8, 'parameter_count': 23456, 'model_file_bytes': 312345}",
        "Persian: 0.250 (called dog: 0.800); seen breeds: 0.962",
        'Total params: 23,456 (91.62 KB)',
        "1000 images, 2 classes, 3 seeds, 5 samples, 20 Persians, 50 rabbits",
        "model_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "max_abs_difference: 0.0",
        "accuracy by experience: {20: 0.55, 50: 0.61, 100: 0.7, 1000: 0.93}",
    ],
)
def test_metrics_are_not_sanitized(stable):
    assert _sanitize(stable) == stable


# --- nbval on the tiny notebook --------------------------------------------------------

def _run_nbval(folder: Path, *extra: str, cwd: Path | None = None) -> dict[str, str]:
    """Run strict nbval on every notebook in ``folder``; return notebook name -> 'passed' or 'failed'."""
    report = folder / "report.xml"
    command = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(folder),
        "--nbval", "--nbval-current-env", "--nbval-kernel-startup-timeout", "120",
        f"--junitxml={report}", *extra, *sorted(str(p) for p in folder.glob("*.ipynb")),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    done = subprocess.run(command, cwd=cwd or folder, env=env, capture_output=True, text=True, timeout=300)
    assert report.exists(), f"nbval did not run:\n{done.stdout}\n{done.stderr}"
    outcome: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        notebook = Path(case.get("classname")).name  # nbval names a cell "<notebook>::Cell <n>"
        failed = any(child.tag in ("failure", "error") for child in case)
        if outcome.get(notebook) != "failed":
            outcome[notebook] = "failed" if failed else "passed"
    return outcome


def _mutate(path: Path, old: str, new: str, output_type: str):
    nb = json.loads(path.read_text())
    changed = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] != output_type:
                continue
            field = output["text"] if output_type == "stream" else output["data"]["text/plain"]
            for i, line in enumerate(field):
                if old in line:
                    field[i] = line.replace(old, new)
                    changed += 1
    assert changed, f"{old!r} not found in a stored {output_type} output"
    path.write_text(json.dumps(nb, indent=1))


def _write_stderr_notebook(path: Path):
    """A cell that logs to stderr; the stored copy has no stderr (as if saved where the log was hidden)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell("import sys\nprint('hi')\nprint('a log line', file=sys.stderr)", execution_count=1,
                         outputs=[new_output("stream", name="stdout", text="hi\n")])
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(new_notebook(cells=[cell], metadata={"kernelspec": kernelspec}), path)


# Every notebook below runs with the options of `make test-notebooks` (sanitize file,
# ``-p tests.conftest``), all in one nbval run: each test builds its notebooks into
# the shared folder and checks the outcome of its own.

def _with_project_settings_notebooks(folder: Path) -> dict[str, str]:
    shutil.copy(TINY, folder / "tiny_unchanged.ipynb")
    shutil.copy(TINY, folder / "tiny_printed_metric.ipynb")
    _mutate(folder / "tiny_printed_metric.ipynb", "accuracy: 0.492", "accuracy: 0.493", "stream")
    shutil.copy(TINY, folder / "tiny_result_metric.ipynb")
    _mutate(folder / "tiny_result_metric.ipynb", "'mean_score': 0.496", "'mean_score': 0.497", "execute_result")
    _write_stderr_notebook(folder / "logs_to_stderr.ipynb")
    return {
        "tiny_unchanged.ipynb": "passed",  # step time, elapsed time, address differ on every run: sanitized
        "tiny_printed_metric.ipynb": "failed",  # a metric changed in printed text
        "tiny_result_metric.ipynb": "failed",  # a metric changed in a cell's value
        "logs_to_stderr.ipynb": "passed",  # stderr is not compared (tests/conftest.py)
    }


def _stamp(path: Path, machine: str):
    nb = json.loads(path.read_text())
    nb["metadata"]["numeric_fingerprint"] = machine
    path.write_text(json.dumps(nb, indent=1))


def _small_change_here_and_elsewhere_notebooks(folder: Path) -> dict[str, str]:
    from fingerprint import fingerprint  # tools/fingerprint.py (on the path: tests/conftest.py)

    here = folder / "tiny_stored_here.ipynb"
    shutil.copy(TINY, here)
    _stamp(here, fingerprint())
    _mutate(here, "'mean_score': 0.496", "'mean_score': 0.497", "execute_result")
    elsewhere = folder / "tiny_stored_elsewhere.ipynb"
    shutil.copy(TINY, elsewhere)
    _stamp(elsewhere, "x86_64-0000000000000000")
    _mutate(elsewhere, "'mean_score': 0.496", "'mean_score': 0.497", "execute_result")
    return {"tiny_stored_here.ipynb": "failed", "tiny_stored_elsewhere.ipynb": "passed"}


def _failing_cell_elsewhere_notebooks(folder: Path) -> dict[str, str]:
    broken = folder / "broken_elsewhere.ipynb"
    nb = json.loads(TINY.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[-1]["source"] = "assert False, 'a claim that does not hold'"
    nb["metadata"]["numeric_fingerprint"] = "x86_64-0000000000000000"
    broken.write_text(json.dumps(nb, indent=1))
    return {"broken_elsewhere.ipynb": "failed"}


LESSON_CELL = """\
accuracy_by_breed = {"tabby": 0.94, "siamese": 0.947, "persian": 0.107}
print(f"seen breeds: 0.982   Persians: {accuracy_by_breed['persian']:.3f}   wrong: 158 of 1500")
accuracy_by_breed"""


def _write_lesson_notebook(path: Path, fingerprint_stamp: str):
    """Outputs like notebook 03's (per-breed accuracies, a printed summary), stored as the code gives them."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell(LESSON_CELL, execution_count=1, outputs=[
        new_output("stream", name="stdout", text="seen breeds: 0.982   Persians: 0.107   wrong: 158 of 1500\n"),
        new_output("execute_result", data={"text/plain": "{'tabby': 0.94, 'siamese': 0.947, 'persian': 0.107}"},
                   execution_count=1),
    ])
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    metadata = {"kernelspec": kernelspec, "numeric_fingerprint": fingerprint_stamp}
    nbformat.write(new_notebook(cells=[cell], metadata=metadata), path)


def _lesson_elsewhere_notebooks(folder: Path) -> dict[str, str]:
    foreign = "x86_64-0000000000000000"
    mutations = {
        "unchanged": [],
        "accuracy_0_5": [("Persians: 0.107", "Persians: 0.5", "stream"), ("'persian': 0.107", "'persian': 0.5", "execute_result")],
        "breed_renamed": [("'persian': 0.107", "'sphynx': 0.107", "execute_result")],
        "word_changed": [("seen breeds:", "all breeds:", "stream")],
        "small_change": [("Persians: 0.107", "Persians: 0.110", "stream"), ("'siamese': 0.947", "'siamese': 0.944", "execute_result"),
                         ("158 of 1500", "163 of 1500", "stream")],
    }
    for name, changes in mutations.items():
        path = folder / f"lesson_{name}.ipynb"
        _write_lesson_notebook(path, foreign)
        for old, new, kind in changes:
            _mutate(path, old, new, kind)
    return {
        "lesson_unchanged.ipynb": "passed",
        "lesson_accuracy_0_5.ipynb": "failed",
        "lesson_breed_renamed.ipynb": "failed",
        "lesson_word_changed.ipynb": "failed",
        "lesson_small_change.ipynb": "passed",
    }


BUILDERS = {
    "project_settings": _with_project_settings_notebooks,
    "small_change": _small_change_here_and_elsewhere_notebooks,
    "failing_cell": _failing_cell_elsewhere_notebooks,
    "lesson_elsewhere": _lesson_elsewhere_notebooks,
}


@pytest.fixture(scope="module")
def with_project_settings(tmp_path_factory):
    """``{builder: (expected, outcome)}`` after one nbval run over every builder's notebooks."""
    folder = tmp_path_factory.mktemp("nbval_project_settings")
    expected = {name: build(folder) for name, build in BUILDERS.items()}
    outcome = _run_nbval(folder, "-p", "tests.conftest", "--nbval-sanitize-with", str(SANITIZE), cwd=ROOT)
    return {name: (wanted, {nb: outcome.get(nb) for nb in wanted}) for name, wanted in expected.items()}


def test_project_settings_hide_volatile_text_and_stderr_but_a_changed_metric_fails(with_project_settings):
    """nbval with the options of `make test-notebooks` (sanitize file, ``-p tests.conftest``)."""
    expected, outcome = with_project_settings["project_settings"]
    assert outcome == expected


def test_without_project_settings_the_same_notebooks_fail(tmp_path):
    """The fixtures really are volatile, so the test above proves something."""
    shutil.copy(TINY, tmp_path / "tiny_unchanged.ipynb")
    _write_stderr_notebook(tmp_path / "logs_to_stderr.ipynb")
    assert _run_nbval(tmp_path) == {"tiny_unchanged.ipynb": "failed", "logs_to_stderr.ipynb": "failed"}


def test_a_small_change_fails_where_stored_here_and_passes_within_tolerance_elsewhere(with_project_settings):
    """A changed metric fails on the machine whose fingerprint the notebook carries; elsewhere 0.001 is within tolerance.

    The fingerprint (tools/fingerprint.py) tells whether this machine's floating
    point matches the one that stored the outputs; if not, numbers are compared
    within the tolerance stated in tests/conftest.py.
    """
    expected, outcome = with_project_settings["small_change"]
    assert outcome == expected


def test_a_failing_cell_fails_even_where_outputs_are_compared_within_tolerance(with_project_settings):
    expected, outcome = with_project_settings["failing_cell"]
    assert outcome == expected


def test_outputs_stored_on_another_machine_are_still_compared(with_project_settings):
    """The probe: off the storing machine a stored 0.107 changed to 0.5 passed, because nothing was compared.

    With a foreign fingerprint: a different number fails, a different breed name
    fails, a different word fails, a difference of 0.003 (or 5 of 1,500) passes.
    (tests/conftest.py states the tolerance.)
    """
    expected, outcome = with_project_settings["lesson_elsewhere"]
    assert outcome == expected


@pytest.mark.parametrize("stored, computed, same", [
    ("Persians: 0.107", "Persians: 0.110", True), ("Persians: 0.107", "Persians: 0.5", False),
    ("{'persian': 0.107}", "{'sphynx': 0.107}", False), ("158 of 1500 wrong", "163 of 1500 wrong", True),
    ("158 of 1500 wrong", "158 of 1499 wrong", True), ("epoch 1/5", "epoch 1/6", False), ("(40, 40, 3)", "(48, 48, 3)", False),
    ("(64, 2) → (64, 3)", "(64, 2) → (64, 2)", False), ("on the 134 pictures 88 % sure", "on the 129 pictures 87 % sure", True),
    ("2 of 300 (1 %)", "9 of 300 (3 %)", True), ("2 of 300", "30 of 300", False), ("Persians: 0.107", "Persians: 0.210", False),
    ("confusion [[593, 4, 3], [7, 734, 9]]", "confusion [[594, 1, 5], [8, 738, 4]]", True),
    ("40x40 px", "48x48 px", False), ("[0.1, 0.2]", "[0.1, 0.2, 0.3]", False), ("sha256 ba52129419a732b9…", "sha256 d15bfefb0761737a…", True),
    ("loss -0.01", "loss 0.01", True), ("60,642 params", "60,642 params", True),
])
def test_what_within_tolerance_means(stored, computed, same):
    from conftest import agree_within_tolerance  # tests/conftest.py

    assert agree_within_tolerance(stored, computed) is same
