"""One call that makes TensorFlow quiet, repeatable and ready.

Every notebook's setup cell calls :func:`setup_tensorflow`. It must run before
anything else imports TensorFlow, because some settings (log level, oneDNN)
are read only once, at import time. Introduced in notebook 01.
"""

from __future__ import annotations

import contextlib
import os
import sys

import numpy as np  # cheap, and it does not load TensorFlow

from .i18n import tr

THREADS = 2  # results depend on the thread count, so it is fixed, not "all cores"


@contextlib.contextmanager
def _silence_stderr():
    """Hide C-level log lines (e.g. "Could not find cuda drivers") printed while TensorFlow loads."""
    try:
        fd = sys.__stderr__.fileno()
    except (AttributeError, ValueError, OSError):
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def keep_freed_memory(megabytes: int = 64) -> bool:
    """Ask Linux's C library to keep ``megabytes`` of freed memory for the next training step.

    By default glibc hands freed memory at the top of its heap back to the
    system, and TensorFlow asks for it again a moment later, in every step:
    millions of page faults that made a training up to three times slower on
    Linux. Keeping a pad changes no number, only the time. Returns whether the
    setting was made (False on macOS, Windows or a C library without it).
    Used by ``setup``.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        m_top_pad = -2  # mallopt's M_TOP_PAD, from glibc's malloc.h
        return ctypes.CDLL("libc.so.6").mallopt(m_top_pad, megabytes * 2**20) == 1
    except (OSError, AttributeError):
        return False


def check_seed(seed, name: str = "SEED") -> int:
    """``seed`` as an int from 0 to 2**32 - 1, or a ValueError naming the parameter. Used by ``setup``, ``lesson``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(
            tr("{name} must be a whole number from 0 to 4294967295, e.g. {name} = 0; got {seed!r}. "
               "Change it in the parameters cell (or pass -p SEED 1 to papermill) and run the notebook again.").format(
                name=name, seed=seed)
        )
    return int(seed)


def check_quick(quick, name: str = "QUICK") -> bool:
    """``quick`` as a bool: True or False, or the text "true"/"false" in any case (as papermill may pass it).

    Anything else is a ValueError naming the parameter: a stray text such as
    ``"false"`` must never count as true and switch the lesson's claims off.
    Used by ``lesson``.
    """
    if isinstance(quick, (bool, np.bool_)):
        return bool(quick)
    if isinstance(quick, str) and quick.strip().lower() in ("true", "false"):
        return quick.strip().lower() == "true"
    raise ValueError(
        tr("{name} must be True or False (without quotes); got {quick!r}. "
           "Change it in the parameters cell (or pass -p QUICK True to papermill) and run the notebook again.").format(
            name=name, quick=quick)
    )


def setup_tensorflow(seed: int = 0):
    """Import TensorFlow quietly and make every run give the same numbers.

    - hides TensorFlow's C++ log lines (start-up banners, harmless warnings);
    - switches off oneDNN's reordered maths (it changes results slightly between CPUs);
    - fixes the number of threads (results depend on it);
    - keeps freed memory for the next step on Linux (:func:`keep_freed_memory`, only faster);
    - seeds Python, NumPy and TensorFlow, and asks TensorFlow for deterministic ops.

    Returns the ``keras`` module. Used by ``setup``, ``models``, ``sharing``, ``training``, ``tools/bench.py``, ``tools/fingerprint.py``.
    """
    seed = check_seed(seed, "seed")
    keep_freed_memory()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # 3: only fatal C++ messages; Python errors still show
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _silence_stderr():
        import tensorflow as tf
        import keras

        tf.get_logger().setLevel("ERROR")
        tf.config.list_physical_devices()  # the device search logs "no CUDA" lines: let it happen now, hidden
        try:
            tf.config.threading.set_intra_op_parallelism_threads(THREADS)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass  # already set in this process (by an earlier call): that is fine
        tf.config.experimental.enable_op_determinism()
        keras.utils.set_random_seed(seed)
    return keras


def check_versions() -> list[str]:
    """Friendly check that the packages this series needs are installed and new enough.

    Returns a list of problems (empty when all is well); the notebooks print it
    instead of failing with an import traceback. Used by ``setup``.
    """
    from importlib import metadata

    needed = {"tensorflow": (2, 16), "keras": (3, 0), "numpy": (1, 26), "matplotlib": (3, 8), "ipywidgets": (8, 0), "pillow": (10, 0)}
    problems = []
    for name, minimum in needed.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(tr("{name} is not installed: run `make lab` (or `pip install -r requirements.txt`) in the project folder.").format(
                name=name))
            continue
        parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
        if parts < minimum:
            problems.append(tr("{name} {version} is too old (need {minimum} or newer): run `make lab` to update.").format(
                name=name, version=version, minimum=".".join(map(str, minimum))))
    return problems


def start(seed: int = 0, language: str = "en"):
    """The setup cell of every notebook: set the language, check the packages, then :func:`setup_tensorflow`.

    ``language`` is the notebook's ``LANGUAGE`` parameter, ``"en"`` or ``"ko"``
    (:func:`helpers.i18n.set_language`: messages, charts and widgets in that language).
    A missing or too old package stops the notebook with a short message that
    says what to run, instead of a long traceback. Returns ``keras``.
    Introduced in notebook 01.
    """
    from . import i18n

    i18n.set_language(language)
    seed = check_seed(seed)
    problems = check_versions()
    if problems:
        raise SystemExit(tr("Set-up problem:\n{problems}").format(problems="\n".join(f"  - {p}" for p in problems)))
    return setup_tensorflow(seed)
