"""The Oxford-IIIT Pet photos: 37 cat and dog breeds, Persian among them.

Download once (about 810 MB)::

    python -m helpers.data download oxford-pets      # or: python -m helpers.oxford download

The two official archives are fetched from the first mirror that works, with a
progress bar, checked for their exact size and SHA-256, and unpacked into
``data/oxford-iiit-pet/``. Once unpacked, nothing is fetched again. Without a
network, put the two archives into that folder by hand and run the same
command: it checks and unpacks them. Only this command downloads: loading
the photos never does.

An unpacked official tree (``images/`` and ``annotations/``) is used as it
is, in ``data/oxford-iiit-pet/`` or wherever ``DATA_DIR`` points: it is
checked against its own annotation files (names, counts, species), and the
archives, when they lie beside it, for their size and SHA-256.

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
from .data import DATA_DIR, PetImages, read_cache, sha256_of, write_cache
from .i18n import tr, tr_noop

ROOT = DATA_DIR / "oxford-iiit-pet"
MIRRORS = (
    "https://thor.robots.ox.ac.uk/~vgg/data/pets/",
    "https://www.robots.ox.ac.uk/~vgg/data/pets/data/",
)


@dataclass(frozen=True)
class Archive:
    """What a correct download looks like: its exact size in bytes and its SHA-256. Used by ``oxford``."""

    bytes: int
    sha256: str


ARCHIVES = {  # the dataset's published sizes and checksums; the small one first, so a problem shows early
    "annotations.tar.gz": Archive(19_173_078, "52425fb6de5c424942b7626b428656fcbd798db970a937df61750c0f1d358e91"),
    "images.tar.gz": Archive(791_918_971, "67195c5e1c01f1ab5f9b6a5d22b8c27a580d896ece458917e61d459337fa318d"),
}
SPECIES = {1: "cat", 2: "dog"}
LISTS = ("list.txt", "trainval.txt", "test.txt")  # the annotation files a tree must have
CACHE_DIR = DATA_DIR / "oxford-cache"  # decoded photos, and which archives passed their checks
CACHE_VERSION = "2"
COMMAND = "python -m helpers.data download oxford-pets"  # the command that fetches, checks and unpacks the photos
NOT_JPEG = tr_noop("not JPEG")  # a reason a file is skipped (kept in English, shown with tr)


class DataNotAvailable(Exception):
    """The photos are not here and could not be fetched or checked.

    ``str(error)`` says what happened and how to get the files; a notebook can
    simply ``print(error)``. Used by ``oxford``.
    """


# -- downloading --------------------------------------------------------------------


def check_file(path, expected: Archive) -> str | None:
    """None if the file has exactly the expected size and SHA-256, else what is wrong with it. Used by ``oxford``."""
    path = Path(path)
    size = path.stat().st_size
    if size != expected.bytes:
        return tr("it has {size:,} bytes instead of {expected:,} (incomplete or a different file)").format(
            size=size, expected=expected.bytes)
    digest = sha256_of(path)
    if digest != expected.sha256:
        return tr("its SHA-256 is {digest}, not {expected} (damaged or a different file)").format(
            digest=digest, expected=expected.sha256)
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
                    raise OSError(tr("the server sent more than the expected {expected:,} bytes (a different file)").format(
                        expected=expected.bytes))
                digest.update(chunk)
                out.write(chunk)
                bar.show(done)
    finally:
        bar.show(done, final=True)
    if done != expected.bytes:
        raise OSError(tr("the download stopped after {done:,} of {expected:,} bytes (connection interrupted)").format(
            done=done, expected=expected.bytes))
    if digest.hexdigest() != expected.sha256:
        raise OSError(tr("the file's SHA-256 is {digest}, not {expected} (damaged or a different file)").format(
            digest=digest.hexdigest(), expected=expected.sha256))


def _why(error: BaseException) -> str:
    """A short, readable reason for a failed download."""
    if isinstance(error, urllib.error.HTTPError):
        return tr("the server answered {code} {reason}").format(code=error.code, reason=error.reason)
    if isinstance(error, urllib.error.URLError):
        return tr("no connection ({reason})").format(reason=error.reason)
    if isinstance(error, TimeoutError):
        return tr("no answer in time (slow or no network)")
    return str(error)


def download_file(urls, target, expected: Archive, timeout: float = 30, progress: bool = True) -> Path:
    """Fetch one file from the first URL in ``urls`` that gives exactly the ``expected`` bytes.

    The data goes into ``TARGET.part`` and only a complete, verified file is
    renamed to ``target``; anything else is deleted. Raises
    :class:`DataNotAvailable` listing what went wrong with each URL.
    Used by ``oxford``.
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
            print("\n" + tr("Download stopped; the unfinished {file} was deleted. Run the command again to start over.").format(
                file=part.name))
            raise
        except (OSError, ValueError) as e:  # URLError, HTTPError and timeouts are OSErrors
            problems.append(f"{url}: {_why(e)}")
        finally:
            part.unlink(missing_ok=True)
    raise DataNotAvailable(tr("Could not download {file}:").format(file=target.name) + "\n"
                           + "\n".join(f"  - {p}" for p in problems))


