"""Your own photos, from a folder with one subfolder per class (and optionally per breed).

The layout is ``DIR/<class>/<photos>`` or ``DIR/<class>/<breed>/<photos>``::

    data/my-pets/
        rabbit/                  photos straight in a class folder: breed "rabbit"
            IMG_0001.jpg
            ...
        cat/
            persian/             a breed folder: breed "persian", class "cat"
                snowball.png

Folder names become lower-case class and breed names (``Cats`` -> ``cat``).
Any common picture file works (see :mod:`helpers.images`); files that are not
pictures or cannot be decoded are skipped and summed up in one line, and
listed in ``folder.last_report``. See ``data/README.md`` for how to collect
photos. Introduced in notebook 06 (rabbits) and 07; every notebook can use it
with ``DATA_SOURCE = "folder"``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

from . import images as imgs
from .data import CLASSES, DATA_DIR, ROOT, SPLITS, PetImages, read_cache, split_by_seed, write_cache

DEFAULT_DIR = DATA_DIR / "my-pets"
DEFAULT_IMAGE_SIZE = 96  # pixels per side, as for the Oxford photos
FRACTIONS = (0.7, 0.15, 0.15)  # train / val / test share of each breed's photos
NOT_PICTURES = {".txt", ".md", ".json", ".csv", ".xml", ".html", ".pdf", ".ini", ".db", ".zip", ".py", ".ipynb"}
OUTSIDE = "outside a class folder"
CACHE_VERSION = "1"

last_report: imgs.SkipReport | None = None  # what the latest load() skipped
_told: set[str] = set()  # folders whose skipped files were already reported in this session


def _name(folder_name: str) -> str:
    """A folder name as a class or breed name: lower case, ``_`` for spaces; ``cats`` -> ``cat``."""
    name = re.sub(r"[\s\-]+", "_", folder_name.strip().lower())
    if name.endswith("s") and name[:-1] in CLASSES:
        name = name[:-1]
    return name


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "__")) or path.name.lower() in {"thumbs.db", "desktop.ini"}


def _files(folder: Path) -> list[Path]:
    """Every visible file below ``folder`` (sorted), except obvious non-pictures such as notes."""
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(_hidden(Path(p)) for p in parts) or not path.is_file():
            continue
        if path.suffix.lower() in NOT_PICTURES:
            continue
        found.append(path)
    return found


def resolve_dir(data_dir=None) -> Path:
    """The photo folder as an absolute path; a relative path may also be relative to the project folder.

    Introduced in notebook 07.
    """
    if data_dir is None:
        return DEFAULT_DIR
    path = Path(data_dir).expanduser()
    if not path.is_absolute() and not path.exists() and (ROOT / path).exists():
        path = ROOT / path  # e.g. "data/my-pets" given from inside notebooks/
    return path.resolve()


def scan(data_dir=None) -> tuple[list[tuple[Path, str, str]], list[Path]]:
    """The photo files under ``data_dir`` as ``(path, class, breed)``, plus files lying outside any class folder.

    Raises ValueError when the folder is missing, has no class folders, or a
    class or breed folder has no files at all. Introduced in notebook 07.
    """
    root = resolve_dir(data_dir)
    layout = f"Inside it put <class>/<photos> or <class>/<breed>/<photos>, e.g. {root}/rabbit/photo1.jpg."
    if not root.is_dir():
        raise ValueError(f"the photo folder {root} does not exist. Make it and put one subfolder per class into it. {layout}")
    entries = [p for p in sorted(root.iterdir()) if not _hidden(p)]
    outside = [p for p in entries if p.is_file() and p.suffix.lower() not in NOT_PICTURES]
    class_dirs = [p for p in entries if p.is_dir()]
    if not class_dirs:
        raise ValueError(f"the photo folder {root} has no class folders (such as 'rabbit' or 'cat'). {layout}")
    found = []
    for class_dir in class_dirs:
        animal = _name(class_dir.name)
        breed_dirs = [p for p in sorted(class_dir.iterdir()) if p.is_dir() and not _hidden(p)]
        for breed_dir in breed_dirs:
            files = _files(breed_dir)
            if not files:
                raise ValueError(
                    f"the breed folder {breed_dir} is empty. Put photos of that breed into it, or delete the folder."
                )
            found += [(f, animal, _name(breed_dir.name)) for f in files]
        loose = [p for p in sorted(class_dir.iterdir()) if p.is_file() and not _hidden(p) and p.suffix.lower() not in NOT_PICTURES]
        found += [(f, animal, animal) for f in loose]
        if not loose and not breed_dirs:
            raise ValueError(
                f"the class folder {class_dir} is empty. Put photos of {animal}s into it (about 30 is a good start), "
                "or delete the folder."
            )
    return found, outside


def _listing(root: Path, found) -> list:
    return [(p.relative_to(root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p, _, _ in found]


def files_fingerprint(data_dir=None) -> str:
    """A short hash of the photo files under ``data_dir`` (names, sizes, change times).

    It changes when a photo is added, removed or changed; a saved model's
    record keeps it (``Lesson.model_record``). Introduced in notebook 07.
    """
    root = resolve_dir(data_dir)
    found, _ = scan(root)
    return hashlib.sha256(json.dumps(_listing(root, found)).encode()).hexdigest()[:16]


def read_folder(data_dir=None, image_size: int = DEFAULT_IMAGE_SIZE, cache: bool = True, cache_dir=None,
                verbose: bool = True) -> PetImages:
    """Every readable photo under ``data_dir`` (all splits together) as :class:`~helpers.data.PetImages`.

    Decoded arrays are cached (``data/folder-cache/``) and re-made whenever a
    file is added, removed or changed. Raises ValueError, naming the folder,
    when a class or breed ends up with no readable photo. Introduced in notebook 07.
    """
    global last_report
    image_size = imgs.check_image_size(image_size)
    root = resolve_dir(data_dir)
    found, outside = scan(root)

    listing = [(str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p, _, _ in found]
    key = json.dumps([CACHE_VERSION, imgs.READER_VERSION, str(root), image_size, listing])
    path = Path(cache_dir or DATA_DIR / "folder-cache") / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.npz"
    pets = None
    cached = read_cache(path, "folder") if cache else None
    if cached is not None:
        pets, skipped = cached
        report = imgs.SkipReport(str(root), len(pets), skipped)
    if pets is None:
        report = imgs.SkipReport(str(root))
        for p in outside:
            report.skip(OUTSIDE, p.name)
        pixels, classes, breeds = [], [], []
        for file, animal, breed in found:
            try:
                pixels.append(imgs.read_image(file, image_size))
            except imgs.UnreadableImage as e:
                report.skip(e.reason, str(file.relative_to(root)))
                continue
            classes.append(animal)
            breeds.append(breed)
        report.read = len(pixels)
        images = np.stack(pixels) if pixels else np.zeros((0, image_size, image_size, 3), np.uint8)
        pets = PetImages(images, classes, breeds, "folder")
        if cache:
            write_cache(path, pets, skipped=report.reasons)
    last_report = report

    if verbose and report.skipped and key not in _told:
        _told.add(key)  # say it once, not for every split
        print(f"Your photos: {report} (list: folder.last_report.listing())")
    # every class and breed folder must give at least one picture
    have = set(zip(pets.classes.tolist(), pets.breeds.tolist()))
    for file, animal, breed in found:
        if (animal, breed) not in have:
            parts = file.relative_to(root).parts
            folder = root.joinpath(*parts[:2]) if len(parts) > 2 else root / parts[0]
            raise ValueError(
                f"none of the files in {folder} could be read as a picture ({report}). "
                "Add photos in a common format (JPEG, PNG, WebP, BMP, GIF, TIFF) or delete the folder."
            )
    return pets


def load(split: str = "train", data_dir=None, n_per_breed: int | None = None, breeds=None,
         image_size: int = DEFAULT_IMAGE_SIZE, seed: int = 0, fractions=FRACTIONS, cache: bool = True,
         cache_dir=None, verbose: bool = True) -> PetImages:
    """One split of your own photos as :class:`~helpers.data.PetImages`.

    - ``data_dir``: the folder with one subfolder per class (default ``data/my-pets``);
    - ``split``: ``"train"``, ``"val"`` or ``"test"``; every breed's photos are divided
      by ``fractions`` (default 70 / 15 / 15 %), reproducibly from ``seed``;
    - ``n_per_breed``: at most this many photos of each breed in the split (None: all);
    - ``breeds``: only these breeds (lower-case folder names; None: all);
    - ``image_size``: pixels per side (the centre square of each photo is kept).

    Usually called as ``data.load_pets("folder", split, data_dir=...)``.
    Introduced in notebook 06.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}.")
    pets = read_folder(data_dir, image_size, cache=cache, cache_dir=cache_dir, verbose=verbose)
    if breeds is not None:
        pets = pets.where(breeds=breeds)
    part = split_by_seed(pets, fractions, seed)[split]
    if n_per_breed is not None:
        part = part.per_breed(n_per_breed, seed)
    return part


