"""Maintenance through the JSON API (rule R4, Art. 18.3 and 1.14): a too-late announcement refused naming R4, the
emergency path, the affected customers computed at announcement time, the transitions, the record of each change,
closure days, permissions, and bad input answered 4xx."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.customers.models import ContractStatus
from dcops.db import utcnow
from dcops.maintenance import service
from dcops.maintenance.models import Maintenance
from dcops.racks.models import RackKind
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from dcops.terms.working_days import OfficeHours, counts_from, earliest_start
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory

PROBLEM = "application/problem+json"
TZ = ZoneInfo("Europe/Amsterdam")


def _mounted(db, rack, position, **kw):
    hw = HardwareFactory(**kw)
    mount(db, hw, MountIn(rack_id=rack.id, position=position), "t")
    return hw


@pytest.fixture
def floor(api, db):
    """Two rooms: in room A a shared rack with hardware of two customers and a private rack let to a third; in
    room B hardware of a fourth. An ended contract's hardware is in the shared rack too."""
    room_a, room_b = RoomFactory(code="MA"), RoomFactory(code="MB")
    shared = RackFactory(room=room_a, name="MA01")
    let_to = CustomerFactory(name="Letter B.V.")
    private = RackFactory(room=room_a, name="MA02", kind=RackKind.private, customer=let_to)
    other = RackFactory(room=room_b, name="MB01")
    alpha, beta, gamma, gone = (CustomerFactory(name=n) for n in ("Alpha B.V.", "Beta B.V.", "Gamma B.V.", "Gone B.V."))
    a1 = _mounted(db, shared, 1, name="alpha-1", contract=ContractFactory(customer=alpha))
    b1 = _mounted(db, shared, 3, name="beta-1", contract=ContractFactory(customer=beta))
    _mounted(db, other, 1, name="gamma-1", contract=ContractFactory(customer=gamma))
    _mounted(db, shared, 5, name="gone-1", contract=ContractFactory(customer=gone, status=ContractStatus.ended))
    now = utcnow()
    return SimpleNamespace(
        am=api(Role.account_manager),
        tech=api(Role.technician),
        security=api(Role.security),
        admin=api(Role.admin),
        room_a=room_a,
        room_b=room_b,
        shared=shared,
        private=private,
        other=other,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        let_to=let_to,
        a1=a1,
        b1=b1,
        far=now + timedelta(days=10),  # always two working days ahead, holidays or not
        near=now + timedelta(hours=1),  # never
    )


def _body(f, **kw):
    body = {
        "title": "Replace the PDU in MA01",
        "description": "The A-side PDU is swapped; the B side carries the load.",
        "scope": "rack",
        "rack_id": f.shared.id,
        "starts_at": f.far.isoformat(),
        "ends_at": (f.far + timedelta(hours=2)).isoformat(),
        "impact": "reduced",
    }
    return {**body, **kw}


def _create(f, **kw):
    r = f.am.post("/api/maintenance", json=_body(f, **kw))
    assert r.status_code == 201, r.text
    return r.json()


def test_r4_a_too_late_announcement_is_refused_naming_r4_and_nothing_is_told(floor):
    m = _create(floor, starts_at=floor.near.isoformat(), ends_at=(floor.near + timedelta(hours=1)).isoformat())
    assert m["status"] == "planned" and m["notice"]["allowed"] is False
    r = floor.am.post(f"/api/maintenance/{m['id']}/announce")
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    (reason,) = r.json()["reasons"]
    assert (reason["rule"], reason["article"]) == ("R4", "18.3, 1.14")
    assert "at least two working days ahead" in reason["message"]
    after = floor.am.get(f"/api/maintenance/{m['id']}").json()
    assert after["status"] == "planned" and after["announced_at"] is None
    assert after["affected"] == [] and after["changes"] == []


def test_r4_announced_in_time_stores_the_customers_affected_at_that_moment(floor, db):
    room = _create(floor, scope="room", room_id=floor.room_a.id, rack_id=None)
    r = floor.am.post(f"/api/maintenance/{room['id']}/announce")
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["status"] == "announced" and m["announced_at"] is not None and m["notice"]["allowed"] is True
    affected = {a["customer"]: a for a in m["affected"]}
    # Hardware under a live contract in the room's racks, and the customer its private rack is let to; not the
    # ended contract's customer, not the customer in the other room.
    assert set(affected) == {"Alpha B.V.", "Beta B.V.", "Letter B.V."}
    assert affected["Alpha B.V."]["hardware"] == [{"id": floor.a1.id, "name": "alpha-1", "rack": "MA01", "position": 1}]
    assert affected["Letter B.V."]["racks"] == ["MA02"] and affected["Letter B.V."]["hardware"] == []
    (change,) = m["changes"]
    assert change["kind"] == "announced" and sorted(change["customer_ids"]) == sorted(
        [floor.alpha.id, floor.beta.id, floor.let_to.id]
    )
    # Hardware mounted after the announcement does not change who was told.
    _mounted(db, floor.shared, 10, name="late-1", contract=ContractFactory(customer=floor.gamma))
    again = floor.am.get(f"/api/maintenance/{m['id']}").json()
    assert {a["customer"] for a in again["affected"]} == set(affected)
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "maintenance", AuditEvent.object_id == str(m["id"]))
    ).all()
    assert {"create", "update", "maintenance announced"} <= {e.action for e in events}


