"""The charge of finished extra work: an invoice line (M1: the estimate the customer accepted; M2: the time spent at
the rate that applies), on an invoice of its own.

Why an invoice of its own and not a line added to another: an invoice in dcops is a document already sent, whose due
date runs from its date (S1) and which the standing, default and lien rules read as it is (S2, S3, K10). dcops has no
draft invoices, and adding a line to one already sent would change an amount the customer was told. So finishing a
work order issues invoice MW-<order number> (`WorkOrder.reference`), dated the day the work is done, under the
order's contract (else that of the hardware concerned, else the customer's active contract), due after that
contract's payment term like any other invoice, with the charge as its one line.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from dcops import crud
from dcops.customers import billing, breaches
from dcops.customers.models import InvoiceLine
from dcops.customers.schemas import InvoiceIn
from dcops.db import atomic
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _
from dcops.terms import Denied, Verdict
from dcops.terms.extra_work import Rate
from dcops.terms.extra_work import charge as charge_for
from dcops.work.models import WorkOrder


def charge(db: Session, order: WorkOrder, rate: Rate, actor: str, today: date) -> InvoiceLine:
    """One transaction: the invoice and its line, or nothing (a refusal names M1 or M2)."""
    accepted = order.estimate if order.acceptance is not None else None
    result = charge_for(order.kind, accepted, order.minutes_spent, rate)
    if isinstance(result, Verdict):
        raise Denied(result)
    candidates = [order.contract_id, *(h.contract_id for h in order.hardware)]
    contract_id = breaches.contract_for(db, order.customer_id, candidates)
    if contract_id is None:
        raise Conflict(_("%(customer)s has no contract to invoice the work under", customer=order.customer.name))
    what = _("Extra work #%(id)s: %(what)s", id=order.id, what=order.description)
    invoice_in = InvoiceIn(
        number=order.reference,
        contract_id=contract_id,
        issue_date=today,
        amount_cents=result.amount_cents,
        description=f"{what} ({result.reason.rule}, Art. {result.reason.article}: {result.reason.message})",
    )
    with atomic(db):
        try:
            invoice = billing.create_invoice(db, invoice_in, actor)
        except ValidationFailed as exc:
            raise Conflict(
                _("Invoice %(number)s exists already; the work is not charged twice", number=invoice_in.number)
            ) from exc
        values = {
            "invoice_id": invoice.id,
            "description": what,
            "minutes": result.minutes,
            "unit_price_cents": result.rate_cents,
            "amount_cents": result.amount_cents,
            "work_order_id": order.id,
        }
        line = crud.create(db, InvoiceLine, values, actor=actor)
        db.refresh(invoice, ["lines"])
        db.refresh(order, ["charge"])
    return line
