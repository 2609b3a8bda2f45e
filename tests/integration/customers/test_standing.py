"""Invoices, payments, notices and breaches through the API and pages, and the standing they add up to."""

from datetime import timedelta

from dcops import clock
from dcops.auth.models import Role
from dcops.customers.models import CustomerKind
from tests.factories import BreachFactory, ContractFactory, CustomerFactory, InvoiceFactory, NoticeFactory

TODAY = clock.today()
DAY = timedelta(days=1)


def test_invoice_due_date_follows_the_contract_and_payments_count(api):
    """S1: the due date is the issue date plus the contract's payment term; partial payments count."""
    c = api(Role.account_manager)
    k = ContractFactory(payment_term_days=30)
    r = c.post(
        "/api/invoices",
        json={"number": "F-1", "contract_id": k.id, "issue_date": "2026-03-01", "amount_cents": 121000},
    )
    assert r.status_code == 201, r.text
    inv = r.json()
    assert inv["due_date"] == "2026-03-31" and inv["customer_id"] == k.customer_id and inv["currency"] == "EUR"
    r = c.post(f"/api/invoices/{inv['id']}/payments", json={"paid_on": "2026-03-10", "amount_cents": 21000})
    assert r.status_code == 201 and r.json()["outstanding_cents"] == 100000 and r.json()["paid_cents"] == 21000
    r = c.post(f"/api/invoices/{inv['id']}/payments", json={"paid_on": "2026-03-11", "amount_cents": 100001})
    assert r.status_code == 422 and "€1,000.00 is still open" in r.json()["errors"]["amount_cents"]
    r = c.post(f"/api/invoices/{inv['id']}/payments", json={"paid_on": "2026-02-01", "amount_cents": 1})
    assert r.status_code == 422 and "paid_on" in r.json()["errors"]
    assert c.delete(f"/api/invoices/{inv['id']}").status_code == 409  # payments are recorded
    pid = c.get(f"/api/invoices/{inv['id']}").json()["payments"][0]["id"]
    assert c.delete(f"/api/invoices/{inv['id']}/payments/{pid}").json()["outstanding_cents"] == 121000
    assert c.get("/api/invoices", params={"customer_id": k.customer_id, "unpaid": "true"}).json()["total"] == 1


def test_standing_of_a_business_in_default_names_the_rule_and_since_when(api):
    inv = InvoiceFactory(issue_date=TODAY - 20 * DAY)  # due 6 days ago
    r = api(Role.security).get(f"/api/customers/{inv.customer_id}/standing")
    assert r.status_code == 200
    body = r.json()
    assert body["fails"] and body["in_default"] and body["since"] == (TODAY - 5 * DAY).isoformat()
    assert body["reasons"][0]["rule"] == "S2" and body["reasons"][0]["article"] == "23.3"
    # Technicians and security see the standing, not the invoices behind it.
    assert "F-" not in r.text and "121" not in r.text
    assert api(Role.technician).get("/api/invoices").status_code == 403
    assert api(Role.security).get(f"/api/invoices/{inv.id}").status_code == 403


def test_a_consumer_needs_a_notice_and_its_term_to_pass(api):
    """S3: the notice reaches the consumer the day after it was sent; its 14 days run from then."""
    consumer = CustomerFactory(kind=CustomerKind.consumer, kvk_number=None)
    inv = InvoiceFactory(contract=ContractFactory(customer=consumer), issue_date=TODAY - 40 * DAY)
    c = api(Role.account_manager)
    body = c.get(f"/api/customers/{consumer.id}/standing").json()
    assert not body["fails"] and body["reasons"][0]["rule"] == "S3"
    r = c.post(
        "/api/notices",
        json={
            "customer_id": consumer.id,
            "invoice_id": inv.id,
            "sent_on": (TODAY - 15 * DAY).isoformat(),
            "channel": "letter",
        },
    )
    assert r.status_code == 201 and r.json()["term_ends"] == TODAY.isoformat()
    assert not c.get(f"/api/customers/{consumer.id}/standing").json()["fails"]  # the term ends today
    c.patch(f"/api/notices/{r.json()['id']}", json={"sent_on": (TODAY - 16 * DAY).isoformat()})
    body = c.get(f"/api/customers/{consumer.id}/standing").json()
    assert body["fails"] and body["in_default"] and body["since"] == TODAY.isoformat()


def test_a_notice_that_would_not_count_is_refused_naming_s3(api):
    consumer = CustomerFactory(kind=CustomerKind.consumer, kvk_number=None)
    inv = InvoiceFactory(contract=ContractFactory(customer=consumer), issue_date=TODAY - 40 * DAY)
    c = api(Role.account_manager)
    base = {"customer_id": consumer.id, "invoice_id": inv.id, "channel": "letter"}
    on_due = c.post("/api/notices", json={**base, "sent_on": inv.due_date.isoformat()})
    assert on_due.status_code == 422 and "rule S3" in on_due.json()["errors"]["sent_on"]
    before_issue = c.post("/api/notices", json={**base, "sent_on": (inv.issue_date - DAY).isoformat()})
    assert before_issue.status_code == 422 and "after the due date" in before_issue.json()["errors"]["sent_on"]
    short = c.post("/api/notices", json={**base, "sent_on": (inv.due_date + DAY).isoformat(), "term_days": 13})
    assert short.status_code == 422 and "at least 14 days" in short.json()["errors"]["term_days"]
    day_after = c.post("/api/notices", json={**base, "sent_on": (inv.due_date + DAY).isoformat()})
    assert day_after.status_code == 201
    paid = InvoiceFactory(contract=inv.contract, issue_date=TODAY - 40 * DAY)
    c.post(f"/api/invoices/{paid.id}/payments", json={"paid_on": TODAY.isoformat(), "amount_cents": paid.amount_cents})
    r = c.post("/api/notices", json={**base, "invoice_id": paid.id, "sent_on": TODAY.isoformat()})
    assert r.status_code == 422 and "is paid" in r.json()["errors"]["invoice_id"]


