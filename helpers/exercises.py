"""Friendly checks for the notebooks' "Try it" exercises.

Each exercise has an id such as ``"01-always-dog"`` (the number is the
notebook that introduces it). Right after an exercise cell a notebook calls::

    exercises.check("01-always-dog", lazy_accuracy, pets=test_pets)

and gets one line back, printed:

- ``✓ Correct: ...`` with what the answer means;
- ``✗ Not quite: ...`` with what to look at (common slips, such as forgetting
  the bias or dividing by the wrong total, get their own hint);
- ``Not answered yet: ...`` when the value is ``None``, which is what the
  student copies (``notebooks/student/``) set before the student writes an
  answer. So the check cells run without errors in every copy.

Numbers in the messages are rounded (percentages without decimals), so a
stored notebook shows the same text on every computer. The extra keyword
arguments (``model=``, ``pets=``, ``matrix=`` ...) are what a checker needs to
work out the right answer itself; each checker's docstring says which.
Introduced in notebook 01.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .i18n import tr, tr_noop

CORRECT, WRONG, UNANSWERED = "correct", "wrong", "unanswered"
_SYMBOL = {CORRECT: tr_noop("✓ Correct: "), WRONG: tr_noop("✗ Not quite: "), UNANSWERED: tr_noop("Not answered yet: ")}


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``status`` (correct / wrong / unanswered) and the message shown. Used by ``exercises``."""

    status: str
    text: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    @property
    def message(self) -> str:
        return tr(_SYMBOL[self.status]) + self.text

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Exercise:
    """One Try it: its notebook, the task in one sentence, a hint in words, and its checker. Used by ``exercises``."""

    notebook: str
    task: str  # what to do, in one sentence (shown while unanswered)
    hint: str
    checker: Callable[..., Verdict]


# -- small helpers ---------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100 * float(value):.0f} %"


def _close(a: float, b: float, tol: float = 1e-4) -> bool:
    return abs(float(a) - float(b)) <= tol


def _as_number(value, what: str):
    """``value`` as a float, or a Verdict explaining why it is not a number."""
    if isinstance(value, bool):
        return Verdict(WRONG, tr("{what} should be a number, not {value!r} (True/False).").format(what=what, value=value))
    if isinstance(value, (np.ndarray, list, tuple, dict)):
        size = np.size(value) if not isinstance(value, dict) else len(value)
        if size == 1 and not isinstance(value, dict):
            return float(np.asarray(value).reshape(-1)[0])
        return Verdict(WRONG, tr("{what} should be one number, but it holds {size} values. "
                                 "Reduce them to one (a mean, a sum, a fraction).").format(what=what, size=size))
    if callable(value):
        return Verdict(WRONG, tr("{what} is a function, not a number: did you forget to call it?").format(what=what))
    try:
        return float(value)
    except (TypeError, ValueError):
        return Verdict(WRONG, tr("{what} should be a number, got {kind} {value!r:.60}.").format(
            what=what, kind=type(value).__name__, value=value))


def _fraction(value, what: str):
    """Like _as_number, and also a fraction from 0 to 1 (a percentage gets its own hint)."""
    number = _as_number(value, what)
    if isinstance(number, Verdict):
        return number
    if math.isnan(number):
        return Verdict(WRONG, tr("{what} is NaN (not a number): did you average over zero pictures?").format(what=what))
    if 1 < number <= 100:
        return Verdict(WRONG, tr("{what} is {number:g}: that looks like a percentage or a count. "
                                 "Give a fraction from 0 to 1.").format(what=what, number=number))
    if not 0 <= number <= 1:
        return Verdict(WRONG, tr("{what} is {number:g}, but a fraction lies between 0 and 1.").format(what=what, number=number))
    return number


def _need(context: dict, exercise_id: str, *names: str):
    missing = [n for n in names if context.get(n) is None]
    if missing:
        given = ", ".join(f"{n}=..." for n in names)
        raise ValueError(tr("exercises.check({exercise_id!r}, value, {given}) needs {missing} to work out the answer.").format(
            exercise_id=exercise_id, given=given, missing=", ".join(missing)))
    return [context[n] for n in names]


# -- the exercises -----------------------------------------------------------------------


