"""The widgets in a real browser: JupyterLab driven by Chromium.

For every notebook whose stored outputs show widgets (and for the fixture
``tests/fixtures/widgets_demo.ipynb``) this test opens the notebook in
JupyterLab, runs all cells (in QUICK mode: the same widgets on small trainings)
and checks what a student would see:

- before anything runs, each stored widget shows its picture, and no error;
- widget views are drawn inside the output areas (a missing widget frontend
  shows no error, only the text fallback, so absence of errors is not enough);
- no "Error displaying widget", "model not found" or "Failed to load model class";
- moving the experience slider changes what is shown;
- uploading photos to the upload widget (through the file dialog): a 13 MB
  phone-sized JPEG (over the server's default 10 MiB message limit, which the
  project's ``helpers.lab`` extension raises) gets a prediction, with a
  "Reading ..." line while it is read; a file that is not a picture or is over
  20 MB gets a message; the button reads its label, not a file count;
- then the notebook is saved, its kernel shut down, its tab closed and the
  notebook opened again: every widget output shows a live widget or its
  picture with "run this cell to use it", and nowhere "Error displaying widget";
- notebooks of the series show the widgets the lessons promise (``REQUIRED``,
  found by topic name, so renumbering the series changes nothing).

Widgets are found by the CSS classes ``helpers.widgets`` gives them
(``tl-widget``, ``tl-experience-slider``, ``tl-upload``, ``tl-widget-picture``
...), not by cell position. Screenshots of each notebook after running, of each
widget and of the reopened notebook go to ``artifacts/browser/``.

JupyterLab runs from this Python environment on a free loopback port, with a
temporary copy of the notebooks (the stored notebooks are never opened, so
nothing in ``notebooks/`` changes) and temporary settings, data and runtime
folders; it loads the extensions this environment enables, as ``make lab``
does. Chromium is Debian's (``apt-get install chromium``), driven by Python
Playwright; no browser is downloaded. Without Chromium or Playwright the test is
skipped, except under CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import labserver  # tests/labserver.py
import pytest
from labserver import running_jupyterlab

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "widgets_demo.ipynb"
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PICTURE_CLASS = "tl-widget-picture"  # helpers.widgets.PICTURE_CLASS: a widget's picture and its line
RUN_TO_USE = "run this cell to use it"
ERROR_TEXTS = ("Error displaying widget", "model not found", "Failed to load model class")
# Widgets each notebook must show (by CSS class), so a lost widget cannot silently skip its check.
# Notebooks are named by topic (the part after the number), so a renumbered series still matches.
REQUIRED = {
    "widgets_demo": ["tl-data-browser", "tl-experience-slider", "tl-mistakes-gallery", "tl-live-training", "tl-upload"],
    "what_is_learning": ["tl-experience-slider"],
    "the_breed_it_never_saw": ["tl-mistakes-gallery"],
    "knowledge_between_machines": ["tl-upload"],
}
PHOTO_BYTES = 13_000_000  # a phone photo: over the server's default websocket limit of 10 MiB, under the widget's 20 MB
NOTEBOOK_TIMEOUT_S = 600  # the notebooks take up to ~90 s each; a busy 2-core machine is much slower
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def shows_widgets(path: Path) -> bool:
    """Whether the stored notebook shows a widget: a widget view, or a widget's picture and line."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return any(
        WIDGET_VIEW in output.get("data", {}) or PICTURE_CLASS in "".join(output.get("data", {}).get("text/html", ""))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


def topic(name: str) -> str:
    """A notebook's name without its number: "07_knowledge_between_machines" -> "knowledge_between_machines"."""
    number, _, rest = name.partition("_")
    return rest if number.isdigit() else name


NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")) if shows_widgets(p)]
CASES = [pytest.param(FIXTURE, id="fixture-widgets_demo")] + [pytest.param(p, id=p.stem) for p in NOTEBOOKS]

pytestmark = pytest.mark.slow


