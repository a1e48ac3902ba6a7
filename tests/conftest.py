"""Test-suite set-up shared by the unit tests and the notebook run.

`make test` runs pytest twice: first ``tests/`` (where pytest loads this file as
the folder's conftest), then strict nbval over ``notebooks/[0-9]*.ipynb`` with
``-p tests.conftest`` so that the same settings apply to the notebook kernels.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import fingerprint  # noqa: E402  (tools/fingerprint.py)

# Quiet, repeatable TensorFlow in this process and in every kernel nbval starts
# (kernels inherit the environment). Level 3: TF 2.21 prints C++ lines at level 2.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# A kernel picks its matplotlib backend from MPLBACKEND; a value left in the
# shell (e.g. Agg) would stop figures from being shown inline in notebooks.
os.environ.pop("MPLBACKEND", None)

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval not installed: only the unit tests can run
    IPyNbFile = None


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: an end-to-end test (browser, slides, student copies); runs after the quick tests",
    )


def pytest_collectstart(collector):
    """Do not compare stderr in notebooks.

    Under pytest, ipykernel does not forward C-level output (TensorFlow's C++ log
    lines), so stderr seen under nbval never matches stderr saved by JupyterLab or
    nbconvert. The stored-notebook check (test_stored_notebooks.py) makes sure no
    notebook stores any stderr at all.
    """
    if IPyNbFile is not None and isinstance(collector, IPyNbFile):
        if "stderr" not in collector.skip_compare:
            collector.skip_compare = (*collector.skip_compare, "stderr")
        _compare_only_on_the_same_machine(collector)


NOT_COMPARED: dict[str, str] = {}  # notebook -> the fingerprint its outputs were stored with


def _compare_only_on_the_same_machine(collector):
    """Compare a notebook's outputs only if they were stored on a machine that computes like this one.

    ``make notebooks`` stores the machine's numeric fingerprint (tools/fingerprint.py)
    in each notebook. Where it differs from this machine's, the third decimals of
    every trained number differ too, so comparing them would only report the CPU:
    the cells and the claims (asserts) still run, the outputs are not compared,
    and the summary says so. Notebooks without a fingerprint are always compared.
    """
    stored = json.loads(Path(collector.path).read_text()).get("metadata", {}).get(fingerprint.METADATA_KEY)
    if stored and collector.compare_outputs and stored != fingerprint.fingerprint():
        collector.compare_outputs = False
        NOT_COMPARED[Path(collector.path).name] = stored


def pytest_terminal_summary(terminalreporter):
    if NOT_COMPARED:
        write = terminalreporter.write_line
        write("")
        write(f"Outputs NOT compared: {len(NOT_COMPARED)} notebook(s) were stored on a machine that computes")
        write(f"floating point slightly differently (stored {sorted(set(NOT_COMPARED.values()))}, this machine")
        write(f"{fingerprint.fingerprint()}). Their cells and claims ran; to compare numbers here, store this")
        write("machine's outputs with `make notebooks` (see tools/fingerprint.py).")
        for name in sorted(NOT_COMPARED):
            write(f"  {name}")


def pytest_collection_modifyitems(config, items):
    """Quick tests first, tests marked ``slow`` last (stable order otherwise): fail fast."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