def _always_dog(value, pets=None, **_):
    """01 · Try it 1: the accuracy of a program that always answers "dog" on the test set.

    The right answer is the share of dogs among the test pictures. Pass
    ``pets=test_pets`` to check against the real test set; without it the
    check assumes the toy pets' test set (the same number of pictures per
    breed, the breeds of the first training), which is what notebook 01 uses
    by default.
    """
    number = _fraction(value, "`lazy_accuracy`")
    if isinstance(number, Verdict):
        return number
    if pets is not None:
        classes = np.asarray(pets.classes)
        expected = float(np.mean(classes == "dog"))
        where = tr("the test pictures")
    else:
        from . import toypets

        animals = [toypets.BREEDS[b].animal for b in toypets.TRAIN_BREEDS]
        expected = animals.count("dog") / len(animals)
        where = tr("the toy test pets")
    if _close(number, expected):
        if expected > 0.5:
            text = tr("always answering \"dog\" is right on {share} of {where}: exactly the share of dogs. "
                      "That is better than the coin, yet it learned nothing: compare a model with this 'majority' floor too, "
                      "not only with chance.")
        else:
            text = tr("always answering \"dog\" is right on {share} of {where}: exactly the share of dogs. "
                      "That is no better than the coin, yet it learned nothing: compare a model with this 'majority' floor too, "
                      "not only with chance.")
        return Verdict(CORRECT, text.format(share=_pct(expected), where=where))
    if _close(number, 1 - expected):
        return Verdict(WRONG, tr("{share} is the share of cats. Did your program answer \"cat\"? "
                                 "It should always say \"dog\".").format(share=_pct(number)))
    return Verdict(
        WRONG,
        tr("got {number:.3f}. A program that always says \"dog\" is right exactly on the dogs: measure it with "
           "performance(always_dog, test_pets), on the test set, not the training pictures.").format(number=number),
    )


def _conv1_parameters(value, model=None, **_):
    """02 · Try it 1: the number of parameters of the first convolution layer, ``conv1``.

    Each of its filters has kernel height x width x input channels weights plus
    one bias: ``h * w * c_in * filters + filters``. Needs ``model=model``.
    """
    (model,) = _need({"model": model}, "02-conv1-parameters", "model")
    layer = model.get_layer("conv1")
    h, w, c_in, filters = (int(d) for d in layer.kernel.shape)
    has_bias = getattr(layer, "use_bias", True)
    weights = h * w * c_in * filters
    expected = weights + (filters if has_bias else 0)
    number = _as_number(value, "`conv1_parameters`")
    if isinstance(number, Verdict):
        return number
    formula = f"({h} x {w} x {c_in} + 1) x {filters} = {expected}" if has_bias else f"{h} x {w} x {c_in} x {filters} = {expected}"
    if number == expected:
        return Verdict(CORRECT, tr("conv1 has {formula} parameters, the number model.summary() shows for it.").format(formula=formula))
    if has_bias and number == weights:
        return Verdict(WRONG, tr("{number} counts the weights only. Each filter also has one bias: add {filters}.").format(
            number=int(number), filters=filters))
    if number == h * w * c_in + int(has_bias):
        return Verdict(WRONG, tr("{number} is the count for one filter. conv1 has {filters} of them.").format(
            number=int(number), filters=filters))
    if number == (h * w + int(has_bias)) * filters:
        return Verdict(WRONG, tr("{number} leaves out the colours: each filter looks at {c_in} colour channels, "
                                 "so it has {h} x {w} x {c_in} weights.").format(number=int(number), c_in=c_in, h=h, w=w))
    return Verdict(WRONG, tr("got {number:g}. Per filter: {h} x {w} pixels x {c_in} colours weights, plus 1 bias; "
                             "then times the number of filters.").format(number=number, h=h, w=w, c_in=c_in))


