"""The command view names every module its script imports in its head (modulepreload), so
the browser asks for all of them at once instead of one level of imports after another."""

from __future__ import annotations

import re
from pathlib import Path

from tests.factories import db_session, make_event

STATIC = Path(__file__).resolve().parents[2] / "static"
IMPORT = re.compile(r"""from\s+["'](\.{1,2}/[^"']+)["']""")


def imported(entry: Path) -> set[Path]:
    """The module and all it imports, read the plain way (every `from "./..."`)."""
    seen, todo = set(), [entry.resolve()]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += [(path.parent / m).resolve() for m in IMPORT.findall(path.read_text())]
    return seen


def test_the_command_view_preloads_every_module_its_script_imports(app, login):
    with db_session(app) as session:
        event = make_event(session)
        session.commit()
        event_id = event.id
    who = login("commander", "cmdr")
    html = who.client.get(f"/events/{event_id}/command").get_data(as_text=True)
    hrefs = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', html)
    assert len(hrefs) == len(set(hrefs))
    expected = imported(STATIC / "js/command/main.js")
    assert {(STATIC / href).resolve() for href in hrefs} == expected
    assert len(expected) > 10  # the command view's modules, map.js and its helpers
    for href in hrefs:
        with who.client.get(f"/static/{href}") as response:
            assert response.status_code == 200 and "javascript" in response.mimetype
