"""Extra work (meerwerk, Art. 15; rules M1, M2, R2): work orders, their estimate and written acceptance, the time
technicians log, and the hourly rate agreed with a customer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType, utcnow
from dcops.terms.extra_work import Acceptance, Estimate, Rate, RateSource, WorkKind
from dcops.terms.written import Channel

if TYPE_CHECKING:
    from dcops.customers.models import Contract, Customer, InvoiceLine
    from dcops.racks.models import Hardware


class WorkStatus(StrEnum):
    requested = "requested"
    estimated = "estimated"  # M1: the estimate is made; the customer has yet to accept it
    accepted = "accepted"  # M1: accepted in writing (R2): it may be carried out
    in_progress = "in_progress"
    done = "done"  # and charged: an invoice line
    declined = "declined"  # the supplier declined it (Art. 15.1)
    withdrawn = "withdrawn"  # the customer withdrew the request or refused the estimate


OPEN_WORK = (WorkStatus.requested, WorkStatus.estimated, WorkStatus.accepted, WorkStatus.in_progress)
CLOSED_WORK = (WorkStatus.done, WorkStatus.declined, WorkStatus.withdrawn)


class RequestChannel(StrEnum):
    """How the customer asked; a request need not be written, its acceptance of the estimate must (R2)."""

    phone = "phone"
    email = "email"
    letter = "letter"
    portal = "portal"


work_order_hardware = Table(
    "work_order_hardware",
    Base.metadata,
    Column("work_order_id", ForeignKey("work_order.id", ondelete="CASCADE"), primary_key=True),
    Column("hardware_id", ForeignKey("hardware.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class WorkOrder(Base):
    __tablename__ = "work_order"
    __table_args__ = (
        CheckConstraint("kind <> 'necessary' OR necessity IS NOT NULL", name="necessary_has_reason"),
        CheckConstraint("estimate_minutes IS NULL OR estimate_minutes > 0", name="estimate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[WorkKind] = mapped_column(StrEnumType(WorkKind))
    description: Mapped[str] = mapped_column(Text)
    necessity: Mapped[str | None] = mapped_column(Text)  # M2: why it is necessary for the agreed services
    # Who at the customer asked, when and how: recorded by an account manager (by the customer in the portal later).
    requested_by: Mapped[str | None] = mapped_column(String(200))
    requested_on: Mapped[date] = mapped_column(Day)
    requested_via: Mapped[RequestChannel | None] = mapped_column(StrEnumType(RequestChannel))
    status: Mapped[WorkStatus] = mapped_column(StrEnumType(WorkStatus), default=WorkStatus.requested, index=True)
    # M1: the estimate, hours times the rate that applied when it was made (15.3), and which rate that was.
    estimate_minutes: Mapped[int | None] = mapped_column()
    rate_cents: Mapped[int | None] = mapped_column(BigInteger)
    rate_source: Mapped[RateSource | None] = mapped_column(StrEnumType(RateSource))
    estimate_cents: Mapped[int | None] = mapped_column(BigInteger)
    estimate_note: Mapped[str | None] = mapped_column(Text)
    estimated_on: Mapped[date | None] = mapped_column(Day)
    estimated_by: Mapped[str | None] = mapped_column(String(100))
    # R2: the customer's written acceptance of the estimate of `accepted_cents`.
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    accepted_on: Mapped[date | None] = mapped_column(Day)
    accepted_via: Mapped[Channel | None] = mapped_column(StrEnumType(Channel))
    accepted_reference: Mapped[str | None] = mapped_column(String(300))
    accepted_cents: Mapped[int | None] = mapped_column(BigInteger)
    acceptance_recorded_by: Mapped[str | None] = mapped_column(String(100))
    # Declined by the supplier or withdrawn by the customer, and why.
    closed_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Day)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column()
    started_by: Mapped[str | None] = mapped_column(String(100))
    finished_at: Mapped[datetime | None] = mapped_column()
    finished_by: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    contract: Mapped[Contract | None] = relationship()
    hardware: Mapped[list[Hardware]] = relationship(secondary=work_order_hardware, order_by="Hardware.name")
    times: Mapped[list[TimeEntry]] = relationship(
        back_populates="work_order", order_by="TimeEntry.id", cascade="all, delete-orphan"
    )
    # Named from this side only: the customers' models load without this package (dcops.models imports it last).
    charge: Mapped[InvoiceLine | None] = relationship()

    @property
    def reference(self) -> str:
        """What the customer quotes in its acceptance, and the number of the invoice that charges it."""
        return f"MW-{self.id:06d}"

    @property
    def estimate(self) -> Estimate | None:
        if self.estimate_minutes is None or self.rate_cents is None or self.rate_source is None:
            return None
        return Estimate(self.estimate_minutes, Rate(self.rate_cents, self.rate_source))

    @property
    def acceptance(self) -> Acceptance | None:
        """R2: the acceptance as recorded; None when none was."""
        if self.accepted_cents is None:
            return None
        return Acceptance(
            self.accepted_by, self.accepted_on, self.accepted_via, self.accepted_reference, self.accepted_cents
        )

    @property
    def minutes_spent(self) -> int:
        return sum(t.minutes for t in self.times)

    @property
    def hardware_ids(self) -> list[int]:
        return [h.id for h in self.hardware]

    @property
    def open(self) -> bool:
        return self.status in OPEN_WORK


class TimeEntry(Base):
    """Time a technician spent on a work order: from and until, or only how many minutes."""

    __tablename__ = "time_entry"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("started_at IS NULL OR ended_at IS NULL OR ended_at > started_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id", ondelete="CASCADE"), index=True)
    technician: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    work_order: Mapped[WorkOrder] = relationship(back_populates="times")


class CustomerRate(Base):
    """M2, Art. 15.3: the hourly rate for extra work agreed with a customer; without one the usual rate applies."""

    __tablename__ = "customer_rate"
    __table_args__ = (CheckConstraint("rate_cents > 0", name="rate_positive"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    rate_cents: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)  # where it was agreed (the contract, a letter)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
