"""Pet images with a class and a breed, from one of three sources.

Every source gives the same thing: a :class:`PetImages` — an array of RGB
images plus, for each image, its class (``"cat"``, ``"dog"`` or ``"rabbit"``)
and its breed. Notebooks only ever talk to this interface, so switching from
the toy pets to real photos is one parameter (``DATA_SOURCE``, see
:mod:`helpers.sources`). This module is the ground floor: it imports no
other data module, and the photo loaders (:mod:`helpers.folder`,
:mod:`helpers.oxford`) build on it.

Introduced in notebook 01; used by every notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import toypets
from .i18n import tr

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# Where the notebooks save their models; `make bench` points it elsewhere so it never replaces yours.
MODELS_DIR = Path(os.environ.get("PETS_MODELS_DIR") or ROOT / "models")

CLASSES = ("cat", "dog", "rabbit")
SPLITS = ("train", "val", "test")


@dataclass
class PetImages:
    """Images with one class name and one breed name per image.

    ``images`` is a ``uint8`` array of shape ``(n, height, width, 3)`` (pixel
    values 0..255; anything else is refused with a message);
    ``classes`` and ``breeds`` are string arrays of length ``n``.
    Used by ``data``, ``evaluation``, ``folder``, ``lesson``, ``oxford``, ``plots``, ``recipes``, ``sharing``, ``sources``, ``training``, ``widgets``.
    """

    images: np.ndarray
    classes: np.ndarray
    breeds: np.ndarray
    source: str = "toy"

    def __post_init__(self):
        self.images = np.asarray(self.images)
        self.classes = np.asarray(self.classes, dtype=str)
        self.breeds = np.asarray(self.breeds, dtype=str)
        if self.images.ndim != 4 or self.images.shape[-1] != 3:
            raise ValueError(
                tr("images must have shape (n, height, width, 3) (RGB), got {shape}. "
                   "Convert grey or RGBA pictures to RGB first (helpers.folder does this for you).").format(
                    shape=self.images.shape)
            )
        n = len(self.images)
        if len(self.classes) != n or len(self.breeds) != n:
            raise ValueError(
                tr("got {n} images but {classes} class names and {breeds} breed names; "
                   "give exactly one class and one breed per image.").format(
                    n=n, classes=len(self.classes), breeds=len(self.breeds))
            )
        self.images = _as_pixels(self.images)

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        counts = ", ".join(f"{tr(b)}: {c}" for b, c in self.breed_counts().items())
        size = "x".join(map(str, self.images.shape[1:3])) if len(self) else "-"
        return tr("PetImages({n} images of {size} px from '{source}'; {counts})").format(
            n=len(self), size=size, source=self.source, counts=counts)

    # -- looking at what is inside -------------------------------------------------
    def breed_counts(self) -> dict[str, int]:
        """How many images of each breed (in order of first appearance)."""
        names, first, counts = np.unique(self.breeds, return_index=True, return_counts=True)
        order = np.argsort(first)
        return {str(names[i]): int(counts[i]) for i in order}

    def class_of_breed(self) -> dict[str, str]:
        """Map each breed in this set to its class."""
        return {str(b): str(c) for b, c in zip(self.breeds, self.classes)}

    def labels(self, class_names=("cat", "dog")) -> np.ndarray:
        """Class names turned into integer labels, by position in ``class_names``."""
        class_names = list(class_names)
        unknown = sorted(set(self.classes) - set(class_names))
        if unknown:
            raise ValueError(
                tr("these images have classes {unknown} that are not among {class_names}; "
                   "filter them out with .where(classes=...) or add them to class_names.").format(
                    unknown=unknown, class_names=class_names)
            )
        lookup = {c: i for i, c in enumerate(class_names)}
        return np.array([lookup[c] for c in self.classes], dtype="int64")

    # -- making smaller or bigger sets ---------------------------------------------
    def subset(self, index) -> "PetImages":
        """The images at ``index`` (an index array or a boolean mask)."""
        index = np.asarray(index)
        return PetImages(self.images[index], self.classes[index], self.breeds[index], self.source)

    def where(self, breeds=None, classes=None) -> "PetImages":
        """Only the images of the given breeds and/or classes. Introduced in notebook 03."""
        mask = np.ones(len(self), dtype=bool)
        if breeds is not None:
            breeds = [breeds] if isinstance(breeds, str) else list(breeds)
            _check_known("breed", breeds, set(self.breeds))
            mask &= np.isin(self.breeds, breeds)
        if classes is not None:
            classes = [classes] if isinstance(classes, str) else list(classes)
            _check_known("class", classes, set(self.classes) | set(CLASSES))
            mask &= np.isin(self.classes, classes)
        return self.subset(mask)

    def without(self, breeds) -> "PetImages":
        """All images except those of the given breeds. Introduced in notebook 02."""
        breeds = [breeds] if isinstance(breeds, str) else list(breeds)
        _check_known("breed", breeds, set(self.breeds))
        return self.subset(~np.isin(self.breeds, breeds))

    def sample(self, n: int, seed: int = 0) -> "PetImages":
        """``n`` images picked at random (without repeats), reproducibly from ``seed``."""
        n = _count(n, "n")
        if n > len(self):
            raise ValueError(tr("asked for {n} images but this set has only {have}; ask for fewer.").format(n=n, have=len(self)))
        rng = np.random.default_rng(seed)
        return self.subset(np.sort(rng.choice(len(self), size=n, replace=False)))

    def per_breed(self, n: int, seed: int = 0) -> "PetImages":
        """At most ``n`` images of every breed, picked reproducibly from ``seed``."""
        n = _count(n, "n")
        rng = np.random.default_rng(seed)
        keep = []
        for breed in self.breed_counts():
            idx = np.flatnonzero(self.breeds == breed)
            keep.extend(rng.choice(idx, size=min(n, len(idx)), replace=False))
        return self.subset(np.sort(np.array(keep, dtype=int)))

    def shuffled(self, seed: int = 0) -> "PetImages":
        """The same images in a reproducible random order."""
        return self.subset(np.random.default_rng(seed).permutation(len(self)))

    def __add__(self, other: "PetImages") -> "PetImages":
        if self.images.shape[1:] != other.images.shape[1:]:
            raise ValueError(
                tr("cannot join images of shape {first} and {second}; "
                   "load both sets with the same image_size.").format(first=self.images.shape[1:], second=other.images.shape[1:])
            )
        return PetImages(
            np.concatenate([self.images, other.images]),
            np.concatenate([self.classes, other.classes]),
            np.concatenate([self.breeds, other.breeds]),
            self.source if self.source == other.source else f"{self.source}+{other.source}",
        )

    @property
    def nbytes(self) -> int:
        """Bytes the pixels take in memory (one byte per colour value). Introduced in notebook 07."""
        return int(self.images.nbytes)


def _as_pixels(images: np.ndarray) -> np.ndarray:
    """``images`` as uint8 pixel values 0..255, or a ValueError that says what is wrong and how to fix it.

    Whole numbers from 0 to 255 of any integer type are accepted as they are.
    Anything else (floats such as 0..1, NaN, negative or too big values) is
    refused: the models divide by 255 themselves, so such pictures would look
    almost black to them and quietly give wrong answers.
    """
    if images.dtype == np.uint8:
        return images
    if images.size == 0 and images.dtype != bool:
        return images.astype(np.uint8)
    if np.issubdtype(images.dtype, np.integer):
        low, high = int(images.min()), int(images.max())
        if 0 <= low and high <= 255:
            return images.astype(np.uint8)
        found = tr("whole numbers from {low} to {high}").format(low=low, high=high)
    elif np.issubdtype(images.dtype, np.floating):
        finite = images[np.isfinite(images)]
        if finite.size:
            found = tr("{dtype} values from {low:.3g} to {high:.3g}").format(
                dtype=images.dtype, low=float(finite.min()), high=float(finite.max()))
        else:
            found = tr("{dtype} values none of them a number").format(dtype=images.dtype)
        missing = int(images.size - finite.size)
        if missing:
            found = tr("{values}, and {missing} NaN or infinite values").format(values=found, missing=missing)
    else:
        found = tr("values of type {dtype}").format(dtype=images.dtype)
    raise ValueError(
        tr("images must be pixel values: whole numbers from 0 to 255 (dtype uint8); got {found}. "
           "Pictures scaled to 0..1 need (images * 255).round().astype('uint8'); "
           "helpers.images.read_image gives the right kind for a photo file.").format(found=found)
    )


def _count(n, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(tr("{name} must be a whole number of images, 0 or more; got {value!r}.").format(name=name, value=n))
    return int(n)


def _check_known(kind: str, asked, known) -> None:
    unknown = sorted({str(a) for a in asked} - {str(k) for k in known})
    if unknown:
        message = (tr("unknown breed {unknown}; this set has: {known}. Check the spelling (names are lower case).")
                   if kind == "breed" else
                   tr("unknown class {unknown}; this set has: {known}. Check the spelling (names are lower case).")
                   if kind == "class" else
                   tr("unknown {kind} {unknown}; this set has: {known}. Check the spelling (names are lower case)."))
        raise ValueError(message.format(kind=kind, unknown=unknown, known=sorted(str(k) for k in known)))


def split_of(digest: str, seed: int = 0, fractions=(0.7, 0.15, 0.15)) -> str:
    """The split (``"train"``, ``"val"`` or ``"test"``) of one photo, from a stable hash of its file.

    ``digest`` is the SHA-256 of the photo file's content (:func:`sha256_of`).
    Together with ``seed`` it gives the photo a fixed number between 0 and 1;
    ``fractions`` (train, val, test) cut that range into three parts. So a
    photo's split depends only on the photo itself: adding or removing other
    photos never moves it, renaming or moving it between folders neither,
    and two copies of one photo always land in the same split.
    Used for real photos; toy pets are drawn separately for each split
    (see :func:`toy_pets`). Used by ``sources``.
    """
    fractions = np.asarray(fractions, dtype=float)
    if fractions.shape != (3,) or np.any(fractions < 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(tr("fractions must be three numbers >= 0 that add up to 1, e.g. (0.7, 0.15, 0.15); got {fractions}.").format(
            fractions=fractions.tolist()))
    number = int(hashlib.sha256(f"{int(seed)}:{digest}".encode()).hexdigest()[:13], 16) / 16**13  # 0 <= number < 1
    if number < fractions[0]:
        return "train"
    return "val" if number < fractions[0] + fractions[1] else "test"


def sha256_of(path) -> str:
    """The SHA-256 fingerprint of a file, as 64 hex characters. Used by ``data``, ``models``, ``oxford``, ``sharing``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- the toy pets -------------------------------------------------------------------

