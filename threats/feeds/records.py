"""The normalised records every feed parser returns, whatever the source's own shape.

CAP and NWS sources give `cap.Alert`; watchlists give `WatchlistEntry`; incident feeds
give `Incident`; lookout (BOLO) lists give `Lookout`. A paginated source's parser returns
a `Page` with the link to the next page, which the poller follows (allowed hosts only).

One malformed record never costs the others: a parser that can tell records apart refuses
the bad one into `Page.refused` ("record 7 (id 2026/1): no name") and keeps the rest. The
poller counts refusals in the feed's health and treats such a read as partial, so nothing
is marked removed because it was refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from shapely.geometry.base import BaseGeometry

T = TypeVar("T")


@dataclass(frozen=True)
class WatchlistEntry:
    """A person on a wanted, missing or sanctions list."""

    source_id: str  # the source's own entity id: "2026/90011", an FBI uid, "NK-...", "990001"
    # "interpol-red", "interpol-yellow", "fbi-wanted", "lookout", and from FtM topics:
    # "sanctions", "wanted", "crime", "debarment", "poi", "pep", "other"
    list_kind: str
    name: str  # the primary name, given name(s) first where the source says which is which
    aliases: tuple[str, ...] = ()  # strong aliases and other spellings; may be in any script
    weak_aliases: tuple[str, ...] = ()  # never enough to match on their own
    given_names: str = ""  # when the source separates them
    family_name: str = ""
    birth_dates: tuple[str, ...] = ()  # ISO 8601 prefixes: "1971-03-14", "1988-02", "1972"
    nationalities: tuple[str, ...] = ()  # ISO 3166 alpha-2, upper case
    gender: str = ""  # "M", "F" or ""
    reason: str = ""  # charges, programmes or the poster's classification, short plain text
    url: str = ""  # where a person can read the source's own record
    extra: Mapping[str, object] = field(default_factory=dict)
    # False for a person a list carries only as context (an FtM non-target: a party donor,
    # a relative); screened only when the feed asks for non-targets too.
    target: bool = True


@dataclass(frozen=True)
class Incident:
    """Something reported at a place and time: a point in EPSG:4326 (lon, lat)."""

    source_id: str
    kind: str  # the source's category, e.g. "SUSPICIOUS PACKAGE"
    description: str
    geometry: BaseGeometry | None
    occurred_at: datetime | None  # aware; floating source times are read in the feed's zone
    priority: int | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookout:
    """A be-on-the-lookout: a name and/or a licence plate, maybe a place."""

    source_id: str
    name: str = ""
    plate: str = ""  # normalised: upper case, letters and digits only
    description: str = ""
    geometry: BaseGeometry | None = None
    issued_at: datetime | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a paginated source: its records and where the next page is, if any."""

    records: list[T]
    next_url: str | None = None
    total: int | None = None
    refused: tuple[str, ...] = ()  # one reason per record refused, the rest were kept
    guessed: Mapping[str, str] = field(default_factory=dict)  # columns named by guess
    more: bool = False  # the source says more records wait (ArcGIS exceededTransferLimit)


def refusal(position: int, source_id: str | None, reason: object) -> str:
    """How a refused record is named in the feed's health: its place and id, then why."""
    named = f" (id {source_id})" if source_id else ""
    return f"record {position}{named}: {reason}"
