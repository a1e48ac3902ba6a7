"""The "Checking the lesson's claims" cell at the end of every notebook.

The text of a notebook says things like "most Persians are called dogs". The
claims cell checks each such sentence against the number the notebook just
computed, so words and outputs cannot drift apart::

    claims = Claims(course)
    claims.at_most("the model fails on most Persians", persian_accuracy, 0.40)
    claims.at_least("most Persians are called dogs", persian_called_dog, 0.5)
    claims.holds("the saved file gives identical answers", same)
    claims.report()

Two kinds of claim:

- **the lesson** (``holds``, ``at_least``, ``at_most``): true on every seed
  the series is checked on (0-9); if one fails, the cell stops with an error.
- **can depend on luck** (the same methods with ``why=...``): true on the
  default seed, where a failure still stops the cell (so a change that breaks
  it is caught), but on another seed a miss is reported in plain words,
  together with ``why`` it can happen, and the notebook goes on.

On real photos or in QUICK mode nothing is asserted: the cell says why, and
for each claim whether it held in this run, with its numbers. Introduced in notebook 01.
"""

from __future__ import annotations

import numbers

from .i18n import tr

DEFAULT_SEED = 0  # the seed the stored notebooks are run with


class Claims:
    """Collects the notebook's claims and checks them in :meth:`report`. Introduced in notebook 01."""

    def __init__(self, course):
        self.course = course
        self.results: list[tuple[str, bool, str, str | None]] = []  # (claim, holds, the numbers, why it may not)
        self.held: dict[str, bool] = {}

    def holds(self, claim: str, ok, numbers: str = "", why: str | None = None) -> bool:
        """Record ``claim``; ``ok`` says whether it holds, ``numbers`` shows the evidence."""
        self.results.append((claim, bool(ok), numbers, why))
        return bool(ok)

    def at_least(self, claim: str, value, bar, why: str | None = None) -> bool:
        """``claim`` holds when ``value >= bar``."""
        return self.holds(claim, value >= bar, f"{_show(value)} ≥ {_show(bar)}", why)

    def at_most(self, claim: str, value, bar, why: str | None = None) -> bool:
        """``claim`` holds when ``value <= bar``."""
        return self.holds(claim, value <= bar, f"{_show(value)} ≤ {_show(bar)}", why)

    def below(self, claim: str, value, bar, why: str | None = None) -> bool:
        """``claim`` holds when ``value < bar``."""
        return self.holds(claim, value < bar, f"{_show(value)} < {_show(bar)}", why)

    def report(self) -> None:
        """Print one line per claim; stop with an ``AssertionError`` if a claim of the lesson failed.

        Afterwards ``self.held`` is ``{claim: holds}`` (empty where the claims are not checked).
        Returns nothing, so the cell shows only the printed lines.
        """
        self.held = self._check()

    def _check(self) -> dict[str, bool]:
        course = self.course
        if not course.checks_claims:  # reported, never asserted: each line says whether it held in this run
            print(course.why_no_claims)
            for claim, ok, evidence, _ in self.results:
                line = tr("(not checked) {claim}: held here") if ok else tr("(not checked) {claim}: did not hold here")
                print("  " + line.format(claim=claim) + (f" ({evidence})" if evidence else ""))
            held = sum(ok for _, ok, _, _ in self.results)
            print(tr("{held} of {total} of these claims held in this run.").format(held=held, total=len(self.results)))
            return {}
        failed, unlucky = [], []
        for claim, ok, evidence, why in self.results:
            print(f"  {'✓' if ok else '✗'} {claim}" + (f"  ({evidence})" if evidence else ""))
            if not ok:
                (unlucky if why is not None and course.seed != DEFAULT_SEED else failed).append((claim, why))
        for claim, why in unlucky:
            print(tr("Not on this seed (SEED = {seed}): {claim}. {why}").format(seed=course.seed, claim=claim, why=why))
        if failed:
            raise AssertionError(tr("a claim of the lesson does not hold: {claims}").format(claims="; ".join(c for c, _ in failed)))
        print(tr("All claims hold.") if not unlucky else tr("The lesson's claims hold; the line above says what this seed changed."))
        return {claim: ok for claim, ok, _, _ in self.results}


def _show(value) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):  # also NumPy's floats
        return f"{float(value):.3f}"
    return str(value)
