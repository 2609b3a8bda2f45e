"""Each notice dcops records today writes its message in the same transaction, in the customer's language (whatever
the staff member reads), to the contacts of its role, naming the rule it serves: the notice of default (S3), the
request to move (K5), the request for the policy (K9, also the one dcops makes itself), a visit approved with each
pass attached, a visit refused with the reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dcops import clock
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.customers.models import ContactRole
from dcops.notices.models import MessageStatus, OutboxMessage
from dcops.racks.models import RackKind
from tests.factories import (
    ContactFactory,
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    InvoiceFactory,
    PersonFactory,
    RackFactory,
    RoomFactory,
)
from tests.integration.moves.test_relocations import _mounted

TODAY = clock.today()
DAY = timedelta(days=1)


def customer_in(language, **kw):  # type: ignore[no-untyped-def]
    """A customer with one contact per role, each its own address: who receives a message shows its role."""
    customer = CustomerFactory(language=language, **kw)
    for role in ContactRole:
        ContactFactory(customer=customer, name=f"{role.value} desk", email=f"{role.value}{customer.id}@c.example",
                       roles=[role])  # fmt: skip
    return customer


def messages(db, customer):  # type: ignore[no-untyped-def]
    return list(
        db.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer.id).order_by(OutboxMessage.id))
    )


def only(db, customer):  # type: ignore[no-untyped-def]
    [message] = messages(db, customer)
    return message


def reader(api, language):  # type: ignore[no-untyped-def]
    """An account manager whose screens are in `language`: the message follows the customer, not them."""
    client = api(Role.account_manager)
    client.headers["Accept-Language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "staff", "subject", "says"),
    [
        ("nl", "en", "Ingebrekestelling: factuur", ["Geachte", "1.210,00", "(regel S3)", "Met vriendelijke groet"]),
        ("en", "nl", "Notice of default: invoice", ["Dear", "€1,210.00", "(rule S3)", "Kind regards"]),
    ],
)
def test_s3_a_notice_of_default_by_e_mail_today_goes_to_the_billing_contacts(api, db, language, staff, subject, says):
    """S3: the amount still open and the term with the day it ends, in the customer's language."""
    customer = customer_in(language, kind="consumer", kvk_number=None)
    invoice = InvoiceFactory(contract=ContractFactory(customer=customer))
    body = {"customer_id": customer.id, "invoice_id": invoice.id, "sent_on": TODAY.isoformat(), "channel": "email"}
    r = reader(api, staff).post("/api/notices", json=body)
    assert r.status_code == 201, r.text
    m = only(db, customer)
    assert (m.kind.value, m.rule, m.language, m.status) == ("notice_of_default", "S3", language, MessageStatus.waiting)
    assert m.addresses == [f"billing{customer.id}@c.example"]
    assert m.subject == f"{subject} {invoice.number}"
    assert all(word in m.body for word in says), m.body
    assert clock.today().strftime("%Y") in m.body and (m.related_type, m.related_id) == (
        "default notice",
        r.json()["id"],
    )


def test_s3_a_notice_about_a_breach_names_the_article_and_what_happened(api, db):
    customer = customer_in("en", kind="consumer", kvk_number=None)
    breach = api(Role.account_manager).post(
        "/api/breaches",
        json={"customer_id": customer.id, "article": "13.4", "occurred_on": (TODAY - 3 * DAY).isoformat(),
              "description": "Cage partition removed without written permission"},
    ).json()  # fmt: skip
    r = api(Role.account_manager).post(
        "/api/notices",
        json={"customer_id": customer.id, "breach_id": breach["id"], "sent_on": TODAY.isoformat(), "channel": "email"},
    )
    assert r.status_code == 201, r.text
    m = only(db, customer)
    assert m.subject == "Notice of default: breach of Art. 13.4" and "Cage partition removed" in m.body
    assert "to remedy it" in m.body


def test_a_notice_by_letter_or_recorded_for_an_earlier_day_is_not_sent_again(api, db):
    customer = customer_in("nl", kind="consumer", kvk_number=None)
    invoice = InvoiceFactory(contract=ContractFactory(customer=customer))
    am = api(Role.account_manager)
    base = {"customer_id": customer.id, "invoice_id": invoice.id}
    assert am.post("/api/notices", json={**base, "sent_on": TODAY.isoformat(), "channel": "letter"}).status_code == 201
    earlier = (TODAY - 2 * DAY).isoformat()
    assert am.post("/api/notices", json={**base, "sent_on": earlier, "channel": "email"}).status_code == 201
    assert messages(db, customer) == []


