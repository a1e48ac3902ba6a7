"""Build the student copies of the notebooks: the exercises' solutions replaced by stubs.

    python tools/make_student.py            # notebooks/[0-9]*.ipynb -> notebooks/student/ (what `make student` runs),
                                            # and the Korean edition notebooks/ko/ -> notebooks/ko/student/
    python tools/make_student.py --check    # change nothing; exit 1 if notebooks/student/ is out of date

In the notebooks of the series each exercise's solution is a code cell tagged
``solution`` whose code sits between ``# BEGIN SOLUTION`` and
``# END SOLUTION``, with a ``# HINT: ...`` line. In the student copy that code
becomes a stub::

    # Try it 1: your answer goes here, in place of these lines.
    # HINT: the share of dogs among the test pictures; compare it with
    #       the coin's 50 %
    lazy_accuracy = None  # your answer
    print("Try it 1: not answered yet. Write your answer in this cell, then run it again.")

- The stub keeps defined the names the rest of the notebook reads (here
  ``lazy_accuracy``), as ``None``, so the check cell after it prints "Not
  answered yet" instead of failing (``helpers.exercises.check``), and the rest
  of the notebook runs. The hint is wrapped to lines of at most
  :data:`HINT_WIDTH` characters.
- The cell is tagged ``exercise`` instead of ``solution``.
- Student copies are stored **without outputs** (every output and execution
  count cleared, no widget state): the student produces them by running the
  notebook, and the solutions' results are not given away. The notebooks of the
  series, with their outputs, are the solution copies.
- What is meant for the teacher or the project's maintainers is left out: the
  instructor's notes (markdown cells starting with ``**Instructor:**``),
  paragraphs that give project commands such as ``make student`` (``make lab``,
  which a student may need, stays), and links to the full notebooks (the link
  text stays).
- A first cell says that this is the student's copy and how the exercises work.

Nothing a student made is lost. ``notebooks/student/.make_student.json``
records the SHA-256 of every copy this script wrote (commit it with the
copies). A copy is replaced only while it is still exactly what was written
(without a record: while it has no outputs, no execution counts and every
exercise still has its stub). A copy that was answered, run or edited is
kept as it is, and the new copy is written beside it as ``NAME.new.ipynb``
(``NAME.new-2.ipynb`` ...); the script says so.

``--check`` builds the copies in memory and compares them with the files in
``notebooks/student/`` (as notebooks, ignoring JSON formatting); a copy that is
missing, or made by this script and out of date, is reported (``make student``
then fixes it without touching anyone's work). Copies changed by hand are
only mentioned. ``tests/test_student_copies.py`` runs it, so `make test` fails
until ``make student`` has been run after a notebook changed.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
STUDENT_DIR = NOTEBOOKS_DIR / "student"

RECORD_NAME = ".make_student.json"  # in the student folder: SHA-256 of each copy this script wrote
BEGIN, END, HINT = "# BEGIN SOLUTION", "# END SOLUTION", "# HINT:"
HEADER_ID = "student-copy"
HEADER = """\
> **Your copy of this notebook.** Run the cells from the top. In each "Try it" exercise cell, write your own code \
in place of the placeholder lines and run the cell again; the cell after it checks your answer and says \
"Not answered yet" until then. The rest of the notebook runs either way."""
HEADERS = {
    "en": HEADER,
    "ko": """\
