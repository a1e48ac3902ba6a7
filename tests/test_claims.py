"""The claims cell: lesson claims stop the notebook, luck-dependent ones are explained off the default seed."""

from __future__ import annotations

import pytest

from helpers.claims import Claims


class Course:
    def __init__(self, seed=0, checks=True):
        self.seed, self.checks_claims = seed, checks
        self.why_no_claims = "QUICK mode: not checked."


def test_all_claims_hold(capsys):
    claims = Claims(Course())
    claims.at_most("the Persians fail", 0.173, 0.40)
    claims.at_least("most are called dogs", 0.827, 0.5)
    claims.below("less sure", 0.9, 0.95)
    claims.holds("identical", True)
    assert claims.report() is None  # the cell shows only the printed lines
    assert claims.held == {"the Persians fail": True, "most are called dogs": True, "less sure": True, "identical": True}
    out = capsys.readouterr().out
    assert "✓ the Persians fail  (0.173 ≤ 0.400)" in out and out.strip().endswith("All claims hold.")


def test_a_lesson_claim_that_fails_stops_on_every_seed(capsys):
    for seed in (0, 7):
        claims = Claims(Course(seed))
        claims.at_most("the Persians fail", 0.7, 0.40)
        with pytest.raises(AssertionError, match="the Persians fail"):
            claims.report()
        assert "✗ the Persians fail  (0.700 ≤ 0.400)" in capsys.readouterr().out


def test_a_luck_dependent_claim_is_explained_off_the_default_seed_and_stops_on_it(capsys):
    claims = Claims(Course(seed=3))
    claims.at_most("the curve rises", 0.08, 0.05, why="Each point is one network trained once.")
    claims.report()
    assert claims.held == {"the curve rises": False}
    out = capsys.readouterr().out
    assert "Not on this seed (SEED = 3): the curve rises. Each point is one network trained once." in out
    assert "All claims hold." not in out
    claims = Claims(Course(seed=0))
    claims.at_most("the curve rises", 0.08, 0.05, why="Each point is one network trained once.")
    with pytest.raises(AssertionError, match="the curve rises"):
        claims.report()


def test_nothing_is_asserted_where_the_claims_do_not_apply(capsys):
    claims = Claims(Course(checks=False))
    claims.at_most("the Persians fail", 0.9, 0.40)
    claims.holds("the file reloads", True)
    claims.report()
    assert claims.held == {}
    out = capsys.readouterr().out
    assert "QUICK mode: not checked." in out and "(not checked) the Persians fail: did not hold here (0.900 ≤ 0.400)" in out
    assert "(not checked) the file reloads: held here\n" in out and "1 of 2 of these claims held in this run." in out


def test_numpy_numbers_print_rounded(capsys):
    import numpy as np

    claims = Claims(Course())
    claims.below("less sure", np.float32(0.90432906), np.float64(0.9739312))
    claims.report()
    assert "(0.904 < 0.974)" in capsys.readouterr().out
