"""Every public helper is used, and says where a student meets it.

A public function or class in ``helpers/`` (no leading underscore) must
either say "Introduced in notebook NN" and be named in notebook NN's code, or
say "Used by ..." and be named in another helper module or a tool (an
internal building block a student need not read first). A helper that
nothing uses is a helper to delete.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(p for p in (ROOT / "helpers").glob("*.py") if p.name != "__init__.py")


def notebook_code() -> dict[str, str]:
    code = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code[path.name[:2]] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return code


def public_names(path: Path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") and node.name != "main":
            yield node.name, ast.get_docstring(node) or ""


HELPERS = [(path, name, doc) for path in MODULES for name, doc in public_names(path)]


def mentioned(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


@pytest.mark.parametrize("path, name, doc", HELPERS, ids=[f"{p.stem}.{n}" for p, n, _ in HELPERS])
def test_a_public_helper_says_where_it_is_used(path, name, doc):
    code = notebook_code()
    introduced = re.findall(r"Introduced in notebook (\d\d)", doc)
    others = "\n".join(p.read_text() for p in MODULES if p != path)
    others += "\n".join(p.read_text() for p in (ROOT / "tools").glob("*.py"))
    if introduced:
        first = introduced[0]
        assert first in code, f"{path.stem}.{name}: notebook {first} does not exist"
        assert mentioned(name, code[first]), (
            f"{path.stem}.{name} says 'Introduced in notebook {first}' but that notebook's code never names it; "
            "fix the number, or say 'Used by ...' if students never call it")
    else:
        assert "Used by" in doc, f"{path.stem}.{name}: its docstring says neither 'Introduced in notebook NN' nor 'Used by ...'"
        own_uses = len(re.findall(rf"\b{re.escape(name)}\b", path.read_text())) - 1
        assert mentioned(name, others) or own_uses > 0, f"{path.stem}.{name} is used by nothing: delete it"


def test_the_rule_finds_helpers():
    assert len(HELPERS) > 30
