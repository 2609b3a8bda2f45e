"""Customers, their contracts, and the records their standing rests on (invoices, breaches, liens,
insurance, written permissions)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, Day, StrEnumType, utcnow
from dcops.i18n import N_, _, day
from dcops.terms import Owner, Service, hardware_owner
from dcops.terms.insurance import Policy, policy_ending_soon, request_overdue
from dcops.terms.standing import Notice
from dcops.terms.written import Channel, expiring_soon

if TYPE_CHECKING:
    from dcops.access.models import Person
    from dcops.auth.models import User
    from dcops.racks.models import Room


# An invoice's state (Invoice.state) as the pages show it: `{{ state | t }}`.
INVOICE_STATES = (N_("paid"), N_("overdue"), N_("open"))


class CustomerKind(StrEnum):
    business = "business"
    consumer = "consumer"


class ContractStatus(StrEnum):
    draft = "draft"
    active = "active"
    ended = "ended"


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (
        # Art. 1.4: a business is identified by its KvK number, or abroad by its registration or VAT number.
        CheckConstraint(
            "kind = 'consumer' OR kvk_number IS NOT NULL"
            " OR (country <> 'NL' AND (registration_number IS NOT NULL OR vat_number IS NOT NULL))",
            name="business_identified",
        ),
        CheckConstraint("language IN ('nl', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[CustomerKind] = mapped_column(StrEnumType(CustomerKind))
    kvk_number: Mapped[str | None] = mapped_column(String(8))
    country: Mapped[str] = mapped_column(String(2), default="NL")  # ISO 3166-1 alpha-2
    registration_number: Mapped[str | None] = mapped_column(String(40))  # a foreign business's register number
    vat_number: Mapped[str | None] = mapped_column(String(20))
    # The organisation's general address and phone; written notices go to its contacts, by role (Contact).
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    # The language its written notices are in (dcops.i18n.LANGUAGES), whatever the staff member's own.
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)  # its NetBox tenant's id

    contracts: Mapped[list[Contract]] = relationship(back_populates="customer", order_by="Contract.number")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", order_by="Contact.name", cascade="all, delete-orphan", passive_deletes=True
    )


class ContactRole(StrEnum):
    """What a contact receives (dcops.notices.kinds.ROLE says which role each kind of message goes to)."""

    billing = "billing"
    technical = "technical"
    access = "access"


class Contact(Base):
    """A person at the customer that written notices go to, by role; one may have several roles."""

    __tablename__ = "customer_contact"
    __table_args__ = (
        UniqueConstraint("customer_id", "email"),
        CheckConstraint("billing OR technical OR access", name="has_a_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    billing: Mapped[bool] = mapped_column(default=False)
    technical: Mapped[bool] = mapped_column(default=False)
    access: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="contacts")

    @property
    def roles(self) -> list[ContactRole]:
        return [r for r in ContactRole if getattr(self, r.value)]

    @roles.setter
    def roles(self, roles: list[ContactRole]) -> None:
        for r in ContactRole:
            setattr(self, r.value, r in roles)


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
    start_date: Mapped[date] = mapped_column(Day)
    end_date: Mapped[date | None] = mapped_column(Day)
    payment_term_days: Mapped[int] = mapped_column(default=14)
    status: Mapped[ContractStatus] = mapped_column(StrEnumType(ContractStatus), default=ContractStatus.active)
    notes: Mapped[str | None] = mapped_column(Text)
    # D3: the agreed specification of dedicated hardware; a replacement must reasonably meet it.
    spec_cpu_cores: Mapped[int | None] = mapped_column()
    spec_memory_gb: Mapped[int | None] = mapped_column()
    spec_storage_gb: Mapped[int | None] = mapped_column()
    spec_network_mbps: Mapped[int | None] = mapped_column()

    customer: Mapped[Customer] = relationship(back_populates="contracts")

    @property
    def owner(self) -> Owner:
        return hardware_owner(self.service)[0]


# --- standing: invoices, notices of default, breaches, liens (Art. 23, 27, 12.9) --------------------


class Invoice(Base):
    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="RESTRICT"), index=True)
    issue_date: Mapped[date] = mapped_column(Day)
    due_date: Mapped[date] = mapped_column(Day)  # S1: issue date + the contract's term, fixed when issued
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    contract: Mapped[Contract] = relationship()
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="Payment.paid_on", cascade="all, delete-orphan"
    )
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.id", cascade="all, delete-orphan"
    )

    @property
    def paid_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments)

    @property
    def outstanding_cents(self) -> int:
        return self.amount_cents - self.paid_cents

    def overdue(self, today: date) -> bool:
        return self.outstanding_cents > 0 and today > self.due_date

    def state(self, today: date) -> str:
        """paid | overdue | open: the badge lists and pages show (its css class; its words are INVOICE_STATES)."""
        return "paid" if self.outstanding_cents == 0 else ("overdue" if self.overdue(today) else "open")


class InvoiceLine(Base):
    """What an invoice charges, line by line. Invoices typed in as one amount have none; a charge dcops makes (the
    extra work of a work order, M1/M2) is a line on an invoice of its own, whose amount is the line's."""

    __tablename__ = "invoice_line"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column()  # the time charged
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)  # per hour
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    # The work order charged (one charge each: WorkOrder.charge); never a relocation, which creates no charge (K7).
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id", ondelete="RESTRICT"), unique=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Day)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")


