"""Run every notebook on a real photo folder, in both layouts, and print what each one measured and said.

    make bench-photos PHOTOS=DIR                     # does nothing without DIR
    .venv/bin/python tools/bench_photos.py DIR [--rabbits DIR] [--notebooks 02 03] [--out OUT]

``DIR`` is a photo folder in the folder layout (``cat/<breed>/``, ``dog/<breed>/``).
If it holds ``pets/`` (and ``rabbits/``) it is a collection like the one the
issue describes: ``pets/`` is the data folder and ``rabbits/`` the rabbit folder.
When ``oxford-annotations/`` lies in ``DIR`` (the official ``list.txt``,
``trainval.txt`` and ``test.txt`` of these photos), the same photos are also laid
out as an unpacked Oxford-IIIT Pet tree in a temporary folder and every notebook
runs again with ``DATA_SOURCE = "oxford"``.

The notebooks run top to bottom in fresh kernels (parameters injected as
papermill does), with their models in a temporary folder, so ``models/`` and
the stored notebooks are never touched. For each notebook and layout it prints
the wall time, the key numbers of its "What we measured" cell, the majority
floor, and the lines in which the notebook told the student something about
these photos (cut sizes, skipped experiments, a one-answer model, ...).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

TOLD = ("cut to", "Skipped on photos", "Careful:", "every time would score", "P went from", "did not grow",
        "not in the Keras cache", "Standing on a giant", "Rehearsal:", "On photos, trainings", "claims held in this run",
        "This run already uses")


def layouts(photos: Path, rabbits: Path | None, scratch: Path) -> dict:
    """``{layout: parameters}`` for the folder layout and, when its annotations are there, the Oxford layout."""
    pets = photos / "pets" if (photos / "pets").is_dir() else photos
    if rabbits is None and (photos / "rabbits").is_dir():
        rabbits = photos / "rabbits"
    common = {"RABBIT_DIR": str(rabbits)} if rabbits else {}
    found = {"folder": {"DATA_SOURCE": "folder", "DATA_DIR": str(pets), **common}}
    notes = photos / "oxford-annotations"
    if notes.is_dir():
        tree = scratch / "oxford-iiit-pet"
        (tree / "images").mkdir(parents=True)
        shutil.copytree(notes, tree / "annotations")
        for photo in pets.rglob("*.jpg"):
            shutil.copy(photo, tree / "images" / photo.name)
        found["oxford"] = {"DATA_SOURCE": "oxford", "DATA_DIR": str(tree), **common}
    return found


def _told(nb) -> list[str]:
    from bench import _cell_text

    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "claims.report()" not in cell.source:
            lines += [ln.strip() for ln in _cell_text(cell).splitlines() if any(t in ln for t in TOLD)]
    return list(dict.fromkeys(lines))


def _key_numbers(measured: dict) -> str:
    shown = []
    for key, value in measured.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown.append(f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}")
        elif isinstance(value, list) and all(isinstance(v, (int, float)) for v in value) and len(value) <= 8:
            shown.append(f"{key} {value}")
    return "; ".join(shown)


def run(notebooks, parameters: dict, keep: Path | None = None) -> list[dict]:
    import nbformat
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from bench import read_results
    from run_notebooks import execute

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-photos-models-") as models_dir:
        os.environ["PETS_MODELS_DIR"] = models_dir
        for path in notebooks:
            nb = parameterize_notebook(load_notebook_node(str(path)), parameters)
            start = time.perf_counter()
            try:
                nb, _ = execute(nb, path.parent)
                error = None
            except CellExecutionError as e:
                error = str(e).strip().splitlines()[-1][:300]
            seconds = time.perf_counter() - start
            if keep is not None:  # the executed notebook, to read what it told the student
                keep.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, keep / path.name)
            row = {"notebook": path.name, "seconds": seconds, "error": error}
            if error is None:
                row["measured"] = read_results(nb)["measured"]
                row["told"] = _told(nb)
            rows.append(row)
            print(f"  {path.name}: {seconds:.0f} s" + (f"  ERROR {error}" if error else ""), flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("photos", nargs="?", default="", help="the photo folder (nothing is done without it)")
    parser.add_argument("--rabbits", default=None, help="a folder of rabbit photos (default: PHOTOS/rabbits if there)")
    parser.add_argument("--notebooks", nargs="*", default=[], help="only these, e.g. 02 03")
    parser.add_argument("--out", default=None, help="also write the executed notebooks to OUT/<layout>/ (a new folder)")
    args = parser.parse_args(argv)
    if not args.photos:
        print("bench-photos: no photo folder given, nothing to do. Usage: make bench-photos PHOTOS=DIR")
        return 0
    photos = Path(args.photos).expanduser().resolve()
    if not photos.is_dir():
        print(f"bench-photos: {photos} is not a folder.", file=sys.stderr)
        return 1
    from run_notebooks import find_notebooks

    notebooks = find_notebooks(args.notebooks)
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-photos-") as scratch:
        for layout, parameters in layouts(photos, Path(args.rabbits) if args.rabbits else None, Path(scratch)).items():
            print(f"\n== {layout} layout: " + ", ".join(f"{k}={v}" for k, v in parameters.items()), flush=True)
            keep = None
            if args.out:
                keep = Path(args.out).expanduser().resolve() / layout
                if keep.exists() and any(keep.iterdir()):
                    print(f"bench-photos: {keep} is not empty; give --out a new folder (nothing is overwritten).", file=sys.stderr)
                    return 1
            rows = run(notebooks, parameters, keep)
            print(f"\n{'notebook':<36} {'seconds':>7}")
            for row in rows:
                print(f"{row['notebook']:<36} {row['seconds']:>7.0f}" + (f"  ERROR {row['error']}" if row["error"] else ""))
                failed |= row["error"] is not None
                if row["error"] is None:
                    print(f"    numbers: {_key_numbers(row['measured'])}")
                    for line in row["told"]:
                        print(f"    said: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