def how_to_get(root=None, mirrors=MIRRORS, archives=None) -> str:
    """Instructions for getting the archives by hand (the text error messages end with). Used by ``oxford``, ``sources``."""
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    lines = [
        tr("How to get the Oxford-IIIT Pet photos:"),
        "  * " + tr("with a network, in the project folder: {command}").format(command=COMMAND),
        "  * " + tr("by hand: download these files into {folder}/ and run the same command (it checks and unpacks them):").format(
            folder=root),
    ]
    for name, archive in archives.items():
        urls = [m + name for m in mirrors]
        shown = urls[0] if urls else ""
        for url in urls[1:]:
            shown = tr("{first} or {second}").format(first=shown, second=url)
        lines.append("      " + tr("{file} ({size:,} bytes) from {urls}").format(file=name, size=archive.bytes, urls=shown))
    lines.append("  * " + tr("check a file yourself: `sha256sum FILE` must print"))
    lines += [f"      {a.sha256}  {name}" for name, a in archives.items()]
    return "\n".join(lines)


def has_tree(root=None) -> bool:
    """True when ``root`` holds an unpacked Oxford-IIIT Pet tree: ``images/`` and the three annotation lists.

    Used by ``oxford``, ``lesson``, ``sources``.
    """
    root = Path(root or ROOT)
    return (root / "images").is_dir() and all((root / "annotations" / name).is_file() for name in LISTS)


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
            raise ValueError(tr("the entry {name!r} would be written outside the folder").format(name=name))
        if member.issym():
            link = Path(member.linkname)
            if link.is_absolute() or not inside((where.parent / link).resolve()):
                raise ValueError(tr("the link {name!r} points outside the folder ({target!r})").format(
                    name=name, target=member.linkname))
        elif member.islnk():
            if Path(member.linkname).is_absolute() or not inside((target / member.linkname).resolve()):
                raise ValueError(tr("the link {name!r} points outside the folder ({target!r})").format(
                    name=name, target=member.linkname))
        elif not (member.isfile() or member.isdir()):
            raise ValueError(tr("the entry {name!r} is a device or a pipe, not a file").format(name=name))
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
                shutil.rmtree(dest)  # an earlier, unfinished unpack of ours
            elif dest.exists():
                dest.unlink()
            item.replace(dest)
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as e:
        raise DataNotAvailable(tr("{archive} passed its checks but could not be unpacked ({error}).").format(
            archive=archive, error=e)) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def download(root=None, mirrors=MIRRORS, archives=None, timeout: float = 30, progress: bool = True,
             keep_archives: bool = True) -> Path:
    """Get the Oxford-IIIT Pet photos into ``root`` (default ``data/oxford-iiit-pet``), once.

    Archives already in ``root`` (e.g. copied there by hand) are checked and
    used; missing ones are downloaded from ``mirrors``. Nothing is fetched
    when the photos are unpacked there already. Raises
    :class:`DataNotAvailable` with instructions when that is impossible.
    Returns ``root``. Introduced in notebook 07.
    """
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    if has_tree(root):
        problems = check_archives(root, archives)
        if problems:
            raise DataNotAvailable("\n".join(problems) + "\n" + how_to_get(root, mirrors, archives))
        if progress:
            print(tr("The Oxford-IIIT Pet photos are already unpacked in {folder}.").format(folder=root))
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
                tr("{path} is there but {problem}. It was not changed. Delete it (or replace it with a "
                   "complete copy) and run the command again.").format(path=path, problem=problem)
                + "\n" + how_to_get(root, mirrors, archives)
            )
        if progress:
            print(tr("{file}: found in {folder}, size and SHA-256 are right.").format(file=name, folder=root))
    for name in missing:
        path, expected = root / name, archives[name]
        try:
            download_file([m + name for m in mirrors], path, expected, timeout=timeout, progress=progress)
        except DataNotAvailable as e:
            raise DataNotAvailable(f"{e}\n" + tr("Nothing incomplete was kept.") + "\n" + how_to_get(root, mirrors, archives)) from None
    for name in archives:
        if progress:
            print(tr("Unpacking {file} ...").format(file=name))
        _unpack(root / name, root)
    if not has_tree(root):
        raise DataNotAvailable(
            tr("The archives in {folder} do not contain images/ and annotations/list.txt, trainval.txt and test.txt "
               "as the Oxford-IIIT Pet archives do.").format(folder=root) + "\n" + how_to_get(root, mirrors, archives)
        )
    if not keep_archives:
        for name in archives:
            (root / name).unlink(missing_ok=True)
    if progress:
        print(tr("The Oxford-IIIT Pet photos are ready in {folder}.").format(folder=root))
    return root


