"""Account managers acting at the same moment on PostgreSQL: two payments cannot both fit one open amount,
two liens on one customer cannot both stand. Committed data, removed again afterwards."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from dcops.audit import AuditEvent
from dcops.customers import billing, breaches, liens, service
from dcops.customers.models import Breach, Contract, Customer, Invoice, Lien, Payment
from dcops.customers.schemas import BreachIn, ContractIn, CustomerIn, InvoiceIn, LienIn, PaymentIn
from dcops.db import make_sessionmaker
from dcops.errors import Conflict, ValidationFailed
from tests.races import race

pytestmark = pytest.mark.postgres_only
DAY = date(2026, 3, 1)


@pytest.fixture
def committed(engine):
    maker = make_sessionmaker(engine)
    with maker() as s:
        first_event = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
        customer = service.create_customer(s, CustomerIn(name="Race B.V.", kind="business", kvk_number="99990000"), "t")
        contract = service.create_contract(
            s, ContractIn(number="RACE-K", customer_id=customer.id, service="colocation", start_date=DAY), "t"
        )
        invoice = billing.create_invoice(
            s, InvoiceIn(number="RACE-F", contract_id=contract.id, issue_date=DAY, amount_cents=100_00), "t"
        )
        breaches.create_breach(
            s,
            BreachIn(
                customer_id=customer.id, contract_id=contract.id, article="12.6", occurred_on=DAY, description="race"
            ),
            "t",
        )
        s.commit()
        ids = SimpleNamespace(maker=maker, customer=customer.id, contract=contract.id, invoice=invoice.id)
    yield ids
    with maker() as s:
        s.execute(delete(Payment).where(Payment.invoice_id == ids.invoice))
        s.execute(delete(Invoice).where(Invoice.id == ids.invoice))
        s.execute(delete(Lien).where(Lien.customer_id == ids.customer))
        s.execute(delete(Breach).where(Breach.customer_id == ids.customer))
        s.execute(delete(Contract).where(Contract.id == ids.contract))
        s.execute(delete(Customer).where(Customer.id == ids.customer))
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= first_event))
        s.commit()


def test_two_payments_cannot_both_fit_the_same_open_amount(committed):
    sa, sb = committed.maker(), committed.maker()
    b_invoice = sb.get(Invoice, committed.invoice)  # B read 100.00 open before A booked anything
    pay = PaymentIn(paid_on=DAY, amount_cents=60_00)
    result = race(
        lambda: billing.add_payment(sa, sa.get(Invoice, committed.invoice), pay, "al"),
        lambda: billing.add_payment(sb, b_invoice, pay, "bo"),
        sa.commit,
        sb,
    )
    assert isinstance(result, ValidationFailed) and "€40.00 is still open" in result.errors["amount_cents"]
    sa.close(), sb.close()
    with committed.maker() as s:
        assert s.scalar(select(func.sum(Payment.amount_cents)).where(Payment.invoice_id == committed.invoice)) == 60_00


def test_two_liens_on_one_customer_cannot_both_stand(committed):
    sa, sb = committed.maker(), committed.maker()
    today = date(2026, 3, 20)  # the invoice fell due on 15 March: an amount due, so a lien may be placed (K10)
    result = race(
        lambda: liens.place_lien(sa, LienIn(customer_id=committed.customer), "al", today),
        lambda: liens.place_lien(sb, LienIn(customer_id=committed.customer), "bo", today),
        sa.commit,
        sb,
    )
    assert isinstance(result, Conflict) and "already stands" in str(result)
    sa.close(), sb.close()
    with committed.maker() as s:
        assert s.scalar(select(func.count()).where(Lien.customer_id == committed.customer)) == 1