def write_toy_folder(target, breeds=None, n_per_breed: int = 30, image_size: int = 96, seed: int = 0) -> Path:
    """Save toy pets as JPEG files in the folder layout ``TARGET/<class>/<breed>/<breed>_<i>.jpg``.

    A quick way to try ``DATA_SOURCE = "folder"`` without photos of your own
    (the tests use it too). ``target`` must not exist yet or be empty: nothing
    already there is overwritten. Returns ``target``. Introduced in notebook 07.
    """
    from PIL import Image

    from . import toypets

    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"{target} is not empty; give a new folder (nothing in it was changed).")
    breeds = list(toypets.BREEDS) if breeds is None else ([breeds] if isinstance(breeds, str) else list(breeds))
    for breed in breeds:
        animal = toypets.BREEDS[breed].animal if breed in toypets.BREEDS else None
        if animal is None:
            raise ValueError(f"unknown toy breed {breed!r}; the toy breeds are: {sorted(toypets.BREEDS)}.")
        where = target / animal / breed
        where.mkdir(parents=True, exist_ok=True)
        for i, pixels in enumerate(toypets.draw_many(breed, n_per_breed, seed=seed, size=image_size)):
            Image.fromarray(pixels).save(where / f"{breed}_{i:03d}.jpg", quality=95, subsampling=0)
    return target
