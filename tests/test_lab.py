"""The JupyterLab extension helpers.lab: what a saved notebook keeps of its widgets, and the upload limit.

The browser test (tests/test_browser.py) shows both at work in JupyterLab; these
tests check the rules themselves and that this environment loads the extension.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from helpers import lab

ROOT = Path(__file__).resolve().parent.parent
VIEW, STATE = lab.WIDGET_VIEW, lab.WIDGET_STATE


def widget_output(model_id, **more):
    data = {VIEW: {"model_id": model_id, "version_major": 2, "version_minor": 0}, "text/plain": "A view (a picture)"}
    data.update(more)
    return {"output_type": "display_data", "data": data, "metadata": {}}


def notebook(outputs, state=None):
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": outputs, "metadata": {}, "execution_count": 1}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    if state is not None:
        nb["metadata"]["widgets"] = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_views_without_saved_state_become_their_picture():
    nb = notebook([widget_output("new-1", **{"image/png": "iVBOR", "text/html": "<div>picture</div>"}), widget_output("new-2")],
                  state={"old-from-another-run": {"model_name": "VBoxModel"}})
    assert lab.keep_readable_widgets(nb) == 2
    first, second = nb["cells"][0]["outputs"]
    assert first["data"] == {"text/plain": "A view (a picture)", "image/png": "iVBOR", "text/html": "<div>picture</div>"}
    assert second["data"] == {"text/plain": "A view (a picture)"}
    assert "widgets" not in nb["metadata"]  # stale state: nothing shows it any more


def test_views_whose_state_was_saved_stay_live():
    state = {"m1": {"model_name": "VBoxModel"}}
    nb = notebook([widget_output("m1"), widget_output("gone")], state=state)
    assert lab.keep_readable_widgets(nb) == 1
    kept, dropped = nb["cells"][0]["outputs"]
    assert VIEW in kept["data"] and VIEW not in dropped["data"]
    assert nb["metadata"]["widgets"][STATE]["state"] == state


def test_an_output_with_only_a_view_gets_a_line():
    nb = notebook([{"output_type": "display_data", "data": {VIEW: {"model_id": "x"}}, "metadata": {}}])
    lab.keep_readable_widgets(nb)
    assert nb["cells"][0]["outputs"][0]["data"] == {"text/plain": lab.NO_PICTURE}


def test_other_notebooks_and_files_are_left_alone():
    plain = notebook([{"output_type": "stream", "name": "stdout", "text": "hi"}])
    before = copy.deepcopy(plain)
    assert lab.keep_readable_widgets(plain) == 0 and plain == before
    text_file = {"type": "file", "content": "VIEW " + VIEW, "format": "text"}
    lab.pre_save_hook(model=text_file, path="notes.txt", contents_manager=None)
    assert text_file["content"] == "VIEW " + VIEW
    saved = {"type": "notebook", "content": notebook([widget_output("m")])}
    lab.pre_save_hook(model=saved, path="a.ipynb", contents_manager=None)
    assert VIEW not in saved["content"]["cells"][0]["outputs"][0]["data"]


def test_the_upload_limit_is_raised_never_lowered():
    settings = {}
    assert lab.raise_upload_limit(settings) == lab.UPLOAD_MESSAGE_LIMIT == settings["websocket_max_message_size"]
    bigger = {"websocket_max_message_size": 2 * lab.UPLOAD_MESSAGE_LIMIT}
    assert lab.raise_upload_limit(bigger) == 2 * lab.UPLOAD_MESSAGE_LIMIT
    from helpers.images import MAX_UPLOAD_BYTES

    assert lab.UPLOAD_MESSAGE_LIMIT > 2 * MAX_UPLOAD_BYTES  # a file over the widget's limit still arrives, to be told so


def test_this_environment_loads_the_extension():
    """`make install` copies jupyter-config/ into the environment; JupyterLab started from it loads helpers.lab."""
    shipped = ROOT / "jupyter-config" / "jupyter_server_config.d" / "helpers.lab.json"
    installed = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "helpers.lab.json"
    assert json.loads(shipped.read_text())["ServerApp"]["jpserver_extensions"] == {"helpers.lab": True}
    assert installed.exists(), f"{installed} is missing: run  make install  (or python -m helpers.lab)"
    assert installed.read_text() == shipped.read_text()
    listed = subprocess.run([sys.executable, "-m", "jupyter", "server", "extension", "list"],
                            capture_output=True, text=True, timeout=120)
    lines = (listed.stdout + listed.stderr).splitlines()
    assert any("helpers.lab" in line and "enabled" in line for line in lines), "\n".join(lines)
    assert any("helpers.lab" in line and "OK" in line for line in lines), "\n".join(lines)
