"""Reading JSON feed documents the same way everywhere: a size cap, no NaN or Infinity,
and every problem as the one documented FeedFormatError, named after its source."""

from __future__ import annotations

import json
from typing import Any

from threats.feeds.errors import FeedFormatError


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def load(data: bytes, max_bytes: int, label: str) -> object:
    if len(data) > max_bytes:
        raise FeedFormatError(
            f"{label}: document is {len(data)} bytes, over the {max_bytes}-byte cap"
        )
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise FeedFormatError(f"{label}: JSON is nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise FeedFormatError(
            f"{label}: not a JSON document, not valid UTF-8 JSON ({exc})"
        ) from exc


def load_object(data: bytes, max_bytes: int, label: str) -> dict[str, Any]:
    document = load(data, max_bytes, label)
    if not isinstance(document, dict):
        raise FeedFormatError(f"{label}: document is not a JSON object")
    return document


def array(value: object, where: str, label: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FeedFormatError(f"{label}: {where} is not a list")
    return value


def obj(value: object, where: str, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FeedFormatError(f"{label}: {where} is not a JSON object")
    return value
