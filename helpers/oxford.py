"""The Oxford-IIIT Pet photos: 37 cat and dog breeds, Persian among them.

Download once (about 810 MB)::

    python -m helpers.data download oxford-pets      # or: python -m helpers.oxford download

The two official archives are fetched from the first mirror that works, with a
progress bar, checked for their exact size and SHA-256, and unpacked into
``data/oxford-iiit-pet/``. A file marked as verified is never fetched again.
Without a network, put the two archives into that folder by hand and run the
same command: it checks and unpacks them.

Labels come from the dataset's own annotation files (``list.txt``,
``trainval.txt``, ``test.txt``): species 1 = cat, 2 = dog; the breed is the
file name without its number (``Persian_12`` -> ``persian``). The few files in
the original set that are broken or not JPEG are skipped and counted.

Introduced in notebook 07; every notebook can use it with ``DATA_SOURCE = "oxford"``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import images as imgs
from .data import DATA_DIR, SPLITS, PetImages, read_cache, write_cache
from .sharing import sha256_of  # the same fingerprint notebook 07 uses

ROOT = DATA_DIR / "oxford-iiit-pet"
MIRRORS = (
    "https://thor.robots.ox.ac.uk/~vgg/data/pets/",
    "https://www.robots.ox.ac.uk/~vgg/data/pets/data/",
)


@dataclass(frozen=True)
class Archive:
    """What a correct download looks like: its exact size in bytes and its SHA-256. Introduced in notebook 07."""

    bytes: int
    sha256: str


ARCHIVES = {  # the dataset's published sizes and checksums; the small one first, so a problem shows early
    "annotations.tar.gz": Archive(19_173_078, "52425fb6de5c424942b7626b428656fcbd798db970a937df61750c0f1d358e91"),
    "images.tar.gz": Archive(791_918_971, "67195c5e1c01f1ab5f9b6a5d22b8c27a580d896ece458917e61d459337fa318d"),
}
MARKER = "VERIFIED.json"  # written after both archives passed the checks and were unpacked
DEFAULT_IMAGE_SIZE = 96  # pixels per side: small enough to train on a laptop CPU; MobileNetV2 has weights for 96
VAL_FRACTION = 0.2  # share of each breed's trainval images that become the validation split
SPECIES = {1: "cat", 2: "dog"}
CACHE_VERSION = "1"

last_report: imgs.SkipReport | None = None  # what the latest load() skipped


class DataNotAvailable(Exception):
    """The photos are not here and could not be fetched or checked.

    ``str(error)`` says what happened and how to get the files; a notebook can
    simply ``print(error)``. Introduced in notebook 07.
    """


# -- downloading --------------------------------------------------------------------


def check_file(path, expected: Archive) -> str | None:
    """None if the file has exactly the expected size and SHA-256, else what is wrong with it. Introduced in notebook 07."""
    path = Path(path)
    size = path.stat().st_size
    if size != expected.bytes:
        return f"it has {size:,} bytes instead of {expected.bytes:,} (incomplete or a different file)"
    digest = sha256_of(path)
    if digest != expected.sha256:
        return f"its SHA-256 is {digest}, not {expected.sha256} (damaged or a different file)"
    return None


class _Progress:
    """A plain-text progress bar on one line, redrawn at most twice a second."""

    def __init__(self, label: str, total: int | None, enabled: bool = True, width: int = 30):
        self.label, self.total, self.enabled, self.width = label, total, enabled, width
        self.last = 0.0

    def show(self, done: int, final: bool = False) -> None:
        if not self.enabled or (not final and time.monotonic() - self.last < 0.5):
            return
        if final and not done and not self.last:
            return  # nothing arrived and nothing was shown: no empty bar
        self.last = time.monotonic()
        mb = f"{done / 1e6:,.1f}"
        if self.total:
            part = min(done / self.total, 1.0)
            bar = "#" * int(part * self.width)
            line = f"{self.label} [{bar:<{self.width}}] {part:4.0%} {mb} / {self.total / 1e6:,.1f} MB"
        else:
            line = f"{self.label} {mb} MB"
        sys.stdout.write("\r" + line + ("\n" if final else ""))
        sys.stdout.flush()


def _fetch(url: str, part: Path, expected: Archive, timeout: float, progress: bool) -> None:
    """Stream ``url`` into ``part``, checking size and SHA-256 on the way; raise OSError if wrong."""
    digest, done = hashlib.sha256(), 0
    bar = _Progress(Path(part.name).stem, expected.bytes, progress)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                done += len(chunk)
                if done > expected.bytes:
                    raise OSError(f"the server sent more than the expected {expected.bytes:,} bytes (a different file)")
                digest.update(chunk)
                out.write(chunk)
                bar.show(done)
    finally:
        bar.show(done, final=True)
    if done != expected.bytes:
        raise OSError(f"the download stopped after {done:,} of {expected.bytes:,} bytes (connection interrupted)")
    if digest.hexdigest() != expected.sha256:
        raise OSError(f"the file's SHA-256 is {digest.hexdigest()}, not {expected.sha256} (damaged or a different file)")


def _why(error: BaseException) -> str:
    """A short, readable reason for a failed download."""
    if isinstance(error, urllib.error.HTTPError):
        return f"the server answered {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"no connection ({error.reason})"
    if isinstance(error, TimeoutError):
        return "no answer in time (slow or no network)"
    return str(error)


def download_file(urls, target, expected: Archive, timeout: float = 30, progress: bool = True) -> Path:
    """Fetch one file from the first URL in ``urls`` that gives exactly the ``expected`` bytes.

    The data goes into ``TARGET.part`` and only a complete, verified file is
    renamed to ``target``; anything else is deleted. Raises
    :class:`DataNotAvailable` listing what went wrong with each URL.
    Introduced in notebook 07.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    problems = []
    for url in urls:
        try:
            _fetch(url, part, expected, timeout, progress)
            part.replace(target)
            return target
        except KeyboardInterrupt:
            print(f"\nDownload stopped; the unfinished {part.name} was deleted. Run the command again to start over.")
            raise
        except (OSError, ValueError) as e:  # URLError, HTTPError and timeouts are OSErrors
            problems.append(f"{url}: {_why(e)}")
        finally:
            part.unlink(missing_ok=True)
    raise DataNotAvailable(f"Could not download {target.name}:\n" + "\n".join(f"  - {p}" for p in problems))


