"""tools/bench.py: what it reports about a run can be read against the stored notebooks."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_notebook

import bench  # tools/bench.py (tools/ is on the path: tests/conftest.py)


def test_slowest_cells_count_the_cells_of_the_stored_notebook():
    stored = [new_code_cell("SEED = 0", metadata={"tags": ["parameters"]}), new_code_cell("fast()"),
              new_code_cell("# the long one\nslow()")]
    run = new_notebook(cells=[stored[0], new_code_cell("SEED = 3", metadata={"tags": ["injected-parameters"]}),
                              *stored[1:]])
    rows = bench.slowest_cells(run, {2: 0.1, 3: 9.0, 0: 0.0}, top=2)
    assert rows == [[2, 9.0, "slow()"], [1, 0.1, "fast()"]]  # stored cells 2 and 1, not the run's 3 and 2