def _confidence_when_wrong(value, probabilities=None, pets=None, breed="persian", class_names=("cat", "dog"), **_):
    """03 · Try it 2: the model's mean confidence on the Persians it got wrong.

    Confidence is the probability of the class the model chose (the largest in
    its row). Needs ``probabilities=`` (one row per picture of ``pets``) and
    ``pets=``; ``breed=`` is the breed asked about (default ``"persian"``).
    """
    probabilities, pets = _need({"probabilities": probabilities, "pets": pets}, "03-confidence-when-wrong", "probabilities", "pets")
    proba = np.asarray(probabilities, dtype="float64")
    classes, breeds = np.asarray(pets.classes), np.asarray(pets.breeds)
    index = {c: i for i, c in enumerate(class_names)}
    truth = np.array([index.get(c, -1) for c in classes])
    wrong = np.argmax(proba, axis=1) != truth
    mine = breeds == breed
    if not mine.any():
        raise ValueError(tr("there are no pictures of breed {breed!r} in pets; pass the test set that holds them "
                            "(breed=... to ask about another).").format(breed=breed))
    wrong_mine = wrong & mine
    if value is not None and not wrong_mine.any():
        number = _as_number(value, "`mean_confidence_when_wrong`")
        if not isinstance(number, Verdict) and math.isnan(number):
            return Verdict(CORRECT, tr("this model got every {breed} right, so there is no mistake to average (NaN).").format(
                breed=tr(breed)))
        return Verdict(WRONG, tr("this model got every {breed} right: there are no mistakes, "
                                 "so the mean over them is undefined (NaN).").format(breed=tr(breed)))
    number = _fraction(value, "`mean_confidence_when_wrong`")
    if isinstance(number, Verdict):
        return number
    confidence = proba.max(axis=1)
    expected = float(confidence[wrong_mine].mean())
    n = int(wrong_mine.sum())
    if _close(number, expected):
        return Verdict(
            CORRECT,
            tr("on the {n} {breed} pictures it got wrong the model was on average {share} sure of its wrong answer. "
               "A model can be confidently wrong: a high probability is not a guarantee.").format(
                n=n, breed=tr(breed), share=_pct(expected)),
        )
    if _close(number, float(confidence[mine].mean())):
        return Verdict(WRONG, tr("that is the mean confidence on all {n} {breed} pictures. Keep only those it got wrong.").format(
            n=int(mine.sum()), breed=tr(breed)))
    if wrong.any() and _close(number, float(confidence[wrong].mean())):
        return Verdict(WRONG, tr("that is the mean confidence on all its mistakes, every breed. "
                                 "The exercise asks about the {breed} pictures only.").format(breed=tr(breed)))
    true_column = proba[wrong_mine, truth[wrong_mine]] if (truth[wrong_mine] >= 0).all() else None
    if true_column is not None and _close(number, float(true_column.mean())):
        return Verdict(WRONG, tr("that is the probability of the right answer. "
                                 "Confidence is the probability of the answer it gave: the largest in each row."))
    return Verdict(
        WRONG,
        tr("got {number:.3f}. Select the {breed} rows of `probabilities`, keep those where the model chose the wrong class, "
           "then average the largest probability of each row.").format(number=number, breed=tr(breed)),
    )


def _share_called_cat(value, model=None, pets=None, **_):
    """04 · Try it 3: the share of all test pictures the Persians-only model calls "cat".

    Needs ``model=`` (the model fine-tuned on Persians alone) and ``pets=``
    (the test pictures); the right answer is worked out from them.
    """
    from .evaluation import predict_classes

    model, pets = _need({"model": model, "pets": pets}, "04-share-called-cat", "model", "pets")
    number = _fraction(value, "`share_called_cat`")
    if isinstance(number, Verdict):
        return number
    called_cat = predict_classes(model, pets) == "cat"
    expected = float(np.mean(called_cat))
    if _close(number, expected):
        cats = float(np.mean(np.asarray(pets.classes) == "cat"))
        if max(expected, 1 - expected) >= 0.95:  # one answer for (almost) every picture
            meaning = tr("Answering one class for (almost) everything is a class collapse.")
        else:
            meaning = tr("It still gives both answers: not a full class collapse.")
        if expected > cats:
            calls = tr("it calls {called} of all test pictures cats, while only {cats} of them are cats.")
        else:
            calls = tr("it calls {called} of all test pictures cats, and {cats} of them are cats.")
        return Verdict(CORRECT, calls.format(called=_pct(expected), cats=_pct(cats)) + " " + meaning)
    if _close(number, 1 - expected):
        return Verdict(WRONG, tr("that is the share called \"dog\". The exercise asks how often the answer is \"cat\"."))
    hits = predict_classes(model, pets) == np.asarray(pets.classes)
    if _close(number, float(np.mean(hits))):
        return Verdict(WRONG, tr("that is the accuracy (answers that are right). Count the answers that say \"cat\", right or wrong."))
    cats = np.asarray(pets.classes) == "cat"
    if cats.any() and _close(number, float(np.mean(called_cat[cats]))):
        return Verdict(WRONG, tr("that counts only the true cats. Use every test picture, dogs included."))
    return Verdict(WRONG, tr("got {number:.3f}. Predict a class for every test picture with `trapped`, "
                             "then take the share of \"cat\" answers.").format(number=number))


