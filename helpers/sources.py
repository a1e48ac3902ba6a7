"""Where the pictures come from: one small object per kind of source, all with the same interface.

``DATA_SOURCE`` picks one, once (:func:`choose`):

- :class:`ToySource` (``"toy"``): the built-in drawings, made by a program;
- :class:`PhotoSource` (``"folder"`` or ``"oxford"``): real photos, from a folder
  with one sub-folder per class (:mod:`helpers.folder`) or from an unpacked
  Oxford-IIIT Pet tree (:mod:`helpers.oxford`), plus rabbits from ``RABBIT_DIR``.

Every source has ``kind``, ``image_size``, ``breeds`` (breed -> class), the
breeds the lesson uses (``trained_breeds``: what the first model learns from;
``seen_breeds``: those of them with test photos; ``new_breed``,
``rabbit_breeds``, ``fluffy_dog_breeds``), ``load(split, breeds)``, ``describe()`` (one line),
``record()`` (what a saved model's record needs to know about the data),
``problems`` and ``report()`` (what was found, and what to do about it).

How real photos are split: every photo gets a number from a stable hash of
its file's *content* and ``SEED`` (:func:`helpers.data.split_of`). Content,
not the file's name, so that a photo keeps its split when it is renamed or
moved into a breed folder, and two copies of one photo can never end up one
in training and one in the test. Adding photos never moves another photo.
Introduced in notebook 02.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import data, folder, oxford, toypets
from .i18n import tr, trn

# train / val / test shares of the photos of the breeds the first model learns from
FOLDER_FRACTIONS = (0.7, 0.1, 0.2)
OXFORD_VAL_FRACTION = 0.2  # Oxford's own test.txt is the test split; this share of trainval.txt is val
# the held-out breed and the rabbits are never in the first training: half to learn from later, half for the exam
NEVER_SEEN_FRACTIONS = (0.5, 0.0, 0.5)
MIN_TEST_PHOTOS = 3
# dog breeds with long, fluffy coats (the real-photo counterpart of the fluffy toy dogs in notebook 04)
FLUFFY_DOGS = ["great_pyrenees", "keeshond", "newfoundland", "pomeranian", "samoyed", "golden_retriever",
               "chow_chow", "collie", "shetland_sheepdog", "bernese_mountain_dog", "old_english_sheepdog", "shih_tzu",
               "maltese", "afghan_hound", "siberian_husky", "alaskan_malamute", "havanese", "leonberger"]


def _and(items) -> str:
    """``"a"``, ``"a and b"``, ``"a and b and c"``, in the notebook's language."""
    items = [str(i) for i in items]
    shown = items[0] if items else ""
    for item in items[1:]:
        shown = tr("{first} and {second}").format(first=shown, second=item)
    return shown


