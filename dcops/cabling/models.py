"""Ports on hardware and the cables between them (Art. 13.3, rule A3)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType
from dcops.terms.cabling import Installer, Route

if TYPE_CHECKING:
    from dcops.customers.models import Customer
    from dcops.racks.models import Hardware, HardwareType


class PortKind(StrEnum):
    copper = "copper"  # network, copper
    fibre = "fibre"  # network, fibre
    power = "power"
    console = "console"


class PortSide(StrEnum):
    """Patch panels have front and rear ports linked pairwise; other hardware's ports have no side."""

    none = "none"
    front = "front"
    rear = "rear"


class Port(Base):
    __tablename__ = "port"
    __table_args__ = (UniqueConstraint("hardware_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hardware_id: Mapped[int] = mapped_column(ForeignKey("hardware.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[PortKind] = mapped_column(StrEnumType(PortKind))
    side: Mapped[PortSide] = mapped_column(StrEnumType(PortSide), default=PortSide.none)
    # A patch panel's front port passes through to its rear port (and back): a trace continues there.
    pass_through_id: Mapped[int | None] = mapped_column(ForeignKey("port.id", ondelete="SET NULL"), unique=True)
    type: Mapped[str | None] = mapped_column(String(50))  # NetBox's slug, from the hardware's type

    hardware: Mapped[Hardware] = relationship()

    @property
    def label(self) -> str:
        return f"{self.hardware.name} {self.name}"


class PortTemplate(Base):
    """A port every hardware of a type has (NetBox's interface, console, power port and outlet, front and rear
    port templates). `type` is NetBox's own slug (1000base-t, 10gbase-x-sfpp, 8p8c, lc, iec-60320-c14, ...).
    A front port passes through to `rear_port` at `rear_position`; a rear port has `positions` (an MPO
    cassette's rear port carries 12 front ports)."""

    __tablename__ = "port_template"
    __table_args__ = (
        UniqueConstraint("hardware_type_id", "name", "side", "kind"),
        CheckConstraint("positions >= 1", name="positions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hardware_type_id: Mapped[int] = mapped_column(ForeignKey("hardware_type.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[PortKind] = mapped_column(StrEnumType(PortKind))
    side: Mapped[PortSide] = mapped_column(StrEnumType(PortSide), default=PortSide.none)
    type: Mapped[str | None] = mapped_column(String(50))
    outlet: Mapped[bool] = mapped_column(default=False)  # a power outlet (gives power) rather than a power port
    max_draw_w: Mapped[int | None] = mapped_column()  # a power port's maximum_draw
    positions: Mapped[int] = mapped_column(default=1)  # a rear port's
    rear_port: Mapped[str | None] = mapped_column(String(64))  # a front port's rear port (its name)
    rear_position: Mapped[int | None] = mapped_column()

    hardware_type: Mapped[HardwareType] = relationship(back_populates="ports")


class CableStatus(StrEnum):
    planned = "planned"
    connected = "connected"
    removed = "removed"


class Cable(Base):
    __tablename__ = "cable"
    __table_args__ = (
        CheckConstraint("a_port_id <> b_port_id", name="two_ports"),
        CheckConstraint("length IS NULL OR length > 0", name="length_positive"),
        CheckConstraint("installed_by = 'supplier' OR customer_id IS NOT NULL", name="customer_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50), unique=True)
    a_port_id: Mapped[int] = mapped_column(ForeignKey("port.id", ondelete="RESTRICT"), index=True)
    b_port_id: Mapped[int] = mapped_column(ForeignKey("port.id", ondelete="RESTRICT"), index=True)
    type: Mapped[str] = mapped_column(String(40))  # cat6a, om4, smf, c13-c14, ...
    colour: Mapped[str | None] = mapped_column(String(30))
    length: Mapped[int | None] = mapped_column()
    length_unit: Mapped[str] = mapped_column(String(2), default="m")  # m | cm
    route: Mapped[Route] = mapped_column(StrEnumType(Route), default=Route.in_rack)
    installed_by: Mapped[Installer] = mapped_column(StrEnumType(Installer), default=Installer.supplier)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    installer_name: Mapped[str | None] = mapped_column(String(200))
    installed_at: Mapped[date | None] = mapped_column(Day)
    status: Mapped[CableStatus] = mapped_column(StrEnumType(CableStatus), default=CableStatus.connected)
    notes: Mapped[str | None] = mapped_column(Text)

    a_port: Mapped[Port] = relationship(foreign_keys=[a_port_id])
    b_port: Mapped[Port] = relationship(foreign_keys=[b_port_id])
    customer: Mapped[Customer | None] = relationship()


class CableEnd(Base):
    """One row per port a live cable occupies: the primary key makes a second cable on a port impossible,
    on either database, under any concurrency (like RackUnit for rack units)."""

    __tablename__ = "cable_end"

    port_id: Mapped[int] = mapped_column(ForeignKey("port.id", ondelete="RESTRICT"), primary_key=True)
    cable_id: Mapped[int] = mapped_column(ForeignKey("cable.id", ondelete="CASCADE"), index=True)
