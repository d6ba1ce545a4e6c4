"""Role labels beside role codes in the ICS CSV exports: the code stays for machines (the
API's contract), and a person reads the label in their own language in the next column."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from common.csvfiles import csv_table
from planner.ics import ICS204_COLUMNS, ICS215_COLUMNS

# The column holding the role code in each form's CSV (planner.ics's column keys).
ROLE_COLUMNS = {"ics204": "role", "ics215": "resource"}


def with_role_labels(text: str, form: str, title: str, label: Callable[[str], str]) -> str:
    """The CSV `text` with a column `title` after the role codes, each code's label in it."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return text
    keys = ICS204_COLUMNS if form == "ics204" else ICS215_COLUMNS
    at = keys.index(ROLE_COLUMNS[form]) + 1
    header, body = rows[0], rows[1:]
    return csv_table(
        [*header[:at], title, *header[at:]],
        ([*row[:at], label(row[at - 1]), *row[at:]] for row in body),
    )
