"""Write a reveal.js slide deck of each notebook into build/slides/, one that works offline.

    python tools/make_slides.py               # every notebooks/[0-9]*.ipynb (what `make slides` runs)
    python tools/make_slides.py 03            # only the notebooks whose names start with 03
    python tools/make_slides.py some.ipynb --out /tmp/deck

Open ``build/slides/index.html`` (or one ``NN_name.slides.html``) in a browser:
arrow keys move, ``s`` opens the presenter view with the instructor's notes,
``f`` is full screen. The folder is self-contained: copy it to a USB stick
and present without a network.

How it stays offline:

- reveal.js comes from npm, pinned in ``package.json`` / ``package-lock.json``.
  If ``node_modules/reveal.js`` is missing this tool runs ``npm ci`` once; without
  npm it stops and says what to install. The files a deck needs (reveal.js,
  its CSS, the white theme with its fonts, the notes plugin) are copied into
  ``build/slides/reveal.js/`` and referenced relatively.
- nbconvert's slide template loads jQuery, require.js, MathJax, mermaid and the
  widget renderer from CDNs. This tool's template (``TEMPLATE`` below, on top
  of nbconvert's ``reveal`` template) leaves them all out and starts reveal.js
  with plain ``<script>`` tags. The notebooks use no LaTeX math or mermaid
  diagrams; a notebook that does gets a warning (it would show the source text).
- Widgets cannot run without a kernel: each widget output shows the picture
  the helpers store next to it (its view at the default value) under the
  line "<what it shows>: live in the notebook; here, its picture." On the
  slide of a widget, sentences that ask the audience to use it ("Move the
  slider ...", "Pick another breed ...") are left out. (jupyterlab-rise draws
  no widgets either: jupyterlab-contrib/rise#119.)
- Sized for a projector: body text about 28 px on the 1280x800 slide, code
  20 px, and figures widened to the slide's width.
- Every written file is scanned for references to ``http(s)://`` resources
  (scripts, style sheets, fonts, images, imports); any found is an error.
  Ordinary links in the text (``<a href="https://...">``) are fine: they load
  nothing until clicked.

The slide types come from ``tools/slide_metadata.py``; its rules are applied to
the deck's copy of each notebook, so a notebook whose stored slide metadata is
out of date still gives the right deck (with a warning).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "slides"
NODE_MODULES = ROOT / "node_modules"
REVEAL_SRC = NODE_MODULES / "reveal.js"
ASSETS = "reveal.js"  # folder next to the decks
THEME = "white"
# What a deck loads, relative to node_modules/reveal.js (the nbconvert 7 layout of reveal.js 4).
REVEAL_FILES = [
    "LICENSE",
    "dist/reveal.js",
    "dist/reveal.css",
    f"dist/theme/{THEME}.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PICTURE_CLASS = "tl-widget-picture"  # helpers.widgets.PICTURE_CLASS
ON_SLIDES = "live in the notebook; here, its picture."
ONLY_LIVE = "live in the notebook only."  # a widget without a picture (the photo upload)
# A sentence that asks the reader to use a widget: it starts with such a verb, or says "you can <verb>".
USE_A_WIDGET = re.compile(
    r"^\(?(?:in jupyterlab,? )?(?:you can )?(?:move|drag|slide|pick|choose|select|click|press|page through|upload|browse the)\b",
    re.I,
)
# The same for the translated editions (notebooks/<language>/, tools/translations.py), whose decks go to
# build/slides/<language>/. A Korean sentence asking to use a widget is a request ("...골라 비교하거나, 페이지를
# 넘겨 보십시오."), or the note on what JupyterLab offers and a saved copy shows ("(JupyterLab에서는 ...").
TEXTS = {
    "en": {"on_slides": ON_SLIDES, "only_live": ONLY_LIVE, "use_a_widget": USE_A_WIDGET, "lang": "en",
           "title": "Slides: Standing on a model's shoulders", "heading": "Standing on a model's shoulders: slides",
           "help": "Arrow keys move; <kbd>s</kbd> opens the presenter view with the notes; <kbd>f</kbd> is full screen. "
                   "These decks work offline. To run code and widgets live, present the notebook in JupyterLab (RISE)."},
    "ko": {"on_slides": "노트북에서는 직접 조작할 수 있고, 여기서는 그 그림입니다.", "only_live": "노트북에서만 쓸 수 있습니다.",
           "use_a_widget": re.compile(r"^\(?(?:JupyterLab에서는|저장된 사본에는)|"
                                      r"(?:둘러보|움직|끌어|골라|고르|선택|누르|눌러|클릭|넘기|넘겨|올리|올려)[^.!?]*"
                                      r"(?:십시오|세요|봅시다)[.!?)]*$"),
           "lang": "ko", "title": "슬라이드: 모델의 어깨 위에 서서", "heading": "모델의 어깨 위에 서서: 슬라이드",
           "help": "화살표 키로 넘기고, <kbd>s</kbd>는 강사 노트가 있는 발표자 화면, <kbd>f</kbd>는 전체 화면입니다. "
                   "이 슬라이드는 인터넷 없이 열립니다. 코드와 위젯을 직접 실행하려면 JupyterLab(RISE)에서 노트북으로 발표하세요."},
}


def language_of(notebook: Path) -> str:
    """ "ko" for a notebook of the Korean edition (notebooks/ko/), otherwise "en"."""
    return Path(notebook).parent.name if Path(notebook).parent.name in TEXTS else "en"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import slide_metadata  # noqa: E402  (tools/slide_metadata.py)


class SlidesError(RuntimeError):
    """The decks cannot be built; the message says what to do."""


# nbconvert's reveal template without anything from the network.
TEMPLATE_NAME = "offline_slides.html.j2"
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{#- No jQuery, require.js or mermaid from CDNs; no MathJax; no widget renderer. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
/* Pictures fit the slide; long slides scroll (see fitLongSlides below). */
.reveal .jp-OutputArea-output img { display: block; margin: 0 auto; width: 100%; max-width: 1180px; height: auto;
  max-height: 600px; object-fit: contain; }
.reveal section.tl-scroll { overflow-y: auto; }
/* Projector sizes: the slide is 1280x800 and reveal.js scales it to the screen. */
.reveal .jp-RenderedHTMLCommon, .reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon li { font-size: 28px; line-height: 1.35; }
.reveal .jp-RenderedHTMLCommon h1 { font-size: 54px; } .reveal .jp-RenderedHTMLCommon h2 { font-size: 44px; }
.reveal .jp-RenderedHTMLCommon h3 { font-size: 36px; }
.reveal .jp-InputArea pre, .reveal .jp-OutputArea pre, .reveal .jp-RenderedHTMLCommon code { font-size: 20px; line-height: 1.3; }
.reveal .tl-widget-picture p { font-size: 22px; color: #555; text-align: center; }
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3, .reveal .slides h4 { text-transform: none; }
</style>
{%- endblock html_head_css -%}
{%- block footer_js -%}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true,
  progress: true,
  history: true,
  slideNumber: "c/t",
  transition: "{{ resources.reveal.transition }}",
  width: {{ resources.reveal.width }},
  height: {{ resources.reveal.height }},
  plugins: [RevealNotes]
});
// A slide taller than the screen gets a scroll bar instead of being cut off.
function fitLongSlides() {
  var limit = Reveal.getConfig().height;
  document.querySelectorAll('.reveal .slides section.present > section.present, .reveal .slides > section.present:not(.stack)').forEach(function (s) {
    if (s.scrollHeight > limit) { s.classList.add('tl-scroll'); s.style.height = limit + 'px'; s.style.top = '0px'; }
  });
}
Reveal.on('ready', fitLongSlides);
Reveal.on('slidechanged', fitLongSlides);
</script>
{%- endblock footer_js -%}
"""

