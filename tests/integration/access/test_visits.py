"""Visits through the API: requesting, every approval refusal (D2/K2, A1, A2, A7), the A7 override,
passes issued on approval, cancelled and reprinted."""

from datetime import timedelta

from sqlalchemy import select

from dcops import audit, clock
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.db import utcnow
from dcops.terms import Service
from tests.factories import BreachFactory, ContractFactory, CustomerFactory, InvoiceFactory, PersonFactory, UserFactory
from tests.integration.access.conftest import rules

TODAY = clock.today()


def test_request_validates_window_people_and_rooms(world):
    now = utcnow()
    r = world.desk.post("/api/visits", json=world.visit(ends_at=(now + timedelta(days=15)).isoformat()))
    assert r.status_code == 422 and "14 days" in r.json()["errors"]["ends_at"]
    stranger = PersonFactory()
    r = world.desk.post("/api/visits", json=world.visit(person_ids=[stranger.id]))
    assert r.status_code == 422 and "not registered for this customer" in r.json()["errors"]["person_ids"]
    r = world.desk.post("/api/visits", json=world.visit(room_ids=[99999]))
    assert r.status_code == 422 and "99999" in r.json()["errors"]["room_ids"]
    r = world.desk.post("/api/visits", json=world.visit(person_ids=[]))
    assert r.status_code == 400


def test_times_without_a_zone_are_the_site_s_local_time(world):
    r = world.desk.post("/api/visits", json=world.visit(starts_at="2030-06-01T09:00:00", ends_at="2030-06-01T17:00:00"))
    assert r.status_code == 201 and r.json()["starts_at"].startswith("2030-06-01T07:00:00")  # CEST = UTC+2


def test_a_third_party_is_always_escorted(world):
    third = PersonFactory(customer=world.customer, third_party=True, company="Acme")
    r = world.desk.post("/api/visits", json=world.visit(person_ids=[third.id], escort_required=False))
    assert r.status_code == 201 and r.json()["escort_required"] is True


def test_approval_issues_one_signed_pass_per_person(world, db):
    second = PersonFactory(customer=world.customer)
    visit = world.approved(person_ids=[world.person.id, second.id])
    assert visit["status"] == "approved" and visit["decided_by"] == world.desk.user.username
    assert sorted(p["person_id"] for p in visit["passes"]) == sorted([world.person.id, second.id])
    assert all(p["code"].startswith("DC1:") for p in visit["passes"])
    assert world.desk.post(f"/api/visits/{visit['id']}/approve", json={}).status_code == 409  # decided once


def test_only_account_managers_approve(world, api):
    r = world.desk.post("/api/visits", json=world.visit())
    tech = api(Role.technician)
    assert tech.post(f"/api/visits/{r.json()['id']}/approve", json={}).status_code == 403
    assert tech.post("/api/visits", json=world.visit()).status_code == 201  # technicians request


def _refused(world, **kw):
    r = world.desk.post("/api/visits", json=world.visit(**kw))
    assert r.status_code == 201, r.text
    r = world.desk.post(f"/api/visits/{r.json()['id']}/approve", json={})
    assert r.status_code == 403, r.text
    return r.json()


def test_k2_refused_without_a_maintaining_contract_in_that_room(world):
    body = _refused(world, room_ids=[world.other_room.id])
    assert rules(body) == ["K2"] and world.other_room.code in body["reasons"][0]["message"]


def test_d2_refused_for_a_dedicated_customer_that_does_not_maintain(world, db):
    customer = CustomerFactory()
    ContractFactory(customer=customer, service=Service.dedicated, customer_maintains_hardware=False)
    person = PersonFactory(customer=customer)
    body = _refused(world, customer_id=customer.id, person_ids=[person.id])
    assert [(r["rule"], r["article"]) for r in body["reasons"]] == [("D2", "11.3")]


def test_a1_refused_for_a_visitor_not_confirmed_competent(world):
    lisa = PersonFactory(customer=world.customer, competence_confirmed_on=None)
    assert rules(_refused(world, person_ids=[lisa.id])) == ["A1"]


def test_a2_refused_for_a_third_party_without_permission_then_allowed_with_it(world, db):
    third = PersonFactory(customer=world.customer, third_party=True, company="Acme")
    assert rules(_refused(world, person_ids=[third.id])) == ["A2"]
    grant = world.grant(third)
    assert grant.status_code == 201, grant.text
    assert world.approved(person_ids=[third.id])["status"] == "approved"


