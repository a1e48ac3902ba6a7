"""The lesson's settings for the chosen data source, in one object.

Each notebook makes ``course = Lesson(DATA_SOURCE, ...)`` in its setup cell
and shows it: on real photos that is a report of what was found (classes,
breeds, photos per split, skipped files, and every problem with what to do).
``course`` knows which breeds the first model trains on, which breed it never
sees (the Persian), where the rabbits come from, how big the images are, where
models are saved, and whether the lesson's claims (made for the toy pets)
should be asserted. Introduced in notebook 01.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import data, setup, sources, toypets
from .i18n import tr

NEEDS = ("new_breed", "rabbits")  # what a notebook may need beyond cats and dogs


def _name(name) -> str:
    """A class or breed name as a message shows it: in the notebook's language (the data stay English)."""
    text = str(name)
    return tr(text) if text else text


class Lesson:
    """Settings of the lesson for one data source. Introduced in notebook 01.

    - ``source``: ``"toy"`` (built in), ``"oxford"`` (an unpacked Oxford-IIIT Pet
      tree, in ``data/oxford-iiit-pet`` or ``data_dir``) or ``"folder"`` (your own
      photos in ``data_dir``); ``rabbit_dir``: a folder of rabbit photos;
    - ``new_breed``: the breed the first model never sees (``NEW_BREED``; matched
      to a breed folder ignoring case, spaces and a plural);
    - ``needs``: what this notebook needs beyond cats and dogs (``"new_breed"``,
      ``"rabbits"``); when the photos lack it, the setup cell stops and says what to add;
    - ``quick=True`` shrinks data and training so a notebook runs in seconds
      (for checking that it runs, not for learning).

    Nothing is downloaded here.
    """

    class_names = ("cat", "dog")

    def __init__(self, source: str = "toy", data_dir=None, quick: bool = False, seed: int = 0, rabbit_dir=None,
                 new_breed="persian", needs=()):
        self.quick, self.seed = setup.check_quick(quick), setup.check_seed(seed)
        needs = [needs] if isinstance(needs, str) else list(needs)
        if set(needs) - set(NEEDS):
            raise ValueError(tr("needs may name {allowed}; got {needs}.").format(allowed=NEEDS, needs=needs))
        self.data_source = sources.choose(source, data_dir, rabbit_dir, self.seed, self.quick, new_breed)
        self.source = self.data_source.kind
        self.data_dir = Path(data_dir) if data_dir else None
        self.rabbit_dir = Path(rabbit_dir) if rabbit_dir else None
        got = self.data_source
        self.image_size, self.new_breed = got.image_size, got.new_breed
        self.seen_breeds, self.rabbit_breeds = got.seen_breeds, got.rabbit_breeds
        self.trained_breeds = got.trained_breeds  # on photos also the breeds without a test photo
        self.fluffy_dog_breeds = got.fluffy_dog_breeds
        self.cat_breeds = [b for b in self.seen_breeds if got.breeds[b] == "cat"]
        self.dog_breeds = [b for b in self.seen_breeds if got.breeds[b] == "dog"]
        stopping = [p for p in got.problems if p.stops == "everything" or p.stops in needs]
        if stopping:
            raise ValueError(tr("These photos cannot run this notebook:\n{problems}\n\nWhat was found:\n{report}").format(
                problems="\n".join(f"  - {p.text}" for p in stopping), report=got.report()))
        self._told: set[str] = set()

    # -- what the notebooks ask for ------------------------------------------------
    @property
    def checks_claims(self) -> bool:
        """True when the lesson's numeric claims apply: the toy pets at full size."""
        return self.source == "toy" and not self.quick

    @property
    def why_no_claims(self) -> str:
        if self.quick:
            return tr("QUICK mode: the data are too small for the lesson's claims, so they are not checked.")
        return tr(
            "On {source!r} photos the claims made for the toy pets need not hold (e.g. a model that saw fluffy cats "
            "has no Persian problem). The numbers above are what this run measured; compare them with the toy-pet story."
        ).format(source=self.source)

    def toy_only(self, text: str, otherwise: str) -> str:
        """``text`` on the toy pets, ``otherwise`` on photos: for titles that state a toy-pet result. Introduced in notebook 03."""
        return text if self.source == "toy" else otherwise

    def _cut(self, name: str, wanted: list, available: int, message: str, **fields) -> list:
        """``wanted`` amounts cut to ``available``, with one printed line (once) when something was cut.

        ``message`` is that line, with the fields ``{wanted}``, ``{kept}``, ``{available}`` and ``fields``.
        """
        if max(wanted) <= available:
            return list(wanted)
        kept = [n for n in wanted if n < available] + [available]
        if name not in self._told:
            self._told.add(name)
            print(message.format(wanted=list(wanted), kept=kept, available=available, **fields))
        return kept

    @property
    def experience_sizes(self) -> list[int]:
        """The amounts of experience E for notebook 01's learning curve (cut to the training photos there are)."""
        if self.quick:
            return [10, 40]
        sizes = [20, 50, 100, 300, 1000, 2000]
        if self.source == "toy":
            return sizes
        return self._cut("experience sizes", sizes, len(self.load("train")),
                         tr("experience sizes: {wanted} cut to {kept}: these photos have {available} training photos."))

    def fit_count(self, name: str, wanted: int, breeds) -> int:
        """``wanted`` (a parameter such as ``N_PERSIANS``), or fewer when the training photos of ``breeds`` are fewer.

        Prints one line when it cuts. Introduced in notebook 04.
        """
        breeds = [breeds] if isinstance(breeds, str) else list(breeds)
        available = len(self.load("train", breeds=breeds))
        if wanted <= available:
            return wanted
        print(tr("{name} = {wanted} cut to {available}: that is all the training photos of {breeds}. "
                 "Add photos to use more.").format(name=name, wanted=wanted, available=available,
                                                   breeds=", ".join(_name(b) for b in breeds)))
        return available

    @property
    def variant_count(self) -> int:
        """Persians per variant in notebook 03's experiment (fur and ears changed one at a time)."""
        return 20 if self.quick else 150

    def load(self, split: str = "train", breeds=None) -> data.PetImages:
        """Images of one split; ``breeds=None`` means the breeds the first model trains on (``trained_breeds``).

        A ``None`` in ``breeds`` stands for the held-out breed of photos that have none, and is left out.
        """
        if split not in data.SPLITS:
            raise ValueError(tr("split must be one of {splits}; got {split!r}.").format(splits=data.SPLITS, split=split))
        breeds = self.trained_breeds if breeds is None else ([breeds] if isinstance(breeds, str) else list(breeds))
        return self.data_source.load(split, [b for b in breeds if b is not None])

    def describe_result(self, model, pets: data.PetImages, class_names=None) -> None:
        """Print what a model scores on ``pets``, next to the majority floor; flag a model that gives one answer.

        The floor is what answering the most common class every time would
        score. A model that gives one answer to 95 % or more of the pictures,
        or scores no more than 0.02 above the floor, has learned which class is
        common, not what tells them apart; a second line then says so, and
        what to do. Introduced in notebook 02.
        """
        from . import evaluation

        class_names = tuple(class_names or self.class_names)
        predicted = evaluation.predict_classes(model, pets, class_names)
        score = float((predicted == pets.classes).mean())
        animal, floor = sources.majority(pets)
        if self.source == "toy":
            said = tr("P = {score:.3f} on {n} test pictures; answering '{animal}' every time would score {floor:.3f}.")
        else:
            said = tr("P = {score:.3f} on {n} test photos; answering '{animal}' every time would score {floor:.3f}.")
        print(said.format(score=score, n=len(pets), animal=_name(animal), floor=floor))
        answers, counts = np.unique(predicted, return_counts=True)
        answer, share = str(answers[np.argmax(counts)]), float(counts.max() / counts.sum())
        if share < 0.95 and score > floor + 0.02:
            return
        pretrained = any(layer.name == "backbone" for layer in getattr(model, "layers", []))
        if self.source == "toy":
            advice = tr("Train it longer, or on more pictures.")
        elif pretrained:
            advice = tr("Even on a pretrained base the new head needs more photos per class: add photos.")
        else:
            advice = tr("A network that starts from random numbers cannot learn to tell {classes} "
                        "from {n} photos: that is why real projects start from a model pretrained "
                        "on millions of photos (notebook 07 shows one). With a few hundred photos per class, or such a "
                        "model, it can.").format(classes=tr(" from ").join(_name(c) for c in class_names),
                                                 n=len(self.load("train")))
        if share >= 0.95:
            print(tr("Careful: the model answered '{answer}' to {share:.0%} of them. It has learned which answer is most "
                     "common, not what tells the classes apart. {advice}").format(answer=_name(answer), share=share, advice=advice))
        else:
            print(tr("Careful: that is no better than always answering '{animal}'. The model has learned little more than "
                     "which answer is most common. {advice}").format(animal=_name(animal), advice=advice))

    def describe_curve(self, curve: dict, test: data.PetImages) -> None:
        """Print in words what notebook 01's learning curve measured, next to the majority floor.

        Says whether P grew with E here: on a few photos it may not. Introduced in notebook 01.
        """
        sizes = list(curve)
        first, last = curve[sizes[0]]["accuracy"], curve[sizes[-1]]["accuracy"]
        animal, floor = sources.majority(test)
        fields = dict(first=first, smallest=sizes[0], last=last, largest=sizes[-1], animal=_name(animal), floor=floor,
                      n=len(test))
        if self.source == "toy":
            print(tr("P went from {first:.3f} with {smallest} pictures to {last:.3f} with {largest}; answering "
                     "'{animal}' every time would score {floor:.3f} on these {n} test pictures.").format(**fields))
        else:
            print(tr("P went from {first:.3f} with {smallest} photos to {last:.3f} with {largest}; answering "
                     "'{animal}' every time would score {floor:.3f} on these {n} test photos.").format(**fields))
        if last - first < 0.05 or last < floor + 0.05:
            if self.source == "toy":
                said = tr("Here P did not grow clearly with E, and it stays near that floor: {largest} pictures are too few for "
                          "a network that starts from random numbers. Real projects start from a model pretrained on millions "
                          "of photos (notebook 07).")
            else:
                said = tr("Here P did not grow clearly with E, and it stays near that floor: {largest} photos are too few for "
                          "a network that starts from random numbers. Real projects start from a model pretrained on millions "
                          "of photos (notebook 07).")
            print(said.format(largest=sizes[-1]))

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

        Data source, data folder(s) and a fingerprint of their photo files
        (names and contents), picture size, classes, the breeds trained on,
        seed, QUICK and the toy-pet generator's version. A saved model whose
        record differs in any of them is made again (``models.load_if_matching``).
        Introduced in notebook 02.
        """
        from . import recipes

        where = self.data_source.record()
        return {  # in this order: a model that does not fit is explained by the first difference
            "source": self.source,
            "seed": self.seed,
            "quick": self.quick,
            "image_size": int(self.image_size),
            "classes": list(self.class_names),
            "generator_version": toypets.GENERATOR_VERSION,
            "base_training": recipes.base_training_record(self.quick),
            "data_dir": where["data_dir"],
            "breeds": list(self.trained_breeds),
            "data_files": where["data_files"],
        }

    def __repr__(self) -> str:
        mode = " (QUICK)" if self.quick else ""
        line = tr(
            "Lesson on {source!r} data{mode}: images {size}x{size} px, "
            "classes {classes}, first training on {n_breeds} breeds, "
            "never-seen breed {new_breed!r}, new class from {rabbit_breeds}"
        ).format(source=self.source, mode=mode, size=self.image_size, classes=self.class_names,
                 n_breeds=len(self.trained_breeds), new_breed=self.new_breed, rabbit_breeds=self.rabbit_breeds)
        return line if self.source == "toy" else line + "\n" + self.data_source.report()


def real_photos_status(course=None) -> str:
    """A few lines on whether the real-photo sources are ready on this machine. Introduced in notebook 07.

    Given the ``course`` of a run on photos, it says that this run already uses them.
    """
    from . import folder, oxford

    if course is not None and course.source != "toy":
        return tr("This run already uses real photos: {photos} (DATA_SOURCE = {source!r}). "
                  "With more photos per breed, every number above says more.").format(
            photos=course.data_source.describe(), source=course.source)

    def shown(path):  # relative to the project, so the message is the same on every computer
        try:
            return Path(path).relative_to(data.ROOT).as_posix()
        except ValueError:
            return str(path)

    lines = []
    if oxford.has_tree():
        lines.append(tr("Oxford-IIIT Pet: unpacked in {folder} -> set DATA_SOURCE = 'oxford'.").format(folder=shown(oxford.ROOT)))
    else:
        lines.append(tr("Oxford-IIIT Pet: not here -> run `python -m helpers.data download oxford-pets` (about 800 MB, once), "
                        "or set DATA_DIR to an unpacked copy."))
    own = folder.DEFAULT_DIR
    classes = sorted(p.name for p in own.iterdir() if p.is_dir() and not p.name.startswith(".")) if own.is_dir() else []
    if classes:
        lines.append(tr("Your photos: {folder} has the folders {classes} -> set DATA_SOURCE = 'folder'.").format(
            folder=shown(own), classes=classes))
    else:
        lines.append(tr("Your photos: none yet -> put them in {folder}/<class>/ (see data/README.md), then set DATA_SOURCE = 'folder'.").format(
            folder=shown(own)))
    return "\n".join(lines)
