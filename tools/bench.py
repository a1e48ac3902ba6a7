"""Measure what the lesson promises, by running the notebooks themselves on several seeds.

    make bench                                  # seeds 0-9, every notebook (about 20 minutes on 2 CPU cores)
    .venv/bin/python tools/bench.py --seeds 0 1 2
    .venv/bin/python tools/bench.py --seeds 3 --notebooks 02 03 04

For each seed, the notebooks run in order, top to bottom, in fresh kernels,
exactly as a student runs them after changing ``SEED`` in the parameters cell
(the parameter is injected the way papermill does it). So every number below
comes from the notebooks' own code: the same helpers with the same arguments.
Each seed saves its models in a temporary folder, so your ``models/`` are never
touched, and the stored notebooks are not changed.

From each run it reads two cells: the claims cell (which claims held, see
``helpers/claims.py``) and the "What we measured" cell. It prints one table
per seed, one row per measure, then the notebooks' run times (those of the
first seed), the training time of the default model and the drawing speed (the fastest of three runs),
the machine (CPU model, vector extensions, threads), the import floor (a fresh
Python importing what a notebook imports), every notebook's time in units of
``train_seconds`` (so two machines can be compared), and as its last line
``BENCH {json}``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

BARS = {  # the targets the lesson is designed for, shown next to the measurements
    "train_seconds": ("<=", 40),
    "peak_rss_mb": ("<=", 1536),
    "images_per_second": (">=", 1000),
    "import_floor_seconds": ("<=", 10),
    "seen_breeds_accuracy": (">=", 0.95),
    "persian_accuracy": ("<=", 0.40),
    "persian_called_dog": (">=", 0.5),
    "persian_accuracy_after": (">=", 0.90),
    "seen_breeds_drop": ("<=", 0.02),
    "largest_seen_breed_drop": ("<=", 0.02),
    "transfer_minus_scratch": (">", 0.0),
    "rabbit_accuracy": (">=", 0.90),
    "old_classes_accuracy_drop": ("<=", 0.02),
    "forgetting_drop": (">=", 0.20),
}

# (row name, notebook, key in its "What we measured" cell, or a function of that dict)
MEASURES = [
    ("filter_change_share", "02", lambda m: m["filter_change"] / m["filter_size"]),
    ("seen_breeds_accuracy", "03", "seen_breeds_accuracy"),
    ("persian_accuracy", "03", "persian_accuracy"),
    ("persian_called_dog", "03", "persian_called_dog"),
    ("persian_accuracy_after", "04", "persian_accuracy_after"),
    ("seen_breeds_drop", "04", lambda m: m["seen_breeds_overall_before"] - m["seen_breeds_overall_after"]),
    ("largest_seen_breed_drop", "04", "largest_seen_breed_drop"),
    ("transfer_minus_scratch", "04", "transfer_minus_scratch"),
    ("scratch_persians", "04", "scratch_persians"),
    ("transfer_persians", "04", "transfer_persians"),
    ("scratch_old_cats", "04", "scratch_old_cats"),
    ("scratch_dogs", "04", "scratch_dogs"),
    ("scratch_random_old_all", "04", "scratch_random_all"),
    # notebook 05: each ingredient left out; Persians, and the worst old breed's drop, against the full recipe
    ("full_recipe_largest_drop", "05", lambda m: m["full_recipe"]["largest_drop"]),
    ("frozen_base_persians", "05", lambda m: m["frozen_base"]["persians"]),
    ("frozen_base_old_together", "05", lambda m: m["frozen_base"]["old_together"]),
    ("no_extra_dogs_largest_drop", "05", lambda m: m["no_extra_dogs"]["largest_drop"]),
    ("random_rehearsal_largest_drop", "05", lambda m: m["random_rehearsal"]["largest_drop"]),
    ("constant_steps_persians", "05", lambda m: m["steps_that_do_not_shrink"]["persians"]),
    ("constant_steps_largest_drop", "05", lambda m: m["steps_that_do_not_shrink"]["largest_drop"]),
    ("rabbit_accuracy", "06", "rabbit_accuracy"),
    ("old_classes_accuracy_drop", "06", lambda m: m["old_classes_accuracy_before"] - m["old_classes_accuracy"]),
    ("forgetting_drop", "06", "forgetting_drop"),
    ("rabbits_only_called_rabbit", "06", "rabbits_only_called_rabbit"),
    ("scratch_cats_and_dogs", "06", lambda m: (m["scratch_by_class"]["cat"] + m["scratch_by_class"]["dog"]) / 2),
]


def _cell_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "text/plain" in output.get("data", {}):
            parts.append(output["data"]["text/plain"])
    return "".join(parts)


def read_results(nb) -> dict:
    """The claims (``{claim: held}``) and the "What we measured" dict of an executed notebook."""
    claims, measured = {}, {}
    after_heading = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            after_heading = cell.source.strip().startswith("## What we measured")
            continue
        if "claims.report()" in cell.source:
            for line in _cell_text(cell).splitlines():
                line = line.strip()
                if line[:2] in ("✓ ", "✗ "):
                    claims[line[2:].split("  (")[0]] = line[0] == "✓"
        elif after_heading:
            text = next((o["data"]["text/plain"] for o in cell.get("outputs", []) if "text/plain" in o.get("data", {})), "{}")
            measured = ast.literal_eval(text)
            after_heading = False
    return {"claims": claims, "measured": measured}


def slowest_cells(nb, cell_seconds: dict, top: int = 4) -> list:
    """The ``top`` slowest code cells of a run: ``[index, seconds, first code line]``, slowest first.

    ``index`` counts the cells of the stored notebook, so the cell papermill
    injected for the parameters is not counted: cell 21 is the stored one's cell 21.
    """
    injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])]
    rows = []
    for index, seconds in sorted(cell_seconds.items(), key=lambda item: -item[1])[:top]:
        lines = [ln for ln in nb.cells[index].source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        stored_index = index - sum(1 for i in injected if i < index)
        rows.append([stored_index, round(seconds, 1), (lines[0] if lines else "")[:70]])
    return rows


def run_series(seed: int, notebooks) -> dict:
    """Run the chosen notebooks in order for one seed; return per notebook its seconds, claims, numbers or error."""
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from run_notebooks import execute

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-models-") as models_dir:
        os.environ["PETS_MODELS_DIR"] = models_dir  # the kernels inherit it: this seed's models go there
        try:
            for path in notebooks:
                nb = parameterize_notebook(load_notebook_node(str(path)), {"SEED": seed})
                start = time.perf_counter()
                try:
                    nb, cost = execute(nb, path.parent)
                except CellExecutionError as error:
                    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # without the terminal's colour codes
                    lines = [s for s in text.splitlines() if "Error" in s]
                    results[path.name[:2]] = {"error": (lines[-1] if lines else str(error)[-200:]).strip(),
                                              "seconds": time.perf_counter() - start}
                    continue
                results[path.name[:2]] = {"seconds": cost.seconds, "peak_rss_mb": cost.peak_rss_mb,
                                          "slowest_cells": slowest_cells(nb, cost.cell_seconds), **read_results(nb)}
        finally:
            os.environ.pop("PETS_MODELS_DIR", None)
    return results


def time_training(seed: int = 0) -> dict:
    """Seconds and peak memory to train notebook 02's model with ``recipes.train_base`` (run in a fresh process)."""
    import contextlib
    import io
    import resource

    from helpers.setup import setup_tensorflow

    setup_tensorflow(seed)
    from helpers import lesson, models, recipes

    course = lesson.Lesson("toy", seed=seed)
    train, val = course.load("train"), course.load("val")
    model = models.make_cnn(2, course.image_size, seed=course.seed)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the epoch lines
        recipes.train_base(model, train, val, course)
    return {"train_seconds": time.perf_counter() - start,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def time_training_in_subprocess(seed: int) -> dict:
    """:func:`time_training` in its own process, so the memory it reports is the training's alone."""
    result = subprocess.run([sys.executable, __file__, "--time-training", str(seed)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"timing the training failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def images_per_second(n: int = 1000, repeats: int = 3) -> float:
    """Toy pets drawn per second at the default size, on one core: the fastest of ``repeats`` runs of ``n`` pets.

    The fastest run, as ``timeit`` advises and as for the import floor: on a
    shared machine the slower runs measure the other programs, not the drawing.
    """
    from helpers import toypets

    per_breed = n // len(toypets.BREEDS)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for breed in toypets.BREEDS:
            toypets.draw_many(breed, per_breed, seed=123, size=toypets.DEFAULT_SIZE)
        best = min(best, time.perf_counter() - start)
    return per_breed * len(toypets.BREEDS) / best


def import_floor_seconds(repeats: int = 3) -> float:
    """The fixed start-up cost of a notebook: a fresh Python importing what every notebook imports (the fastest of ``repeats``)."""
    code = "import tensorflow, keras, matplotlib, helpers.setup, helpers.lesson, helpers.plots, helpers.recipes"
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> dict:
    """What the numbers depend on: CPU model, its vector extensions and the threads TensorFlow may use."""
    model, flags = "unknown", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model == "unknown":
                model = value.strip()
            if key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    vector = [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "amx_tile") if f in flags]
    return {"cpu": model, "vector_extensions": vector, "threads": os.cpu_count()}


def verdict(key: str, value: float) -> str:
    if key not in BARS:
        return ""
    op, bar = BARS[key]
    ok = {"<=": value <= bar, ">=": value >= bar, ">": value > bar}[op]
    return f"{'ok ' if ok else 'MISS'} ({op} {bar})"


def measure(runs: dict, seed: int, notebook: str, key):
    run = runs[seed].get(notebook, {})
    if "measured" not in run:
        return None
    try:
        return key(run["measured"]) if callable(key) else run["measured"].get(key)
    except (KeyError, IndexError, TypeError):  # e.g. a QUICK run, or a measure this notebook did not print
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10)))
    parser.add_argument("--notebooks", nargs="*", default=[], help="name prefixes such as 03 (default: all, in order)")
    parser.add_argument("--time-training", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_training is not None:
        print(json.dumps(time_training(args.time_training)))
        return 0

    from run_notebooks import find_notebooks

    notebooks = find_notebooks(args.notebooks)
    # The unit, timed before and after the notebooks: a shared machine's speed can change within minutes.
    training_before = time_training_in_subprocess(args.seeds[0])
    runs = {}
    for seed in args.seeds:
        start = time.perf_counter()
        runs[seed] = run_series(seed, notebooks)
        stopped = [f"{nb}: {r['error']}" for nb, r in runs[seed].items() if "error" in r]
        print(f"seed {seed}: {time.perf_counter() - start:.0f} s" + ("; stopped in " + "; ".join(stopped) if stopped else ""), flush=True)

    summary: dict = {"seeds": args.seeds}
    print()
    print(f"{'measure':<28}" + "".join(f"{'seed ' + str(s):>9}" for s in args.seeds) + f"{'min':>9}{'max':>9}  bar")
    for name, notebook, key in MEASURES:
        values = [measure(runs, s, notebook, key) for s in args.seeds]
        known = [v for v in values if v is not None]
        if not known:
            continue
        lo, hi = min(known), max(known)
        summary[name] = round(sum(known) / len(known), 3)
        summary[name + "_min"], summary[name + "_max"] = round(lo, 3), round(hi, 3)
        worst = hi if BARS.get(name, (">=",))[0] == "<=" else lo
        cells = "".join(f"{v:>9.3f}" if v is not None else f"{'-':>9}" for v in values)
        print(f"{name:<28}{cells}{lo:>9.3f}{hi:>9.3f}  {verdict(name, worst) if len(known) == len(values) else 'MISS (a run stopped)'}")

    print()
    print("claims that held, per notebook (✗ = a claim that did not hold; '!' = the notebook stopped)")
    print(f"{'notebook':<10}" + "".join(f"{'seed ' + str(s):>9}" for s in args.seeds))
    missed: dict = {}
    for path in notebooks:
        nb = path.name[:2]
        row = []
        for s in args.seeds:
            run = runs[s].get(nb, {})
            if "error" in run:
                row.append("!")
                missed.setdefault(f"{nb}: stopped", []).append(s)
                continue
            claims = run.get("claims", {})
            for claim, held in claims.items():
                if not held:
                    missed.setdefault(f"{nb}: {claim}", []).append(s)
            row.append(f"{sum(claims.values())}/{len(claims)}")
        print(f"{nb:<10}" + "".join(f"{c:>9}" for c in row))
    for claim, seeds in missed.items():
        print(f"  ✗ {claim}  (seeds {', '.join(map(str, seeds))})")
    summary["claims_missed"] = {claim: seeds for claim, seeds in missed.items()}

    first = runs[args.seeds[0]]
    seconds = {path.stem: round(first[path.name[:2]]["seconds"], 1) for path in notebooks}
    memory = {path.stem: first[path.name[:2]].get("peak_rss_mb") for path in notebooks}
    print()
    print(f"run times for seed {args.seeds[0]}:")
    for path in notebooks:
        s = seconds[path.stem]
        print(f"  {path.stem:<40}{s:>8.1f} s  peak {memory[path.stem] or 0:>7.0f} MB  {'ok' if s <= 90 else 'MISS'} (<= 90 s)")
    total = round(sum(seconds.values()), 1)
    print(f"  {'series':<40}{total:>8.1f} s  {'ok' if total <= 300 else 'MISS'} (<= 300 s)")
    summary.update(notebook_seconds=seconds, notebook_peak_rss_mb=memory, series_seconds=total)

    training = time_training_in_subprocess(args.seeds[0])
    timings = [training_before["train_seconds"], training["train_seconds"]]
    summary["train_seconds"] = round(sum(timings) / 2, 2)
    summary["train_seconds_before_after"] = [round(t, 2) for t in timings]
    summary["peak_rss_mb"] = round(training["peak_rss_mb"], 1)
    summary["images_per_second"] = round(images_per_second(), 1)
    summary["import_floor_seconds"] = round(import_floor_seconds(), 2)
    summary["machine"] = machine()
    print()
    for key in ("train_seconds", "peak_rss_mb", "images_per_second", "import_floor_seconds"):
        print(f"{key:<28}{summary[key]:>10.1f}  {verdict(key, summary[key])}")
    print(f"  (train_seconds is the mean of {timings[0]:.1f} s before and {timings[1]:.1f} s after the notebooks"
          + ("; they differ by more than 20 %: the machine's speed changed, so read the ratios below with care)"
             if max(timings) > 1.2 * min(timings) else ")"))
    # In units of this run's default training, so two machines can be compared (issue: "Fast on every laptop").
    unit, floor = summary["train_seconds"], summary["import_floor_seconds"]
    summary["notebook_trainings"] = {k: round(v / unit, 2) for k, v in seconds.items()}
    summary["notebook_trainings_above_floor"] = {k: round((v - floor) / unit, 2) for k, v in seconds.items()}
    summary["series_trainings"] = round(total / unit, 2)
    summary["series_trainings_above_floors"] = round((total - floor * len(seconds)) / unit, 2)
    print()
    m = summary["machine"]
    print(f"machine: {m['cpu']}; {', '.join(m['vector_extensions']) or 'no vector extensions found'}; {m['threads']} threads")
    print(f"in units of train_seconds ({unit:.1f} s), above the import floor ({floor:.1f} s per notebook):")
    for path in notebooks:
        above = summary["notebook_trainings_above_floor"][path.stem]
        print(f"  {path.stem:<40}{summary['notebook_trainings'][path.stem]:>6.2f}  above the floor {above:>6.2f}  "
              f"{'ok' if above <= 3 else 'MISS'} (<= 3)")
    above = summary["series_trainings_above_floors"]
    print(f"  {'series':<40}{summary['series_trainings']:>6.2f}  above the floors {above:>6.2f}  {'ok' if above <= 8 else 'MISS'} (<= 8)")
    print(f"slowest cells for seed {args.seeds[0]} (cell index in the stored notebook, seconds, trainings, its first line):")
    summary["slowest_cells"] = {}
    for path in notebooks:
        rows = first[path.name[:2]].get("slowest_cells", [])
        summary["slowest_cells"][path.stem] = rows
        print(f"  {path.stem}")
        for index, cell_s, line in rows:
            print(f"    [{index:>2}] {cell_s:>6.1f} s {cell_s / unit:>5.2f}  {line}")
    summary["per_seed"] = {
        s: {name: (None if (v := measure(runs, s, nb, key)) is None else round(v, 3)) for name, nb, key in MEASURES}
        for s in args.seeds
    }
    print("BENCH " + json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
