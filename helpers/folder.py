"""Your own photos, from a folder with one subfolder per class (and optionally per breed).

The layout is ``DIR/<class>/<photos>`` or ``DIR/<class>/<breed>/<photos>``::

    data/my-pets/
        rabbit/                  photos straight in a class folder: breed "rabbit"
            IMG_0001.jpg
            ...
        cat/
            Persian/             a breed folder: breed "persian", class "cat"
                snowball.png

Class folders must be called ``cat``, ``dog`` or ``rabbit`` (any case, also
plural: ``Cats``). Other folders are reported and not used. Breed folders
become lower-case breed names without a class word or a plural
(``Persian cats`` -> ``persian``). Any common picture file works (see
:mod:`helpers.images`); files that are not pictures or cannot be decoded are
skipped and counted. :mod:`helpers.sources` puts the pieces together (splits,
duplicates, the layout report). See ``data/README.md`` for how to collect
photos. Introduced in notebook 02; every notebook can use it with
``DATA_SOURCE = "folder"``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import images as imgs
from .data import CLASSES, DATA_DIR, ROOT, PetImages, read_cache, write_cache
from .i18n import tr, tr_noop

DEFAULT_DIR = DATA_DIR / "my-pets"
NOT_PICTURES = {".txt", ".md", ".json", ".csv", ".xml", ".html", ".pdf", ".ini", ".db", ".zip", ".py", ".ipynb", ".mat"}
OUTSIDE = tr_noop("outside a class folder")  # a reason a file is skipped (kept in English, shown with tr)
CACHE_VERSION = "2"


def _words(folder_name: str) -> list[str]:
    return [w for w in re.split(r"[\s_\-]+", folder_name.strip().lower()) if w]


def class_name(folder_name: str) -> str | None:
    """The class a folder name stands for (``"Cats"`` -> ``"cat"``), or None if it is not cat, dog or rabbit.

    Used by ``folder``.
    """
    name = "_".join(_words(folder_name))
    for animal in CLASSES:
        if name in (animal, animal + "s"):
            return animal
    return None


def breed_name(folder_name: str) -> str:
    """A breed folder's name as a breed: lower case, ``_`` between words, no class word, no plural.

    ``"Persian"``, ``"persian cats"`` and ``"Persians"`` all give ``"persian"``;
    ``"Great Pyrenees"`` gives ``"great_pyrenees"``. Used by ``folder``, ``sources``.
    """
    words = _words(folder_name)
    kept = [w for w in words if class_name(w) is None] or words
    last = kept[-1] if kept else ""
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is", "ees")):
        kept[-1] = last[:-1]  # a plural: "persians", "pugs"
    return "_".join(kept)


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "__")) or path.name.lower() in {"thumbs.db", "desktop.ini"}


def _pictures(folder: Path, deep: bool) -> list[Path]:
    """The visible files in ``folder`` (and below it when ``deep``), sorted, except obvious non-pictures such as notes."""
    found = []
    for path in sorted(folder.rglob("*") if deep else folder.iterdir()):
        if any(_hidden(Path(p)) for p in path.relative_to(folder).parts) or not path.is_file():
            continue
        if path.suffix.lower() not in NOT_PICTURES:
            found.append(path)
    return found


def resolve_dir(data_dir=None) -> Path:
    """The photo folder as an absolute path; a relative path may also be relative to the project folder.

    Used by ``folder``.
    """
    if data_dir is None:
        return DEFAULT_DIR
    path = Path(data_dir).expanduser()
    if not path.is_absolute() and not path.exists() and (ROOT / path).exists():
        path = ROOT / path  # e.g. "data/my-pets" given from inside notebooks/
    return path.resolve()


@dataclass
class Scan:
    """What :func:`scan` found in a photo folder: its photos and what it could not use.

    ``photos`` are ``(path, class, breed)``; ``unknown`` the folders that are
    not a class; ``outside`` files lying outside any class folder;
    ``empty`` class or breed folders without a single file.
    Used by ``folder``.
    """

    root: Path
    photos: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    outside: list = field(default_factory=list)
    empty: list = field(default_factory=list)


def scan(data_dir=None, loose_class: str | None = None) -> Scan:
    """Look through a photo folder without reading any picture.

    Class folders (``cat``, ``dog``, ``rabbit``) may hold photos and breed
    folders; photos below a breed folder, however deep, belong to that breed.
    With ``loose_class`` (``"rabbit"`` for ``RABBIT_DIR``) photos lying
    directly in the folder belong to that class. Raises ValueError only when
    the folder does not exist; everything else is reported in the result.
    Used by ``folder``, ``sources``.
    """
    root = resolve_dir(data_dir)
    if not root.is_dir():
        raise ValueError(
            tr("the photo folder {root} does not exist. Make it and put one subfolder per class into it "
               "(cat, dog, rabbit), e.g. {root}/cat/photo1.jpg, or change DATA_DIR in the parameters cell.").format(root=root)
        )
    found = Scan(root)
    loose = _pictures(root, deep=False)
    if loose_class:
        found.photos += [(p, loose_class, loose_class) for p in loose]
    else:
        found.outside += loose
    for class_dir in (p for p in sorted(root.iterdir()) if p.is_dir() and not _hidden(p)):
        animal = class_name(class_dir.name)
        if animal is None:
            found.unknown.append(class_dir)
            continue
        own = _pictures(class_dir, deep=False)
        found.photos += [(p, animal, animal) for p in own]
        breed_dirs = [p for p in sorted(class_dir.iterdir()) if p.is_dir() and not _hidden(p)]
        for breed_dir in breed_dirs:
            files = _pictures(breed_dir, deep=True)
            if not files:
                found.empty.append(breed_dir)
            found.photos += [(p, animal, breed_name(breed_dir.name)) for p in files]
        if not own and not breed_dirs:
            found.empty.append(class_dir)
    return found


def _listing(found: Scan) -> list:
    return [(p.relative_to(found.root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p, _, _ in found.photos]


def read_photos(found: Scan, image_size: int = 96, cache: bool = True, cache_dir=None):
    """Decode every photo :func:`scan` found: ``(PetImages, digests, names, SkipReport)``.

    ``digests`` holds each readable photo's SHA-256 (of the file's bytes),
    ``names`` its path inside the folder. Unreadable files are skipped and
    listed in the report. Decoded arrays are cached (``data/folder-cache/``)
    and made again whenever a file is added, removed or changed.
    Used by ``oxford``, ``sources``.
    """
    image_size = imgs.check_image_size(image_size)
    root = found.root
    key = json.dumps([CACHE_VERSION, imgs.READER_VERSION, str(root), image_size, _listing(found),
                      [p.name for p in found.outside]])
    path = Path(cache_dir or DATA_DIR / "folder-cache") / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.npz"
    cached = read_cache(path, "folder") if cache else None
    if cached is not None and {"digests", "names"} <= set(cached[2]):
        pets, skipped, extra = cached
        return pets, [str(d) for d in extra["digests"]], [str(n) for n in extra["names"]], imgs.SkipReport(str(root), len(pets), skipped)
    report = imgs.SkipReport(str(root))
    for p in found.outside:
        report.skip(OUTSIDE, p.name)
    pixels, classes, breeds, digests, names = [], [], [], [], []
    for file, animal, breed in found.photos:
        name = file.relative_to(root).as_posix()
        try:
            pixels.append(imgs.read_image(file, image_size))
        except imgs.UnreadableImage as e:
            report.skip(e.reason, name)
            continue
        classes.append(animal)
        breeds.append(breed)
        digests.append(hashlib.sha256(file.read_bytes()).hexdigest())
        names.append(name)
    report.read = len(pixels)
    images = np.stack(pixels) if pixels else np.zeros((0, image_size, image_size, 3), np.uint8)
    pets = PetImages(images, classes, breeds, "folder")
    if cache:
        write_cache(path, pets, skipped=report.reasons, extra={"digests": np.array(digests, dtype=str),
                                                               "names": np.array(names, dtype=str)})
    return pets, digests, names, report


def write_toy_folder(target, breeds=None, n_per_breed: int = 30, image_size: int = 96, seed: int = 0,
                     formats=("jpg",), folder_names=None) -> Path:
    """Save toy pets as picture files in the folder layout ``TARGET/<class>/<breed>/<breed>_<i>.jpg``.

    A quick way to try ``DATA_SOURCE = "folder"`` without photos of your own
    (the tests use it too). ``formats`` are used in turn (``("jpg", "png")``);
    ``folder_names`` may rename breed folders (``{"persian": "Persian"}``).
    ``target`` must not exist yet or be empty: nothing already there is
    overwritten. Returns ``target``. Used by ``tools/toy_photo_folder.py`` (and the tests).
    """
    from PIL import Image

    from . import toypets

    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise ValueError(tr("{target} is not empty; give a new folder (nothing in it was changed).").format(target=target))
    breeds = list(toypets.BREEDS) if breeds is None else ([breeds] if isinstance(breeds, str) else list(breeds))
    for breed in breeds:
        if breed not in toypets.BREEDS:
            raise ValueError(tr("unknown toy breed {breed!r}; the toy breeds are: {breeds}.").format(
                breed=breed, breeds=sorted(toypets.BREEDS)))
        where = target / toypets.BREEDS[breed].animal / (folder_names or {}).get(breed, breed)
        where.mkdir(parents=True, exist_ok=True)
        for i, pixels in enumerate(toypets.draw_many(breed, n_per_breed, seed=seed, size=image_size)):
            kind = formats[i % len(formats)]
            options = {"quality": 95, "subsampling": 0} if kind == "jpg" else {}
            Image.fromarray(pixels).save(where / f"{breed}_{i:03d}.{kind}", **options)
    return target
