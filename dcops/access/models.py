"""People who visit, their visits and passes, every scan at the door, carry-outs and inspections."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType, utcnow
from dcops.terms.access import Purpose

if TYPE_CHECKING:
    from dcops.customers.models import Breach, Customer
    from dcops.racks.models import Hardware, Room


class IdDocument(StrEnum):
    passport = "passport"
    identity_card = "identity_card"
    driving_licence = "driving_licence"


class Person(Base):
    """A customer's registered visitor. R3: the minimum personal data, never an ID copy or a BSN."""

    __tablename__ = "person"
    __table_args__ = (CheckConstraint("length(id_document_last4) <= 4", name="id_last4_only"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    company: Mapped[str | None] = mapped_column(String(200))  # a third party's own employer
    third_party: Mapped[bool] = mapped_column(default=False)
    competence_confirmed_on: Mapped[date | None] = mapped_column(Day)  # A1
    competence_confirmed_by: Mapped[str | None] = mapped_column(String(100))
    id_document_type: Mapped[IdDocument | None] = mapped_column(StrEnumType(IdDocument))
    id_document_last4: Mapped[str | None] = mapped_column(String(4))
    active: Mapped[bool] = mapped_column(default=True)
    pseudonymised_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()

    @property
    def competent(self) -> bool:
        return self.competence_confirmed_on is not None

    @property
    def display_company(self) -> str:
        return self.company or self.customer.name


class VisitStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    denied = "denied"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


OPEN_VISIT = (VisitStatus.approved, VisitStatus.in_progress)

visit_room = Table(
    "visit_room",
    Base.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("room_id", ForeignKey("room.id", ondelete="RESTRICT"), primary_key=True, index=True),
)
visit_person = Table(
    "visit_person",
    Base.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Visit(Base):
    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_visit_window", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    purpose_kind: Mapped[Purpose] = mapped_column(StrEnumType(Purpose), default=Purpose.maintain)  # D2/K2
    # S6/A7: the contracts the visit was approved for (those that make it needed); a breach under another
    # contract does not stop it at the door. None: approved before dcops recorded them (any contract counts).
    contract_ids: Mapped[list[int] | None] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    status: Mapped[VisitStatus] = mapped_column(StrEnumType(VisitStatus), default=VisitStatus.requested)
    escort_required: Mapped[bool] = mapped_column(default=False)
    escort_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_note: Mapped[str | None] = mapped_column(Text)  # why it was denied
    a7_override: Mapped[str | None] = mapped_column(Text)  # the account manager's written reason (A7)
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    rooms: Mapped[list[Room]] = relationship(secondary=visit_room, order_by="Room.code")
    people: Mapped[list[Person]] = relationship(secondary=visit_person, order_by="Person.name")
    passes: Mapped[list[VisitPass]] = relationship(back_populates="visit", order_by="VisitPass.id")
    escort: Mapped[Any] = relationship("User")

    @property
    def room_codes(self) -> list[str]:
        return [r.code for r in self.rooms]

    @property
    def room_ids(self) -> list[int]:
        return [r.id for r in self.rooms]

    @property
    def person_ids(self) -> list[int]:
        return [p.id for p in self.people]


class VisitPass(Base):
    """One person's pass for one visit. Reprinting revokes it and issues a new one."""

    __tablename__ = "visit_pass"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(Text)  # the signed DC1: text the QR holds
    valid_from: Mapped[datetime] = mapped_column()
    valid_until: Mapped[datetime] = mapped_column()
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    visit: Mapped[Visit] = relationship(back_populates="passes")
    person: Mapped[Person] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Direction(StrEnum):
    check_in = "in"
    check_out = "out"


class Decision(StrEnum):
    allow = "allow"
    deny = "deny"

    @classmethod
    def of(cls, verdict: Any) -> Decision:
        return cls.allow if verdict.allowed else cls.deny


class DoorCheck(Base):
    """Every scan at a door, readable or not (R1). Names are copied in so the log reads on its own;
    retention (R3) pseudonymises them later, the decision stays."""

    __tablename__ = "door_check"
    __table_args__ = (
        Index("ix_door_check_person_passed", "person_id", "passed", "id"),  # anti-passback, who is inside
        Index("ux_door_check_client_id", "client_id", unique=True),  # an offline scan sent twice is one check
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    direction: Mapped[Direction] = mapped_column(StrEnumType(Direction))
    decision: Mapped[Decision] = mapped_column(StrEnumType(Decision))
    # The holder went through the door: an allowed entry, or any exit of a known pass (leaving is never refused,
    # even when what they carry is, P7). Anti-passback (P6) and who is inside read this.
    passed: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, default=list)
    pass_id: Mapped[int | None] = mapped_column(ForeignKey("visit_pass.id", ondelete="RESTRICT"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(200))
    scanned_sha256: Mapped[str] = mapped_column(String(64))  # what was scanned, without keeping a forgery
    scanned_length: Mapped[int] = mapped_column()
    officer: Mapped[str] = mapped_column(String(100))
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id", ondelete="SET NULL"), index=True)
    # Decided by the door screen itself while the server could not be reached (dcops.access.door_feed): `at` is
    # when it was scanned (the screen's clock), the decision and reasons are what the officer was shown, decided
    # on the door feed of `feed_at`; the server recorded it at `received_at`, under the screen's id for the scan.
    offline: Mapped[bool] = mapped_column(default=False, server_default=false())
    client_id: Mapped[str | None] = mapped_column(String(64))
    feed_at: Mapped[datetime | None] = mapped_column()
    received_at: Mapped[datetime | None] = mapped_column()

    room: Mapped[Room] = relationship()
    visit_pass: Mapped[VisitPass | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    person: Mapped[Person | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    breach: Mapped[Breach | None] = relationship()
    carry_outs: Mapped[list[CarryOut]] = relationship(back_populates="door_check", order_by="CarryOut.id")


class CarryOut(Base):
    """An asset tag carried out at a check-out, and whether it was allowed to leave (P7; D1, K1, K10)."""

    __tablename__ = "carry_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    door_check_id: Mapped[int] = mapped_column(ForeignKey("door_check.id", ondelete="CASCADE"), index=True)
    asset_tag: Mapped[str] = mapped_column(String(50))
    hardware_id: Mapped[int | None] = mapped_column(ForeignKey("hardware.id", ondelete="SET NULL"), index=True)
    decision: Mapped[Decision] = mapped_column(StrEnumType(Decision))
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)

    door_check: Mapped[DoorCheck] = relationship(back_populates="carry_outs")
    hardware: Mapped[Hardware | None] = relationship()


class Inspection(Base):
    """A5: the supplier may enter any time to inspect; no pass is needed, the visit is logged."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    inspected_at: Mapped[datetime] = mapped_column(default=utcnow)
    inspected_by: Mapped[str] = mapped_column(String(100))
    findings: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    room: Mapped[Room] = relationship()
