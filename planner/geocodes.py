"""The places an event lies in, as the National Weather Service names them: SAME county
codes ("017031"), UGC county codes ("ILC031") and UGC forecast zones ("ILZ014").

An alert that carries no polygon or circle says where it applies only by such codes; an
event that declares its own codes is reached by it as a whole (threats.ingest_service).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from common.messages import N_

_SAME = re.compile(r"\d{6}")
_FIPS = re.compile(r"\d{5}")  # a county's FIPS code: its SAME code is "0" and these five
_UGC = re.compile(r"[A-Z]{2}[CZ]\d{3}")
MAX_CODES = 100  # an event is not the size of a state; more is a pasted list gone wrong
# The names alerts give their codes: CAP's SAME, NWS's UGC, older NWS CAP 1.1's FIPS6, and
# the NWS API's affectedZones (URLs ending in the zone's UGC code).
_ALERT_NAMES = {"SAME": "SAME", "FIPS6": "SAME", "UGC": "UGC", "affectedZone": "UGC"}


def normalise(written: object) -> str:
    """One code as stored: upper case, a 5-digit county FIPS code made its SAME code;
    a ValueError says what a code looks like when this is none."""
    if not isinstance(written, str):
        raise ValueError(N_("a place code must be text, not %(type)s", type=type(written).__name__))
    code = written.strip().upper()
    if _FIPS.fullmatch(code):
        return "0" + code
    if _SAME.fullmatch(code) or _UGC.fullmatch(code):
        return code
    raise ValueError(
        N_(
            "%(code)r is not a place code: write a SAME county code (6 digits, 017031), "
            "a UGC county (ILC031) or a UGC forecast zone (ILZ014)",
            code=written.strip()[:40],
        )
    )


def normalise_all(written: object) -> list[str]:
    """Codes as stored, from a list or from text separated by commas, semicolons or spaces;
    each kept once, in the order given."""
    if isinstance(written, str):
        written = re.split(r"[\s,;]+", written.strip()) if written.strip() else []
    if not isinstance(written, list | tuple):
        raise ValueError(N_("place codes must be a list of codes"))
    codes = list(dict.fromkeys(normalise(w) for w in written))
    if len(codes) > MAX_CODES:
        raise ValueError(N_("at most %(count)d place codes", count=MAX_CODES))
    return codes


def kind(code: str) -> str:
    """SAME, UGC county or UGC zone."""
    if _SAME.fullmatch(code):
        return "SAME"
    return "UGC county" if code[2] == "C" else "UGC zone"


def same_county(code: str) -> str:
    """The county a SAME code is in: its first digit names a part of the county (1-9) or
    all of it (0), and a part is in the county all the same."""
    return code[1:]


def alert_codes(pairs: Iterable[tuple[str, str]]) -> set[str]:
    """The codes an alert area gives (CAP <geocode> pairs as threats.feeds keeps them);
    values may hold several codes separated by spaces (NWS CAP 1.1 did); others ignored."""
    found: set[str] = set()
    for name, value in pairs:
        if name not in _ALERT_NAMES:
            continue
        for token in value.split():
            code = token.rstrip("/").rpartition("/")[2].upper()
            if _SAME.fullmatch(code) or _UGC.fullmatch(code):
                found.add(code)
    return found


def matching(declared: Iterable[str], given: Iterable[str]) -> list[str]:
    """The declared codes an alert's codes reach, in declared order: UGC codes alike, SAME
    codes by county (a part of the county reaches an event declared in the whole)."""
    given = set(given)
    counties = {same_county(c) for c in given if _SAME.fullmatch(c)}
    return [
        c
        for c in declared
        if c in given or (_SAME.fullmatch(c) is not None and same_county(c) in counties)
    ]
