"""JSON API for customers and contracts."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Router
from sqlalchemy import Select

from dcops.auth.permissions import Perm
from dcops.customers import contacts, service
from dcops.customers.models import Contact, ContactRole, Contract, ContractStatus, Customer, CustomerKind
from dcops.customers.schemas import ContactIn, ContractIn, CustomerIn
from dcops.terms import Owner, Service
from dcops.web.helpers import query_int
from dcops.web.resource import Resource, router


class ContactOut(msgspec.Struct):
    id: int
    customer_id: int
    name: str
    email: str
    phone: str | None
    roles: list[ContactRole]


class CustomerOut(msgspec.Struct):
    id: int
    name: str
    kind: CustomerKind
    kvk_number: str | None
    country: str
    registration_number: str | None
    vat_number: str | None
    email: str | None
    phone: str | None
    address: str | None
    language: str
    notes: str | None
    contacts: list[ContactOut]


class ContractOut(msgspec.Struct):
    id: int
    number: str
    customer_id: int
    service: Service
    customer_maintains_hardware: bool
    start_date: date
    end_date: date | None
    payment_term_days: int
    status: ContractStatus
    owner: Owner
    notes: str | None
    spec_cpu_cores: int | None
    spec_memory_gb: int | None
    spec_storage_gb: int | None
    spec_network_mbps: int | None


def _customer_query(p: dict[str, str]) -> Select[Any]:
    kind = CustomerKind(p["kind"]) if p.get("kind") in CustomerKind.__members__ else None
    return service.customer_query(p.get("q", ""), kind)


def _contact_query(p: dict[str, str]) -> Select[Any]:
    return contacts.contact_query(query_int(p.get("customer_id")))


def _contract_query(p: dict[str, str]) -> Select[Any]:
    return service.contract_query(query_int(p.get("customer_id")), p.get("q", ""))


_rights = {"read": Perm.customers_read, "write": Perm.customers_write}

ROUTERS: list[Router] = [
    router(
        Resource(
            "customers",
            Customer,
            CustomerIn,
            CustomerOut,
            _customer_query,
            service.create_customer,
            service.update_customer,
            service.delete_customer,
            filters=("q", "kind"),
            **_rights,
        )
    ),
    router(
        Resource(
            "contacts",
            Contact,
            ContactIn,
            ContactOut,
            _contact_query,
            contacts.create_contact,
            contacts.update_contact,
            contacts.delete_contact,
            filters=("customer_id",),
            **_rights,
        )
    ),
    router(
        Resource(
            "contracts",
            Contract,
            ContractIn,
            ContractOut,
            _contract_query,
            service.create_contract,
            service.update_contract,
            service.delete_contract,
            filters=("customer_id", "q"),
            **_rights,
        )
    ),
]
