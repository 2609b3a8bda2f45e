"""Sites, rooms, racks, the units hardware occupies, and the hardware itself (NetBox's Device)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.customers.models import Contract, Customer
from dcops.db import Base, StrEnumType, utcnow
from dcops.terms import Owner, hardware_owner
from dcops.terms.cabling import Installer, Route
from dcops.terms.relocation import customer_deadline, supplier_window
from dcops.terms.verdict import Reason

MAX_RACK_HEIGHT = 60


class RackKind(StrEnum):
    shared = "shared"
    private = "private"


class RackStatus(StrEnum):
    active = "active"
    planned = "planned"
    retired = "retired"


class Face(StrEnum):
    front = "front"
    rear = "rear"


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

    rooms: Mapped[list[Room]] = relationship(back_populates="site", order_by="Room.code")


class Room(Base):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))

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

    rack: Mapped[Rack | None] = relationship()
    contract: Mapped[Contract | None] = relationship()

    @property
    def ownership(self) -> tuple[Owner, Reason | None]:
        return hardware_owner(self.contract.service if self.contract else None)

    @property
    def owner(self) -> Owner:
        return self.ownership[0]

    @property
    def customer(self) -> Customer | None:
        return self.contract.customer if self.contract else None

    def retained(self, liened: Collection[int]) -> bool:
        """K10: customer-owned hardware whose owner is under a standing lien (`liened`: those customers' ids)."""
        return self.owner is Owner.customer and self.contract is not None and self.contract.customer_id in liened

    @property
    def top_unit(self) -> int | None:
        return None if self.position is None else self.position + self.u_height - 1


# --- ports and cables (Art. 13.3, rule A3) -----------------------------------------------------------


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

    hardware: Mapped[Hardware] = relationship()

    @property
    def label(self) -> str:
        return f"{self.hardware.name} {self.name}"


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
    installed_at: Mapped[date | None] = mapped_column(Date)
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


# --- relocations and hand-backs (Art. 11.4, 12.4–12.7, 13.6; rules D3, K3–K8, A6) -----------------------


class RelocationKind(StrEnum):
    colocation_move = "colocation_move"  # K3: customer hardware to another place
    dedicated_reassignment = "dedicated_reassignment"  # D3: other supplier hardware for the customer
    supplier_action = "supplier_action"  # K8: switched off, removed or moved when the supplier judges it necessary


class RelocationStatus(StrEnum):
    draft = "draft"
    consulted = "consulted"
    scheduled = "scheduled"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class Relocation(Base):
    __tablename__ = "relocation"
    __table_args__ = (CheckConstraint("NOT emergency OR emergency_reason IS NOT NULL", name="emergency_has_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[RelocationKind] = mapped_column(StrEnumType(RelocationKind))
    action: Mapped[str] = mapped_column(String(20), default="move")  # move | switch_off | remove (K8)
    reason: Mapped[str] = mapped_column(Text)
    emergency: Mapped[bool] = mapped_column(default=False)
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RelocationStatus] = mapped_column(StrEnumType(RelocationStatus), default=RelocationStatus.draft)
    other_site_allowed: Mapped[bool] = mapped_column(default=False)
    consulted_on: Mapped[date | None] = mapped_column(Date)  # K4
    consulted_with: Mapped[str | None] = mapped_column(String(200))
    consultation_outcome: Mapped[str | None] = mapped_column(Text)
    customer_executes: Mapped[bool] = mapped_column(default=False)  # K5: the customer maintains and moves it
    requested_on: Mapped[date | None] = mapped_column(Date)  # K5: the supplier's request
    planned_on: Mapped[date | None] = mapped_column(Date)
    agreement_permission_id: Mapped[int | None] = mapped_column(
        ForeignKey("written_permission.id", ondelete="RESTRICT")
    )
    agreement_note: Mapped[str | None] = mapped_column(Text)  # a recorded written agreement to another date
    plan_text: Mapped[str | None] = mapped_column(Text)  # D3: the plan of approach
    plan_agreed_on: Mapped[date | None] = mapped_column(Date)
    plan_agreed_with: Mapped[str | None] = mapped_column(String(200))
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()

    @property
    def window_from(self) -> date | None:
        """K4: the supplier may carry the move out from the consultation ..."""
        return supplier_window(self.consulted_on)[0] if self.consulted_on else None

    @property
    def window_until(self) -> date | None:
        """... until 14 days after it."""
        return supplier_window(self.consulted_on)[1] if self.consulted_on else None

    @property
    def customer_deadline(self) -> date | None:
        """K5: the customer moves it within 14 days of the request."""
        return customer_deadline(self.requested_on) if self.requested_on else None

    costs = "Each party bears its own costs of this move; it creates no charge (Art. 12.5, rule K7)."

    items: Mapped[list[RelocationItem]] = relationship(
        back_populates="relocation", order_by="RelocationItem.id", cascade="all, delete-orphan"
    )


class RelocationItem(Base):
    __tablename__ = "relocation_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    relocation_id: Mapped[int] = mapped_column(ForeignKey("relocation.id", ondelete="CASCADE"), index=True)
    hardware_id: Mapped[int] = mapped_column(ForeignKey("hardware.id", ondelete="RESTRICT"), index=True)
    from_rack_id: Mapped[int | None] = mapped_column(ForeignKey("rack.id", ondelete="SET NULL"))
    from_position: Mapped[int | None] = mapped_column()
    from_face: Mapped[Face | None] = mapped_column(StrEnumType(Face))
    target_rack_id: Mapped[int | None] = mapped_column(ForeignKey("rack.id", ondelete="RESTRICT"))
    target_position: Mapped[int | None] = mapped_column()
    target_face: Mapped[Face | None] = mapped_column(StrEnumType(Face))
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("hardware.id", ondelete="RESTRICT"))  # D3
    done_at: Mapped[datetime | None] = mapped_column()
    done_by: Mapped[str | None] = mapped_column(String(100))

    relocation: Mapped[Relocation] = relationship(back_populates="items")
    hardware: Mapped[Hardware] = relationship(foreign_keys=[hardware_id])
    replacement: Mapped[Hardware | None] = relationship(foreign_keys=[replacement_id])
    from_rack: Mapped[Rack | None] = relationship(foreign_keys=[from_rack_id])
    target_rack: Mapped[Rack | None] = relationship(foreign_keys=[target_rack_id])


class HandBack(Base):
    """A6: a vacated space is inspected: handed back as it was received, or not (then possibly a breach)."""

    __tablename__ = "hand_back"

    id: Mapped[int] = mapped_column(primary_key=True)
    rack_id: Mapped[int] = mapped_column(ForeignKey("rack.id", ondelete="RESTRICT"), index=True)
    units: Mapped[str] = mapped_column(String(100))  # "U10–U11"
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    relocation_id: Mapped[int | None] = mapped_column(ForeignKey("relocation.id", ondelete="SET NULL"), index=True)
    vacated_on: Mapped[date] = mapped_column(Date)
    inspected_by: Mapped[str | None] = mapped_column(String(100))
    inspected_on: Mapped[date | None] = mapped_column(Date)
    as_received: Mapped[bool | None] = mapped_column()
    findings: Mapped[str | None] = mapped_column(Text)
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id", ondelete="SET NULL"))

    rack: Mapped[Rack] = relationship()
    customer: Mapped[Customer | None] = relationship()

    @property
    def open(self) -> bool:
        return self.inspected_on is None