def test_a_permission_names_a_third_party_of_that_customer(world):
    own = world.person  # not a third party
    r = world.grant(own)
    assert r.status_code == 422 and "third party" in r.json()["errors"]["person_id"]


def test_a7_refused_while_the_customer_fails_and_overridden_with_a_written_reason(world, db):
    InvoiceFactory(contract=world.contract, issue_date=TODAY - timedelta(days=60))
    body = _refused(world)
    assert [(r["rule"], r["article"]) for r in body["reasons"]] == [("A7", "13.7")]
    visit_id = world.desk.get("/api/visits", params={"status": "requested"}).json()["items"][0]["id"]
    reason = "Emergency: their storage array is failing; agreed with the CFO"
    r = world.desk.post(f"/api/visits/{visit_id}/approve", json={"a7_override": reason})
    assert r.status_code == 200 and r.json()["a7_override"] == reason and r.json()["passes"]
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "visit", AuditEvent.object_id == str(visit_id))
    ).all()[-1]
    assert event.data["after"]["a7_override"] == reason and audit.verify(db).ok


def test_the_override_lifts_a7_only(world, db):
    BreachFactory(customer=world.customer, occurred_on=TODAY - timedelta(days=3))
    lisa = PersonFactory(customer=world.customer, competence_confirmed_on=None)
    r = world.desk.post("/api/visits", json=world.visit(person_ids=[lisa.id]))
    r = world.desk.post(f"/api/visits/{r.json()['id']}/approve", json={"a7_override": "needed anyway"})
    assert r.status_code == 403 and rules(r.json()) == ["A1"]


def test_an_override_is_refused_when_there_is_nothing_to_override(world):
    r = world.desk.post("/api/visits", json=world.visit())
    r = world.desk.post(f"/api/visits/{r.json()['id']}/approve", json={"a7_override": "just in case"})
    assert r.status_code == 422 and "Nothing to override" in r.json()["errors"]["a7_override"]


def test_deny_cancel_and_complete(world, db):
    r = world.desk.post("/api/visits", json=world.visit())
    vid = r.json()["id"]
    assert world.desk.post(f"/api/visits/{vid}/deny", json={"note": ""}).status_code == 400
    r = world.desk.post(f"/api/visits/{vid}/deny", json={"note": "Not this week"})
    assert r.status_code == 200 and r.json()["status"] == "denied" and r.json()["decision_note"] == "Not this week"
    visit = world.approved()
    r = world.desk.post(f"/api/visits/{visit['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert all(p["revoked_at"] and p["revoke_reason"] == "visit cancelled" for p in r.json()["passes"])
    assert world.desk.post(f"/api/visits/{visit['id']}/cancel").status_code == 409
    visit = world.approved()
    r = world.desk.post(f"/api/visits/{visit['id']}/complete")
    assert r.status_code == 200 and r.json()["status"] == "completed"


def test_reprint_issues_a_new_pass_and_revokes_the_old(world, db):
    visit = world.approved()
    old = visit["passes"][0]
    r = world.desk.post(f"/api/passes/{old['id']}/reprint")
    assert r.status_code == 201 and r.json()["id"] != old["id"] and r.json()["code"] != old["code"]
    assert world.desk.get(f"/api/passes/{old['id']}").json()["revoke_reason"] == "reprinted"
    assert world.desk.post(f"/api/passes/{old['id']}/reprint").status_code == 409
    r = world.desk.post(f"/api/passes/{r.json()['id']}/revoke", json={"reason": "lost at reception"})
    assert r.status_code == 200 and r.json()["revoke_reason"] == "lost at reception"


def test_escort_is_a_technician_or_security(world, db):
    visit = world.approved()
    tech = UserFactory(role=Role.technician)
    r = world.desk.post(f"/api/visits/{visit['id']}/escort", json={"escort_id": tech.id})
    assert r.status_code == 200 and r.json()["escort_id"] == tech.id
    r = world.desk.post(f"/api/visits/{visit['id']}/escort", json={"escort_id": world.desk.user.id})
    assert r.status_code == 422


def test_public_keys_are_published_without_signing_in(world, anon):
    world.approved()
    keys = anon.get("/api/passes/keys").json()["keys"]
    assert len(keys) == 1 and keys[0]["crv"] == "Ed25519" and keys[0]["current"] is True and "d" not in keys[0]


def test_qr_png_and_svg(world):
    p = world.approved()["passes"][0]
    png = world.desk.get(f"/api/passes/{p['id']}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    svg = world.desk.get(f"/api/passes/{p['id']}/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