# -- labels -------------------------------------------------------------------------


def breed_of(name: str) -> str:
    """The breed in an image name: ``"Persian_12"`` -> ``"persian"``, ``"great_pyrenees_3"`` -> ``"great_pyrenees"``.

    Used by ``oxford``.
    """
    return re.sub(r"_\d+$", "", Path(name).stem).lower()


def read_list(path) -> list[tuple[str, str, str]]:
    """``(image name, class, breed)`` for each line of an annotation file such as ``trainval.txt``.

    Lines read ``NAME CLASS-ID SPECIES BREED-ID``; lines starting with ``#`` are comments.
    Used by ``oxford``.
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
                tr("{path}, line {number}: expected 'NAME CLASS-ID SPECIES BREED-ID' with species 1 (cat) or 2 (dog), "
                   "got {line!r}. The annotation files look damaged: delete {folder} and download again.").format(
                    path=path, number=number, line=line, folder=Path(path).parent.parent)
            ) from None
        rows.append((name, animal, breed_of(name)))
    return rows


def check_archives(root=None, archives=None) -> list[str]:
    """What is wrong with the archives lying in ``root`` (an empty list when none lie there or all are right).

    Each archive found is checked for its exact size and SHA-256. Computing
    the SHA-256 of 800 MB takes a few seconds, so a file that passed is
    remembered (by its size and change time) and not hashed again.
    Used by ``oxford``, ``sources``.
    """
    root = Path(root or ROOT)
    archives = archives or ARCHIVES
    memo_path = CACHE_DIR / "checked-archives.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    problems = []
    for name, expected in archives.items():
        path = root / name
        if not path.is_file():
            continue
        stat = path.stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{expected.sha256}"
        if memo.get(key):
            continue
        problem = check_file(path, expected)
        if problem:
            problems.append(tr("{path} is there but {problem}. It was not changed: delete it, or replace it with a "
                               "complete copy, and run `{command}` again.").format(path=path, problem=problem, command=COMMAND))
        else:
            memo[key] = True
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        memo_path.write_text(json.dumps(memo, indent=1) + "\n")
    except OSError:
        pass  # only saves time next run
    return problems


def breeds(root=None) -> dict[str, str]:
    """Every breed in the dataset and its class, e.g. ``{"abyssinian": "cat", ...}``. Introduced in notebook 07."""
    root = Path(root or ROOT)
    return {breed: animal for _, animal, breed in read_list(root / "annotations" / "list.txt")}


@dataclass
class Tree:
    """An unpacked tree, read from its own annotation files. Used by ``oxford``.

    ``rows`` are ``(image name, class, breed, part)`` with part ``"trainval"``
    or ``"test"`` (the dataset's own division); ``problems`` says, in words,
    where the files and the annotations disagree.
    """

    root: Path
    rows: list
    problems: list


def read_tree(root=None) -> Tree:
    """Read ``annotations/list.txt``, ``trainval.txt`` and ``test.txt`` and check them against ``images/``.

    Checked: every listed name has its photo in ``images/`` (the missing ones
    are named and left out); ``trainval.txt`` and ``test.txt`` together hold
    exactly the names in ``list.txt``, none in both; the species fits the
    name (cats have capitalised names, dogs lower-case ones) and each breed
    has one species. Used by ``oxford``, ``sources``.
    """
    root = Path(root or ROOT)
    listed = read_list(root / "annotations" / "list.txt")
    parts = {part: read_list(root / "annotations" / f"{part}.txt") for part in ("trainval", "test")}
    problems = []
    where = {}
    for part, rows in parts.items():
        for name, _, _ in rows:
            if name in where:
                problems.append(tr("{name} is in both trainval.txt and test.txt; it is used as a test photo only.").format(name=name))
            where[name] = "test" if part == "test" or name in where else part
    names = [row[0] for row in listed]
    not_divided = [n for n in names if n not in where]
    extra = sorted(set(where) - set(names))
    if not_divided or extra:
        pieces = [tr("annotations/list.txt lists {listed} photos, trainval.txt and test.txt {divided}:").format(
            listed=len(names), divided=len(where))]
        if not_divided:
            pieces.append(tr("{n} listed photos are in neither (e.g. {example}), so they are not used;").format(
                n=len(not_divided), example=not_divided[0]))
        if extra:
            pieces.append(tr("{n} are not in list.txt (e.g. {example}), so they are not used;").format(n=len(extra), example=extra[0]))
        pieces.append(tr("the annotation files do not belong together: download annotations.tar.gz again."))
        problems.append(" ".join(pieces))
    species_of_breed: dict[str, set] = {}
    wrong_case = []
    rows, missing = [], []
    for name, animal, breed in listed:
        species_of_breed.setdefault(breed, set()).add(animal)
        if (animal == "cat") != name[:1].isupper():
            wrong_case.append(name)
        if name not in where:
            continue
        if not (root / "images" / f"{name}.jpg").is_file():
            missing.append(name)
            continue
        rows.append((name, animal, breed, where[name]))
    if missing:
        problems.append(tr("{n} photos listed in annotations/list.txt are not in {folder} "
                           "(e.g. {example}.jpg); the others are used. Unpack images.tar.gz again to get them all.").format(
            n=len(missing), folder=root / "images", example=missing[0]))
    mixed = sorted(b for b, s in species_of_breed.items() if len(s) > 1)
    if mixed:
        problems.append(tr("the breeds {breeds} are listed both as cats and as dogs; the first species of each photo is used. "
                           "The annotation files look damaged: download annotations.tar.gz again.").format(breeds=mixed))
    if wrong_case:
        problems.append(tr("{n} photos have a species that does not fit their name (cats have capitalised "
                           "names, e.g. {example}); their species from list.txt is used.").format(n=len(wrong_case), example=wrong_case[0]))
    return Tree(root, rows, problems)


def read_photos(tree: Tree, image_size: int = 96, cache: bool = True):
    """Decode the tree's photos: ``(PetImages, digests, names, parts, SkipReport)``.

    ``digests`` are the SHA-256 of each photo file, ``names`` its image name,
    ``parts`` ``"trainval"`` or ``"test"``. Files that are not JPEG or cannot
    be decoded are skipped and counted. Decoded arrays are cached in
    ``data/oxford-cache/``. Used by ``folder``, ``sources``.
    """
    image_size = imgs.check_image_size(image_size)
    listing = [(n, (tree.root / "images" / f"{n}.jpg").stat().st_size, (tree.root / "images" / f"{n}.jpg").stat().st_mtime_ns)
               for n, _, _, _ in tree.rows]
    key = json.dumps([CACHE_VERSION, imgs.READER_VERSION, str(tree.root.resolve()), image_size, tree.rows, listing])
    path = CACHE_DIR / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.npz"
    cached = read_cache(path, "oxford") if cache else None
    if cached is not None and {"digests", "names", "parts"} <= set(cached[2]):
        pets, skipped, extra = cached
        report = imgs.SkipReport(str(tree.root / "images"), len(pets), skipped)
        return pets, [str(d) for d in extra["digests"]], [str(n) for n in extra["names"]], [str(p) for p in extra["parts"]], report
    report = imgs.SkipReport(str(tree.root / "images"))
    pixels, classes, breeds_, digests, names, parts = [], [], [], [], [], []
    for name, animal, breed, part in tree.rows:
        file = tree.root / "images" / f"{name}.jpg"
        kind = imgs.image_format(file)
        if kind is None:
            report.skip(imgs.NOT_A_PICTURE, file.name)
            continue
        if kind != "JPEG":
            report.skip(NOT_JPEG, f"{file.name} ({kind})")
            continue
        try:
            pixels.append(imgs.read_image(file, image_size))
        except imgs.UnreadableImage as e:
            report.skip(e.reason, file.name)
            continue
        classes.append(animal)
        breeds_.append(breed)
        digests.append(sha256_of(file))
        names.append(name)
        parts.append(part)
    report.read = len(pixels)
    images = np.stack(pixels) if pixels else np.zeros((0, image_size, image_size, 3), np.uint8)
    pets = PetImages(images, classes, breeds_, "oxford")
    if cache:
        write_cache(path, pets, skipped=report.reasons, extra={
            "digests": np.array(digests, dtype=str), "names": np.array(names, dtype=str), "parts": np.array(parts, dtype=str)})
    return pets, digests, names, parts, report


# -- command line -------------------------------------------------------------------


def main(argv=None) -> int:
    """``python -m helpers.oxford download|check``: fetch and verify the photos, or say whether they are here.

    Introduced in notebook 07 (and ``data/README.md``).
    """
    parser = argparse.ArgumentParser(prog="python -m helpers.oxford", description=tr("Get the Oxford-IIIT Pet photos."))
    parser.add_argument("command", choices=["download", "check"], help=tr("download: fetch, verify, unpack; check: are they here?"))
    parser.add_argument("--root", default=str(ROOT), help=tr("folder for the data (default: {folder})").format(folder=ROOT))
    parser.add_argument("--remove-archives", action="store_true", help=tr("delete the .tar.gz files after unpacking"))
    args = parser.parse_args(argv)
    if args.command == "check":
        ok = has_tree(args.root)
        problems = (check_archives(args.root) + read_tree(args.root).problems) if ok else []
        print((tr("Oxford-IIIT Pet photos in {folder}: unpacked") if ok else
               tr("Oxford-IIIT Pet photos in {folder}: not there yet")).format(folder=args.root))
        for problem in problems:
            print(f"  - {problem}")
        if not ok:
            print(how_to_get(args.root))
        return 0 if ok and not problems else 1
    try:
        download(args.root, keep_archives=not args.remove_archives)
    except DataNotAvailable as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
