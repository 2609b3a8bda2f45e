"""Relocation orders, their items and the hand-back of vacated space (Art. 11.4, 12.4–12.7, 13.6;
rules D3, K3–K8, A6)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType, utcnow
from dcops.i18n import N_, _
from dcops.racks.units import Face
from dcops.terms.relocation import customer_deadline, move_costs, supplier_window
from dcops.terms.written import Channel

if TYPE_CHECKING:
    from dcops.customers.models import Customer
    from dcops.racks.models import Hardware, Rack

# The words of an order's action and a hand-back's cause (stored as text), shown through dcops.vocabulary.word.
ACTIONS = (N_("move"), N_("switch off"), N_("unmount"), N_("remove"))
CAUSES = (N_("move"), N_("removal"), N_("contract end"))


class RelocationKind(StrEnum):
    colocation_move = "colocation_move"  # K3: customer hardware to another place
    dedicated_reassignment = "dedicated_reassignment"  # D3: other supplier hardware for the customer
    supplier_action = "supplier_action"  # K8: switched off, removed or moved when the supplier judges it necessary
    customer_request = "customer_request"  # K8: moved, unmounted or removed at the customer's recorded request


class Vacater(StrEnum):
    """A6: who vacated a space. Only a space the customer vacated can be a breach of the customer's."""

    customer = "customer"
    supplier = "supplier"


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
    consulted_on: Mapped[date | None] = mapped_column(Day)  # K4
    consulted_with: Mapped[str | None] = mapped_column(String(200))
    consultation_outcome: Mapped[str | None] = mapped_column(Text)
    customer_executes: Mapped[bool] = mapped_column(default=False)  # K5: the customer maintains and moves it
    requested_on: Mapped[date | None] = mapped_column(Day)  # K5: the supplier's request
    planned_on: Mapped[date | None] = mapped_column(Day)
    # R2: the customer's own written message: its agreement to a date outside the K4 window, or its request
    # (customer_request). Who sent it, when, by what channel, and the reference that identifies it.
    message_from: Mapped[str | None] = mapped_column(String(200))
    message_on: Mapped[date | None] = mapped_column(Day)
    message_channel: Mapped[Channel | None] = mapped_column(StrEnumType(Channel))
    message_reference: Mapped[str | None] = mapped_column(String(300))
    agreement_note: Mapped[str | None] = mapped_column(Text)  # a note beside it; on its own it is no agreement
    plan_text: Mapped[str | None] = mapped_column(Text)  # D3: the plan of approach
    plan_agreed_on: Mapped[date | None] = mapped_column(Day)
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
    def written_message(self) -> bool:
        """R2: a message of the customer's own, with sender, date, channel and reference."""
        return bool(self.message_from and self.message_on and self.message_channel and self.message_reference)

    @property
    def customer_deadline(self) -> date | None:
        """K5: the customer moves it within 14 days of the request."""
        return customer_deadline(self.requested_on) if self.requested_on else None

    @property
    def costs(self) -> str:
        """K7, in the reader's language."""
        return _("%(costs)s (Art. 12.5, rule K7).", costs=move_costs().message)

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
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    relocation_id: Mapped[int | None] = mapped_column(ForeignKey("relocation.id", ondelete="SET NULL"), index=True)
    vacated_on: Mapped[date] = mapped_column(Day)
    vacated_by: Mapped[Vacater] = mapped_column(StrEnumType(Vacater), default=Vacater.customer)
    cause: Mapped[str] = mapped_column(String(20), default="move")  # move | removal | contract_end
    intake_state: Mapped[str | None] = mapped_column(Text)  # how the space was provided (empty: not recorded)
    inspected_by: Mapped[str | None] = mapped_column(String(100))
    inspected_on: Mapped[date | None] = mapped_column(Day)
    as_received: Mapped[bool | None] = mapped_column()
    findings: Mapped[str | None] = mapped_column(Text)
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id", ondelete="SET NULL"))

    rack: Mapped[Rack] = relationship()
    customer: Mapped[Customer | None] = relationship()

    @property
    def open(self) -> bool:
        return self.inspected_on is None

    @property
    def customer_vacated(self) -> bool:
        return self.vacated_by is Vacater.customer
