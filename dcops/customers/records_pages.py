"""Detail pages and their actions for a customer's standing records (invoices and payments, breaches, liens,
insurance, written permissions) and the compliance overview. The create/edit forms are in record_forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.auth.permissions import Perm, allows
from dcops.customers import billing, breaches, insurance, liens, written
from dcops.customers.compliance import sweep
from dcops.customers.models import (
    Breach,
    Customer,
    InsurancePolicy,
    Invoice,
    Lien,
    Payment,
    PermissionKind,
    PolicyRequest,
    WrittenPermission,
)
from dcops.customers.record_forms import customer_choices, customer_default, policy_fields
from dcops.customers.records_api import Multipart, document_response, read_upload
from dcops.customers.schemas import (
    LienIn,
    PaymentIn,
    PolicyIn,
    ReleaseIn,
    ResolveIn,
)
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _, day, moment, money, number
from dcops.terms.standing import BREACH_ARTICLES, notice_can_concern_invoice
from dcops.validation import day_error, parse, query_day
from dcops.vocabulary import word
from dcops.web.form_pages import FORM
from dcops.web.forms import Field, euros, normalize, render, submit
from dcops.web.helpers import actor, documents, form_values, query_int, timezone, today
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.customers_read}
WRITE = {"perm": Perm.customers_write}
ACCOUNTS = {"perm": Perm.accounts_read}
RECORD = "customers/record.html"


# --- detail pages and their actions ---------------------------------------------------------------


def site_zone(request: Request) -> ZoneInfo:
    return ZoneInfo(timezone(request))


def _customer_prop(customer: Customer) -> tuple[str, str, str]:
    return (_("Customer"), customer.name, f"/customers/{customer.id}")


PAYMENT_FIELDS = [
    Field("paid_on", N_("Paid on"), "date", True),
    Field("amount_cents", N_("Amount"), "money", True, help=N_("Partial payments count")),
    Field("reference", N_("Reference"), help=N_("e.g. the bank statement line")),
]


class InvoicePages(Controller):
    path = "/invoices"

    @get("/", name="invoices", opt=ACCOUNTS)
    def index(
        self,
        request: Request,
        db: Db,
        q: FromQuery[str] = "",
        unpaid: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        stmt = billing.invoice_query(q=q.strip(), unpaid=unpaid == "1")
        page = crud.screen_page(db, stmt, limit, offset)
        return render("customers/invoices.html", page=page, q=q, unpaid=unpaid, today=today(request))

    def _context(self, request: Request, invoice: Invoice) -> dict[str, Any]:
        on = today(request)
        state = invoice.state(on)
        rows = [
            {
                "cells": [day(p.paid_on), money(p.amount_cents, invoice.currency), p.reference or "", p.recorded_by],
                "action": f"/invoices/{invoice.id}/payments/{p.id}/delete",
            }
            for p in invoice.payments
        ]
        can_write = allows(request.scope["user"].role, Perm.customers_write)
        links = [(_("Edit"), f"/invoices/{invoice.id}/edit")] if can_write else []
        note = None
        if can_write and notice_can_concern_invoice(invoice.outstanding_cents, invoice.due_date, on):
            links.append(
                (_("Send notice of default"), f"/notices/new?customer_id={invoice.customer_id}&invoice_id={invoice.id}")
            )
        elif can_write and invoice.outstanding_cents > 0:
            note = _(
                "A notice of default about this invoice counts only when sent after its due date: from %(day)s "
                "(Art. 23.6, rule S3)",
                day=day(invoice.due_date + timedelta(days=1)),
            )
        return {
            "title": _("Invoice %(number)s", number=invoice.number),
            "badges": [(_(state), state)],
            "props": [
                _customer_prop(invoice.customer),
                (_("Contract"), invoice.contract.number, f"/contracts/{invoice.contract_id}"),
                (_("Invoice date"), day(invoice.issue_date), None),
                (
                    _("Due"),
                    _(
                        "%(day)s (%(days)s-day term, Art. 23.2, rule S1)",
                        day=day(invoice.due_date),
                        days=invoice.contract.payment_term_days,
                    ),
                    None,
                ),
                (_("Amount"), money(invoice.amount_cents, invoice.currency), None),
                (_("Paid"), money(invoice.paid_cents, invoice.currency), None),
                (_("Outstanding"), money(invoice.outstanding_cents, invoice.currency), None),
                (_("Description"), invoice.description, None),
                *(
                    (
                        _("Line"),
                        f"{line.description}: {money(line.amount_cents, invoice.currency)}",
                        f"/work/{line.work_order_id}" if line.work_order_id else None,
                    )
                    for line in invoice.lines
                ),
            ],
            "links": links,
            "note": note,
            "table": {
                "title": _("Payments"),
                "head": [_("Paid on"), _("Amount"), _("Reference"), _("Recorded by")],
                "rows": rows,
                "empty": _("No payments yet."),
                "row_action": _("Delete payment") if can_write else None,
            },
            "form": {
                "title": _("Record a payment"),
                "action": f"/invoices/{invoice.id}/payments",
                "fields": PAYMENT_FIELDS,
                "button": _("Record payment"),
            }
            if can_write and invoice.outstanding_cents > 0
            else None,
        }

    @get("/{invoice_id:int}", name="invoice", opt=ACCOUNTS)
    def view(self, request: Request, db: Db, invoice_id: FromPath[int]) -> Template:
        invoice = crud.get(db, Invoice, invoice_id)
        values = {"paid_on": today(request), "amount_cents": euros(invoice.outstanding_cents)}
        return render(RECORD, values=values, errors={}, **self._context(request, invoice))

    @post("/{invoice_id:int}/payments", name="invoice_pay", opt=WRITE)
    def pay(self, request: Request, db: Db, invoice_id: FromPath[int], data: Form) -> Any:
        invoice = crud.get(db, Invoice, invoice_id)
        ctx = self._context(request, invoice)
        return submit(
            request,
            RECORD,
            data,
            lambda: billing.add_payment(
                db,
                invoice,
                parse(PaymentIn, normalize(PAYMENT_FIELDS, data), form=True),  # refused when nothing is open
                actor(request),
                today(request),
            ),
            lambda p: f"/invoices/{invoice.id}",
            _("Payment recorded"),
            **ctx,
        )

    @post("/{invoice_id:int}/payments/{payment_id:int}/delete", name="invoice_unpay", opt=WRITE)
    def unpay(self, request: Request, db: Db, invoice_id: FromPath[int], payment_id: FromPath[int]) -> Redirect:
        payment = crud.get(db, Payment, payment_id)
        if payment.invoice_id != invoice_id:
            raise ValidationFailed({"payment_id": _("Not a payment on this invoice")})
        billing.delete_payment(db, payment, actor(request))
        return Redirect(f"/invoices/{invoice_id}")


class BreachPages(Controller):
    path = "/breaches"

    def _context(self, request: Request, breach: Breach) -> dict[str, Any]:
        can_write = allows(request.scope["user"].role, Perm.customers_write)
        links = [(_("Edit"), f"/breaches/{breach.id}/edit")] if can_write else []
        if can_write and breach.open and breach.customer.kind.value == "consumer":
            links.append(
                (_("Send notice of default"), f"/notices/new?customer_id={breach.customer_id}&breach_id={breach.id}")
            )
        return {
            "title": _("Breach of Art. %(article)s", article=breach.article),
            "badges": [(_("open"), "open") if breach.open else (_("resolved"), "ok")],
            "props": [
                _customer_prop(breach.customer),
                (
                    _("Article"),
                    _(
                        "Art. %(article)s — %(title)s",
                        article=breach.article,
                        title=_(BREACH_ARTICLES.get(breach.article, "")) if breach.article in BREACH_ARTICLES else "",
                    ),
                    None,
                ),
                (
                    _("Under contract"),
                    breach.contract.number if breach.contract else _("not recorded (counts for every contract)"),
                    f"/contracts/{breach.contract_id}" if breach.contract_id else None,
                ),
                (_("Occurred on"), day(breach.occurred_on), None),
                (_("What happened"), breach.description, None),
                (_("Evidence"), breach.evidence, None),
                (_("Recorded by"), breach.recorded_by, None),
                (
                    _("Resolved"),
                    _(
                        "%(day)s by %(who)s: %(resolution)s",
                        day=day(breach.resolved_on),
                        who=breach.resolved_by,
                        resolution=breach.resolution,
                    )
                    if breach.resolved_on
                    else None,
                    None,
                ),
            ],
            "links": links,
            "form": {
                "title": _("Resolve"),
                "action": f"/breaches/{breach.id}/resolve",
                "fields": [
                    Field("resolved_on", N_("Resolved on"), "date", True),
                    Field("resolution", N_("How it was resolved"), "textarea", True),
                ],
                "button": _("Resolve breach"),
            }
            if can_write and breach.open
            else None,
        }

    @get("/{breach_id:int}", name="breach", opt=READ)
    def view(self, request: Request, db: Db, breach_id: FromPath[int]) -> Template:
        breach = crud.get(db, Breach, breach_id)
        return render(RECORD, values={"resolved_on": today(request)}, errors={}, **self._context(request, breach))

    @post("/{breach_id:int}/resolve", name="breach_resolve", opt=WRITE)
    def resolve(self, request: Request, db: Db, breach_id: FromPath[int], data: Form) -> Any:
        breach = crud.get(db, Breach, breach_id)
        return submit(
            request,
            RECORD,
            data,
            lambda: breaches.resolve_breach(db, breach, parse(ResolveIn, data, form=True), actor(request)),
            lambda b: f"/breaches/{b.id}",
            _("Breach resolved"),
            **self._context(request, breach),
        )


class LienPages(Controller):
    path = "/liens"

    @get("/new", name="lien_new", opt=WRITE)
    def new(self, request: Request, db: Db, customer_id: FromQuery[int | None] = None) -> Template:
        return render(FORM, values={"customer_id": customer_id}, errors={}, **self._new_context(db, customer_id))

    def _new_context(self, db: Session, customer_id: int | None) -> dict[str, Any]:
        customer = crud.get(db, Customer, customer_id) if customer_id else None
        return {
            "title": _("Place a lien on %(customer)s", customer=customer.name) if customer else _("Place a lien"),
            "fields": [
                Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
                Field(
                    "note",
                    N_("Note"),
                    "textarea",
                    help=N_("Only a customer that fails to perform (S6) can be put under a lien (Art. 12.9, K10)"),
                ),
            ],
            "cancel": f"/customers/{customer_id}" if customer_id else "/customers",
        }

    @post("/new", name="lien_place", opt=WRITE)
    def place(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: liens.place_lien(db, parse(LienIn, data, form=True), actor(request), today(request)),
            lambda lien: f"/liens/{lien.id}",
            _("Lien placed: the customer's hardware may not leave"),
            **self._new_context(db, query_int(data.get("customer_id"))),
        )

    def _context(self, request: Request, db: Session, lien: Lien) -> dict[str, Any]:
        can_write = allows(request.scope["user"].role, Perm.customers_write)
        if not lien.open:
            badge = (_("ended by itself: nothing due unpaid"), "ok") if lien.ended_by_itself else (_("released"), "ok")
        elif liens.in_force(db, lien.customer_id, today(request)):
            badge = (_("in force"), "lien")
        else:
            badge = (_("placed, not in force today"), "open")
        return {
            "title": _("Lien on %(customer)s", customer=lien.customer.name),
            "badges": [badge],
            "props": [
                _customer_prop(lien.customer),
                (_("Placed"), _("%(day)s by %(who)s", day=day(lien.placed_on), who=lien.placed_by), None),
                (_("Grounds"), lien.grounds, None),
                (_("Note"), lien.note, None),
                (
                    _("Retained hardware"),
                    _("the customer's colocation hardware"),
                    f"/hardware?customer_id={lien.customer_id}&owner=customer",
                ),
                (
                    _("Released"),
                    _(
                        "%(moment)s by %(who)s",
                        moment=moment(lien.released_at, site_zone(request)),
                        who=lien.released_by,
                    )
                    if lien.released_at
                    else None,
                    None,
                ),
                (_("Release note"), _(lien.release_note) if lien.release_note else None, None),
            ],
            "form": {
                "title": _("Release"),
                "intro": _(
                    "The lien ends by itself once nothing due is unpaid; invoices not yet due do not keep it "
                    "(Art. 12.9, rule K10). The supplier may also give it up sooner."
                ),
                "action": f"/liens/{lien.id}/release",
                "fields": [Field("note", N_("Note"), "textarea")],
                "button": _("Release lien"),
            }
            if can_write and lien.open
            else None,
        }

    @get("/{lien_id:int}", name="lien", opt=READ)
    def view(self, request: Request, db: Db, lien_id: FromPath[int]) -> Template:
        lien = crud.get(db, Lien, lien_id)
        return render(RECORD, values={}, errors={}, **self._context(request, db, lien))

    @post("/{lien_id:int}/release", name="lien_release", opt=WRITE)
    def release(self, request: Request, db: Db, lien_id: FromPath[int], data: Form) -> Any:
        lien = crud.get(db, Lien, lien_id)
        return submit(
            request,
            RECORD,
            data,
            lambda: liens.release_lien(db, lien, parse(ReleaseIn, data, form=True), actor(request)),
            lambda x: f"/liens/{x.id}",
            _("Lien released"),
            **self._context(request, db, lien),
        )


class PolicyPages(Controller):
    path = "/policies"

    def _form(self, db: Session, title: str, cancel: str, required: bool) -> dict[str, Any]:
        return {"title": title, "fields": policy_fields(db, required), "cancel": cancel, "multipart": True}

    @get("/new", name="policy_new", opt=WRITE)
    def new(self, request: Request, db: Db) -> Template:
        values = {**customer_default(request), "currency": "EUR", "valid_from": today(request)}
        return render(FORM, values=values, errors={}, **self._form(db, _("New insurance policy"), "/customers", True))

    @post("/new", name="policy_create", opt=WRITE)
    def create(self, request: Request, db: Db, data: Multipart) -> Any:
        ctx = self._form(db, _("New insurance policy"), "/customers", True)
        content, filename = read_upload(data)
        fields = {k: v for k, v in data.items() if isinstance(v, str)}

        def action() -> InsurancePolicy:
            policy_in = parse(PolicyIn, normalize(ctx["fields"], fields), form=True)
            return insurance.create_policy(
                db, documents(request), policy_in, content, filename, actor(request), today(request)
            )

        return submit(request, FORM, fields, action, lambda p: f"/policies/{p.id}", _("Policy recorded"), **ctx)

    @get("/{policy_id:int}", name="policy", opt=READ)
    def view(self, request: Request, db: Db, policy_id: FromPath[int]) -> Template:
        policy = crud.get(db, InsurancePolicy, policy_id)
        on = today(request)
        role = request.scope["user"].role
        badges = policy.badges(on)
        links = []
        if allows(role, Perm.accounts_read):
            links.append((_("Download document"), f"/policies/{policy.id}/document"))
        if allows(role, Perm.customers_write):
            links.append((_("Edit"), f"/policies/{policy.id}/edit"))
        return render(
            RECORD,
            title=_("Policy %(number)s", number=policy.policy_number),
            badges=badges,
            props=[
                _customer_prop(policy.customer),
                (_("Insurer"), policy.insurer, None),
                (_("Insured amount"), money(policy.insured_cents, policy.currency), None),
                (_("Valid"), f"{day(policy.valid_from)} – {day(policy.valid_until)}", None),
                (
                    _("Document"),
                    _(
                        "%(name)s (%(type)s, %(size)s bytes)",
                        name=policy.document_name,
                        type=policy.document_type,
                        size=number(policy.document_size),
                    ),
                    None,
                ),
                (_("Recorded by"), policy.recorded_by, None),
            ],
            links=links,
            values={},
            errors={},
        )

    @get("/{policy_id:int}/document", name="policy_document", opt=ACCOUNTS)
    def document(self, request: Request, db: Db, policy_id: FromPath[int]) -> Response[bytes]:
        return document_response(request, db, crud.get(db, InsurancePolicy, policy_id))

    def _edit(self, db: Session, policy: InsurancePolicy) -> dict[str, Any]:
        ctx = self._form(db, _("Edit policy %(number)s", number=policy.policy_number), f"/policies/{policy.id}", False)
        return {**ctx, "delete": f"/policies/{policy.id}/delete"}

    @get("/{policy_id:int}/edit", name="policy_edit", opt=WRITE)
    def edit(self, db: Db, policy_id: FromPath[int]) -> Template:
        policy = crud.get(db, InsurancePolicy, policy_id)
        ctx = self._edit(db, policy)
        return render(FORM, values=form_values(policy, ctx["fields"]), errors={}, **ctx)

    @post("/{policy_id:int}/edit", name="policy_update", opt=WRITE)
    def update(self, request: Request, db: Db, policy_id: FromPath[int], data: Multipart) -> Any:
        policy = crud.get(db, InsurancePolicy, policy_id)
        ctx = self._edit(db, policy)
        content, filename = read_upload(data)
        fields = {k: v for k, v in data.items() if isinstance(v, str)}

        def action() -> InsurancePolicy:
            policy_in = parse(PolicyIn, normalize(ctx["fields"], fields), form=True)
            return insurance.update_policy(db, policy, policy_in, actor(request), documents(request), content, filename)

        return submit(request, FORM, fields, action, lambda p: f"/policies/{p.id}", _("Policy saved"), **ctx)

    @post("/{policy_id:int}/delete", name="policy_delete", opt=WRITE)
    def delete(self, request: Request, db: Db, policy_id: FromPath[int]) -> Redirect:
        policy = crud.get(db, InsurancePolicy, policy_id)
        target = f"/customers/{policy.customer_id}"
        insurance.delete_policy(db, policy, actor(request))
        return Redirect(target)


class PolicyRequestPages(Controller):
    path = "/policy-requests"

    @get("/{request_id:int}", name="policy_request", opt=READ)
    def view(self, request: Request, db: Db, request_id: FromPath[int]) -> Template:
        req = crud.get(db, PolicyRequest, request_id)
        overdue = req.overdue(today(request))
        badge = (
            (_("answered"), "ok")
            if req.policy_id
            else ((_("unanswered > 14 days"), "overdue") if overdue else (_("open"), "open"))
        )
        links = (
            [(_("Edit"), f"/policy-requests/{req.id}/edit")]
            if allows(request.scope["user"].role, Perm.customers_write)
            else []
        )
        if req.policy_id is None and links:
            links.append((_("Record the policy"), f"/policies/new?customer_id={req.customer_id}"))
        return render(
            RECORD,
            title=_("Policy request of %(day)s", day=day(req.requested_on)),
            badges=[badge],
            props=[
                _customer_prop(req.customer),
                (
                    _("Requested"),
                    _(
                        "%(day)s by %(who)s, by %(channel)s",
                        day=day(req.requested_on),
                        who=req.requested_by,
                        channel=word(req.channel),
                    ),
                    None,
                ),
                (_("Note"), req.note, None),
                (
                    _("Answered"),
                    _("%(day)s with policy %(number)s", day=day(req.answered_on), number=req.policy.policy_number)
                    if req.policy
                    else None,
                    f"/policies/{req.policy_id}" if req.policy_id else None,
                ),
            ],
            links=links,
            values={},
            errors={},
        )


class PermissionPages(Controller):
    path = "/written-permissions"

    @get("/{permission_id:int}", name="written_permission", opt=READ)
    def view(self, request: Request, db: Db, permission_id: FromPath[int]) -> Template:
        w = crud.get(db, WrittenPermission, permission_id)
        on = today(request)
        badges = w.badges(on)
        rule = _("Art. 13.1, rule A2") if w.kind is PermissionKind.third_party_access else _("Art. 13.4, rule A4")
        can_write = allows(request.scope["user"].role, Perm.customers_write)
        return render(
            RECORD,
            title=_("Written permission: %(kind)s", kind=word(w.kind)),
            badges=badges,
            props=[
                _customer_prop(w.customer),
                (_("Covers"), w.covers, None),
                *([(_("Registered person"), w.person.name, f"/people/{w.person_id}")] if w.person else []),
                (_("Rule"), rule, None),
                (_("Rooms"), ", ".join(f"{r.site.code}/{r.code}" for r in w.rooms), None),
                (_("Valid"), f"{day(w.valid_from)} – {day(w.valid_until)}", None),
                (
                    _("Granted by"),
                    _(
                        "%(who)s, by %(channel)s (Art. 31.5, rule R2)",
                        who=w.granted_by.display_name,
                        channel=word(w.channel),
                    ),
                    None,
                ),
                (_("Reference"), w.reference, None),
                (_("Note"), w.note, None),
                (
                    _("Revoked"),
                    _("%(moment)s by %(who)s", moment=moment(w.revoked_at, site_zone(request)), who=w.revoked_by)
                    if w.revoked_at
                    else None,
                    None,
                ),
            ],
            links=[(_("Edit"), f"/written-permissions/{w.id}/edit")] if can_write and not w.revoked else [],
            form={
                "title": _("Revoke"),
                "action": f"/written-permissions/{w.id}/revoke",
                "fields": [],
                "button": _("Revoke permission"),
                "css": "danger",
            }
            if can_write and not w.revoked
            else None,
            values={},
            errors={},
        )

    @post("/{permission_id:int}/revoke", name="written_permission_revoke", opt=WRITE)
    def revoke(self, request: Request, db: Db, permission_id: FromPath[int]) -> Redirect:
        written.revoke_permission(db, crud.get(db, WrittenPermission, permission_id), actor(request))
        return Redirect(f"/written-permissions/{permission_id}")


class CompliancePage(Controller):
    path = "/compliance"

    @get("/", name="compliance", opt=ACCOUNTS)
    def view(self, request: Request, db: Db, on: FromQuery[str] = "") -> Template:
        day = query_day(on)
        error = day_error() if on and day is None else None
        return render("customers/compliance.html", report=sweep(db, day or today(request)), on=on, on_error=error)


def customer_records(request: Request, db: Session, customer: Customer) -> dict[str, Any]:
    """Everything the customer page shows beneath the contracts, per what the viewer may read."""
    role = request.scope["user"].role
    on = today(request)
    ctx: dict[str, Any] = {
        "today": on,
        "lien_history": db.scalars(liens.lien_query(customer.id)).all(),
        "breaches": db.scalars(breaches.breach_query(customer.id)).all(),
        "policies": db.scalars(insurance.policy_query(customer.id)).all(),
        "policy_requests": db.scalars(
            insurance.request_query(customer.id).options(joinedload(PolicyRequest.policy))
        ).all(),
        "permissions": db.scalars(written.permission_query(customer.id)).all(),
    }
    if allows(role, Perm.accounts_read):
        ctx["invoices"] = db.scalars(billing.invoice_query(customer.id)).all()
        ctx["notices"] = db.scalars(billing.notice_query(customer.id)).all()
    return ctx