def unavailable(reason: str):
    """Skip on a developer machine; fail under CI, where the browser test must run."""
    labserver.unavailable("browser test", reason)


def write_settings(settings: Path) -> None:
    """JupyterLab settings for a test: no news pop-up, every cell kept in the page."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, content in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


def quick_copy(source: Path, target: Path) -> None:
    """Copy a notebook with ``QUICK = True`` set right after its parameters cell, as papermill would.

    The widgets, and everything this test checks, are the same in QUICK mode; only
    the trainings are small, so a notebook runs in seconds instead of minutes.
    The stored outputs (checked before anything runs) stay those of the full run.
    """
    notebook = json.loads(source.read_text(encoding="utf-8"))
    index = next(i for i, c in enumerate(notebook["cells"]) if "parameters" in c.get("metadata", {}).get("tags", []))
    injected = {"cell_type": "code", "execution_count": None, "id": "injected-quick",
                "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": ["QUICK = True"]}
    notebook["cells"].insert(index + 1, injected)
    target.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a temporary copy of the notebooks; yields (base URL, copied folder)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Python package 'playwright' is not installed (pip install -r requirements-test.txt)")
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium not found at {CHROMIUM} (Debian/Ubuntu: sudo apt-get install chromium)")
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        unavailable("JupyterLab is not installed in this environment")

    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "work"
    (work / "notebooks").mkdir(parents=True)
    for path in NOTEBOOKS:
        quick_copy(path, work / "notebooks" / path.name)
    (work / "fixtures").mkdir()
    shutil.copy2(FIXTURE, work / "fixtures" / FIXTURE.name)
    write_settings(tmp / "settings")
    with running_jupyterlab(
        work, tmp,
        extra_args=["--LabApp.expose_app_in_browser=True"],  # the upload limit comes from helpers.lab, as in make lab
        # Figures inline, as for a student; the notebooks' models in the temporary folder, never in models/.
        env={"MPLBACKEND": None, "PETS_MODELS_DIR": str(tmp / "models")},
    ) as url:
        yield url, work


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:  # e.g. a Chromium too old or broken for this Playwright
            unavailable(f"Chromium at {CHROMIUM} did not start under Playwright: {error}")
        yield chromium
        chromium.close()


def photo_bytes(at_least: int = 0) -> bytes:
    """A 'photo' for the upload widget: a JPEG with a fur-coloured blob, grainy enough to be ``at_least`` bytes.

    Grain (noise) is what makes phone photos big: a 4000x3000 JPEG of it at
    full quality takes about 13 MB, like a photo from a recent phone.
    """
    import numpy as np
    from PIL import Image, ImageDraw

    width, height = (4000, 3000) if at_least else (640, 480)
    photo = Image.new("RGB", (width, height), (90, 140, 200))
    ImageDraw.Draw(photo).ellipse((width // 4, height // 5, 3 * width // 4, 4 * height // 5), fill=(200, 140, 70))
    grain = 12
    while True:
        pixels = np.asarray(photo, dtype=np.int16)
        if at_least:
            noise = np.random.default_rng(0).integers(-grain, grain + 1, pixels.shape, dtype=np.int16)
            pixels = np.clip(pixels + noise, 0, 255)
        buffer = io.BytesIO()
        Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="JPEG", quality=97 if at_least else 90)
        if len(buffer.getvalue()) >= at_least or grain > 128:
            return buffer.getvalue()
        grain *= 2


# JavaScript run in the page. window.jupyterapp exists because of --LabApp.expose_app_in_browser.
JS_READY = """(path) => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== path || !panel.context.isReady) return false;
  window.__tlPanel = panel;  // keep hold of it: currentWidget changes when focus moves
  const session = panel.sessionContext.session;
  return !!(session && session.kernel && session.kernel.status === 'idle');
}"""
JS_RUN_ALL = """() => {
  window.__tlRun = undefined;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    (ok) => { window.__tlRun = {ok: ok}; },
    (error) => { window.__tlRun = {error: String(error)}; });
}"""
JS_KERNEL_IDLE = """() => {
  const k = window.__tlPanel.sessionContext.session.kernel;
  return k.status === 'idle';
}"""
JS_CELLS = """() => window.__tlPanel.content.widgets
  .filter((cell) => cell.model.type === 'code')
  .map((cell) => ({
    count: cell.model.executionCount,
    tags: cell.model.getMetadata('tags') || [],
    outputs: cell.model.outputs.toJSON().map((o) => ({
      type: o.output_type,
      error: o.output_type === 'error' ? o.ename + ': ' + o.evalue : null,
      widget: !!(o.data && o.data['application/vnd.jupyter.widget-view+json']),
    })),
  }))"""

JS_DRAWN_WIDGETS = """() => [...window.__tlPanel.node.querySelectorAll('.jp-OutputArea-output')]
  .map((el) => el.matches('.jupyter-widgets') ? el : el.querySelector('.jupyter-widgets'))
  .filter((el) => el)
  .map((el) => el.getBoundingClientRect().height)"""


def open_notebook(page, url: str, relative: str) -> None:
    """Open a notebook in JupyterLab and wait until it is shown with an idle kernel."""
    page.goto(f"{url}/lab/tree/{relative}?reset")  # ?reset: no tabs restored from the notebook tested before
    page.wait_for_function(JS_READY, arg=relative, timeout=180_000, polling=1000)


def run_notebook(page, url: str, relative: str) -> list[dict]:
    """Run all cells of the open notebook, wait until the kernel is idle; returns a summary of each code cell."""
    page.evaluate(JS_RUN_ALL)
    page.wait_for_function("() => window.__tlRun !== undefined", timeout=NOTEBOOK_TIMEOUT_S * 1000, polling=1000)
    outcome = page.evaluate("() => window.__tlRun")
    assert "error" not in outcome, f"running all cells failed: {outcome['error']}"
    page.wait_for_function(JS_KERNEL_IDLE, timeout=120_000, polling=500)
    page.wait_for_timeout(2000)  # let the last widget views finish drawing
    return page.evaluate(JS_CELLS)


def check_slider(page) -> None:
    """Moving the experience slider changes the text and the picture."""
    slider = page.locator(".tl-experience-slider").first
    text = slider.locator(".widget-html").first
    picture = slider.locator("img").first
    before = (text.inner_text(), picture.get_attribute("src"))
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("End")  # jump to the most experience
    page.wait_for_function(
        "([el, old]) => el.innerText !== old", arg=[text.element_handle(), before[0]], timeout=10_000
    )
    after = (text.inner_text(), picture.get_attribute("src"))
    assert after[0] != before[0] and after[1] != before[1], f"slider moved but the view stayed: {before} -> {after}"


def choose_file(page, upload, path: Path) -> None:
    """Click the upload button and pick ``path`` in the file dialog.

    (ipywidgets 8 keeps its ``<input type=file>`` out of the page, so the
    dialog is the way in, as for a student.)
    """
    with page.expect_file_chooser(timeout=30_000) as chooser:
        upload.locator(".tl-upload-button").first.click()
    chooser.value.set_files(str(path))


JS_WATCH_RESULT = """(el) => {
  window.__tlSeen = [];
  new MutationObserver(() => window.__tlSeen.push(el.innerText)).observe(el, {subtree: true, childList: true, characterData: true});
}"""
JS_BUTTON_LABEL = """(el) => ({
  fontSize: getComputedStyle(el).fontSize,
  label: getComputedStyle(el, '::after').content,
})"""


def check_upload(page, tmp_path: Path) -> None:
    """A 13 MB photo gets a prediction ("Reading ..." meanwhile); a file that is not a picture or is too big, a message."""
    upload = page.locator(".tl-upload").first
    result = upload.locator(".tl-upload-result").first
    upload.scroll_into_view_if_needed()
    assert "up to 20 MB" in result.inner_text(), "the widget does not state its limit"
    button = upload.locator(".tl-upload-button").first
    shown = button.evaluate(JS_BUTTON_LABEL)
    assert shown == {"fontSize": "0px", "label": '"Upload a photo (up to 20 MB)"'}, f"the button shows {shown}"
    not_a_photo = tmp_path / "notes.txt"
    not_a_photo.write_text("this is not a photo")
    choose_file(page, upload, not_a_photo)
    result.locator("text=notes.txt:").wait_for(timeout=30_000)
    assert "picture" in result.inner_text()
    huge = tmp_path / "huge.bin"
    huge.write_bytes(b"\0" * 25_000_000)
    choose_file(page, upload, huge)
    result.locator("text=huge.bin:").wait_for(timeout=60_000)
    assert "the limit is 20 MB" in result.inner_text()
    photo = tmp_path / "my pet.jpg"
    photo.write_bytes(photo_bytes(at_least=PHOTO_BYTES))
    assert 10 * 1024 * 1024 < photo.stat().st_size < 20_000_000
    result.evaluate(JS_WATCH_RESULT)
    choose_file(page, upload, photo)
    result.locator("text=the model says").wait_for(timeout=120_000)
    assert "my pet.jpg" in result.inner_text() and "confidence" in result.inner_text()
    upload.locator("img").first.wait_for(state="visible", timeout=10_000)
    seen = page.evaluate("() => window.__tlSeen")
    assert any(text.startswith("Reading my pet.jpg (") for text in seen), f"no working sign, only: {seen}"
    assert button.evaluate(JS_BUTTON_LABEL) == shown  # still its label, not "(0)"


JS_SAVE_SHUT_DOWN_CLOSE = """async () => {
  const panel = window.__tlPanel;
  await panel.context.save();
  await panel.sessionContext.shutdown();
  panel.dispose();
}"""
JS_REOPEN = """(path) => { window.jupyterapp.commands.execute('docmanager:open', {path: path}); }"""
# What each output area of the notebook (not of other tabs JupyterLab restored) that holds a widget,
# live or as its picture, shows.
JS_WIDGET_OUTPUTS = """() => [...window.__tlPanel.node.querySelectorAll('.jp-OutputArea-output')]
  .filter((el) => el.querySelector('.tl-widget, .tl-widget-picture') || el.innerText.includes('Error displaying widget'))
  .map((el) => ({
    live: !!el.querySelector('.jupyter-widgets .tl-widget, .tl-widget.jupyter-widgets'),
    picture: !!el.querySelector('.tl-widget-picture'),
    hasImage: !!el.querySelector('.tl-widget-picture img'),
    text: el.innerText.slice(0, 300),
    height: el.getBoundingClientRect().height,
  }))"""


def check_widget_outputs(page, expected: int, when: str) -> list[dict]:
    """Each of the ``expected`` widget outputs is a live widget or its picture and "run this cell to use it"."""
    page.wait_for_timeout(3000)  # let the widget manager restore (or fail to) what it can
    shown = page.evaluate(JS_WIDGET_OUTPUTS)
    body = page.inner_text("body")
    for text in ERROR_TEXTS:
        assert text not in body, f"{when}: the page shows {text!r}"
    assert len(shown) == expected, f"{when}: {expected} widget outputs, but {len(shown)} shown: {shown}"
    for output in shown:
        if not output["live"]:
            assert output["picture"] and RUN_TO_USE in output["text"].lower(), f"{when}: neither live nor a picture: {output}"
        assert output["height"] > 20, f"{when}: an empty widget output: {output}"
    return shown


def screenshot_outputs(page, selector: str, prefix: str) -> None:
    """A screenshot of each element of the notebook's own tab that matches ``selector``."""
    panel = page.locator("#" + page.evaluate("() => window.__tlPanel.id"))
    for k in range(panel.locator(selector).count()):
        view = panel.locator(selector).nth(k)
        view.scroll_into_view_if_needed()
        view.screenshot(path=str(ARTIFACTS / f"{prefix}{k + 1}.png"))


