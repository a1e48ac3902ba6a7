"""The translated editions of the notebooks: one source (the English notebook), checked.

    python tools/translations.py build            # write notebooks/ko/*.ipynb from the English notebooks and the texts
    python tools/translations.py check            # list missing, stale and orphan translations (exit 1 if any)
    python tools/translations.py update           # add new English cells to the text files, to be translated
    python tools/translations.py messages         # gather the code's texts into the .po catalogues, compile the .mo files

A translated notebook is the English notebook with two changes, and nothing else:

- each Markdown cell's text comes from ``notebooks/<language>/text/<notebook>.md``,
  where it is stored under the English cell's id together with the hash of the
  English text it translates (``<!-- cell c00 · en 1a2b3c4d5e6f -->``);
- the parameters cell says ``LANGUAGE = "<language>"`` instead of ``"en"``.

The code cells are the English code cells, so both editions compute the same
numbers; ``tests/test_translations.py`` proves it. When an English Markdown cell
changes, its hash no longer matches the one stored with its translation, and the
check names the cells to translate again: no translation goes stale silently.
``build`` refuses to write an edition whose texts are not complete and current.

The texts the code shows (the helpers' messages, and the chart titles, claims
and printouts in the notebooks' code cells) are marked ``tr("...")`` and
translated with the standard ``gettext`` catalogues of ``helpers.i18n``:
``messages`` extracts them with Babel into
``helpers/locale/<language>/LC_MESSAGES/{helpers,notebooks}.po`` (keeping
every translation made; a changed English text comes back marked ``fuzzy``,
which counts as untranslated) and compiles the ``.mo`` files next to them.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
LANGUAGES = ("ko",)  # the translated editions ("en" is the source)
MARKER = re.compile(r"^<!-- cell (?P<id>\S+) · en (?P<hash>[0-9a-f]{12}) -->$", re.MULTILINE)
LANGUAGE_LINE = re.compile(r'^LANGUAGE = "en"', re.MULTILINE)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def english_notebooks() -> list[Path]:
    """The series' English notebooks, in order."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))


def text_path(notebook: Path, language: str) -> Path:
    """Where the translated texts of an English notebook are kept."""
    return NOTEBOOKS_DIR / language / "text" / (notebook.stem + ".md")


def edition_path(notebook: Path, language: str) -> Path:
    """Where the translated notebook is written."""
    return NOTEBOOKS_DIR / language / notebook.name


def cell_hash(source: str) -> str:
    """The short hash of an English cell's text that its translation records."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


@dataclass
class Translation:
    english_hash: str
    text: str


def read_texts(path: Path) -> dict[str, Translation]:
    """The translations in a text file, by English cell id."""
    if not path.exists():
        return {}
    content = path.read_text(encoding="utf-8")
    markers = list(MARKER.finditer(content))
    texts = {}
    for marker, following in zip(markers, markers[1:] + [None]):
        end = following.start() if following else len(content)
        texts[marker["id"]] = Translation(marker["hash"], content[marker.end():end].strip("\n"))
    return texts


def write_texts(path: Path, texts: dict[str, Translation]) -> None:
    """Write translations in the order given (that of the English notebook)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = [f"<!-- cell {cell_id} · en {t.english_hash} -->\n{t.text}\n" for cell_id, t in texts.items()]
    path.write_text("\n".join(parts), encoding="utf-8")


def markdown_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "markdown"]


def problems(notebook: Path, language: str) -> list[str]:
    """What keeps the translation of one notebook from being complete and current (empty when it is)."""
    nb = nbformat.read(notebook, as_version=4)
    texts = read_texts(text_path(notebook, language))
    where = text_path(notebook, language).relative_to(ROOT)
    found = []
    english_ids = set()
    for cell in markdown_cells(nb):
        english_ids.add(cell.id)
        translation = texts.get(cell.id)
        if translation is None:
            found.append(f"{where}: cell {cell.id} has no translation yet")
        elif translation.english_hash != cell_hash(cell.source):
            found.append(f"{where}: cell {cell.id} is stale: its English text changed; translate it again "
                         f"and record the new hash {cell_hash(cell.source)}")
        elif not HANGUL.search(translation.text):
            found.append(f"{where}: cell {cell.id} is not translated (no Korean in it)")
    for cell_id in texts:
        if cell_id not in english_ids:
            found.append(f"{where}: cell {cell_id} is no longer a Markdown cell of {notebook.name}; remove it")
    return found


