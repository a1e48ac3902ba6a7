"""The Korean edition is the English series with translated text: same code, current translations, Hangul that renders.

- ``notebooks/ko/`` holds every notebook, and its code cells are the English
  code cells except for ``LANGUAGE = "ko"``: both editions compute the same numbers.
- Every translated Markdown cell records the hash of the English cell it
  translates; a changed English sentence makes the check name the cell.
- Every text the code marks with ``tr(...)`` has a Korean translation with the
  same ``{fields}``, and the compiled ``.mo`` files match the ``.po`` files.
- Korean charts render every glyph with the font that ships in a Python package.
"""

from __future__ import annotations

import re
import shutil
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import translations  # noqa: E402  (tools/translations.py)

ENGLISH = translations.english_notebooks()
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LINK = re.compile(r"\]\(([^)\s]+)\)")  # the target of a Markdown link


def _ids(notebook):
    return notebook.name[:2]


def test_every_english_notebook_has_a_korean_edition():
    assert ENGLISH, "no English notebooks found"
    missing = [nb.name for nb in ENGLISH if not translations.edition_path(nb, "ko").exists()]
    assert not missing, f"notebooks/ko/ lacks {missing}: run  make notebooks"
    extra = sorted({p.name for p in (ROOT / "notebooks" / "ko").glob("[0-9]*.ipynb")} - {nb.name for nb in ENGLISH})
    assert not extra, f"notebooks/ko/ holds notebooks with no English original: {extra}"


@pytest.mark.parametrize("notebook", ENGLISH, ids=_ids)
def test_korean_code_cells_are_the_english_code_cells(notebook):
    english = nbformat.read(notebook, as_version=4)
    korean = nbformat.read(translations.edition_path(notebook, "ko"), as_version=4)
    assert [c.id for c in korean.cells] == [c.id for c in english.cells], "the cells differ: run  make notebooks"
    for en, ko in zip(english.cells, korean.cells):
        assert ko.cell_type == en.cell_type, f"cell {en.id}: a {en.cell_type} cell in English, {ko.cell_type} in Korean"
        assert ko.metadata.get("tags", []) == en.metadata.get("tags", []), f"cell {en.id}: the tags differ"
        assert ko.metadata.get("slideshow") == en.metadata.get("slideshow"), f"cell {en.id}: the slide type differs"
        if en.cell_type != "code":
            continue
        if "parameters" in en.metadata.get("tags", []):
            assert 'LANGUAGE = "en"' in en.source and 'LANGUAGE = "ko"' in ko.source
            assert ko.source == en.source.replace('LANGUAGE = "en"', 'LANGUAGE = "ko"', 1), \
                f"cell {en.id}: the parameters differ in more than LANGUAGE"
        else:
            assert ko.source == en.source, f"cell {en.id}: the Korean code differs from the English code"


@pytest.mark.parametrize("notebook", ENGLISH, ids=_ids)
def test_korean_text_cells_are_the_current_translations(notebook):
    assert translations.problems(notebook, "ko") == []
    korean = nbformat.read(translations.edition_path(notebook, "ko"), as_version=4)
    texts = translations.read_texts(translations.text_path(notebook, "ko"))
    for cell in korean.cells:
        if cell.cell_type == "markdown":
            assert cell.source == texts[cell.id].text, \
                f"cell {cell.id} of notebooks/ko/{notebook.name} is not its translation: run  make notebooks"


def test_a_changed_english_sentence_names_the_cell_to_translate_again(tmp_path):
    notebook = ENGLISH[0]
    changed = tmp_path / notebook.name
    shutil.copy(notebook, changed)
    nb = nbformat.read(changed, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and len(c.source) > 200)
    cell.source = cell.source.replace(".", ". One more sentence.", 1)
    nbformat.write(nb, changed)
    found = translations.problems(changed, "ko")
    assert len(found) == 1 and f"cell {cell.id} is stale" in found[0], found


def test_a_missing_or_untranslated_cell_is_named(tmp_path, monkeypatch):
    notebook = ENGLISH[0]
    texts = translations.read_texts(translations.text_path(notebook, "ko"))
    first, second = list(texts)[:2]
    del texts[first]
    texts[second] = translations.Translation(texts[second].english_hash, "Still in English.")
    target = tmp_path / "ko" / "text" / (notebook.stem + ".md")
    translations.write_texts(target, texts)
    monkeypatch.setattr(translations, "NOTEBOOKS_DIR", tmp_path)
    monkeypatch.setattr(translations, "ROOT", tmp_path)
    found = translations.problems(notebook, "ko")
    assert any(f"cell {first} has no translation" in p for p in found), found
    assert any(f"cell {second} is not translated" in p for p in found), found


def test_every_marked_text_has_a_korean_translation_and_the_mo_files_are_compiled():
    assert translations.message_problems("ko") == []


def test_a_changed_english_message_is_named():
    wanted = translations.catalogs_found()
    some = next(m for m in wanted["notebooks"] if m.id)
    wanted["notebooks"].delete(some.id)
    wanted["notebooks"].add(some.id + " (changed)")
    found = translations.message_problems("ko", wanted)
    assert any("not in the catalogue yet" in p and "(changed)" in p for p in found), found
    assert any("no longer used" in p for p in found), found


def test_the_catalogues_mark_the_texts_of_code_cells_and_helpers():
    helpers = {m.id for m in translations.catalogs_found()["helpers"] if m.id}
    notebooks = {m.id for m in translations.catalogs_found()["notebooks"] if m.id}
    assert "cat" in helpers | notebooks and "the model fails on most Persians" in notebooks
    assert len(helpers) > 100 and len(notebooks) > 100


