"""factory-boy factories; the session is set per test by conftest (one rolled-back transaction)."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from dcops.auth.models import Role, User
from dcops.auth.service import hash_password
from dcops.customers.models import Contract, Customer, CustomerKind
from dcops.racks.models import Hardware, Rack, RackKind, Room, Site
from dcops.terms import Service

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


ALL = [UserFactory, CustomerFactory, ContractFactory, SiteFactory, RoomFactory, RackFactory, HardwareFactory]