def edition(notebook: Path, language: str):
    """The translated notebook: the English one with translated Markdown and ``LANGUAGE = "<language>"``."""
    nb = nbformat.read(notebook, as_version=4)
    texts = read_texts(text_path(notebook, language))
    translated = copy.deepcopy(nb)
    for cell in translated.cells:
        if cell.cell_type == "markdown":
            cell.source = texts[cell.id].text
        elif "parameters" in cell.metadata.get("tags", []):
            if not LANGUAGE_LINE.search(cell.source):
                raise SystemExit(f"{notebook.name}: the parameters cell has no line LANGUAGE = \"en\"")
            cell.source = LANGUAGE_LINE.sub(f'LANGUAGE = "{language}"', cell.source, count=1)
    return translated


def build(notebooks: list[Path], language: str) -> int:
    """Write the translated notebooks (without outputs; ``make notebooks`` then runs them)."""
    trouble = [p for notebook in notebooks for p in problems(notebook, language)]
    if trouble:
        print("The translations are not complete and current:", *trouble, sep="\n  ", file=sys.stderr)
        return 1
    for notebook in notebooks:
        target = edition_path(notebook, language)
        nb = edition(notebook, language)
        if target.exists():  # keep the outputs of code cells whose code did not change
            old = {cell.id: cell for cell in nbformat.read(target, as_version=4).cells}
            for cell in nb.cells:
                previous = old.get(cell.id)
                if cell.cell_type == "code" and previous is not None and previous.source == cell.source:
                    cell.outputs, cell.execution_count = previous.outputs, previous.execution_count
                elif cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            nb.metadata = nbformat.read(target, as_version=4).metadata
        else:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


def update(notebooks: list[Path], language: str) -> None:
    """Add each English Markdown cell that has no translation yet to the text file (as English, to be translated).

    Translations already there are kept as they are, also stale ones (the check names them).
    """
    for notebook in notebooks:
        nb = nbformat.read(notebook, as_version=4)
        path = text_path(notebook, language)
        texts = read_texts(path)
        ordered = {}
        for cell in markdown_cells(nb):
            ordered[cell.id] = texts.get(cell.id) or Translation(cell_hash(cell.source), cell.source)
        for cell_id, translation in texts.items():  # orphans stay, for the translator to reuse or remove
            ordered.setdefault(cell_id, translation)
        write_texts(path, ordered)
        print(f"updated {path.relative_to(ROOT)}")


# The functions that mark a text for the catalogue (helpers/i18n.py), as Babel's keywords.
KEYWORDS = {"tr": None, "trn": (1, 2), "tr_noop": None}
LOCALE_DIR = ROOT / "helpers" / "locale"
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)  # no date churn in the catalogues


def extract_helpers() -> list[tuple[str, str, str | tuple]]:
    """(where, message, comment) for each text marked in ``helpers/*.py``."""
    from babel.messages.extract import extract

    found = []
    for path in sorted((ROOT / "helpers").glob("*.py")):
        with path.open("rb") as f:
            for lineno, message, comments, _context in extract("python", f, keywords=KEYWORDS):
                found.append((f"helpers/{path.name}", message, comments))
    return found


def extract_notebooks() -> list[tuple[str, str, str | tuple]]:
    """(where, message, comment) for each text marked in the English notebooks' code cells."""
    from babel.messages.extract import extract

    found = []
    for notebook in english_notebooks():
        nb = nbformat.read(notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            for lineno, message, comments, _context in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS):
                found.append((f"notebooks/{notebook.name}#{cell.id}", message, comments))
    return found


def template(found) -> "Catalog":
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="transfer-learning-notebooks", creation_date=FIXED_DATE, fuzzy=False)
    for where, message, comments in found:
        catalog.add(message, locations=[(where, None)], auto_comments=comments)
    return catalog