def test_a_refused_notice_writes_no_message(api, db):
    customer = customer_in("nl", kind="consumer", kvk_number=None)
    invoice = InvoiceFactory(contract=ContractFactory(customer=customer))
    body = {"customer_id": customer.id, "invoice_id": invoice.id, "sent_on": TODAY.isoformat(), "channel": "email"}
    r = api(Role.account_manager).post("/api/notices", json={**body, "term_days": 7})  # a consumer gets at least 14
    assert r.status_code == 422 and messages(db, customer) == []


@pytest.mark.parametrize(
    ("language", "subject", "says"),
    [
        ("nl", "Verzoek om uw verzekeringspolis", ["Geachte", "art. 12.8", "(regel K9)", "binnen 14 dagen"]),
        ("en", "Request for your insurance policy", ["Dear", "Art. 12.8", "(rule K9)", "within 14 days"]),
    ],
)
def test_k9_a_policy_request_by_e_mail_today_is_written_to_the_billing_contacts(api, db, language, subject, says):
    customer = customer_in(language)
    r = api(Role.account_manager).post(
        "/api/policy-requests",
        json={"customer_id": customer.id, "requested_on": TODAY.isoformat(), "channel": "email", "note": "Rack A06"},
    )
    assert r.status_code == 201, r.text
    m = only(db, customer)
    assert (m.kind.value, m.rule, m.subject) == ("policy_request", "K9", subject)
    assert m.addresses == [f"billing{customer.id}@c.example"] and "Rack A06" in m.body
    assert all(word in m.body for word in says), m.body


def test_k9_the_request_dcops_makes_when_it_refuses_an_installation_is_written_too(api, db):
    """K9: the refusal is undone, its follow-up (the request for the policy) is kept, and so is its message."""
    customer = customer_in("en", insured=False)
    hw = HardwareFactory(contract=ContractFactory(customer=customer))
    r = api(Role.technician).post(f"/api/hardware/{hw.id}/mount", json={"rack_id": RackFactory().id, "position": 1})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K9"
    m = only(db, customer)
    assert (m.kind.value, m.created_by) == ("policy_request", "dcops") and "to be installed" in m.body


@pytest.mark.parametrize(
    ("language", "subject", "says"),
    [
        ("nl", "Verzoek uw hardware uiterlijk", ["Geachte", "art. 12.4", "(regel K5)", "uiterlijk op"]),
        ("en", "Request to move your hardware by", ["Dear", "Art. 12.4", "(rule K5)", "at the latest on"]),
    ],
)
def test_k5_a_request_to_move_names_the_hardware_and_the_deadline(api, db, language, subject, says):
    customer = customer_in(language)
    contract = ContractFactory(customer=customer, customer_maintains_hardware=True)
    room = RoomFactory()
    a, b = RackFactory(room=room, name="RA"), RackFactory(room=room, name="RB")
    hw = _mounted(db, a, 10, contract=contract, name="srv-k5")
    am = reader(api, "en" if language == "nl" else "nl")
    item = {"hardware_id": hw.id, "target_rack_id": b.id, "target_position": 20}
    body = {"customer_id": customer.id, "kind": "colocation_move", "reason": "Room A is rebuilt", "items": [item]}
    order = am.post("/api/relocations", json={**body, "customer_executes": True}).json()
    r = am.post(f"/api/relocations/{order['id']}/request", json={"requested_on": TODAY.isoformat()})
    assert r.status_code == 200, r.text
    m = only(db, customer)
    deadline = clock.today() + 14 * DAY
    assert (m.kind.value, m.rule, m.related_type) == ("move_request", "K5", "relocation")
    assert m.addresses == [f"technical{customer.id}@c.example"] and m.subject.startswith(subject)
    assert "srv-k5" in m.body and f"/{a.name} U10" in m.body and f"/{b.name} U20" in m.body
    written = deadline.strftime("%d-%m-%Y" if language == "nl" else "%d/%m/%Y")  # in the customer's way too
    assert written in m.subject and all(word in m.body for word in says), m.body
    # asked again for the same day: no second message
    am.post(f"/api/relocations/{order['id']}/request", json={"requested_on": TODAY.isoformat()})
    assert len(messages(db, customer)) == 1


