"""The forms for a customer's standing records: invoices, notices of default, breaches, policy requests
and written permissions (the generic form pages), and the policy form's fields (with its upload)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops.access.models import Person
from dcops.auth.permissions import Perm
from dcops.customers import billing, breaches, insurance, written
from dcops.customers.models import (
    Breach,
    Channel,
    Contract,
    Customer,
    DefaultNotice,
    Invoice,
    PermissionKind,
    PolicyRequest,
    WrittenPermission,
)
from dcops.customers.schemas import (
    BreachIn,
    InvoiceIn,
    NoticeIn,
    PermissionIn,
    PolicyRequestIn,
)
from dcops.customers.standing import unpaid_invoices
from dcops.i18n import N_, _, day
from dcops.racks.forms import contract_choices
from dcops.racks.models import Room, Site
from dcops.terms.standing import BREACH_ARTICLES
from dcops.web.form_pages import FormPages, back_to, form_router
from dcops.web.forms import Field, enum_choices
from dcops.web.helpers import today

# A notice of default and a policy request dcops sends itself (dcops.notices.messages).
EMAILED = N_(
    "By e-mail and sent today: dcops e-mails it to the customer's billing contacts (Outbox). A letter, or an "
    "earlier day, records one given outside dcops"
)


def customer_choices(db: Session) -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.scalars(select(Customer).order_by(Customer.name))]


def customer_default(request: Request) -> dict[str, Any]:
    return {"customer_id": request.query_params.get("customer_id", "")}


def _to_customer(obj: Any) -> str:
    return f"/customers/{obj.customer_id}"


def invoice_fields(db: Session) -> list[Field]:
    contracts = db.execute(
        select(Contract.id, Contract.number, Customer.name).join(Contract.customer).order_by(Contract.number)
    )
    return [
        Field("number", N_("Invoice number"), required=True),
        Field("contract_id", N_("Contract"), "select", True, [(c.id, f"{c.number} — {c.name}") for c in contracts]),
        Field(
            "issue_date",
            N_("Invoice date"),
            "date",
            True,
            help=N_("Due after the contract's payment term (Art. 23.2, S1)"),
        ),
        Field("amount_cents", N_("Amount"), "money", True, help=N_("In euros, e.g. 1210,50")),
        Field("currency", N_("Currency"), required=True),
        Field("description", N_("Description"), "textarea"),
    ]


def _invoice_defaults(request: Request) -> dict[str, Any]:
    return {"contract_id": request.query_params.get("contract_id", ""), "issue_date": today(request), "currency": "EUR"}


def notice_fields(db: Session) -> list[Field]:
    noticed = select(DefaultNotice.invoice_id).where(DefaultNotice.invoice_id.is_not(None))
    invoices = db.execute(
        select(Invoice.id, Invoice.number, Customer.name)
        .join(Invoice.customer)
        .where(Invoice.id.in_(select(unpaid_invoices().subquery().c.id)) | Invoice.id.in_(noticed))
        .order_by(Invoice.number)
    )
    open_breaches = db.execute(
        select(Breach.id, Breach.article, Breach.occurred_on, Customer.name)
        .join(Breach.customer)
        .order_by(Breach.occurred_on.desc())
    )
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field(
            "invoice_id",
            N_("Unpaid invoice it concerns"),
            "select",
            choices=[(i.id, f"{i.number} — {i.name}") for i in invoices],
            help=N_("Either an invoice or a breach"),
        ),
        Field(
            "breach_id",
            N_("Breach it concerns"),
            "select",
            choices=[
                (
                    b.id,
                    _(
                        "Art. %(article)s, %(day)s — %(customer)s",
                        article=b.article,
                        day=day(b.occurred_on),
                        customer=b.name,
                    ),
                )
                for b in open_breaches
            ],
        ),
        Field("sent_on", N_("Sent on"), "date", True),
        Field("channel", N_("Channel"), "select", True, enum_choices(Channel), help=EMAILED),
        Field(
            "term_days",
            N_("Term (days)"),
            "number",
            True,
            min=1,
            max=90,
            help=N_("The term the notice gives to pay or remedy; a consumer is in default after it (Art. 23.6, S3)"),
        ),
        Field("reference", N_("Reference"), help=N_("e.g. the registered letter's number")),
        Field("note", N_("Note"), "textarea"),
    ]


def breach_fields(db: Session) -> list[Field]:
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field(
            "article",
            N_("Article breached"),
            "select",
            True,
            [(a, _("Art. %(article)s — %(title)s", article=a, title=_(t))) for a, t in BREACH_ARTICLES.items()],
        ),
        Field(
            "contract_id",
            N_("Under contract"),
            "select",
            choices=contract_choices(db),
            help=N_(
                "The contract it occurred under: the customer fails there first; under its other contracts once a "
                "notice of default about it expired (rules S5, S6)"
            ),
        ),
        Field("occurred_on", N_("Occurred on"), "date", True),
        Field("description", N_("What happened"), "textarea", True),
        Field("evidence", N_("Evidence"), "textarea", help=N_("Where the photos, logs or inspection report are")),
    ]


def request_fields(db: Session) -> list[Field]:
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field(
            "requested_on",
            N_("Requested on"),
            "date",
            True,
            help=N_("Unanswered after 14 days, it is flagged (Art. 12.8)"),
        ),
        Field("channel", N_("Channel"), "select", True, enum_choices(Channel), help=EMAILED),
        Field("note", N_("Note"), "textarea"),
    ]


def third_parties(db: Session) -> list[tuple[int, str]]:
    stmt = select(Person).where(Person.third_party.is_(True), Person.active.is_(True)).order_by(Person.name)
    return [(p.id, f"{p.name} ({p.company or p.customer.name})") for p in db.scalars(stmt)]


def permission_fields(db: Session) -> list[Field]:
    rooms = db.execute(
        select(Room.id, Room.code, Site.code.label("site")).join(Room.site).order_by(Site.code, Room.code)
    )
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field(
            "kind",
            N_("Kind"),
            "select",
            True,
            enum_choices(PermissionKind),
            help=N_("Third-party access (Art. 13.1, A2) or a change to the server room (Art. 13.4, A4)"),
        ),
        Field(
            "covers", N_("Person or change it covers"), "textarea", True, help=N_("For a third party: name and company")
        ),
        Field(
            "person_id",
            N_("Registered third party"),
            "select",
            choices=third_parties(db),
            help=N_("Rule A2: the door honours a third-party permission only for the registered person it names"),
        ),
        Field("room_ids", N_("Rooms"), "multiselect", True, [(r.id, f"{r.site}/{r.code}") for r in rooms]),
        Field("valid_from", N_("Valid from"), "date", True),
        Field("valid_until", N_("Valid until"), "date", True),
        Field(
            "granted_by_id", N_("Granted by"), "select", True, [(u.id, u.display_name) for u in written.grantors(db)]
        ),
        Field(
            "channel",
            N_("Channel"),
            "select",
            True,
            enum_choices(Channel),
            help=N_("Written includes e-mail and portal messages (Art. 31.5, R2)"),
        ),
        Field(
            "reference", N_("Reference"), required=True, help=N_("e.g. the e-mail's Message-ID or the letter's date")
        ),
        Field("note", N_("Note"), "textarea"),
    ]


def policy_fields(db: Session, document_required: bool = True) -> list[Field]:
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field("insurer", N_("Insurer"), required=True),
        Field("policy_number", N_("Policy number"), required=True),
        Field("insured_cents", N_("Insured amount"), "money", True, help=N_("In euros")),
        Field("currency", N_("Currency"), required=True),
        Field("valid_from", N_("Valid from"), "date", True),
        Field("valid_until", N_("Valid until"), "date", True),
        Field(
            "document",
            N_("Policy document"),
            "file",
            document_required,
            help=N_("PDF, PNG or JPEG, at most 8 MB")
            if document_required
            else N_("PDF, PNG or JPEG, at most 8 MB; leave empty to keep the current one"),
        ),
    ]


PERMISSION_PREFILL = ("kind", "covers", "person_id", "valid_from", "valid_until")


def _permission_defaults(request: Request) -> dict[str, Any]:
    """A new permission as a refusal's fix opens it (A2 on a visit): the person, rooms and days it is needed for.
    Only prefilled values: the form and its service check them as they check anything typed."""
    query = request.query_params
    prefill = {k: query[k][:300] for k in PERMISSION_PREFILL if query.get(k)}
    if rooms := [r for r in query.getall("room_ids", []) if r.isdigit()]:
        prefill["room_ids"] = rooms
    return {**customer_default(request), "granted_by_id": request.scope["user"].id, "channel": "email", **prefill}


FORM_ROUTERS: list[Router] = [
    form_router(
        FormPages(
            "/invoices",
            "invoice",
            Invoice,
            InvoiceIn,
            invoice_fields,
            billing.create_invoice,
            billing.update_invoice,
            billing.delete_invoice,
            write=Perm.customers_write,
            label=lambda i: i.number,
            saved=lambda i: f"/invoices/{i.id}",
            deleted=_to_customer,
            defaults=_invoice_defaults,
            deletable=lambda i: not i.payments,
        )
    ),
    form_router(
        FormPages(
            "/notices",
            "notice",
            DefaultNotice,
            NoticeIn,
            notice_fields,
            billing.create_notice,
            billing.update_notice,
            billing.delete_notice,
            write=Perm.customers_write,
            label=lambda n: _("of %(day)s", day=day(n.sent_on)),
            saved=_to_customer,
            deleted=_to_customer,
            back=back_to("/invoices", invoice_id="/invoices/{}", breach_id="/breaches/{}", customer_id="/customers/{}"),
            defaults=lambda r: {
                **customer_default(r),
                "invoice_id": r.query_params.get("invoice_id", ""),
                "breach_id": r.query_params.get("breach_id", ""),
                "sent_on": today(r),
                "term_days": 14,
                "channel": "email",
            },
        )
    ),
    form_router(
        FormPages(
            "/breaches",
            "breach",
            Breach,
            BreachIn,
            breach_fields,
            breaches.create_breach,
            breaches.update_breach,
            breaches.delete_breach,
            write=Perm.customers_write,
            label=lambda b: _("of Art. %(article)s", article=b.article),
            saved=lambda b: f"/breaches/{b.id}",
            deleted=_to_customer,
            defaults=lambda r: {**customer_default(r), "occurred_on": today(r)},
            back=back_to("/customers", customer_id="/customers/{}"),
        )
    ),
    form_router(
        FormPages(
            "/policy-requests",
            "policy request",
            PolicyRequest,
            PolicyRequestIn,
            request_fields,
            insurance.create_request,
            insurance.update_request,
            insurance.delete_request,
            write=Perm.customers_write,
            label=lambda q: _("of %(day)s", day=day(q.requested_on)),
            saved=lambda q: f"/policy-requests/{q.id}",
            deleted=_to_customer,
            defaults=lambda r: {**customer_default(r), "requested_on": today(r), "channel": "email"},
            back=back_to("/customers", customer_id="/customers/{}"),
            deletable=lambda q: q.policy_id is None,
        )
    ),
    form_router(
        FormPages(
            "/written-permissions",
            "written permission",
            WrittenPermission,
            PermissionIn,
            permission_fields,
            written.create_permission,
            written.update_permission,
            None,
            write=Perm.customers_write,
            label=lambda w: _("for %(covers)s", covers=w.covers[:40]),
            saved=lambda w: f"/written-permissions/{w.id}",
            deleted=_to_customer,
            defaults=_permission_defaults,
            back=back_to("/customers", customer_id="/customers/{}"),
            deletable=lambda w: False,
        )
    ),
]
