"""The modules a page's script imports, all of them, for <link rel="modulepreload">.

A module's imports are fetched only once it has arrived and been parsed, so the command
view's 25 modules came in four round trips one after another (a third of a second before
its live link could open). Named in the page's head, they are all asked for at once.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path, PurePosixPath

from flask import current_app

IMPORT = re.compile(r"""^\s*import\s[^"']*?from\s+["'](\.{1,2}/[^"']+)["']""", re.MULTILINE)
_KNOWN: dict[tuple[str, str], tuple[tuple, list[str]]] = {}  # -> (their mtimes, paths)
_LOCK = threading.Lock()


def module_graph(entry: str) -> list[str]:
    """`entry` (a path under static/) and every module it imports, directly or not, in
    the order found; read again when any of them changes."""
    root = Path(current_app.static_folder)
    key = (str(root), entry)
    with _LOCK:
        known = _KNOWN.get(key)
    if known and known[0] == _stamp(root, known[1]):
        return known[1]
    found = _walk(root, entry)
    with _LOCK:
        _KNOWN[key] = (_stamp(root, found), found)
    return found


def _stamp(root: Path, paths: list[str]) -> tuple:
    return tuple((root / path).stat().st_mtime_ns for path in paths)


def _walk(root: Path, entry: str) -> list[str]:
    found, todo = [], [entry]
    while todo:
        path = todo.pop(0)
        if path in found or not (root / path).is_file():
            continue
        found.append(path)
        text = (root / path).read_text(encoding="utf-8")
        for relative in IMPORT.findall(text):
            joined = PurePosixPath(path).parent / relative
            todo.append(_normal(joined))
    return found


def _normal(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
