"""JSON API for a customer's standing records: invoices, notices, breaches, liens, insurance, permissions,
the standing itself and the compliance sweep."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody
from sqlalchemy import Select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.customers import billing, breaches, insurance, liens, written
from dcops.customers.compliance import sweep
from dcops.customers.models import (
    Breach,
    Channel,
    Customer,
    DefaultNotice,
    InsurancePolicy,
    Invoice,
    Lien,
    Payment,
    PermissionKind,
    PolicyRequest,
    WrittenPermission,
)
from dcops.customers.schemas import (
    BreachIn,
    InvoiceIn,
    LienIn,
    NoticeIn,
    PaymentIn,
    PermissionIn,
    PolicyIn,
    PolicyRequestIn,
    ReleaseIn,
    ResolveIn,
)
from dcops.customers.standing import standing_of
from dcops.documents import MAX_BYTES, content_disposition
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.validation import parse
from dcops.web.helpers import actor, documents, query_int, today
from dcops.web.resource import Page, ReasonOut, Resource, out, router
from dcops.web.routes import Db, delete, get, post

READ = {"perm": Perm.customers_read}
WRITE = {"perm": Perm.customers_write}
ACCOUNTS = {"perm": Perm.accounts_read}


class PaymentOut(msgspec.Struct):
    id: int
    paid_on: date
    amount_cents: int
    reference: str | None
    recorded_by: str


class InvoiceOut(msgspec.Struct):
    id: int
    number: str
    customer_id: int
    contract_id: int
    issue_date: date
    due_date: date
    amount_cents: int
    currency: str
    paid_cents: int
    outstanding_cents: int
    description: str | None
    payments: list[PaymentOut]


class NoticeOut(msgspec.Struct):
    id: int
    customer_id: int
    invoice_id: int | None
    breach_id: int | None
    sent_on: date
    channel: Channel
    term_days: int
    term_ends: date
    reference: str | None
    note: str | None
    recorded_by: str


class BreachOut(msgspec.Struct):
    id: int
    customer_id: int
    contract_id: int | None  # S5: the contract it occurred under (empty on breaches recorded before)
    article: str
    occurred_on: date
    description: str
    evidence: str | None
    recorded_by: str
    resolved_on: date | None
    resolution: str | None
    resolved_by: str | None


class LienOut(msgspec.Struct):
    id: int
    customer_id: int
    placed_on: date
    placed_by: str
    grounds: str
    note: str | None
    released_at: datetime | None
    released_by: str | None
    release_note: str | None
    ended_by_itself: bool
    in_force: bool = False  # K10, today: placed, not released, the customer fails with something due unpaid


class PolicyOut(msgspec.Struct):
    id: int
    customer_id: int
    insurer: str
    policy_number: str
    insured_cents: int
    currency: str
    valid_from: date
    valid_until: date
    document_type: str
    document_name: str
    document_size: int
    document_sha256: str
    recorded_by: str


class PolicyRequestOut(msgspec.Struct):
    id: int
    customer_id: int
    requested_on: date
    channel: Channel
    note: str | None
    requested_by: str
    policy_id: int | None
    answered_on: date | None


class PermissionOut(msgspec.Struct):
    id: int
    customer_id: int
    kind: PermissionKind
    covers: str
    room_ids: list[int]
    valid_from: date
    valid_until: date
    granted_by_id: int
    channel: Channel
    reference: str
    person_id: int | None
    note: str | None
    revoked_at: datetime | None
    revoked_by: str | None


class StandingOut(msgspec.Struct):
    customer_id: int
    today: date
    fails: bool
    in_default: bool
    since: date | None
    reasons: list[ReasonOut]
    lien_id: int | None
    lien_in_force: bool


def _customer_filter(p: dict[str, str]) -> int | None:
    return query_int(p.get("customer_id"))


# --- invoices and payments ------------------------------------------------------------------------


@post("/{item_id:int}/payments", name="api.invoices.pay", opt=WRITE, status_code=201)
def add_payment(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[PaymentIn]) -> InvoiceOut:
    invoice = crud.get(db, Invoice, item_id)
    billing.add_payment(db, invoice, data, actor(request), today(request))
    return out(InvoiceOut, invoice)


@delete("/{item_id:int}/payments/{payment_id:int}", name="api.invoices.unpay", opt=WRITE, status_code=200)
def delete_payment(request: Request, db: Db, item_id: FromPath[int], payment_id: FromPath[int]) -> InvoiceOut:
    invoice = crud.get(db, Invoice, item_id)
    payment = crud.get(db, Payment, payment_id)
    if payment.invoice_id != invoice.id:
        raise ValidationFailed(
            {"payment_id": _("Payment %(id)s is not on invoice %(number)s", id=payment_id, number=invoice.number)}
        )
    billing.delete_payment(db, payment, actor(request))
    db.refresh(invoice, ["payments"])
    return out(InvoiceOut, invoice)


# --- breaches ---------------------------------------------------------------------------------------


@post("/{item_id:int}/resolve", name="api.breaches.resolve", opt=WRITE, status_code=200)
def resolve(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[ResolveIn]) -> BreachOut:
    return out(BreachOut, breaches.resolve_breach(db, crud.get(db, Breach, item_id), data, actor(request)))


# --- liens: placed and released, never edited or deleted --------------------------------------------


def lien_out(db: Session, lien: Lien, today: date) -> LienOut:
    found = out(LienOut, lien)
    return msgspec.structs.replace(found, in_force=lien.open and liens.in_force(db, lien.customer_id, today))


@get("/", name="api.liens.list", opt=READ, description="Filters: customer_id, standing=true (not released).")
def list_liens(
    request: Request,
    db: Db,
    customer_id: FromQuery[int | None] = None,
    standing: FromQuery[bool] = False,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    page = crud.paginate(db, liens.lien_query(customer_id, standing), limit, offset)
    day = today(request)
    return Page([lien_out(db, x, day) for x in page.items], page.total, page.limit, page.offset)


@get("/{item_id:int}", name="api.liens.detail", opt=READ)
def lien_detail(request: Request, db: Db, item_id: FromPath[int]) -> LienOut:
    return lien_out(db, crud.get(db, Lien, item_id), today(request))


@post(
    "/",
    name="api.liens.place",
    opt=WRITE,
    description="Refused (rule K10) unless the customer fails (S6) with an amount due and unpaid.",
)
def place_lien(request: Request, db: Db, data: JSONBody[LienIn]) -> LienOut:
    return lien_out(db, liens.place_lien(db, data, actor(request), today(request)), today(request))


@post(
    "/{item_id:int}/release",
    name="api.liens.release",
    opt=WRITE,
    status_code=200,
    description="The supplier gives up the lien. It also ends by itself once nothing due is unpaid (rule K10).",
)
def release_lien(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[ReleaseIn]) -> LienOut:
    return lien_out(db, liens.release_lien(db, crud.get(db, Lien, item_id), data, actor(request)), today(request))


# --- insurance policies: metadata as JSON, the document as a multipart upload ----------------------


UPLOAD = (
    "multipart/form-data: customer_id, insurer, policy_number, insured_cents, valid_from, valid_until and "
    "optionally currency as form fields, plus `document` (PDF, PNG or JPEG, at most 8 MB). "
    "It also answers the customer's open policy requests (rule K9)."
)
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def read_upload(form: dict[str, Any], field: str = "document") -> tuple[bytes, str]:
    """The bytes and name of an uploaded file (Litestar spools it to a temporary file), or nothing."""
    upload = form.get(field)
    if upload is None or isinstance(upload, str):
        return b"", ""
    if isinstance(upload, list):  # the field sent twice: which one is meant is not for dcops to guess
        raise ValidationFailed({field: _("One file only")})
    upload.file.seek(0)
    return upload.file.read(MAX_BYTES + 1), upload.filename or ""


@post("/", name="api.policies.create", opt=WRITE, description=UPLOAD)
def create_policy(request: Request, db: Db, data: Multipart) -> Response[Any]:
    content, filename = read_upload(data)
    fields = {k: v for k, v in data.items() if k != "document" and isinstance(v, str)}
    policy_in = parse(PolicyIn, fields, form=True)
    policy = insurance.create_policy(
        db, documents(request), policy_in, content, filename, actor(request), today(request)
    )
    return Response(msgspec.to_builtins(out(PolicyOut, policy)), status_code=201)


@get("/{item_id:int}/document", name="api.policies.document", opt=ACCOUNTS, media_type="application/octet-stream")
def policy_document(request: Request, db: Db, item_id: FromPath[int]) -> Response[bytes]:
    return document_response(request, db, crud.get(db, InsurancePolicy, item_id))


def document_response(request: Request, db: Session, policy: InsurancePolicy) -> Response[bytes]:
    content = documents(request).read(db, policy.document_sha256)
    return Response(
        content,
        media_type=policy.document_type,
        headers={
            "Content-Disposition": content_disposition(policy.document_name),
            "Cache-Control": "private, no-store",
        },
    )


# --- written permissions ---------------------------------------------------------------------------


@post("/{item_id:int}/revoke", name="api.written_permissions.revoke", opt=WRITE, status_code=200)
def revoke(request: Request, db: Db, item_id: FromPath[int]) -> PermissionOut:
    permission = crud.get(db, WrittenPermission, item_id)
    return out(PermissionOut, written.revoke_permission(db, permission, actor(request)))


# --- standing and compliance -----------------------------------------------------------------------


@get("/{customer_id:int}/standing", name="api.customers.standing", opt=READ)
def customer_standing(request: Request, db: Db, customer_id: FromPath[int]) -> StandingOut:
    customer = crud.get(db, Customer, customer_id)
    day = today(request)
    st = standing_of(db, customer, day)
    lien = liens.open_lien(db, customer.id)
    return StandingOut(
        customer.id,
        day,
        st.fails,
        st.in_default,
        st.since,
        [ReasonOut(**r.as_dict()) for r in st.reasons],
        lien.id if lien else None,
        lien is not None and liens.in_force(db, customer.id, day),
    )


@get("/", name="api.compliance", opt=ACCOUNTS, description="What needs action today, per rule.")
def compliance(request: Request, db: Db, on: FromQuery[date | None] = None) -> dict[str, Any]:
    return sweep(db, on or today(request)).as_dict()


def _query(fn: Any) -> Any:
    return lambda p: fn(_customer_filter(p))


def _invoice_query(p: dict[str, str]) -> Select[Any]:
    return billing.invoice_query(_customer_filter(p), p.get("q", ""), p.get("unpaid") in ("1", "true"))


def _breach_query(p: dict[str, str]) -> Select[Any]:
    return breaches.breach_query(_customer_filter(p), p.get("open") in ("1", "true"))


ROUTERS: list[Router] = [
    router(
        Resource(
            "invoices",
            Invoice,
            InvoiceIn,
            InvoiceOut,
            _invoice_query,
            billing.create_invoice,
            billing.update_invoice,
            billing.delete_invoice,
            read=Perm.accounts_read,
            write=Perm.customers_write,
            filters=("customer_id", "q", "unpaid"),
            extra_handlers=[add_payment, delete_payment],
        )
    ),
    router(
        Resource(
            "notices",
            DefaultNotice,
            NoticeIn,
            NoticeOut,
            _query(billing.notice_query),
            billing.create_notice,
            billing.update_notice,
            billing.delete_notice,
            read=Perm.accounts_read,
            write=Perm.customers_write,
            filters=("customer_id",),
        )
    ),
    router(
        Resource(
            "breaches",
            Breach,
            BreachIn,
            BreachOut,
            _breach_query,
            breaches.create_breach,
            breaches.update_breach,
            breaches.delete_breach,
            read=Perm.customers_read,
            write=Perm.customers_write,
            filters=("customer_id", "open"),
            extra_handlers=[resolve],
        )
    ),
    Router(path="/api/liens", route_handlers=[list_liens, lien_detail, place_lien, release_lien], tags=["liens"]),
    router(
        Resource(
            "policies",
            InsurancePolicy,
            PolicyIn,
            PolicyOut,
            _query(insurance.policy_query),
            None,
            insurance.update_policy,
            insurance.delete_policy,
            read=Perm.customers_read,
            write=Perm.customers_write,
            filters=("customer_id",),
            extra_handlers=[create_policy, policy_document],
        )
    ),
    router(
        Resource(
            "policy-requests",
            PolicyRequest,
            PolicyRequestIn,
            PolicyRequestOut,
            _query(insurance.request_query),
            insurance.create_request,
            insurance.update_request,
            insurance.delete_request,
            read=Perm.customers_read,
            write=Perm.customers_write,
            filters=("customer_id",),
        )
    ),
    router(
        Resource(
            "written-permissions",
            WrittenPermission,
            PermissionIn,
            PermissionOut,
            _query(written.permission_query),
            written.create_permission,
            written.update_permission,
            None,
            read=Perm.customers_read,
            write=Perm.customers_write,
            filters=("customer_id",),
            extra_handlers=[revoke],
        )
    ),
    Router(path="/api/customers", route_handlers=[customer_standing], tags=["customers"]),
    Router(path="/api/compliance", route_handlers=[compliance], tags=["compliance"]),
]
