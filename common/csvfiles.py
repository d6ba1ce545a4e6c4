"""CSV files in and out: uploads read as text, cells written so no spreadsheet runs them."""

from __future__ import annotations

from common.messages import N_


def csv_text(data: bytes) -> str:
    """An uploaded CSV file as text; ValueError naming what to do when it is not CSV text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(N_("the file is not UTF-8 text; save it as CSV UTF-8")) from exc
    if "\x00" in text:
        raise ValueError(
            N_("the file holds NUL characters, so it is not CSV text; save it as CSV UTF-8")
        )
    return text


def csv_cell(value: object) -> object:
    """A spreadsheet must not run a name as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
