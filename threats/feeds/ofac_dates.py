"""OFAC's dates of birth as ISO prefixes: "14 Mar 1971", "Feb 1965", "1971", "circa 1970",
and ranges of years, "1984 to 1986", which OFAC writes when it knows only the span.

A range becomes every year it spans ("1984", "1985", "1986"): the screener reads each
listed year as the whole of that year, so a badge holder born in any of them gets the
"within listed year" bonus, one born within two years of the span a small penalty ("near
but not equal") and one born further away a large one. "circa 1970" becomes the year 1970,
read the same way (a birth in 1971 is "near"); the raw text is kept in
`extra["approximate_birth_dates"]` so a person can see that OFAC called it approximate.
"""

from __future__ import annotations

import re
from datetime import date

MAX_RANGE_YEARS = 10  # a wider "range" says nothing about a date of birth
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6}
_MONTHS |= {"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_RANGE = re.compile(r"(?:between\s+)?(\d{4})\s+(?:to|and|-)\s+(\d{4})")


def birth_dates(text: str) -> tuple[str, ...]:
    """The ISO prefixes one OFAC date of birth stands for; () when it cannot be read."""
    text = " ".join(text.lower().split())
    text = text.removeprefix("circa").removeprefix("approximately").strip()
    if match := _RANGE.fullmatch(text):
        first, last = int(match[1]), int(match[2])
        if first <= last <= first + MAX_RANGE_YEARS:
            return tuple(f"{year:04d}" for year in range(first, last + 1))
        return ()
    iso = _iso_date(text)
    return (iso,) if iso else ()


def is_approximate(text: str) -> bool:
    return text.lower().lstrip().startswith(("circa", "approximately"))


def _iso_date(text: str) -> str | None:
    """ "14 mar 1971", "mar 1971", "1971" as an ISO prefix, or None."""
    parts = text.split()
    if not parts or len(parts) > 3 or not re.fullmatch(r"\d{4}", parts[-1]):
        return None
    year = int(parts[-1])
    month = _MONTHS.get(parts[-2][:3]) if len(parts) >= 2 and parts[-2].isalpha() else None
    if len(parts) == 1:
        return f"{year:04d}"
    if month is None or (len(parts) == 3 and not parts[0].isdigit()):
        return None
    if len(parts) == 2:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, int(parts[0])).isoformat()
    except ValueError:
        return None
