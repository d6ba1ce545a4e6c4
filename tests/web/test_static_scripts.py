"""The page scripts are ES modules served as they are: a browser refuses a module script
whose answer is not a JavaScript type (nosniff makes it strict for classic scripts too)."""

from __future__ import annotations

from pathlib import Path

import pytest

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
SCRIPTS = sorted(path.relative_to(STATIC_JS).as_posix() for path in STATIC_JS.rglob("*.js"))


def test_there_are_module_scripts_to_serve():
    assert {"words.js", "planner.js", "command/main.js"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_module_script_is_served_as_javascript(client, name):
    response = client.get(f"/static/js/{name}")
    response.close()
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
