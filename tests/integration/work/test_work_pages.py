"""Extra-work pages: the list with its filters, pages and empty state; the request form that keeps what was typed;
a work order's page offering only the steps its state allows (M1 refused before the written acceptance, R2 per
field); the technicians' tablet list to start, log time and finish; the charge on the invoice page; the customer's
page and its agreed rate; in English and in Dutch."""

import re
from datetime import timedelta

from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.customers.models import ContactRole, Invoice
from dcops.work.models import WorkOrder, WorkStatus
from tests.factories import (
    ContactFactory,
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    RackFactory,
    WorkOrderFactory,
)
from tests.integration.moves.test_relocations import _mounted

TODAY = clock.today()
D = timedelta(days=1)


def _customer(db):
    customer = CustomerFactory(name="Hollandse Hosting B.V.")
    ContactFactory(customer=customer, name="Pieter Smit", roles=[ContactRole.technical])
    contract = ContractFactory(customer=customer)
    hw = _mounted(db, RackFactory(name="A06"), 12, contract=contract, name="hh-web-02")
    return customer, contract, hw


def _new(desk, customer, **kw):
    data = {
        "customer_id": customer.id,
        "kind": "on_request",
        "description": "Replace the failed disk in hh-web-02",
        "requested_by": "Pieter Smit",
        "requested_on": TODAY.strftime("%d/%m/%Y"),
        "requested_via": "phone",
        **kw,
    }
    return desk.form(f"/work/new?customer_id={customer.id}", data)


def _id(r) -> int:
    return int(r.url.path.rsplit("/", 1)[1])


def test_the_list_is_filtered_paged_and_says_when_it_is_empty(login, db):
    desk = login(Role.account_manager)
    r = desk.get("/work")
    assert r.status_code == 200 and "No extra work recorded yet." in r.text
    customer, contract, _ = _customer(db)
    for n in range(3):
        WorkOrderFactory(contract=contract, description=f"Reboot server {n}")
    WorkOrderFactory(description="Someone else's work", status=WorkStatus.declined, closed_reason="no")
    r = desk.get("/work?limit=2")
    assert r.status_code == 200 and "1–2 of 4" in r.text and "Next" in r.text
    r = desk.get(f"/work?customer_id={customer.id}")
    assert "Reboot server 0" in r.text and "Someone else" not in r.text
    r = desk.get("/work?status=declined")
    assert "Someone else" in r.text and "Reboot server" not in r.text
    assert "No work orders match these filters." in desk.get("/work?status=done").text
    assert desk.get("/work?status=nonsense&kind=x&customer_id=abc").status_code == 200


def test_the_request_form_keeps_what_was_typed_and_refuses_another_customer_s_hardware(login, db):
    desk = login(Role.account_manager)
    customer, _, hw = _customer(db)
    other = HardwareFactory(name="bc-node-01")
    r = desk.get(f"/work/new?customer_id={customer.id}")
    assert r.status_code == 200 and "hh-web-02" in r.text and "bc-node-01" not in r.text  # its own hardware only
    assert 'type="date"' not in r.text and "dd/mm/yyyy" in r.text
    r = _new(desk, customer, description="", requested_by="", hardware_ids=[hw.id])
    assert r.status_code == 422 and "This field is required" in r.text
    assert 'value="phone" selected' in r.text.replace("  ", " ") or "selected" in r.text
    r = desk.form(
        "/work/new",
        {
            "customer_id": customer.id,
            "kind": "on_request",
            "description": "Check cabling",
            "requested_by": "Pieter",
            "requested_via": "email",
            "hardware_ids": other.id,
        },
    )
    assert r.status_code == 422 and "bc-node-01 is not under a contract of this customer" in r.text
    assert "Check cabling" in r.text  # what was typed stays
    r = _new(desk, customer, kind="necessary", requested_by="")
    assert r.status_code == 422 and "rule M2" in r.text
    r = _new(desk, customer, hardware_ids=hw.id)
    assert r.status_code == 200 and "Request for extra work recorded" in r.text
    order = db.get(WorkOrder, _id(r))
    assert order.hardware == [hw] and order.requested_on == TODAY and order.created_by == desk.user.username


