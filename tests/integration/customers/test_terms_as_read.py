"""Customers and their hardware as the terms read: a business abroad (Art. 1.4), the insurance request dcops makes
itself (K9), the hand-back at the end of a contract and after a customer's own removal (A6)."""

from datetime import timedelta

from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.customers.models import Lien, PolicyRequest
from dcops.moves.models import HandBack, Relocation, RelocationKind
from dcops.racks.models import RackKind
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, InvoiceFactory, RackFactory

TODAY = clock.today()


def test_a_business_abroad_is_identified_by_its_registration_or_vat_number(api, login):
    c = api(Role.account_manager)
    base = {"name": "Schelde Data BV", "kind": "business"}
    r = c.post("/api/customers", json={**base, "country": "be", "vat_number": "BE0412345678"})
    assert r.status_code == 201 and r.json()["country"] == "BE" and r.json()["kvk_number"] is None
    r = c.post("/api/customers", json={**base, "name": "Rhein GmbH", "country": "DE"})
    assert r.status_code == 422 and "registration number or its VAT number" in r.json()["errors"]["registration_number"]
    r = c.post("/api/customers", json={**base, "name": "Holland B.V."})
    assert r.status_code == 422 and "KvK" in r.json()["errors"]["kvk_number"]
    page = login(Role.account_manager).form(
        "/customers/new", {"name": "Rhein GmbH", "kind": "business", "country": "DE", "registration_number": ""}
    )
    assert page.status_code == 422 and 'value="Rhein GmbH"' in page.text
    page = login(Role.account_manager).form(
        "/customers/new", {"name": "Rhein GmbH", "kind": "business", "country": "DE", "registration_number": "HRB 1234"}
    )
    assert page.status_code == 200 and "HRB 1234" in page.text


def test_k9_installing_without_a_policy_is_refused_and_dcops_requests_the_policy(api, db):
    """K9: the refusal is kept, and so is the request dcops makes in the same breath (its follow-up)."""
    contract = ContractFactory(customer=CustomerFactory(insured=False))
    hw = HardwareFactory(contract=contract)
    c = api(Role.technician)
    r = c.post(f"/api/hardware/{hw.id}/mount", json={"rack_id": RackFactory().id, "position": 4})
    assert r.status_code == 403 and {x["rule"] for x in r.json()["reasons"]} == {"K9"}
    assert "records the request for the policy" in r.text
    requests = db.scalars(select(PolicyRequest).where(PolicyRequest.customer_id == contract.customer_id)).all()
    assert len(requests) == 1 and requests[0].requested_by == "dcops" and hw.name in requests[0].note
    again = c.post(f"/api/hardware/{hw.id}/mount", json={"rack_id": RackFactory().id, "position": 4})
    assert again.status_code == 403 and "was requested on" in again.text
    assert len(db.scalars(select(PolicyRequest).where(PolicyRequest.customer_id == contract.customer_id)).all()) == 1


def test_a6_the_end_of_a_colocation_contract_hands_back_its_private_racks(api, db):
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer)
    rack = RackFactory(kind=RackKind.private, customer=customer, intake_state="Rack with two PDUs, doors locked")
    c = api(Role.account_manager)
    r = c.patch(f"/api/contracts/{contract.id}", json={"status": "ended", "end_date": TODAY.isoformat()})
    assert r.status_code == 200, r.text
    hb = db.scalars(select(HandBack).where(HandBack.rack_id == rack.id)).one()
    assert (hb.cause, hb.vacated_by.value, hb.contract_id) == ("contract_end", "customer", contract.id)
    assert hb.intake_state == "Rack with two PDUs, doors locked"


def test_a6_a_private_rack_let_to_a_customer_records_its_intake(api):
    customer = CustomerFactory()
    room = RackFactory().room
    body = {"room_id": room.id, "name": "P9", "kind": "private", "customer_id": customer.id}
    r = api(Role.account_manager).post("/api/racks", json=body)
    assert r.status_code == 201 and "provided empty" in r.json()["intake_state"] and r.json()["intake_on"]


