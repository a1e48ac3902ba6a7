"""Remove what the project itself makes, and nothing else: `make clean`.

    python tools/clean.py        # what `make clean` runs
    python tools/clean.py --list # only say what would be removed

Everything the commands and notebooks of this project write, and may remove
again, is listed here, in one place:

- data caches: ``data/toy/``, ``data/folder-cache/`` and
  ``data/oxford-cache/`` — only the ``.npz`` files the loaders write, and the
  note of which Oxford archives passed their checks (``checked-archives.json``);
- the models the notebooks save under their own names, in ``models/`` and its
  sub-folders for QUICK runs and real photos (``cat_dog.keras``,
  ``imagenet_cat_dog.keras``, notebook 04's ``persians_fixed.keras``, their records ``*.keras.json`` and the export
  folders of notebook 07);
- build and test output: ``build/``, ``artifacts/``, ``.pytest_cache/`` and the
  ``__pycache__/`` folders of ``helpers/``, ``tests/`` and ``tools/``.

Anything else stays: the notebooks and Jupyter's ``.ipynb_checkpoints`` (their
only backups), your photos, downloaded archives, your own models (e.g.
``models/my_best_model.keras``) and any file of yours inside those folders.
Folders are removed only when they end up empty.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CACHE_FILES = ["data/toy/*.npz", "data/folder-cache/*.npz", "data/oxford-cache/*.npz", "data/oxford-cache/checked-archives.json"]
MODEL_FOLDERS = ["models", "models/quick", "models/oxford", "models/oxford/quick", "models/folder", "models/folder/quick"]
MODEL_FILES = ["cat_dog.keras", "cat_dog.keras.json", "imagenet_cat_dog.keras", "imagenet_cat_dog.keras.json",
               "persians_fixed.keras", "persians_fixed.keras.json"]
EXPORT_FOLDERS = ["export", "export_damaged", "export_again", "export_again_damaged", "export_with_optimizer"]  # notebook 07
EXPORT_FILES = ["*.weights.h5", "*.json"]  # what sharing.export_model writes into an export folder (manifest.json too)
BUILD_FOLDERS = ["build", "artifacts", ".pytest_cache", "helpers/__pycache__", "tests/__pycache__", "tools/__pycache__"]


def made_by_the_project(root: Path = ROOT) -> list[Path]:
    """Every file and folder `make clean` removes, as listed in this module's docstring."""
    found: list[Path] = []
    for pattern in CACHE_FILES:
        found += sorted(root.glob(pattern))
    for folder in MODEL_FOLDERS:
        found += [root / folder / name for name in MODEL_FILES if (root / folder / name).is_file()]
        for export in EXPORT_FOLDERS:
            where = root / folder / export
            if where.is_dir():
                found += sorted(p for pattern in EXPORT_FILES for p in where.glob(pattern) if p.is_file())
    found += [root / folder for folder in BUILD_FOLDERS if (root / folder).exists()]
    return found


def _remove_empty_folders(root: Path) -> None:
    folders = ["data/toy", "data/folder-cache", "data/oxford-cache"]
    for folder in reversed(MODEL_FOLDERS):
        folders += [f"{folder}/{export}" for export in EXPORT_FOLDERS] + [folder]
    for folder in folders:
        try:
            (root / folder).rmdir()  # only if empty: anything of yours keeps it
        except OSError:
            pass


def clean(root: Path = ROOT, dry_run: bool = False) -> list[Path]:
    """Remove what :func:`made_by_the_project` lists; returns it."""
    found = made_by_the_project(root)
    if not dry_run:
        for path in found:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        _remove_empty_folders(root)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="only list what would be removed")
    args = parser.parse_args(argv)
    found = clean(dry_run=args.list)
    verb = "Would remove" if args.list else "Removed"
    print(f"{verb} {len(found)} file(s) and folder(s) the project made" + (":" if found else "."))
    for path in found:
        print(f"  {path.relative_to(ROOT).as_posix()}{'/' if path.is_dir() else ''}")
    print("Kept: the notebooks and .ipynb_checkpoints/, your photos and models, downloaded archives and .venv "
          "('make distclean' also removes .venv and node_modules/).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
