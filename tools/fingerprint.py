"""Does this machine compute the notebooks' numbers bit for bit like the machine that stored them?

    python tools/fingerprint.py        # prints this machine's fingerprint

Training is repeatable on one machine (seeded, deterministic ops), but another
CPU can round a few floating-point sums differently (other vector
instructions), and after some hundred training steps the printed accuracies
differ in the third decimal. Comparing stored outputs is then pointless: they
are right for the machine that made them.

The fingerprint is a hash of a tiny training run of the lesson's own network
(the same layers, optimiser and loss; random pictures, four steps): the
smallest rounding difference changes it. ``make notebooks`` stores it in each
notebook's metadata (``numeric_fingerprint``). The notebook tests
(``tests/conftest.py``) compare outputs exactly where the fingerprints match;
on another machine they compare them within a stated tolerance (text and
structure exactly, numbers within 0.03 or 5 %), and say which way each
notebook was compared.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METADATA_KEY = "numeric_fingerprint"


def _compute() -> str:
    """The hash itself; runs TensorFlow, so :func:`fingerprint` calls it in a fresh process."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from helpers.setup import setup_tensorflow

    keras = setup_tensorflow(0)
    from helpers import models

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(64, 40, 40, 3)).astype("float32")
    y = rng.integers(0, 2, size=64)
    model = models.make_cnn(2, 40, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    for step in range(4):
        model.train_on_batch(x[16 * step : 16 * (step + 1)], y[16 * step : 16 * (step + 1)])
    digest = hashlib.sha256()
    for weights in model.get_weights():
        digest.update(np.ascontiguousarray(weights).tobytes())
    digest.update(np.asarray(model(x, training=False)).tobytes())
    return f"{platform.machine()}-{digest.hexdigest()[:16]}"


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """This machine's fingerprint, e.g. ``"x86_64-3f2a..."`` (computed once per process, in a subprocess)."""
    done = subprocess.run([sys.executable, __file__], capture_output=True, text=True, cwd=ROOT, timeout=300)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"could not compute the numeric fingerprint:\n{done.stderr[-2000:]}")
    return lines[-1]


if __name__ == "__main__":
    print(_compute())