def test_a6_k8_the_customer_s_own_removal_is_recorded_and_hands_back_its_space(login, db):
    contract = ContractFactory()
    rack = RackFactory()
    hw = HardwareFactory(contract=contract, name="cust-srv")
    mount(db, hw, MountIn(rack_id=rack.id, position=7, intake_state="U7 with rails, no blanking panel"), "t")
    c = login(Role.technician)
    r = c.form(
        f"/hardware/{hw.id}/unmount",
        {
            "status": "removed",
            "basis": "customer_request",
            "message_from": "Pieter Smit",
            "message_on": TODAY.isoformat(),
            "message_channel": "portal",
            "message_reference": "ticket 8812",
        },
    )
    assert r.status_code == 200 and "unmount done" in r.text
    order = db.scalars(select(Relocation).where(Relocation.kind == RelocationKind.customer_request)).one()
    assert order.action == "remove" and order.status.value == "done" and order.written_message
    hb = db.scalars(select(HandBack).where(HandBack.rack_id == rack.id)).one()
    assert (hb.vacated_by.value, hb.cause, hb.intake_state) == (
        "customer",
        "removal",
        "U7 with rails, no blanking panel",
    )
    page = c.get(f"/hand-backs/{hb.id}").text
    assert "U7 with rails, no blanking panel" in page and "by the customer" in page


def test_k9_the_mount_page_also_keeps_dcops_request_for_the_policy(login, db):
    contract = ContractFactory(customer=CustomerFactory(insured=False))
    hw = HardwareFactory(contract=contract)
    rack = RackFactory()
    page = login(Role.technician).form(f"/hardware/{hw.id}/mount", {"rack_id": rack.id, "position": 9, "face": "front"})
    assert page.status_code == 403 and "rule K9" in page.text and 'value="9"' in page.text
    requests = db.scalars(select(PolicyRequest).where(PolicyRequest.customer_id == contract.customer_id)).all()
    assert [r.requested_by for r in requests] == ["dcops"]
    db.refresh(hw)
    assert hw.rack_id is None


def test_k10_recording_a_third_party_owner_cannot_take_hardware_out_of_a_lien(api, db):
    contract = ContractFactory()
    InvoiceFactory(contract=contract, issue_date=TODAY - timedelta(days=40))  # due and unpaid
    hw = HardwareFactory(contract=contract)
    db.add(Lien(customer_id=contract.customer_id, placed_on=TODAY, placed_by="anna", grounds="S2"))
    db.flush()
    r = api(Role.technician).patch(f"/api/hardware/{hw.id}", json={"third_party_owner": "Friendly Lease B.V."})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10"
    assert "recorded as a third party's" in r.json()["reasons"][0]["message"]


def test_k5_a_supplier_action_moves_hardware_the_customer_maintains_only_in_an_emergency(api, db):
    contract = ContractFactory(customer_maintains_hardware=True)
    hw = HardwareFactory(contract=contract)
    rack = RackFactory()
    mount(db, hw, MountIn(rack_id=rack.id, position=3), "t")
    c = api(Role.technician)
    body = {"rack_id": rack.id, "position": 20, "basis": "supplier_action", "reason": "Rebalancing the power feeds"}
    r = c.post(f"/api/hardware/{hw.id}/move", json=body)
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K5"
    r = c.post(f"/api/hardware/{hw.id}/move", json={**body, "emergency": True, "reason": "PDU on fire below it"})
    assert r.status_code == 200 and r.json()["position"] == 20
    plan = api(Role.account_manager).post(
        "/api/relocations",
        json={
            "customer_id": contract.customer_id,
            "kind": "supplier_action",
            "action": "move",
            "reason": "Rebalancing",
            "items": [{"hardware_id": hw.id, "target_rack_id": rack.id, "target_position": 30}],
        },
    )
    assert plan.status_code == 403 and plan.json()["reasons"][0]["rule"] == "K5"


def test_s5_a_new_breach_names_the_contract_it_occurred_under(login):
    contract = ContractFactory()
    c = login(Role.account_manager)
    base = {"customer_id": contract.customer_id, "article": "13.4", "occurred_on": TODAY.isoformat()}
    r = c.form("/breaches/new", {**base, "description": "Cage door removed"})
    assert r.status_code == 422 and "rule S5" in r.text and "Cage door removed" in r.text
    r = c.form("/breaches/new", {**base, "description": "Cage door removed", "contract_id": contract.id})
    assert r.status_code == 200 and contract.number in r.text
