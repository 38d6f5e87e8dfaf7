"""The package's own modules, their layers and the imports between them, read from the source files.

Nothing here imports the package: the store key (`storage.keys`) hashes the
modules an analysis imports, and tests/test_layers.py checks that every import
points down the layers and that none hides inside a function.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

PACKAGE = "korwatch_utils"
PACKAGE_DIR = Path(__file__).resolve().parent
# Bottom to top: a module may import its own layer and those below it, never one above.
LAYERS = {
    "korwatch_utils.version": 0, "korwatch_utils.sources": 0, "korwatch_utils.tables": 0, "korwatch_utils.data": 0,
    "korwatch_utils.weights": 0,
    "korwatch_utils.text": 1,
    "korwatch_utils.input": 2,
    "korwatch_utils.nlp": 3,
    "korwatch_utils.analyses": 4,
    "korwatch_utils.storage": 5,
    "korwatch_utils.views": 6,
    "korwatch_utils.notebooks": 7, "korwatch_utils.cli": 7, "korwatch_utils": 7,
}


class Import(NamedTuple):
    """One import of a package module by another."""

    importer: str
    imported: str
    line: int
    top_level: bool  # False: inside a function or class body


def module_file(module: str) -> Path | None:
    """The source file of a package module (a package's __init__.py), or None."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    parts = module.split(".")[1:]
    if not parts:
        return PACKAGE_DIR / "__init__.py"
    relative = Path(*parts)
    for path in (PACKAGE_DIR / relative.with_suffix(".py"), PACKAGE_DIR / relative / "__init__.py"):
        if path.is_file():
            return path
    return None


def modules() -> list[str]:
    """Every module of the package, by dotted name."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        found.append(".".join((PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts))))
    return found


def layer(module: str) -> int:
    """The layer of a module: that of the longest LAYERS entry it falls under."""
    owners = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return LAYERS[max(owners, key=len)]


@lru_cache(maxsize=None)
def imports(module: str) -> tuple[Import, ...]:
    """The package modules a module imports, top-level or not; `from package import name` counts name's
    module where name is one."""
    path = module_file(module)
    if path is None:
        return ()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" if module_file(f"{node.module}.{alias.name}") else node.module
                     for alias in node.names]
        else:
            continue
        for name in dict.fromkeys(names):
            if module_file(name):
                found.append(Import(module, name, node.lineno, id(node) in top))
    return tuple(found)


def closure(module: str) -> list[str]:
    """The module, every package module it imports directly or not, and the packages above each (whose
    __init__.py runs on import), sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parents = [".".join(name.split(".")[:end]) for end in range(1, name.count(".") + 1)]
        todo.extend([*parents, *(found.imported for found in imports(name))])
    return sorted(seen)