@pytest.fixture
def korean():
    from helpers import i18n

    i18n.set_language("ko")
    yield i18n
    i18n.set_language("en")


def test_tr_gives_korean_from_the_catalogue_and_english_back(korean):
    assert korean.tr("cat") == "고양이" and korean.tr("rabbit") == "토끼"
    assert HANGUL.search(korean.tr("the model fails on most Persians"))
    assert korean.tr("a text nobody translated") == "a text nobody translated"
    korean.set_language("en")
    assert korean.tr("cat") == "cat"


def test_a_wrong_language_gets_a_friendly_error():
    from helpers import i18n

    with pytest.raises(ValueError, match='"en".*"ko"'):
        i18n.check_language("fr")
    assert i18n.check_language(" KO ") == "ko"


def test_a_korean_figure_renders_every_glyph(korean, caplog):
    import logging

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from helpers import plots

    assert Path(font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.family"]))).name \
        == "NanumGothic.ttf"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a warning
        fig, ax = plt.subplots()
        ax.plot([-1, 0, 1], [0.2, -0.5, 1.0], label=korean.tr("cat"))
        ax.set_title("페르시안 고양이: 정확도 ≥ 0.90 → 미세 조정 ✓ ✗ · × ≈", fontweight="bold")
        ax.set_xlabel("에포크")
        ax.legend()
        fig.canvas.draw()
        plt.close(fig)
        plots.plot_epochs({korean.tr("cats and dogs answered right"): [0.5, 0.9]}, title="토끼만으로 훈련")
        plt.gcf().canvas.draw()
        plt.close("all")
    caplog.set_level(logging.INFO, logger="matplotlib.font_manager")
    with caplog.at_level(logging.INFO, logger="matplotlib.font_manager"):
        fig, ax = plt.subplots()
        ax.set_title("굵은 제목", fontweight="bold")
        fig.canvas.draw()
        plt.close(fig)
    assert not [r for r in caplog.records if "Failed to find font" in r.getMessage()], "no bold Hangul font"


@pytest.mark.parametrize("notebook", ENGLISH, ids=_ids)
def test_stored_korean_notebooks_speak_korean_and_miss_no_glyph(notebook):
    korean = nbformat.read(translations.edition_path(notebook, "ko"), as_version=4)
    printed = []
    for cell in korean.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") + "".join(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
            assert "missing from font" not in text, f"cell {cell.id}: a glyph was missing from the font"
            assert "findfont" not in text, f"cell {cell.id}: matplotlib did not find a font: {text[:200]}"
            printed.append(text)
    assert korean.metadata.get("numeric_fingerprint"), "notebooks/ko/ notebooks are stored executed: run  make notebooks"
    claims_cell = next(c for c in korean.cells if c.cell_type == "code" and "claims.report()" in c.source)
    claims = "".join(o.get("text", "") for o in claims_cell.outputs)
    assert HANGUL.search(claims), "the claims cell of the Korean notebook prints no Korean"
    figures = sum(1 for c in korean.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    assert figures, "the Korean notebook shows no figure"


@pytest.mark.parametrize("notebook", ENGLISH, ids=_ids)
def test_both_editions_computed_the_same_numbers(notebook):
    """The stored results (the dictionaries of numbers the cells end with) are the same in English and Korean."""
    english = nbformat.read(notebook, as_version=4)
    korean = nbformat.read(translations.edition_path(notebook, "ko"), as_version=4)
    compared = 0
    for en, ko in zip(english.cells, korean.cells):
        if en.cell_type != "code":
            continue
        results = [o["data"]["text/plain"] for o in en.outputs if o.output_type == "execute_result"
                   and str(o["data"].get("text/plain", "")).startswith(("{", "[", "0.", "1."))]
        if results:
            assert [o["data"]["text/plain"] for o in ko.outputs if o.output_type == "execute_result"] == results, \
                f"cell {en.id}: the Korean notebook computed other numbers"
            compared += 1
    assert compared, f"{notebook.name}: no stored results to compare"


@pytest.mark.parametrize("notebook", ENGLISH, ids=_ids)
def test_korean_text_keeps_the_numbers_and_links_of_the_english(notebook):
    """A translation keeps each section's minutes, every number a sentence states, and every link (one folder deeper)."""
    english = {c.id: c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown"}
    texts = translations.read_texts(translations.text_path(notebook, "ko"))
    for cell_id, source in english.items():
        korean = texts[cell_id].text
        assert re.findall(r"≈ (\d+) min", source) == re.findall(r"≈ (\d+)분", korean), f"cell {cell_id}: the minutes differ"
        numbers = sorted(re.findall(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])", re.sub(r"\([^)]*\.ipynb\)|`[^`]*`", "", source)))
        missing = [n for n in numbers if n not in korean and n.replace(",", "") not in korean]
        assert not missing, f"cell {cell_id}: the Korean text lacks the numbers {missing}"
        korean_links = LINK.findall(korean)
        for target in LINK.findall(source):
            if target.startswith(("http", "#")):
                continue
            assert any(t.lstrip("./").replace("README.ko.md", "README.md").replace("INSTRUCTOR.ko.md", "INSTRUCTOR.md")
                       .endswith(target.lstrip("./")) for t in korean_links), \
                f"cell {cell_id}: the link to {target} is missing"
            korean_target = (translations.edition_path(notebook, "ko").parent / next(
                t for t in korean_links if t.replace(".ko.md", ".md").endswith(target.lstrip("./"))))
            assert korean_target.resolve().exists(), f"cell {cell_id}: the link {korean_target} leads nowhere"