class DefaultNotice(Base):
    """A notice of default (ingebrekestelling), about one unpaid invoice or one breach (S3, S6)."""

    __tablename__ = "default_notice"
    __table_args__ = (
        CheckConstraint("(invoice_id IS NULL) <> (breach_id IS NULL)", name="concerns_one_thing"),
        CheckConstraint("term_days BETWEEN 1 AND 90", name="term_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"), index=True)
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breach.id", ondelete="RESTRICT"), index=True)
    sent_on: Mapped[date] = mapped_column(Day)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))
    term_days: Mapped[int] = mapped_column(default=14)
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    invoice: Mapped[Invoice | None] = relationship()
    breach: Mapped[Breach | None] = relationship()

    @property
    def term_ends(self) -> date:
        """S3: the term runs from the day after sending, when the notice reaches the customer."""
        return Notice(self.sent_on, self.term_days).term_ends


class Breach(Base):
    """A failure to perform other than paying (S4): open until resolved."""

    __tablename__ = "breach"
    __table_args__ = (CheckConstraint("resolved_on IS NULL OR resolved_on >= occurred_on", name="resolved_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    # S5: the contract it occurred under (S6 counts it there first); empty on breaches recorded before.
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="RESTRICT"), index=True)
    article: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Day)
    description: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    resolved_on: Mapped[date | None] = mapped_column(Day)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    contract: Mapped[Contract | None] = relationship()

    @property
    def open(self) -> bool:
        return self.resolved_on is None


