"""Two things JupyterLab needs for the notebooks' widgets, as a Jupyter server extension.

No notebook imports this module: JupyterLab loads it when it starts (``make
lab`` enables it; by hand: ``jupyter server extension enable --sys-prefix
helpers.lab``). It does two things:

1. **Photos of any phone arrive.** An uploaded photo travels to the kernel in
   one websocket message, and the server drops messages over 10 MiB unless
   told otherwise: the upload widget of notebook 07 would then see nothing.
   The extension raises that limit to :data:`UPLOAD_MESSAGE_LIMIT` (unless the
   server was already given a larger one), so every photo up to the widget's
   20 MB arrives, and a bigger one gets the widget's "too big" message.
2. **A saved notebook shows its widgets' pictures.** Every widget of
   ``helpers.widgets`` is shown as a live widget *and* a picture with the line
   "run this cell to use it". JupyterLab prefers the live widget; but after the
   notebook is saved and opened again, the widget's kernel objects are gone
   and JupyterLab would say "Error displaying widget: model not found". So
   before a notebook is written to disk, :func:`keep_readable_widgets` drops
   each widget view whose state the file does not hold: the file keeps the
   picture and the line, which every viewer shows.

``make notebooks`` (``tools/run_notebooks.py``) stores the notebooks the same
way, so a stored notebook, trusted or not, shows pictures until its cells run.
"""

from __future__ import annotations

from .i18n import tr, tr_noop

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
UPLOAD_MESSAGE_LIMIT = 100 * 1024 * 1024  # bytes (100 MiB) in one websocket message; tornado's default is 10 MiB
TORNADO_DEFAULT_LIMIT = 10 * 1024 * 1024
NO_PICTURE = tr_noop("(a widget: run this cell to use it)")


def keep_readable_widgets(notebook: dict) -> int:
    """Drop the widget views the saved notebook cannot show; returns how many were dropped.

    ``notebook`` is the notebook as a dict (nbformat 4), changed in place. A
    widget view stays only if the notebook's widget state
    (``metadata.widgets``) holds its widget, as it does when JupyterLab's
    "Save Widget State Automatically" is on. Every other view is removed from
    its output, which keeps the picture and text shown beside it (an output
    with nothing else gets :data:`NO_PICTURE`). Widget state that no output
    shows any more is removed too. Used by ``lab`` and ``tools/run_notebooks.py``.
    """
    metadata = notebook.get("metadata") or {}
    state = ((metadata.get("widgets") or {}).get(WIDGET_STATE) or {}).get("state") or {}
    dropped = kept = 0
    for cell in notebook.get("cells") or []:
        for output in cell.get("outputs") or []:
            data = output.get("data")
            if not isinstance(data, dict) or WIDGET_VIEW not in data:
                continue
            view = data[WIDGET_VIEW]
            if isinstance(view, dict) and view.get("model_id") in state:
                kept += 1
                continue
            del data[WIDGET_VIEW]
            dropped += 1
            if not data:
                data["text/plain"] = tr(NO_PICTURE)
    if not kept and "widgets" in metadata:
        del metadata["widgets"]
    return dropped


def pre_save_hook(model, **_):
    """The server's hook before it writes a file: :func:`keep_readable_widgets` on notebooks. Used by ``lab``."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        keep_readable_widgets(model["content"])


def raise_upload_limit(settings: dict) -> int:
    """Set the websocket message limit in the server's ``settings`` to at least :data:`UPLOAD_MESSAGE_LIMIT`; returns it.

    Used by ``lab``.
    """
    current = settings.get("websocket_max_message_size") or TORNADO_DEFAULT_LIMIT
    settings["websocket_max_message_size"] = max(int(current), UPLOAD_MESSAGE_LIMIT)
    return settings["websocket_max_message_size"]


def _jupyter_server_extension_points():
    return [{"module": "helpers.lab"}]


def _load_jupyter_server_extension(serverapp):
    limit = raise_upload_limit(serverapp.web_app.settings)
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
    serverapp.log.info(
        "helpers.lab: uploads up to %d MiB; saved notebooks keep pictures of widgets that cannot be shown again",
        limit // (1024 * 1024),
    )


# -- enabling the extension ---------------------------------------------------------------


def enable(prefix: str | None = None) -> str:
    """Copy the project's server config (``jupyter-config/``) into this Python environment; returns where.

    Jupyter reads ``<prefix>/etc/jupyter/jupyter_server_config.d/*.json`` at
    start-up, so every JupyterLab started from this environment (``make
    lab``, the conda environment, Binder) loads the extension. Used by ``make install`` (``python -m helpers.lab``).
    """
    import shutil
    import sys
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "jupyter-config" / "jupyter_server_config.d" / "helpers.lab.json"
    if not source.exists():
        raise SystemExit(tr("{source} is missing: run this from the project folder's own install (pip install -e .).").format(source=source))
    target = Path(prefix or sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return str(target)


if __name__ == "__main__":
    print(tr("JupyterLab will load helpers.lab (config written to {path})").format(path=enable()))
