"""How far a threat reaches, by category: rules as data an event can change, not code branches.

A rule says which threats it is for (a category matched inside the threat's kind or
category), how far around the threat's geometry it reaches in metres, whether it affects
every zone once it is close enough (lightning within 8 miles), which kinds of zone it is
limited to (a drone matters to airspace) and what severity it gives when it applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from common.messages import N_

FOOT_M = 0.3048
LIGHTNING_M = 12_875.0  # 8 miles: everyone sheltered before strikes come this close
CAP_SEVERITIES = ("extreme", "severe", "moderate", "minor", "unknown")


@dataclass(frozen=True)
class ReachRule:
    """How far a threat of one category reaches, and what it does to its severity."""

    category: str
    reach_m: float = 0.0
    all_zones: bool = False
    within_m: float | None = None
    zone_kinds: tuple[str, ...] = ()
    severity: str | None = None

    def matches(self, kind: str, category: str = "") -> bool:
        """True when the rule's category appears in the threat's kind or category."""
        wanted = self.category.casefold()
        return bool(wanted) and (wanted in kind.casefold() or wanted in category.casefold())


FOOTPRINT = ReachRule(category="")  # a threat touches only what its own geometry covers

# NCTC bomb threat stand-off: the PREFERRED evacuation distance is the reach. The largest
# distance comes first so that a kind naming two items ("pipe bomb in a car") gets the
# wider cordon, since the first matching rule wins.
DEFAULT_RULES: tuple[ReachRule, ...] = (
    ReachRule("lightning", all_zones=True, within_m=LIGHTNING_M),
    ReachRule("severe thunderstorm", all_zones=True, within_m=LIGHTNING_M),
    ReachRule("car bomb", reach_m=1900 * FOOT_M),
    ReachRule("vehicle bomb", reach_m=1900 * FOOT_M),
    ReachRule("suspicious vehicle", reach_m=1900 * FOOT_M),
    ReachRule("suitcase", reach_m=1850 * FOOT_M),
    ReachRule("suspicious package", reach_m=1850 * FOOT_M),
    ReachRule("suspicious item", reach_m=1850 * FOOT_M),
    ReachRule("pipe bomb", reach_m=1200 * FOOT_M),
    ReachRule("drone", zone_kinds=("airspace",), severity="severe"),
    ReachRule("unmanned aircraft", zone_kinds=("airspace",), severity="severe"),
)


def rule_for(rules: Iterable[ReachRule], kind: str, category: str = "") -> ReachRule:
    """The first rule whose category appears in the kind or category, else the footprint."""
    return next((r for r in rules if r.matches(kind, category)), FOOTPRINT)


# Where the rule that decided a threat's zones came from (codes; the page words them).
DEFAULT_SOURCE, EVENT_SOURCE, AREA_SOURCE = "default rule", "event rule", "alert area"


def decided_by(rule: ReachRule, origin: str) -> dict[str, Any]:
    """What decided a threat's zones, as the threat carries it: the rule (its category, the
    words a person names it by), the distance it reached over, in metres, and where the rule
    came from (the defaults, the event's own rules); no rule at all is the alert's own area.

    `metres` is the distance drawn around the threat: the rule's reach, or for a rule that
    takes every zone the distance within which it does (lightning within 8 miles)."""
    if not rule.category:
        return {
            "rule": "",
            "metres": 0.0,
            "all_zones": False,
            "zone_kinds": [],
            "origin": AREA_SOURCE,
        }
    metres = (rule.within_m or 0.0) if rule.all_zones else rule.reach_m
    return {
        "rule": rule.category,
        "metres": round(metres, 1),
        "all_zones": rule.all_zones,
        "zone_kinds": list(rule.zone_kinds),
        "origin": origin,
    }


def applied_severity(rule: ReachRule, zone_ids: Sequence[int], severity: str) -> str:
    """The rule's severity once the threat reaches a zone; the threat's own otherwise."""
    return rule.severity if rule.severity and zone_ids else severity


def rules_to_json(rules: Iterable[ReachRule]) -> list[dict[str, Any]]:
    """Plain dicts (lists, not tuples) that json.dumps writes and rules_from_json reads."""
    return [{**asdict(r), "zone_kinds": list(r.zone_kinds)} for r in rules]


def rules_from_json(data: Any) -> tuple[ReachRule, ...]:
    """Rules from rules_to_json's shape; a ValueError names the bad item and field."""
    if not isinstance(data, list):
        raise ValueError(
            N_("reach rules must be a list of objects, not %(type)s", type=type(data).__name__)
        )
    return tuple(_rule(i, item) for i, item in enumerate(data))


_FIELDS = tuple(f.name for f in fields(ReachRule))


def _rule(index: int, item: Any) -> ReachRule:
    label = N_("reach rule %(number)d", number=index)
    if not isinstance(item, dict):
        raise ValueError(
            N_("%(label)s: must be an object, not %(type)s", label=label, type=type(item).__name__)
        )
    category = item.get("category")
    if not isinstance(category, str) or not category.strip():
        raise ValueError(N_("%(label)s: field 'category' must be a non-empty string", label=label))
    label = N_("%(label)s (%(category)r)", label=label, category=category)
    unknown = sorted(set(item) - set(_FIELDS))
    if unknown:
        raise ValueError(N_("%(label)s: unknown field %(field)r", label=label, field=unknown[0]))
    within = item.get("within_m")
    all_zones = item.get("all_zones", False)
    if not isinstance(all_zones, bool):
        raise ValueError(N_("%(label)s: field 'all_zones' must be true or false", label=label))
    return ReachRule(
        category=category.strip(),
        reach_m=_metres(label, "reach_m", item.get("reach_m", 0.0)),
        all_zones=all_zones,
        within_m=None if within is None else _metres(label, "within_m", within),
        zone_kinds=_kinds(label, item.get("zone_kinds", [])),
        severity=_severity(label, item.get("severity")),
    )


def _metres(label: str, name: str, value: Any) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ValueError(
            N_(
                "%(label)s: field %(field)r must be a distance in metres >= 0, not %(value)r",
                label=label,
                field=name,
                value=value,
            )
        )
    return float(value)


def _kinds(label: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(k, str) and k for k in value):
        raise ValueError(
            N_("%(label)s: field 'zone_kinds' must be a list of zone kinds", label=label)
        )
    return tuple(value)


def _severity(label: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.lower() not in CAP_SEVERITIES:
        raise ValueError(
            N_(
                "%(label)s: field 'severity' must be one of %(severities)s",
                label=label,
                severities=", ".join(CAP_SEVERITIES),
            )
        )
    return value.lower()
