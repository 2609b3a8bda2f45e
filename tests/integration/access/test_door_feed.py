"""The door screen's offline side: the door feed (what it holds, who may read it, no personal data beyond what the
door shows) and the intake of checks decided offline (recorded with the offline decision and scan time, once,
audited; bad input a 4xx, never a 500)."""

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from dcops.access import codec, door_feed
from dcops.access.keys import RAW, key_id
from dcops.access.models import DoorCheck, Visit, VisitStatus
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.auth.permissions import MATRIX, Perm
from dcops.db import utcnow
from tests.conftest import keyring_for
from tests.factories import InvoiceFactory, PersonFactory

PERSONAL = ("email", "phone", "id_document", "last4", "competence_confirmed", "third_party")


@pytest.fixture
def guard(login):  # type: ignore[no-untyped-def]
    """The door's officer, signed in with a session cookie as the door screen is."""
    return login(Role.security)


def _feed(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.get("/door/feed")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    assert "no-store" in r.headers["cache-control"]
    return r.json()


def _entry(items: list[dict[str, Any]], id_: int) -> dict[str, Any]:
    return next(i for i in items if i["id"] == id_)


def test_the_feed_holds_keys_passes_visits_people_and_who_is_inside(world, guard, settings, db):
    visit = world.approved()
    pass_ = visit["passes"][0]
    feed = _feed(guard)
    assert feed["version"] == 1 and feed["generated_at"] and feed["timezone"] == settings.site_timezone
    assert len(feed["time"]) == 5 and feed["time"][2] == ":"  # "10:42", the site's time
    keys = {k["kid"]: k["x"] for k in feed["keys"]}
    for kid, key in keyring_for(settings, db).public_keys().items():
        assert base64.urlsafe_b64decode(keys[kid.hex()] + "==") == key.key.public_bytes(*RAW)
    assert {"id": pass_["id"], "visit": visit["id"], "person": world.person.id} in feed["passes"]
    v = _entry(feed["visits"], visit["id"])
    assert v["status"] == "approved" and v["rooms"] == [world.room.code] and v["a7"] == []
    assert v["customer"] == world.customer.name and v["purpose"] == "Replace a disk" and " – " in v["window"]
    p = _entry(feed["people"], world.person.id)
    assert p["name"] == world.person.name and p["a1"] == [] and p["a2"] == {}
    assert {"id": world.room.id, "code": world.room.code} in feed["rooms"]
    assert feed["revoked"] == [] and feed["inside"] == []

    world.scan(pass_["code"])
    assert _feed(guard)["inside"] == [world.person.id]
    new = world.desk.post(f"/api/passes/{pass_['id']}/reprint").json()
    feed = _feed(guard)
    assert feed["revoked"] == [pass_["id"]] and new["id"] in [p["id"] for p in feed["passes"]]


def test_the_feed_carries_the_contract_rules_as_the_door_would_give_them(world, guard, db):
    visit = world.approved()
    third = PersonFactory(customer=world.customer, third_party=True, company="Acme")
    other = world.approved(person_ids=[third.id]) if world.grant(third).status_code == 201 else None
    InvoiceFactory(contract=world.contract, issue_date=utcnow().date() - timedelta(days=60))
    world.person.competence_confirmed_on = None
    db.flush()
    feed = _feed(guard)
    a7 = _entry(feed["visits"], visit["id"])["a7"]
    assert [r["rule"] for r in a7] == ["A7"] and "in default" in a7[0]["message"]
    assert a7[0]["instruction"] == "Refuse; the account manager may lift this with a written reason."
    a1 = _entry(feed["people"], world.person.id)["a1"]
    assert [r["rule"] for r in a1] == ["A1"] and "competent" in a1[0]["message"]
    assert other is not None and _entry(feed["people"], third.id)["a2"] == {world.room.code: []}
    assert _entry(feed["people"], third.id)["company"] == "Acme"


def test_the_feed_holds_no_personal_data_beyond_what_the_door_shows(world, guard, db):
    world.person.email, world.person.phone, world.person.id_document_last4 = "piet@example.com", "+31 6 1234", "X123"
    db.flush()
    world.approved()
    feed = _feed(guard)
    text = json.dumps(feed)
    for secret in ("piet@example.com", "+31 6 1234", "X123", *PERSONAL):
        assert secret not in text
    assert set(feed) == {
        "version", "generated_at", "time", "day", "timezone", "refresh_seconds", "keys", "rooms", "revoked",
        "passes", "visits", "people", "inside",
    }  # fmt: skip
    assert {k for p in feed["people"] for k in p} == {"id", "name", "company", "a1", "a2"}
    assert {k for v in feed["visits"] for k in v} == {
        "id", "status", "status_word", "rooms", "window", "purpose", "escort_required", "a7_override", "customer", "a7",
    }  # fmt: skip
    assert {k for p in feed["passes"] for k in p} == {"id", "visit", "person"}  # no codes: they open the door


def test_only_signed_in_users_who_may_check_at_the_door_read_the_feed(world, anon, login, api, monkeypatch):
    r = anon.get("/door/feed", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")
    # A bearer token is for the API only: on the door's pages it signs nobody in.
    r = api(Role.security).get("/door/feed", follow_redirects=False)
    assert r.status_code in (302, 303) and "passes" not in r.text
    tech = login(Role.technician)
    assert tech.get("/door/feed").status_code == 403
    assert login(Role.admin).get("/door/feed").status_code == 200
    monkeypatch.setitem(MATRIX, Role.technician, MATRIX[Role.technician] | {Perm.door_check})
    assert tech.get("/door/feed").status_code == 200
    assert tech.get("/door").status_code == 200


def _queued(code: str | None, room_id: int, **kw: Any) -> dict[str, Any]:
    now = utcnow()
    body = {
        "id": str(uuid.uuid4()),
        "code": code,
        "scanned_sha256": "0" * 64,
        "scanned_length": len(code or ""),
        "room_id": room_id,
        "direction": "in",
        "asset_tags": [],
        "decision": "allow",
        "reasons": [],
        "decided_at": (now - timedelta(minutes=20)).isoformat(),
        "feed_at": (now - timedelta(minutes=25)).isoformat(),
    }
    body.update(kw)
    return body


def _post(client, body: Any, **headers: str):  # type: ignore[no-untyped-def]
    if "csrftoken" not in client.cookies:
        client.get("/login")
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    token = client.cookies["csrftoken"]
    sent = {"content-type": "application/json", "accept": "application/json", "x-csrftoken": token}  # as door.js
    sent |= headers
    return client.post("/door/offline", content=content, headers=sent, follow_redirects=False)


def test_a_check_decided_offline_is_recorded_once_with_its_decision_scan_time_and_officer(world, guard, db):
    visit = world.approved()
    body = _queued(visit["passes"][0]["code"], world.room.id)
    r = _post(guard, body)
    assert r.status_code == 201, r.text
    check_id = r.json()["check_id"]
    assert r.json() == {"id": body["id"], "check_id": check_id, "duplicate": False}
    dc = db.get(DoorCheck, check_id)
    assert dc.offline and dc.client_id == body["id"] and dc.decision.value == "allow" and dc.passed
    assert dc.at.isoformat() == body["decided_at"] and dc.feed_at.isoformat() == body["feed_at"]
    assert dc.received_at > dc.at and dc.officer == guard.user.username
    assert dc.person_id == world.person.id and dc.pass_id == visit["passes"][0]["id"] and dc.reasons == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "door check")).all()[-1]
    assert event.action == "door check in" and event.actor == guard.user.username
    assert event.data["offline"] is True and event.data["client_id"] == body["id"] and event.data["decision"] == "allow"
    # The allowed entry counts as online ones do: the visit started, the person is inside (P6 at the next scan).
    assert db.get(Visit, visit["id"]).status is VisitStatus.in_progress
    assert [r["rule"] for r in world.scan(visit["passes"][0]["code"])["check"]["reasons"]] == ["P6"]

    again = _post(guard, body)
    assert again.status_code == 200 and again.json() == {"id": body["id"], "check_id": check_id, "duplicate": True}
    assert db.scalar(select(DoorCheck.id).where(DoorCheck.client_id == body["id"])) == check_id
    assert len(db.scalars(select(DoorCheck).where(DoorCheck.offline.is_(True))).all()) == 1


