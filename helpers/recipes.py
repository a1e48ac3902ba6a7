"""The lesson's recipes: how much data, how many epochs, which learning rate.

Every notebook trains with the same few recipes, written down once here so
the numbers in the text, the notebooks and ``make bench`` all come from the
same place. Each recipe is a short function built from the helpers the
notebooks introduce (``data``, ``models``, ``training``, ``evaluation``).

The values were chosen for a 2-core laptop CPU: training the first cat/dog
model takes under 10 seconds, each fine-tuning a few seconds (`make bench` measures it).
"""

from __future__ import annotations

import hashlib
import json
import time

import numpy as np

from . import data, evaluation, models, toypets, training
from .i18n import tr, tr_noop

# -- how much data ------------------------------------------------------------------------
PER_BREED = {"train": 300, "val": 50, "test": 150}  # toy pets per breed and split
QUICK_PER_BREED = {"train": 30, "val": 10, "test": 20}  # QUICK mode: only checks that everything runs

# -- the first model (notebook 02) ----------------------------------------------------------
# The names notebook 05 gives the recipes it compares (data keys, shown translated in its table, chart and claims).
RECIPE_NAMES = (tr_noop("full recipe"), tr_noop("frozen base"), tr_noop("no extra dogs"), tr_noop("random rehearsal"),
                tr_noop("steps that do not shrink"))

BASE_EPOCHS = 6  # passes over the 2,700 training pictures; the step size shrinks to almost 0 by the last one
QUICK_EPOCHS = 2
LEARNING_RATE = 1e-3  # Adam's usual step size

# -- fine-tuning with a few Persians (notebook 04) -----------------------------------------
N_PERSIANS = 20  # new examples of the breed the model never saw
FINE_TUNE_LEARNING_RATE = 8e-4  # the first step size; it shrinks to almost 0 by the last epoch (cosine decay)
FINE_TUNE_EPOCHS = 35
NEW_EXAMPLE_REPEATS = 4  # each new picture is shown this often per epoch, so a few count next to the rehearsal
REHEARSAL_PER_BREED = 10  # old pictures of every breed the model knew (half of them the ones it is least sure about)
REHEARSAL_HARD_NEGATIVES = 20  # extra old pictures of each dog breed: the Persians move from "dog" to "cat", so the dogs are at risk

# -- a new class: rabbits (notebook 06) ------------------------------------------------------
N_RABBITS = 40  # new examples of the new class (20 of each rabbit breed)
NEW_CLASS_LEARNING_RATE = 1e-3  # a brand-new output needs bigger steps than a correction
NEW_CLASS_EPOCHS = 30
NEW_CLASS_REPEATS = 4  # each rabbit picture is shown this often per epoch
NEW_CLASS_REHEARSAL_PER_BREED = 40  # old pictures of every breed the model knew
NEW_CLASS_HARD_NEGATIVES = 60  # extra old pictures of each cat breed: cats have upright ears, like rabbits

# -- real photos ------------------------------------------------------------------------------
PHOTO_EPOCHS = 10  # at most this many passes on photos: there every training photo is in each pass, at 64-96 px


def _on_photos(course, epochs: int) -> int:
    """``epochs``, at most :data:`PHOTO_EPOCHS` on real photos (a few hundred photos; the toy recipes stay as they are)."""
    if course.source == "toy" or epochs <= PHOTO_EPOCHS:
        return epochs
    told = getattr(course, "_told", set())
    if "photo epochs" not in told:  # said once per lesson, where the text names the toy pets' number of epochs
        told.add("photo epochs")
        print(tr("On photos, trainings here take at most {most} epochs (the text says {epochs} for the toy pets): "
                 "on a few hundred photos, more passes mostly memorise them.").format(most=PHOTO_EPOCHS, epochs=epochs))
    return PHOTO_EPOCHS


def _epochs(course, epochs=None) -> int:
    if epochs is not None:
        return epochs
    return QUICK_EPOCHS if course.quick else BASE_EPOCHS


