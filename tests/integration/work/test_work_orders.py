"""Work orders for extra work through the API: M1 (carried out only after the customer accepted the estimate in
writing, R2; a changed estimate voids the acceptance), M2 (necessary work without acceptance, with its reason,
charged on the time spent), declining and withdrawing, time logging, the charge as an invoice line, K7, the
customer's own hardware, bad input and who may do what. Every write is in the audit log."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from dcops import clock
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.customers.models import ContactRole, Invoice, InvoiceLine
from dcops.notices.models import OutboxMessage
from dcops.terms.standing import due_date
from tests.factories import ContactFactory, ContractFactory, CustomerFactory, HardwareFactory, RackFactory
from tests.integration.moves.test_relocations import _mounted

TODAY = clock.today()
D = timedelta(days=1)
PROBLEM = "application/problem+json"
ACCEPTANCE = {
    "accepted_by": "Pieter Smit",
    "accepted_on": TODAY.isoformat(),
    "accepted_via": "email",
    "accepted_reference": "<akkoord-12@hollandsehosting.example>",
}


@pytest.fixture
def w(api, db):
    customer = CustomerFactory(name="Hollandse Hosting B.V.")
    contract = ContractFactory(customer=customer, payment_term_days=30)
    rack = RackFactory(name="A06")
    hw = _mounted(db, rack, 10, contract=contract, name="hh-web-02")
    other = HardwareFactory(name="bc-node-01")  # another customer's
    return SimpleNamespace(
        am=api(Role.account_manager),
        tech=api(Role.technician),
        security=api(Role.security),
        customer=customer,
        contract=contract,
        hw=hw,
        other=other,
    )


def _order(w, **kw):
    body = {
        "customer_id": w.customer.id,
        "description": "Replace the failed disk in hh-web-02",
        "hardware_ids": [w.hw.id],
        "requested_by": "Pieter Smit",
        "requested_via": "phone",
        **kw,
    }
    r = w.am.post("/api/work-orders", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _post(client, order, step, body=None):
    return client.post(f"/api/work-orders/{order['id']}/{step}", json=body or {})


def _refused(r, *rules):
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM), r.text
    assert [x["rule"] for x in r.json()["reasons"]] == list(rules)
    return r.json()["reasons"]


def test_m1_no_carrying_out_before_the_customer_accepted_the_estimate_in_writing(w, db):
    order = _order(w)
    assert order["status"] == "requested" and order["reference"] == f"MW-{order['id']:06d}"
    assert order["hardware_ids"] == [w.hw.id] and order["requested_on"] == TODAY.isoformat()
    assert order["carry_out"]["allowed"] is False
    reasons = _refused(_post(w.tech, order, "start"), "M1")
    assert reasons[0]["article"] == "15.2" and "No estimate yet" in reasons[0]["message"]

    r = _post(w.am, order, "estimate", {"estimate_minutes": 90, "note": "Disk from our stock"})
    assert r.status_code == 200, r.text
    est = r.json()
    assert (est["status"], est["rate_cents"], est["rate_source"], est["estimate_cents"]) == (
        "estimated",
        95_00,
        "usual",
        142_50,
    )
    reasons = _refused(_post(w.tech, order, "start"), "M1")
    assert "has not accepted the estimate of €142.50 in writing" in reasons[0]["message"]

    # R2: who, when, by what channel and the reference, each named when missing
    r = _post(w.am, order, "accept", {"accepted_by": "Pieter Smit", "accepted_on": TODAY.isoformat()})
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert set(r.json()["errors"]) == {"accepted_via", "accepted_reference"}
    assert "rule R2" in r.json()["errors"]["accepted_via"]
    r = _post(w.am, order, "accept", {**ACCEPTANCE, "accepted_on": (TODAY - 3 * D).isoformat()})
    assert r.status_code == 422 and "rule M1" in r.json()["errors"]["accepted_on"]  # before the estimate was made

    r = _post(w.am, order, "accept", ACCEPTANCE)
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["accepted_cents"] == 142_50
    assert r.json()["carry_out"]["allowed"] is True and r.json()["carry_out"]["reasons"][0]["rule"] == "M1"
    r = _post(w.tech, order, "start")
    assert (
        r.status_code == 200 and r.json()["status"] == "in_progress" and r.json()["started_by"] == w.tech.user.username
    )
    assert _post(w.tech, order, "start").status_code == 409  # started once


def test_m1_an_estimate_changed_after_its_acceptance_voids_the_acceptance(w, db):
    order = _order(w)
    _post(w.am, order, "estimate", {"estimate_minutes": 90})
    _post(w.am, order, "accept", ACCEPTANCE)
    # the same estimate again keeps the acceptance
    r = _post(w.am, order, "estimate", {"estimate_minutes": 90, "note": "Same, with a note"})
    assert r.json()["status"] == "accepted" and r.json()["accepted_by"] == "Pieter Smit"
    r = _post(w.am, order, "estimate", {"estimate_minutes": 120})
    changed = r.json()
    assert changed["status"] == "estimated" and changed["estimate_cents"] == 190_00
    assert [changed[k] for k in ("accepted_by", "accepted_on", "accepted_via", "accepted_reference")] == [None] * 4
    reasons = _refused(_post(w.tech, order, "start"), "M1")
    assert "has not accepted the estimate of €190.00" in reasons[0]["message"]
    voided = db.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "work order", AuditEvent.action == "void acceptance")
    ).one()
    assert voided.data["before"]["accepted_cents"] == 142_50 and voided.data["rule"] == "M1"
    assert _post(w.am, order, "accept", ACCEPTANCE).json()["accepted_cents"] == 190_00
    assert _post(w.tech, order, "start").status_code == 200
    # once carried out the estimate stands: it is what the customer accepted
    assert _post(w.am, order, "estimate", {"estimate_minutes": 30}).status_code == 409


def test_m2_necessary_work_starts_without_acceptance_with_its_reason(w):
    body = {"kind": "necessary", "requested_by": None, "requested_via": None}
    r = w.am.post("/api/work-orders", json={"customer_id": w.customer.id, "description": "Replace a fan", **body})
    assert r.status_code == 422 and "rule M2" in r.json()["errors"]["necessity"]
    order = _order(w, necessity="The failing fan trips the A06 feed the contract provides", **body)
    assert order["carry_out"]["allowed"] is True
    assert (
        order["carry_out"]["reasons"][0]["rule"] == "M2"
        and "trips the A06 feed" in order["carry_out"]["reasons"][0]["message"]
    )
    assert _post(w.am, order, "accept", ACCEPTANCE).status_code == 409  # needs none
    r = _post(w.tech, order, "start")
    assert r.status_code == 200 and r.json()["status"] == "in_progress" and r.json()["accepted_by"] is None


def test_m1_needs_who_asked_and_how(w):
    r = w.am.post("/api/work-orders", json={"customer_id": w.customer.id, "description": "Reboot hh-web-02"})
    assert r.status_code == 422 and set(r.json()["errors"]) == {"requested_by", "requested_via"}
    assert "rule M1" in r.json()["errors"]["requested_by"]


def test_the_supplier_declines_and_the_customer_withdraws_before_it_is_carried_out(w):
    declined = _order(w)
    assert _post(w.am, declined, "decline", {"reason": ""}).status_code in (400, 422)
    r = _post(w.am, declined, "decline", {"reason": "Software installation is not done by our remote hands"})
    assert r.status_code == 200 and r.json()["status"] == "declined" and r.json()["closed_by"] == w.am.user.username
    assert _post(w.tech, declined, "start").status_code == 409
    assert _post(w.am, declined, "estimate", {"estimate_minutes": 30}).status_code == 409

    withdrawn = _order(w)
    _post(w.am, withdrawn, "estimate", {"estimate_minutes": 30})
    r = _post(w.am, withdrawn, "withdraw", {"reason": "The customer found the estimate too high"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert _post(w.am, withdrawn, "accept", ACCEPTANCE).status_code == 409

    started = _order(w, kind="necessary", necessity="Needed for the agreed power feed")
    _post(w.tech, started, "start")
    assert _post(w.am, started, "decline", {"reason": "Too late to call it off"}).status_code == 409


def test_technicians_log_their_time_as_minutes_or_from_and_until(w):
    order = _order(w, kind="necessary", necessity="Needed for the agreed cooling")
    assert _post(w.tech, order, "time", {"minutes": 30}).status_code == 409  # not started
    _post(w.tech, order, "start")
    r = _post(w.tech, order, "time", {"minutes": 30, "note": "Fan replaced"})
    assert r.status_code == 201 and r.json()["minutes"] == 30 and r.json()["technician"] == w.tech.user.username
    # a time without a zone is the site's time; from 09:00 to 10:15 is 75 minutes
    day = (TODAY - D).isoformat()
    r = _post(w.tech, order, "time", {"started_at": f"{day}T09:00:00", "ended_at": f"{day}T10:15:00"})
    assert r.status_code == 201 and r.json()["minutes"] == 75
    assert datetime.fromisoformat(r.json()["started_at"]) == clock.aware(datetime.fromisoformat(f"{day}T09:00:00"))
    assert _post(w.tech, order, "time", {"started_at": f"{day}T09:00:00"}).json()["errors"] == {
        "ended_at": "Give both from and until, or only the minutes"
    }
    assert (
        "ended_at"
        in _post(w.tech, order, "time", {"started_at": f"{day}T10:00:00", "ended_at": f"{day}T09:00:00"}).json()[
            "errors"
        ]
    )
    r = _post(w.tech, order, "time", {"minutes": 10, "started_at": f"{day}T09:00:00", "ended_at": f"{day}T10:00:00"})
    assert r.status_code == 422 and "60 minutes" in r.json()["errors"]["minutes"]
    assert _post(w.tech, order, "time", {}).status_code == 422
    assert _post(w.tech, order, "time", {"minutes": 0}).status_code in (400, 422)
    detail = w.tech.get(f"/api/work-orders/{order['id']}").json()
    assert detail["minutes_spent"] == 105 and [t["minutes"] for t in detail["times"]] == [30, 75]


def test_m1_done_is_charged_as_an_invoice_line_of_the_accepted_estimate_at_the_agreed_rate(w, db):
    r = w.am.patch(f"/api/work-rates/{w.customer.id}", json={"rate_cents": 85_00, "note": "Annex B"})
    assert r.status_code == 200 and (r.json()["applies_cents"], r.json()["source"]) == (85_00, "agreed")
    order = _order(w)
    est = _post(w.am, order, "estimate", {"estimate_minutes": 90}).json()
    assert (est["rate_cents"], est["rate_source"], est["estimate_cents"]) == (85_00, "agreed", 127_50)
    _post(w.am, order, "accept", ACCEPTANCE)
    assert _post(w.tech, order, "finish").status_code == 409  # not started
    _post(w.tech, order, "start")
    _post(w.tech, order, "time", {"minutes": 200})  # more than estimated: the customer accepted 127.50
    r = _post(w.tech, order, "finish")
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "done" and done["finished_by"] == w.tech.user.username
    charge = done["charge"]
    assert (charge["minutes"], charge["unit_price_cents"], charge["amount_cents"]) == (90, 85_00, 127_50)
    assert charge["invoice_number"] == order["reference"]
    invoice = db.get(Invoice, charge["invoice_id"])
    assert (invoice.customer_id, invoice.contract_id, invoice.amount_cents) == (w.customer.id, w.contract.id, 127_50)
    assert invoice.issue_date == TODAY and invoice.due_date == due_date(TODAY, 30)  # S1: the contract's 30 days
    assert [(li.work_order_id, li.amount_cents) for li in invoice.lines] == [(order["id"], 127_50)]
    assert _post(w.tech, order, "finish").status_code == 409  # charged once
    # the invoice that charges the work stays as it is
    assert w.am.delete(f"/api/invoices/{invoice.id}").status_code == 409
    r = w.am.patch(f"/api/invoices/{invoice.id}", json={"amount_cents": 100_00})
    assert r.status_code == 422 and "amount_cents" in r.json()["errors"]
    # a charge not yet due does not put the customer in default (S2)
    assert w.am.get(f"/api/customers/{w.customer.id}/standing").json()["fails"] is False


def test_m2_is_charged_on_the_time_spent_at_the_usual_rate_and_not_without_time(w, db):
    order = _order(w, kind="necessary", necessity="Needed for the agreed power feed")
    _post(w.tech, order, "start")
    _refused(_post(w.tech, order, "finish"), "M2")
    _post(w.tech, order, "time", {"minutes": 30})
    _post(w.tech, order, "time", {"minutes": 20})
    r = _post(w.tech, order, "finish")
    assert r.status_code == 200, r.text
    charge = r.json()["charge"]
    assert (charge["minutes"], charge["unit_price_cents"], charge["amount_cents"]) == (50, 95_00, 79_17)
    line = db.scalars(select(InvoiceLine).where(InvoiceLine.work_order_id == order["id"])).one()
    assert line.invoice.amount_cents == 79_17 and "M2" in line.invoice.description


def test_hardware_and_contract_must_be_the_customer_s_own(w):
    r = w.am.post(
        "/api/work-orders",
        json={
            "customer_id": w.customer.id,
            "description": "Check the cabling",
            "hardware_ids": [w.hw.id, w.other.id],
            "requested_by": "Pieter",
            "requested_via": "email",
        },
    )
    assert r.status_code == 422 and r.json()["errors"] == {
        "hardware_ids": "bc-node-01 is not under a contract of this customer"
    }
    r = w.am.post(
        "/api/work-orders",
        json={
            "customer_id": w.customer.id,
            "description": "Check the cabling",
            "contract_id": w.other.contract_id,
            "requested_by": "Pieter",
            "requested_via": "email",
        },
    )
    assert r.status_code == 422 and r.json()["errors"] == {"contract_id": "Not a contract of this customer"}
    lone = CustomerFactory()
    r = w.am.post(
        "/api/work-orders",
        json={"customer_id": lone.id, "description": "Check it", "requested_by": "X", "requested_via": "email"},
    )
    assert r.status_code == 422 and "has no contract" in r.json()["errors"]["customer_id"]


def test_k7_work_for_a_relocation_is_refused(w, db):
    from dcops.moves.models import Relocation, RelocationKind

    relocation = Relocation(
        customer_id=w.customer.id, kind=RelocationKind.colocation_move, reason="Room A rebuilt", created_by="t"
    )
    db.add(relocation)
    db.flush()
    body = {
        "customer_id": w.customer.id,
        "description": "Move hh-web-02 to A07 with the relocation",
        "requested_by": "Pieter",
        "requested_via": "email",
    }
    reasons = _refused(w.am.post("/api/work-orders", json={**body, "relocation_id": relocation.id}), "K7")
    assert reasons[0]["article"] == "12.5" and reasons[0]["message"].startswith(f"Relocation #{relocation.id}")
    r = w.am.post("/api/work-orders", json={**body, "relocation_id": 999999})
    assert r.status_code == 422 and "relocation_id" in r.json()["errors"]
    assert w.am.get("/api/work-orders").json()["total"] == 0


def test_bad_input_is_a_4xx_problem(w):
    for body in (
        {},
        {"customer_id": w.customer.id},
        {"customer_id": w.customer.id, "description": "ok", "kind": "maybe"},
        {"customer_id": 999999, "description": "Reboot it", "requested_by": "X", "requested_via": "email"},
        {"customer_id": w.customer.id, "description": "Reboot it", "requested_on": "2026-13-01"},
        {"customer_id": w.customer.id, "description": "Reboot it", "requested_by": "X", "requested_via": "fax"},
    ):
        r = w.am.post("/api/work-orders", json=body)
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith(PROBLEM), (body, r.text)
    future = {"requested_on": (TODAY + D).isoformat()}
    r = w.am.post(
        "/api/work-orders",
        json={
            "customer_id": w.customer.id,
            "description": "Later",
            "requested_by": "X",
            "requested_via": "email",
            **future,
        },
    )
    assert r.status_code == 422 and "requested_on" in r.json()["errors"]
    order = _order(w)
    for minutes in (0, -5, 10**9, "two"):
        r = _post(w.am, order, "estimate", {"estimate_minutes": minutes})
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith(PROBLEM)
    assert w.am.get("/api/work-orders/999999").status_code == 404
    assert _post(w.am, {"id": 999999}, "estimate", {"estimate_minutes": 5}).status_code == 404
    assert w.am.patch(f"/api/work-rates/{w.customer.id}", json={"rate_cents": 0}).status_code in (400, 422)
    assert w.am.get("/api/work-orders?status=nonsense").status_code == 400


def test_who_may_do_what(w):
    body = {"customer_id": w.customer.id, "description": "Reboot it", "requested_by": "X", "requested_via": "email"}
    assert w.tech.post("/api/work-orders", json=body).status_code == 403
    order = _order(w)
    assert _post(w.tech, order, "estimate", {"estimate_minutes": 30}).status_code == 403
    _post(w.am, order, "estimate", {"estimate_minutes": 30})
    assert _post(w.tech, order, "accept", ACCEPTANCE).status_code == 403
    assert _post(w.tech, order, "decline", {"reason": "Not our job"}).status_code == 403
    _post(w.am, order, "accept", ACCEPTANCE)
    assert _post(w.security, order, "start").status_code == 403
    # Orders, estimates, rates and charges are commercial: the door's staff see none of it (work:read).
    assert w.security.get(f"/api/work-orders/{order['id']}").status_code == 403
    assert w.security.get(f"/api/work-rates/{w.customer.id}").status_code == 403
    assert w.tech.get(f"/api/work-orders/{order['id']}").status_code == 200
    assert w.tech.patch(f"/api/work-rates/{w.customer.id}", json={"rate_cents": 1}).status_code == 403
    assert _post(w.tech, order, "start").status_code == 200


def test_the_list_filters_and_the_work_to_do(w):
    waiting = _order(w)
    accepted = _order(w, description="Label the cables of hh-web-02")
    _post(w.am, accepted, "estimate", {"estimate_minutes": 30})
    _post(w.am, accepted, "accept", ACCEPTANCE)
    necessary = _order(w, kind="necessary", necessity="Needed for the agreed power feed", description="Fan")
    declined = _order(w, description="Install an OS")
    _post(w.am, declined, "decline", {"reason": "Not our remote hands' work"})
    ids = lambda r: [o["id"] for o in r.json()["items"]]  # noqa: E731
    assert ids(w.tech.get("/api/work-orders?to_do=true")) == [accepted["id"], necessary["id"]]
    assert ids(w.tech.get("/api/work-orders?status=declined")) == [declined["id"]]
    assert ids(w.tech.get("/api/work-orders?kind=necessary")) == [necessary["id"]]
    assert w.tech.get(f"/api/work-orders?customer_id={w.customer.id}&limit=2").json()["total"] == 4
    assert waiting["id"] in ids(w.tech.get("/api/work-orders?status=requested"))


def test_every_write_is_in_the_audit_log(w, db):
    w.am.patch(f"/api/work-rates/{w.customer.id}", json={"rate_cents": 85_00})
    order = _order(w)
    for step, body, client in (
        ("estimate", {"estimate_minutes": 60}, w.am),
        ("accept", ACCEPTANCE, w.am),
        ("start", None, w.tech),
        ("time", {"minutes": 45}, w.tech),
        ("finish", None, w.tech),
    ):
        assert _post(client, order, step, body).status_code in (200, 201)
    events = db.execute(select(AuditEvent.object_type, AuditEvent.action, AuditEvent.actor)).all()
    wanted = {
        ("customer rate", "create", w.am.user.username),
        ("work order", "create", w.am.user.username),
        ("work order", "update", w.am.user.username),
        ("time entry", "create", w.tech.user.username),
        ("invoice", "create", w.tech.user.username),
        ("invoice line", "create", w.tech.user.username),
        ("work order", "update", w.tech.user.username),
    }
    assert wanted <= set(events)
    statuses = [
        e.data["after"]["status"]
        for e in db.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "work order", AuditEvent.object_id == str(order["id"]))
            .order_by(AuditEvent.seq)
        )
        if "status" in e.data.get("after", {})
    ]
    assert statuses == ["requested", "estimated", "accepted", "in_progress", "done"]


def test_m1_the_estimate_is_written_to_the_customer_s_technical_contacts_in_its_language(w, login, db):
    """M1: the customer is told the estimate in writing and asked to accept it; a changed estimate is sent again, the
    same one re-entered is not; necessary work (M2) asks no acceptance, so no estimate goes out for it."""
    w.customer.language = "en"
    ContactFactory(customer=w.customer, name="Pieter Smit", email="pieter@hh.example", roles=[ContactRole.technical])
    ContactFactory(customer=w.customer, name="Accounts", email="accounts@hh.example", roles=[ContactRole.billing])
    db.flush()

    def sent(order):  # type: ignore[no-untyped-def]
        return db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.related_type == "work order", OutboxMessage.related_id == order["id"])
            .order_by(OutboxMessage.id)
        ).all()

    order = _order(w)
    assert sent(order) == []  # asked, not yet estimated
    _post(w.am, order, "estimate", {"estimate_minutes": 90})
    (first,) = sent(order)
    assert (first.kind.value, first.rule, first.language) == ("extra_work_estimate", "M1", "en")
    assert first.addresses == ["pieter@hh.example"] and first.body.startswith("Dear Pieter Smit,")
    assert order["reference"] in first.subject and "only after you have accepted this estimate in writing" in first.body
    assert f'href="/outbox/{first.id}"' in login(Role.account_manager).get(f"/work/{order['id']}").text
    assert _post(w.am, order, "accept", ACCEPTANCE).status_code == 200
    _post(w.am, order, "estimate", {"estimate_minutes": 90})  # the same estimate: the acceptance stands, no message
    assert len(sent(order)) == 1
    _post(w.am, order, "estimate", {"estimate_minutes": 120})  # changed: sent again, to be accepted again
    assert len(sent(order)) == 2 and "2 hours" in sent(order)[-1].body

    necessary = _order(w, kind="necessary", requested_by=None, requested_via=None, necessity="Disk failing")
    _post(w.am, necessary, "estimate", {"estimate_minutes": 30})
    assert sent(necessary) == []
