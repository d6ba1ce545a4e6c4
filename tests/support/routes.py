"""Every route of an app as requests to make: each rule's methods, its URL filled in."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from flask import Flask

PLACEHOLDER = re.compile(r"<(?:([^:>]+(?:\([^)]*\))?):)?([^>]+)>")


def _stand_in(converter: str) -> str:
    if converter.startswith("any("):
        return converter[4:].split(",")[0].strip(" )'\"")
    return "x" if converter == "path" else "1"


def every_route(
    app: Flask, values: Mapping[str, object] | None = None
) -> Iterator[tuple[str, str, str]]:
    """(method, url, endpoint) for every rule; a placeholder takes its value from `values`
    by name, else a stand-in (1, x, or the first choice of an `any`)."""
    values = values or {}

    def fill(match: re.Match) -> str:
        converter, name = match.group(1) or "", match.group(2)
        return str(values[name]) if name in values else _stand_in(converter)

    for rule in app.url_map.iter_rules():
        url = PLACEHOLDER.sub(fill, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url, rule.endpoint