def po_path(language: str, domain: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(language: str, domain: str):
    from babel.messages.pofile import read_po

    with po_path(language, domain).open("rb") as f:
        return read_po(f, locale=language, domain=domain)


def compiled(catalog) -> bytes:
    """The ``.mo`` file of a catalogue (fuzzy translations left out: they count as untranslated)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def mo_texts(mo: bytes) -> dict:
    """{English: translation} in a ``.mo`` file, without its header (which names the Babel version that wrote it)."""
    from babel.messages.mofile import read_mo

    return {(m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in read_mo(io.BytesIO(mo)) if m.id}


def catalogs_found():
    """{domain: template catalogue} of the texts marked in the code today."""
    return {"helpers": template(extract_helpers()), "notebooks": template(extract_notebooks())}


def message_problems(language: str, wanted_by_domain=None) -> list[str]:
    """Untranslated, fuzzy (English changed) or unused messages, broken fields, and stale ``.mo`` files.

    ``wanted_by_domain`` is ``{domain: template}``, by default what the code marks today (:func:`catalogs_found`).
    """
    import string

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)

    found = []
    for domain, wanted in (wanted_by_domain or catalogs_found()).items():
        where = po_path(language, domain).relative_to(ROOT)
        if not po_path(language, domain).exists():
            found.append(f"{where} is missing: run  python tools/translations.py messages")
            continue
        catalog = read_catalog(language, domain)
        for message in wanted:
            if not message.id:
                continue
            have = catalog.get(message.id)
            english = message.id if isinstance(message.id, str) else message.id[0]
            if have is None:
                found.append(f"{where}: not in the catalogue yet: {english!r}")
            elif have.fuzzy or not have.string or not all(have.string if isinstance(have.string, tuple) else [have.string]):
                found.append(f"{where}: not translated{' (its English changed)' if have.fuzzy else ''}: {english!r}")
            else:
                translated = have.string if isinstance(have.string, str) else have.string[0]
                try:
                    if fields(translated) != fields(english):
                        found.append(f"{where}: the fields {{…}} differ from the English: {english!r}")
                except ValueError as error:
                    found.append(f"{where}: {error} in the translation of {english!r}")
        for message in catalog:
            if message.id and wanted.get(message.id) is None:
                found.append(f"{where}: no longer used in the code (remove it): {message.id!r}")
        mo = po_path(language, domain).with_suffix(".mo")
        if not mo.exists() or mo_texts(mo.read_bytes()) != mo_texts(compiled(catalog)):
            found.append(f"{mo.relative_to(ROOT)} is not compiled from the .po file: run  python tools/translations.py messages")
    return found


def messages(language: str) -> None:
    """Bring the ``.po`` catalogues up to date with the code's marked texts, then compile each ``.mo``."""
    from babel.messages.pofile import write_po

    for domain, wanted in catalogs_found().items():
        path = po_path(language, domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            catalog = read_catalog(language, domain)
            catalog.update(wanted, update_creation_date=False)
            for message in list(catalog.obsolete):  # texts no longer in the code: dropped (git keeps them)
                del catalog.obsolete[message]
        else:
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=language, domain=domain, project="transfer-learning-notebooks", version="0.1.0",
                              copyright_holder="the authors of the series", fuzzy=False,
                              creation_date=FIXED_DATE, revision_date=FIXED_DATE)
            catalog.update(wanted)
        catalog.revision_date = FIXED_DATE
        catalog.language_team = "Korean"
        catalog.last_translator = "the series' translators"
        with path.open("wb") as f:
            write_po(f, catalog, width=100, include_lineno=False, sort_output=False)
        path.with_suffix(".mo").write_bytes(compiled(read_catalog(language, domain)))
        missing = sum(1 for m in catalog if m.id and (m.fuzzy or not m.string))
        print(f"{path.relative_to(ROOT)}: {len(wanted)} texts, {missing} to translate")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "check", "update", "messages"])
    parser.add_argument("notebooks", nargs="*", help="name prefixes such as 03 (default: all)")
    args = parser.parse_args(argv)
    notebooks = [nb for nb in english_notebooks()
                 if not args.notebooks or any(nb.name.startswith(prefix) for prefix in args.notebooks)]
    status = 0
    for language in LANGUAGES:
        if args.command == "build":
            status |= build(notebooks, language)
        elif args.command == "update":
            update(notebooks, language)
        elif args.command == "messages":
            messages(language)
        else:
            trouble = [p for notebook in notebooks for p in problems(notebook, language)]
            if not args.notebooks:
                trouble += message_problems(language)
            print(*trouble, sep="\n") if trouble else print(f"{language}: every translation is complete and current")
            status |= bool(trouble)
    return status


if __name__ == "__main__":
    sys.exit(main())