_SPLIT_SEED_OFFSET = {"train": 0, "val": 1_000_003, "test": 2_000_029}


def toy_pets(
    breeds=None,
    n_per_breed: int = 100,
    split: str = "train",
    seed: int = 0,
    image_size: int = toypets.DEFAULT_SIZE,
    cache: bool = True,
) -> PetImages:
    """Draw toy pets: ``n_per_breed`` images of each breed, for one split.

    The splits are drawn from different random streams, so a training image
    never appears in the test set. The same arguments always give the same
    pixels; the result is cached under ``data/toy/`` so a notebook does not
    draw it again. Used by ``data``, ``sources``, ``tools/contact_sheet.py``.
    """
    breeds = list(toypets.BREEDS) if breeds is None else ([breeds] if isinstance(breeds, str) else list(breeds))
    _check_known("breed", breeds, set(toypets.BREEDS))
    n_per_breed = _count(n_per_breed, "n_per_breed")
    if split not in SPLITS:
        raise ValueError(tr("split must be one of {splits}; got {value!r}.").format(splits=SPLITS, value=split))
    if not isinstance(image_size, (int, np.integer)) or not 16 <= image_size <= 256:
        raise ValueError(tr("image_size must be a whole number of pixels from 16 to 256; got {value!r}.").format(value=image_size))

    key = json.dumps([breeds, n_per_breed, split, seed, int(image_size), toypets.GENERATOR_VERSION])
    path = DATA_DIR / "toy" / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.npz"
    cached = read_cache(path, "toy") if cache else None
    if cached is not None:
        return cached[0]

    images, classes, names = [], [], []
    for breed in breeds:
        images.append(toypets.draw_many(breed, n_per_breed, seed=seed + _SPLIT_SEED_OFFSET[split], size=image_size))
        classes += [toypets.BREEDS[breed].animal] * n_per_breed
        names += [breed] * n_per_breed
    size = int(image_size)
    pets = PetImages(
        np.concatenate(images) if images else np.zeros((0, size, size, 3), np.uint8), classes, names, "toy"
    )
    if cache:
        write_cache(path, pets, compress=True)  # drawings compress well
    return pets


