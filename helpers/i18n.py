"""The notebook's language: every message, chart label and widget in English or Korean.

Each notebook's parameters cell holds ``LANGUAGE = "en"`` (or ``"ko"``), and its
setup cell calls ``setup.start(SEED, LANGUAGE)``, which calls
:func:`set_language`. From then on :func:`tr` gives a text in that language::

    from helpers.i18n import tr
    print(tr("the old columns are copied exactly:"), kept)

The English text is the key: the translations come from the standard
``gettext`` catalogues in ``helpers/locale/<language>/LC_MESSAGES/``
(``helpers.po`` for the helpers' own messages, ``notebooks.po`` for the texts
in the notebooks' code cells), compiled to ``.mo`` files with Babel by
``python tools/translations.py messages``. A text with no translation stays
English. Texts with values use ``str.format`` fields, so the translator can
move them: ``tr("{n} pictures").format(n=20)``.

For ``"ko"`` the charts use NanumGothic, the font that ships in the
``koreanize-matplotlib`` package (:func:`use_hangul_font`), so Hangul renders
on any computer without a system font. Introduced in notebook 01.
"""

from __future__ import annotations

import gettext
import importlib.util
from pathlib import Path

LANGUAGES = {"en": "English", "ko": "한국어"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAINS = ("helpers", "notebooks")  # the helpers' messages, then the notebooks' own texts
HANGUL_FONT = "NanumGothic"

_language = "en"
_catalogue: gettext.NullTranslations = gettext.NullTranslations()
_english_fonts: list | None = None  # matplotlib's font family before Korean, to switch back


def check_language(language) -> str:
    """``language`` as one of ``"en"`` and ``"ko"``, or a ValueError that says what to write. Used by ``i18n``."""
    if isinstance(language, str) and language.strip().lower() in LANGUAGES:
        return language.strip().lower()
    raise ValueError(
        f'LANGUAGE must be "en" (English) or "ko" (한국어), with quotes; got {language!r}. '
        'Change it in the parameters cell (or pass -p LANGUAGE ko to papermill) and run the notebook again. '
        '/ LANGUAGE는 "en"(영어) 또는 "ko"(한국어)여야 합니다. 매개변수 셀에서 바꾸고 노트북을 다시 실행하세요.'
    )


def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled translations for ``language`` (the helpers' and the notebooks' texts together). Used by ``i18n``."""
    language = check_language(language)
    result: gettext.NullTranslations = gettext.NullTranslations()
    if language == "en":
        return result
    for domain in reversed(DOMAINS):
        try:
            found = gettext.translation(domain, LOCALE_DIR, languages=[language])
        except FileNotFoundError:
            raise RuntimeError(
                f"The {LANGUAGES[language]} messages ({LOCALE_DIR / language / 'LC_MESSAGES' / (domain + '.mo')}) "
                "are missing. In the project folder run:  make install"
            ) from None
        found.add_fallback(result)
        result = found
    return result


def set_language(language) -> str:
    """Show every following message, chart label and widget in ``language`` (``"en"`` or ``"ko"``).

    For ``"ko"`` the charts also switch to a font with Hangul (:func:`use_hangul_font`);
    for ``"en"`` they switch back. Returns the language. Used by ``setup``, ``sharing``.
    """
    global _language, _catalogue
    language = check_language(language)
    _catalogue = catalogue(language)
    _language = language
    use_hangul_font(language == "ko")
    return language


def language() -> str:
    """The language chosen by :func:`set_language` (``"en"`` until then). Used by ``sharing``."""
    return _language


def tr(message: str) -> str:
    """``message`` (English) in the notebook's language. Introduced in notebook 01."""
    return _catalogue.gettext(message)


def trn(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for the number ``n``, in the notebook's language. Used by the helpers."""
    return _catalogue.ngettext(singular, plural, n)


def tr_noop(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (for texts kept in tables). Used by the helpers."""
    return message


def hangul_font_file() -> Path:
    """NanumGothic.ttf inside the installed ``koreanize-matplotlib`` package.

    The package is found without importing it: importing it would also change
    matplotlib's settings, and its module imports ``distutils``, which Python
    3.12 removed. Only its font file is used. Used by ``i18n``.
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The Korean font package is missing. In the project folder run:  make install  "
                           "(or: pip install koreanize-matplotlib)")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / f"{HANGUL_FONT}.ttf"


def use_hangul_font(on: bool = True) -> None:
    """Draw charts with NanumGothic (Hangul), falling back to matplotlib's own font for other symbols; or switch back.

    Used by ``i18n``.
    """
    global _english_fonts
    import matplotlib
    from matplotlib import font_manager

    if on:
        if _english_fonts is None:
            _english_fonts = list(matplotlib.rcParams["font.family"])
        for weight in hangul_font_file().parent.glob(f"{HANGUL_FONT}*.ttf"):  # regular and bold (bold titles, highlights)
            font_manager.fontManager.addfont(str(weight))
        # A list of families (not the generic "sans-serif"), so that each glyph NanumGothic lacks (−, ✓, ≥ …)
        # falls back to DejaVu Sans, which ships with matplotlib.
        matplotlib.rcParams["font.family"] = [HANGUL_FONT, "DejaVu Sans"]
    elif _english_fonts is not None:
        matplotlib.rcParams["font.family"] = _english_fonts
        _english_fonts = None