def test_r4_listed_hardware_scope_takes_only_that_hardware(floor):
    m = _create(floor, scope="hardware", rack_id=None, hardware_ids=[floor.b1.id])
    assert m["hardware_ids"] == [floor.b1.id] and m["place"] == "beta-1"
    m = floor.am.post(f"/api/maintenance/{m['id']}/announce").json()
    assert [a["customer"] for a in m["affected"]] == ["Beta B.V."]


def test_r4_emergency_maintenance_starts_at_once_and_is_announced_afterwards(floor):
    body = _body(floor, starts_at=(floor.near - timedelta(hours=2)).isoformat(), ends_at=floor.near.isoformat())
    r = floor.am.post("/api/maintenance", json={**body, "emergency": True})
    assert r.status_code == 422 and "emergency_reason" in r.json()["errors"]
    m = _create(floor, **{**body, "emergency": True, "emergency_reason": "The PDU smells of burning"})
    assert m["notice"]["allowed"] is True and m["notice"]["reasons"][0]["rule"] == "R4"
    started = floor.tech.post(f"/api/maintenance/{m['id']}/start")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    assert started.json()["announced_at"] is None
    announced = floor.am.post(f"/api/maintenance/{m['id']}/announce")
    assert announced.status_code == 200, announced.text
    assert announced.json()["status"] == "in_progress" and announced.json()["announced_at"] is not None
    assert {a["customer"] for a in announced.json()["affected"]} == {"Alpha B.V.", "Beta B.V."}
    done = floor.tech.post(f"/api/maintenance/{m['id']}/finish").json()
    assert done["status"] == "done" and done["finished_at"] is not None
    # An emergency done before anyone was told is still announced afterwards.
    quiet = _create(floor, **{**body, "emergency": True, "emergency_reason": "Fibre cut", "title": "Splice fibre"})
    floor.tech.post(f"/api/maintenance/{quiet['id']}/start")
    floor.tech.post(f"/api/maintenance/{quiet['id']}/finish")
    late = floor.am.post(f"/api/maintenance/{quiet['id']}/announce")
    assert late.status_code == 200 and late.json()["status"] == "done" and late.json()["announced_at"]


def test_r4_planned_maintenance_starts_only_once_announced_and_not_before_its_start(floor):
    m = _create(floor)
    r = floor.tech.post(f"/api/maintenance/{m['id']}/start")
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "R4"
    assert floor.am.post(f"/api/maintenance/{m['id']}/announce").status_code == 200
    r = floor.tech.post(f"/api/maintenance/{m['id']}/start")
    assert r.status_code == 403 and "starting earlier cuts the notice" in r.json()["reasons"][0]["message"]