def class_weights(course, pets, class_names=None):
    """How much each picture counts in training: ``None`` (all alike) on the toy pets; balanced on photos.

    A teacher's photos are rarely balanced: with twice as many dogs as cats,
    "always dog" is right two times in three, and a model learning from few
    photos finds that answer first. Balanced weights make every class count
    the same in total: a picture of class ``c`` counts
    ``len(pets) / (classes * pictures of c)``. Returns one number per picture,
    for ``training.train(weights=...)`` (or ``None``). Introduced in notebook 02.
    """
    return None if course.source == "toy" else training.balanced_weights(pets)


def base_training_record(quick: bool = False) -> dict:
    """How the first model is trained, for the record saved beside it: change the recipe and old models are made again. Used by ``lesson``."""
    return {"epochs": QUICK_EPOCHS if quick else BASE_EPOCHS, "learning_rate": LEARNING_RATE, "decay": "cosine"}


def train_base(model, train, val, course, epochs=None) -> dict:
    """Train the first cat/dog model with the default recipe; prints one line per epoch.

    Returns the history (one list per measure). Used by ``recipes`` (when notebook 07 times it) and ``tools/bench.py``.
    """
    return training.train(model, train, val, class_names=course.class_names, epochs=_epochs(course, epochs),
                          learning_rate=LEARNING_RATE, seed=course.seed, learning_rate_decay=True,
                          weights=class_weights(course, train))


def _not_saved_yet(why: str, path) -> bool:
    """Whether ``why`` (from ``models.load_if_matching``) says that there is no model file at ``path`` yet."""
    return why == tr(models.NO_SAVED_MODEL).format(name=models.shown_path(path))


def load_or_train_base(course):
    """The cat/dog model notebook 02 saved; if it is not there yet, or not the right one, train and save it now.

    The saved file is used only when the record beside it matches this
    lesson (``models.load_if_matching``: same data, picture size, classes,
    seed and toy-pet generator). Otherwise one line says which file and why,
    and the model is trained again and saved with its record. Notebooks 03-07
    start with this, so each of them also runs on its own. Introduced in notebook 03.
    """
    path = course.model_path("cat_dog.keras")
    record = course.model_record()
    model, why = models.load_if_matching(path, record)
    if model is not None:
        print(tr("Loaded the cat/dog model notebook 02 saved ({file}).").format(file=models.shown_path(path)))
        return model
    if _not_saved_yet(why, path):
        print(tr("{why} (notebook 02 makes it): training it now (10–40 seconds on a laptop).").format(why=why))
    else:
        print(tr("{why}. Training it again now (10–40 seconds on a laptop).").format(why=why))
    model = models.make_cnn(num_classes=len(course.class_names), image_size=course.image_size, seed=course.seed)
    train = course.load("train")
    started = time.perf_counter()
    training.train(model, train, None, class_names=course.class_names, epochs=_epochs(course),
                   learning_rate=LEARNING_RATE, seed=course.seed, quiet=True, learning_rate_decay=True,
                   weights=class_weights(course, train), progress=tr("training the cat/dog model"))
    models.save(model, path, dict(record, training_seconds=round(time.perf_counter() - started, 1)))
    return model


def base_training_seconds(course) -> float:
    """Seconds training the first cat/dog model took on this computer: as its record says, or timed now.

    Notebook 02 (and :func:`load_or_train_base`) write how long the training
    took into the record beside ``cat_dog.keras``. When the saved model fits
    this lesson and its record says it, that number is used, with one line
    saying so. Otherwise the same training (:func:`train_base`, on a new
    network) runs once more and is timed. Introduced in notebook 07.
    """
    path = course.model_path("cat_dog.keras")
    try:
        saved = json.loads(models.record_path(path).read_text(encoding="utf-8"))
        fits = (isinstance(saved, dict) and models._mismatch(saved, course.model_record()) is None
                and saved.get("model_file_sha256") == data.sha256_of(path))
    except (OSError, ValueError):
        saved, fits = {}, False
    seconds = saved.get("training_seconds") if fits else None
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds > 0:
        print(tr("Training the cat/dog model on {n:,} pictures took {seconds:.1f} s on this computer "
                 "(measured when it was trained, saved in its record {record}).").format(
            n=len(course.load("train")), seconds=seconds, record=models.record_path(path).name))
        return float(seconds)
    print(tr("The saved model's record does not say how long its training took: training a new network the same way, "
             "to time it."))
    fresh = models.make_cnn(num_classes=len(course.class_names), image_size=course.image_size, seed=course.seed)
    started = time.perf_counter()
    train_base(fresh, course.load("train"), None, course)
    return time.perf_counter() - started