def how_to_get(root=None, mirrors=MIRRORS, archives=None) -> str:
    """Instructions for getting the archives by hand (the text error messages end with). Introduced in notebook 07."""
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    lines = [
        "How to get the Oxford-IIIT Pet photos:",
        "  * with a network, in the project folder: python -m helpers.data download oxford-pets",
        f"  * by hand: download these files into {root}/ and run the same command (it checks and unpacks them):",
    ]
    for name, archive in archives.items():
        lines.append(f"      {name} ({archive.bytes:,} bytes) from " + " or ".join(m + name for m in mirrors))
    lines.append("  * check a file yourself: `sha256sum FILE` must print")
    lines += [f"      {a.sha256}  {name}" for name, a in archives.items()]
    return "\n".join(lines)


def _read_marker(root: Path) -> dict:
    try:
        return json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return {}


def is_downloaded(root=None, archives=None) -> bool:
    """True when the photos are unpacked and were verified against the expected checksums. Introduced in notebook 07."""
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    marker = _read_marker(root)
    wanted = {name: a.sha256 for name, a in archives.items()}
    return (
        marker.get("sha256") == wanted
        and (root / "images").is_dir()
        and (root / "annotations" / "list.txt").is_file()
    )


def _checked_members(tar: tarfile.TarFile, target: Path) -> list[tarfile.TarInfo]:
    """The archive's entries, if every one stays inside ``target``; otherwise a ValueError naming the entry.

    What Python's ``filter="data"`` refuses, for the Pythons that lack it
    (before 3.10.12 / 3.11.4, e.g. Debian 12's 3.11.2): absolute paths, ``..``,
    links that point outside, devices and pipes. Modes lose set-user/group bits.
    """
    target = target.resolve()

    def inside(path: Path) -> bool:
        return path == target or target in path.parents

    members = []
    for member in tar.getmembers():
        name = member.name
        where = (target / name).resolve()
        if name.startswith(("/", "\\")) or Path(name).is_absolute() or ".." in Path(name).parts or not inside(where):
            raise ValueError(f"the entry {name!r} would be written outside the folder")
        if member.issym():
            link = Path(member.linkname)
            if link.is_absolute() or not inside((where.parent / link).resolve()):
                raise ValueError(f"the link {name!r} points outside the folder ({member.linkname!r})")
        elif member.islnk():
            if Path(member.linkname).is_absolute() or not inside((target / member.linkname).resolve()):
                raise ValueError(f"the link {name!r} points outside the folder ({member.linkname!r})")
        elif not (member.isfile() or member.isdir()):
            raise ValueError(f"the entry {name!r} is a device or a pipe, not a file")
        member.mode &= 0o755
        members.append(member)
    return members


