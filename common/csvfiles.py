"""CSV files in and out: uploads read as text, and the one writer of every CSV export, which
writes every cell so that no spreadsheet runs it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from common.messages import N_

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    """A spreadsheet must not run a name as a formula (CSV injection): a text cell that
    starts like one gets a leading apostrophe, so it opens as text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_table(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with CRLF line ends, EVERY cell (the header's too) through `csv_cell`.
    Every CSV export writes through this one function, so no column can be forgotten."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return out.getvalue()