def transfer_source(course):
    """The model notebooks 04-07 build on: our cat/dog model, or on real photos a giant's shoulders.

    On the toy pets this is :func:`load_or_train_base`. On real photos (not
    QUICK) it is MobileNetV2 with ImageNet weights, frozen, with a new cat/dog
    head trained on the photos — when those weights can be had (online, or in
    the Keras cache); otherwise it says why in one line and uses our own model.
    A saved one is used only when its record matches, as in :func:`load_or_train_base`.
    Introduced in notebook 04.
    """
    if course.source == "toy" or course.quick:
        return load_or_train_base(course)
    from . import backbone

    path = course.model_path("imagenet_cat_dog.keras")
    record = dict(course.model_record(), base="MobileNetV2 (ImageNet weights)")
    model, why = models.load_if_matching(path, record)
    if model is not None:
        return model
    if not _not_saved_yet(why, path):
        print(tr("{why}. Making it again.").format(why=why))
    if course.image_size in backbone.SIZES:
        giant, why = backbone.try_backbone(course.image_size)
    else:
        giant, why = None, tr("MobileNetV2's ImageNet weights were not in the Keras cache when this lesson started, so the "
                              "photos are {size} px (notebook 07 fetches the weights when online; then run "
                              "this notebook again).").format(size=course.image_size)
    if giant is None:
        print(why.splitlines()[0], tr("So this notebook builds on our own small network, trained from random numbers on "
              "{n} photos. That is too few to learn what tells a cat from a dog (expect it to give "
              "mostly one answer); real projects start from a model pretrained on millions of photos for exactly this "
              "reason. The steps below are the same either way.").format(n=len(course.load("train"))))
        return load_or_train_base(course)
    print(tr("Standing on a giant's shoulders: MobileNetV2 with ImageNet weights (frozen) and a new cat/dog head."))
    model = backbone.make_transfer_model(giant, num_classes=len(course.class_names), name="imagenet_cat_dog")
    train = course.load("train")
    training.train(model, train, None, class_names=course.class_names, epochs=BASE_EPOCHS,
                   learning_rate=LEARNING_RATE, seed=course.seed, quiet=True, weights=class_weights(course, train))
    models.save(model, path, record)
    return model


def learning_curve(course, pool, test, sizes, n_examples: int = 8) -> dict:
    """Train a fresh model on each amount of experience in ``sizes`` and measure it on ``test``.

    Returns ``{n: {"accuracy", "images", "predicted", "true"}}``: the accuracy
    and the answers on ``n_examples`` test pictures, for the experience slider.
    Every model is trained exactly like notebook 02's first model
    (``BASE_EPOCHS`` passes over its pictures, the same learning rate and
    schedule), only on fewer pictures: every picture is seen equally often,
    whatever the amount of experience. Each amount holds the smaller ones
    plus new pictures (the first ``n`` of one shuffled pool), as experience
    grows in life. Prints one line per amount as it goes.
    Introduced in notebook 01.
    """
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < 2 or max(sizes) > len(pool):
        raise ValueError(tr("each amount of experience must be from 2 to {most} (the pictures in the pool); got {sizes}.").format(
            most=len(pool), sizes=sizes))
    examples = test.per_breed(1, seed=course.seed).shuffled(course.seed)
    examples = examples.subset(np.arange(min(n_examples, len(examples))))
    order = pool.shuffled(course.seed)  # each bigger experience is a smaller one plus new pictures
    curve = {}
    for n in sizes:
        experience = order.subset(np.arange(n))
        model = models.make_cnn(num_classes=len(course.class_names), image_size=course.image_size, seed=course.seed)
        training.train(model, experience, None, class_names=course.class_names,
                       epochs=_on_photos(course, _epochs(course)), learning_rate=LEARNING_RATE, seed=course.seed,
                       quiet=True, learning_rate_decay=True, weights=class_weights(course, experience))
        predicted = evaluation.predict_classes(model, examples, course.class_names)
        curve[n] = {
            "accuracy": evaluation.accuracy(model, test, course.class_names),
            "images": examples.images,
            "predicted": [str(c) for c in predicted],
            "true": [str(c) for c in examples.classes],
        }
        print(tr("E = {n:>4} pictures: P = {accuracy:.3f}").format(n=n, accuracy=curve[n]["accuracy"]))
    return curve