def _visit_world(customer):  # type: ignore[no-untyped-def]
    ContractFactory(customer=customer)
    room = RoomFactory()
    RackFactory(room=room, kind=RackKind.private, customer=customer)
    return room


def _visit(api, customer, room, people):  # type: ignore[no-untyped-def]
    tomorrow = (TODAY + DAY).isoformat()
    body = {  # times without a zone: the site's
        "customer_id": customer.id,
        "purpose": "Replace a disk",
        "starts_at": f"{tomorrow}T09:00:00",
        "ends_at": f"{tomorrow}T12:00:00",
        "room_ids": [room.id],
        "person_ids": [p.id for p in people],
    }
    r = api(Role.account_manager).post("/api/visits", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize(
    ("language", "subject", "says"),
    [
        ("nl", "Bezoek goedgekeurd: ", ["Uw bezoek is goedgekeurd.", "Doel: Replace a disk", "09:00 – 12:00"]),
        ("en", "Visit approved: ", ["Your visit has been approved.", "Purpose: Replace a disk", "09:00 – 12:00"]),
    ],
)
def test_a_visit_approved_is_written_to_the_access_contacts_with_each_pass(api, db, language, subject, says):
    customer = customer_in(language)
    room = _visit_world(customer)
    people = [PersonFactory(customer=customer, name="Pieter Smit"), PersonFactory(customer=customer, name="Jan Jansen")]
    visit = _visit(api, customer, room, people)
    r = api(Role.account_manager).post(f"/api/visits/{visit['id']}/approve", json={})
    assert r.status_code == 200, r.text
    m = only(db, customer)
    assert (m.kind.value, m.rule, m.related_id) == ("visit_approved", "A1", visit["id"])
    assert m.addresses == [f"access{customer.id}@c.example"] and m.subject.startswith(subject)
    assert all(word in m.body for word in says), m.body
    passes = r.json()["passes"]
    assert [a.content_type for a in m.attachments] == ["image/png", "image/png"]
    assert all(a.content.startswith(b"\x89PNG") for a in m.attachments)
    assert all(f"http://127.0.0.1:8000/passes/{p['id']}" in m.body for p in passes)  # DCOPS_BASE_URL's default


@pytest.mark.parametrize(
    ("language", "subject", "says"),
    [
        ("nl", "Bezoek niet goedgekeurd: ", ["De reden: Not competent yet", "(regel A1)", "Volgens de algemene"]),
        ("en", "Visit not approved: ", ["The reason: Not competent yet", "(rule A1)", "Under the general terms"]),
    ],
)
def test_a_visit_refused_is_written_with_the_reasons_and_their_rules(api, db, language, subject, says):
    customer = customer_in(language)
    room = _visit_world(customer)
    novice = PersonFactory(customer=customer, name="Lisa de Boer", competence_confirmed_on=None)
    visit = _visit(api, customer, room, [novice])
    r = api(Role.account_manager).post(f"/api/visits/{visit['id']}/deny", json={"note": "Not competent yet"})
    assert r.status_code == 200, r.text
    m = only(db, customer)
    assert (m.kind.value, m.rule) == ("visit_refused", "A1") and m.subject.startswith(subject)
    assert m.addresses == [f"access{customer.id}@c.example"] and m.attachments == []
    assert all(word in m.body for word in says), m.body


def _approved(api, customer, person):  # type: ignore[no-untyped-def]
    """A visit of one person, approved (its message written): the visit and its pass."""
    visit = _visit(api, customer, _visit_world(customer), [person])
    r = api(Role.account_manager).post(f"/api/visits/{visit['id']}/approve", json={})
    assert r.status_code == 200, r.text
    [visit_pass] = r.json()["passes"]
    return visit, visit_pass


@pytest.mark.parametrize(
    ("language", "subject", "says"),
    [
        ("nl", "Bezoek geannuleerd: ", ["Dit bezoek is geannuleerd:", "Doel: Replace a disk", "(regel A1)"]),
        ("en", "Visit cancelled: ", ["This visit has been cancelled:", "Purpose: Replace a disk", "(rule A1)"]),
    ],
)
def test_a_visit_cancelled_after_its_approval_says_its_passes_no_longer_open_the_door(api, db, language, subject, says):
    customer = customer_in(language)
    visit, _ = _approved(api, customer, PersonFactory(customer=customer))
    assert api(Role.account_manager).post(f"/api/visits/{visit['id']}/cancel").status_code == 200
    _, cancelled = messages(db, customer)
    assert (cancelled.kind.value, cancelled.rule, cancelled.related_id) == ("visit_cancelled", "A1", visit["id"])
    assert cancelled.addresses == [f"access{customer.id}@c.example"] and cancelled.subject.startswith(subject)
    assert all(word in cancelled.body for word in says), cancelled.body


def test_a_request_cancelled_before_approval_says_so_without_passes(api, db):
    customer = customer_in("en")
    visit = _visit(api, customer, _visit_world(customer), [PersonFactory(customer=customer)])
    assert api(Role.account_manager).post(f"/api/visits/{visit['id']}/cancel").status_code == 200
    m = only(db, customer)
    assert m.kind.value == "visit_cancelled" and "Your request for this visit has been cancelled" in m.body
    assert "no longer open the door" not in m.body


@pytest.mark.parametrize(
    ("language", "subject", "says"),
    [
        ("nl", "Nieuwe bezoekerspas voor Pieter Smit", ["Pieter Smit heeft een nieuwe bezoekerspas", "(regel A1)"]),
        ("en", "New visit pass for Pieter Smit", ["Pieter Smit has a new visit pass", "(rule A1)"]),
    ],
)
def test_a_reprinted_pass_is_sent_as_the_one_sent_before_stops_working(api, db, language, subject, says):
    customer = customer_in(language)
    visit, old = _approved(api, customer, PersonFactory(customer=customer, name="Pieter Smit"))
    r = api(Role.account_manager).post(f"/api/passes/{old['id']}/reprint")
    assert r.status_code in (200, 201), r.text
    new = r.json()
    _, m = messages(db, customer)
    assert (m.kind.value, m.rule, m.related_id) == ("pass_reissued", "A1", visit["id"]) and m.subject == subject
    assert all(word in m.body for word in says), m.body
    assert f"/passes/{new['id']}" in m.body and f"/passes/{old['id']}" not in m.body
    [picture] = m.attachments
    assert picture.content_type == "image/png" and picture.content.startswith(b"\x89PNG")


def test_without_a_contact_for_its_role_a_message_fails_visibly_until_one_is_added(api, db):
    """Nothing falls back to another address: the message waits, failed, and is sent once the customer has a
    contact for its role and someone retries it."""
    customer = CustomerFactory(kind="consumer", kvk_number=None)
    ContactFactory(customer=customer, roles=[ContactRole.technical])
    invoice = InvoiceFactory(contract=ContractFactory(customer=customer))
    am = api(Role.account_manager)
    body = {"customer_id": customer.id, "invoice_id": invoice.id, "sent_on": TODAY.isoformat(), "channel": "email"}
    assert am.post("/api/notices", json=body).status_code == 201
    m = only(db, customer)
    assert (m.status, m.recipients, m.next_attempt_at) == (MessageStatus.failed, [], None)
    r = am.post(f"/api/outbox/{m.id}/retry")
    assert r.status_code == 409 and "billing" in r.json()["detail"]
    ContactFactory(customer=customer, email="finance@c.example", roles=[ContactRole.billing])
    before = m.content_hash
    r = am.post(f"/api/outbox/{m.id}/retry")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "waiting" and [x["email"] for x in r.json()["recipients"]] == ["finance@c.example"]
    assert r.json()["content_hash"] != before and r.json()["intact"]
    retried = db.scalars(select(AuditEvent).where(AuditEvent.action == "retry message")).one()
    assert retried.data == {"recipients": ["finance@c.example"], "content_hash": r.json()["content_hash"]}
    assert am.post(f"/api/outbox/{m.id}/retry").status_code == 409  # waits already


def test_r2_enqueueing_is_audited_with_the_recipients_and_the_content_hash(api, db):
    """R2: the message is recorded as written in the audit log, in the transaction of the record it is about."""
    customer = customer_in("nl")
    am = api(Role.account_manager)
    am.post(
        "/api/policy-requests", json={"customer_id": customer.id, "requested_on": TODAY.isoformat(), "channel": "email"}
    )
    m = only(db, customer)
    written = db.scalars(select(AuditEvent).where(AuditEvent.action == "enqueue message")).one()
    assert written.object_id == str(m.id) and written.actor == am.user.username
    assert written.data["recipients"] == m.addresses and written.data["content_hash"] == m.content_hash
    assert written.data["rule"] == "K9" and written.data["message_id"] == m.message_id
