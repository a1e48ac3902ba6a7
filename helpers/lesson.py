"""The lesson's settings for the chosen data source, in one object.

Each notebook makes ``course = Lesson(DATA_SOURCE, ...)`` right after its
setup. ``course`` knows which breeds the first model trains on, which breed it
never sees (the Persian), where the rabbits come from, how big the images are,
where models are saved, and whether the lesson's claims (made for the toy
pets) should be asserted. Introduced in notebook 01.
"""

from __future__ import annotations

from pathlib import Path

from . import data, setup, toypets

# Oxford-IIIT Pet dog breeds with long, fluffy coats (the real-photo counterpart of the fluffy toy dogs in notebook 04).
OXFORD_FLUFFY_DOGS = ["great_pyrenees", "keeshond", "newfoundland", "pomeranian", "samoyed"]


class Lesson:
    """Settings of the lesson for one data source. Introduced in notebook 01.

    ``source`` is ``"toy"`` (built in), ``"oxford"`` (Oxford-IIIT Pet photos,
    downloaded once) or ``"folder"`` (your own photos in ``data_dir``).
    ``quick=True`` shrinks data and training so a notebook runs in seconds
    (for checking that it runs, not for learning).
    """

    class_names = ("cat", "dog")

    def __init__(self, source: str = "toy", data_dir=None, quick: bool = False, seed: int = 0, rabbit_dir=None, new_breed="persian"):
        if source not in ("toy", "oxford", "folder"):
            raise ValueError(
                f"DATA_SOURCE must be 'toy' (built in), 'oxford' (real photos) or 'folder' (your own photos); got {source!r}."
            )
        if source == "folder" and not data_dir:
            raise ValueError("DATA_SOURCE = 'folder' needs DATA_DIR: a folder with one sub-folder per class (see data/README.md).")
        self.source, self.quick, self.seed = source, setup.check_quick(quick), setup.check_seed(seed)
        self.data_dir = Path(data_dir) if data_dir else None
        self.rabbit_dir = Path(rabbit_dir) if rabbit_dir else None
        self.new_breed = new_breed
        if source == "toy":
            from . import recipes

            self.image_size = toypets.DEFAULT_SIZE
            self.seen_breeds = list(toypets.TRAIN_BREEDS)
            self.rabbit_breeds = list(toypets.RABBIT_BREEDS)
            self.fluffy_dog_breeds = [b for b in self.seen_breeds if toypets.BREEDS[b].animal == "dog" and toypets.BREEDS[b].fluffy]
            self.cat_breeds = [b for b in self.seen_breeds if toypets.BREEDS[b].animal == "cat"]
            self.dog_breeds = [b for b in self.seen_breeds if toypets.BREEDS[b].animal == "dog"]
            self.per_breed = recipes.QUICK_PER_BREED if self.quick else recipes.PER_BREED
        else:
            self.image_size = 96 if not self.quick else 64
            everything = self._load_photos("train")
            cats_and_dogs = everything.where(classes=["cat", "dog"])
            self.seen_breeds = [b for b in cats_and_dogs.breed_counts() if b != new_breed]
            self.rabbit_breeds = [b for b, c in everything.class_of_breed().items() if c == "rabbit"]
            self.fluffy_dog_breeds = [b for b in OXFORD_FLUFFY_DOGS if b in self.seen_breeds]
            self.cat_breeds = [b for b, c in cats_and_dogs.class_of_breed().items() if c == "cat" and b != new_breed]
            self.dog_breeds = [b for b, c in cats_and_dogs.class_of_breed().items() if c == "dog" and b != new_breed]
            self.per_breed = {"train": 10 ** 6, "val": 10 ** 6, "test": 10 ** 6}

    # -- what the notebooks ask for ------------------------------------------------
    @property
    def checks_claims(self) -> bool:
        """True when the lesson's numeric claims apply: the toy pets at full size."""
        return self.source == "toy" and not self.quick

    @property
    def why_no_claims(self) -> str:
        if self.quick:
            return "QUICK mode: the data are too small for the lesson's claims, so they are not checked."
        return (
            f"On {self.source!r} photos the claims made for the toy pets need not hold (e.g. a model that saw fluffy cats "
            "has no Persian problem). The numbers above are what this run measured; compare them with the toy-pet story."
        )

    @property
    def experience_sizes(self) -> list[int]:
        """The amounts of experience E for notebook 01's learning curve."""
        if self.quick:
            return [10, 40]
        return [20, 50, 100, 300, 1000, 2000]

    @property
    def persian_counts(self) -> list[int]:
        """The numbers N of new examples compared in notebook 04."""
        return [2, 5] if self.quick else [5, 20, 50]

    @property
    def variant_count(self) -> int:
        """Persians per variant in notebook 03's experiment (fur and ears changed one at a time)."""
        return 20 if self.quick else 150

    def load(self, split: str = "train", breeds=None) -> data.PetImages:
        """Images of one split; ``breeds=None`` means the breeds the first model trains on."""
        breeds = self.seen_breeds if breeds is None else breeds
        if self.source == "toy":
            n = self.per_breed[split]
            return data.toy_pets(breeds, n_per_breed=n, split=split, seed=self.seed, image_size=self.image_size)
        pets = self._load_photos(split)
        return pets.where(breeds=breeds)

    def model_path(self, name: str) -> Path:
        """Where a model (or an export folder) called ``name`` is kept: ``models/`` (gitignored).

        Quick runs and real-photo runs keep theirs in sub-folders, so they never
        replace the model of a full toy-pet run.
        """
        folder = data.MODELS_DIR
        if self.source != "toy":
            folder = folder / self.source
        if self.quick:
            folder = folder / "quick"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def model_record(self) -> dict:
        """How a model of this lesson is made, for the record saved beside it (``helpers.models.save``).

        Data source, data folder and a fingerprint of its files (photos),
        picture size, classes, the breeds trained on, seed, QUICK and the
        toy-pet generator's version. A saved model whose record differs in
        any of them is made again (``models.load_if_matching``). Introduced in notebook 02.
        """
        from . import recipes

        data_dir = data_files = None
        if self.source == "folder":
            from . import folder

            data_dir = folder.resolve_dir(self.data_dir)
            data_files = folder.files_fingerprint(data_dir)
        elif self.source == "oxford":
            from . import oxford

            data_dir = oxford.ROOT
            data_files = oxford._read_marker(oxford.ROOT).get("sha256")
        return {
            "source": self.source,
            "data_dir": None if data_dir is None else str(data_dir),
            "data_files": data_files,
            "image_size": int(self.image_size),
            "classes": list(self.class_names),
            "breeds": list(self.seen_breeds),
            "seed": self.seed,
            "quick": self.quick,
            "generator_version": toypets.GENERATOR_VERSION,
            "base_training": recipes.base_training_record(self.quick),
        }

    def __repr__(self) -> str:
        mode = " (QUICK)" if self.quick else ""
        return (
            f"Lesson on {self.source!r} data{mode}: images {self.image_size}x{self.image_size} px, "
            f"classes {self.class_names}, first training on {len(self.seen_breeds)} breeds, "
            f"never-seen breed {self.new_breed!r}, new class from {self.rabbit_breeds}"
        )

    # -- real photos -----------------------------------------------------------------
    def _load_photos(self, split):
        if self.source == "oxford":
            pets = data.load_pets("oxford", split=split, image_size=self.image_size, seed=self.seed)
        else:
            pets = data.load_pets("folder", split=split, data_dir=self.data_dir, image_size=self.image_size, seed=self.seed)
        if self.rabbit_dir is not None:
            pets = pets + data.load_pets("folder", split=split, data_dir=self.rabbit_dir, image_size=self.image_size, seed=self.seed)
        return pets


def real_photos_status() -> str:
    """A few lines on whether the real-photo sources are ready on this machine. Introduced in notebook 07."""
    from . import folder, oxford

    def shown(path):  # relative to the project, so the message is the same on every computer
        try:
            return Path(path).relative_to(data.ROOT).as_posix()
        except ValueError:
            return str(path)

    lines = []
    if oxford.is_downloaded():
        lines.append(f"Oxford-IIIT Pet: ready in {shown(oxford.ROOT)} -> set DATA_SOURCE = 'oxford'.")
    else:
        lines.append("Oxford-IIIT Pet: not downloaded -> run `python -m helpers.data download oxford-pets` (about 800 MB, once).")
    own = folder.DEFAULT_DIR
    classes = sorted(p.name for p in own.iterdir() if p.is_dir() and not p.name.startswith(".")) if own.is_dir() else []
    if classes:
        lines.append(f"Your photos: {shown(own)} has the classes {classes} -> set DATA_SOURCE = 'folder'.")
    else:
        lines.append(f"Your photos: none yet -> put them in {shown(own)}/<class>/ (see data/README.md), then set DATA_SOURCE = 'folder'.")
    return "\n".join(lines)
