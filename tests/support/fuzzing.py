"""Shared scaffolding for the feed parsers' property-based (hypothesis) tests.

Every property says the same thing: whatever bytes arrive, a parser returns its records or
raises FeedFormatError, the one documented error. The pieces here build the inputs (random,
mutated or JSON-substituted fixtures) and tell the documented refusal from anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from threats.feeds.errors import FeedFormatError

FUZZ_STRICT = settings(max_examples=200, deadline=None, derandomize=True)
"""200 reproducible examples with every health check on."""

FUZZ = settings(FUZZ_STRICT, suppress_health_check=[HealthCheck.too_slow])
"""FUZZ_STRICT for parsers whose inputs are slow to build: the too_slow check is off."""

REFUSED = object()
"""What only_documented_error answers when the parser raised FeedFormatError."""


def only_documented_error(parse: Callable[..., object], *args: object) -> object:
    """parse(*args), or REFUSED when it raised FeedFormatError; any other error propagates."""
    try:
        return parse(*args)
    except FeedFormatError:
        return REFUSED


@st.composite
def mutated_bytes(
    draw: st.DrawFn,
    original: bytes,
    *,
    max_rounds: int = 8,
    inserts: Sequence[bytes] = (),
) -> bytes:
    """original after 1..max_rounds random edits: flip a bit, delete up to 20 bytes, truncate,
    and, when inserts are given, insert one of them; stops early once nothing is left."""
    actions = ["flip", "delete", "truncate"] + (["insert"] if inserts else [])
    raw = bytearray(original)
    for _ in range(draw(st.integers(1, max_rounds))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        match draw(st.sampled_from(actions)):
            case "flip":
                raw[at] ^= 1 << draw(st.integers(0, 7))
            case "delete":
                del raw[at : at + draw(st.integers(1, 20))]
            case "truncate":
                del raw[at:]
            case "insert":
                raw[at:at] = draw(st.sampled_from(inserts))
    return bytes(raw)


def json_values(
    *,
    max_text: int = 30,
    max_key: int = 10,
    max_items: int = 4,
    max_entries: int | None = 4,
    max_leaves: int = 10,
) -> st.SearchStrategy[object]:
    """Any JSON value: scalars nested in lists (up to max_items) and objects (up to
    max_entries; None for no limit)."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=max_text)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=max_items)
            | st.dictionaries(st.text(max_size=max_key), inner, max_size=max_entries)
        ),
        max_leaves=max_leaves,
    )


JSON_VALUES = json_values()


def paths(document: object, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON value, the root included, parents before their children."""
    found = [prefix]
    if isinstance(document, dict):
        children = document.items()
    elif isinstance(document, list):
        children = enumerate(document)
    else:
        children = ()
    for key, child in children:
        found.extend(paths(child, (*prefix, key)))
    return found


def substituted(document: object, path: tuple, value: object) -> object:
    """A copy of document with the value at path replaced; document itself is left alone."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = substituted(copy[head], rest, value)
    return copy


@st.composite
def substitutions(
    draw: st.DrawFn,
    document: object,
    *,
    values: st.SearchStrategy[object] = JSON_VALUES,
    max_rounds: int = 3,
) -> object:
    """document with 1..max_rounds values, each at any path of the document so far (the root
    included), replaced by one drawn from values."""
    for _ in range(draw(st.integers(1, max_rounds))):
        path = draw(st.sampled_from(paths(document)))
        document = substituted(document, path, draw(values))
    return document