def test_a_refusal_offline_is_recorded_as_shown_with_its_carry_outs_refused(world, guard, db):
    forger = Ed25519PrivateKey.generate()
    now = utcnow()
    forged = codec.encode(
        codec.Claims(1, now - timedelta(hours=1), now + timedelta(hours=1), ("X",)), forger, key_id(forger.public_key())
    )
    reason = {"rule": "P1", "article": "13.1", "message": "The pass is signed by an unknown key (ab)"}
    r = _post(guard, _queued(forged, world.room.id, decision="deny", reasons=[reason]))
    assert r.status_code == 201, r.text
    dc = db.get(DoorCheck, r.json()["check_id"])
    assert dc.decision.value == "deny" and not dc.passed and dc.pass_id is None and dc.reasons == [reason]
    visit = world.approved()
    p7 = {**reason, "rule": "P7", "message": "GRV-1 may not be carried out: carrying hardware out needs the server"}
    body = _queued(visit["passes"][0]["code"], world.room.id, direction="out", decision="deny", asset_tags=["GRV-1"])
    r = _post(guard, {**body, "reasons": [p7]})
    dc = db.get(DoorCheck, r.json()["check_id"])
    assert r.status_code == 201 and dc.passed and dc.direction.value == "out"  # leaving is never refused
    assert [(c.asset_tag, c.decision.value, c.reasons[0]["rule"]) for c in dc.carry_outs] == [("GRV-1", "deny", "P7")]
    # What is far too long to be a pass is sent as its hash and length.
    long = _queued(None, world.room.id, decision="deny", reasons=[reason], scanned_length=5000, scanned_sha256="a" * 64)
    r = _post(guard, long)
    dc = db.get(DoorCheck, r.json()["check_id"])
    assert r.status_code == 201 and dc.scanned_length == 5000 and dc.scanned_sha256 == "a" * 64


