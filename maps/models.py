"""The stored live deltas: what every viewer of an event has been sent, in order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.storage import Base, UTCDateTime
from common.times import utcnow


class LiveDelta(Base):
    __tablename__ = "live_deltas"
    __table_args__ = (UniqueConstraint("event_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)


class WallLink(Base):
    """A read-only link without a login, partner view only, until it expires or is revoked:
    a wall display (`wall`: a screen in a partner's centre) or a GIS feed (`gis`: GeoJSON
    that ArcGIS or QGIS polls). A token opens only its own kind. Only its SHA-256 is kept."""

    __tablename__ = "wall_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="wall", server_default="wall")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
