"""The pure libraries stay pure: routing/ and maps/ never import the service, a database
or a web framework (PRODUCT.md, architecture)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
ALLOWED = {
    "routing": {"routing", "ortools", "numpy", "geopy"},  # geopy: great-circle distances
    "maps": {"maps", "routing", "folium", "segno", "geopy"},
}


def _imports(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                yield path.name, [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield path.name, [node.module]


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_pure_library_imports_only_what_it_may(package):
    found = []
    for name, modules in _imports(package):
        for module in modules:
            top = module.split(".")[0]
            if top not in ALLOWED[package] and top not in STDLIB:
                found.append(f"{package}/{name} imports {module}")
    assert found == []