def test_a_notice_concerns_exactly_one_invoice_or_breach_of_that_customer(api):
    c = api(Role.account_manager)
    inv = InvoiceFactory()
    other = CustomerFactory()
    base = {"sent_on": TODAY.isoformat(), "channel": "email"}
    r = c.post("/api/notices", json={**base, "customer_id": other.id, "invoice_id": inv.id})
    assert r.status_code == 422 and "Not an invoice of this customer" in r.json()["errors"]["invoice_id"]
    r = c.post("/api/notices", json={**base, "customer_id": inv.customer_id})
    assert r.status_code == 422 and "invoice_id" in r.json()["errors"]


def test_breach_makes_a_business_fail_until_resolved(api, db):
    """S4: a breach is recorded with article, date and description and stays open until resolved; S6 while open."""
    c = api(Role.account_manager)
    cust = CustomerFactory()
    r = c.post(
        "/api/breaches",
        json={
            "customer_id": cust.id,
            "article": "12.6",
            "occurred_on": (TODAY - 3 * DAY).isoformat(),
            "description": "PSU fire damaged the neighbour's switch",
        },
    )
    assert r.status_code == 201 and r.json()["recorded_by"] == c.user.username
    bid = r.json()["id"]
    body = c.get(f"/api/customers/{cust.id}/standing").json()
    assert body["fails"] and not body["in_default"] and body["reasons"][0]["rule"] == "S6"
    r = c.post(f"/api/breaches/{bid}/resolve", json={"resolved_on": (TODAY - 4 * DAY).isoformat(), "resolution": "x"})
    assert r.status_code == 422 and "resolved_on" in r.json()["errors"]
    r = c.post(f"/api/breaches/{bid}/resolve", json={"resolved_on": TODAY.isoformat(), "resolution": "switch replaced"})
    assert r.status_code == 200 and r.json()["resolved_by"] == c.user.username
    assert not c.get(f"/api/customers/{cust.id}/standing").json()["fails"]
    assert (
        c.post(f"/api/breaches/{bid}/resolve", json={"resolved_on": TODAY.isoformat(), "resolution": "y"}).status_code
        == 409
    )
    assert api(Role.technician).post("/api/breaches", json={}).status_code == 403


def test_customer_page_shows_standing_and_invoices_only_to_account_managers(login):
    inv = InvoiceFactory(issue_date=TODAY - 30 * DAY, number="F-PAGE-1")
    am = login(Role.account_manager).get(f"/customers/{inv.customer_id}")
    assert "Fails to perform since" in am.text and "rule S2" in am.text and "F-PAGE-1" in am.text
    tech = login(Role.technician).get(f"/customers/{inv.customer_id}")
    assert "Fails to perform since" in tech.text and "F-PAGE-1" not in tech.text
    assert login(Role.technician).get(f"/invoices/{inv.id}").status_code == 403
    good = login(Role.security).get(f"/customers/{CustomerFactory().id}")
    assert "In good standing" in good.text


def test_forms_for_invoice_payment_notice_and_breach(login, db):
    c = login(Role.account_manager)
    consumer = CustomerFactory(kind=CustomerKind.consumer, kvk_number=None)
    k = ContractFactory(customer=consumer)
    r = c.form(
        "/invoices/new",
        {
            "number": "F-FORM-1",
            "contract_id": k.id,
            "issue_date": "2026-01-01",
            "amount_cents": "1.210",
            "currency": "EUR",
        },
    )
    # "1.210" is neither an English amount ("1,210" or "1210.50") nor one with at most two decimals: refused
    assert r.status_code == 422 and "Must be an amount like 1,210.50" in r.text and 'value="1.210"' in r.text
    r = c.form(
        "/invoices/new",
        {
            "number": "F-FORM-1",
            "contract_id": k.id,
            "issue_date": "2026-01-01",
            "amount_cents": "1210,5",
            "currency": "EUR",
        },
    )
    assert r.status_code == 200 and "€1,210.50" in r.text and "15/01/2026" in r.text
    invoice_path = r.url.path
    r = c.form(f"{invoice_path}/payments", {"paid_on": "2026-01-10", "amount_cents": "2000"})
    assert r.status_code == 422 and "is still open" in r.text  # more than open; form keeps the value
    r = c.form(f"{invoice_path}/payments", {"paid_on": "2026-01-10", "amount_cents": "210,50"})
    assert "€1,000.00" in r.text
    iid = int(invoice_path.rsplit("/", 1)[1])
    r = c.form(
        "/notices/new",
        {"customer_id": consumer.id, "invoice_id": iid, "sent_on": "2026-01-15", "channel": "letter", "term_days": 14},
    )
    assert r.status_code == 422 and "rule S3" in r.text and 'value="15/01/2026"' in r.text  # on the due date
    r = c.form(
        "/notices/new",
        {"customer_id": consumer.id, "invoice_id": iid, "sent_on": "2026-02-01", "channel": "letter", "term_days": 14},
    )
    assert r.status_code == 200 and "Fails to perform since 17/02/2026" in r.text
    r = c.form(
        "/breaches/new",
        {"customer_id": consumer.id, "article": "13.4", "occurred_on": "2026-02-01", "description": ""},
    )
    assert r.status_code == 422 and "This field is required" in r.text


def test_standing_is_shown_in_the_customer_list(login):
    failing = BreachFactory().customer
    NoticeFactory()
    r = login(Role.technician).get("/customers", params={"q": failing.name})
    assert "badge fails" in r.text
