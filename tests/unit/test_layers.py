"""Dependencies point one way, and a module's name says its layer.

Packages, lowest first: common, accounts, planner, threats, maps, demo. Inside each, a
module is a door (views, api, forms, jobs, sockets, cli, auth: what app.py registers), page
glue (strings), a service (services, *_service: takes the session), models, or core
(everything else: plain Python). web/ is the Flask glue every door shares.

- common imports nothing of ours but common, and no Flask;
- core, models and services import no Flask and no web glue; core takes no session;
- the core, models and services of a package never import a higher package;
- nothing imports a door but app.py (and the tests); web imports no door.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("common", "accounts", "planner", "threats", "maps", "demo")  # lowest first
OURS = (*PACKAGES, "web", "app", "wsgi")
DOORS = {"views", "api", "forms", "jobs", "sockets", "cli", "auth"}
PAGE_GLUE = {"strings"}
FLASK = ("flask", "flask_babel", "flask_login", "flask_socketio", "flask_sqlalchemy", "flask_wtf")
FLASK += ("werkzeug",)
# The database session, however it is reached: Flask-SQLAlchemy's, or SQLAlchemy's own.
SESSION = {("sqlalchemy.orm", "Session"), ("sqlalchemy.orm", "sessionmaker")}
SESSION |= {("sqlalchemy.orm", "scoped_session"), ("web.extensions", "db")}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # what it imports, dotted (the module, or module.name for `from m import name`)
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    found = {}
    for top in OURS:
        if (ROOT / f"{top}.py").exists():
            found[top] = ROOT / f"{top}.py"
        for path in (ROOT / top).rglob("*.py") if (ROOT / top).is_dir() else ():
            found[module_name(path)] = path
    return found


def _type_only(tree: ast.Module) -> set[int]:
    """Ids of the imports under `if TYPE_CHECKING:`: names for type hints, not dependencies."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return found


def imports_of(name: str, path: Path) -> list[Import]:
    """Every import in the module, at any depth (an import inside a function counts)."""
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hints = _type_only(tree)
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            out += [Import(name, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [Import(name, f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return out


def layer(module: str) -> str:
    top = module.partition(".")[0]
    leaf = module.rsplit(".", 1)[-1]
    if top in ("app", "wsgi"):
        return "top"
    if top in ("common", "web"):
        return top
    if leaf in DOORS or leaf.startswith(("api_", "views_")) or leaf.endswith(("_views", "_api")):
        return "door"
    if leaf in PAGE_GLUE:
        return "glue"
    if leaf == "services" or leaf.endswith("_service") or leaf == "models":
        return "service"
    return "core"


def package(dotted: str) -> str:
    return dotted.partition(".")[0]


def is_ours(target: str) -> bool:
    return package(target) in OURS


def rank(dotted: str) -> int:
    top = package(dotted)
    return PACKAGES.index(top) if top in PACKAGES else -1


def uses_flask(target: str) -> bool:
    return package(target) in FLASK


def uses_session(target: str) -> bool:
    module, _, name = target.rpartition(".")
    return (module, name) in SESSION or package(target) == "flask_sqlalchemy"


def broken_rules(imp: Import, modules: dict[str, Path]) -> list[str]:
    """What this one import breaks, in words a reader can act on."""
    kind, target = layer(imp.module), imp.target
    where = f"{imp.module}:{imp.line} imports {target}"
    found = []
    if kind == "common" and is_ours(target) and package(target) != "common":
        found.append(f"{where}: common imports nothing of ours but common")
    if kind in ("common", "core", "service") and uses_flask(target):
        found.append(f"{where}: a {kind} module imports no Flask (doors and web/ do)")
    if kind in ("core", "service") and package(target) == "web":
        found.append(f"{where}: a {kind} module imports no web glue")
    if kind in ("common", "core") and uses_session(target):
        found.append(f"{where}: a {kind} module takes no database session (name it *_service)")
    if kind in ("core", "service") and is_ours(target) and rank(target) > rank(imp.module):
        found.append(f"{where}: {package(imp.module)} is lower than {package(target)}")
    imported = target if target in modules else target.rpartition(".")[0]
    if imported in modules and layer(imported) == "door" and kind != "top":
        found.append(f"{where}: only app.py imports a door (views, api, forms, jobs, ...)")
    return found


def violations(modules: dict[str, Path]) -> list[str]:
    found = []
    for name, path in sorted(modules.items()):
        for imp in imports_of(name, path):
            found += broken_rules(imp, modules)
    return sorted(set(found))


def test_dependencies_point_one_way():
    problems = violations(our_modules())
    assert not problems, "\n".join(problems)


def test_every_package_is_classified():
    """A new top-level package must be placed in the order, or it escapes every rule."""
    tops = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert tops <= set(OURS), f"place {sorted(tops - set(OURS))} in PACKAGES"


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        ("planner.zones", "from flask import current_app", "imports no Flask"),
        ("planner.zones", "from sqlalchemy.orm import Session", "takes no database session"),
        ("planner.gaps", "from web.extensions import db", "imports no web glue"),
        ("planner.zone_service", "from threats.models import Threat", "lower than threats"),
        ("threats.matching", "from maps import live", "lower than maps"),
        ("common.audience", "from planner import zones", "nothing of ours but common"),
        ("maps.snapshot_service", "from maps.views import bp", "only app.py imports a door"),
    ],
)
def test_the_rules_catch_a_bad_import(tmp_path, module, source, rule):
    """Each rule, shown to fail on the import it forbids."""
    path = tmp_path / "m.py"
    path.write_text(source + "\n")
    modules = our_modules() | {module: path}
    problems = [p for imp in imports_of(module, path) for p in broken_rules(imp, modules)]
    assert any(rule in p for p in problems), problems