def _extract_all(tar: tarfile.TarFile, target: Path) -> None:
    """``tar.extractall`` that refuses entries escaping ``target``, on every supported Python."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(target, filter="data")  # "data": no absolute paths, links out, or devices
    else:
        tar.extractall(target, members=_checked_members(tar, target))


def _unpack(archive: Path, root: Path) -> None:
    """Unpack into a temporary folder first, then move the top-level folders into ``root``."""
    scratch = root / f".unpacking-{archive.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            _extract_all(tar, scratch)
        for item in scratch.iterdir():
            dest = root / item.name
            if dest.is_dir():
                shutil.rmtree(dest)  # an earlier, unfinished unpack of ours (no marker was written)
            elif dest.exists():
                dest.unlink()
            item.replace(dest)
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as e:
        raise DataNotAvailable(f"{archive} passed its checks but could not be unpacked ({e}).") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def download(root=None, mirrors=MIRRORS, archives=None, timeout: float = 30, progress: bool = True,
             keep_archives: bool = True) -> Path:
    """Get the Oxford-IIIT Pet photos into ``root`` (default ``data/oxford-iiit-pet``), once.

    Archives already in ``root`` (e.g. copied there by hand) are checked and
    used; missing ones are downloaded from ``mirrors``. Nothing is fetched
    again once the marker file records verified archives. Raises
    :class:`DataNotAvailable` with instructions when that is impossible.
    Returns ``root``. Introduced in notebook 07.
    """
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    if is_downloaded(root, archives):
        if progress:
            print(f"The Oxford-IIIT Pet photos are already in {root} (verified).")
        return root
    root.mkdir(parents=True, exist_ok=True)
    missing = []
    for name, expected in archives.items():  # first check files that are already here (e.g. copied by hand)
        path = root / name
        if not path.exists():
            missing.append(name)
            continue
        problem = check_file(path, expected)
        if problem:
            raise DataNotAvailable(
                f"{path} is there but {problem}. It was not changed. Delete it (or replace it with a "
                f"complete copy) and run the command again.\n" + how_to_get(root, mirrors, archives)
            )
        if progress:
            print(f"{name}: found in {root}, size and SHA-256 are right.")
    for name in missing:
        path, expected = root / name, archives[name]
        try:
            download_file([m + name for m in mirrors], path, expected, timeout=timeout, progress=progress)
        except DataNotAvailable as e:
            raise DataNotAvailable(f"{e}\nNothing incomplete was kept.\n" + how_to_get(root, mirrors, archives)) from None
    for name in archives:
        if progress:
            print(f"Unpacking {name} ...")
        _unpack(root / name, root)
    if not ((root / "images").is_dir() and (root / "annotations" / "list.txt").is_file()):
        raise DataNotAvailable(
            f"The archives in {root} do not contain images/ and annotations/list.txt as the Oxford-IIIT Pet "
            "archives do.\n" + how_to_get(root, mirrors, archives)
        )
    marker = {
        "dataset": "Oxford-IIIT Pet",
        "bytes": {n: a.bytes for n, a in archives.items()},
        "sha256": {n: a.sha256 for n, a in archives.items()},
    }
    (root / MARKER).write_text(json.dumps(marker, indent=2) + "\n")
    if not keep_archives:
        for name in archives:
            (root / name).unlink(missing_ok=True)
    if progress:
        print(f"The Oxford-IIIT Pet photos are ready in {root}.")
    return root


# -- labels -------------------------------------------------------------------------


def breed_of(name: str) -> str:
    """The breed in an image name: ``"Persian_12"`` -> ``"persian"``, ``"great_pyrenees_3"`` -> ``"great_pyrenees"``.

    Introduced in notebook 07.
    """
    return re.sub(r"_\d+$", "", Path(name).stem).lower()


def read_list(path) -> list[tuple[str, str, str]]:
    """``(image name, class, breed)`` for each line of an annotation file such as ``trainval.txt``.

    Lines read ``NAME CLASS-ID SPECIES BREED-ID``; lines starting with ``#`` are comments.
    Introduced in notebook 07.
    """
    rows = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        try:
            name, species = parts[0], int(parts[2])
            animal = SPECIES[species]
        except (IndexError, ValueError, KeyError):
            raise ValueError(
                f"{path}, line {number}: expected 'NAME CLASS-ID SPECIES BREED-ID' with species 1 (cat) or 2 (dog), "
                f"got {line!r}. The annotation files look damaged: delete {Path(path).parent.parent} and download again."
            ) from None
        rows.append((name, animal, breed_of(name)))
    return rows


def breeds(root=None) -> dict[str, str]:
    """Every breed in the dataset and its class, e.g. ``{"abyssinian": "cat", ...}``. Introduced in notebook 07."""
    root = Path(root or ROOT)
    return {breed: animal for _, animal, breed in read_list(root / "annotations" / "list.txt")}


def _rng(seed: int, breed: str, purpose: int) -> np.random.Generator:
    """A random stream per breed, so one breed's split does not change when other breeds are left out."""
    return np.random.default_rng([int(seed), zlib.crc32(breed.encode()), purpose])


