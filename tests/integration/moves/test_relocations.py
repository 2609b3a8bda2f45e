"""Relocation orders through the API: equivalence (K3/D3), the windows (K4, K5, K6, D3), atomic execution,
liens (K10), K8 supplier actions, and hand-backs (A6) on the compliance overview."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.customers.models import Breach, Lien
from dcops.moves import service as moves
from dcops.moves.models import HandBack, Relocation
from dcops.racks.models import Hardware, RackKind, RackUnit
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from dcops.terms import Denied, Service
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    InvoiceFactory,
    RackFactory,
    RoomFactory,
    SiteFactory,
)

TODAY = clock.today()
D = timedelta(days=1)


def _mounted(db, rack, position, **kw):
    hw = HardwareFactory(**kw)
    mount(db, hw, MountIn(rack_id=rack.id, position=position), "t")
    return hw


@pytest.fixture
def plan(api, db):
    """A customer whose contract leaves the maintenance to the supplier: the supplier moves its hardware (K4)."""
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer, customer_maintains_hardware=False)
    room = RoomFactory()
    a = RackFactory(room=room, name="RA", power_budget_w=5000)
    b = RackFactory(room=room, name="RB", power_budget_w=5000)
    hw = _mounted(db, a, 10, contract=contract, name="srv-move", power_draw_w=1800, u_height=2)
    return SimpleNamespace(
        am=api(Role.account_manager),
        tech=api(Role.technician),
        customer=customer,
        contract=contract,
        room=room,
        a=a,
        b=b,
        hw=hw,
    )


def _order(p, **kw):
    body = {
        "customer_id": p.customer.id,
        "kind": "colocation_move",
        "reason": "Room A is being rebuilt",
        "items": [{"hardware_id": p.hw.id, "target_rack_id": p.b.id, "target_position": 20}],
        **kw,
    }
    return p.am.post("/api/relocations", json=body)


def _scheduled(p, **kw):
    order = _order(p, **kw).json()
    p.am.post(
        f"/api/relocations/{order['id']}/consult",
        json={"consulted_on": TODAY.isoformat(), "consulted_with": "Eva", "outcome": "Agreed"},
    )
    r = p.am.post(f"/api/relocations/{order['id']}/schedule", json={"planned_on": TODAY.isoformat()})
    assert r.status_code == 200, r.text
    return r.json()


def test_an_order_is_checked_for_equivalence_with_figures(plan, db):
    _mounted(db, plan.b, 30, power_draw_w=4000)  # RB now has 1,000 W left
    r = _order(plan)
    assert r.status_code == 403
    assert "RB has 1,000 W left, srv-move draws 1,800 W" in [x["message"] for x in r.json()["reasons"]]
    private = RackFactory(room=plan.room, kind=RackKind.private, customer=plan.customer, name="RP")
    r = _order(plan, items=[{"hardware_id": plan.hw.id, "target_rack_id": private.id, "target_position": 1}])
    assert r.status_code == 403 and "shared rack; RP is not" in r.json()["reasons"][0]["message"]


def test_k4_scheduling_inside_the_window_and_outside_with_written_agreement(plan):
    order = _order(plan).json()
    assert order["status"] == "draft" and "K7" in order["costs"]
    r = plan.am.post(f"/api/relocations/{order['id']}/schedule", json={"planned_on": TODAY.isoformat()})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K4"
    consulted = TODAY - 2 * D
    r = plan.am.post(
        f"/api/relocations/{order['id']}/consult",
        json={"consulted_on": consulted.isoformat(), "consulted_with": "Eva", "outcome": "Fine"},
    )
    assert r.json()["window_until"] == (consulted + 14 * D).isoformat()
    r = plan.am.post(f"/api/relocations/{order['id']}/schedule", json={"planned_on": (consulted + 15 * D).isoformat()})
    assert r.status_code == 403 and "outside the window" in r.json()["reasons"][0]["message"]
    later = {"planned_on": (consulted + 15 * D).isoformat()}
    # A note, or the supplier's own written permission, is no agreement of the customer's (K4, R2).
    r = plan.am.post(f"/api/relocations/{order['id']}/schedule", json={**later, "agreement_note": "Eva said yes"})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K4"
    r = plan.am.post(f"/api/relocations/{order['id']}/schedule", json={**later, "agreement_permission_id": 1})
    assert r.status_code == 403  # a permission is the supplier's own grant: no such field, no agreement
    partial = {**later, "message_from": "Eva Mulder", "message_channel": "email"}
    r = plan.am.post(f"/api/relocations/{order['id']}/schedule", json=partial)
    assert r.status_code == 422 and set(r.json()["errors"]) == {"message_on", "message_reference"}
    message = {**partial, "message_on": TODAY.isoformat(), "message_reference": "<agree-17@example.nl>"}
    r = plan.am.post(f"/api/relocations/{order['id']}/schedule", json=message)
    assert r.status_code == 200 and r.json()["status"] == "scheduled"
    assert r.json()["message_reference"] == "<agree-17@example.nl>"
    assert (
        plan.tech.post(f"/api/relocations/{order['id']}/schedule", json={"planned_on": TODAY.isoformat()}).status_code
        == 403
    )  # technicians carry out, account managers plan


def test_execution_moves_the_hardware_and_opens_a_hand_back(plan, db):
    order = _order(plan).json()
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K4"  # not scheduled yet
    order = _scheduled(plan)
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["items"][0]["done_at"]
    db.refresh(plan.hw)
    assert (plan.hw.rack_id, plan.hw.position) == (plan.b.id, 20)
    hb = db.scalars(select(HandBack)).one()
    assert (hb.rack_id, hb.units, hb.customer_id) == (plan.a.id, "U10–U11", plan.customer.id)
    assert hb.vacated_by.value == "supplier" and "provided empty" in hb.intake_state  # as first installed
    report = plan.am.get("/api/compliance").json()
    spaces = next(s for s in report["sections"] if s["key"] == "hand-backs")
    assert spaces["lines"][0]["rule"] == "A6" and "RA U10–U11" in spaces["lines"][0]["message"]
    r = plan.tech.post(f"/api/hand-backs/{hb.id}/inspect", json={"as_received": False})
    assert r.status_code == 422
    r = plan.tech.post(f"/api/hand-backs/{hb.id}/inspect", json={"as_received": False, "findings": "Rails missing"})
    assert r.status_code == 200 and r.json()["inspected_by"] == plan.tech.user.username
    # The supplier vacated this space itself: inspected, but no breach of the customer's (A6).
    r = plan.am.post(f"/api/hand-backs/{hb.id}/breach")
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "A6"
    assert db.scalars(select(Breach)).all() == []


@pytest.mark.parametrize(("offset", "allowed"), [(-1, False), (0, True), (1, False)])
def test_k4_a_scheduled_move_is_carried_out_on_its_planned_date_only(plan, db, offset, allowed):
    order = db.get(Relocation, _scheduled(plan)["id"])  # planned for today
    verdict = moves.may_execute(order, TODAY - offset * D)  # asked the day before, on, and after it
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.reasons[0].rule == "K4"
        assert ("still to come" if offset > 0 else "has passed") in verdict.reasons[0].message
        with pytest.raises(Denied):
            moves.execute_all(db, order, "tom", TODAY - offset * D)


def test_a_failing_item_leaves_nothing_half_moved(plan, db):
    second = _mounted(db, plan.a, 1, contract=plan.contract, name="srv-two")
    order = _scheduled(
        plan,
        items=[
            {"hardware_id": plan.hw.id, "target_rack_id": plan.b.id, "target_position": 20},
            {"hardware_id": second.id, "target_rack_id": plan.b.id, "target_position": 30},
        ],
    )
    _mounted(db, plan.b, 30, name="squatter")  # the second target is taken after planning
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 403 and "no free U30" in r.json()["reasons"][0]["message"]
    db.expire_all()
    assert db.get(Hardware, plan.hw.id).rack_id == plan.a.id  # the first item was rolled back too
    assert db.scalars(select(RackUnit.rack_id).where(RackUnit.hardware_id == plan.hw.id)).first() == plan.a.id
    assert db.scalars(select(HandBack)).all() == []


def test_a_lien_blocks_a_move_to_another_datacenter_but_not_within_the_building(plan, db):
    InvoiceFactory(contract=plan.contract, issue_date=TODAY - 30 * D)  # due and unpaid: the lien is in force
    db.add(Lien(customer_id=plan.customer.id, placed_on=TODAY, placed_by="anna", grounds="S2"))
    db.flush()
    elsewhere = RackFactory(room=RoomFactory(site=SiteFactory()), name="AMS-1", power_budget_w=5000)
    order = _scheduled(
        plan,
        other_site_allowed=True,
        items=[{"hardware_id": plan.hw.id, "target_rack_id": elsewhere.id, "target_position": 1}],
    )
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10"
    order = _scheduled(plan)
    assert plan.tech.post(f"/api/relocations/{order['id']}/execute").status_code == 200


def test_another_datacenter_only_when_the_order_says_so(plan):
    elsewhere = RackFactory(room=RoomFactory(site=SiteFactory()), name="AMS-2")
    r = _order(plan, items=[{"hardware_id": plan.hw.id, "target_rack_id": elsewhere.id, "target_position": 1}])
    assert r.status_code == 403 and "does not name another datacenter" in r.json()["reasons"][0]["message"]


def test_k6_an_emergency_needs_its_reason_and_skips_the_window(plan, db):
    r = _order(plan, emergency=True)
    assert r.status_code == 422 and "emergency_reason" in r.json()["errors"]
    order = _order(plan, emergency=True, emergency_reason="Water leak above rack RA").json()
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 200 and r.json()["emergency_reason"] == "Water leak above rack RA"


def test_k5_refused_for_a_customer_without_the_duty_to_maintain(plan):
    r = _order(plan, customer_executes=True)
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K5"
    assert "does not make the customer maintain" in r.json()["reasons"][0]["message"]


def test_k5_the_supplier_moves_hardware_the_customer_maintains_only_in_an_emergency(plan, db):
    plan.contract.customer_maintains_hardware = True
    db.flush()
    r = _order(plan)
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K5" and "only in an emergency" in r.text
    assert _order(plan, emergency=True, emergency_reason="Fire alarm in room A").status_code == 201
    assert _order(plan, customer_executes=True).status_code == 201


def test_k5_the_customer_s_deadline_and_the_breach_in_one_step(plan, db):
    plan.contract.customer_maintains_hardware = True
    db.flush()
    order = _order(plan, customer_executes=True).json()
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K5"  # not asked yet
    r = plan.am.post(f"/api/relocations/{order['id']}/request", json={"requested_on": (TODAY - 15 * D).isoformat()})
    assert r.json()["customer_deadline"] == (TODAY - D).isoformat()
    late = next(s for s in plan.am.get("/api/compliance").json()["sections"] if s["key"] == "moves")
    assert late["lines"][0]["rule"] == "K5" and late["lines"][0]["link"] == f"/relocations/{order['id']}"
    r = plan.am.post(f"/api/relocations/{order['id']}/breach")
    breach = db.get(Breach, r.json()["breach_id"])
    assert r.status_code == 201 and breach.article == "12.4"
    assert breach.occurred_on == TODAY and breach.contract_id == plan.contract.id  # the day after the deadline
    assert plan.am.post(f"/api/relocations/{order['id']}/breach").status_code == 409


def test_k5_the_customer_s_own_move_hands_back_its_space(plan, db):
    plan.contract.customer_maintains_hardware = True
    db.flush()
    order = _order(plan, customer_executes=True).json()
    plan.am.post(f"/api/relocations/{order['id']}/request", json={"requested_on": TODAY.isoformat()})
    assert plan.tech.post(f"/api/relocations/{order['id']}/execute").status_code == 200
    hb = db.scalars(select(HandBack)).one()
    assert hb.vacated_by.value == "customer"
    plan.tech.post(f"/api/hand-backs/{hb.id}/inspect", json={"as_received": False, "findings": "Shelf left behind"})
    r = plan.am.post(f"/api/hand-backs/{hb.id}/breach")
    assert r.status_code == 200 and db.get(Breach, r.json()["breach_id"]).contract_id == plan.contract.id


def test_d3_a_reassignment_waits_for_its_plan_of_approach(plan, db):
    dedicated = ContractFactory(customer=plan.customer, service=Service.dedicated)
    old = _mounted(db, plan.a, 30, contract=dedicated, name="ded-old")
    new = _mounted(db, plan.b, 30, contract=None, name="ded-new")
    body = {"kind": "dedicated_reassignment", "items": [{"hardware_id": old.id, "replacement_id": new.id}]}
    order = _order(plan, **body).json()
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "D3"
    plan.am.post(
        f"/api/relocations/{order['id']}/plan",
        json={
            "plan_text": "Migrate the VMs, then swap",
            "plan_agreed_on": TODAY.isoformat(),
            "plan_agreed_with": "Eva",
        },
    )
    r = plan.tech.post(f"/api/relocations/{order['id']}/execute")
    assert r.status_code == 200
    db.refresh(old), db.refresh(new)
    assert (old.contract_id, new.contract_id) == (None, dedicated.id)


def test_d3_the_replacement_meets_the_contracted_specification_not_the_height(plan, db):
    dedicated = ContractFactory(
        customer=plan.customer, service=Service.dedicated, spec_cpu_cores=16, spec_memory_gb=128, spec_storage_gb=2000
    )
    old = _mounted(db, plan.a, 30, contract=dedicated, name="ded-2u", u_height=2)
    better_1u = _mounted(db, plan.b, 30, contract=None, name="ded-1u", cpu_cores=32, memory_gb=256, storage_gb=4000)
    weaker = _mounted(db, plan.b, 33, contract=None, name="ded-weak", u_height=2, cpu_cores=8, memory_gb=128)
    emergency = {"emergency": True, "emergency_reason": "Backplane failing"}
    body = {"kind": "dedicated_reassignment", **emergency}
    r = _order(plan, **body, items=[{"hardware_id": old.id, "replacement_id": weaker.id}])
    assert r.status_code == 403 and {x["rule"] for x in r.json()["reasons"]} == {"D3"}
    messages = [x["message"] for x in r.json()["reasons"]]
    assert "ded-weak has 8 CPU cores; contract" in messages[0] and "storage is not recorded" in messages[1]
    order = _order(plan, **body, items=[{"hardware_id": old.id, "replacement_id": better_1u.id}])
    assert order.status_code == 201
    r = plan.tech.post(f"/api/relocations/{order.json()['id']}/execute")
    assert r.status_code == 200
    verdict = moves.may_execute(db.get(Relocation, order.json()["id"]), TODAY)
    assert verdict.reasons[0].rule == "D3"  # an emergency reassignment cites D3 (11.4), not K6


def test_k8_a_supplier_action_is_recorded_with_its_reason(plan, db):
    order = _order(
        plan,
        kind="supplier_action",
        action="switch_off",
        emergency=True,
        emergency_reason="Overheating PSU",
        items=[{"hardware_id": plan.hw.id}],
    ).json()
    assert order["reason"] and order["action"] == "switch_off"
    assert plan.tech.post(f"/api/relocations/{order['id']}/execute").status_code == 200
    db.refresh(plan.hw)
    assert plan.hw.rack_id == plan.a.id  # switched off where it stands


def test_pages_plan_show_windows_and_calendar(plan, login, db):
    desk = login(Role.account_manager)
    data = {
        "customer_id": plan.customer.id,
        "kind": "colocation_move",
        "action": "move",
        "reason": "Rebuild",
        "hardware_id": plan.hw.id,
        "target_rack_id": plan.b.id,
        "target_position": "",
        "target_face": "front",
    }
    r = desk.form("/relocations/new", data)
    assert r.status_code == 422 and "Rebuild" in r.text and "target rack and position" in r.text
    r = desk.form("/relocations/new", {**data, "target_position": 20})
    assert r.status_code == 200 and "Relocation planned" in r.text and "meets the original" in r.text
    order_id = int(r.url.path.rsplit("/", 1)[1])
    r = desk.form(f"/relocations/{order_id}/schedule", {"planned_on": TODAY.isoformat()})
    assert r.status_code == 403 and "Art. 12.4 (rule K4)" in r.text
    desk.form(
        f"/relocations/{order_id}/consult",
        {"consulted_on": TODAY.isoformat(), "consulted_with": "Eva", "outcome": "Fine by them"},
    )
    page = desk.get(f"/relocations/{order_id}").text
    assert f"until <strong>{(TODAY + 14 * D):%d/%m/%Y}</strong>" in page and "K7" in page
    month = desk.get(f"/relocations?view=month&on={TODAY.isoformat()}").text
    assert f'data-day="{(TODAY + 14 * D).isoformat()}"' in month or (TODAY + 14 * D).month != TODAY.month
    week = desk.get(f"/relocations?view=week&on={TODAY.isoformat()}").text
    assert "cal-day" in week
    due = desk.get(f"/relocations?view=month&on={(TODAY + 14 * D).isoformat()}").text
    assert "K4 window ends" in due and "Nothing is planned or due" not in due
    empty = desk.get(f"/relocations?view=month&on={(TODAY.replace(day=1) + 400 * D).isoformat()}").text
    assert "Nothing is planned or due in these days." in empty
