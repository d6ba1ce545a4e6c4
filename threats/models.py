"""Feed sources, the items seen in them, and the threats made from their records."""

from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.storage import Base, Geometry, UTCDateTime
from common.times import utcnow
from threats import lifecycle

FEED_KINDS = (
    "cap",
    "cap-atom",
    "nws",
    "interpol-red",
    "interpol-yellow",
    "fbi-wanted",
    "ftm",
    "ofac-csv",
    "ofac-xml",
    "geojson-incidents",
    "csv-lookout",
    "incidents",  # the same reader as geojson-incidents: Socrata JSON or GeoJSON, ArcGIS
    "cap-push",
)
# Kinds a partner may push CAP to (POST /api/v1/feeds/<id>/push); `cap-push` is only
# pushed to, never polled: it has no URL.
PUSH_KINDS = ("cap", "cap-atom", "cap-push")
PUSH_ONLY = "cap-push"
THREAT_STATUSES, OPEN_STATUSES = lifecycle.STATUSES, lifecycle.OPEN


class FeedSource(Base):
    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(2000))
    interval_s: Mapped[int] = mapped_column(default=300)
    enabled: Mapped[bool] = mapped_column(default=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    consecutive_blocks: Mapped[int] = mapped_column(default=0)
    # No poll before this (Retry-After or backoff); the circuit stays open until the other.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    circuit_open_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    item_count: Mapped[int] = mapped_column(default=0)
    # Screen the people a list carries only as context (FtM non-targets: party donors,
    # relatives) as well as its targets. Off unless someone asks for it, per feed.
    screen_non_targets: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Alerts of the last read with no area and no code an event declared: placed nowhere.
    unplaced_count: Mapped[int] = mapped_column(default=0)
    # The feed's own push token, stored as its SHA-256 like an API token; None: no pushes.
    push_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    push_token_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The CAP <sender> values a push may carry, exactly; empty refuses every push.
    push_senders: Mapped[list] = mapped_column(JSON, default=list)
    # Pushes counted in the current minute, against PUSH_PER_MINUTE (push_service.count).
    push_window_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    push_window_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The credential sent to the source (credentials.py): its kind and header name, shown;
    # the secret only sealed (Fernet), opened by the fetcher just before it is sent.
    credential_kind: Mapped[str | None] = mapped_column(String(16))
    credential_header: Mapped[str | None] = mapped_column(String(100))
    credential_sealed: Mapped[str | None] = mapped_column(Text)
    # Incident feeds: the columns to read ({"id": "case_number", ...}; unset roles are
    # guessed), the last guess (shown on the feed page) and the IANA zone of floating
    # times (None: the event's).
    field_map: Mapped[dict | None] = mapped_column(JSON)
    field_guess: Mapped[dict | None] = mapped_column(JSON)
    timezone: Mapped[str | None] = mapped_column(String(64))


class FeedItem(Base):
    """An entry of an index feed already read, so an unchanged entry is not fetched again."""

    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("feed_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(1000))
    version: Mapped[str] = mapped_column(String(100), default="")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Threat(Base):
    __tablename__ = "threats"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feed_sources.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64), default="")
    severity: Mapped[str] = mapped_column(String(16), default="unknown")
    urgency: Mapped[str] = mapped_column(String(16), default="unknown")
    certainty: Mapped[str] = mapped_column(String(16), default="unknown")
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    closed_reason: Mapped[str] = mapped_column(String(200), default="")
    assignee: Mapped[str] = mapped_column(String(200), default="")
    # Other sources that reported the same thing: linked here, not doubled on the map.
    reported_by: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    instruction: Mapped[str] = mapped_column(Text, default="")
    # The language of title, description, instruction and kind: the alert's first <info>
    # block's (a BCP 47 tag, "is-IS"); "" for eventwatch's own words, which are English.
    language: Mapped[str] = mapped_column(String(64), default="")
    # The same words in the alert's other languages (CAP <info> blocks after the first),
    # by language subtag: {"es": {"title", "description", "instruction"}}.
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    geometry: Mapped[BaseGeometry | None] = mapped_column(Geometry)
    zone_ids: Mapped[list] = mapped_column(JSON, default=list)
    # What decided zone_ids (planner.reach.decided_by): the rule, its distance, its source;
    # None for threats stored before it was kept, and for those no reach rule places.
    reach_rule: Mapped[dict | None] = mapped_column(JSON)
    # The event's place codes an alert with no polygon named: it reaches the whole event.
    places: Mapped[list] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreatSource(Base):
    """A source record (e.g. one CAP sender+identifier) and the threat it belongs to.

    Referenced records are kept too, so an original that arrives after its Update or
    Cancel is recognised as superseded and never becomes a second threat.
    """

    __tablename__ = "threat_sources"
    __table_args__ = (UniqueConstraint("event_id", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    source_key: Mapped[str] = mapped_column(String(1000))
    threat_id: Mapped[int | None] = mapped_column(ForeignKey("threats.id", ondelete="CASCADE"))
    msg_type: Mapped[str] = mapped_column(String(16))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchlistRecord(Base):
    """A watchlist entry as last read from its source; removed, never deleted, when it
    vanishes, so a screening hit can always show what it matched."""

    __tablename__ = "watchlist"
    __table_args__ = (UniqueConstraint("feed_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(200))
    list_kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(500))
    given_names: Mapped[str] = mapped_column(String(500), default="")
    family_name: Mapped[str] = mapped_column(String(500), default="")
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    weak_aliases: Mapped[list] = mapped_column(JSON, default=list)
    birth_dates: Mapped[list] = mapped_column(JSON, default=list)
    nationalities: Mapped[list] = mapped_column(JSON, default=list)
    gender: Mapped[str] = mapped_column(String(8), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    target: Mapped[bool] = mapped_column(default=True, server_default=true())  # see WatchlistEntry
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActivityEntry(Base):
    """The event's activity log (ICS 214 style): what happened, to which threat, by whom."""

    __tablename__ = "activity_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))  # a username, or "feed: <name>"
    threat_id: Mapped[int | None] = mapped_column(ForeignKey("threats.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16), default="")
    assignee: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Credential(Base):
    """A badge holder of an event (staff, vendor, media, volunteer), screened against the
    watchlists; `content_hash` tells which rows changed since the last screening."""

    __tablename__ = "credentials"
    __table_args__ = (UniqueConstraint("event_id", "credential_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(300))
    date_of_birth: Mapped[str] = mapped_column(String(10), default="")
    organization: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(100), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    screened_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScreeningHit(Base):
    """A badge holder who looks like a watchlist entry, with why; a dismissed pair stays
    dismissed until the entry itself changes (`entry_hash`)."""

    __tablename__ = "screening_hits"
    __table_args__ = (UniqueConstraint("credential_row_id", "watchlist_row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    credential_row_id: Mapped[int] = mapped_column(ForeignKey("credentials.id", ondelete="CASCADE"))
    watchlist_row_id: Mapped[int] = mapped_column(ForeignKey("watchlist.id", ondelete="CASCADE"))
    score: Mapped[float]
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")  # new, confirmed, dismissed
    entry_hash: Mapped[str] = mapped_column(String(64))
    threat_id: Mapped[int | None] = mapped_column(ForeignKey("threats.id", ondelete="SET NULL"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    credential: Mapped[Credential] = relationship()
    entry: Mapped[WatchlistRecord] = relationship()


class SchedulerLease(Base):
    """Who runs the scheduled jobs: one row per lease, renewed by its holder until it stops."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