def test_transitions_out_of_order_are_conflicts(floor):
    m = _create(floor)
    assert floor.tech.post(f"/api/maintenance/{m['id']}/finish").status_code == 409
    assert floor.am.post(f"/api/maintenance/{m['id']}/announce").status_code == 200
    assert floor.am.post(f"/api/maintenance/{m['id']}/announce").status_code == 409
    r = floor.am.post(f"/api/maintenance/{m['id']}/cancel", json={"reason": "The new PDU was not delivered"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    cancelled = r.json()["changes"][-1]
    assert cancelled["kind"] == "cancelled" and cancelled["changes"] == {"reason": "The new PDU was not delivered"}
    assert sorted(cancelled["customer_ids"]) == sorted([floor.alpha.id, floor.beta.id])
    assert floor.am.post(f"/api/maintenance/{m['id']}/cancel", json={}).status_code == 409
    assert floor.tech.post(f"/api/maintenance/{m['id']}/start").status_code == 409
    assert floor.am.patch(f"/api/maintenance/{m['id']}", json={"impact": "outage"}).status_code == 409
    # Cancelling what was never announced tells nobody.
    quiet = _create(floor, title="Never told")
    r = floor.am.post(f"/api/maintenance/{quiet['id']}/cancel", json={})
    assert r.status_code == 200 and r.json()["changes"] == []


def test_r4_changes_of_an_announced_maintenance_are_recorded_and_an_earlier_start_needs_the_notice_again(floor):
    m = _create(floor)
    assert floor.am.post(f"/api/maintenance/{m['id']}/announce").status_code == 200
    # Before it is announced nothing is recorded; after, each change of start, end, impact or scope is.
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"ends_at": (floor.far + timedelta(hours=4)).isoformat()})
    assert r.status_code == 200, r.text
    change = r.json()["changes"][-1]
    assert change["kind"] == "changed" and list(change["changes"]) == ["ends_at"]
    later = floor.far + timedelta(days=1)
    r = floor.am.patch(
        f"/api/maintenance/{m['id']}",
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()},
    )
    assert r.status_code == 200 and set(r.json()["changes"][-1]["changes"]) == {"starts_at", "ends_at"}
    # A start moved to within two working days is refused (R4), and nothing of the change is kept.
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"starts_at": floor.near.isoformat()})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "R4"
    kept = floor.am.get(f"/api/maintenance/{m['id']}").json()
    assert kept["starts_at"].startswith(later.isoformat()[:16]) and len(kept["changes"]) == 3
    # A description is not news to the customers: no record.
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"description": "Now with a spare PDU on site."})
    assert r.status_code == 200 and len(r.json()["changes"]) == 3
    # A wider scope adds customers: they are told now; the change goes to everyone before and after.
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"scope": "room", "room_id": floor.room_b.id})
    assert r.status_code == 200, r.text
    scoped = r.json()
    assert [a["customer"] for a in scoped["affected"]] == ["Gamma B.V."]
    change = scoped["changes"][-1]
    assert change["changes"]["scope"] == [["rack", "MA01 (MA)"], ["room", f"{floor.room_b.site.code} / MB"]]
    assert sorted(change["customer_ids"]) == sorted([floor.alpha.id, floor.beta.id, floor.gamma.id])


def test_r4_a_wider_scope_with_a_start_too_close_for_the_new_customers_is_refused(floor, db):
    """Announced in time ten days ago for tomorrow: the customers it had are told; customers a wider scope adds now
    would get less than two working days, so the change is refused and nothing of it kept."""
    m = _create(floor, starts_at=floor.near.isoformat(), ends_at=(floor.near + timedelta(hours=1)).isoformat())
    maintenance = db.get(Maintenance, m["id"])
    service.announce(db, maintenance, "anna", service.Now(utcnow() - timedelta(days=10), TZ))
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"scope": "room", "room_id": floor.room_b.id})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "R4"
    kept = floor.am.get(f"/api/maintenance/{m['id']}").json()
    assert kept["scope"] == "rack" and [c["kind"] for c in kept["changes"]] == ["announced"]
    # The same change within the customers it has (a smaller scope) is recorded.
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"scope": "hardware", "hardware_ids": [floor.a1.id]})
    assert r.status_code == 200 and [a["customer"] for a in r.json()["affected"]] == ["Alpha B.V."]


def test_r4_maintenance_no_longer_an_emergency_needs_an_announcement_that_was_in_time(floor):
    soon = _create(floor, emergency=True, emergency_reason="Breaker trips", starts_at=floor.near.isoformat(),
                   ends_at=(floor.near + timedelta(hours=1)).isoformat())  # fmt: skip
    assert floor.am.post(f"/api/maintenance/{soon['id']}/announce").status_code == 200
    r = floor.am.patch(f"/api/maintenance/{soon['id']}", json={"emergency": False, "emergency_reason": None})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "R4"
    assert floor.am.get(f"/api/maintenance/{soon['id']}").json()["emergency"] is True
    assert floor.tech.post(f"/api/maintenance/{soon['id']}/start").status_code == 200
    r = floor.am.patch(f"/api/maintenance/{soon['id']}", json={"emergency": False, "emergency_reason": None})
    assert r.status_code == 409  # started: no longer to be changed into planned maintenance


def test_r4_a_closure_day_announced_today_moves_the_earliest_start(floor, db):
    now = utcnow()
    first = counts_from(now, (), OfficeHours(), TZ)
    before = earliest_start(now, (), OfficeHours(), TZ)
    m = _create(floor)
    assert floor.am.get(f"/api/maintenance/{m['id']}").json()["notice"]["earliest_start"] == before.isoformat()
    r = floor.admin.post("/api/closure-days", json={"day": first.isoformat(), "reason": "Company day"})
    assert r.status_code == 201 and r.json()["announced_on"] == now.astimezone(TZ).date().isoformat()
    moved = floor.am.get(f"/api/maintenance/{m['id']}").json()["notice"]["earliest_start"]
    assert moved > before.isoformat()
    assert floor.admin.delete(f"/api/closure-days/{r.json()['id']}").status_code == 204
    assert floor.am.get(f"/api/maintenance/{m['id']}").json()["notice"]["earliest_start"] == before.isoformat()


