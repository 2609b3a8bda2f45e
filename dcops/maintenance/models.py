"""Planned and emergency maintenance (Art. 18.2, 18.3; rule R4) and the supplier's closure days (Art. 1.14)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType, utcnow
from dcops.terms.working_days import Closure

if TYPE_CHECKING:
    from dcops.customers.models import Customer
    from dcops.racks.models import Hardware, Rack, Room, Site


class Impact(StrEnum):
    """What the customers can expect during the work (Art. 18.2: not or only partly usable)."""

    none = "none"
    reduced = "reduced"
    outage = "outage"


class MaintenanceStatus(StrEnum):
    planned = "planned"
    announced = "announced"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class Scope(StrEnum):
    """Where the work is: a whole site, a room, a rack, or the hardware listed."""

    site = "site"
    room = "room"
    rack = "rack"
    hardware = "hardware"


class ChangeKind(StrEnum):
    """What a notice to the affected customers is about (dcops.maintenance.notices)."""

    announced = "announced"
    changed = "changed"
    cancelled = "cancelled"


class ClosureDay(Base):
    """Art. 1.14: a day the supplier announced in advance that it is closed: no working day, but only for
    announcements made on or after `announced_on`."""

    __tablename__ = "closure_day"
    __table_args__ = (CheckConstraint("announced_on <= day", name="announced_in_advance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Day, unique=True)
    reason: Mapped[str] = mapped_column(String(300))
    announced_on: Mapped[date] = mapped_column(Day)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def fact(self) -> Closure:
        return Closure(self.day, self.announced_on, self.reason)


maintenance_hardware = Table(
    "maintenance_hardware",
    Base.metadata,
    Column("maintenance_id", ForeignKey("maintenance.id", ondelete="CASCADE"), primary_key=True),
    Column("hardware_id", ForeignKey("hardware.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Maintenance(Base):
    __tablename__ = "maintenance"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("NOT emergency OR emergency_reason IS NOT NULL", name="emergency_has_reason"),
        CheckConstraint(
            "(scope = 'site' AND site_id IS NOT NULL) OR (scope = 'room' AND room_id IS NOT NULL)"
            " OR (scope = 'rack' AND rack_id IS NOT NULL) OR scope = 'hardware'",
            name="scope_named",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    scope: Mapped[Scope] = mapped_column(StrEnumType(Scope))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    rack_id: Mapped[int | None] = mapped_column(ForeignKey("rack.id", ondelete="RESTRICT"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    impact: Mapped[Impact] = mapped_column(StrEnumType(Impact))
    status: Mapped[MaintenanceStatus] = mapped_column(
        StrEnumType(MaintenanceStatus), default=MaintenanceStatus.planned, index=True
    )
    # Spoedonderhoud (Art. 18.3): may start at any time, also before it is announced; the reason is recorded.
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    announced_at: Mapped[datetime | None] = mapped_column()
    announced_by: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site | None] = relationship()
    room: Mapped[Room | None] = relationship()
    rack: Mapped[Rack | None] = relationship()
    hardware: Mapped[list[Hardware]] = relationship(secondary=maintenance_hardware, order_by="Hardware.name")
    affected: Mapped[list[AffectedCustomer]] = relationship(
        back_populates="maintenance", cascade="all, delete-orphan", order_by="AffectedCustomer.customer_id"
    )
    changes: Mapped[list[MaintenanceChange]] = relationship(
        back_populates="maintenance", cascade="all, delete-orphan", order_by="MaintenanceChange.id"
    )

    @property
    def announced(self) -> bool:
        return self.announced_at is not None

    @property
    def open(self) -> bool:
        return self.status not in (MaintenanceStatus.done, MaintenanceStatus.cancelled)


class AffectedCustomer(Base):
    """A customer the maintenance affects, as computed from its scope when it was announced (and again when an
    announced maintenance's scope changed): its hardware there and the private racks let to it there, as they were
    (names, so that the notice says what was affected even after the hardware moved on)."""

    __tablename__ = "maintenance_customer"

    maintenance_id: Mapped[int] = mapped_column(ForeignKey("maintenance.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), primary_key=True)
    hardware: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{id, name, rack, position}]
    racks: Mapped[list[str]] = mapped_column(JSON, default=list)  # private racks let to it in the scope

    maintenance: Mapped[Maintenance] = relationship(back_populates="affected")
    customer: Mapped[Customer] = relationship()


class MaintenanceChange(Base):
    """What the affected customers are to be told: the announcement, each later change of an announced maintenance
    (start, end, impact, scope; `changes` holds each field's before and after) and its cancellation. `customer_ids`:
    who is told about it (for a change of scope, the customers affected before and after). The outbox sends them."""

    __tablename__ = "maintenance_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    maintenance_id: Mapped[int] = mapped_column(ForeignKey("maintenance.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(StrEnumType(ChangeKind))
    at: Mapped[datetime] = mapped_column()
    by: Mapped[str] = mapped_column(String(100))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    customer_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    maintenance: Mapped[Maintenance] = relationship(back_populates="changes")


def place(m: Maintenance, limit: int | None = 6) -> str:
    """Where the work is, in codes and names: "GRV1", "GRV1 / ZAAL-A", "A01 (ZAAL-A)", "hh-web-01, hh-web-02"
    (at most `limit` names of listed hardware, then how many more)."""
    if m.scope is Scope.site and m.site is not None:
        return m.site.code
    if m.scope is Scope.room and m.room is not None:
        return f"{m.room.site.code} / {m.room.code}"
    if m.scope is Scope.rack and m.rack is not None:
        return f"{m.rack.name} ({m.rack.room.code})"
    names = [h.name for h in m.hardware]
    if limit is None or len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" +{len(names) - limit}"
