"""Re-run notebooks top to bottom in a fresh kernel and store their outputs.

    python tools/run_notebooks.py            # every notebooks/[0-9]*.ipynb in order, then the Korean edition
    python tools/run_notebooks.py 03 05      # only the notebooks whose names start with 03 or 05 (both languages)
    python tools/run_notebooks.py --english 03   # only the English notebook 03
    python tools/run_notebooks.py path/to/some.ipynb

The Korean notebooks (``notebooks/ko/``) are first written afresh from the
English ones and their translated texts (``tools/translations.py build``),
so their code is the code just run in English; then they run the same way.

Each notebook runs in its own kernel of this Python environment, in the
notebook's folder, and is saved in place with execution counts 1..n, no timing
metadata, its cell tags and this machine's numeric fingerprint (``tools/fingerprint.py``:
the outputs are exact on machines that share it). Widgets are stored as their
pictures, each with the line "run this cell to use it", and without widget
state (``helpers.lab.keep_readable_widgets``, which JupyterLab also applies when
it saves): a widget from a stored run could not be used, and JupyterLab would
show it as "Error displaying widget" once the notebook is trusted. A notebook
that fails is not overwritten; the command stops and exits with status 1.

``run_notebook(path)`` (returns the wall seconds) and ``measure_notebook(path)``
(returns a :class:`RunResult` with the seconds and the kernel's peak memory)
are also used by ``tools/bench.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"

# Quiet, repeatable TensorFlow in the kernels (they inherit this environment).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import nbformat  # noqa: E402
import zmq  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from traitlets import default  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/fingerprint.py, also when imported from the tests
from fingerprint import METADATA_KEY, fingerprint  # noqa: E402

sys.path.insert(0, str(ROOT))  # helpers/, also when the project is not installed
from helpers.lab import keep_readable_widgets  # noqa: E402

CELL_TIMEOUT = 900  # seconds for one cell; a notebook is meant to take at most 90 s in all
STARTUP_TIMEOUT = 120


class CurrentEnvKernelManager(AsyncKernelManager):
    """Start the ``python3`` kernel of *this* Python, ignoring kernels registered elsewhere.

    The same choice as nbval's ``--nbval-current-env``: the notebooks run with the
    packages of the project's virtual environment, whatever the user has installed.
    """

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return KernelSpecManager(kernel_dirs=[])  # only the built-in kernel of sys.executable

    @default("transport_encryption")
    def _transport_encryption_default(self):
        return "auto" if zmq.has("curve") else "disabled"  # encrypted local sockets, and no warning about it


@dataclass
class RunResult:
    """What one notebook run cost."""

    path: Path
    seconds: float
    peak_rss_mb: float | None  # the kernel process's peak resident memory (None where unknown)
    cell_seconds: dict = field(default_factory=dict)  # code cell index -> seconds it ran (for make bench's profile)


def _peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a process so far, in MB, read from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class _PeakWatcher:
    """Reads the kernel's high-water mark of memory a few times a second until stopped."""

    def __init__(self, client: NotebookClient, interval: float = 0.2):
        self.client = client
        self.interval = interval
        self.peak: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, **_):
        provisioner = getattr(self.client.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)
        if pid is None:
            return
        self._thread = threading.Thread(target=self._watch, args=(pid,), daemon=True)
        self._thread.start()

    def _watch(self, pid: int):
        while True:
            value = _peak_rss_mb(pid)
            if value is not None:
                self.peak = max(self.peak or 0.0, value)
            if self._stop.wait(self.interval):
                return

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def execute(nb: nbformat.NotebookNode, cwd: Path) -> tuple[nbformat.NotebookNode, RunResult]:
    """Execute a notebook object in a fresh kernel started in ``cwd``; return it and the run's cost."""
    client = NotebookClient(
        nb,
        kernel_name="python3",
        kernel_manager_class=CurrentEnvKernelManager,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        record_timing=False,
        store_widget_state=False,  # stored widgets are pictures (keep_readable_widgets below)
        allow_errors=False,  # only cells tagged raises-exception may raise
        resources={"metadata": {"path": str(cwd)}},
    )
    watcher = _PeakWatcher(client)
    client.on_notebook_start = watcher.start
    started, cell_seconds = {}, {}
    client.on_cell_execute = lambda cell, cell_index: started.__setitem__(cell_index, time.perf_counter())
    client.on_cell_executed = lambda cell, cell_index, execute_reply: cell_seconds.__setitem__(
        cell_index, time.perf_counter() - started.get(cell_index, time.perf_counter()))
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        seconds = time.perf_counter() - start
        watcher.stop()
    return nb, RunResult(path=cwd, seconds=seconds, peak_rss_mb=watcher.peak, cell_seconds=cell_seconds)