CAT_EARS = {"persian_ear": 0.17}  # the ears every short-haired toy cat has


def _toy_only(course, what: str) -> bool:
    """True on the toy pets; on photos print one line saying why ``what`` is skipped."""
    if course.source == "toy":
        return True
    print(tr("Skipped on photos: {what} needs the toy-pet generator, which can draw the same animal again with one "
             "thing changed; a photo cannot be retaken that way. (Set DATA_SOURCE = 'toy' to run it.)").format(what=what))
    return False


def persian_variants(course, n: int = 150) -> dict | None:
    """The same ``n`` test Persians drawn several ways, changing one thing at a time.

    Returns ``{name: PetImages}`` for ``"as drawn"``, ``"short fur"``, ``"cat
    ears"``, ``"short fur and cat ears"`` and two controls: ``"cat colours"``
    (coats no training dog wears) and ``"cat-sized head and body"``.
    Same pose, background and light in all of them. Toy pets only: on photos
    it prints why and returns ``None``. Introduced in notebook 03.
    """
    if not _toy_only(course, tr("redrawing the same Persians")):
        return None
    seed = course.seed + data._SPLIT_SEED_OFFSET["test"]

    def draw(fluffy=None, **looks):
        with toypets.looks(**looks):
            images = toypets.draw_many(course.new_breed, n, seed=seed, size=course.image_size, fluffy=fluffy)
        return data.PetImages(images, ["cat"] * n, [course.new_breed] * n, "toy")

    return {  # the names stay English (the notebooks use them); charts show them in the notebook's language
        tr_noop("as drawn"): draw(),
        tr_noop("short fur"): draw(fluffy=False),
        tr_noop("cat ears"): draw(**CAT_EARS),
        tr_noop("short fur and cat ears"): draw(fluffy=False, **CAT_EARS),
        tr_noop("cat colours"): draw(persian_cat_colours=1),
        tr_noop("cat-sized head and body"): draw(persian_cat_size=1),
    }


def long_haired_cats(course, n: int = 50) -> tuple:
    """The experiment the other way round: ``n`` test cats of every seen cat breed, as drawn and with long fur.

    Returns ``(as_drawn, long_fur)``, two PetImages of the very same cats
    (same pose, colours, ears and face); only the coat differs. Toy pets
    only: on photos it prints why and returns ``(None, None)``. Introduced in notebook 03.
    """
    if not _toy_only(course, tr("redrawing the known cats with long fur")):
        return None, None
    seed = course.seed + data._SPLIT_SEED_OFFSET["test"]
    breeds = course.cat_breeds

    def draw(fluffy):
        images = np.concatenate([toypets.draw_many(b, n, seed=seed, size=course.image_size, fluffy=fluffy) for b in breeds])
        return data.PetImages(images, ["cat"] * len(images), np.repeat(breeds, n), "toy")

    return draw(False), draw(True)


