"""factory-boy factories; the session is set per test by conftest (one rolled-back transaction)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from dcops.access.models import Person, Visit
from dcops.auth.models import Role, User
from dcops.auth.service import hash_password
from dcops.customers.models import (
    Breach,
    Channel,
    Contact,
    ContactRole,
    Contract,
    Customer,
    CustomerKind,
    DefaultNotice,
    InsurancePolicy,
    Invoice,
    Payment,
)
from dcops.maintenance.models import ClosureDay, Impact, Maintenance, Scope
from dcops.racks.models import Hardware, Rack, RackKind, Room, Site
from dcops.terms import Service
from dcops.terms.extra_work import WorkKind
from dcops.terms.standing import due_date
from dcops.work.models import RequestChannel, WorkOrder

PASSWORD = "correct-horse-battery"
_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once for the whole run


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


class UserFactory(Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    role = Role.technician
    password_hash = _HASH
    active = True


class CustomerFactory(Base):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} B.V.")
    kind = CustomerKind.business
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")

    @factory.post_generation
    def insured(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """Customers carry a policy valid for years (K9), unless made with `insured=False`."""
        if create and extracted is not False:
            InsurancePolicyFactory(customer=obj)


class ContactFactory(Base):
    """A contact receiving every kind of message unless given `roles`."""

    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    roles = [ContactRole.billing, ContactRole.technical, ContactRole.access]


class ContractFactory(Base):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"T-{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    service = Service.colocation
    customer_maintains_hardware = True
    start_date = date(2025, 1, 1)


class SiteFactory(Base):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Site {n}")


class RoomFactory(Base):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Room {n}")


class RackFactory(Base):
    class Meta:
        model = Rack

    room = factory.SubFactory(RoomFactory)
    name = factory.Sequence(lambda n: f"K{n:03d}")
    u_height = 42
    kind = RackKind.shared
    power_budget_w = 5000


class HardwareFactory(Base):
    """Unmounted; mount through the service so RackUnit rows exist."""

    class Meta:
        model = Hardware

    name = factory.Sequence(lambda n: f"srv-{n:03d}")
    asset_tag = factory.Sequence(lambda n: f"AT-{n:05d}")
    u_height = 1
    full_depth = True
    power_draw_w = 200
    contract = factory.SubFactory(ContractFactory)


class InsurancePolicyFactory(Base):
    """Metadata only: tests that need the stored document upload one through the service."""

    class Meta:
        model = InsurancePolicy

    customer = factory.SubFactory(CustomerFactory, insured=False)
    insurer = "Achmea"
    policy_number = factory.Sequence(lambda n: f"POL-{n:05d}")
    insured_cents = 50_000_00
    valid_from = date(2020, 1, 1)
    valid_until = date(2099, 12, 31)
    document_sha256 = "0" * 64
    document_type = "application/pdf"
    document_name = "policy.pdf"
    document_size = 1
    recorded_by = "test"


class InvoiceFactory(Base):
    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: f"F-{n:05d}")
    contract = factory.SubFactory(ContractFactory)
    customer = factory.SelfAttribute("contract.customer")
    issue_date = date(2026, 3, 1)
    due_date = factory.LazyAttribute(lambda o: due_date(o.issue_date, o.contract.payment_term_days))
    amount_cents = 1210_00


class PaymentFactory(Base):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    paid_on = factory.LazyAttribute(lambda o: o.invoice.issue_date)
    amount_cents = factory.LazyAttribute(lambda o: o.invoice.amount_cents)
    recorded_by = "test"


class BreachFactory(Base):
    class Meta:
        model = Breach

    customer = factory.SubFactory(CustomerFactory)
    article = "13.4"
    occurred_on = date(2026, 3, 1)
    description = "cage door removed without permission"
    recorded_by = "test"


class NoticeFactory(Base):
    class Meta:
        model = DefaultNotice

    customer = factory.SelfAttribute("invoice.customer")
    invoice = factory.SubFactory(InvoiceFactory)
    sent_on = date(2026, 3, 20)
    channel = Channel.letter
    term_days = 14
    recorded_by = "test"


class PersonFactory(Base):
    class Meta:
        model = Person

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    competence_confirmed_on = date(2025, 1, 1)
    competence_confirmed_by = "test"
    active = True


class VisitFactory(Base):
    class Meta:
        model = Visit

    customer = factory.SubFactory(CustomerFactory)
    purpose = factory.Sequence(lambda n: f"Maintenance {n}")
    starts_at = datetime(2026, 3, 2, 8, tzinfo=UTC)
    ends_at = datetime(2026, 3, 2, 17, tzinfo=UTC)
    requested_by = "test"


class MaintenanceFactory(Base):
    """Planned (not announced) maintenance of one rack; announce it through the service so R4 is asked."""

    class Meta:
        model = Maintenance

    title = factory.Sequence(lambda n: f"Maintenance {n}")
    description = "Replace a PDU"
    scope = Scope.rack
    rack = factory.SubFactory(RackFactory)
    starts_at = datetime(2026, 3, 10, 21, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    impact = Impact.reduced
    created_by = "test"


class ClosureDayFactory(Base):
    class Meta:
        model = ClosureDay

    day = factory.Sequence(lambda n: date(2026, 6, 1) + timedelta(days=n))
    reason = "Company day"
    announced_on = date(2026, 5, 1)
    created_by = "test"


class WorkOrderFactory(Base):
    """A request for extra work as an account manager records it (M1); estimate and accept it through the service."""

    class Meta:
        model = WorkOrder

    customer = factory.SelfAttribute("contract.customer")
    contract = factory.SubFactory(ContractFactory)
    kind = WorkKind.on_request
    description = factory.Sequence(lambda n: f"Replace the disks of server {n}")
    requested_by = "Pieter Smit"
    requested_on = date(2026, 3, 1)
    requested_via = RequestChannel.email
    created_by = "test"


ALL = [
    UserFactory,
    CustomerFactory,
    ContactFactory,
    ContractFactory,
    SiteFactory,
    RoomFactory,
    RackFactory,
    HardwareFactory,
    InsurancePolicyFactory,
    InvoiceFactory,
    PaymentFactory,
    BreachFactory,
    NoticeFactory,
    PersonFactory,
    VisitFactory,
    MaintenanceFactory,
    ClosureDayFactory,
    WorkOrderFactory,
]