def _fluffy_dogs_without_them(value, model=None, pets=None, fluffy_breeds=None, before=None, **_):
    """05 · Try it 1: the fluffy dogs' accuracy after fine-tuning with a rehearsal set without fluffy dogs.

    Needs ``model=`` (that fine-tuned model), ``pets=`` (the test pictures)
    and ``fluffy_breeds=``; the right answer is worked out from them.
    ``before=`` (the fluffy dogs' accuracy before fine-tuning) is compared with it.
    """
    from .evaluation import accuracy

    model, pets, fluffy = _need({"model": model, "pets": pets, "fluffy_breeds": fluffy_breeds},
                                "05-fluffy-dogs-without-them", "model", "pets", "fluffy_breeds")
    number = _fraction(value, "`fluffy_dogs_accuracy`")
    if isinstance(number, Verdict):
        return number
    expected = accuracy(model, pets.where(breeds=list(fluffy)))
    if not _close(number, expected):
        if _close(number, accuracy(model, pets)):
            return Verdict(WRONG, tr("that is the accuracy on every test picture. Keep only the fluffy dog breeds."))
        dogs = pets.where(classes="dog")
        if len(dogs) and _close(number, accuracy(model, dogs)):
            return Verdict(WRONG, tr("that is the accuracy on all dogs. Keep only the fluffy dog breeds."))
        if before is not None and _close(number, float(before)):
            return Verdict(WRONG, tr("that is the fluffy dogs' accuracy before fine-tuning. Measure the new model."))
        return Verdict(WRONG, tr("got {number:.3f}. Measure `no_fluffy` on the test pictures of the fluffy dog breeds only.").format(
            number=number))
    if before is None:
        return Verdict(CORRECT, tr("after this fine-tuning the fluffy dogs are right {share} of the time.").format(share=_pct(expected)))
    change = expected - float(before)
    story = (tr("they fell by {drop:.3f} without fluffy dogs to rehearse.").format(drop=-change) if change < -0.02
             else tr("they held within two points on this seed; try another SEED and look again."))
    return Verdict(CORRECT, tr("fluffy dogs {after} after, {before} before: {story}").format(
        after=_pct(expected), before=_pct(before), story=story))


def _rabbit_confusion(value, matrix=None, class_names=("cat", "dog", "rabbit"), **_):
    """06 · Try it 2: the share of test rabbits the model called a cat or a dog.

    From the 3x3 confusion matrix (row = true class, column = predicted class):
    the rabbit row's off-diagonal entries over the row's sum. Needs ``matrix=``.
    """
    (matrix,) = _need({"matrix": matrix}, "06-rabbit-confusion", "matrix")
    matrix = np.asarray(matrix, dtype="float64")
    r = list(class_names).index("rabbit")
    row = matrix[r]
    if row.sum() == 0:
        raise ValueError(tr("the confusion matrix has no rabbits in its rabbit row; compute it on a test set with rabbits."))
    confused = row.sum() - row[r]
    expected = confused / row.sum()
    number = _as_number(value, "`rabbit_confusion`")
    if isinstance(number, Verdict):
        return number
    if _close(number, expected):
        return Verdict(
            CORRECT,
            tr("{confused} of {rabbits} test rabbits ({share}) were called a cat or a dog: "
               "the rabbit row, without its diagonal, over the row's sum.").format(
                confused=int(confused), rabbits=int(row.sum()), share=_pct(expected)),
        )
    if _close(number, confused):
        return Verdict(WRONG, tr("{number:g} is a count. Divide it by the number of test rabbits, "
                                 "the sum of the rabbit row ({rabbits}).").format(number=number, rabbits=int(row.sum())))
    column = matrix[:, r]
    if column.sum() > 0 and _close(number, (column.sum() - column[r]) / column.sum()):
        return Verdict(WRONG, tr("that uses the rabbit column: pictures called rabbits. Rows are the true classes: use the rabbit row."))
    if _close(number, row[r] / row.sum()):
        return Verdict(WRONG, tr("{share} is the share of rabbits called rabbits. "
                                 "The exercise asks for the others: called a cat or a dog.").format(share=_pct(number)))
    if _close(number, confused / matrix.sum()):
        return Verdict(WRONG, tr("that divides by all test pictures. Divide by the number of test rabbits (the rabbit row's sum)."))
    return Verdict(WRONG, tr("got {number:.3f}. The rabbit row is matrix[{r}]: add its cat and dog entries "
                             "and divide by the row's sum.").format(number=number, r=r))


