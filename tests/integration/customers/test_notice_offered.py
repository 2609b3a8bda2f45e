"""An invoice's page offers "Send notice of default" only where a notice can be about it (S3, Art. 23.6,
`terms.standing.notice_can_concern_invoice`): something unpaid, after its due date. A paid invoice offers none; one
not yet due says from which day a notice counts. In English and in Dutch."""

from datetime import timedelta

import pytest

from dcops import clock
from dcops.auth.models import Role
from dcops.terms.standing import notice_can_concern_invoice
from tests.factories import InvoiceFactory, PaymentFactory

TODAY = clock.today()
D = timedelta(days=1)


def _invoice(state: str):  # type: ignore[no-untyped-def]
    if state == "not yet due":
        return InvoiceFactory(issue_date=TODAY - 3 * D, due_date=TODAY)  # due today: may still be paid in time
    invoice = InvoiceFactory(issue_date=TODAY - 40 * D, due_date=TODAY - 26 * D)
    if state == "paid":
        PaymentFactory(invoice=invoice, paid_on=TODAY - 30 * D)
    elif state == "partly paid, overdue":
        PaymentFactory(invoice=invoice, amount_cents=100_00, paid_on=TODAY - 30 * D)
    return invoice


@pytest.mark.parametrize(
    ("state", "offered"),
    [("paid", False), ("not yet due", False), ("overdue", True), ("partly paid, overdue", True)],
)
def test_the_notice_is_offered_only_for_an_invoice_due_and_unpaid(login, db, state, offered):
    invoice = _invoice(state)
    db.refresh(invoice, ["payments"])
    assert notice_can_concern_invoice(invoice.outstanding_cents, invoice.due_date, TODAY) is offered
    page = login(Role.account_manager).get(f"/invoices/{invoice.id}").text
    link = f"/notices/new?customer_id={invoice.customer_id}&amp;invoice_id={invoice.id}"
    assert (link in page) is offered and ("Send notice of default" in page) is offered
    assert f"/invoices/{invoice.id}/edit" in page  # the other link stays
    if state == "not yet due":
        assert "counts only when sent after its due date: from" in page
        assert f"{TODAY + D:%d/%m/%Y}" in page
    else:
        assert "counts only when sent after its due date" not in page


def test_in_dutch_a_paid_invoice_offers_no_notice_and_an_overdue_one_does(login):
    desk = login(Role.account_manager)
    desk.headers["Accept-Language"] = "nl"
    paid, overdue, early = _invoice("paid"), _invoice("overdue"), _invoice("not yet due")
    assert "Ingebrekestelling versturen" not in desk.get(f"/invoices/{paid.id}").text
    assert "Ingebrekestelling versturen" in desk.get(f"/invoices/{overdue.id}").text
    page = desk.get(f"/invoices/{early.id}").text
    assert "Ingebrekestelling versturen" not in page
    assert f"telt pas als ze na de vervaldatum is verstuurd: vanaf {TODAY + D:%d-%m-%Y}" in page