# A reference that makes the browser fetch something: src=/href= of a tag other
# than <a>, CSS url(...) and @import, JS import/require/fetch of a literal URL.
_URL = r"""(?:https?:)?//[^\s"'()<>]+"""
_FETCHING = [
    re.compile(r"<(?!a[\s>])(\w+)\b[^>]*?\s(?:src|href|data|poster|srcset)\s*=\s*[\"']?(" + _URL + ")", re.I),
    re.compile(r"url\(\s*[\"']?(" + _URL + ")", re.I),
    re.compile(r"@import\s+[\"'](" + _URL + ")", re.I),
    re.compile(r"\b(?:import|require|fetch|importScripts)\s*\(?\s*\[?\s*[\"'](" + _URL + ")", re.I),
    re.compile(r"\bfrom\s+[\"'](" + _URL + ")", re.I),
]


def remote_references(text: str) -> list[str]:
    """The http(s) (or protocol-relative) addresses in ``text`` that a browser would fetch on opening it."""
    found = []
    for pattern in _FETCHING:
        for match in pattern.finditer(text):
            found.append(match.group(match.lastindex))
    return sorted(set(found))


_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def strip_style_comments(page: str) -> str:
    """Remove the comments inside ``<style>`` elements (nbconvert's CSS cites web pages in them).

    They load nothing, but without them the only http(s) addresses left in a
    deck are the links written in the notebook's text, which is easy to check.
    """
    return _STYLE.sub(lambda m: m.group(1) + _CSS_COMMENT.sub("", m.group(2)) + m.group(3), page)