def _same_fingerprint(value, expected=None, **_):
    """07 · Try it 1: exporting the same model twice gives the same SHA-256 fingerprint.

    ``value`` is the second export's weights fingerprint, ``expected=`` the
    first's (``model_sha256``). The fingerprints are not printed: they depend on
    the computer the model was trained on.
    """
    (expected,) = _need({"expected": expected}, "07-same-fingerprint", "expected")
    if isinstance(value, dict):
        return Verdict(WRONG, tr("that is the whole export description. Take its [\"weights\"][\"sha256\"]."))
    if not isinstance(value, str):
        return Verdict(WRONG, tr("a fingerprint is a text of 64 hexadecimal characters, got {kind}.").format(kind=type(value).__name__))
    text = value.strip().lower()
    if len(text) != 64 or any(ch not in "0123456789abcdef" for ch in text):
        return Verdict(WRONG, tr("a SHA-256 fingerprint has 64 hexadecimal characters; this text has {n} characters. "
                                 "Use [\"weights\"][\"sha256\"].").format(n=len(value)))
    if text == str(expected).strip().lower():
        return Verdict(
            CORRECT,
            tr("both exports have the same fingerprint. The same weights give byte-identical files, so whoever receives "
               "the file can check that the knowledge arrived unchanged."),
        )
    return Verdict(
        WRONG,
        tr("the fingerprints differ. Did you export another model, or change this one (e.g. train it) in between? "
           "Two exports of the same model give identical files."),
    )


def _pictures_per_kilobyte(value, pets=None, weights_bytes=None, with_optimizer_bytes=None, **_):
    """07 · Try it 3: how many training pictures one kilobyte (1,000 bytes) of the knowledge stands for.

    The number of training pictures over the weights-only file's size in
    kilobytes. Needs ``pets=train_pets`` and ``weights_bytes=``; with
    ``with_optimizer_bytes=`` (the file ``model.save_weights`` writes, with
    Adam's state) an answer computed from that file gets its own hint. A
    kibibyte (1,024 bytes) is accepted too.
    """
    pets, weights_bytes = _need({"pets": pets, "weights_bytes": weights_bytes}, "07-pictures-per-kilobyte", "pets", "weights_bytes")
    number = _as_number(value, "`pictures_per_kilobyte`")
    if isinstance(number, Verdict):
        return number
    pictures, kilobytes = len(pets), weights_bytes / 1000
    expected = pictures / kilobytes
    if abs(number - expected) <= 0.03 * expected:  # 1,024-byte kilobytes are 2.4 % off
        return Verdict(
            CORRECT,
            tr("{pictures} pictures over {kilobytes:.0f} kB of weights: about {per_kilobyte} pictures per kilobyte. "
               "To answer, the model no longer needs the pictures: what they taught stays in the weights.").format(
                pictures=pictures, kilobytes=kilobytes, per_kilobyte=f"{expected:.{0 if expected >= 10 else 2}f}"),
        )
    if with_optimizer_bytes and _close(number, pictures / (with_optimizer_bytes / 1000), 0.03 * expected):
        return Verdict(WRONG, tr("that uses the file model.save_weights wrote, with Adam's running averages in it. "
                                 "The knowledge is the weights alone: use the export's weights file."))
    if _close(number, 1 / expected, 0.03 / expected):
        return Verdict(WRONG, tr("that is kilobytes per picture, the other way round. Divide the pictures by the kilobytes."))
    if _close(number, pictures / weights_bytes, 0.03 * pictures / weights_bytes):
        return Verdict(WRONG, tr("that is pictures per byte. A kilobyte is 1,000 bytes: turn the bytes into kilobytes first."))
    if _close(number, pets.nbytes / weights_bytes, 0.03 * pets.nbytes / weights_bytes):
        return Verdict(WRONG, tr("that is how many times smaller the knowledge is than the data (bytes over bytes). "
                                 "The question counts pictures, not bytes of pictures."))
    return Verdict(WRONG, tr("got {number:.3g}. Count the training pictures and divide by the size of the weights "
                             "in kilobytes.").format(number=number))