def test_a_work_order_s_page_offers_the_steps_of_its_state_from_request_to_charge(login, db):
    desk, tech = login(Role.account_manager), login(Role.technician)
    customer, _, _ = _customer(db)
    r = _new(desk, customer)
    page, url = r.text, r.url.path
    # requested: estimate, decline and withdraw; no acceptance without an estimate, no start before it (M1)
    assert 'id="estimate"' in page and 'id="decline"' in page and 'id="withdraw"' in page
    assert 'id="accept"' not in page and 'action="' + url + '/start"' not in page
    assert "Art. 15.2 (rule M1)" in page and "record the estimate" in page
    r = tech.form(f"{url}/start")
    assert r.status_code == 403 and "Art. 15.2 (rule M1)" in r.text and "No estimate yet" in r.text

    r = desk.form(f"{url}/estimate", {"hours": "an hour"})
    assert r.status_code == 422 and "Must be a number of hours like 1.5" in r.text and 'value="an hour"' in r.text
    r = desk.form(f"{url}/estimate", {"hours": "1,5", "note": "Disk from our stock"})
    assert r.status_code == 200 and "Estimate recorded" in r.text
    assert "1.5 hours at €95.00 an hour (usual rate): €142.50" in r.text
    assert 'id="accept"' in r.text and "The estimate as the customer receives it" in r.text
    written = r.text.split('id="messages"', 1)[1]  # the estimate written to the customer, listed on the order
    assert "extra work estimate" in written and "<th>Customer</th>" not in written  # the order names them
    assert "only after you have accepted this estimate in writing" in r.text

    r = desk.form(
        f"{url}/accept",
        {
            "accepted_by": "Pieter Smit",
            "accepted_on": TODAY.strftime("%d/%m/%Y"),
            "accepted_via": "email",
            "accepted_reference": "",
        },
    )
    assert r.status_code == 422 and "Art. 31.5 (rule R2)" in r.text and 'value="Pieter Smit"' in r.text
    r = desk.form(
        f"{url}/accept",
        {
            "accepted_by": "Pieter Smit",
            "accepted_on": TODAY.strftime("%d/%m/%Y"),
            "accepted_via": "email",
            "accepted_reference": "<ok-1@example.nl>",
        },
    )
    assert r.status_code == 200 and "Written acceptance recorded (R2)" in r.text
    assert "Pieter Smit on" in r.text and "&lt;ok-1@example.nl&gt;" in r.text and "may be carried out" in r.text

    # the desk sees no technician's buttons it may not press; the technician no desk forms
    r = tech.get(url)
    assert 'id="start"' in r.text and 'id="estimate"' not in r.text and 'id="decline"' not in r.text
    r = tech.form(f"{url}/start")
    assert r.status_code == 200 and "Work started" in r.text and 'id="time"' in r.text and 'id="finish"' in r.text
    r = tech.form(f"{url}/time", {"minutes": "", "started_at": "", "ended_at": ""})
    assert r.status_code == 422 and "Give the minutes spent, or from and until" in r.text
    day = (TODAY - D).strftime("%d/%m/%Y")
    r = tech.form(f"{url}/time", {"started_at": f"{day} 09:00", "ended_at": f"{day} 10:40", "note": "Rebuilt"})
    assert r.status_code == 200 and "Time logged" in r.text and "Rebuilt" in r.text and ">100<" in r.text
    r = tech.form(f"{url}/finish")
    assert r.status_code == 200 and "Work done and charged" in r.text
    assert "€142.50 — the estimate the customer accepted (M1)" in r.text
    invoice = db.scalars(select(Invoice).where(Invoice.customer_id == customer.id)).one()
    assert f"invoice {invoice.number}" in r.text
    assert f'href="/invoices/{invoice.id}"' not in r.text  # a technician reads no invoices
    r = desk.get(url)
    assert f'href="/invoices/{invoice.id}"' in r.text
    for form in ('id="estimate"', 'id="accept"', 'id="start"', 'id="time"', 'id="finish"', 'id="decline"'):
        assert form not in r.text  # done: nothing left to do
    r = desk.get(f"/invoices/{invoice.id}")
    assert r.status_code == 200 and f'href="{url}"' in r.text and "Extra work #" in r.text


def test_declining_from_the_page_says_why(login, db):
    desk = login(Role.account_manager)
    customer, _, _ = _customer(db)
    url = _new(desk, customer).url.path
    r = desk.form(f"{url}/decline", {"reason": ""})
    assert r.status_code == 422 and "This field is required" in r.text
    r = desk.form(f"{url}/decline", {"reason": "Software installation is not remote hands' work"})
    assert r.status_code == 200 and "Work declined" in r.text and "Software installation" in r.text
    assert 'id="estimate"' not in r.text and 'id="decline"' not in r.text


