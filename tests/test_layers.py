"""The package's layers, read from every module's imports with ``ast``: imports run one way.

base (errors, functions, cache, files) ← core ← read ← features (ad, calculus, checking, matrices,
sheets) ← api ← cli and web (the server of ``derive serve``, beside the command line: its
worker processes read requests and call the api); present reads the records of core and the
features and never solves.  Nothing imports cli or web (but ``derive serve``, which starts
the server), and no two modules import each other, directly or round a cycle.  A
function-local import is allowed only with a comment saying it defers a heavy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "derive"
BASE = {"errors", "functions", "cache", "files"}
FEATURES = {"ad", "calculus", "checking", "matrices", "sheets"}

# the layers each layer may import (besides itself)
ALLOWED = {
    "base": set(),
    "core": {"base"},
    "read": {"base", "core"},
    **{feature: {"base", "core", "read"} for feature in FEATURES},
    "present": {"base", "core", "read"} | FEATURES,
    "api": {"base", "core", "read", "present"} | FEATURES,
    "cli": {"base", "core", "api", "present", "sheets", "web"},
    "web": {"base", "core", "read", "api", "present", "sheets"},
    "package": {"base", "core", "api", "present"},
}
# what present may not import from the layers it reads: the solving modules
SOLVING = {"derive.core.engine", "derive.core.local", "derive.core.simplify",
           "derive.core.verify", "derive.core.multivariable", "derive.api"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] in BASE:
        return "base"
    if parts[1] in ("api", "__main__"):
        return "api" if parts[1] == "api" else "cli"
    return parts[1]


def imports(path: Path):
    """(imported module, line, local?, the line's comment) of every derive import."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    local_lines = {node.lineno for fn in ast.walk(tree)
                   if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            assert not (isinstance(node, ast.ImportFrom) and node.level), \
                f"{path}:{node.lineno}: a relative import"
            continue
        found = [n for n in names if n == "derive" or n.startswith("derive.")]
        modules = {_existing(n) for n in found} - {None}
        for module in modules:
            yield module, node.lineno, node.lineno in local_lines, lines[node.lineno - 1]


def _existing(name: str):
    """The module or package a dotted name names (``derive.core.steps.Solution`` →
    ``derive.core.steps``)."""
    parts = name.split(".")
    while parts:
        path = PACKAGE.parent.joinpath(*parts)
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return None


MODULES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {module_name(p): {m for m, *_ in imports(p)} - {module_name(p)} for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_follow_the_layers(path):
    name = module_name(path)
    own = layer(name)
    for module, line, local, text in imports(path):
        other = layer(module)
        if module == "derive" and own != "package":  # `from derive import __version__`
            assert other == "package" and "__version__" in text, f"{name}:{line}"
            continue
        if other == own or module == name:
            continue
        assert other in ALLOWED[own], f"{name}:{line} ({own}) imports {module} ({other})"
        if own == "present":
            assert module not in SOLVING, f"{name}:{line}: present imports {module}, which solves"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_function_local_imports_say_why(path):
    for module, line, local, text in imports(path):
        if local:
            assert "#" in text and ("start-up" in text or "heavy" in text), \
                f"{module_name(path)}:{line}: a function-local import without a comment " \
                "saying which heavy import it defers"


def test_nothing_imports_the_command_line():
    for name, imported in GRAPH.items():
        if layer(name) != "cli":
            assert not any(layer(m) == "cli" for m in imported), name


def test_only_the_serve_command_imports_the_web_server():
    """The server is an optional extra: nothing loads it but ``derive serve`` (and that only
    when it runs, by a deferred import)."""
    for path in MODULES:
        name = module_name(path)
        if layer(name) == "web":
            continue
        for module, line, local, _ in imports(path):
            if layer(module) == "web":
                assert name == "derive.cli.serve" and local, f"{name}:{line} imports {module}"


def test_no_import_cycles():
    """Depth-first search over module → imported module; a back edge is a cycle."""
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH:
                continue
            if state.get(nxt) == 1:
                cycle.extend(trail[trail.index(nxt):] + [node, nxt] if nxt in trail
                             else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, trail + [node]):
                return True
        state[node] = 2
        return False

    for start in sorted(GRAPH):
        if state.get(start) is None and visit(start, []):
            break
    assert not cycle, " → ".join(cycle)


def test_the_layers_are_packages():
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == {"core", "read", "ad", "calculus", "checking", "matrices", "sheets",
                       "present", "cli", "web"}
