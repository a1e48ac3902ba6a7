"""A throw-away JupyterLab server for the browser tests (test_browser.py and test_slides.py).

The server runs from this Python environment on a free loopback port, with no
token, its own temporary settings, workspaces, runtime, data and IPython folders,
no update checks and no package-index look-ups, so it touches nothing of the
user's and never the network. It loads the server extensions enabled in this
environment, the project's ``helpers.lab`` among them (``make install`` enables it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

START_TIMEOUT = 120  # seconds; a cold start on a 2-core CI machine takes about 10


def unavailable(what: str, reason: str):
    """Skip on a developer machine; fail under CI (``CI=true``), where ``what`` must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} cannot run: {reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(f"{what} skipped: {reason}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_jupyterlab(root_dir: Path, tmp: Path, extra_args=(), env=None):
    """Start JupyterLab on ``root_dir`` (its state under ``tmp``), wait until it answers; yield its URL.

    ``env``: variables to set on top of the temporary Jupyter folders (``None``
    removes one). The server is stopped cleanly (SIGTERM: it shuts its kernels
    down first) when the ``with`` block ends; its log is ``tmp / "jupyterlab.log"``.
    """
    changes = env or {}
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_DATA_DIR=str(tmp / "data"),  # e.g. the notebook trust database a save writes to
        IPYTHONDIR=str(tmp / "ipython"),
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    port = free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",  # no package-index look-ups
        *extra_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")  # CI containers run as root
    log_path = tmp / "jupyterlab.log"
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab stopped at start-up:\n{log_path.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer on {url} within {START_TIMEOUT} s")
                time.sleep(0.5)
            yield url
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
