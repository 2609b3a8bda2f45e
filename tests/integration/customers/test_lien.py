"""K10: a lien on a failing customer with something due keeps its own hardware in, and ends by itself the moment
nothing due is unpaid; invoices not yet due do not keep it standing."""

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
ASKED = {
    "basis": "customer_request",
    "message_from": "J. Jansen",
    "message_on": TODAY.isoformat(),
    "message_channel": "email",
    "message_reference": "<out-1@example.nl>",
}


def _mounted(db, contract, rack=None, **kw):
    hw = HardwareFactory(contract=contract, **kw)
    racks.mount(db, hw, MountIn(rack_id=(rack or RackFactory()).id, position=1), "test")
    return hw


def _overdue(contract, cents=500_00):
    """An invoice 16 days past its due date: a business is in default (S2) with an amount due (K10)."""
    return InvoiceFactory(contract=contract, issue_date=TODAY - 30 * DAY, amount_cents=cents)


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


def test_no_lien_without_an_amount_due(api):
    """K10 secures a due claim (BW 3:290): a customer failing on a breach alone owes nothing to retain for."""
    contract = ContractFactory()
    BreachFactory(customer=contract.customer, contract=contract)
    InvoiceFactory(contract=contract, issue_date=TODAY, amount_cents=900_00)  # not yet due
    r = api(Role.account_manager).post("/api/liens", json={"customer_id": contract.customer_id})
    assert r.status_code == 403 and [x["rule"] for x in r.json()["reasons"]] == ["K10"]
    assert "no lien without an amount due" in r.json()["reasons"][0]["message"]


def test_lien_blocks_removal_outbound_move_and_hand_over_but_not_work_inside(api, db):
    contract = ContractFactory()
    _overdue(contract)
    room = RoomFactory()
    hw = _mounted(db, contract, RackFactory(room=room))
    lien = _liened(api, contract.customer)
    assert lien["placed_by"] and "in payment default" in lien["grounds"] and lien["in_force"]
    c = api(Role.technician)

    r = c.post(f"/api/hardware/{hw.id}/unmount", json={"status": "removed", **ASKED})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10"
    other_site = RackFactory()  # a new room on a new site
    r = c.post(f"/api/hardware/{hw.id}/move", json={"rack_id": other_site.id, "position": 5, **ASKED})
    assert r.status_code == 403 and "moved to site" in r.json()["reasons"][0]["message"]
    other_customer = ContractFactory()
    r = c.patch(f"/api/hardware/{hw.id}", json={"contract_id": other_customer.id})
    assert r.status_code == 403 and r.json()["reasons"][0]["rule"] == "K10"
    # Inside the datacenter the work goes on: a move within the site, and unmounting to keep it here.
    inside = RackFactory(room=room).id
    assert c.post(f"/api/hardware/{hw.id}/move", json={"rack_id": inside, "position": 3, **ASKED}).status_code == 200
    assert c.post(f"/api/hardware/{hw.id}/unmount", json={"status": "planned", **ASKED}).status_code == 200
    assert c.delete(f"/api/hardware/{hw.id}").status_code == 403
    db.expire_all()
    assert hw.status is HardwareStatus.planned


def test_hardware_a_third_party_owns_is_not_retained(api, db):
    """K1/K10: leased or financed hardware is not the customer's; a lien on the customer does not keep it."""
    contract = ContractFactory()
    _overdue(contract)
    leased = _mounted(db, contract, third_party_owner="Lease Bank N.V.")
    own = _mounted(db, contract)
    _liened(api, contract.customer)
    c = api(Role.technician)
    assert c.post(f"/api/hardware/{own.id}/unmount", json={"status": "removed", **ASKED}).status_code == 403
    r = c.post(f"/api/hardware/{leased.id}/unmount", json={"status": "removed", **ASKED})
    assert r.status_code == 200 and r.json()["owner"] == "third_party"


def test_dedicated_hardware_is_the_suppliers_and_not_retained(api, db):
    """D1: dedicated hardware is the supplier's property, so a lien on the customer (K10) does not retain it."""
    dedicated = ContractFactory(service=Service.dedicated)
    _overdue(dedicated)
    hw = _mounted(db, dedicated)
    _liened(api, dedicated.customer)
    assert api(Role.technician).post(f"/api/hardware/{hw.id}/unmount", json={"status": "removed"}).status_code == 200


