"""Accuracy per breed and class, confusion matrix, 'called as' (helpers/evaluation.py) on hand-made examples."""

import numpy as np
import pytest

from helpers import evaluation
from helpers.data import PetImages

# Four images: two Persians (cats), one samoyed (dog), one tabby (cat).
PETS = PetImages(
    np.zeros((4, 2, 2, 3), np.uint8),
    ["cat", "cat", "dog", "cat"],
    ["persian", "persian", "samoyed", "tabby"],
)
# The "model" calls the first Persian a dog, everything else right.
PROBA = np.array([[0.2, 0.8], [0.9, 0.1], [0.3, 0.7], [0.6, 0.4]])


def test_predicted_classes_and_accuracy():
    assert evaluation.predict_classes(PROBA, PETS).tolist() == ["dog", "cat", "dog", "cat"]
    assert evaluation.accuracy(PROBA, PETS) == 0.75


def test_accuracy_by_breed_and_class():
    assert evaluation.accuracy_by_breed(PROBA, PETS) == {"persian": 0.5, "samoyed": 1.0, "tabby": 1.0}
    assert evaluation.accuracy_by_class(PROBA, PETS) == {"cat": 2 / 3, "dog": 1.0}


def test_confusion_matrix_rows_are_true_classes():
    assert evaluation.confusion_matrix(PROBA, PETS).tolist() == [[2, 1], [0, 1]]


def test_called_as():
    called = evaluation.called_as(PROBA, PETS)
    assert called["persian"] == {"cat": 0.5, "dog": 0.5}
    assert called["samoyed"]["dog"] == 1.0


def test_sureness_is_the_probability_of_the_true_class():
    assert evaluation.sureness(PROBA, PETS).tolist() == pytest.approx([0.2, 0.9, 0.7, 0.6])


def test_least_sure_skips_wrong_answers_and_picks_per_breed():
    pets = PetImages(np.zeros((6, 2, 2, 3), np.uint8), ["cat"] * 4 + ["dog"] * 2, ["tabby"] * 4 + ["beagle"] * 2)
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.8, 0.2], [0.45, 0.55], [0.2, 0.8]])
    # tabby: #2 is wrong (not picked); of the right ones #1 (0.6) is least sure, then #3 (0.8), then #0 (0.9)
    assert evaluation.least_sure(proba, pets, 1).tolist() == [1, 4]
    assert evaluation.least_sure(proba, pets, 2).tolist() == [1, 3, 4, 5]
    assert evaluation.least_sure(proba, pets, 9).tolist() == [1, 3, 0, 4, 5]
    assert evaluation.least_sure(proba, pets, 0).tolist() == []
    with pytest.raises(ValueError, match="whole number"):
        evaluation.least_sure(proba, pets, -1)


def test_wrong_probability_shape_is_a_friendly_error():
    with pytest.raises(ValueError, match="shape"):
        evaluation.accuracy(PROBA[:3], PETS)


def test_accuracy_on_nothing_is_a_friendly_error():
    with pytest.raises(ValueError, match="0 images"):
        evaluation.accuracy(PROBA[:0], PETS.subset(np.array([], dtype=int)))


def test_model_with_wrong_output_size_is_refused():
    class ThreeWay:
        output_shape = (None, 3)
        input_shape = (None, 2, 2, 3)

    with pytest.raises(ValueError, match="3 outputs but 2 class names"):
        evaluation.predict_proba(ThreeWay(), PETS)


def test_rounded():
    assert evaluation.rounded({"a": 0.12345, "b": [np.float32(0.5), 2], "c": "x"}) == {"a": 0.123, "b": [0.5, 2], "c": "x"}


def test_fix_report_and_its_table_show_a_fall_with_a_minus_sign(capsys):
    before = {"persian": 0.0, "samoyed": 1.0, "tabby": 1.0}
    report = evaluation.fix_report(PROBA, PETS, before, "persian")
    assert report == {"persians": 0.5, "old_together": 1.0, "worst_breed": "samoyed",
                      "worst_breed_accuracy": 1.0, "largest_drop": 0.0}
    fell = dict(report, worst_breed="tabby", worst_breed_accuracy=0.853, largest_drop=0.147)
    evaluation.print_reports({"full recipe": report, "frozen base": fell})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Persians", "old", "breeds", "together", "worst", "old", "breed", "(its", "change)"]
    assert lines[1].endswith("samoyed 1.000 (+0.000)")  # no "-0.000" when nothing fell
    assert lines[2].endswith("tabby 0.853 (-0.147)")  # it fell: minus


def test_the_table_names_the_recipes_in_the_notebooks_language(capsys):
    from helpers import i18n

    report = {"persians": 0.5, "old_together": 1.0, "worst_breed": "tabby", "worst_breed_accuracy": 1.0, "largest_drop": 0.0}
    try:
        i18n.set_language("ko")
        evaluation.print_reports({"full recipe": report})
        korean = i18n.tr("full recipe")
    finally:
        i18n.set_language("en")
    out = capsys.readouterr().out
    assert korean != "full recipe" and korean in out and "full recipe" not in out
