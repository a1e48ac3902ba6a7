"""The widgets in a real browser: JupyterLab driven by Chromium.

For every notebook whose stored outputs show widgets (and for the fixture
``tests/fixtures/widgets_demo.ipynb``) this test opens the notebook in
JupyterLab, runs all cells and checks what a student would see:

- widget views are drawn inside the output areas (a missing widget frontend
  shows no error, only the text fallback, so absence of errors is not enough);
- no "Error displaying widget", "model not found" or "Failed to load model class";
- moving the experience slider changes what is shown;
- uploading a photo to the upload widget (through the file dialog) shows a
  prediction, and a file that is not a picture or is over 20 MB shows a message;
- notebooks 01, 03 and 07 show the widgets the lessons promise (``REQUIRED``).

Widgets are found by the CSS classes ``helpers.widgets`` gives them
(``tl-widget``, ``tl-experience-slider``, ``tl-upload``, ...), not by cell
position. A screenshot of each notebook and of each widget goes to
``artifacts/browser/``.

JupyterLab runs from this Python environment on a free loopback port, with a
temporary copy of the notebooks (the stored notebooks are never opened, so
nothing in ``notebooks/`` changes) and temporary settings and runtime folders.
Chromium is Debian's (``apt-get install chromium``), driven by Python
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
ERROR_TEXTS = ("Error displaying widget", "model not found", "Failed to load model class")
# Widgets each notebook must show (by CSS class), so a lost widget cannot silently skip its check.
REQUIRED = {
    "widgets_demo": ["tl-data-browser", "tl-experience-slider", "tl-mistakes-gallery", "tl-live-training", "tl-upload"],
    "01": ["tl-experience-slider"],
    "03": ["tl-mistakes-gallery"],
    "07": ["tl-upload"],
}
# Uploaded files travel to the kernel in one websocket message, and the server
# drops messages over 10 MiB by default: then nothing at all happens in the
# widget. With this setting (also in `make lab`) a file up to 100 MiB arrives,
# and one over 20 MB gets the widget's "too big" message.
UPLOAD_SETTING = "--ServerApp.tornado_settings={'websocket_max_message_size': 104857600}"
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
    """Whether the stored notebook has at least one widget view among its outputs."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return any(
        WIDGET_VIEW in output.get("data", {})
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


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
        shutil.copy2(path, work / "notebooks" / path.name)
    (work / "fixtures").mkdir()
    shutil.copy2(FIXTURE, work / "fixtures" / FIXTURE.name)
    write_settings(tmp / "settings")
    with running_jupyterlab(
        work, tmp,
        extra_args=["--LabApp.expose_app_in_browser=True", UPLOAD_SETTING],
        env={"MPLBACKEND": None},  # let the kernel draw figures inline, as for a student
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


def photo_bytes() -> bytes:
    """A 'photo' for the upload widget: 640x480 JPEG with a fur-coloured blob."""
    from PIL import Image, ImageDraw

    photo = Image.new("RGB", (640, 480), (90, 140, 200))
    ImageDraw.Draw(photo).ellipse((160, 90, 480, 400), fill=(200, 140, 70))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


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

JS_DRAWN_WIDGETS = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
  .map((el) => el.matches('.jupyter-widgets') ? el : el.querySelector('.jupyter-widgets'))
  .filter((el) => el)
  .map((el) => el.getBoundingClientRect().height)"""


def run_notebook(page, url: str, relative: str) -> list[dict]:
    """Open a notebook, run all cells, wait until the kernel is idle; returns a summary of each code cell."""
    page.goto(f"{url}/lab/tree/{relative}")
    page.wait_for_function(JS_READY, arg=relative, timeout=180_000, polling=1000)
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


def check_upload(page, tmp_path: Path) -> None:
    """Uploading a photo shows a prediction; a file that is not a picture or is too big shows a message."""
    upload = page.locator(".tl-upload").first
    result = upload.locator(".tl-upload-result").first
    upload.scroll_into_view_if_needed()
    not_a_photo = tmp_path / "notes.txt"
    not_a_photo.write_text("this is not a photo")
    choose_file(page, upload, not_a_photo)
    result.locator("text=notes.txt").wait_for(timeout=30_000)
    assert "picture" in result.inner_text()
    huge = tmp_path / "huge.bin"
    huge.write_bytes(b"\0" * 25_000_000)
    choose_file(page, upload, huge)
    result.locator("text=huge.bin").wait_for(timeout=60_000)
    assert "20 MB" in result.inner_text()
    photo = tmp_path / "my pet.jpg"
    photo.write_bytes(photo_bytes())
    choose_file(page, upload, photo)
    result.locator("text=the model says").wait_for(timeout=30_000)
    assert "confidence" in result.inner_text()
    upload.locator("img").first.wait_for(state="visible", timeout=10_000)


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

        for css_class in REQUIRED.get(name.split("_")[0], []) + REQUIRED.get(name, []):
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
    finally:
        try:
            for k in range(page.locator(".tl-widget").count()):
                view = page.locator(".tl-widget").nth(k)
                view.scroll_into_view_if_needed()
                view.screenshot(path=str(ARTIFACTS / f"{name}-widget{k + 1}.png"))
            if page.locator(".tl-widget").count():
                page.locator(".tl-widget").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        finally:
            # Shut this notebook's kernel down so the next notebook has the machine to itself.
            page.evaluate("() => window.__tlPanel && window.__tlPanel.sessionContext.shutdown()")
            page.close()
