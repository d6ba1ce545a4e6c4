"""Events, zones, operational periods (shifts), staffing requirements, people, assignments."""

from __future__ import annotations

from datetime import datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.storage import Base, Geometry, UTCDateTime
from common.times import utcnow


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_attendance: Mapped[int | None]
    # Hard staffing rules for everyone assigned to this event.
    min_rest_hours: Mapped[float] = mapped_column(default=8.0)
    max_hours_per_day: Mapped[float] = mapped_column(default=12.0)
    # How far each category of threat reaches (threats.reach); None means the defaults.
    reach_rules: Mapped[list | None] = mapped_column(JSON)
    # The NWS codes of the places it lies in (planner.geocodes): an alert with no polygon
    # that names one of them reaches the whole event.
    geocodes: Mapped[list] = mapped_column(JSON, default=list)
    # When its badge holders were last screened: watchlist entries changed since are due.
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last live delta's sequence number, bumped in the same transaction as the delta.
    live_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    zones: Mapped[list[Zone]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Zone.id"
    )
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Shift.starts_at"
    )


class Zone(Base):
    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry)
    area_m2: Mapped[float]
    density: Mapped[float | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="zones")

    @property
    def capacity(self) -> int | None:
        from planner.zones import holding_capacity

        return holding_capacity(self.area_m2, self.density)


class Shift(Base):
    """An operational period: a named span of time during which one plan is in force."""

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="shifts")


class Requirement(Base):
    """How many people of one role a zone needs during one shift."""

    __tablename__ = "requirements"
    __table_args__ = (UniqueConstraint("zone_id", "shift_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(64))
    required: Mapped[int]


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Person(Base):
    """Someone who can be assigned: a member of an agency, maybe of a unit in it."""

    __tablename__ = "personnel"
    __table_args__ = (UniqueConstraint("agency_id", "badge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    badge: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")
    roles: Mapped[list] = mapped_column(JSON, default=list)
    phone: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()


class Assignment(Base):
    """A person posted to a zone for a shift, in one role."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("person_id", "shift_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("personnel.id", ondelete="CASCADE"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class CheckIn(Base):
    """A person reporting on duty in a zone, going off duty, or diverted to an incident.
    The latest row per person is their state; the rows are the history."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("personnel.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # on_duty, off_duty, diverted
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(64), default="")
    threat_id: Mapped[int | None] = mapped_column(ForeignKey("threats.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(200), default="")

    person: Mapped[Person] = relationship()


class DivisionNote(Base):
    """What one division (zone) is told for one operational period on its ICS 204: radio
    channels, talkgroups and phones, and special instructions."""

    __tablename__ = "division_notes"
    __table_args__ = (UniqueConstraint("zone_id", "shift_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    communications: Mapped[str] = mapped_column(Text, default="")
    special_instructions: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
