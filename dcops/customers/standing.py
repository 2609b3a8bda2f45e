"""Gathers the facts a customer's standing rests on and asks the terms (S1–S6).

`fails(db, customer, today)` is the one answer the rest of dcops uses. `standings()` answers for
every customer at once in three queries, whatever the number of customers: the compliance sweep
relies on that.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from dcops.customers.models import Breach, Contract, Customer, CustomerKind, DefaultNotice, Invoice, Payment
from dcops.terms.standing import CustomerFacts, Notice, OpenBreach, Standing, UnpaidInvoice, standing

GOOD = Standing()


def outstanding_cents() -> Any:
    """What is still open of an invoice. Correlated, so each invoice reads its own payments by index."""
    paid = select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(Payment.invoice_id == Invoice.id)
    return Invoice.amount_cents - paid.scalar_subquery()


def unpaid_invoices(customer_id: int | None = None) -> Select[Any]:
    """Every invoice with something open, due or not: (invoice, contract number, kind, outstanding)."""
    outstanding = outstanding_cents()
    stmt = (
        select(
            Invoice.id,
            Invoice.customer_id,
            Invoice.due_date,
            Invoice.currency,
            Contract.number,
            Customer.kind,
            Customer.name,
            outstanding.label("outstanding"),
        )
        .join(Contract, Contract.id == Invoice.contract_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(outstanding > 0)
    )
    return stmt if customer_id is None else stmt.where(Invoice.customer_id == customer_id)


_OPEN_BREACHES = (
    select(
        Breach.id,
        Breach.customer_id,
        Breach.article,
        Breach.occurred_on,
        Breach.description,
        Breach.contract_id,
        Contract.number.label("contract"),
        Customer.kind,
        Customer.name,
    )
    .join(Customer, Customer.id == Breach.customer_id)
    .outerjoin(Contract, Contract.id == Breach.contract_id)
    .where(Breach.resolved_on.is_(None))
)
# Notices about invoices matter only for consumers (S3): a business is in default without one. Notices about
# breaches matter for everyone: once expired, a breach counts under all of the customer's contracts (S6).
_NOTICES = (
    select(
        DefaultNotice.customer_id,
        DefaultNotice.sent_on,
        DefaultNotice.term_days,
        DefaultNotice.invoice_id,
        DefaultNotice.breach_id,
    )
    .join(Customer, Customer.id == DefaultNotice.customer_id)
    .where((Customer.kind == CustomerKind.consumer) | DefaultNotice.breach_id.is_not(None))
)
_CID = bindparam("cid")
# Built once: the door asks for one customer's standing on every scan.
_QUERIES = {
    "all": (
        unpaid_invoices().where(Invoice.due_date < bindparam("today")),
        _OPEN_BREACHES,
        _NOTICES,
    ),
    "one": (
        unpaid_invoices().where(Invoice.due_date < bindparam("today"), Invoice.customer_id == _CID),
        _OPEN_BREACHES.where(Breach.customer_id == _CID),
        _NOTICES.where(DefaultNotice.customer_id == _CID),
    ),
}


def _facts(db: Session, customer_id: int | None, today: date) -> tuple[dict[int, CustomerFacts], dict[int, str]]:
    """The facts of every customer with something overdue or an open breach, and their names.

    Invoices not yet past their due date cannot put anyone in default (S2, S3), so they are not read:
    the sweep then handles the few customers with something overdue, not every customer with an invoice.
    """
    unpaid_stmt, breach_stmt, notice_stmt = _QUERIES["all" if customer_id is None else "one"]
    params = {"today": today, "cid": customer_id}
    kinds: dict[int, CustomerKind] = {}
    names: dict[int, str] = {}
    unpaid: dict[int, list[UnpaidInvoice]] = defaultdict(list)
    for row in db.execute(unpaid_stmt, params):
        kinds[row.customer_id], names[row.customer_id] = row.kind, row.name
        unpaid[row.customer_id].append(UnpaidInvoice(row.id, row.number, row.due_date, row.outstanding, row.currency))

    breaches: dict[int, list[OpenBreach]] = defaultdict(list)
    for row in db.execute(breach_stmt, params):
        kinds[row.customer_id], names[row.customer_id] = row.kind, row.name
        breaches[row.customer_id].append(
            OpenBreach(row.id, row.article, row.occurred_on, row.description, row.contract_id, row.contract)
        )

    notices: dict[int, list[Notice]] = defaultdict(list)
    for n in db.execute(notice_stmt, params):
        notices[n.customer_id].append(Notice(n.sent_on, n.term_days, n.invoice_id, n.breach_id))

    facts = {
        cid: CustomerFacts(
            consumer=kind is CustomerKind.consumer,
            unpaid=tuple(unpaid[cid]),
            notices=tuple(notices[cid]),
            breaches=tuple(breaches[cid]),
        )
        for cid, kind in kinds.items()
    }
    return facts, names


def standings(db: Session, today: date) -> dict[int, tuple[str, Standing]]:
    """Name and standing of every customer with anything unpaid or an open breach (others stand well)."""
    facts, names = _facts(db, None, today)
    return {cid: (names[cid], standing(f, today)) for cid, f in facts.items()}


def standing_of(db: Session, customer: Customer | int, today: date) -> Standing:
    customer_id = customer if isinstance(customer, int) else customer.id
    facts = _facts(db, customer_id, today)[0].get(customer_id)
    return GOOD if facts is None else standing(facts, today)


def fails(db: Session, customer: Customer, today: date) -> bool:
    """S6: the single answer to "does this customer fail to perform today (under any contract)?"."""
    return standing_of(db, customer, today).fails
