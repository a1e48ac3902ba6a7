"""Test-suite set-up shared by the unit tests and the notebook run.

`make test` runs pytest twice: first ``tests/`` (where pytest loads this file as
the folder's conftest), then strict nbval over ``notebooks/[0-9]*.ipynb`` with
``-p tests.conftest`` so that the same settings apply to the notebook kernels.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import fingerprint  # noqa: E402  (tools/fingerprint.py)

# Quiet, repeatable TensorFlow in this process and in every kernel nbval starts
# (kernels inherit the environment). Level 3: TF 2.21 prints C++ lines at level 2.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# The models the tests and the notebook kernels train go to a temporary folder
# (helpers/data.py reads PETS_MODELS_DIR), never to the project's models/, where a
# student keeps their own; it is removed when the test run ends.
if not os.environ.get("PETS_MODELS_DIR"):
    os.environ["PETS_MODELS_DIR"] = tempfile.mkdtemp(prefix="pets-test-models-")
    atexit.register(shutil.rmtree, os.environ["PETS_MODELS_DIR"], ignore_errors=True)
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
    """Do not compare stderr in notebooks, and choose how outputs are compared (see below).

    Under pytest, ipykernel does not forward C-level output (TensorFlow's C++ log
    lines), so stderr seen under nbval never matches stderr saved by JupyterLab or
    nbconvert. The stored-notebook check (test_stored_notebooks.py) makes sure no
    notebook stores any stderr at all.
    """
    if IPyNbFile is not None and isinstance(collector, IPyNbFile):
        if "stderr" not in collector.skip_compare:
            collector.skip_compare = (*collector.skip_compare, "stderr")
        _choose_comparison(collector)


# -- how stored outputs are compared ------------------------------------------------------
#
# Where the notebook was stored on a machine with this machine's numeric fingerprint
# (tools/fingerprint.py), every output must be exactly the same (after
# tests/nbval_sanitize.cfg). Elsewhere training takes another path from its first
# rounding difference on, so outputs are compared *within tolerance*: all text,
# names, tables, shapes and the structure of every output strictly, and each
# number within these limits (the one place they are stated):
DECIMAL_TOLERANCE = 0.1  # accuracies, probabilities, losses and percentages (as fractions): 0.107 vs 0.5 fails
COUNT_TOLERANCE = 0.05  # whole numbers: within 5 % of the largest whole number in the same output
# (134 vs 129 of 150 Persians wrong passes; "epoch 1/5" vs "1/6" fails). Shapes, tuples of whole
# numbers such as (64, 2) or (40, 40, 3), must be exactly the same.
# Hex fingerprints of trained weights (16 hex digits or more) only need to be fingerprints.
# Measured: notebooks 01-06 run with another numeric fingerprint (oneDNN on, which changes
# the rounding) differ from the stored outputs by up to 0.067 in an accuracy and by up to
# 5 in a count out of 750 (tests/test_nbval_mutation.py shows what passes and what fails).

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?: ?%)?(?!\w)")
_SHAPE = re.compile(r"\(\d+(?:, ?\d+)*,?\)")
_DIGEST = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{16,64}\b")

MODES: dict[str, str] = {}  # notebook -> how its outputs were compared, for the summary


def _value(number: str) -> tuple[float, bool]:
    """The number's value, and whether it is a whole number (not a decimal or a percentage)."""
    text = number.replace(",", "").rstrip("% ")
    value = float(text)
    if number.endswith("%"):
        return value / 100, False
    return value, not any(c in text for c in ".eE")


def agree_within_tolerance(stored: str, computed: str) -> bool:
    """Same text, names and structure, and every number within the tolerance (for outputs stored elsewhere)."""
    stored, computed = _DIGEST.sub("<sha256>", stored), _DIGEST.sub("<sha256>", computed)
    if _SHAPE.findall(stored) != _SHAPE.findall(computed):
        return False
    stored, computed = _SHAPE.sub("<shape>", stored), _SHAPE.sub("<shape>", computed)
    if _NUMBER.split(stored) != _NUMBER.split(computed):
        return False  # the text around the numbers differs (or their count does)
    pairs = [(_value(a), _value(b)) for a, b in zip(_NUMBER.findall(stored), _NUMBER.findall(computed))]
    largest = max([abs(a) for (a, whole), _ in pairs if whole], default=0.0)
    for (a, a_whole), (b, b_whole) in pairs:
        if a_whole and b_whole:
            if abs(a - b) > COUNT_TOLERANCE * largest + 1e-9:
                return False
        elif abs(a - b) > DECIMAL_TOLERANCE + 1e-9:
            return False
    return True


class _WithinTolerance(str):
    """An output text that equals another one when :func:`agree_within_tolerance` says so (nbval compares with ``!=``)."""

    def __eq__(self, other):
        return isinstance(other, str) and agree_within_tolerance(str(self), str(other))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


if IPyNbFile is not None:
    from nbval.plugin import IPyNbCell

    _exact_sanitize = IPyNbCell.sanitize

    def _sanitize(self, s):
        s = _exact_sanitize(self, s)
        return _WithinTolerance(s) if isinstance(s, str) and getattr(self.parent, "within_tolerance", False) else s

    IPyNbCell.sanitize = _sanitize


def _choose_comparison(collector):
    """Compare exactly where the notebook was stored on a machine that computes like this one, else within tolerance.

    ``make notebooks`` stores the machine's numeric fingerprint (tools/fingerprint.py)
    in each notebook. Notebooks without one are compared exactly.
    """
    name = Path(collector.path).name
    if not collector.compare_outputs:
        MODES[name] = "not compared (--nbval-lax)"
        return
    stored = json.loads(Path(collector.path).read_text()).get("metadata", {}).get(fingerprint.METADATA_KEY)
    if stored and stored != fingerprint.fingerprint():
        collector.within_tolerance = True
        MODES[name] = f"within tolerance (stored on {stored})"
    else:
        MODES[name] = "exact" + ("" if stored else " (no fingerprint stored)")


def pytest_terminal_summary(terminalreporter):
    if MODES:
        write = terminalreporter.write_line
        write("")
        write(f"Notebook outputs compared (this machine's numeric fingerprint: {fingerprint.fingerprint()}):")
        for name in sorted(MODES):
            write(f"  {name}: {MODES[name]}")
        if any(mode.startswith("within") for mode in MODES.values()):
            write(f"Within tolerance: text, names, tables and structure exactly; decimals within {DECIMAL_TOLERANCE}, "
                  f"whole numbers within {COUNT_TOLERANCE:.0%} of the largest in their output (tests/conftest.py). "
                  "`make notebooks` stores this machine's outputs.")


def pytest_collection_modifyitems(config, items):
    """Quick tests first, tests marked ``slow`` last (stable order otherwise): fail fast."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
