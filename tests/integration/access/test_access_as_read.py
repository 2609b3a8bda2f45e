"""Access as the terms read (D2, K2, S6/A7, R3): the rooms a customer may enter for the work its contract
requires, breaches counted under their own contract, and visitor data that is the supplier's own."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from dcops import clock
from dcops.access.models import Person, Visit
from dcops.access.retention import housekeeping
from dcops.audit import REDACTED, AuditEvent
from dcops.customers.models import WrittenPermission
from dcops.moves.models import Relocation, RelocationItem
from dcops.racks.models import HardwareStatus
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import (
    BreachFactory,
    ContractFactory,
    HardwareFactory,
    NoticeFactory,
    PersonFactory,
    RackFactory,
    VisitFactory,
)
from tests.integration.access.conftest import rules

TODAY = clock.today()
DAY = timedelta(days=1)


def _requested(world, **kw):
    r = world.desk.post("/api/visits", json=world.visit(**kw))
    assert r.status_code == 201, r.text
    return r.json()


def test_k2_a_visit_not_needed_for_its_hardware_is_refused(world, login):
    visit = _requested(world, purpose="Show a prospect around", purpose_kind="other")
    r = world.desk.post(f"/api/visits/{visit['id']}/approve", json={})
    assert r.status_code == 403 and rules(r.json()) == ["K2"]
    assert "needed to install or maintain" in r.json()["reasons"][0]["message"]
    ok = _requested(world, purpose_kind="maintain")
    assert world.desk.post(f"/api/visits/{ok['id']}/approve", json={}).status_code == 200
    page = login(world.desk.user.role).get("/visits/new").text
    assert "What the visit is for" in page and "something else (no access: D2/K2)" in page


def test_k2_the_room_of_a_planned_rack_opens_for_installing_the_first_server(world, db):
    """A customer installing hardware where none of its own stands yet: the planned rack's room is open to it."""
    elsewhere = RackFactory(room=world.other_room)
    visit = _requested(world, room_ids=[world.other_room.id], purpose_kind="install")
    refused = world.desk.post(f"/api/visits/{visit['id']}/approve", json={})
    assert refused.status_code == 403 and rules(refused.json()) == ["K2"]
    HardwareFactory(contract=world.contract, planned_rack=elsewhere, status=HardwareStatus.planned)
    db.flush()
    assert world.desk.post(f"/api/visits/{visit['id']}/approve", json={}).status_code == 200


def test_k2_a_visit_to_the_target_of_a_move_the_customer_must_carry_out_is_approved(world, db):
    """K5 asks the customer to move its hardware within 14 days; refusing the visit to the target room would
    prevent the very performance the supplier asked for (BW 6:58)."""
    hw = HardwareFactory(contract=world.contract)
    mount(db, hw, MountIn(rack_id=RackFactory(room=world.room).id, position=5), "t")  # a shared rack in room A
    target = RackFactory(room=world.other_room)
    visit = _requested(world, room_ids=[world.other_room.id], purpose_kind="move")
    assert world.desk.post(f"/api/visits/{visit['id']}/approve", json={}).status_code == 403
    order = world.desk.post(
        "/api/relocations",
        json={
            "customer_id": world.customer.id,
            "kind": "colocation_move",
            "reason": "Room rebuild: please move your server",
            "customer_executes": True,
            "items": [{"hardware_id": hw.id, "target_rack_id": target.id, "target_position": 10}],
        },
    )
    assert order.status_code == 201, order.text
    assert world.desk.post(f"/api/visits/{visit['id']}/approve", json={}).status_code == 200
    assert db.get(Relocation, order.json()["id"]).items[0].target_rack_id == target.id
    assert db.scalars(select(RelocationItem)).first().done_at is None