> **여러분이 쓰는 노트북입니다.** 셀을 위에서부터 실행하세요. "직접 해 보기" 연습 셀마다 자리만 잡아 둔 줄 대신 \
자신의 코드를 쓰고 그 셀을 다시 실행합니다. 바로 다음 셀이 답을 확인하는데, 답을 쓰기 전에는 \
"아직 답하지 않았습니다"라고 말합니다. 노트북의 나머지 부분은 어느 쪽이든 실행됩니다.""",
}
# The editions: English (notebooks/) and the translations (notebooks/<language>/, tools/translations.py).
EDITIONS = {"en": (NOTEBOOKS_DIR, STUDENT_DIR), "ko": (NOTEBOOKS_DIR / "ko", NOTEBOOKS_DIR / "ko" / "student")}
STUB_MARK = "  # your answer"  # ends the line of a stub that the student replaces
HINT_WIDTH = 88  # characters per line of a hint in a stub, the comment sign included
INSTRUCTOR = "**Instructor:**"
INSTRUCTOR_NOTES = ("**Instructor:**", "**강사:**")  # a cell of notes for the instructor starts with one of these
# Project commands for maintainers, not students (a paragraph naming one is left out; `make lab` stays).
MAINTAINER_COMMAND = re.compile(r"\bmake (?:student|notebooks|slides|bench|test|test-unit|test-notebooks|clean|distclean)\b")
# A link to a full notebook from a student copy: ../NAME.ipynb (the copy's own folder holds the other copies).
SOLUTION_LINK = re.compile(r"\[([^\]]*)\]\(\.\./[^)\s]*\.ipynb\)")


class SolutionFormatError(ValueError):
    """A cell tagged ``solution`` without a well-formed BEGIN/END SOLUTION block."""


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


# -- which names a stub must keep defined -----------------------------------------------------


def _assigned_names(code: str) -> list[str]:
    """Top-level names the code binds, in order (assignments, for loops, def/class, imports)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []

    def targets(node):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                targets(element)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                targets(target)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
            targets(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.extend((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return [n for n in dict.fromkeys(names) if n != "_"]


def _loads_and_stores(code: str) -> tuple[set[str], set[str]]:
    try:
        tree = ast.parse(code)
    except SyntaxError:  # e.g. IPython magics; fall back to words
        words = set(re.findall(r"[A-Za-z_]\w*", code))
        return words, set()
    loads, stores = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
    return loads, stores


def names_used_later(names: list[str], later_sources: list[str]) -> list[str]:
    """Those of ``names`` that a later cell reads before binding them again."""
    needed = []
    for name in names:
        for source in later_sources:
            loads, stores = _loads_and_stores(source)
            if name in loads and name not in stores:
                needed.append(name)
                break
            if name in stores:
                break
    return needed


# -- the stub -----------------------------------------------------------------------------------


STUB_WORDS = {  # the stub's comment, the mark of the line to replace, and what it prints, per edition
    "en": ("your answer goes here, in place of these lines.", STUB_MARK,
           "not answered yet. Write your answer in this cell, then run it again."),
    "ko": ("이 줄들 대신 여러분의 답을 쓰세요.", "  # 여러분의 답",
           "아직 답하지 않았습니다(not answered yet). 이 셀에 답을 쓰고 다시 실행하세요."),
}


def stub_solution(source: str, label: str = "Exercise", keep: list[str] | None = None, language: str = "en") -> str:
    """The student version of a solution cell's source.

    Everything between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes: a
    comment, the ``# HINT:`` line (wrapped to :data:`HINT_WIDTH` characters),
    ``name = None  # your answer`` for each name in ``keep`` (default: the last
    name the solution binds) and a line that prints "<label>: not answered
    yet". Code outside the markers stays.
    """
    lines = source.splitlines()
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise SolutionFormatError(f"expected one '{BEGIN}' line followed by one '{END}' line, found {len(begins)} and {len(ends)}")
    begin, end = begins[0], ends[0]
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    block = lines[begin + 1 : end]
    hints = [line.strip()[len(HINT):].strip() for line in block if line.strip().startswith(HINT)]
    code = "\n".join(line for line in block if not line.strip().startswith(HINT))
    if keep is None:
        assigned = _assigned_names(_dedent(code, indent))
        keep = assigned[-1:]
    comment, mark, message = STUB_WORDS[language]
    stub = [f"{indent}# {label}: {comment}"]
    if hints:
        stub += textwrap.wrap(hints[0], width=HINT_WIDTH - len(indent), initial_indent=f"{indent}{HINT} ",
                              subsequent_indent=f"{indent}#{' ' * len(HINT)}", break_long_words=False, break_on_hyphens=False)
    stub += [f"{indent}{name} = None{mark}" for name in keep]
    stub.append(f"{indent}print({f'{label}: {message}'!r})")
    return "\n".join(lines[:begin] + stub + lines[end + 1 :])


def _dedent(code: str, indent: str) -> str:
    return "\n".join(line[len(indent):] if line.startswith(indent) else line for line in code.splitlines())


def _solution_code(source: str) -> str:
    lines = source.splitlines()
    inside, block = False, []
    for line in lines:
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside and not line.strip().startswith(HINT):
            block.append(line)
    return "\n".join(block)


def _label(cells, index: int) -> str:
    """ "Try it N" from the nearest markdown cell above that names one (the last it names)."""
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown":
            found = re.findall(r"(?:Try it|직접 해 보기) (\d+)", cell.source)
            if found:
                return f"Try it {found[-1]}"
    return "Exercise"


# -- whole notebooks --------------------------------------------------------------------------


def for_students(markdown: str) -> str:
    """A markdown cell's text without maintainer commands and with links to the full notebooks made plain text.

    Paragraphs (blocks between blank lines) that name a project command such
    as ``make student`` are left out; ``[text](../NAME.ipynb)`` becomes ``text``.
    """
    paragraphs = re.split(r"\n\s*\n", markdown)
    kept = [p for p in paragraphs if not MAINTAINER_COMMAND.search(p)]
    return SOLUTION_LINK.sub(r"\1", "\n\n".join(kept))


def student_copy(nb, name: str, language: str = "en"):
    """The student copy of a notebook (a new object; ``name`` is the source notebook's file name)."""
    nb = copy.deepcopy(nb)
    cells = [c for c in nb.cells if not (c.cell_type == "markdown" and c.source.lstrip().startswith(INSTRUCTOR_NOTES))]
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            cell.source = for_students(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        tags = _tags(cell)
        if "solution" in tags:
            later = [c.source for c in cells[index + 1 :] if c.cell_type == "code"]
            solution = _solution_code(cell.source)
            try:
                keep = names_used_later(_assigned_names(_dedent_block(solution)), later)
                cell.source = stub_solution(cell.source, _label(cells, index), keep or None, language)
            except SolutionFormatError as error:
                raise SolutionFormatError(f"{name}, cell {index}: {error}") from None
            tags = [t for t in tags if t not in ("solution", "raises-exception")]
            tags += [t for t in ("exercise",) if t not in tags]
            cell.metadata["tags"] = tags
    cells = [c for c in cells if c.cell_type != "markdown" or c.source.strip()]
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("numeric_fingerprint", None)  # no outputs, so no machine they were computed on
    header = nbformat.v4.new_markdown_cell(HEADERS[language])
    header["id"] = HEADER_ID
    header.metadata["tags"] = ["student-copy"]
    header.metadata["slideshow"] = {"slide_type": "skip"}
    nb.cells = [header] + cells
    return nb


def _dedent_block(code: str) -> str:
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines:
        return code
    width = min(len(line) - len(line.lstrip()) for line in lines)
    return "\n".join(line[width:] for line in code.splitlines())


def expected_copies(sources=None, language: str = "en") -> dict[Path, nbformat.NotebookNode]:
    """Student copy path -> the copy as it should be, for every notebook of the series (in one edition)."""
    notebooks_dir, student_dir = EDITIONS[language]
    sources = sorted(notebooks_dir.glob("[0-9]*.ipynb")) if sources is None else sources
    return {student_dir / path.name: student_copy(nbformat.read(path, as_version=4), path.name, language) for path in sources}


def _normalized(nb) -> str:
    return nbformat.writes(nb)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_record(student_dir: Path = STUDENT_DIR) -> dict[str, str]:
    """File name -> SHA-256 of what this script last wrote there (empty when there is no record)."""
    try:
        written = json.loads((student_dir / RECORD_NAME).read_text(encoding="utf-8")).get("written", {})
        return {str(k): str(v) for k, v in written.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_record(record: dict[str, str], student_dir: Path) -> None:
    text = json.dumps({"about": "SHA-256 of the student copies tools/make_student.py wrote; it replaces only these.",
                       "written": dict(sorted(record.items()))}, indent=1) + "\n"
    tmp = student_dir / (RECORD_NAME + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(student_dir / RECORD_NAME)


def _looks_generated(path: Path) -> bool:
    """A copy as this script writes it: no outputs, no execution counts, every exercise still a stub."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - unreadable: someone's, keep it
        return False
    if not nb.cells or nb.cells[0].get("id") != HEADER_ID:
        return False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.outputs or cell.execution_count is not None:
            return False
        if "exercise" in _tags(cell) and STUB_MARK not in cell.source:
            return False
    return True


def untouched(path: Path, record: dict[str, str]) -> bool:
    """True when the copy at ``path`` is still what this script wrote (so replacing it loses nothing)."""
    if path.name in record:
        return _sha256(path.read_bytes()) == record[path.name]
    return _looks_generated(path)


def _in_sync(target: Path, nb) -> bool:
    """The copy at ``target`` is the notebook ``nb`` (compared as notebooks, ignoring JSON formatting)."""
    try:
        return _normalized(nbformat.read(target, as_version=4)) == _normalized(nb)
    except Exception:  # noqa: BLE001 - unreadable: not in sync
        return False


def _is_new_copy(name: str) -> bool:
    return re.search(r"\.new(-\d+)?\.ipynb$", name) is not None


def out_of_date(expected: dict[Path, nbformat.NotebookNode] | None = None, student_dir: Path = STUDENT_DIR) -> list[str]:
    """What ``make student`` has to do in notebooks/student/ (empty: in sync). Copies changed by hand are not listed."""
    expected = expected_copies() if expected is None else expected
    record = read_record(student_dir)
    problems = []
    for path, nb in expected.items():
        target = student_dir / path.name
        if not target.exists():
            problems.append(f"{target.name}: missing")
            continue
        if _in_sync(target, nb):
            continue
        if untouched(target, record):
            problems.append(f"{target.name}: differs from what its notebook gives")
    wanted = {path.name for path in expected}
    for extra in sorted(student_dir.glob("*.ipynb")):
        if extra.name not in wanted and not _is_new_copy(extra.name) and extra.name in record and untouched(extra, record):
            problems.append(f"{extra.name}: no notebook of the series has this name any more (make student removes it)")
    return problems


def changed_by_hand(expected: dict[Path, nbformat.NotebookNode] | None = None, student_dir: Path = STUDENT_DIR) -> list[str]:
    """The copies someone answered, ran or edited since this script wrote them (``make student`` keeps them)."""
    expected = expected_copies() if expected is None else expected
    record = read_record(student_dir)
    found = []
    for path, nb in expected.items():
        target = student_dir / path.name
        if target.exists() and not _in_sync(target, nb) and not untouched(target, record):
            found.append(target.name)
    return found


def _beside(target: Path, record: dict[str, str]) -> Path:
    """Where the new copy goes when ``target`` holds someone's work: NAME.new.ipynb, or NAME.new-2.ipynb, ..."""
    for n in range(1, 1000):
        candidate = target.with_name(f"{target.stem}.new{'' if n == 1 else f'-{n}'}.ipynb")
        if not candidate.exists() or untouched(candidate, record):
            return candidate
    raise RuntimeError(f"too many new copies beside {target}; remove some of the .new files")


def write_copies(expected: dict[Path, nbformat.NotebookNode] | None = None, student_dir: Path = STUDENT_DIR) -> list[Path]:
    """Write the student copies that changed; returns the paths written.

    A copy is replaced only if it is still what this script wrote
    (:func:`untouched`); otherwise it is kept, and the new copy is written
    beside it (``NAME.new.ipynb``). Copies of notebooks that no longer exist
    are removed only if nobody changed them.
    """
    expected = expected_copies() if expected is None else expected
    student_dir.mkdir(parents=True, exist_ok=True)
    record = read_record(student_dir)
    written = []
    for path, nb in expected.items():
        target = student_dir / path.name
        text = _normalized(nb)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            record.setdefault(target.name, _sha256(text.encode("utf-8")))
            continue
        nbformat.validate(nb)
        if target.exists() and not untouched(target, record):
            target = _beside(target, record)
            if target.exists() and target.read_text(encoding="utf-8") == text:
                continue
        target.write_text(text, encoding="utf-8")
        record[target.name] = _sha256(target.read_bytes())
        written.append(target)
    wanted = {path.name for path in expected}
    for extra in sorted(student_dir.glob("*.ipynb")):
        if extra.name not in wanted and not _is_new_copy(extra.name) and extra.name in record and untouched(extra, record):
            extra.unlink()
            del record[extra.name]
    _write_record(record, student_dir)
    return written


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a student folder is out of date")
    args = parser.parse_args(argv)
    status = 0
    for language, (notebooks_dir, student_dir) in EDITIONS.items():
        if language != "en" and not notebooks_dir.exists():
            continue
        status |= make_edition(language, notebooks_dir, student_dir, args.check)
    return status


def make_edition(language: str, notebooks_dir: Path, student_dir: Path, check: bool) -> int:
    """``make student`` (or ``--check``) for one edition's notebooks."""
    try:
        expected = expected_copies(language=language)
    except SolutionFormatError as error:
        print(f"make_student: {error}", file=sys.stderr)
        return 1
    if not expected:
        print(f"No notebooks found in {_shown(notebooks_dir)}.", file=sys.stderr)
        return 1
    if check:
        problems = out_of_date(expected, student_dir)
        for name in changed_by_hand(expected, student_dir):
            print(f"note: {name} was changed since make student wrote it (someone's work): it is kept, "
                  f"and make student writes the new copy beside it.", file=sys.stderr)
        if problems:
            print(f"{_shown(student_dir)}/ is out of date:", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            print("Run  make student  (python tools/make_student.py): it replaces only copies nobody changed, "
                  f"and commit {_shown(student_dir)}/.", file=sys.stderr)
            return 1
        print(f"{_shown(student_dir)}/ is up to date ({len(expected)} notebooks).")
        return 0
    written = write_copies(expected, student_dir)
    for path in written:
        if _is_new_copy(path.name):
            kept = path.with_name(re.sub(r"\.new(-\d+)?\.ipynb$", ".ipynb", path.name))
            print(f"kept {_shown(kept)}: it was changed since make student wrote it (answered, run or edited), "
                  f"so the new copy went beside it: {_shown(path)}")
        else:
            print(f"wrote {_shown(path)}")
    print(f"{len(expected)} student copies in {_shown(student_dir)}/ ({len(written)} written).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