def read_cache(path: Path, source: str):
    """``(pictures, skip reasons, extra arrays)`` from a file :func:`write_cache` wrote, or ``None``.

    ``None`` when the file is missing or cannot be read (a broken cache file
    is simply made again). Used by the toy, folder and Oxford loaders.

    Used by ``data``, ``folder``, ``oxford``.
    """
    if not Path(path).exists():
        return None
    try:
        with np.load(path) as f:
            pets = PetImages(f["images"], f["classes"], f["breeds"], source)
            skipped = json.loads(str(f["skipped"])) if "skipped" in f.files else {}
            extra = {name[len("extra_"):]: f[name] for name in f.files if name.startswith("extra_")}
    except Exception:
        return None
    return pets, skipped, extra


_cache_warned = False  # the "cannot write the cache" line is printed once per session


def write_cache(path: Path, pets: PetImages, skipped: dict | None = None, compress: bool = False, extra=None) -> bool:
    """Save ``pets`` (the reasons files were skipped, and ``extra`` arrays by name) to ``path`` for :func:`read_cache`.

    Written to a temporary file with a name of its own in the same folder and
    then renamed, so an interrupted run never leaves a half-written cache and
    two runs writing the same cache at once do not get in each other's way.
    The cache only saves time: when it cannot be written (a read-only course

    Used by ``data``, ``folder``, ``oxford``.
    folder, a full disk) one line says so and the lesson goes on without it.
    Returns True when the cache was written.
    """
    global _cache_warned
    path = Path(path)
    extra = {f"extra_{name}": values for name, values in (extra or {}).items()}
    if skipped is not None:
        extra["skipped"] = np.array(json.dumps(skipped))
    save = np.savez_compressed if compress else np.savez
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as f:
            save(f, images=pets.images, classes=pets.classes, breeds=pets.breeds, **extra)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; others sharing the folder may read the cache too
        os.replace(tmp, path)
        return True
    except OSError as error:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if not _cache_warned:
            _cache_warned = True
            print(tr("Note: cannot save a cache in {folder} ({error}); "
                     "carrying on without it (the pictures are made again next time, which only takes longer).").format(
                folder=path.parent, error=error.strerror or error))
        return False


if __name__ == "__main__":  # python -m helpers.data download oxford-pets
    import sys

    if sys.argv[1:3] == ["download", "oxford-pets"]:
        from helpers import oxford

        raise SystemExit(oxford.main(["download", *sys.argv[3:]]))
    raise SystemExit(tr("usage: {command}").format(command="python -m helpers.data download oxford-pets [--root DIR] [--remove-archives]"))