def test_s6_a_breach_under_one_contract_does_not_bar_a_visit_for_another_until_its_notice_expired(world, db):
    """S5/S6 and A7: the visit to room B is for contract B; a breach under contract A counts there only once a
    notice of default about it expired."""
    contract_b = ContractFactory(customer=world.customer)
    rack_b = RackFactory(room=world.other_room)
    hw = HardwareFactory(contract=contract_b)
    mount(db, hw, MountIn(rack_id=rack_b.id, position=3), "t")
    breach = BreachFactory(customer=world.customer, contract=world.contract, occurred_on=TODAY - 30 * DAY)
    db.flush()
    to_a = _requested(world)
    r = world.desk.post(f"/api/visits/{to_a['id']}/approve", json={})
    assert r.status_code == 403 and rules(r.json()) == ["A7"]
    to_b = world.approved(room_ids=[world.other_room.id])
    assert to_b["contract_ids"] == [contract_b.id]
    code = to_b["passes"][0]["code"]
    assert world.scan(code, room=world.other_room)["allowed"]
    world.scan(code, direction="out", room=world.other_room)
    NoticeFactory(customer=world.customer, invoice=None, breach=breach, sent_on=TODAY - 20 * DAY, term_days=14)
    db.flush()
    answer = world.scan(code, room=world.other_room)
    assert not answer["allowed"] and rules(answer) == ["A7"]


def test_r3_a_third_party_s_name_stays_out_of_the_audit_log_and_goes_with_erasure(world, db):
    third = PersonFactory(customer=world.customer, name="Klaas Kabel", company="Kabel B.V.", third_party=True)
    r = world.grant(third, covers="Klaas Kabel (Kabel B.V.), fibre contractor")
    assert r.status_code == 201, r.text
    events = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "written permission")).all()
    assert events and all("Klaas" not in str(e.data) for e in events)
    assert [e.data["after"]["covers"] for e in events if "covers" in e.data.get("after", {})] == [REDACTED]
    room_change = world.desk.post(
        "/api/written-permissions",
        json={**_permission(world), "kind": "room_change", "covers": "A second PDU in rack A06"},
    )
    assert room_change.status_code == 201
    created = db.scalars(
        select(AuditEvent).where(AuditEvent.object_id == str(room_change.json()["id"]), AuditEvent.action == "create")
    ).one()
    assert created.data["after"]["covers"] == "A second PDU in rack A06"  # not personal: logged as written
    assert world.desk.post(f"/api/people/{third.id}/erase").status_code == 200
    db.expire_all()
    permission = db.get(WrittenPermission, r.json()["id"])
    assert "Klaas" not in permission.covers and "erased" in permission.covers


def _permission(world):
    return {
        "customer_id": world.customer.id,
        "room_ids": [world.room.id],
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + DAY).isoformat(),
        "granted_by_id": world.desk.user.id,
        "channel": "letter",
        "reference": "Letter of 1 March",
    }


def test_r3_the_retention_period_ends_at_midnight_in_the_site_s_zone(world, db):
    """A visit that ended at 00:30 in Grave (23:30 UTC the day before) is within a retention period that starts
    that day: counting in UTC would erase the person a day early."""
    today = date(2026, 11, 30)
    cutoff = date(2025, 11, 30)  # 12 months before today
    local_half_past_midnight = datetime(2025, 11, 29, 23, 30, tzinfo=UTC)  # 30 Nov 00:30 in Amsterdam
    person = PersonFactory(customer=world.customer, active=False)
    visit = VisitFactory(
        customer=world.customer,
        starts_at=local_half_past_midnight - 2 * timedelta(hours=1),
        ends_at=local_half_past_midnight,
    )
    visit.people = [person]
    db.flush()
    kept = housekeeping(db, today, idle_days=365, retention_months=12, timezone="Europe/Amsterdam")
    assert person.id not in kept.pseudonymised and db.get(Person, person.id).pseudonymised_at is None
    gone = housekeeping(db, today + DAY, idle_days=365, retention_months=12, timezone="Europe/Amsterdam")
    assert person.id in gone.pseudonymised and cutoff < today
    assert db.scalars(select(Visit).where(Visit.id == visit.id)).one()