def split_names(split: str, root=None, seed: int = 0, val_fraction: float = VAL_FRACTION) -> list[tuple[str, str, str]]:
    """The ``(name, class, breed)`` rows of one split.

    ``test`` is the dataset's own ``test.txt``; ``train`` and ``val`` divide its
    ``trainval.txt`` breed by breed, reproducibly from ``seed``.
    Introduced in notebook 07.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}.")
    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction must be at least 0 and below 1 (e.g. 0.2); got {val_fraction!r}.")
    root = Path(root or ROOT)
    if split == "test":
        return read_list(root / "annotations" / "test.txt")
    rows = read_list(root / "annotations" / "trainval.txt")
    chosen = set()
    for breed in dict.fromkeys(r[2] for r in rows):
        names = sorted(r[0] for r in rows if r[2] == breed)
        n_val = int(round(val_fraction * len(names)))
        val = set(_rng(seed, breed, 0).permutation(names)[:n_val].tolist())
        chosen |= val if split == "val" else set(names) - val
    return [r for r in rows if r[0] in chosen]


# -- loading ------------------------------------------------------------------------


def _read_selected(root: Path, rows, n_per_breed, seed, image_size, report):
    """Decode the rows' images (at most ``n_per_breed`` good ones per breed), skipping bad files."""
    by_breed: dict[str, list] = {}
    for row in rows:
        by_breed.setdefault(row[2], []).append(row)
    keep = []  # (position in rows, image, class, breed)
    position = {row[0]: i for i, row in enumerate(rows)}
    for breed, group in by_breed.items():
        if n_per_breed is not None:
            group = [group[i] for i in _rng(seed, breed, 1).permutation(len(group))]
        found = 0
        for name, animal, _ in group:
            if n_per_breed is not None and found >= n_per_breed:
                break
            path = root / "images" / f"{name}.jpg"
            if not path.is_file():
                report.skip("missing", path.name)
                continue
            kind = imgs.image_format(path)
            if kind is None:
                report.skip(imgs.NOT_A_PICTURE, path.name)
                continue
            if kind != "JPEG":
                report.skip("not JPEG", f"{path.name} ({kind})")
                continue
            try:
                pixels = imgs.read_image(path, image_size)
            except imgs.UnreadableImage as e:
                report.skip(e.reason, path.name)
                continue
            keep.append((position[name], pixels, animal, breed))
            found += 1
    keep.sort(key=lambda k: k[0])  # the annotation file's order
    report.read = len(keep)
    size = image_size
    images = np.stack([k[1] for k in keep]) if keep else np.zeros((0, size, size, 3), np.uint8)
    return PetImages(images, [k[2] for k in keep], [k[3] for k in keep], "oxford")