def rehearsal_set(course, hard_negatives=None, extra=None, per_breed=None, model=None):
    """A few old training pictures of every breed the model knew, plus more of the ``hard_negatives``.

    Mixed into fine-tuning so the model keeps practising what it knew:
    ``per_breed`` pictures of every breed (default ``REHEARSAL_PER_BREED``).
    The hard negatives are the old breeds the new lesson puts most at risk:
    by default the dogs (the Persians move from "dog" to "cat", and the
    fluffy dogs look most like them); for rabbits, the cats (upright ears).
    ``extra`` pictures of each of them are added.

    Without ``model`` every picture is picked at random. With ``model`` (the
    model about to be fine-tuned), half of each breed's pictures are the
    ones it gets right but is least sure about (:func:`evaluation.least_sure`):
    they sit next to its line between cat and dog, where a small change
    flips an answer first, so practising them holds that line in place. The
    other half is picked at random, so the set still looks like the old data.
    Introduced in notebook 04.
    """
    old = course.load("train")
    hard = course.dog_breeds if hard_negatives is None else list(hard_negatives)
    if course.source != "toy":  # on photos: every trained breed of those classes, also one without a test photo
        animals = {old.class_of_breed().get(b) for b in hard}
        hard = [b for b, animal in old.class_of_breed().items() if animal in animals]
    if extra is None:
        extra = REHEARSAL_HARD_NEGATIVES
    if course.quick:
        few, extra = 3, min(extra, 3)
    else:
        few = REHEARSAL_PER_BREED if per_breed is None else per_breed
    short = [b for b, n in old.breed_counts().items() if n < few + (extra if b in hard else 0)]
    if course.source != "toy" and short:
        fields = dict(few=few, extra=extra, n_hard=len(hard))
        if len(short) == len(old.breed_counts()):
            print(tr("Rehearsal: {few} old photos per breed (+{extra} of each of {n_hard} hard-negative breeds) asked for; "
                     "every breed has fewer, so the rehearsal set is all {n_old} old training photos, whatever is "
                     "asked for (sets asked for differently come out the same here).").format(n_old=len(old), **fields))
        else:
            print(tr("Rehearsal: {few} old photos per breed (+{extra} of each of {n_hard} hard-negative breeds) asked for; "
                     "{n_short} of {n_breeds} breeds have fewer, so all of theirs are used.").format(
                n_short=len(short), n_breeds=len(old.breed_counts()), **fields))
    if model is None and course.source != "toy":  # few photos: no photo twice (random picks per breed)
        rng = np.random.default_rng(course.seed)
        keep = []
        for breed in old.breed_counts():
            positions = np.flatnonzero(old.breeds == breed)
            wanted = few + (extra if breed in hard else 0)
            keep.extend(rng.choice(positions, size=min(wanted, len(positions)), replace=False))
        return old.subset(np.sort(np.array(keep, dtype=int)))
    if model is None:
        rehearsal = old.per_breed(few, seed=course.seed)
        if hard and extra:
            rehearsal = rehearsal + old.where(breeds=hard).per_breed(extra, seed=course.seed + 1)
        return rehearsal
    proba = evaluation.predict_proba(model, old, course.class_names)
    rng = np.random.default_rng(course.seed)
    keep = []
    for breed in old.breed_counts():
        wanted = few + (extra if breed in hard else 0)
        positions = np.flatnonzero(old.breeds == breed)
        unsure = positions[evaluation.least_sure(proba[positions], old.subset(positions), wanted // 2, course.class_names)]
        others = np.setdiff1d(positions, unsure)
        keep.extend(unsure)
        keep.extend(rng.choice(others, size=min(wanted - len(unsure), len(others)), replace=False))
    return old.subset(np.sort(np.array(keep, dtype=int)))


def _mix(new, rehearsal, repeats=None):
    shown = new
    for _ in range((repeats or NEW_EXAMPLE_REPEATS) - 1):
        shown = shown + new
    return shown if rehearsal is None else rehearsal + shown


def _fine_tune_record(course, model, new, rehearsal, settings: dict) -> dict:
    """What a fine-tuning starts from, as one SHA-256: the network, its parameters and switches, the pictures, the recipe."""
    digest = hashlib.sha256()
    config = dict(model.get_config(), name="")  # the name changes nothing in the training
    digest.update(json.dumps(config, sort_keys=True, default=str).encode())
    digest.update(json.dumps([layer.trainable for layer in model.layers]).encode())
    for weights in model.get_weights():
        digest.update(np.ascontiguousarray(weights).tobytes())
    for pets in (new, rehearsal):
        if pets is not None:
            digest.update(pets.images.tobytes())
            digest.update("\n".join(pets.classes.tolist() + pets.breeds.tolist()).encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return dict(course.model_record(), fine_tuning=digest.hexdigest())


def fine_tune(model, new, rehearsal, course, learning_rate=None, epochs=None, learning_rate_decay=True, balance=False,
              save_as=None):
    """Train ``model`` a little more on the ``new`` pictures (shown several times) plus the ``rehearsal`` set.

    This is ``training.train`` (notebook 02's ``compile`` and ``fit``) with the
    fine-tuning recipe: ``FINE_TUNE_EPOCHS`` epochs, each new picture shown
    ``NEW_EXAMPLE_REPEATS`` times per epoch, and a step size that starts at
    ``learning_rate`` and shrinks to almost 0 by the last epoch
    (``learning_rate_decay=False`` keeps it fixed). ``balance=True`` gives
    every class the same total weight (:func:`training.balanced_weights`).
    ``rehearsal=None`` trains on the new pictures alone (the trap in notebook 04).
    Works on a model with a frozen base too: only the trainable layers change.
    ``save_as`` (a file name such as ``"persians_fixed.keras"``): save the
    fine-tuned model in the lesson's models folder, with a record of what it
    started from, for :func:`load_or_fine_tune`.
    Returns ``(model, history)``. Introduced in notebook 04.
    """
    if len(new) == 0:
        raise ValueError(tr("there are no new pictures to fine-tune on; ask for at least one."))
    settings = _fine_tune_settings(course, learning_rate, epochs, learning_rate_decay, balance)
    record = _fine_tune_record(course, model, new, rehearsal, settings) if save_as else None
    shown = _mix(new, rehearsal)
    history = training.train(
        model, shown, None, class_names=course.class_names, epochs=settings["epochs"],
        learning_rate=settings["learning_rate"], seed=course.seed, quiet=True,
        learning_rate_decay=learning_rate_decay,
        weights=training.balanced_weights(shown) if balance else class_weights(course, shown),
        progress=tr("fine-tuning {name}").format(name=model.name),
    )
    if save_as:
        models.save(model, course.model_path(save_as), record)
    return model, history


def _fine_tune_settings(course, learning_rate, epochs, learning_rate_decay, balance) -> dict:
    return {"epochs": epochs or (QUICK_EPOCHS if course.quick else _on_photos(course, FINE_TUNE_EPOCHS)),
            "learning_rate": learning_rate or FINE_TUNE_LEARNING_RATE, "decay": bool(learning_rate_decay),
            "balance": bool(balance), "repeats": NEW_EXAMPLE_REPEATS}


def load_or_fine_tune(model, new, rehearsal, course, name: str):
    """:func:`fine_tune`, or the model an earlier notebook saved after exactly this fine-tuning (``save_as=name``).

    The saved model is used only when it started from the same network and
    parameters, with the same pictures and the same recipe: training is
    repeatable, so fine-tuning again would give exactly the same parameters,
    and loading saves the wait. One line says which it did. Returns
    ``(model, history)``, the history ``None`` when loaded. Introduced in notebook 05.
    """
    settings = _fine_tune_settings(course, None, None, True, False)
    path = course.model_path(name)
    loaded, why = models.load_if_matching(path, _fine_tune_record(course, model, new, rehearsal, settings))
    if loaded is not None:
        print(tr("Loaded {file}: notebook 04 fine-tuned the same model on the same pictures with the same "
                 "recipe, and the same training gives exactly the same parameters.").format(file=models.shown_path(path)))
        return loaded, None
    if _not_saved_yet(why, path):
        print(tr("{why} (notebook 04 makes it): fine-tuning now.").format(why=why))
    else:
        print(tr("{why}. Fine-tuning now.").format(why=why))
    return fine_tune(model, new, rehearsal, course, save_as=name)


def learn_new_class(model, new, rehearsal, course, class_names, callbacks=None):
    """Teach a model that already has an output for the new class (``models.grow_head``) to use it.

    ``new`` are the new class's pictures (e.g. rabbits), shown several times;
    ``rehearsal`` the old pictures (``None``: the new ones alone, the
    forgetting demo). ``callbacks``: Keras callbacks, e.g. one that measures
    the old classes after every epoch. This is ``training.train`` with
    ``NEW_CLASS_EPOCHS`` epochs. Returns ``(model, history)``. Introduced in notebook 06.
    """
    if len(new) == 0:
        raise ValueError(tr("there are no pictures of the new class; ask for at least one."))
    shown = _mix(new, rehearsal, NEW_CLASS_REPEATS)
    history = training.train(
        model, shown, None, class_names=tuple(class_names), weights=class_weights(course, shown),
        epochs=QUICK_EPOCHS if course.quick else _on_photos(course, NEW_CLASS_EPOCHS),
        learning_rate=NEW_CLASS_LEARNING_RATE, seed=course.seed, quiet=True, callbacks=callbacks,
        progress=tr("training {name}").format(name=model.name),
    )
    return model, history
