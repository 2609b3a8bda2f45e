"""Invoices, payments and notices of default: the records payment default is computed from (S1–S3)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops import audit, clock, crud
from dcops.customers import liens
from dcops.customers.models import Breach, Contract, Customer, CustomerKind, DefaultNotice, Invoice, Payment
from dcops.customers.schemas import InvoiceIn, NoticeIn, PaymentIn
from dcops.customers.standing import outstanding_cents
from dcops.db import atomic
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _, day, money
from dcops.notices import messages
from dcops.search import contains_text
from dcops.terms.standing import due_date, notice_problems
from dcops.validation import as_dict


def _invoice_values(db: Session, data: InvoiceIn, invoice: Invoice | None = None) -> dict[str, Any]:
    contract = db.get(Contract, data.contract_id)
    if contract is None:
        raise ValidationFailed({"contract_id": _("No contract with id %(id)s", id=data.contract_id)})
    values = as_dict(data)
    values["customer_id"] = contract.customer_id
    # S1: the due date follows from the contract's payment term when issued; a later change of the
    # contract's term does not move the due date of invoices already sent.
    if invoice is None or (invoice.issue_date, invoice.contract_id) != (data.issue_date, data.contract_id):
        values["due_date"] = due_date(data.issue_date, contract.payment_term_days)
    return values


def create_invoice(db: Session, data: InvoiceIn, actor: str) -> Invoice:
    return crud.create(db, Invoice, _invoice_values(db, data), actor=actor, unique=(("number",),))


def update_invoice(db: Session, invoice: Invoice, data: InvoiceIn, actor: str, today: date | None = None) -> Invoice:
    values = _invoice_values(db, data, invoice)
    if values["amount_cents"] < invoice.paid_cents:
        raise ValidationFailed(
            {
                "amount_cents": _(
                    "Payments of %(amount)s are already recorded", amount=money(invoice.paid_cents, invoice.currency)
                )
            }
        )
    if invoice.payments and values["customer_id"] != invoice.customer_id:
        raise ValidationFailed({"contract_id": _("Payments are recorded; the invoice cannot move to another customer")})
    if invoice.lines and values["amount_cents"] != sum(line.amount_cents for line in invoice.lines):
        raise ValidationFailed(
            {"amount_cents": _("The amount is the sum of the invoice's lines (a charge dcops made)")}
        )
    with atomic(db):
        updated = crud.update(db, invoice, values, actor=actor, unique=(("number",),))
        liens.end_if_paid(db, updated.customer_id, today or clock.today())
    return updated


def delete_invoice(db: Session, invoice: Invoice, actor: str, today: date | None = None) -> None:
    if invoice.payments:
        raise Conflict(_("Payments are recorded on invoice %(number)s; it cannot be deleted", number=invoice.number))
    if any(line.work_order_id for line in invoice.lines):
        raise Conflict(
            _("Invoice %(number)s charges extra work that was done; it cannot be deleted", number=invoice.number)
        )
    if db.scalar(select(func.count()).where(DefaultNotice.invoice_id == invoice.id)):
        raise Conflict(
            _("A notice of default refers to invoice %(number)s; it cannot be deleted", number=invoice.number)
        )
    with atomic(db):
        customer_id = invoice.customer_id
        crud.delete(db, invoice, actor=actor)
        liens.end_if_paid(db, customer_id, today or clock.today())


def add_payment(db: Session, invoice: Invoice, data: PaymentIn, actor: str, today: date | None = None) -> Payment:
    """Partial payments count (S2/S3 look at what is still open); paying more than is open is refused.
    The payment that leaves nothing due unpaid ends a lien in the same transaction (K10)."""
    with atomic(db):
        # Lock the invoice so two payments booked at once cannot both fit the same open amount.
        db.execute(select(Invoice.id).where(Invoice.id == invoice.id).with_for_update())
        db.refresh(invoice, ["payments"])
        if data.paid_on < invoice.issue_date:
            raise ValidationFailed({"paid_on": _("The invoice is dated %(day)s", day=day(invoice.issue_date))})
        if data.amount_cents > invoice.outstanding_cents:
            raise ValidationFailed(
                {
                    "amount_cents": _(
                        "Only %(amount)s is still open", amount=money(invoice.outstanding_cents, invoice.currency)
                    )
                }
            )
        payment = Payment(invoice_id=invoice.id, recorded_by=actor, **as_dict(data))
        db.add(payment)
        db.flush()
        audit.record(
            db,
            actor=actor,
            action="payment",
            object_type="invoice",
            object_id=invoice.id,
            after=crud.state(payment),
        )
        db.refresh(invoice, ["payments"])
        liens.end_if_paid(db, invoice.customer_id, today or clock.today())
    return payment


def delete_payment(db: Session, payment: Payment, actor: str) -> None:
    with atomic(db):
        before = crud.state(payment)
        invoice_id = payment.invoice_id
        db.delete(payment)
        db.flush()
        audit.record(
            db, actor=actor, action="payment_deleted", object_type="invoice", object_id=invoice_id, before=before
        )


def _notice_values(db: Session, data: NoticeIn, actor: str | None, today: date) -> dict[str, Any]:
    """S3: a notice counts only when sent after the due date (or the breach), with a consumer's term of at least
    14 days; one that would not count is refused here, so the record never suggests a default that is none."""
    if (data.invoice_id is None) == (data.breach_id is None):
        raise ValidationFailed({"invoice_id": _("Choose the one invoice or breach the notice is about")})
    customer = db.get(Customer, data.customer_id)
    if customer is None:
        raise ValidationFailed({"customer_id": _("No customer with id %(id)s", id=data.customer_id)})
    due = occurred = None
    if data.invoice_id is not None:
        invoice = db.get(Invoice, data.invoice_id)
        if invoice is None or invoice.customer_id != data.customer_id:
            raise ValidationFailed({"invoice_id": _("Not an invoice of this customer")})
        if invoice.outstanding_cents <= 0:
            raise ValidationFailed(
                {"invoice_id": _("Invoice %(number)s is paid: there is nothing to demand", number=invoice.number)}
            )
        due = invoice.due_date
    if data.breach_id is not None:
        breach = db.get(Breach, data.breach_id)
        if breach is None or breach.customer_id != data.customer_id:
            raise ValidationFailed({"breach_id": _("Not a breach of this customer")})
        occurred = breach.occurred_on
    consumer = customer.kind is CustomerKind.consumer
    if errors := notice_problems(consumer, data.sent_on, data.term_days, today, due=due, occurred=occurred):
        raise ValidationFailed(errors)
    values = as_dict(data)
    if actor is not None:
        values["recorded_by"] = actor
    return values


def create_notice(db: Session, data: NoticeIn, actor: str, today: date | None = None) -> DefaultNotice:
    """Recorded, and when sent by e-mail today, e-mailed to the customer's billing contacts (dcops.notices)."""
    today = today or clock.today()
    values = _notice_values(db, data, actor, today)
    with atomic(db):
        notice = crud.create(db, DefaultNotice, values, actor=actor, refs={"customer_id": Customer})
        messages.notice_of_default(db, notice, actor, today)
    return notice


