"""The test suite's own layout: no test module imports another, and nothing imports a
conftest. Pytest imports each of those itself; a second import makes a second copy of
the module (its fixtures and state), and ties one test file to another's internals.
What tests share lives in tests/support/ and tests/factories.py."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def is_forbidden(module: str) -> bool:
    """A test module or a conftest of this suite (flask_socketio.test_client is neither)."""
    parts = module.lstrip(".").split(".")
    ours = module.startswith(".") or parts[0] == "tests" or is_test_or_conftest(parts[0])
    return ours and any(is_test_or_conftest(part) for part in parts)


def is_test_or_conftest(name: str) -> bool:
    return name.startswith("test_") or name == "conftest"


def forbidden_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if is_forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if is_forbidden(module):
                found.append(module)
            else:  # from tests.web import test_live
                found += [
                    f"{module}.{alias.name}" for alias in node.names if is_forbidden(alias.name)
                ]
    return found


def python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "fixtures" not in p.relative_to(TESTS).parts)


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    files = python_files()
    assert len([p for p in files if p.name.startswith("test_")]) > 50  # the walk finds them
    offenders = {
        str(path.relative_to(TESTS.parent)): found
        for path in files
        if (found := forbidden_imports(path))
    }
    assert offenders == {}, "move what is shared to tests/support/ or a conftest fixture"


def test_the_check_sees_every_form_of_such_an_import(tmp_path):
    forms = [
        "from tests.web.test_live import HOST",
        "from tests.conftest import NOW",
        "import tests.integration.test_polling",
        "from tests.web import test_live",
        "from .test_live import HOST",
        "from . import conftest",
        "import conftest",
        "from test_polling import add_feed",
        "def f():\n    from tests.web.test_access import csrf_from",
    ]
    for n, source in enumerate(forms):
        path = tmp_path / f"m{n}.py"
        path.write_text(source + "\n")
        assert forbidden_imports(path), source
    allowed = tmp_path / "ok.py"
    allowed.write_text(
        "from tests.support.live import HOST\n"
        "from tests.factories import make_user\n"
        "from flask_socketio.test_client import SocketIOTestClient\n"
    )
    assert forbidden_imports(allowed) == []