def load(split: str = "train", n_per_breed: int | None = None, breeds=None, image_size: int = DEFAULT_IMAGE_SIZE,
         seed: int = 0, val_fraction: float = VAL_FRACTION, root=None, allow_download: bool = True, cache: bool = True,
         verbose: bool = True, mirrors=MIRRORS, archives=None, timeout: float = 30) -> PetImages:
    """Oxford-IIIT Pet photos of one split as :class:`~helpers.data.PetImages`.

    - ``split``: ``"train"``, ``"val"`` (both from ``trainval.txt``) or ``"test"`` (``test.txt``);
    - ``n_per_breed``: at most this many images of each breed (picked by ``seed``), or None for all;
    - ``breeds``: lower-case breed names to keep (None: all 37), e.g. ``["persian", "pug"]``;
    - ``image_size``: pixels per side (the centre square of each photo is kept);
    - ``allow_download``: fetch the archives if they are not here yet (else raise :class:`DataNotAvailable`).

    Classes are ``"cat"`` and ``"dog"``. Decoded arrays are cached in
    ``ROOT/cache``. Skipped files are summed up in one printed line (when
    ``verbose``) and listed in ``oxford.last_report``. Usually called as
    ``data.load_pets("oxford", split, ...)``. Introduced in notebook 07.
    """
    global last_report
    image_size = imgs.check_image_size(image_size)
    if n_per_breed is not None and (isinstance(n_per_breed, bool) or not isinstance(n_per_breed, (int, np.integer)) or n_per_breed < 0):
        raise ValueError(f"n_per_breed must be a whole number of images, 0 or more (or None for all); got {n_per_breed!r}.")
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    if not is_downloaded(root, archives):
        if not allow_download:
            raise DataNotAvailable(f"The Oxford-IIIT Pet photos are not in {root} yet.\n" + how_to_get(root, mirrors, archives))
        download(root, mirrors, archives, timeout=timeout, progress=verbose)

    rows = split_names(split, root, seed, val_fraction)
    if breeds is not None:
        wanted = [breeds] if isinstance(breeds, str) else list(breeds)
        known = set(r[2] for r in rows)
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise ValueError(f"unknown breed {unknown}; the Oxford-IIIT Pet breeds are: {sorted(known)}. Names are lower case.")
        rows = [r for r in rows if r[2] in wanted]

    key = json.dumps([CACHE_VERSION, imgs.READER_VERSION, split, n_per_breed, sorted(set(r[2] for r in rows)),
                      image_size, seed, val_fraction, _read_marker(root).get("sha256")])
    path = root / "cache" / f"{split}-{hashlib.sha1(key.encode()).hexdigest()[:16]}.npz"
    pets = None
    cached = read_cache(path, "oxford") if cache else None
    if cached is not None:
        pets, skipped = cached
        report = imgs.SkipReport(str(root / "images"), len(pets), skipped)
    if pets is None:
        report = imgs.SkipReport(str(root / "images"))
        pets = _read_selected(root, rows, n_per_breed, seed, image_size, report)
        if cache:
            write_cache(path, pets, skipped=report.reasons)
    last_report = report
    if verbose and report.skipped:
        print(f"Oxford-IIIT Pet, {split}: {report} (list: oxford.last_report.listing())")
    return pets


# -- command line -------------------------------------------------------------------


def main(argv=None) -> int:
    """``python -m helpers.oxford download|check``: fetch and verify the photos, or say whether they are here.

    Introduced in notebook 07 (and ``data/README.md``).
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.oxford", description="Get the Oxford-IIIT Pet photos.")
    parser.add_argument("command", choices=["download", "check"], help="download: fetch, verify, unpack; check: are they here?")
    parser.add_argument("--root", default=str(ROOT), help=f"folder for the data (default: {ROOT})")
    parser.add_argument("--remove-archives", action="store_true", help="delete the .tar.gz files after unpacking")
    args = parser.parse_args(argv)
    if args.command == "check":
        ok = is_downloaded(args.root)
        print(f"Oxford-IIIT Pet photos in {args.root}: {'ready (verified)' if ok else 'not there yet'}")
        if not ok:
            print(how_to_get(args.root))
        return 0 if ok else 1
    try:
        download(args.root, keep_archives=not args.remove_archives)
    except DataNotAvailable as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