def test_the_tablet_lists_accepted_and_necessary_work_to_start_log_and_finish(login, db):
    tech = login(Role.technician)
    customer, contract, hw = _customer(db)
    waiting = WorkOrderFactory(contract=contract, description="Waiting for the customer")
    necessary = WorkOrderFactory(
        contract=contract, kind="necessary", necessity="Needed for the agreed power", description="Replace the fan"
    )
    necessary.hardware = [hw]
    db.flush()
    r = tech.get("/work/to-do")
    assert r.status_code == 200 and "Replace the fan" in r.text and "Waiting for the customer" not in r.text
    assert "hh-web-02" in r.text and "A06 U12" in r.text and "necessary (M2)" in r.text
    r = tech.form(f"/work/{necessary.id}/start", {"back": "/work/to-do"})
    assert r.status_code == 200 and r.url.path == "/work/to-do" and "Work started" in r.text
    assert f'id="minutes-{necessary.id}"' in r.text
    r = tech.form(f"/work/{necessary.id}/finish", {"back": "/work/to-do"})
    assert r.status_code == 403 and "log the time first" in r.text  # M2 is charged on the time spent
    r = tech.form(f"/work/{necessary.id}/time", {"minutes": "40", "note": "Fan swapped", "back": "/work/to-do"})
    assert r.status_code == 200 and r.url.path == "/work/to-do" and "Time spent: 0.67 hours" in r.text
    r = tech.form(f"/work/{necessary.id}/finish", {"back": "/work/to-do"})
    assert r.status_code == 200 and "Work done and charged" in r.text and "No work to do." in r.text
    assert db.get(WorkOrder, necessary.id).charge.amount_cents == 63_33  # 40 minutes at 95.00
    assert waiting.status is WorkStatus.requested
    assert login(Role.security).get("/work/to-do").text.count('<form method="post" action="/work/') == 0


def test_the_customer_page_links_its_extra_work_and_its_agreed_rate(login, db):
    desk = login(Role.account_manager)
    customer, contract, _ = _customer(db)
    WorkOrderFactory(contract=contract, description="Label the cross-connect")
    r = desk.get(f"/customers/{customer.id}")
    assert r.status_code == 200 and "Label the cross-connect" in r.text
    assert (
        f'href="/work/new?customer_id={customer.id}"' in r.text and "the usual rate applies, €95.00 an hour" in r.text
    )
    r = desk.form(f"/customers/{customer.id}/work-rate", {"rate_cents": "85 euro", "note": ""})
    assert r.status_code == 422 and 'value="85 euro"' in r.text
    r = desk.form(f"/customers/{customer.id}/work-rate", {"rate_cents": "85,00", "note": "Annex B"})
    assert (
        r.status_code == 200
        and "Hourly rate saved" in r.text
        and "the rate agreed with the customer applies: €85.00" in r.text
    )
    assert 'value="85.00"' in desk.get(f"/customers/{customer.id}/work-rate").text
    r = desk.form(f"/customers/{customer.id}/work-rate", {"rate_cents": "", "note": ""})
    assert "the usual rate applies" in r.text
    assert login(Role.technician).get(f"/customers/{customer.id}/work-rate").status_code == 403


def test_the_door_sees_no_extra_work_nor_the_agreed_rate(login, db):
    """Security reads customers to check visitors; orders, estimates, rates and charges are not theirs to read."""
    customer, contract, _ = _customer(db)
    order = WorkOrderFactory(contract=contract, description="Label the cross-connect")
    door = login(Role.security)
    r = door.get(f"/customers/{customer.id}")
    assert r.status_code == 200 and customer.name in r.text
    assert "Label the cross-connect" not in r.text and "an hour" not in r.text and 'href="/work' not in r.text
    assert 'href="/work"' not in door.get("/customers").text  # not in the menu either
    assert door.get("/work").status_code == 403 and door.get(f"/work/{order.id}").status_code == 403
    tech = login(Role.technician)
    assert 'href="/work"' in tech.get("/customers").text and tech.get(f"/work/{order.id}").status_code == 200


def test_extra_work_reads_in_dutch(login, db):
    desk = login(Role.account_manager)
    desk.headers["Accept-Language"] = "nl"
    customer, _, _ = _customer(db)
    r = _new(desk, customer, requested_on=TODAY.strftime("%d-%m-%Y"))
    assert r.status_code == 200 and "Verzoek om meerwerk vastgelegd" in r.text
    url = r.url.path
    assert "Kostenraming" in r.text and "Art. 15.2 (regel M1)" in r.text
    r = desk.form(f"{url}/estimate", {"hours": "1,5"})
    assert "1,5 uur tegen € 95,00 per uur (gebruikelijk tarief): € 142,50" in r.text.replace("\xa0", " ")
    assert "Kostenraming voor meerwerk MW-" in r.text
    r = desk.form(
        f"{url}/accept",
        {
            "accepted_by": "Pieter Smit",
            "accepted_on": TODAY.strftime("%d-%m-%Y"),
            "accepted_via": "email",
            "accepted_reference": "",
        },
    )
    assert r.status_code == 422 and "Art. 31.5 (regel R2)" in r.text
    assert re.search(r"<h1>Meerwerk MW-\d+ <span class=\"badge\">geraamd", desk.get(url).text)