def test_the_door_log_marks_checks_decided_offline(world, guard, login):
    visit = world.approved()
    assert _post(guard, _queued(visit["passes"][0]["code"], world.room.id)).status_code == 201
    log = login(Role.technician).get("/door/log")
    assert log.status_code == 200 and 'class="badge offline"' in log.text
    check_id = max(c["id"] for c in world.desk.get("/api/door/checks").json()["items"])
    detail = guard.get(f"/door/checks/{check_id}").text
    assert "Decided offline" in detail and "door feed of" in detail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"room_id": 999_999}, "room_id"),
        ({"decided_at": (utcnow() + timedelta(hours=2)).isoformat()}, "decided_at"),
        ({"decided_at": (utcnow() - timedelta(days=40)).isoformat()}, "decided_at"),
        ({"decided_at": "2026-01-01T10:00:00"}, "decided_at"),
        ({"feed_at": (utcnow() + timedelta(hours=1)).isoformat()}, "feed_at"),
        ({"decision": "deny"}, "reasons"),
        ({"decision": "maybe"}, "decision"),
        ({"direction": "out", "asset_tags": ["GRV-1"]}, "asset_tags"),
        ({"reasons": [{"rule": "DROP TABLE", "article": "1", "message": "x"}]}, "reasons"),
        ({"reasons": [{"rule": "P1", "article": "13.1", "message": "x", "extra": 1}]}, "reasons"),
        ({"id": "short"}, "id"),
        ({"room_id": 2**40}, "room_id"),
        ({"code": "DC1:garbage"}, "code"),  # an "allow" whose pass does not verify
        ({"feed_at": "1899-12-31T23:00:00Z"}, "feed_at"),  # the days dcops takes, though read from the raw body
        ({"decided_at": "9999-12-31T23:59:59Z"}, "decided_at"),
    ],
)
def test_what_the_screen_cannot_have_decided_is_refused_with_a_4xx(world, guard, db, change, field):
    visit = world.approved()
    r = _post(guard, {**_queued(visit["passes"][0]["code"], world.room.id), **change})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
    assert any(k.startswith(field) for k in r.json()["errors"]), r.json()
    assert db.scalars(select(DoorCheck).where(DoorCheck.offline.is_(True))).all() == []