def test_the_lien_ends_the_moment_the_last_due_amount_is_paid_though_an_invoice_not_yet_due_is_open(api, db):
    contract = ContractFactory()
    overdue = _overdue(contract, 5000)
    lien = _liened(api, contract.customer)
    InvoiceFactory(contract=contract, issue_date=TODAY, amount_cents=9000)  # due in 14 days: keeps nothing
    c = api(Role.account_manager)
    c.post(f"/api/invoices/{overdue.id}/payments", json={"paid_on": TODAY.isoformat(), "amount_cents": 4000})
    assert c.get(f"/api/liens/{lien['id']}").json()["in_force"]  # EUR 10.00 is still due
    c.post(f"/api/invoices/{overdue.id}/payments", json={"paid_on": TODAY.isoformat(), "amount_cents": 1000})
    ended = c.get(f"/api/liens/{lien['id']}").json()
    assert ended["released_by"] == "dcops" and ended["ended_by_itself"] and not ended["in_force"]
    assert "rule K10" in ended["release_note"]
    standing = c.get(f"/api/customers/{contract.customer_id}/standing").json()
    assert standing["lien_id"] is None and not standing["lien_in_force"]
    assert c.post(f"/api/liens/{lien['id']}/release", json={}).status_code == 409
    actions = [e.action for e in db.scalars(select(audit.AuditEvent).where(audit.AuditEvent.object_type == "lien"))]
    assert actions == ["create", "update"]  # placed, then ended by dcops in the payment's transaction


def test_the_supplier_may_give_up_a_lien_at_any_time(api):
    contract = ContractFactory()
    _overdue(contract)
    lien = _liened(api, contract.customer)
    c = api(Role.account_manager)
    r = c.post(f"/api/liens/{lien['id']}/release", json={"note": "payment plan agreed"})
    assert r.status_code == 200 and r.json()["released_by"] == c.user.username and not r.json()["ended_by_itself"]


def test_one_lien_stands_at_a_time(api):
    contract = ContractFactory()
    _overdue(contract)
    _liened(api, contract.customer)
    r = api(Role.account_manager).post("/api/liens", json={"customer_id": contract.customer_id})
    assert r.status_code == 409


def test_retained_hardware_is_marked_in_lists_detail_and_elevation(api, login, db):
    contract = ContractFactory()
    overdue = _overdue(contract)
    hw = _mounted(db, contract)
    c = login(Role.technician)
    assert "LIEN" not in c.get(f"/hardware/{hw.id}").text
    _liened(api, contract.customer)
    assert "LIEN (K10)" in c.get(f"/hardware/{hw.id}").text
    assert "LIEN (K10)" in c.get("/hardware", params={"q": hw.asset_tag}).text
    svg = c.get(f"/racks/{hw.rack_id}/elevation.svg").text
    assert ">LIEN</text>" in svg and "rule K10" in svg
    assert ">LIEN</text>" in c.get(f"/racks/{hw.rack_id}").text
    r = c.form(f"/hardware/{hw.id}/unmount", {"status": "removed", **ASKED})
    assert r.status_code == 403 and "rule K10" in r.text
    api(Role.account_manager).post(
        f"/api/invoices/{overdue.id}/payments", json={"paid_on": TODAY.isoformat(), "amount_cents": 500_00}
    )
    assert "LIEN" not in c.get(f"/hardware/{hw.id}").text


def test_lien_pages_place_and_release(login, db):
    contract = ContractFactory()
    _overdue(contract)
    c = login(Role.account_manager)
    assert "Place lien" in c.get(f"/customers/{contract.customer_id}").text
    r = c.form("/liens/new", {"customer_id": contract.customer_id, "note": "retain"})
    assert r.status_code == 200 and "Release lien" in r.text and "in force" in r.text
    assert "ends by itself once nothing due is unpaid" in r.text
    lien = db.scalars(select(Lien).where(Lien.customer_id == contract.customer_id)).one()
    history = c.get(f"/customers/{contract.customer_id}").text.split('id="liens"')[1]
    assert '<span class="badge lien">standing</span>' in history and "released" not in history
    r = c.form(f"/liens/{lien.id}/release", {"note": "done"})
    assert r.status_code == 200 and "released" in r.text
    history = c.get(f"/customers/{contract.customer_id}").text.split('id="liens"')[1]
    assert "badge lien" not in history and "released " in history


def test_the_lien_page_shows_a_lien_ended_by_itself(login, api, db):
    contract = ContractFactory()
    overdue = _overdue(contract, 7_50)
    c = login(Role.account_manager)
    c.form("/liens/new", {"customer_id": contract.customer_id})
    lien = db.scalars(select(Lien).where(Lien.customer_id == contract.customer_id)).one()
    assert "in payment default" in lien.grounds
    r = c.form(f"/invoices/{overdue.id}/payments", {"paid_on": TODAY.isoformat(), "amount_cents": "7,50"})
    assert r.status_code == 200
    page = c.get(f"/liens/{lien.id}").text
    assert "ended by itself: nothing due unpaid" in page and "Release lien" not in page