def _width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (on the left when ``right``), like ``f"{text:<{width}}"``."""
    space = " " * max(width - _width(text), 0)
    return space + text if right else text + space


def photo_image_size() -> int:
    """Pixels per side for real photos: 96 when MobileNetV2's ImageNet weights are in the Keras cache, else 64.

    MobileNetV2 has ImageNet weights for 96 pixels and more (notebooks 04-07
    build on it when it is there); our own small network learns as well from
    64 pixels and trains twice as fast. ``PETS_PHOTO_SIZE`` overrides both
    (the tests use small pictures to run in seconds).

    Used by ``sources``.

    Used by ``sources``.
    """
    from . import backbone

    if os.environ.get("PETS_PHOTO_SIZE"):
        return int(os.environ["PETS_PHOTO_SIZE"])
    return backbone.DEFAULT_SIZE if backbone.weights_path().is_file() else 64


@dataclass
class Problem:
    """One thing wrong with the data, in words that say what to do.

    ``stops`` names what it makes impossible: ``"everything"``, ``"new_breed"``
    (the notebooks about a breed the first model never saw) or ``"rabbits"``;
    empty when the notebooks can still run. Used by ``sources`` (the layout report).
    """

    text: str
    stops: str = ""


class ToySource:
    """The built-in toy pets: drawn by a program, the same on every computer. Used by ``sources.choose``."""

    kind = "toy"

    def __init__(self, seed: int = 0, quick: bool = False, new_breed="persian"):
        from . import recipes

        if folder.breed_name(str(new_breed)) != toypets.PERSIAN:
            raise ValueError(tr("on the toy pets the breed the first model never sees is the Persian: set NEW_BREED = "
                                "'persian' (got {value!r}), or use your own photos (DATA_SOURCE = 'folder').").format(
                value=str(new_breed)))
        self.seed, self.image_size = seed, toypets.DEFAULT_SIZE
        self.per_breed = recipes.QUICK_PER_BREED if quick else recipes.PER_BREED
        self.breeds = {b: info.animal for b, info in toypets.BREEDS.items()}
        self.new_breed = toypets.PERSIAN
        self.seen_breeds = list(toypets.TRAIN_BREEDS)
        self.trained_breeds = self.seen_breeds
        self.rabbit_breeds = list(toypets.RABBIT_BREEDS)
        self.fluffy_dog_breeds = [b for b in self.seen_breeds if toypets.BREEDS[b].animal == "dog" and toypets.BREEDS[b].fluffy]
        self.problems: list[Problem] = []

    def load(self, split: str, breeds) -> data.PetImages:
        return data.toy_pets(breeds, n_per_breed=self.per_breed[split], split=split, seed=self.seed,
                             image_size=self.image_size)

    def describe(self) -> str:
        return tr("the built-in toy pets: drawings made by a program, the same on every computer")

    def record(self) -> dict:
        return {"data_dir": None, "data_files": None}

    def report(self) -> str:
        return self.describe()


@dataclass
class _Part:
    """The photos of one place (DATA_DIR or RABBIT_DIR) before they are put together."""

    label: str  # the parameter that names the place
    root: Path
    pets: data.PetImages
    digests: list
    names: list
    official: list  # Oxford's own division per photo ("trainval" / "test"), or None per photo
    skipped: object  # images.SkipReport
    problems: list = field(default_factory=list)


class PhotoSource:
    """Real photos from a folder or an Oxford tree (and rabbits from RABBIT_DIR), split and checked.

    Build it with :func:`choose`. Used by ``sources.choose``.
    """

    def __init__(self, kind: str, parts: list, seed: int, new_breed, image_size: int):
        self.kind, self.seed, self.image_size = kind, seed, image_size
        self.places = [(p.label, p.root) for p in parts]
        self.skipped = [(p.label, p.skipped) for p in parts]
        self.problems: list[Problem] = [q for p in parts for q in p.problems]
        pets, digests, names, official = self._without_duplicates(parts)
        pets = self._one_class_per_breed(pets)
        self.breeds = pets.class_of_breed()
        self.new_breed = self._find(new_breed, pets)
        self.rabbit_breeds = [b for b, c in self.breeds.items() if c == "rabbit"]
        never_seen = set(self.rabbit_breeds) | {self.new_breed}
        self.splits = np.array([self._split(d, o, b in never_seen) for d, o, b in zip(digests, official, pets.breeds)], dtype=str)
        self.pets, self.names, self.digests = pets, names, digests
        old = [b for b, c in self.breeds.items() if c in ("cat", "dog") and b != self.new_breed]
        self.trained_breeds = [b for b in old if self.count("train", b)]
        self.seen_breeds = [b for b in self.trained_breeds if self.count("test", b)]
        self._left_out(old)
        self.fluffy_dog_breeds = [b for b in FLUFFY_DOGS if b in self.seen_breeds]
        dogs = [b for b in self.seen_breeds if self.breeds[b] == "dog"]
        if not self.fluffy_dog_breeds and dogs:
            self.fluffy_dog_breeds = dogs
            self.problems.append(Problem(
                tr("No breed folder is a known long-haired dog breed (such as {breeds}), so notebooks "
                   "04 and 05 count every dog breed among 'the fluffy dogs'.").format(breeds=", ".join(FLUFFY_DOGS[:5]))))
        self._check(new_breed)

    # -- putting the places together -------------------------------------------------
    def _without_duplicates(self, parts):
        first_of = {}
        images, classes, breeds, digests, names, official = [], [], [], [], [], []
        between, within, clashes = [], [], []
        for part in parts:
            for i, digest in enumerate(part.digests):
                name = f"{part.label}/{part.names[i]}"
                if digest in first_of:
                    other, other_class = first_of[digest]
                    (within if other.split("/")[0] == part.label else between).append((other, name))
                    if other_class != part.pets.classes[i]:
                        clashes.append((other, name))
                    continue
                first_of[digest] = (name, str(part.pets.classes[i]))
                images.append(part.pets.images[i])
                classes.append(part.pets.classes[i])
                breeds.append(part.pets.breeds[i])
                digests.append(digest)
                names.append(name)
                official.append(part.official[i])
        size = self.image_size
        pets = data.PetImages(np.stack(images) if images else np.zeros((0, size, size, 3), np.uint8), classes, breeds, self.kind)
        if between:
            labels = _and(dict.fromkeys(label for label, _ in self.places))
            self.problems.append(Problem(trn(
                "{n} photo is in both {places} (the same file content, e.g. {copy} = {first}): each is used once.",
                "{n} photos are in both {places} (the same file content, e.g. {copy} = {first}): each is used once.",
                len(between)).format(n=len(between), places=labels, copy=between[0][1], first=between[0][0])))
        if within:
            self.problems.append(Problem(trn(
                "{n} photo is there twice (the same file content, e.g. {copy} = {first}): each is used once.",
                "{n} photos are there twice (the same file content, e.g. {copy} = {first}): each is used once.",
                len(within)).format(n=len(within), copy=within[0][1], first=within[0][0])))
        if clashes:
            self.problems.append(Problem(trn(
                "{n} copy lies in folders of different classes (e.g. {first} and {copy}); each is used with the class "
                "of its first folder. Check them and delete the wrong copy.",
                "{n} copies lie in folders of different classes (e.g. {first} and {copy}); each is used with the class "
                "of its first folder. Check them and delete the wrong copy.",
                len(clashes)).format(n=len(clashes), first=clashes[0][0], copy=clashes[0][1])))
        return pets, digests, names, official

    def _one_class_per_breed(self, pets):
        """A breed name used in two classes (e.g. cat/mixed and dog/mixed) becomes two breeds: cat_mixed, dog_mixed."""
        shared = sorted({str(b) for b in pets.breeds if len(set(pets.classes[pets.breeds == b])) > 1})
        if not shared:
            return pets
        renamed = np.array([f"{c}_{b}" if b in shared else b for c, b in zip(pets.classes, pets.breeds)])
        self.problems.append(Problem(tr("the breed folders {shared} are in more than one class folder; they are kept apart "
                                        "as {renamed}.").format(
            shared=shared, renamed=sorted({str(r) for r in renamed if r not in pets.breeds}))))
        return data.PetImages(pets.images, pets.classes, renamed, pets.source)

    @staticmethod
    def _find(new_breed, pets):
        """The breed (cat or dog) whose folder matches NEW_BREED, ignoring case, spaces and a plural; or None."""
        if new_breed is None:
            return None
        wanted = folder.breed_name(str(new_breed))
        for breed, animal in pets.class_of_breed().items():
            if animal in ("cat", "dog") and folder.breed_name(breed) == wanted and breed != animal:
                return breed
        return None

    def _split(self, digest, official, never_seen):
        if official == "test":
            return "test"
        if official == "trainval":
            return "train" if never_seen else data.split_of(digest, self.seed, (1 - OXFORD_VAL_FRACTION, OXFORD_VAL_FRACTION, 0))
        return data.split_of(digest, self.seed, NEVER_SEEN_FRACTIONS if never_seen else FOLDER_FRACTIONS)

    def count(self, split: str, breed: str) -> int:
        """How many photos of ``breed`` are in ``split``."""
        return int(np.sum((self.splits == split) & (self.pets.breeds == breed)))

    def _left_out(self, old):
        """Say which breeds cannot be measured (no test photo) or not learned from (no training photo)."""
        untested = [b for b in self.trained_breeds if b not in self.seen_breeds]
        unused = [b for b in old if b not in self.trained_breeds]
        why = tr("(A photo's split comes from its content and SEED.) Add photos (10 or more per breed), or try another SEED.")
        if untested and self.seen_breeds:
            self.problems.append(Problem(trn(
                "with SEED = {seed}, {n} breed has no test photo ({breeds}): the first "
                "model still learns from their photos, but the per-breed results leave them out. {why}",
                "with SEED = {seed}, {n} breeds have no test photo ({breeds}): the first "
                "model still learns from their photos, but the per-breed results leave them out. {why}",
                len(untested)).format(seed=self.seed, n=len(untested), breeds=", ".join(untested), why=why)))
        if unused:
            self.problems.append(Problem(trn(
                "with SEED = {seed}, {n} breed has no training photo ({breeds}), so their "
                "photos are left out: a breed the first model never learned from would pass for a seen one. {why}",
                "with SEED = {seed}, {n} breeds have no training photo ({breeds}), so their "
                "photos are left out: a breed the first model never learned from would pass for a seen one. {why}",
                len(unused)).format(seed=self.seed, n=len(unused), breeds=", ".join(unused), why=why)))

    # -- checks ----------------------------------------------------------------------------
    def _check(self, asked_breed):
        label, root = self.places[0]
        for animal in ("cat", "dog"):
            if not any(self.breeds[b] == animal for b in self.seen_breeds):
                have = [b for b, c in self.breeds.items() if c == animal]
                if have:
                    text = trn("The first model needs cats and dogs: its {animal} photos ({n} breed) have no test photo "
                               "with SEED = {seed}; add photos (about 30 is a good start), or change {place}.",
                               "The first model needs cats and dogs: its {animal} photos ({n} breeds) have no test photo "
                               "with SEED = {seed}; add photos (about 30 is a good start), or change {place}.",
                               len(have)).format(animal=tr(animal), n=len(have), seed=self.seed, place=label)
                else:
                    text = tr("The first model needs cats and dogs: there are no {animal} photos in {root}; put them in "
                              "{folder} (about 30 is a good start), or change {place}.").format(
                        animal=tr(animal), root=root, folder=f"{root}/{animal}/", place=label)
                self.problems.append(Problem(text, "everything"))
        breed_folders = [b for b, c in self.breeds.items() if c in ("cat", "dog") and b != c]
        if self.new_breed is None:
            if not breed_folders:
                where = tr("Your cat and dog photos have no breed folders, which is fine for notebooks 01, 02 and 07.")
            else:
                where = tr("No breed folder matches NEW_BREED = {value!r} (compared ignoring case, spaces and a plural).").format(
                    value=str(asked_breed))
            example = f"{root}/cat/persian/" if self.kind == "folder" else tr("the tree")
            if breed_folders:
                what = tr("Notebooks 03 to 05 need a breed the first model never sees: put about 10 photos of one "
                          "breed in {example} (its own folder), or set NEW_BREED to one of your breed folders: {folders}.").format(
                    example=example, folders=", ".join(breed_folders[:8]) + (" ..." if len(breed_folders) > 8 else ""))
            else:
                what = tr("Notebooks 03 to 05 need a breed the first model never sees: put about 10 photos of one "
                          "breed in {example} (its own folder), or set NEW_BREED to one of your breed folders.").format(
                    example=example)
            self.problems.append(Problem(f"{where} {what}", "new_breed"))
        else:
            train, test = self.count("train", self.new_breed), self.count("test", self.new_breed)
            if not train or not test:
                self.problems.append(Problem(
                    tr("NEW_BREED {breed!r} has {train} photos to learn from and {test} test photos with SEED = "
                       "{seed}; notebooks 03 to 05 need at least one of each. Add photos of it (10 or more), "
                       "or try another SEED.").format(breed=self.new_breed, train=train, test=test, seed=self.seed),
                    "new_breed"))
        rabbits_train = int(np.sum((self.splits == "train") & (self.pets.classes == "rabbit")))
        rabbits_test = int(np.sum((self.splits == "test") & (self.pets.classes == "rabbit")))
        if not self.rabbit_breeds:
            self.problems.append(Problem(
                tr("No rabbit photos: notebook 06 needs some. Set RABBIT_DIR to a folder of rabbit photos (or put them in "
                   "{folder}); about 30 is a good start.").format(folder=f"{label}/rabbit/"), "rabbits"))
        elif not rabbits_train or not rabbits_test:
            self.problems.append(Problem(
                tr("The rabbits have {train} photos to learn from and {test} test photos with SEED = "
                   "{seed}; notebook 06 needs at least one of each. Add rabbit photos, or try another SEED.").format(
                    train=rabbits_train, test=rabbits_test, seed=self.seed), "rabbits"))
        few = [(b, self.count("test", b)) for b in self.seen_breeds + [self.new_breed] if b and self.count("test", b) < MIN_TEST_PHOTOS]
        if few:
            shown = ", ".join(f"{b} {n}" for b, n in few[:12]) + (" ..." if len(few) > 12 else "")
            self.problems.append(Problem(trn(
                "{n} breed has fewer than {least} test photos ({shown}): a per-breed accuracy on 1 "
                "or 2 photos can only be 0, 0.5 or 1, so read those as anecdotes. About 15 photos per breed give 3 or more.",
                "{n} breeds have fewer than {least} test photos ({shown}): a per-breed accuracy on 1 "
                "or 2 photos can only be 0, 0.5 or 1, so read those as anecdotes. About 15 photos per breed give 3 or more.",
                len(few)).format(n=len(few), least=MIN_TEST_PHOTOS, shown=shown)))

    # -- the interface ------------------------------------------------------------------
    def load(self, split: str, breeds) -> data.PetImages:
        data._check_known("breed", breeds, self.breeds)
        return self.pets.subset((self.splits == split) & np.isin(self.pets.breeds, list(breeds)))

    def describe(self) -> str:
        places = _and(f"{p} ({label})" for label, p in self.places)
        if self.kind == "oxford":
            return tr("{n} Oxford-IIIT Pet photos from {places}").format(n=len(self.pets), places=places)
        return tr("{n} photos from {places}").format(n=len(self.pets), places=places)

    def record(self) -> dict:
        """The data folder and a fingerprint of the photos the first model learns from (names, contents, labels).

        Only those photos count: adding rabbits, test photos or photos of the
        held-out breed leaves a saved cat/dog model valid; any change to its
        training photos does not.
        """
        used = (self.splits == "train") & np.isin(self.pets.breeds, self.trained_breeds)
        listing = sorted((self.names[i], self.digests[i], str(self.pets.classes[i]), str(self.pets.breeds[i]))
                         for i in np.flatnonzero(used))
        return {"data_dir": str(self.places[0][1]),
                "data_files": hashlib.sha256(json.dumps(listing).encode()).hexdigest()[:16]}

    def report(self) -> str:
        """Classes and breeds with their photos per split, skipped files, and every problem with what to do."""
        lines = [tr("Photos: {photos}; each photo's split comes from its content and SEED = {seed}.").format(
            photos=self.describe(), seed=self.seed)]
        not_tested, left_out = " " + tr("(not tested)"), " " + tr("(left out)")
        width = max([_width(tr(b)) for b in self.breeds] + [5]) + max(13, _width(not_tested), _width(left_out))
        animals = ("cat", "dog", "rabbit")
        header = [tr("class"), tr("breed"), tr("train"), tr("val"), tr("test"), tr("all")]
        first = max([7, _width(header[0]), _width(header[5])] + [_width(tr(a)) for a in animals])
        cols = [max(5, _width(header[2])), max(4, _width(header[3])), max(5, _width(header[4]))]

        def row(kind, breed, counts):
            return "  " + " ".join([_pad(kind, first), _pad(breed, width)]
                                   + [_pad(str(c), w, right=True) for c, w in zip(counts, cols)])

        lines.append(row(header[0], header[1], header[2:5]))
        for animal in animals:
            for breed in [b for b, c in self.breeds.items() if c == animal]:
                role = (" (NEW_BREED)" if breed == self.new_breed else "" if breed in self.seen_breeds or animal == "rabbit"
                        else not_tested if breed in self.trained_breeds else left_out)
                lines.append(row(tr(animal), tr(breed) + role, [self.count(s, breed) for s in data.SPLITS]))
        lines.append(row(header[5], "", [int(np.sum(self.splits == s)) for s in data.SPLITS]))
        test = self.load("test", self.seen_breeds) if self.seen_breeds else None
        if test is not None and len(test):
            animal, share = majority(test)
            lines.append(tr("Test photos of the first model's breeds: {n}; answering '{animal}' every time would "
                            "score {share:.2f} (the majority floor).").format(n=len(test), animal=tr(animal), share=share))
        for label, report in self.skipped:
            if report.skipped:
                lines.append(tr("{place}: {report} (list: {code})").format(
                    place=label, report=report, code="course.data_source.skipped_listing()"))
            else:
                lines.append(f"{label}: {report}")
        if self.problems:
            lines.append(tr("To check ({n}):").format(n=len(self.problems)))
            lines += [f"  {i}. {p.text}" for i, p in enumerate(self.problems, start=1)]
        return "\n".join(lines)

    def skipped_listing(self) -> str:
        """Every skipped file, by place and reason."""
        return "\n".join(f"{label}:\n{report.listing()}" for label, report in self.skipped if report.skipped)


def majority(pets: data.PetImages) -> tuple[str, float]:
    """The most common class in ``pets`` and its share: what "always answer that" would score.

    Introduced in notebook 01.
    """
    names, counts = np.unique(pets.classes, return_counts=True)
    best = int(np.argmax(counts))
    return str(names[best]), float(counts[best] / counts.sum())


# -- reading the places ----------------------------------------------------------------


def _folder_part(label: str, where, image_size: int, loose_class=None) -> _Part:
    found = folder.scan(where, loose_class=loose_class)
    pets, digests, names, report = folder.read_photos(found, image_size)
    problems = []
    if found.unknown:
        shown = ", ".join(p.name for p in found.unknown)
        problems.append(Problem(trn(
            "{place}: the folder {folders} in {root} is not a class the notebooks know (cat, dog, rabbit), so "
            "they are not used. Rename them (e.g. cat/, dog/), or, if they hold class folders, set {place} to that folder.",
            "{place}: the folders {folders} in {root} are not a class the notebooks know (cat, dog, rabbit), so "
            "they are not used. Rename them (e.g. cat/, dog/), or, if they hold class folders, set {place} to that folder.",
            len(found.unknown)).format(place=label, folders=shown, root=found.root)))
    if found.outside:
        problems.append(Problem(trn(
            "{place}: {n} file lies directly in {root}, outside any class folder (e.g. "
            "{example}), so they are not used. Move them into cat/, dog/ or rabbit/.",
            "{place}: {n} files lie directly in {root}, outside any class folder (e.g. "
            "{example}), so they are not used. Move them into cat/, dog/ or rabbit/.",
            len(found.outside)).format(place=label, n=len(found.outside), root=found.root, example=found.outside[0].name)))
    if found.empty:
        shown = ", ".join(p.relative_to(found.root).as_posix() for p in found.empty)
        problems.append(Problem(trn("{place}: the folder {folders} is empty, so not used.",
                                    "{place}: the folders {folders} are empty, so not used.",
                                    len(found.empty)).format(place=label, folders=shown)))
    return _Part(label, found.root, pets, digests, names, [None] * len(pets), report, problems)


def _oxford_part(where, image_size: int) -> _Part:
    candidates = [Path(where)] if where else []
    candidates += [c / "oxford-iiit-pet" for c in candidates] + ([] if where else [oxford.ROOT])
    root = next((c for c in candidates if oxford.has_tree(c)), None)
    if root is None:
        place = candidates[0]
        archives = [n for n in oxford.ARCHIVES if (place / n).is_file()]
        if archives:
            raise ValueError(tr("{folder} holds {archives} but not the unpacked photos. Unpack them with "
                                "`{command}` (it checks them first; no download needed).").format(
                folder=place, archives=", ".join(archives), command=oxford.COMMAND + (f" --root {place}" if where else "")))
        raise ValueError(tr("There is no unpacked Oxford-IIIT Pet tree (images/ and annotations/) in {folder}. "
                            "Set DATA_DIR to the folder that holds them, or get them once (about 800 MB):").format(folder=place)
                         + "\n" + oxford.how_to_get(place))
    tree = oxford.read_tree(root)
    pets, digests, names, parts, report = oxford.read_photos(tree, image_size)
    problems = [Problem(f"DATA_DIR: {p}") for p in oxford.check_archives(root) + tree.problems]
    return _Part("DATA_DIR", root, pets, digests, names, parts, report, problems)


def choose(kind: str, data_dir=None, rabbit_dir=None, seed: int = 0, quick: bool = False, new_breed="persian"):
    """The source ``DATA_SOURCE`` names, made once: ``"toy"``, ``"folder"`` or ``"oxford"``.

    Reading real photos takes a few seconds the first time (then they come
    from a cache). Nothing is ever downloaded here. Used by ``lesson.Lesson``.
    """
    if kind == "toy":
        return ToySource(seed, quick, new_breed)
    if kind not in ("folder", "oxford"):
        raise ValueError(tr("DATA_SOURCE must be 'toy' (built in), 'oxford' (real photos) or 'folder' (your own photos); "
                            "got {value!r}.").format(value=kind))
    if kind == "folder" and not data_dir:
        raise ValueError(tr("DATA_SOURCE = 'folder' needs DATA_DIR: a folder with one sub-folder per class, "
                            "e.g. DATA_DIR = 'data/my-pets' (see data/README.md)."))
    size = photo_image_size() if not quick else min(photo_image_size(), 64)
    parts = [_folder_part("DATA_DIR", data_dir, size) if kind == "folder" else _oxford_part(data_dir, size)]
    if rabbit_dir:
        parts.append(_folder_part("RABBIT_DIR", rabbit_dir, size, loose_class="rabbit"))
    return PhotoSource(kind, parts, seed, new_breed, size)
