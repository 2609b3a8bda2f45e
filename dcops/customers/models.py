"""Customers and their contracts: just enough for the inventory to derive ownership."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, StrEnumType, utcnow
from dcops.terms import Owner, Service, hardware_owner


class CustomerKind(StrEnum):
    business = "business"
    consumer = "consumer"


class ContractStatus(StrEnum):
    draft = "draft"
    active = "active"
    ended = "ended"


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (CheckConstraint("kind = 'consumer' OR kvk_number IS NOT NULL", name="business_has_kvk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[CustomerKind] = mapped_column(StrEnumType(CustomerKind))
    kvk_number: Mapped[str | None] = mapped_column(String(8))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contracts: Mapped[list[Contract]] = relationship(back_populates="customer", order_by="Contract.number")


class Contract(Base):
    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("payment_term_days BETWEEN 1 AND 365", name="payment_term_range"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    service: Mapped[Service] = mapped_column(StrEnumType(Service))
    customer_maintains_hardware: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    payment_term_days: Mapped[int] = mapped_column(default=14)
    status: Mapped[ContractStatus] = mapped_column(StrEnumType(ContractStatus), default=ContractStatus.active)
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="contracts")

    @property
    def owner(self) -> Owner:
        return hardware_owner(self.service)[0]
