"""Input shapes for customers, contracts and their standing records, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from dcops.customers.models import Channel, ContactRole, ContractStatus, CustomerKind, PermissionKind
from dcops.i18n import N_
from dcops.notices.addresses import CONTACT_ADDRESS
from dcops.terms import Service
from dcops.validation import Id

KvK = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{8}$", description=N_("the 8 digits of the KvK (Chamber of Commerce) number"))
]
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description=N_("an e-mail address like name@example.com")
    ),
]


# What a message can be delivered to: the WHATWG form of an address (ASCII), as dcops.notices.smtp checks it.
ContactEmail = Annotated[
    str,
    msgspec.Meta(
        max_length=254, pattern=CONTACT_ADDRESS.pattern, description=N_("an e-mail address like name@example.com")
    ),
]
OneLine = Annotated[
    str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\r\n]+$", description=N_("text on one line"))
]
Language = Literal["nl", "en"]  # the language of a customer's written notices

Country = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Za-z]{2}$", description=N_("ISO 3166-1 alpha-2 country code, e.g. NL"))
]


class CustomerIn(msgspec.Struct, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: CustomerKind
    kvk_number: KvK | None = None
    country: Country = "NL"
    registration_number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] | None = None
    vat_number: (
        Annotated[
            str,
            msgspec.Meta(pattern=r"^[A-Z]{2}[A-Z0-9+*]{2,13}$", description=N_("a VAT number with its country prefix")),
        ]
        | None
    ) = None
    email: Email | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    address: str | None = None
    language: Language = "nl"
    notes: str | None = None


class ContactIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    name: OneLine
    email: ContactEmail
    roles: list[ContactRole]  # at least one (dcops.customers.contacts says so per field)
    phone: (
        Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[^\r\n]*$", description=N_("text on one line"))] | None
    ) = None


class ContractIn(msgspec.Struct, kw_only=True):
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    customer_id: Id
    service: Service
    start_date: date
    customer_maintains_hardware: bool = False
    end_date: date | None = None
    payment_term_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 14
    status: ContractStatus = ContractStatus.active
    notes: str | None = None
    # D3: the agreed specification of dedicated hardware
    spec_cpu_cores: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    spec_memory_gb: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] | None = None
    spec_storage_gb: Annotated[int, msgspec.Meta(ge=1, le=100_000_000)] | None = None
    spec_network_mbps: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] | None = None


Cents = Annotated[int, msgspec.Meta(ge=1, le=10**13, description=N_("an amount in cents, more than zero"))]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$", description=N_("a 3-letter currency code such as EUR"))]
Text200 = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Article = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})*$", description=N_("an article number such as 13.4"))
]


class InvoiceIn(msgspec.Struct, kw_only=True):
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    contract_id: Id
    issue_date: date
    amount_cents: Cents
    currency: Currency = "EUR"
    description: str | None = None


class PaymentIn(msgspec.Struct, kw_only=True):
    paid_on: date
    amount_cents: Cents
    reference: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class NoticeIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    sent_on: date
    channel: Channel
    invoice_id: Id | None = None
    breach_id: Id | None = None
    term_days: Annotated[int, msgspec.Meta(ge=1, le=90)] = 14
    reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    note: str | None = None


class BreachIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    article: Article
    occurred_on: date
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    contract_id: Id | None = None  # S5: the contract it occurred under; required when the customer has one
    evidence: str | None = None


class ResolveIn(msgspec.Struct, kw_only=True):
    resolved_on: date
    resolution: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class LienIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    note: str | None = None


class ReleaseIn(msgspec.Struct, kw_only=True):
    note: str | None = None


class PolicyIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    insurer: Text200
    policy_number: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    insured_cents: Cents
    valid_from: date
    valid_until: date
    currency: Currency = "EUR"


class PolicyRequestIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    requested_on: date
    channel: Channel
    note: str | None = None


class PermissionIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    kind: PermissionKind
    covers: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    room_ids: Annotated[list[Id], msgspec.Meta(min_length=1)]
    valid_from: date
    valid_until: date
    granted_by_id: Id
    channel: Channel
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    person_id: Id | None = None  # A2: the registered third party; the door honours only permissions naming one
    note: str | None = None
