"""Every create, edit and delete form, end to end through the pages, in the order a person would use them."""

from sqlalchemy import select

from dcops.auth.models import Role, User
from dcops.customers.models import Contract, Customer
from dcops.racks.models import Hardware, Rack, Room, Site
from tests.factories import UserFactory


def one(db, model, **where):
    return db.scalars(select(model).filter_by(**where)).one_or_none()


def test_inventory_forms_create_edit_delete(login, db):
    c = login(Role.technician)
    c.form("/sites/new", {"code": "LC1", "name": "Lifecycle", "timezone": "Europe/Amsterdam"})
    site = one(db, Site, code="LC1")
    c.form(f"/sites/{site.id}/edit", {"code": "LC1", "name": "Lifecycle DC", "timezone": "Europe/Amsterdam"})
    c.form("/rooms/new", {"site_id": site.id, "code": "Z1", "name": "Zaal"})
    room = one(db, Room, code="Z1", site_id=site.id)
    c.form(f"/rooms/{room.id}/edit", {"site_id": site.id, "code": "Z1", "name": "Zaal een"})
    c.form("/racks/new", {"room_id": room.id, "name": "L01", "u_height": 42, "kind": "shared", "status": "active"})
    rack = one(db, Rack, name="L01", room_id=room.id)
    r = c.form(
        f"/racks/{rack.id}/edit",
        {
            "room_id": room.id,
            "name": "L01",
            "u_height": 45,
            "kind": "shared",
            "power_budget_w": 3000,
            "status": "active",
        },
    )
    assert r.url.path == f"/racks/{rack.id}"
    r = c.form("/hardware/new", {"name": "lc-01", "asset_tag": "LC-1", "u_height": 2, "full_depth": "on"})
    hw = one(db, Hardware, asset_tag="LC-1")
    assert r.url.path == f"/hardware/{hw.id}"
    c.form(f"/hardware/{hw.id}/edit", {"name": "lc-01b", "asset_tag": "LC-1", "u_height": 2, "power_draw_w": 400})
    c.form(f"/hardware/{hw.id}/mount", {"rack_id": rack.id, "position": 1, "face": "front"})
    db.expire_all()
    assert (site.name, room.name, rack.u_height, rack.power_budget_w) == ("Lifecycle DC", "Zaal een", 45, 3000)
    assert (hw.name, hw.power_draw_w, hw.full_depth, hw.position) == ("lc-01b", 400, False, 1)

    # Deleting what is in use is refused with the reason; in order, everything goes.
    assert "unmount it before deleting" in c.form(f"/hardware/{hw.id}/delete").text
    assert "still has racks" in c.form(f"/rooms/{room.id}/delete").text
    assert "still has rooms" in c.form(f"/sites/{site.id}/delete").text
    c.form(f"/hardware/{hw.id}/unmount", {"status": "removed"})
    gone = ((Hardware, hw.id), (Rack, rack.id), (Room, room.id), (Site, site.id))
    for path in (
        f"/hardware/{hw.id}/delete",
        f"/racks/{rack.id}/delete",
        f"/rooms/{room.id}/delete",
        f"/sites/{site.id}/delete",
    ):
        assert c.form(path).status_code == 200, path
    db.expire_all()
    assert [one(db, m, id=i) for m, i in gone] == [None] * 4


def test_customer_forms_edit_and_delete(login, db):
    c = login(Role.account_manager)
    c.form("/customers/new", {"name": "Tijdelijk", "kind": "consumer"})
    customer = one(db, Customer, name="Tijdelijk")
    c.form(f"/customers/{customer.id}/edit", {"name": "Tijdelijk", "kind": "consumer", "phone": "+31 6 1234 5678"})
    c.form(
        "/contracts/new",
        {
            "number": "TMP-1",
            "customer_id": customer.id,
            "service": "dedicated",
            "start_date": "2026-02-01",
            "payment_term_days": 14,
            "status": "draft",
        },
    )
    contract = one(db, Contract, number="TMP-1")
    assert "has contracts" in c.form(f"/customers/{customer.id}/delete").text
    c.form(f"/contracts/{contract.id}/delete")
    c.form(f"/customers/{customer.id}/delete")
    db.expire_all()
    assert one(db, Contract, number="TMP-1") is None and one(db, Customer, name="Tijdelijk") is None


def test_admin_deactivates_and_reactivates_a_user(login, db):
    admin = login(Role.admin)
    user = UserFactory()
    assert "is now inactive" in admin.form(f"/users/{user.id}/active", {"active": "0"}).text
    db.refresh(user)
    assert not user.active
    admin.form(f"/users/{user.id}/active", {"active": "1"})
    db.refresh(user)
    assert one(db, User, id=user.id).active