@pytest.mark.parametrize("notebook", CASES)
def test_widgets_render_and_respond_in_jupyterlab(lab, browser, notebook, tmp_path):
    url, work = lab
    relative = f"fixtures/{notebook.name}" if notebook == FIXTURE else f"notebooks/{notebook.name}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = notebook.stem
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    try:
        open_notebook(page, url, relative)
        # As stored, before anything runs: pictures (a stored widget cannot be live), no errors.
        stored = page.evaluate(JS_WIDGET_OUTPUTS)
        assert stored and not [o for o in stored if o["live"] or "Error displaying widget" in o["text"]], stored
        assert all(o["hasImage"] or "upload" in o["text"].lower() for o in stored), stored

        cells = run_notebook(page, url, relative)

        # Every code cell ran; no error except where a cell is tagged raises-exception.
        not_run = [i for i, c in enumerate(cells) if c["count"] is None]
        assert not not_run, f"code cells {not_run} did not run (an earlier cell failed?)"
        errors = [
            (i, o["error"]) for i, c in enumerate(cells) for o in c["outputs"]
            if o["error"] and "raises-exception" not in c["tags"]
        ]
        assert not errors, f"cells raised errors: {errors}"

        # Widget views are drawn, one per widget output, inside output areas.
        expected = sum(o["widget"] for c in cells for o in c["outputs"])
        assert expected > 0, "the notebook showed no widget when run"
        page.locator(".jp-OutputArea-output .jupyter-widgets").first.wait_for(timeout=30_000)
        drawn = page.evaluate(JS_DRAWN_WIDGETS)
        assert len(drawn) == expected, f"{expected} widget outputs but {len(drawn)} output areas with a widget view"
        assert all(height > 20 for height in drawn), f"some widget views are empty (heights {drawn})"
        body = page.inner_text("body")
        for text in ERROR_TEXTS:
            assert text not in body, f"page shows {text!r}"

        for css_class in REQUIRED.get(topic(name), []):
            assert page.locator(f".jp-OutputArea-output .{css_class}").count(), f"no widget with class {css_class}"
        if page.locator(".tl-experience-slider").count():
            check_slider(page)
        if page.locator(".tl-upload").count():
            check_upload(page, tmp_path)

        body = page.inner_text("body")
        for text in ERROR_TEXTS:
            assert text not in body, f"page shows {text!r} after interacting"
        widget_console_errors = [e for e in console_errors if "widget" in e.lower() or "model" in e.lower()]
        assert not widget_console_errors, f"browser console: {widget_console_errors[:5]}"
        screenshot_outputs(page, ".tl-widget", f"{name}-widget")
        page.locator(".tl-widget").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

        # Save, shut the kernel down, close the tab, open the notebook again (as the next day).
        page.evaluate(JS_SAVE_SHUT_DOWN_CLOSE)
        page.evaluate(JS_REOPEN, relative)
        page.wait_for_function(JS_READY, arg=relative, timeout=180_000, polling=1000)
        reopened = check_widget_outputs(page, expected, "after save, close and reopen")
        saved = json.loads((work / relative).read_text(encoding="utf-8"))
        assert not any(WIDGET_VIEW in o.get("data", {}) for c in saved["cells"] for o in c.get("outputs", [])), \
            "the saved file still points at widgets its kernel took with it"
        screenshot_outputs(page, ".jp-OutputArea-output:has(.tl-widget-picture)", f"{name}-reopened-widget")
        page.locator(".tl-widget-picture").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}-reopened.png"))
        assert all(not o["live"] for o in reopened)  # its kernel was shut down: pictures, each with its line
    finally:
        try:
            if not (ARTIFACTS / f"{name}.png").exists():
                page.screenshot(path=str(ARTIFACTS / f"{name}-failed.png"))
        finally:
            # Shut this notebook's kernel down so the next notebook has the machine to itself.
            page.evaluate("() => window.__tlPanel && !window.__tlPanel.isDisposed && window.__tlPanel.sessionContext.shutdown()")
            page.close()
