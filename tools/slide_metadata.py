"""Give every cell of the notebooks its slide type, by fixed rules, so they can be presented.

    python tools/slide_metadata.py              # notebooks/[0-9]*.ipynb, rewritten where needed
    python tools/slide_metadata.py 03 path.ipynb
    python tools/slide_metadata.py --check      # exit 1 if a notebook lacks its slide metadata or has stale metadata

The slide types are the ones JupyterLab's property inspector ("Slide Type"),
jupyterlab-rise (live slides in JupyterLab) and ``jupyter nbconvert --to
slides`` (``make slides``) read from ``cell.metadata.slideshow.slide_type``.
The rules, first match wins:

- a cell tagged ``slide-manual`` keeps the slide type set by hand;
- cells tagged ``colab``, ``parameters``, ``injected-parameters`` or ``setup``,
  and the markdown cell ``## Setup``: **skip** (not shown; run them before presenting);
- markdown starting with ``**Instructor:**``: **notes** (presenter notes, press
  ``s`` in the exported slides; hidden from the audience);
- markdown starting with ``# `` (the title) or ``## `` (a section): **slide**;
- markdown starting with ``### `` or ``**Try it``: **subslide**;
- code tagged ``solution``: **subslide** (shown after the students tried);
- code that draws (``plots.``, ``widgets.``, ``plt.``, ``display(`` ...): **subslide**,
  or **fragment** when the markdown just before it introduces it (that
  markdown then starts the subslide) or is the heading of its slide;
- any other code or markdown: **fragment** (appears on the next click);
- last, a slide that would hold only markdown of one sentence (headings not
  counted) joins the slide before it, as a fragment: no one-sentence slides.

The notebook also gets ``metadata.rise = {"scroll": true, "theme": "white"}``
for jupyterlab-rise: long slides scroll, and the theme's fonts come with RISE
(its default theme, "simple", fetches fonts from Google: not offline). Running the tool twice changes nothing the second
time. The rules look only at the cells' sources and tags, never at outputs,
so they can run before the notebooks are executed (``make notebooks`` does).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_notebooks import find_notebooks  # noqa: E402  (the series in order, or those named by prefix or path)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"

MANUAL_TAG = "slide-manual"
SKIP_TAGS = {"colab", "parameters", "injected-parameters", "setup"}
RISE_SETTINGS = {"scroll": True, "theme": "white"}  # "white": fonts bundled (the default theme fetches Google Fonts)
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}

# Code that draws a picture or shows a widget (comments are removed before matching).
DRAWS = re.compile(r"\b(?:plots|widgets)\.\w+\s*\(|\bplt\.|\.plot\s*\(|\bimshow\s*\(|\bdisplay\s*\(")


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _first_line(cell) -> str:
    for line in cell.source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _code_without_comments(source: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in source.splitlines())


def draws(cell) -> bool:
    """Whether a code cell draws a figure or shows a widget (judged from its source)."""
    return cell.cell_type == "code" and bool(DRAWS.search(_code_without_comments(cell.source)))


def _own_type(cell) -> str | None:
    """The slide type a cell gets from its own content (None: plain markdown or code, decided by context)."""
    tags = _tags(cell)
    first = _first_line(cell)
    if tags & SKIP_TAGS:
        return "skip"
    if cell.cell_type == "markdown":
        if first.startswith("**Instructor:**"):
            return "notes"
        if re.fullmatch(r"##\s+Setup\b.*", first):
            return "skip"
        if first.startswith("# ") or first.startswith("## "):
            return "slide"
        if first.startswith("### ") or first.startswith("**Try it"):
            return "subslide"
        return None
    if cell.cell_type == "code":
        if "solution" in tags:
            return "subslide"
        return None
    return "skip"  # raw cells are not presented


def expected_types(nb) -> list[str | None]:
    """The slide type of each cell by the rules (None for a ``slide-manual`` cell: keep what it has)."""
    cells = nb.cells
    types: list[str | None] = [_own_type(cell) for cell in cells]
    for i, cell in enumerate(cells):
        if types[i] is not None:
            continue
        if cell.cell_type == "code" and draws(cell):
            j = i - 1
            while j >= 0 and types[j] == "notes":
                j -= 1
            if j >= 0 and cells[j].cell_type == "markdown" and types[j] in (None, "fragment"):
                types[j] = "subslide"  # the introduction starts the picture's slide
                types[i] = "fragment"
            elif j >= 0 and cells[j].cell_type == "markdown" and types[j] in ("slide", "subslide"):
                types[i] = "fragment"  # a heading right above: the picture belongs to its slide
            else:
                types[i] = "subslide"
        else:
            types[i] = "fragment"
    _join_one_sentence_slides(cells, types)
    for i, cell in enumerate(cells):
        if MANUAL_TAG in _tags(cell):
            types[i] = None
    return types


_HEADING = re.compile(r"(?m)^#{1,6} .*$")
_SENTENCE = re.compile(r"[.!?:]\**(?:\s|$)|\n\s*[-*] ")


def sentences(markdown: str) -> int:
    """How many sentences (or list items) a markdown text holds, headings not counted."""
    text = _HEADING.sub("", markdown).strip()
    if not text:
        return 0
    return max(1, len([part for part in _SENTENCE.split(text) if part.strip()]))


def _join_one_sentence_slides(cells, types) -> None:
    """A slide of markdown only, one sentence or less, becomes a fragment of the slide before it."""
    starts = [i for i, t in enumerate(types) if t in ("slide", "subslide")]
    for k, start in enumerate(starts):
        if k == 0:
            continue  # the first slide has nothing before it
        end = starts[k + 1] if k + 1 < len(starts) else len(cells)
        shown = [i for i in range(start, end) if types[i] not in ("skip", "notes")]
        if all(cells[i].cell_type == "markdown" for i in shown) and sum(sentences(cells[i].source) for i in shown) <= 1:
            types[start] = "fragment"


def _current(cell) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def problems(nb) -> list[str]:
    """What differs from the rules: a missing or stale slide type, or missing RISE settings."""
    found = []
    for index, (cell, expected) in enumerate(zip(nb.cells, expected_types(nb))):
        current = _current(cell)
        if expected is None:
            if current not in SLIDE_TYPES:
                found.append(f"cell {index}: tagged {MANUAL_TAG} but has no valid slide type ({current!r})")
        elif current is None:
            found.append(f"cell {index}: no slide type (expected {expected!r})")
        elif current != expected:
            found.append(f"cell {index}: slide type {current!r}, the rules say {expected!r}")
    rise = nb.metadata.get("rise", {})
    if any(rise.get(key) != value for key, value in RISE_SETTINGS.items()):
        found.append(f"notebook metadata: rise settings {rise!r}, expected to include {RISE_SETTINGS!r}")
    return found


def apply(nb) -> int:
    """Set the slide types (and RISE settings) in place; returns how many things changed (0: already right)."""
    changed = 0
    for cell, expected in zip(nb.cells, expected_types(nb)):
        if expected is None or _current(cell) == expected:
            continue
        slideshow = dict(cell.metadata.get("slideshow", {}))
        slideshow["slide_type"] = expected
        cell.metadata["slideshow"] = slideshow
        changed += 1
    rise = dict(nb.metadata.get("rise", {}))
    if any(rise.get(key) != value for key, value in RISE_SETTINGS.items()):
        rise.update(RISE_SETTINGS)
        nb.metadata["rise"] = rise
        changed += 1
    return changed


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="name prefixes such as 03, or notebook paths (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook's slide metadata is missing or stale")
    args = parser.parse_args(argv)
    paths = find_notebooks(args.notebooks)
    if not paths:
        print(f"No notebooks found in {_shown(NOTEBOOKS_DIR)}.", file=sys.stderr)
        return 1
    stale = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            found = problems(nb)
            if found:
                stale += 1
                print(f"{_shown(path)}: slide metadata out of date", file=sys.stderr)
                for line in found[:10]:
                    print(f"  {line}", file=sys.stderr)
                if len(found) > 10:
                    print(f"  ... and {len(found) - 10} more", file=sys.stderr)
            continue
        changed = apply(nb)
        if changed:
            nbformat.validate(nb)
            tmp = path.with_suffix(".ipynb.tmp")
            nbformat.write(nb, tmp)
            tmp.replace(path)
            print(f"{_shown(path)}: {changed} change(s)")
        else:
            print(f"{_shown(path)}: up to date")
    if stale:
        print(f"{stale} notebook(s) need slide metadata: run  python tools/slide_metadata.py", file=sys.stderr)
        return 1
    if args.check:
        print(f"slide metadata up to date in {len(paths)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