def test_closure_days_are_kept_by_admins_and_checked(floor):
    today = utcnow().astimezone(TZ).date()
    day = today + timedelta(days=30)
    assert floor.am.post("/api/closure-days", json={"day": day.isoformat(), "reason": "Company day"}).status_code == 403
    made = floor.admin.post(
        "/api/closure-days",
        json={"day": day.isoformat(), "reason": "Company day", "announced_on": (today - timedelta(days=3)).isoformat()},
    )
    assert made.status_code == 201
    again = floor.admin.post("/api/closure-days", json={"day": day.isoformat(), "reason": "Twice"})
    assert again.status_code == 422 and "day" in again.json()["errors"]
    future = floor.admin.post(
        "/api/closure-days",
        json={"day": (day + timedelta(days=1)).isoformat(), "reason": "Not yet", "announced_on": day.isoformat()},
    )
    assert future.status_code == 422 and "announced_on" in future.json()["errors"]
    after = floor.admin.post(
        "/api/closure-days",
        json={"day": (today - timedelta(days=5)).isoformat(), "reason": "Late", "announced_on": today.isoformat()},
    )
    assert after.status_code == 422 and "in advance" in after.json()["errors"]["announced_on"]
    listed = floor.security.get(f"/api/closure-days?from_day={today.isoformat()}").json()
    assert [c["day"] for c in listed["items"]] == [day.isoformat()]
    assert floor.security.get(f"/api/closure-days/{made.json()['id']}").status_code == 200
    assert floor.security.delete(f"/api/closure-days/{made.json()['id']}").status_code == 403


def test_who_may_do_what(floor):
    assert floor.tech.post("/api/maintenance", json=_body(floor)).status_code == 403
    assert floor.security.post("/api/maintenance", json=_body(floor)).status_code == 403
    m = _create(floor, emergency=True, emergency_reason="Smoke from MA01")
    assert floor.tech.post(f"/api/maintenance/{m['id']}/announce").status_code == 403
    assert floor.security.get(f"/api/maintenance/{m['id']}").status_code == 200
    assert floor.security.post(f"/api/maintenance/{m['id']}/start").status_code == 403
    assert floor.am.post(f"/api/maintenance/{m['id']}/start").status_code == 200


def test_list_filters_by_status_and_time(floor):
    upcoming = _create(floor, title="Upcoming work")
    past_start = utcnow() - timedelta(days=3)
    past = _create(
        floor, title="Past work", emergency=True, emergency_reason="Fan failed",
        starts_at=past_start.isoformat(), ends_at=(past_start + timedelta(hours=1)).isoformat(),
    )  # fmt: skip
    titles = lambda q: [m["title"] for m in floor.security.get(f"/api/maintenance{q}").json()["items"]]  # noqa: E731
    assert titles("?when=upcoming") == ["Upcoming work"]
    assert titles("?when=past") == ["Past work"]
    assert titles("?status=planned") == ["Upcoming work", "Past work"]
    assert titles("?status=done") == []
    assert floor.security.get("/api/maintenance?status=bogus").status_code == 400
    assert floor.security.get("/api/maintenance?when=later").status_code == 400
    assert upcoming["id"] != past["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2026-01-01T00:00:00"}, "ends_at"),  # before the start
        ({"rack_id": None}, "rack_id"),
        ({"rack_id": 999_999}, "rack_id"),
        ({"scope": "hardware", "hardware_ids": []}, "hardware_ids"),
        ({"scope": "hardware", "hardware_ids": [999_999]}, "hardware_ids"),
        ({"scope": "site"}, "site_id"),
        ({"starts_at": "9999-12-31T23:59:59"}, "starts_at"),
        ({"ends_at": "2100-12-31T23:59:00-14:00"}, "ends_at"),  # 2101-01-01 on the site's clock
        ({"starts_at": "not a moment"}, "starts_at"),
        ({"impact": "catastrophic"}, "impact"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(floor, change, field):
    r = floor.am.post("/api/maintenance", json=_body(floor, **change))
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert field in r.json().get("errors", {}) or field in r.json()["detail"]
    m = _create(floor)
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json=change)
    assert r.status_code in (400, 422) and field in r.json().get("errors", {}), r.text
    assert floor.am.get("/api/maintenance/999999").status_code == 404


def test_a_patch_naming_an_unknown_field_is_refused(floor):
    m = _create(floor)
    r = floor.am.patch(f"/api/maintenance/{m['id']}", json={"colour": "red"})
    assert r.status_code == 422 and r.json()["errors"] == {"colour": "Unknown field"}
    assert floor.am.patch("/api/maintenance/999999", json={"impact": "none"}).status_code == 404