class Lien(Base):
    """K10: the supplier retains a failing customer's hardware. At most one is open per customer; it is in force
    while the customer fails with something due unpaid, and ends by itself (released by "dcops") once nothing
    due is unpaid."""

    __tablename__ = "lien"
    __table_args__ = (
        Index(
            "uq_lien_standing",
            "customer_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    placed_on: Mapped[date] = mapped_column(Day)
    placed_by: Mapped[str] = mapped_column(String(100))
    grounds: Mapped[str] = mapped_column(Text)  # the failure it rests on, as it stood when placed
    note: Mapped[str | None] = mapped_column(Text)
    released_at: Mapped[datetime | None] = mapped_column()
    released_by: Mapped[str | None] = mapped_column(String(100))
    release_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()

    @property
    def open(self) -> bool:
        """Placed and not released; whether it is in force today depends on the standing (K10)."""
        return self.released_at is None

    @property
    def ended_by_itself(self) -> bool:
        """K10: nothing due was unpaid any more, so dcops ended it in the transaction that made it so."""
        return self.released_by == "dcops"


# --- insurance (Art. 12.8, K9) ----------------------------------------------------------------------


class InsurancePolicy(Base):
    __tablename__ = "insurance_policy"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="valid_period"),
        CheckConstraint("insured_cents > 0", name="insured_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    insurer: Mapped[str] = mapped_column(String(200))
    policy_number: Mapped[str] = mapped_column(String(100))
    insured_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    valid_from: Mapped[date] = mapped_column(Day)
    valid_until: Mapped[date] = mapped_column(Day)
    # The document itself lives in the data directory under its SHA-256 (dcops.documents).
    document_sha256: Mapped[str] = mapped_column(String(64))
    document_type: Mapped[str] = mapped_column(String(50))
    document_name: Mapped[str] = mapped_column(String(200))
    document_size: Mapped[int] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()

    def badges(self, today: date) -> list[tuple[str, str]]:
        """(text, css class) of its state on `today`, as the customer page and the policy page show it."""
        terms = Policy(self.valid_from, self.valid_until)
        badges = [(_("valid"), "ok") if terms.valid_on(today) else (_("not valid today"), "overdue")]
        if policy_ending_soon(terms, today):
            badges.append((_("ends within 30 days"), "flag"))
        return badges


class PolicyRequest(Base):
    """The supplier's request for the policy ("op eerste verzoek"); answered by a policy, or still open."""

    __tablename__ = "policy_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    requested_on: Mapped[date] = mapped_column(Day)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))
    note: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(100))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("insurance_policy.id", ondelete="SET NULL"))
    answered_on: Mapped[date | None] = mapped_column(Day)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    policy: Mapped[InsurancePolicy | None] = relationship()

    def overdue(self, today: date) -> bool:
        return request_overdue(self.requested_on, self.policy_id is not None, today)


# --- written permissions (Art. 13.1, 13.4, 31.5; A2, A4, R2) -----------------------------------------


class PermissionKind(StrEnum):
    third_party_access = "third_party_access"
    room_change = "room_change"


permission_room = Table(
    "written_permission_room",
    Base.metadata,
    Column("permission_id", ForeignKey("written_permission.id", ondelete="CASCADE"), primary_key=True),
    Column("room_id", ForeignKey("room.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class WrittenPermission(Base):
    __tablename__ = "written_permission"
    __table_args__ = (CheckConstraint("valid_until >= valid_from", name="valid_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[PermissionKind] = mapped_column(StrEnumType(PermissionKind))
    covers: Mapped[str] = mapped_column(Text)  # the person (third party) or the change it permits
    valid_from: Mapped[date] = mapped_column(Day)
    valid_until: Mapped[date] = mapped_column(Day)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    # A2: the registered third party a third-party access permission is for (dcops.access.models.Person)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))
    reference: Mapped[str] = mapped_column(String(300))  # e.g. the e-mail's Message-ID or the letter's date
    note: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    granted_by: Mapped[User] = relationship()
    person: Mapped[Person | None] = relationship()
    rooms: Mapped[list[Room]] = relationship(secondary=permission_room, order_by="Room.code")

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def room_ids(self) -> list[int]:
        return [r.id for r in self.rooms]

    def badges(self, today: date) -> list[tuple[str, str]]:
        """(text, css class) of its state on `today`, as the customer page and the permission page show it."""
        if self.revoked:
            return [(_("revoked"), "overdue")]
        if today > self.valid_until:
            return [(_("expired"), "overdue")]
        if today < self.valid_from:
            return [(_("from %(day)s", day=day(self.valid_from)), "open")]
        badges = [(_("in force"), "ok")]
        if expiring_soon(self.valid_until, self.revoked, today):
            badges.append((_("ends within 14 days"), "flag"))
        return badges
