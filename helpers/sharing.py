"""Moving a model's knowledge to "another machine": files, fingerprints, a second process.

A model travels as two files: its **weights** (the learned numbers: the
knowledge) and its **architecture** (a JSON text: which layers, how they
connect). A SHA-256 fingerprint of each lets the receiver check that nothing
changed on the way. :func:`predict_in_other_process` plays the other machine:
a separate Python process that gets only the files. Introduced in notebook 06.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .data import sha256_of  # the file fingerprint, kept on the data module's ground floor


class FingerprintMismatch(ValueError):
    """A received file does not match the SHA-256 fingerprint it was sent with."""


def _describe(path: Path) -> dict:
    return {"path": path, "bytes": path.stat().st_size, "sha256": sha256_of(path)}


def export_model(model, folder) -> dict:
    """Write the model's weights and architecture into ``folder``, with fingerprints.

    Returns ``{"weights": {...}, "architecture": {...}}``, each with ``path``,
    ``bytes`` and ``sha256``; a ``manifest.json`` in the folder lists the same.
    Exporting the same model twice gives byte-identical files. Introduced in notebook 06.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    weights = folder / f"{model.name}.weights.h5"
    architecture = folder / f"{model.name}.json"
    model.save_weights(weights)
    architecture.write_text(json.dumps(json.loads(model.to_json()), indent=1, sort_keys=True) + "\n")
    export = {"weights": _describe(weights), "architecture": _describe(architecture)}
    manifest = {k: {"file": v["path"].name, "bytes": v["bytes"], "sha256": v["sha256"]} for k, v in export.items()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return export


def damaged_copy(export: dict, folder=None) -> dict:
    """A copy of an export with one byte of the weights changed.

    The copy goes into ``folder`` (default: a folder beside the export, named
    like it plus ``_damaged``; running this again replaces that copy, so
    nothing piles up). The returned dict still carries the *original*
    fingerprints, as a sender would have announced them. Introduced in notebook 06.
    """
    weights = export["weights"]["path"]
    folder = Path(folder) if folder is not None else weights.parent.with_name(weights.parent.name + "_damaged")
    if folder.resolve() == weights.parent.resolve():
        raise ValueError("the damaged copy must go into another folder than the export itself; pick another `folder`.")
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


def predict_in_other_process(export: dict, images: np.ndarray, timeout: float = 300) -> np.ndarray:
    """Predict ``images`` in a separate Python process that only gets the exported files.

    The other process checks both fingerprints first and refuses mismatching
    files with :class:`FingerprintMismatch`. Introduced in notebook 06.
    """
    with tempfile.TemporaryDirectory(prefix="other_machine_") as tmp:
        images_file, out_file = Path(tmp) / "images.npy", Path(tmp) / "predictions.npy"
        np.save(images_file, np.asarray(images, dtype="float32"))
        command = [sys.executable, "-m", "helpers.sharing"]
        for key in ("architecture", "weights"):
            command += [f"--{key}", str(export[key]["path"]), f"--{key}-sha256", export[key]["sha256"]]
        command += ["--images", str(images_file), "--out", str(out_file)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode == 3:
            raise FingerprintMismatch(result.stdout.strip())
        if result.returncode != 0:
            raise RuntimeError(f"the other process failed:\n{result.stderr.strip()[-2000:]}")
        return np.load(out_file)


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Play 'the other machine': load exported files, check them, predict.")
    parser.add_argument("--architecture", required=True)
    parser.add_argument("--architecture-sha256", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--weights-sha256", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    for key in ("architecture", "weights"):
        path, expected = getattr(args, key), getattr(args, f"{key}_sha256")
        actual = sha256_of(path)
        if actual != expected:
            print(
                f"The {key} file does not match its fingerprint (expected sha256 {expected[:16]}…, got {actual[:16]}…): "
                "it was changed or damaged on the way. Copy it again and compare `sha256sum` on both machines."
            )
            return 3
    from helpers.setup import setup_tensorflow

    keras = setup_tensorflow(0)
    model = keras.models.model_from_json(Path(args.architecture).read_text())
    model.load_weights(args.weights)
    np.save(args.out, model.predict(np.load(args.images), batch_size=256, verbose=0))  # same batches as evaluation.predict_proba
    return 0


if __name__ == "__main__":
    sys.exit(_main())
