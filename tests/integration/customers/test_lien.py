"""K10: a lien on a failing customer keeps its hardware in; release waits for every payment."""

from datetime import timedelta

from sqlalchemy import select

from dcops import audit, clock
from dcops.auth.models import Role
from dcops.customers.models import Lien
from dcops.racks import service as racks
from dcops.racks.models import HardwareStatus
from dcops.racks.schemas import MountIn
from dcops.terms import Service
from tests.factories import (
    BreachFactory,
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    InvoiceFactory,
    RackFactory,
    RoomFactory,
)

TODAY = clock.today()
DAY = timedelta(days=1)


def _mounted(db, contract, rack=None):
    hw = HardwareFactory(contract=contract)
    racks.mount(db, hw, MountIn(rack_id=(rack or RackFactory()).id, position=1), "test")
    return hw


def _liened(api, customer):
    r = api(Role.account_manager).post("/api/liens", json={"customer_id": customer.id, "note": "unpaid"})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_lien_is_refused_on_a_customer_that_does_not_fail(api, login):
    good = CustomerFactory()
    r = api(Role.account_manager).post("/api/liens", json={"customer_id": good.id})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["reasons"][0]["rule"] == "K10" and r.json()["reasons"][0]["article"] == "12.9"
    page = login(Role.account_manager).form("/liens/new", {"customer_id": good.id})
    assert page.status_code == 403 and "rule K10" in page.text and "does not fail" in page.text
    assert api(Role.technician).post("/api/liens", json={"customer_id": good.id}).status_code == 403


def test_lien_blocks_removal_outbound_move_and_hand_over_but_not_work_inside(api, db):
    contract = ContractFactory()
    BreachFactory(customer=contract.customer)
    room = RoomFactory()
    hw = _mounted(db, contract, RackFactory(room=room))
    lien = _liened(api, contract.customer)
    assert lien["placed_by"] and "open breach" in lien["grounds"]
    c = api(Role.technician)

    r = c.post(f"/api/hardware/{hw.id}/unmount", json={"status": "removed"})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10"
    other_site = RackFactory()  # a new room on a new site
    r = c.post(f"/api/hardware/{hw.id}/move", json={"rack_id": other_site.id, "position": 5})
    assert r.status_code == 403 and "moved to site" in r.json()["reasons"][0]["message"]
    other_customer = ContractFactory()
    r = c.patch(f"/api/hardware/{hw.id}", json={"contract_id": other_customer.id})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10"
    # Inside the datacenter the work goes on: a move within the site, and unmounting to keep it here.
    assert (
        c.post(f"/api/hardware/{hw.id}/move", json={"rack_id": RackFactory(room=room).id, "position": 3}).status_code
        == 200
    )
    assert c.post(f"/api/hardware/{hw.id}/unmount", json={"status": "planned"}).status_code == 200
    assert c.delete(f"/api/hardware/{hw.id}").status_code == 403
    db.expire_all()
    assert hw.status is HardwareStatus.planned


def test_dedicated_hardware_is_the_suppliers_and_not_retained(api, db):
    """D1: dedicated hardware is the supplier's property, so a lien on the customer (K10) does not retain it."""
    dedicated = ContractFactory(service=Service.dedicated)
    BreachFactory(customer=dedicated.customer)
    hw = _mounted(db, dedicated)
    _liened(api, dedicated.customer)
    assert api(Role.technician).post(f"/api/hardware/{hw.id}/unmount", json={"status": "removed"}).status_code == 200


def test_release_is_refused_while_anything_is_unpaid_even_not_yet_due(api, db):
    contract = ContractFactory()
    breach = BreachFactory(customer=contract.customer)
    lien = _liened(api, contract.customer)
    InvoiceFactory(contract=contract, issue_date=TODAY, amount_cents=5000)  # due in 14 days
    c = api(Role.account_manager)
    c.post(f"/api/breaches/{breach.id}/resolve", json={"resolved_on": TODAY.isoformat(), "resolution": "restored"})
    r = c.post(f"/api/liens/{lien['id']}/release", json={"note": "all clear?"})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10" and "EUR 50.00" in r.text
    invoice = c.get("/api/invoices", params={"customer_id": contract.customer_id}).json()["items"][0]
    c.post(f"/api/invoices/{invoice['id']}/payments", json={"paid_on": TODAY.isoformat(), "amount_cents": 5000})
    r = c.post(f"/api/liens/{lien['id']}/release", json={"note": "paid in full"})
    assert r.status_code == 200
    assert r.json()["released_by"] == c.user.username and r.json()["released_at"]
    assert c.post(f"/api/liens/{lien['id']}/release", json={}).status_code == 409
    actions = [e.action for e in db.scalars(select(audit.AuditEvent).where(audit.AuditEvent.object_type == "lien"))]
    assert actions == ["create", "update"]


def test_one_lien_stands_at_a_time(api):
    customer = BreachFactory().customer
    _liened(api, customer)
    r = api(Role.account_manager).post("/api/liens", json={"customer_id": customer.id})
    assert r.status_code == 409


def test_retained_hardware_is_marked_in_lists_detail_and_elevation(api, login, db):
    contract = ContractFactory()
    BreachFactory(customer=contract.customer)
    hw = _mounted(db, contract)
    c = login(Role.technician)
    assert "LIEN" not in c.get(f"/hardware/{hw.id}").text
    _liened(api, contract.customer)
    assert "LIEN (K10)" in c.get(f"/hardware/{hw.id}").text
    assert "LIEN (K10)" in c.get("/hardware", params={"q": hw.asset_tag}).text
    svg = c.get(f"/racks/{hw.rack_id}/elevation.svg").text
    assert ">LIEN</text>" in svg and "rule K10" in svg
    assert ">LIEN</text>" in c.get(f"/racks/{hw.rack_id}").text
    r = c.form(f"/hardware/{hw.id}/unmount", {"status": "removed"})
    assert r.status_code == 403 and "rule K10" in r.text


def test_lien_pages_place_and_release(login, db):
    contract = ContractFactory()
    BreachFactory(customer=contract.customer)
    c = login(Role.account_manager)
    assert "Place lien" in c.get(f"/customers/{contract.customer_id}").text
    r = c.form("/liens/new", {"customer_id": contract.customer_id, "note": "retain"})
    assert r.status_code == 200 and "Release lien" in r.text
    lien = db.scalars(select(Lien).where(Lien.customer_id == contract.customer_id)).one()
    r = c.form(f"/liens/{lien.id}/release", {"note": "done"})
    assert r.status_code == 200 and "released" in r.text


def test_release_page_refuses_with_the_rule_while_an_invoice_is_open(login, db):
    contract = ContractFactory()
    InvoiceFactory(contract=contract, issue_date=TODAY - 30 * DAY, amount_cents=7_50)
    c = login(Role.account_manager)
    c.form("/liens/new", {"customer_id": contract.customer_id})
    lien = db.scalars(select(Lien).where(Lien.customer_id == contract.customer_id)).one()
    assert "in payment default" in lien.grounds
    r = c.form(f"/liens/{lien.id}/release", {"note": "please"})
    assert r.status_code == 403 and "rule K10" in r.text and "EUR 7.50 unpaid" in r.text
    db.expire_all()
    assert lien.released_at is None
