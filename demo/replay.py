"""The demo's CAP alerts, replayed on a loop with their times shifted to now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

ALERTS = Path(__file__).parent / "alerts"
CHICAGO = ZoneInfo("America/Chicago")
SENDER = "demo@eventwatch.invalid"


@dataclass(frozen=True)
class Replayed:
    identifier: str
    appears_at: datetime
    expires_at: datetime
    template: str


@cache
def templates() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(ALERTS.glob("*.xml")))


def cap_time(value: datetime) -> str:
    """CAP's date-time form: local offset, no fractions, no Z."""
    return value.astimezone(CHICAGO).replace(microsecond=0).isoformat()


def schedule(
    started: datetime, now: datetime, *, step_s: int, lifetime_s: int, first_s: int = 20
) -> list[Replayed]:
    """The alerts visible at `now`: one more every `step_s`, each live for `lifetime_s`."""
    count = len(templates())
    elapsed = (now - started).total_seconds() - first_s
    if elapsed < 0 or count == 0:
        return []
    last = int(elapsed // step_s)
    first = max(0, last - lifetime_s // step_s)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    visible = []
    for k in range(first, last + 1):
        appears = started + timedelta(seconds=first_s + k * step_s)
        expires = appears + timedelta(seconds=lifetime_s)
        if appears <= now < expires:
            visible.append(
                Replayed(f"EW-DEMO-{stamp}-{k:04d}", appears, expires, templates()[k % count])
            )
    return visible


def render(alert: Replayed) -> bytes:
    return alert.template.format(
        identifier=alert.identifier,
        sent=cap_time(alert.appears_at),
        effective=cap_time(alert.appears_at),
        expires=cap_time(alert.expires_at),
    ).encode("utf-8")


def atom_index(alerts: list[Replayed], self_url: str, link_for) -> bytes:
    """An ATOM index in the api.weather.gov style, one entry per visible alert."""
    entries = "".join(
        f"""
  <entry>
    <id>{escape(link_for(a.identifier))}</id>
    <link rel="alternate" href="{escape(link_for(a.identifier))}"/>
    <updated>{cap_time(a.appears_at)}</updated>
    <title>{escape(a.identifier)}</title>
    <cap:msgType>Alert</cap:msgType>
    <cap:expires>{cap_time(a.expires_at)}</cap:expires>
  </entry>"""
        for a in alerts
    )
    updated = cap_time(alerts[-1].appears_at) if alerts else "1970-01-01T00:00:00+00:00"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">
  <id>{escape(self_url)}</id>
  <title>eventwatch demo: Air and Water Show alerts (replayed)</title>
  <updated>{updated}</updated>
  <link rel="self" href="{escape(self_url)}"/>{entries}
</feed>
""".encode()
