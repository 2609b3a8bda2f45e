"""People and their personal data (A1, A2, R3): validation, a log without names, erasure and retention."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from dcops import clock
from dcops.access.models import DoorCheck, Person, VisitPass
from dcops.access.retention import housekeeping
from dcops.audit import REDACTED, AuditEvent
from dcops.auth.models import Role
from tests.factories import BreachFactory, PersonFactory

TODAY = clock.today()


def _body(world, **kw):
    return {"customer_id": world.customer.id, "name": "Sanne Peters", "email": "sanne@example.com", **kw}


def test_register_with_the_minimum_and_refuse_more(world):
    r = world.desk.post("/api/people", json=_body(world, id_document_type="passport", id_document_last4="NX12345"))
    assert r.status_code == 400 and "id_document_last4" in str(r.json()["errors"])
    r = world.desk.post("/api/people", json=_body(world, third_party=True))
    assert r.status_code == 422 and "company" in r.json()["errors"]
    r = world.desk.post("/api/people", json=_body(world, id_document_last4="1234"))
    assert r.status_code == 422 and "id_document_type" in r.json()["errors"]
    future = (TODAY + timedelta(days=1)).isoformat()
    r = world.desk.post("/api/people", json=_body(world, competence_confirmed_on=future))
    assert r.status_code == 422
    r = world.desk.post(
        "/api/people",
        json=_body(
            world, id_document_type="passport", id_document_last4="4471", competence_confirmed_on=TODAY.isoformat()
        ),
    )
    assert r.status_code == 201 and r.json()["competence_confirmed_by"] == world.desk.user.username
    assert world.desk.delete(f"/api/people/{r.json()['id']}").status_code == 405  # erased, never deleted


def test_security_reads_people_but_does_not_register_them(world, api):
    guard = api(Role.security)
    assert guard.get("/api/people").status_code == 200
    assert guard.post("/api/people", json=_body(world)).status_code == 403


def test_the_audit_log_keeps_that_personal_data_changed_not_the_data(world, db):
    r = world.desk.post("/api/people", json=_body(world, phone="+31 6 1234 5678"))
    world.desk.patch(f"/api/people/{r.json()['id']}", json={"email": "new@example.com"})
    events = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "person")).all()
    text = str([e.data for e in events])
    assert "Sanne" not in text and "example.com" not in text and "1234 5678" not in text
    assert events[0].data["after"]["name"] == REDACTED and events[1].data["after"]["email"] == REDACTED


def test_erasure_pseudonymises_revokes_and_keeps_decisions(world, db):
    code = world.approved()["passes"][0]["code"]
    world.scan(code)
    r = world.desk.post(f"/api/people/{world.person.id}/erase")
    assert r.status_code == 200 and r.json()["name"].endswith("(erased)") and r.json()["active"] is False
    assert r.json()["email"] is None and r.json()["pseudonymised_at"]
    check = db.scalars(select(DoorCheck)).one()
    assert check.person_name == r.json()["name"] and check.decision.value == "allow"
    assert all(p.revoked for p in db.scalars(select(VisitPass)))
    assert world.desk.post(f"/api/people/{world.person.id}/erase").status_code == 409


def test_erasure_waits_while_a_door_check_is_evidence_in_an_open_breach(world, db):
    code = world.approved()["passes"][0]["code"]
    check_id = world.scan(code)["check"]["id"]
    breach = BreachFactory(customer=world.customer, occurred_on=TODAY)
    r = world.desk.post(f"/api/door/checks/{check_id}/breach", json={"breach_id": breach.id})
    assert r.status_code == 200 and r.json()["breach_id"] == breach.id
    r = world.desk.post(f"/api/people/{world.person.id}/erase")
    assert r.status_code == 409 and "open breach" in r.json()["detail"]
    breach.resolved_on = TODAY
    db.flush()
    assert world.desk.post(f"/api/people/{world.person.id}/erase").status_code == 200


def test_housekeeping_deactivates_the_idle_and_pseudonymises_after_retention(world, db):
    long_ago = datetime.now(UTC) - timedelta(days=800)
    idle = PersonFactory(customer=world.customer, created_at=long_ago)
    recent = PersonFactory(customer=world.customer)
    gone = PersonFactory(customer=world.customer, created_at=long_ago, active=False)
    kept = PersonFactory(customer=world.customer, created_at=long_ago, active=False)
    breach = BreachFactory(customer=world.customer, occurred_on=TODAY)
    db.add(
        DoorCheck(
            room_id=world.room.id,
            direction="in",
            decision="deny",
            reasons=[],
            person_id=kept.id,
            person_name=kept.name,
            scanned_sha256="0" * 64,
            scanned_length=1,
            officer="sara",
            breach_id=breach.id,
        )
    )
    db.flush()
    result = housekeeping(db, TODAY, idle_days=365, retention_months=12)
    # idle for 800 days: deactivated, and past the retention period as well
    assert result.deactivated == [idle.id] and sorted(result.pseudonymised) == sorted([idle.id, gone.id])
    assert result.kept_for_breach == [kept.id] and db.get(Person, recent.id).active
    assert db.get(Person, gone.id).name.endswith("(erased)") and db.get(Person, kept.id).name == kept.name
    again = housekeeping(db, TODAY, idle_days=365, retention_months=12)
    assert (again.deactivated, again.pseudonymised, again.kept_for_breach) == ([], [], [kept.id])


def test_retention_is_at_least_three_months():
    import pytest

    from dcops.settings import Settings

    with pytest.raises(ValueError, match="at least 3"):
        Settings(visitor_retention_months=2)