def test_an_allow_for_a_pass_signed_but_never_issued_is_refused(world, guard, settings, db):
    keys = keyring_for(settings, db)
    kid, private = keys.signing_key(db)
    now = utcnow()
    claims = codec.Claims(999_999, now - timedelta(hours=1), now + timedelta(hours=1), ("X",))
    never = codec.encode(claims, private, kid)
    r = _post(guard, _queued(never, world.room.id))
    assert r.status_code == 422 and "never issued" in r.json()["errors"]["code"]


@pytest.mark.parametrize(
    "body", [b"", b"{", b"[]", b"null", b'{"id": 1}', b"\xff\xfe", json.dumps({"a": "x" * 100}).encode()]
)
def test_malformed_bodies_are_a_4xx_not_a_500(guard, body):
    r = _post(guard, body)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text


def test_a_huge_body_is_refused_before_it_is_read(guard):
    r = _post(guard, b'{"id": "' + b"x" * (door_feed.MAX_BODY + 10) + b'"}')
    assert r.status_code == 413


def test_offline_checks_are_posted_signed_in_and_with_the_csrf_token(world, guard, anon, api):
    body = _queued(world.approved()["passes"][0]["code"], world.room.id)
    assert _post(guard, body, **{"x-csrftoken": "forged"}).status_code == 403
    assert _post(anon, body).status_code in (302, 303, 401)
    assert _post(api(Role.security), body).status_code in (302, 303, 401, 403)
    assert _post(guard, body).status_code == 201


@pytest.mark.parametrize(
    "form",
    [
        {"room_id": "999999", "code": "DC1:x"},
        {"room_id": str(2**40), "code": "DC1:x"},
        {"room_id": "abc", "code": "x", "direction": "sideways"},
        {"room_id": "", "code": "DC1:" + "A" * 5000, "asset_tags": "x " * 500},
    ],
)
def test_the_door_screen_answers_odd_input_with_a_clear_message(guard, form):
    r = guard.form("/door/check", form, headers={"hx-request": "true"})
    assert r.status_code == 200 and 'data-decision="none"' in r.text and "NOT CHECKED" in r.text


def test_a_scan_the_server_recorded_after_the_screen_gave_up_waiting_is_recorded_once(world, guard, db):
    """The screen sends its id for the scan with the online check; when it gave up waiting (5 s), decided offline
    and later sends the same scan from its queue, the server's own record of it stands and no second one is made."""
    visit = world.approved()
    code = visit["passes"][0]["code"]
    scan_id = str(uuid.uuid4())
    online = guard.form(
        "/door/check",
        {"room_id": str(world.room.id), "code": code, "direction": "in", "client_id": scan_id},
        headers={"hx-request": "true"},
    )
    assert online.status_code == 200 and 'data-decision="allow"' in online.text
    recorded = db.scalars(select(DoorCheck).where(DoorCheck.client_id == scan_id)).one()
    assert not recorded.offline and recorded.decision.value == "allow"
    queued = _post(guard, _queued(code, world.room.id, id=scan_id))
    assert queued.status_code == 200 and queued.json() == {"id": scan_id, "check_id": recorded.id, "duplicate": True}
    assert len(db.scalars(select(DoorCheck).where(DoorCheck.pass_id == visit["passes"][0]["id"])).all()) == 1
    # The same id sent online again is not a second check either: said plainly, not a 500
    again = guard.form(
        "/door/check",
        {"room_id": str(world.room.id), "code": code, "direction": "in", "client_id": scan_id},
        headers={"hx-request": "true"},
    )
    assert again.status_code == 200 and "This scan was recorded already" in again.text
    assert len(db.scalars(select(DoorCheck).where(DoorCheck.client_id == scan_id)).all()) == 1
    # Through the API: a 409 problem naming it
    api = world.door.post(
        "/api/door/checks", json={"code": code, "room_id": world.room.id, "direction": "in", "client_id": scan_id}
    )
    assert api.status_code == 409 and "recorded already" in api.json()["detail"]