# -- reveal.js from npm ------------------------------------------------------------------


def pinned_reveal_version() -> str:
    package = json.loads((ROOT / "package.json").read_text())
    return package["dependencies"]["reveal.js"]


def _installed_reveal_version() -> str | None:
    try:
        return json.loads((REVEAL_SRC / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_reveal(install: bool = True) -> Path:
    """``node_modules/reveal.js`` at the pinned version, fetched with ``npm ci`` if needed."""
    wanted = pinned_reveal_version()
    have = _installed_reveal_version()
    if have != wanted:
        npm = shutil.which("npm")
        what = "missing" if have is None else f"version {have}, but package.json pins {wanted}"
        if not install or npm is None:
            raise SlidesError(
                f"reveal.js {wanted} is needed for the slides and node_modules/reveal.js is {what}.\n"
                + ("npm (Node.js) was not found. Install it, then run `make slides` again:\n"
                   "  Debian/Ubuntu: sudo apt-get install nodejs npm\n"
                   "  conda:         conda install -c conda-forge nodejs\n"
                   "  otherwise:     https://nodejs.org (any current LTS)\n"
                   if npm is None else "Run `npm ci` in the project folder.\n")
                + "(`make slides` then runs `npm ci`, which installs reveal.js from package-lock.json into node_modules/.)"
            )
        print(f"reveal.js is {what}: running npm ci (package-lock.json) ...", flush=True)
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0 or _installed_reveal_version() != wanted:
            raise SlidesError(
                f"`npm ci` could not install reveal.js {wanted} (exit status {result.returncode}). "
                "It needs the npm registry once; offline, copy node_modules/ from a machine that has it.\n"
                + (result.stderr or result.stdout)[-2000:]
            )
    missing = [name for name in REVEAL_FILES if not (REVEAL_SRC / name).exists()]
    if missing:
        raise SlidesError(
            f"node_modules/reveal.js {wanted} lacks {', '.join(missing)} (the layout nbconvert's reveal template expects). "
            "Delete node_modules/ and run `make slides` again."
        )
    return REVEAL_SRC


def copy_reveal(out_dir: Path, source: Path = REVEAL_SRC) -> Path:
    """Copy the files a deck loads into ``out_dir/reveal.js/``."""
    target = out_dir / ASSETS
    if target.exists():
        shutil.rmtree(target)
    for name in REVEAL_FILES:
        src, dst = source / name, target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    return target


# -- notebooks to decks ---------------------------------------------------------------------

_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^\s$][^$\n]*?(?<!\s)\$(?!\d)|\\\(|\\\[|\\begin\{", re.S)
_MERMAID = re.compile(r"^```mermaid", re.M)


def _widget_label(data: dict) -> str:
    """What a widget output shows, from its text ("Data browser — breed: tabby"), without the note after it."""
    text = data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    return re.sub(r"\s*\([^()]*\)\s*$", "", text).strip() or "An interactive widget"


def _picture_of(data: dict, language: str = "en") -> dict:
    """The deck's version of a widget output: its picture, under one line that says the widget is live in the notebook."""
    label = html.escape(_widget_label(data))
    picture = data.get("image/png")
    on_slides, only_live = TEXTS[language]["on_slides"], TEXTS[language]["only_live"]
    if picture:
        picture = "".join(picture) if isinstance(picture, list) else picture
        body = f'<p><i>{label}:</i> {on_slides}</p><img src="data:image/png;base64,{picture.strip()}" alt="{label}"/>'
    else:
        body = f"<p><i>{label}:</i> {only_live}</p>"
    line = f"{_widget_label(data)}: {on_slides if picture else only_live}"
    return {"text/html": f'<div class="{PICTURE_CLASS}">{body}</div>', "text/plain": line}


def is_widget_output(output) -> bool:
    """A widget's output: its live view, or the picture and line the helpers show where it cannot be live."""
    data = output.get("data") or {}
    page = data.get("text/html", "")
    return WIDGET_VIEW in data or PICTURE_CLASS in ("".join(page) if isinstance(page, list) else page)


def slides_of(nb) -> list[list[int]]:
    """The cells of each slide (slide or subslide), by index; skipped cells and notes belong to none."""
    groups: list[list[int]] = []
    for index, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(index)
    return groups


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")


def without_widget_use(markdown: str, language: str = "en") -> str:
    """The markdown without the sentences that ask the reader to use a widget (:data:`USE_A_WIDGET`)."""
    use_a_widget = TEXTS[language]["use_a_widget"]
    kept_lines = []
    for line in markdown.split("\n"):
        parts = _SENTENCE_END.split(line)
        kept = [part for part in parts if not (use_a_widget.match(part.strip()) if language == "en" else use_a_widget.search(part.strip()))]
        if kept or not line.strip():
            kept_lines.append(" ".join(part for part in kept if part))
    return "\n".join(kept_lines)


def prepare(nb, language: str = "en") -> tuple[object, list[str]]:
    """A copy of the notebook ready for the deck, and warnings about it.

    Applies the slide rules, replaces each widget output by its picture under
    the line "...: live in the notebook; here, its picture.", leaves out the
    sentences asking to use a widget on that widget's slide, and drops the
    widget state.
    """
    nb = copy.deepcopy(nb)
    warnings = []
    if language == "en":  # a translation carries the English notebook's slide types (tools/translations.py)
        stale = slide_metadata.problems(nb)
        if stale:
            warnings.append(f"slide metadata out of date ({len(stale)} differences); using the rules (run python tools/slide_metadata.py)")
        slide_metadata.apply(nb)
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.metadata.get("slideshow", {}).get("slide_type") != "skip":
            if _MATH.search(cell.source):
                warnings.append(f"cell {index}: LaTeX math is shown as source text (no MathJax offline)")
            if _MERMAID.search(cell.source):
                warnings.append(f"cell {index}: mermaid diagrams are shown as source text (no mermaid offline)")
    for group in slides_of(nb):
        cells = [nb.cells[i] for i in group]
        widget_outputs = [o for c in cells for o in c.get("outputs", []) if is_widget_output(o)]
        if not widget_outputs:
            continue
        for output in widget_outputs:
            output["data"] = _picture_of(output["data"], language)
        for cell in cells:
            if cell.cell_type == "markdown":
                cell.source = without_widget_use(cell.source, language)
    return nb, warnings


def exporter():
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter

    slides = SlidesExporter(extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})], template_file=TEMPLATE_NAME)
    slides.reveal_url_prefix = ASSETS
    slides.reveal_theme = THEME
    slides.reveal_transition = "slide"
    slides.reveal_width = "1280"
    slides.reveal_height = "800"
    slides.exclude_input_prompt = True
    slides.exclude_output_prompt = True
    return slides


def build_deck(notebook: Path, out_dir: Path, slides=None) -> tuple[Path, list[str]]:
    """Write ``out_dir/<name>.slides.html`` for one notebook; returns its path and any warnings.

    ``out_dir/reveal.js/`` must hold the reveal.js files (:func:`copy_reveal`).
    """
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    nb, warnings = prepare(nb, language_of(notebook))
    slides = slides or exporter()
    body, _ = slides.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    target = out_dir / f"{notebook.stem}.slides.html"
    target.write_text(strip_style_comments(body), encoding="utf-8")
    return target, warnings


def _title(notebook: Path) -> str:
    import nbformat

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            if first.startswith("# "):
                return first[2:].strip()
    return notebook.stem


def write_index(decks: list[tuple[Path, Path]], out_dir: Path, language: str = "en", other: str = "") -> Path:
    items = "\n".join(
        f'  <li><a href="{html.escape(deck.name)}">{html.escape(_title(notebook))}</a></li>' for notebook, deck in decks
    )
    texts = TEXTS[language]
    page = f"""<!DOCTYPE html>
<html lang="{texts['lang']}">
<head><meta charset="utf-8"><title>{texts['title']}</title>
<style>body {{ font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.6; }}</style></head>
<body>
<h1>{texts['heading']}</h1>
<p>{texts['help']}</p>{other}
<ol>
{items}
</ol>
</body>
</html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def check_offline(out_dir: Path) -> list[str]:
    """Every reference to a remote resource in the written files, as "file: url"."""
    problems = []
    for path in sorted(out_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in {".html", ".htm", ".css", ".js", ".mjs", ".svg"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            problems += [f"{path.relative_to(out_dir)}: {url}" for url in remote_references(text)]
    return problems


def build(notebooks: list[Path], out_dir: Path = OUT_DIR, install: bool = True) -> list[Path]:
    """Build the decks of ``notebooks`` into ``out_dir``, with reveal.js and an index; returns the deck paths.

    Notebooks of a translated edition (``notebooks/ko/``) go to ``out_dir/ko/``, with their own index
    and their own copy of reveal.js, so each folder works alone.
    """
    source = ensure_reveal(install=install)
    slides = exporter()
    decks = []
    by_language = {}
    for notebook in notebooks:
        by_language.setdefault(language_of(notebook), []).append(notebook)
    for language, chosen in by_language.items():
        folder = out_dir if language == "en" else out_dir / language
        folder.mkdir(parents=True, exist_ok=True)
        copy_reveal(folder, source)
        written = []
        for notebook in chosen:
            deck, warnings = build_deck(notebook, folder, slides)
            written.append((notebook, deck))
            print(f"{_shown(deck)}")
            for warning in warnings:
                print(f"  warning: {language}/{notebook.name}: {warning}", file=sys.stderr)
        other = ('\n<p><a href="ko/index.html">한국어 슬라이드</a></p>' if language == "en" and "ko" in by_language
                 else '\n<p><a href="../index.html">English slides</a></p>' if language != "en" else "")
        write_index(written, folder, language, other)
        decks += written
    remote = check_offline(out_dir)
    if remote:
        raise SlidesError("the slides would load files from the network:\n  " + "\n  ".join(remote))
    return [deck for _, deck in decks]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="name prefixes such as 03, or notebook paths (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default: {_shown(OUT_DIR)})")
    parser.add_argument("--no-install", action="store_true", help="do not run `npm ci`; fail if reveal.js is missing")
    args = parser.parse_args(argv)
    notebooks = slide_metadata.find_notebooks(args.notebooks)
    notebooks += [NOTEBOOKS_DIR / "ko" / nb.name for nb in notebooks
                  if nb.parent == NOTEBOOKS_DIR and (NOTEBOOKS_DIR / "ko" / nb.name).exists()]  # the Korean edition too
    if not notebooks:
        print(f"No notebooks found in {_shown(NOTEBOOKS_DIR)}.", file=sys.stderr)
        return 1
    try:
        decks = build(notebooks, args.out.resolve(), install=not args.no_install)
    except SlidesError as error:
        print(f"make_slides: {error}", file=sys.stderr)
        return 1
    print(f"{len(decks)} deck(s) in {_shown(args.out.resolve())}/ (open index.html); no network needed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