EXERCISES: dict[str, Exercise] = {
    "01-always-dog": Exercise(
        "01_what_is_learning.ipynb",
        tr_noop("store the performance P of a program that always answers \"dog\" in `lazy_accuracy`."),
        tr_noop("write a function that ignores the picture and always gives the same answer, then measure it the way the coin flipper was measured."),
        _always_dog,
    ),
    "02-conv1-parameters": Exercise(
        "02_train_a_classifier.ipynb",
        tr_noop("store the number of parameters of the layer \"conv1\" in `conv1_parameters`."),
        tr_noop("one filter holds 3 × 3 pixels for each of 3 colours, plus one bias; multiply by the number of filters the layer has."),
        _conv1_parameters,
    ),
    "03-confidence-when-wrong": Exercise(
        "03_the_breed_it_never_saw.ipynb",
        tr_noop("store the model's mean confidence on the Persians it got wrong in `mean_confidence_when_wrong`."),
        tr_noop("keep the Persian rows of the probabilities where the model chose dog; the confidence of an answer is its row's largest probability; average those."),
        _confidence_when_wrong,
    ),
    "04-share-called-cat": Exercise(
        "04_transfer_fix_the_persians.ipynb",
        tr_noop("store the share of all test pictures that the Persians-only model calls \"cat\" in `share_called_cat`."),
        tr_noop("predict a class for every test picture with that model, then count how often the answer is \"cat\"."),
        _share_called_cat,
    ),
    "05-fluffy-dogs-without-them": Exercise(
        "05_what_the_fix_needs.ipynb",
        tr_noop("fine-tune without fluffy dogs in the rehearsal set and store the fluffy dogs' accuracy in `fluffy_dogs_accuracy`."),
        tr_noop("leave the fluffy dog breeds out of the rehearsal set, fine-tune a copy of base, and measure it on the fluffy dogs' test pictures only."),
        _fluffy_dogs_without_them,
    ),
    "06-rabbit-confusion": Exercise(
        "06_a_new_ability_rabbits.ipynb",
        tr_noop("store the share of test rabbits called a cat or a dog in `rabbit_confusion`."),
        tr_noop("the rabbit row holds every test rabbit; its entries off the diagonal are the rabbits called something else; divide their sum by the row's sum."),
        _rabbit_confusion,
    ),
    "07-same-fingerprint": Exercise(
        "07_knowledge_between_machines.ipynb",
        tr_noop("export the model again and store the weights' SHA-256 in `second_sha256`."),
        tr_noop("export the model once more into a new folder, as section 1 did, and read the weights' fingerprint from what the export returns."),
        _same_fingerprint,
    ),
    "07-pictures-per-kilobyte": Exercise(
        "07_knowledge_between_machines.ipynb",
        tr_noop("store how many training pictures one kilobyte of the weights stands for in `pictures_per_kilobyte`."),
        tr_noop("a kilobyte is 1,000 bytes; divide the number of training pictures by the size of the knowledge in kilobytes."),
        _pictures_per_kilobyte,
    ),
}


def verdict(exercise_id: str, value, **context) -> Verdict:
    """The verdict on ``value`` for the exercise ``exercise_id``, without printing it. Used by ``exercises``, ``tools/bench.py``."""
    try:
        exercise = EXERCISES[exercise_id]
    except (KeyError, TypeError):
        known = ", ".join(EXERCISES)
        raise ValueError(tr("unknown exercise {exercise_id!r}; the exercises are: {known}").format(
            exercise_id=exercise_id, known=known)) from None
    if value is None:
        task = tr(exercise.task)
        return Verdict(UNANSWERED, tr("{task} Hint: {hint}").format(task=task[:1].upper() + task[1:], hint=tr(exercise.hint)))
    return exercise.checker(value, **context)


def check(exercise_id: str, value, **context) -> None:
    """Print whether ``value`` answers the exercise ``exercise_id``, and what to look at if not.

    ``value=None`` (an exercise not done yet, as in the student copies) prints
    the task and a hint. Unknown ids raise ``ValueError`` listing the known
    ones. Introduced in notebook 01.
    """
    print(verdict(exercise_id, value, **context).message)