def update_notice(
    db: Session, notice: DefaultNotice, data: NoticeIn, actor: str, today: date | None = None
) -> DefaultNotice:
    values = _notice_values(db, data, None, today or clock.today())
    return crud.update(db, notice, values, actor=actor, refs={"customer_id": Customer})


def delete_notice(db: Session, notice: DefaultNotice, actor: str) -> None:
    crud.delete(db, notice, actor=actor)


def invoice_query(customer_id: int | None = None, q: str = "", unpaid: bool = False) -> Select[Any]:
    stmt = (
        select(Invoice)
        .join(Invoice.customer)
        .options(selectinload(Invoice.payments), joinedload(Invoice.customer), joinedload(Invoice.contract))
        .order_by(Invoice.issue_date.desc(), Invoice.number.desc())
    )
    if customer_id is not None:
        stmt = stmt.where(Invoice.customer_id == customer_id)
    if q:
        stmt = stmt.where(contains_text(q, Invoice.number, Customer.name))
    if unpaid:
        stmt = stmt.where(outstanding_cents() > 0)
    return stmt


def notice_query(customer_id: int | None = None) -> Select[Any]:
    stmt = select(DefaultNotice).order_by(DefaultNotice.sent_on.desc())
    return stmt if customer_id is None else stmt.where(DefaultNotice.customer_id == customer_id)
