"""The package stays readable: no module over about 400 lines, and no import circles
(a module's top-level imports never lead back to itself). The pages' scripts
(templates/assets/*.js) keep to the same length."""

from __future__ import annotations

import ast
import json
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "guidance_builder"
ASSETS = PACKAGE.parent / "templates" / "assets"
MAX_LINES = 420


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path, known: set[str]) -> set[str]:
    """Modules of the package this one imports when it is itself imported (not inside functions)."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if isinstance(node, (ast.Import, ast.ImportFrom, ast.Try, ast.If)) else ():
            if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                # `from package import module` imports the module (the package is only its parent)
                submodules = [f"{inner.module}.{alias.name}" for alias in inner.names if f"{inner.module}.{alias.name}" in known]
                names = submodules if len(submodules) == len(inner.names) else [*submodules, inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            found.update(name for name in names if name in known)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: top_level_imports(path, set(modules)) - {name} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_no_import_circles():
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_planted_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_module_is_much_over_400_lines():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def long_scripts(folder: Path) -> dict[str, int]:
    return {p.name: n for p in sorted(folder.glob("*.js")) if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}


def test_no_script_is_much_over_400_lines():
    assert long_scripts(ASSETS) == {}


def test_the_script_length_check_finds_a_planted_long_script(tmp_path):
    (tmp_path / "short.js").write_text("var a = 1;\n" * MAX_LINES, encoding="utf-8")
    (tmp_path / "long.js").write_text("var a = 1;\n" * (MAX_LINES + 1), encoding="utf-8")
    assert long_scripts(tmp_path) == {"long.js": MAX_LINES + 1}


def test_the_checker_page_runs_every_script_but_the_sites_once():
    """A script split off another must be listed in checker-scripts.json, or the page never runs it."""
    listing = json.loads((ASSETS / "checker-scripts.json").read_text(encoding="utf-8"))
    names = [*listing["rules"], *listing["page"]]
    assert len(names) == len(set(names))
    assert set(names) == {p.name for p in ASSETS.glob("*.js")} - {"init.js"}