def measure_notebook(path, save: bool = True) -> RunResult:
    """Run the notebook at ``path`` top to bottom in a fresh kernel; store the outputs in place.

    Returns a :class:`RunResult` (``.seconds`` of wall time, ``.peak_rss_mb``).
    With ``save=False`` the file is not touched. Raises
    ``nbclient.exceptions.CellExecutionError`` if a cell fails (the file is then
    left as it was).
    """
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb, result = execute(nb, path.parent)
    result.path = path
    if save:
        keep_readable_widgets(nb)
        coalesce_streams(nb)
        nb.metadata[METADATA_KEY] = fingerprint()  # which machine's numbers these outputs are
        nbformat.validate(nb)
        tmp = path.with_suffix(".ipynb.tmp")
        nbformat.write(nb, tmp)
        tmp.replace(path)
    return result


def coalesce_streams(nb) -> None:
    """Join consecutive printouts of a cell into one, as JupyterLab shows them (a line of progress dots stays one line)."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if (merged and out.get("output_type") == "stream" and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1]["text"] = merged[-1]["text"] + out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged


def run_notebook(path, save: bool = True) -> float:
    """Like :func:`measure_notebook`, returning only the wall seconds."""
    return measure_notebook(path, save=save).seconds


def find_notebooks(selection=()) -> list[Path]:
    """The series' notebooks in order; ``selection`` holds name prefixes ("03") or paths."""
    series = sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
    if not selection:
        return series
    chosen = []
    for item in selection:
        as_path = Path(item)
        if as_path.suffix == ".ipynb" and as_path.exists():
            chosen.append(as_path.resolve())
            continue
        matches = [nb for nb in series if nb.name.startswith(item)]
        if not matches:
            names = ", ".join(nb.name for nb in series) or "none yet"
            raise SystemExit(f"No notebook matches {item!r}. Notebooks: {names}")
        chosen.extend(matches)
    return list(dict.fromkeys(chosen))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="name prefixes such as 03, or notebook paths (default: all)")
    parser.add_argument("--english", action="store_true", help="only the English notebooks, not the translated editions")
    args = parser.parse_args(argv)
    notebooks = find_notebooks(args.notebooks)
    if not notebooks:
        print(f"No notebooks found in {NOTEBOOKS_DIR}.", file=sys.stderr)
        return 1
    english = [nb for nb in notebooks if nb.parent == NOTEBOOKS_DIR]
    editions = []
    if english and not args.english:
        import translations

        trouble = [p for language in translations.LANGUAGES for nb in english for p in translations.problems(nb, language)]
        if trouble:  # before the long run, not after it
            print("The translated texts are not complete and current (tools/translations.py check):",
                  *trouble, sep="\n  ", file=sys.stderr)
            return 1
        editions = [translations.edition_path(nb, language) for language in translations.LANGUAGES for nb in english]
    total = 0.0
    for path in notebooks + editions:
        if path in editions:
            import translations

            language = path.parent.name
            translations.build([translations.NOTEBOOKS_DIR / path.name], language)
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{name} ...", end=" ", flush=True)
        try:
            result = measure_notebook(path)
        except Exception as error:  # noqa: BLE001 - report any failure the same way
            print("FAILED (the stored notebook was left unchanged)")
            print(error, file=sys.stderr)
            return 1
        total += result.seconds
        memory = f", peak {result.peak_rss_mb:.0f} MB" if result.peak_rss_mb else ""
        print(f"{result.seconds:.1f} s{memory}")
    print(f"{len(notebooks) + len(editions)} notebook(s) in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
