"""The customer area in Dutch: the pages, their dates and money in the Dutch way, and refusals in Dutch."""

from datetime import date

from dcops.auth.models import Role
from dcops.customers.models import CustomerKind
from tests.factories import BreachFactory, ContractFactory, CustomerFactory, InvoiceFactory, NoticeFactory


def dutch(client):  # type: ignore[no-untyped-def]
    client.headers["Accept-Language"] = "nl"
    return client


def text(r) -> str:  # type: ignore[no-untyped-def]
    """The page with Babel's no-break spaces ("€\xa01.210,00") read as plain ones."""
    return r.text.replace("\xa0", " ")


def test_the_customer_page_in_dutch(login):
    invoice = InvoiceFactory(issue_date=date(2026, 3, 1), amount_cents=1210_50)
    customer = invoice.customer
    breach = BreachFactory(customer=customer, occurred_on=date(2026, 3, 2))
    NoticeFactory(invoice=None, customer=customer, breach=breach)
    c = dutch(login(Role.account_manager))
    r = c.get(f"/customers/{customer.id}")
    page = text(r)
    assert r.status_code == 200 and '<html lang="nl">' in page
    for words in ("Overeenkomsten", "Betalingstermijn", "Facturen", "Openstaand", "Ingebrekestellingen",
                  "Tekortkomingen", "Retentierechten", "Verzekering", "Schriftelijke toestemmingen",
                  "Nieuwe factuur", "Tekortkoming vastleggen", "14 dagen"):  # fmt: skip
        assert words in page, words
    assert "€ 1.210,50" in page and "01-03-2026" in page and "02-03-2026" in page
    assert "Invoices" not in page and "Breaches" not in page and "EUR" not in page
    assert f'tekortkoming <a href="/breaches/{breach.id}">art. 13.4</a>' in page  # a notice's breach, mid-sentence


def test_the_invoice_and_its_lists_in_dutch(login):
    invoice = InvoiceFactory(issue_date=date(2026, 3, 1), amount_cents=1210_50)
    c = dutch(login(Role.account_manager))
    r = c.get("/invoices")
    page = text(r)
    assert r.status_code == 200 and "Alleen onbetaald" in page and "Vervaldatum" in page and "€ 1.210,50" in page
    assert "achterstallig" in page  # due on 15-03-2026, long past
    r = c.get(f"/invoices/{invoice.id}")
    page = text(r)
    assert f"Factuur {invoice.number}" in page and "Factuurdatum" in page and "Betaling vastleggen" in page
    assert "15-03-2026 (betalingstermijn 14 dagen, art. 23.2, regel S1)" in page
    # the amount to pay is offered the Dutch way, and a Dutch amount with a thousands separator is read as such
    assert 'value="1210,50"' in page
    r = c.form(f"/invoices/{invoice.id}/payments", {"paid_on": "2026-03-10", "amount_cents": "1.000,50"})
    assert r.status_code == 200 and "Betaling vastgelegd" in r.text and "€ 210,00" in text(r)
    assert c.get("/customers").status_code == 200 and "Nakoming" in c.get("/customers").text
    r = c.get("/contracts")
    assert "Overeenkomsten" in r.text and "Nieuwe overeenkomst" in r.text and "nummer of klant" in r.text
    r = c.get(f"/contracts/{invoice.contract_id}")
    assert f"Overeenkomst {invoice.contract.number}" in r.text and "de hardware is van de klant" in r.text


def test_compliance_in_dutch(login):
    InvoiceFactory(issue_date=date(2026, 3, 1))
    r = dutch(login(Role.account_manager)).get("/compliance", params={"on": "2026-04-01"})
    page = text(r)
    assert (
        r.status_code == 200 and "Naleving op 01-04-2026" in page and 'value="01-04-2026"' in page
    )  # typed back the Dutch way
    assert "Klanten die tekortschieten (art. 13.7, 12.9)" in page and "schiet tekort sinds 16-03-2026" in page


def test_refusals_come_back_in_dutch(login, api):
    invoice = InvoiceFactory(issue_date=date(2026, 3, 1), amount_cents=1210_50)
    c = dutch(login(Role.account_manager))
    r = c.form(f"/invoices/{invoice.id}/payments", {"paid_on": "2026-03-10", "amount_cents": "2.000,00"})
    page = text(r)
    assert r.status_code == 422 and "Er staat nog maar € 1.210,50 open" in page and 'value="2.000,00"' in page
    assert "Corrigeer de gemarkeerde velden hieronder." in page
    r = c.form("/notices/new", {"customer_id": invoice.customer_id, "sent_on": "2026-04-01", "channel": "letter"})
    assert r.status_code == 422 and "Kies de ene factuur of tekortkoming waarover de ingebrekestelling gaat" in r.text
    consumer = CustomerFactory(kind=CustomerKind.consumer, kvk_number=None)
    r = c.form("/customers/new", {"name": "Bedrijf Zonder KvK", "kind": "business", "country": "NL", "kvk_number": ""})
    assert r.status_code == 422 and "Een Nederlands bedrijf heeft een KvK-nummer nodig (8 cijfers)" in r.text
    ContractFactory(customer=consumer)  # with a contract, a breach names the one it occurred under (S5)
    r = dutch(api(Role.account_manager)).post(
        "/api/breaches",
        json={"customer_id": consumer.id, "article": "13.4", "occurred_on": "2026-03-01", "description": "x"},
    )
    assert r.status_code == 422, r.text
    assert (
        r.json()["errors"]["contract_id"] == "Kies de overeenkomst waaronder de tekortkoming zich voordeed (regel S5)"
    )
