"""Is a new report the same thing another source already reported? Same kind of threat,
close in place and time: then it is linked to the first report, not doubled on the map."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from threats.serialize import anchor

LINK_WITHIN_M = 250.0
LINK_WITHIN = timedelta(minutes=30)
_GEOD = Geod(ellps="WGS84")


def kind_key(kind: str) -> str:
    """'SUSPICIOUS PACKAGE', 'Suspicious package' and 'suspicious-packages' are one kind."""
    words = re.findall(r"[a-z0-9]+", (kind or "").casefold())
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Metres between the two shapes' anchors (a circle's centre), on the ellipsoid."""
    pa, pb = anchor(a), anchor(b)
    return float(_GEOD.inv(pa.x, pa.y, pb.x, pb.y)[2])


def same_report(
    kind_a: str,
    shape_a: BaseGeometry | None,
    time_a: datetime | None,
    kind_b: str,
    shape_b: BaseGeometry | None,
    time_b: datetime | None,
) -> bool:
    if shape_a is None or shape_b is None or kind_key(kind_a) != kind_key(kind_b):
        return False
    if time_a is not None and time_b is not None and abs(time_a - time_b) > LINK_WITHIN:
        return False
    return distance_m(shape_a, shape_b) <= LINK_WITHIN_M
