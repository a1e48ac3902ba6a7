"""Moving a model's knowledge to "another machine": files, fingerprints, a second process.

A model travels as two files: its **weights** (the learned numbers: the
knowledge) and its **architecture** (a JSON text: which layers, how they
connect). A SHA-256 fingerprint of each lets the receiver check that nothing
changed on the way. The weights file holds the weights only, not the
optimiser's running averages a compiled model also keeps (see
:func:`export_model`).

The "other machine" is a separate Python process that gets only the files
(:func:`in_other_process`): it checks the fingerprints, rebuilds the model and
then predicts (:func:`predict_in_other_process`) or learns further
(:func:`fine_tune_in_other_process`). Introduced in notebook 07.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from . import i18n
from .data import sha256_of  # the file fingerprint, kept on the data module's ground floor
from .i18n import tr, tr_noop

_FILE_WORDS = {"architecture": tr_noop("architecture"), "weights": tr_noop("weights")}  # the exported files, as messages call them


class FingerprintMismatch(ValueError):
    """A received file does not match the SHA-256 fingerprint it was sent with. Introduced in notebook 07"""


def _describe(path: Path) -> dict:
    return {"path": path, "bytes": path.stat().st_size, "sha256": sha256_of(path)}


def export_model(model, folder) -> dict:
    """Write the model's weights and architecture into ``folder``, with fingerprints.

    Only the weights are written, not the optimiser's state: a compiled
    model's own ``save_weights`` also stores Adam's two running averages per
    parameter, which the receiver needs neither to predict nor to train
    further (training starts a new optimiser). So the weights come from a
    twin of ``model`` (``models.copy_model``: the same layers and parameter
    values, and no optimiser).

    Returns ``{"weights": {...}, "architecture": {...}}``, each with ``path``,
    ``bytes`` and ``sha256``; a ``manifest.json`` in the folder lists the same.
    Exporting the same model twice gives byte-identical files. Introduced in notebook 07.
    """
    from .models import copy_model  # here, not at the top: helpers.models imports this module

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    twin = copy_model(model, model.name)  # the same layers and parameter values, and no optimiser
    weights = folder / f"{model.name}.weights.h5"
    architecture = folder / f"{model.name}.json"
    twin.save_weights(weights)
    architecture.write_text(json.dumps(json.loads(twin.to_json()), indent=1, sort_keys=True) + "\n")
    export = {"weights": _describe(weights), "architecture": _describe(architecture)}
    manifest = {k: {"file": v["path"].name, "bytes": v["bytes"], "sha256": v["sha256"]} for k, v in export.items()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return export


def damaged_copy(export: dict, folder=None) -> dict:
    """A copy of an export with one byte of the weights changed.

    The copy goes into ``folder`` (default: a folder beside the export, named
    like it plus ``_damaged``; running this again replaces that copy, so
    nothing piles up). The returned dict still carries the *original*
    fingerprints, as a sender would have announced them. Introduced in notebook 07.
    """
    weights = export["weights"]["path"]
    folder = Path(folder) if folder is not None else weights.parent.with_name(weights.parent.name + "_damaged")
    if folder.resolve() == weights.parent.resolve():
        raise ValueError(tr("the damaged copy must go into another folder than the export itself; pick another `folder`."))
    folder.mkdir(parents=True, exist_ok=True)
    copy = {}
    for key, info in export.items():
        target = folder / info["path"].name
        shutil.copyfile(info["path"], target)
        copy[key] = dict(info, path=target)
    data = bytearray(copy["weights"]["path"].read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy["weights"]["path"].write_bytes(bytes(data))
    return copy


def software_and_cpu() -> dict:
    """What "computes the same" depends on: the Python, TensorFlow, Keras and NumPy versions and the kind of CPU.

    Two processes with the same of all of these give bit-identical answers
    (the lesson's TensorFlow set-up fixes the threads and the order of the
    sums). Another version or another kind of CPU may round a few sums
    differently, in the last digits. Introduced in notebook 07.
    """
    from importlib import metadata

    found = {"Python": platform.python_version()}
    for name in ("tensorflow", "keras", "numpy"):
        found[{"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy"}[name]] = metadata.version(name)
    found[tr_noop("CPU kind")] = platform.machine()  # the key stays English; notebook 07 shows it translated
    return found


# -- the other machine ------------------------------------------------------------------------


def in_other_process(export: dict, job: str, inputs: dict, settings: dict | None = None, timeout: float = 600) -> dict:
    """Run ``job`` in a separate Python process that gets only the exported files and ``inputs`` (NumPy arrays).

    The other process checks both fingerprints first and refuses mismatching
    files with :class:`FingerprintMismatch`; then it rebuilds the model from
    the architecture, loads the weights and does the job:

    - ``"predict"``: ``inputs = {"images": ...}``; returns ``{"predictions": ...}``;
    - ``"fine-tune"``: see :func:`fine_tune_in_other_process`.

    Every result also has ``"machine"`` (:func:`software_and_cpu` of the other
    process) and ``"seconds"``: ``"load"`` (read the files, rebuild, load the
    weights into it), the job's own time, and ``"start"`` (the rest: starting
    Python and TensorFlow, checking the fingerprints, passing the arrays). Introduced in notebook 07.
    """
    with tempfile.TemporaryDirectory(prefix="other_machine_") as tmp:
        tmp = Path(tmp)
        np.savez(tmp / "inputs.npz", **inputs)
        message = {
            "job": job,
            "language": i18n.language(),  # the other process answers in the notebook's language
            "settings": settings or {},
            "files": {key: {"path": str(export[key]["path"]), "sha256": export[key]["sha256"]} for key in ("architecture", "weights")},
        }
        (tmp / "job.json").write_text(json.dumps(message))
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "helpers.sharing", str(tmp)], capture_output=True, text=True, timeout=timeout)
        total = time.perf_counter() - started
        if result.returncode == 3:
            raise FingerprintMismatch(result.stdout.strip())
        if result.returncode != 0:
            raise RuntimeError(tr("the other process failed:\n{error}").format(error=result.stderr.strip()[-2000:]))
        with np.load(tmp / "outputs.npz") as outputs:
            answer = {key: outputs[key] for key in outputs.files}
        report = json.loads((tmp / "report.json").read_text())
    seconds = report["seconds"]
    seconds["start"] = max(total - sum(seconds.values()), 0.0)
    return dict(answer, machine=report["machine"], seconds=seconds)


def predict_in_other_process(export: dict, images: np.ndarray, timeout: float = 300) -> np.ndarray:
    """Predict ``images`` in a separate Python process that only gets the exported files.

    The other process checks both fingerprints first and refuses mismatching
    files with :class:`FingerprintMismatch`. Introduced in notebook 07.
    """
    images = np.asarray(images, dtype="float32")
    return in_other_process(export, "predict", {"images": images}, timeout=timeout)["predictions"]


def _pets_arrays(name: str, pets) -> dict:
    return {f"{name}_images": pets.images, f"{name}_classes": pets.classes, f"{name}_breeds": pets.breeds}


def fine_tune_in_other_process(export: dict, new, rehearsal, test, course, timeout: float = 600) -> dict:
    """The other process learns further on what it received: ``recipes.fine_tune`` on ``new`` plus ``rehearsal``.

    ``new``, ``rehearsal`` and ``test`` are PetImages; they travel as arrays,
    beside the exported files. The other process predicts ``test`` with the
    model it received, fine-tunes it with notebook 04's recipe (the seed and
    QUICK of ``course``), and predicts ``test`` again. Returns
    ``{"before": ..., "after": ...}`` (probabilities, one row per test
    picture) plus ``"machine"`` and ``"seconds"`` as :func:`in_other_process`.
    Introduced in notebook 07.
    """
    inputs = {**_pets_arrays("new", new), **_pets_arrays("rehearsal", rehearsal), **_pets_arrays("test", test)}
    settings = {"class_names": list(course.class_names), "seed": course.seed, "quick": course.quick,
                "source": getattr(course, "source", "toy")}
    return in_other_process(export, "fine-tune", inputs, settings, timeout=timeout)


def _refusal(files: dict) -> str | None:
    """Why the received files cannot be trusted (a fingerprint does not match), or ``None``."""
    for key in ("architecture", "weights"):
        expected, actual = files[key]["sha256"], sha256_of(files[key]["path"])
        if actual != expected:
            return tr(
                "The {file} file does not match its fingerprint (expected sha256 {expected}…, got {actual}…): "
                "it was changed or damaged on the way. Copy it again and compare `sha256sum` on both machines."
            ).format(file=tr(_FILE_WORDS[key]), expected=expected[:16], actual=actual[:16])
    return None


def _receive(files: dict):
    """Rebuild the model from the architecture and load the weights into it."""
    import keras

    model = keras.models.model_from_json(Path(files["architecture"]["path"]).read_text())
    model.load_weights(files["weights"]["path"])
    return model


def _fine_tune(model, inputs, settings) -> dict:
    from helpers import data, evaluation, recipes

    def pets(name):
        return data.PetImages(inputs[f"{name}_images"], inputs[f"{name}_classes"], inputs[f"{name}_breeds"])

    course = SimpleNamespace(class_names=tuple(settings["class_names"]), seed=settings["seed"], quick=settings["quick"],
                             source=settings.get("source", "toy"))  # what the recipe reads of the lesson
    test = pets("test")
    before = evaluation.predict_proba(model, test, course.class_names)
    recipes.fine_tune(model, pets("new"), pets("rehearsal"), course)
    return {"before": before, "after": evaluation.predict_proba(model, test, course.class_names)}


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Play 'the other machine': check the exported files, load them, do the job.")
    parser.add_argument("folder", help="a folder with job.json (the files, their fingerprints, the job) and inputs.npz")
    folder = Path(parser.parse_args(argv).folder)
    message = json.loads((folder / "job.json").read_text())
    if message.get("language", "en") != "en":
        i18n.set_language(message["language"])
    refusal = _refusal(message["files"])
    if refusal:
        print(refusal)
        return 3
    from helpers.setup import setup_tensorflow

    settings = message["settings"]
    setup_tensorflow(settings.get("seed", 0))
    with np.load(folder / "inputs.npz") as arrays:
        inputs = {key: arrays[key] for key in arrays.files}
    started = time.perf_counter()
    model = _receive(message["files"])
    seconds = {"load": time.perf_counter() - started}
    started = time.perf_counter()
    if message["job"] == "predict":  # the same batches as evaluation.predict_proba
        from helpers import evaluation

        outputs = {"predictions": evaluation.predict_in_slices(model, inputs["images"])}
    elif message["job"] == "fine-tune":
        outputs = _fine_tune(model, inputs, settings)
    else:
        raise ValueError(tr("unknown job {job!r}: 'predict' or 'fine-tune'.").format(job=message["job"]))
    seconds[message["job"]] = time.perf_counter() - started
    np.savez(folder / "outputs.npz", **outputs)
    (folder / "report.json").write_text(json.dumps({"seconds": seconds, "machine": software_and_cpu()}))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
