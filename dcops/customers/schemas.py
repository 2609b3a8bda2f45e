"""Input shapes for customers and contracts, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from dcops.customers.models import ContractStatus, CustomerKind
from dcops.terms import Service

KvK = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{8}$", description="the 8 digits of the KvK (Chamber of Commerce) number")
]
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="an e-mail address like name@example.com"
    ),
]


class CustomerIn(msgspec.Struct, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: CustomerKind
    kvk_number: KvK | None = None
    email: Email | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    address: str | None = None
    contact_name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    notes: str | None = None


class ContractIn(msgspec.Struct, kw_only=True):
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    customer_id: Annotated[int, msgspec.Meta(ge=1)]
    service: Service
    start_date: date
    customer_maintains_hardware: bool = False
    end_date: date | None = None
    payment_term_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 14
    status: ContractStatus = ContractStatus.active
    notes: str | None = None
