"""Sites, rooms, racks, the units hardware occupies, and the hardware itself (NetBox's Device)."""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType
from dcops.racks.units import MAX_RACK_HEIGHT, Face
from dcops.terms import Owner, hardware_owner
from dcops.terms.verdict import Reason

if TYPE_CHECKING:
    from dcops.cabling.models import PortTemplate
    from dcops.customers.models import Contract, Customer


class RackKind(StrEnum):
    shared = "shared"
    private = "private"


class RackStatus(StrEnum):
    active = "active"
    planned = "planned"
    retired = "retired"


class HardwareStatus(StrEnum):
    planned = "planned"
    installed = "installed"
    removed = "removed"


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)  # its id in NetBox

    rooms: Mapped[list[Room]] = relationship(back_populates="site", order_by="Room.code")


class Room(Base):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)  # its NetBox location's id

    site: Mapped[Site] = relationship(back_populates="rooms")
    racks: Mapped[list[Rack]] = relationship(back_populates="room", order_by="Rack.name")


class Rack(Base):
    __tablename__ = "rack"
    __table_args__ = (
        UniqueConstraint("room_id", "name"),
        CheckConstraint(f"u_height BETWEEN 1 AND {MAX_RACK_HEIGHT}", name="u_height_range"),
        CheckConstraint("kind = 'private' OR customer_id IS NULL", name="only_private_is_let"),
        CheckConstraint("power_budget_w >= 0", name="power_budget_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    u_height: Mapped[int] = mapped_column(default=42)
    kind: Mapped[RackKind] = mapped_column(StrEnumType(RackKind), default=RackKind.shared)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    power_budget_w: Mapped[int] = mapped_column(default=0)
    status: Mapped[RackStatus] = mapped_column(StrEnumType(RackStatus), default=RackStatus.active)
    # A6: how a private rack was when it was let to its customer, to compare with when it is handed back.
    intake_state: Mapped[str | None] = mapped_column(Text)
    intake_on: Mapped[date | None] = mapped_column(Day)
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)  # its id in NetBox

    room: Mapped[Room] = relationship(back_populates="racks")
    customer: Mapped[Customer | None] = relationship()


class RackUnit(Base):
    """One row per occupied (rack, unit, face): the primary key makes double-booking impossible."""

    __tablename__ = "rack_unit"
    __table_args__ = (CheckConstraint(f"unit BETWEEN 1 AND {MAX_RACK_HEIGHT}", name="unit_range"),)

    rack_id: Mapped[int] = mapped_column(ForeignKey("rack.id", ondelete="CASCADE"), primary_key=True)
    unit: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    face: Mapped[Face] = mapped_column(StrEnumType(Face), primary_key=True)
    hardware_id: Mapped[int] = mapped_column(ForeignKey("hardware.id", ondelete="CASCADE"), index=True)


class HardwareType(Base):
    """NetBox's device type: what a model of hardware is, and the ports every one of them has (PortTemplate).
    Hardware made from a type takes its height, depth, power and ports once; changing the type later changes
    no hardware (its ports are its own from then on)."""

    __tablename__ = "hardware_type"
    __table_args__ = (
        UniqueConstraint("manufacturer", "model"),
        CheckConstraint(f"u_height >= 0 AND u_height <= {MAX_RACK_HEIGHT}", name="u_height_range"),
        CheckConstraint("max_draw_w IS NULL OR max_draw_w >= 0", name="max_draw_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manufacturer: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    part_number: Mapped[str | None] = mapped_column(String(50))
    # NetBox's height in units, halves allowed (0.5, 1.5) and 0 for hardware beside the units (a vertical PDU).
    u_height: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(1))
    full_depth: Mapped[bool] = mapped_column(default=True)
    max_draw_w: Mapped[int | None] = mapped_column()  # the most one of its power ports draws (maximum_draw)
    airflow: Mapped[str | None] = mapped_column(String(30))  # front-to-rear, rear-to-front, passive, ...
    description: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)  # its id in NetBox

    ports: Mapped[list[PortTemplate]] = relationship(
        back_populates="hardware_type", cascade="all, delete-orphan", order_by="PortTemplate.id"
    )

    @property
    def units(self) -> int:
        """The whole units hardware of this type takes: dcops books whole units, so 0.5U takes one and 1.5U two;
        0U hardware (hung beside the units) is booked as one unit if it is mounted at all."""
        return max(1, math.ceil(self.u_height))

    @property
    def label(self) -> str:
        return f"{self.manufacturer} {self.model}"

    @property
    def hardware_model(self) -> str:
        """What hardware made from this type records as its model (within the column's length)."""
        return self.label[:100]


class Hardware(Base):
    __tablename__ = "hardware"
    __table_args__ = (
        CheckConstraint(f"u_height BETWEEN 1 AND {MAX_RACK_HEIGHT}", name="u_height_range"),
        CheckConstraint("power_draw_w >= 0", name="power_draw_positive"),
        CheckConstraint(
            "(rack_id IS NULL AND position IS NULL AND face IS NULL)"
            " OR (rack_id IS NOT NULL AND position IS NOT NULL AND face IS NOT NULL)",
            name="placed_whole",
        ),
        CheckConstraint("rack_id IS NULL OR planned_rack_id IS NULL", name="planned_until_placed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    asset_tag: Mapped[str] = mapped_column(String(50), unique=True)
    serial: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    u_height: Mapped[int] = mapped_column(default=1)
    full_depth: Mapped[bool] = mapped_column(default=True)
    rack_id: Mapped[int | None] = mapped_column(ForeignKey("rack.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int | None] = mapped_column()
    face: Mapped[Face | None] = mapped_column(StrEnumType(Face))
    power_draw_w: Mapped[int] = mapped_column(default=0)
    status: Mapped[HardwareStatus] = mapped_column(StrEnumType(HardwareStatus), default=HardwareStatus.planned)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="RESTRICT"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # K1: leased or financed colocation hardware is owned by this third party, not the customer (K10 spares it).
    third_party_owner: Mapped[str | None] = mapped_column(String(200))
    # K2: where unmounted hardware is to be installed; the customer may visit that room to install it.
    planned_rack_id: Mapped[int | None] = mapped_column(ForeignKey("rack.id", ondelete="SET NULL"), index=True)
    # K9: the day it was first installed; mounting it again later is not a new installation.
    first_installed_on: Mapped[date | None] = mapped_column(Day)
    # A6: the space as provided when this hardware was first installed, to compare with at its hand-back.
    intake_state: Mapped[str | None] = mapped_column(Text)
    # D3: what a dedicated server offers, compared with the contract's specification on reassignment.
    cpu_cores: Mapped[int | None] = mapped_column()
    memory_gb: Mapped[int | None] = mapped_column()
    storage_gb: Mapped[int | None] = mapped_column()
    network_mbps: Mapped[int | None] = mapped_column()
    hardware_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("hardware_type.id", ondelete="RESTRICT"), index=True
    )
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)  # its NetBox device's id

    rack: Mapped[Rack | None] = relationship(foreign_keys=[rack_id])
    hardware_type: Mapped[HardwareType | None] = relationship()
    planned_rack: Mapped[Rack | None] = relationship(foreign_keys=[planned_rack_id])
    contract: Mapped[Contract | None] = relationship()

    @property
    def ownership(self) -> tuple[Owner, Reason | None]:
        return hardware_owner(self.contract.service if self.contract else None, self.third_party_owner)

    @property
    def owner(self) -> Owner:
        return self.ownership[0]

    @property
    def customer(self) -> Customer | None:
        return self.contract.customer if self.contract else None

    def retained(self, liened: Collection[int]) -> bool:
        """K10: the customer's own hardware while a lien on it is in force (`liened`: those customers' ids).
        Hardware a third party owns is never retained (K1)."""
        return self.owner is Owner.customer and self.contract is not None and self.contract.customer_id in liened

    @property
    def top_unit(self) -> int | None:
        return None if self.position is None else self.position + self.u_height - 1
