"""The import graph the house rests on: the web app's entry (``ui.py``) and the command line never import
each other (``python ui.py`` used to load the file twice through ``quartiers.cli``), and the light modules
stay light. Read from the source, function-level imports included, so a lazy import cannot hide a circle."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("quartiers", "assistant", "vectorstore", "ingest", "eval", "prompts", "ui")


def _file_of(module: str) -> Path | None:
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _imports(module: str) -> frozenset[str]:
    file = _file_of(module)
    if file is None:
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from quartiers import cli`
    parents = {".".join(name.split(".")[:i]) for name in found for i in range(1, name.count(".") + 1)}
    return frozenset(name for name in found | parents if name.split(".")[0] in PACKAGES and _file_of(name))


def reachable(start: str, skip: set[str] | frozenset[str] = frozenset()) -> set[str]:
    seen, todo = set(skip), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += sorted(_imports(module) - seen)
    return seen - set(skip)


def test_the_web_entry_and_the_command_line_import_nothing_of_each_other() -> None:
    from_ui = reachable("ui")
    assert "quartiers.web.app" in from_ui and "quartiers.web.layout" in from_ui  # the graph is really read
    assert not {m for m in from_ui if m == "quartiers.cli" or m.startswith("quartiers.commands")}
    assert "ui" not in reachable("quartiers.cli")


def test_no_import_circle_through_the_entry_points() -> None:
    """``assistant.factory`` is the one way back up (the old import path of ``build_assistant``, which
    delegates to the composition root): nothing of the house itself goes through it."""
    for entry in ("ui", "quartiers.cli", "quartiers.web.app", "quartiers.components"):
        back = [m for m in _imports(entry) if entry in reachable(m, skip={"assistant.factory"})]
        assert not back, (entry, back)


def _sources() -> dict[Path, str]:
    files = [p for package in (*PACKAGES, "bench") for p in sorted((ROOT / package).rglob("*.py"))]
    return {p: p.read_text(encoding="utf-8") for p in [*files, ROOT / "ui.py"] if p.is_file()}


def test_folding_and_heading_paths_are_written_once_in_the_text_toolkit() -> None:
    """Accent folding (a compatibility decomposition) and the heading path's separator are the toolkit's:
    a second copy would fold or split one layer's text differently from another's."""
    toolkit = ROOT / "quartiers" / "text_toolkit.py"
    others = {p: text for p, text in _sources().items() if p != toolkit}
    assert len(others) > 100  # the sources were really read
    assert not [p for p, text in others.items() if '"NFKD"' in text or "'NFKD'" in text]
    assert not [p for p, text in others.items() if '" > "' in text or "' > '" in text]


def _trees(*packages: str) -> dict[Path, ast.AST]:
    files = [p for package in packages for p in sorted((ROOT / package).rglob("*.py"))]
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in [*files, ROOT / "ui.py"] if p.is_file()}


def test_the_benchmarks_import_nothing_of_the_tests() -> None:
    """A benchmark runs from an installed tree too, where ``tests/`` may be absent (and importing a test
    module runs its fixtures' imports): what both need lives in ``bench/``."""
    trees = {p: t for p, t in _trees("bench").items() if p.parent.name == "bench"}
    assert len(trees) > 10  # the benchmarks were really read
    imported = {(p.name, name) for p, tree in trees.items() for node in ast.walk(tree)
                for name in ([a.name for a in node.names] if isinstance(node, ast.Import)
                             else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])}
    assert not [(file, name) for file, name in imported if name.split(".")[0] == "tests"]


def test_consumers_ask_the_assistant_not_its_retriever() -> None:
    """The command line and the web app call the assistant's entry points (``answer``, ``stream``,
    ``check_filters``): ``assistant.retriever.x`` would tie them to one part of how it is built."""
    trees = _trees("quartiers")
    assert len(trees) > 30
    reaching = [(p.name, node.lineno) for p, tree in trees.items() for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr == "retriever"
                and isinstance(node.value, ast.Name) and node.value.id == "assistant"]
    assert not reaching
