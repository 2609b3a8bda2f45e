"""Read-only questions about maintenance that lists, the calendar, rack pages and the floor view ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops.maintenance.models import (
    AffectedCustomer,
    Impact,
    Maintenance,
    MaintenanceStatus,
    Scope,
    maintenance_hardware,
    place,
)
from dcops.racks.models import Hardware, Rack, Room

OPEN = (MaintenanceStatus.planned, MaintenanceStatus.announced, MaintenanceStatus.in_progress)
WHEN = ("upcoming", "past")


def maintenance_query(status: str | None = None, when: str | None = None, now: datetime | None = None) -> Select[Any]:
    """`when`: "upcoming" (not over yet: soonest first) or "past" (over: latest first); else latest start first."""
    stmt = select(Maintenance).options(
        joinedload(Maintenance.site),
        joinedload(Maintenance.room).joinedload(Room.site),
        joinedload(Maintenance.rack).joinedload(Rack.room),
        selectinload(Maintenance.hardware),
    )
    if status:
        stmt = stmt.where(Maintenance.status == status)
    if when == "upcoming" and now is not None:
        return stmt.where(Maintenance.ends_at >= now).order_by(Maintenance.starts_at, Maintenance.id)
    if when == "past" and now is not None:
        stmt = stmt.where(Maintenance.ends_at < now)
    return stmt.order_by(Maintenance.starts_at.desc(), Maintenance.id.desc())


def _listed_in(racks: Any) -> ColumnElement[bool]:
    """Hardware-scoped maintenance listing hardware mounted in one of `racks` (a select of rack ids)."""
    return and_(
        Maintenance.scope == Scope.hardware,
        exists(
            select(maintenance_hardware.c.hardware_id)
            .join(Hardware, Hardware.id == maintenance_hardware.c.hardware_id)
            .where(maintenance_hardware.c.maintenance_id == Maintenance.id, Hardware.rack_id.in_(racks))
        ),
    )


def touching_room(db: Session, room_id: int) -> ColumnElement[bool]:
    """Maintenance whose scope reaches into the room: its site, the room, one of its racks, hardware in it."""
    room = db.get(Room, room_id)
    if room is None:
        return false()
    racks = select(Rack.id).where(Rack.room_id == room_id)
    return or_(
        and_(Maintenance.scope == Scope.site, Maintenance.site_id == room.site_id),
        and_(Maintenance.scope == Scope.room, Maintenance.room_id == room_id),
        and_(Maintenance.scope == Scope.rack, Maintenance.rack_id.in_(racks)),
        _listed_in(racks),
    )


def touching_rack(rack: Rack) -> ColumnElement[bool]:
    """Maintenance whose scope takes in the rack: its site, its room, the rack, or hardware mounted in it."""
    return or_(
        and_(Maintenance.scope == Scope.site, Maintenance.site_id == rack.room.site_id),
        and_(Maintenance.scope == Scope.room, Maintenance.room_id == rack.room_id),
        and_(Maintenance.scope == Scope.rack, Maintenance.rack_id == rack.id),
        _listed_in(select(Rack.id).where(Rack.id == rack.id)),
    )


def affecting_customer(customer_id: int) -> ColumnElement[bool]:
    return exists(
        select(AffectedCustomer.customer_id).where(
            AffectedCustomer.maintenance_id == Maintenance.id, AffectedCustomer.customer_id == customer_id
        )
    )


def between(db: Session, first: datetime, last: datetime, *where: ColumnElement[bool]) -> list[Maintenance]:
    """Maintenance not cancelled whose window overlaps [first, last)."""
    stmt = maintenance_query().where(
        Maintenance.status != MaintenanceStatus.cancelled,
        Maintenance.starts_at < last,
        Maintenance.ends_at > first,
        *where,
    )
    return list(db.scalars(stmt).unique())


def current_and_upcoming(db: Session, now: datetime, until: datetime, *where: ColumnElement[bool]) -> list[Shown]:
    """Open maintenance going on now (in progress, or its window running) or starting before `until`, soonest first."""
    stmt = (
        maintenance_query()
        .where(
            Maintenance.status.in_(OPEN),
            Maintenance.starts_at < until,
            or_(Maintenance.ends_at > now, Maintenance.status == MaintenanceStatus.in_progress),
            *where,
        )
        .order_by(None)
        .order_by(Maintenance.starts_at, Maintenance.id)
    )
    return shown(list(db.scalars(stmt).unique()), now)


@dataclass(frozen=True)
class Shown:
    """A maintenance as the floor view and rack pages list it."""

    id: int
    title: str
    scope: Scope
    place: str
    starts_at: datetime
    ends_at: datetime
    impact: Impact
    status: MaintenanceStatus
    emergency: bool
    going_on: bool  # in progress, or inside the window it was planned for


def shown(items: list[Maintenance], now: datetime) -> list[Shown]:
    return [
        Shown(
            m.id,
            m.title,
            m.scope,
            place(m),
            m.starts_at,
            m.ends_at,
            m.impact,
            m.status,
            m.emergency,
            m.status is MaintenanceStatus.in_progress or (m.open and m.starts_at <= now < m.ends_at),
        )
        for m in items
    ]
