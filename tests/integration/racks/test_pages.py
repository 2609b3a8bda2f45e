"""Inventory pages: forms keep what was typed, elevations show owner and ownership, room view is O(1) in SQL."""

from sqlalchemy import select

from dcops.auth.models import Role
from dcops.racks import service
from dcops.racks.models import Hardware, Rack, RackKind, Site
from dcops.racks.schemas import MountIn
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory


def mounted(rack, position, **kw):
    hw = HardwareFactory(**kw)
    service.mount(HardwareFactory._meta.sqlalchemy_session, hw, MountIn(rack_id=rack.id, position=position), "t")
    return hw


def test_site_form_creates_and_redirects_with_a_message(login, db):
    c = login(Role.technician)
    r = c.form("/sites/new", {"code": "EHV1", "name": "Eindhoven", "timezone": "Europe/Amsterdam"})
    assert r.status_code == 200 and r.url.path == "/sites" and "Site created" in r.text
    assert db.scalars(select(Site).where(Site.code == "EHV1")).one().name == "Eindhoven"


def test_a_site_time_zone_that_is_not_one_is_a_field_error(login, api, db):
    c = login(Role.technician)
    r = c.form("/sites/new", {"code": "EHV1", "name": "Eindhoven", "timezone": "Europe/Eindhoven"})
    assert r.status_code == 422 and 'value="Europe/Eindhoven"' in r.text
    assert "Europe/Eindhoven is not a time zone" in r.text
    r = api(Role.admin).post("/api/sites", json={"code": "EHV1", "name": "Eindhoven", "timezone": "CET+1"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "timezone" in r.text and "CET+1 is not a time zone" in r.text
    assert db.scalars(select(Site).where(Site.code == "EHV1")).first() is None


def test_invalid_rack_form_rerenders_with_input_and_field_errors(login, db):
    c = login(Role.technician)
    room = RoomFactory()
    r = c.form(
        "/racks/new",
        {
            "room_id": room.id,
            "name": "Typed name",
            "u_height": "70",
            "kind": "shared",
            "power_budget_w": "-5",
            "status": "active",
        },
    )
    assert r.status_code == 422
    assert 'value="Typed name"' in r.text and 'value="70"' in r.text
    assert r.text.count('class="field-error"') == 2
    assert db.scalars(select(Rack).where(Rack.name == "Typed name")).first() is None


def test_rack_page_elevation_shows_owner_and_ownership(login, db):
    c = login(Role.security)
    customer = CustomerFactory(name="Zeeland Zorg B.V.")
    rack = RackFactory(name="E01")
    mounted(rack, 10, name="zz-db-01", u_height=2, contract=ContractFactory(customer=customer, service="colocation"))
    mounted(rack, 20, name="ded-01", u_height=2, contract=ContractFactory(customer=customer, service="dedicated"))
    r = c.get(f"/racks/{rack.id}")
    assert r.status_code == 200
    assert "zz-db-01" in r.text and "Zeeland Zorg B.V. · customer (K1)" in r.text
    assert "Zeeland Zorg B.V. · supplier (D1)" in r.text
    assert "mount here" not in r.text  # security may not mount
    assert "U1–U9, U12–U19, U22–U42" in r.text and "largest block 21U" in r.text


def test_empty_units_link_to_mount_here_for_technicians(login, db):
    c = login(Role.technician)
    rack = RackFactory(u_height=10)
    spare = HardwareFactory(name="spare-01")
    svg = c.get(f"/racks/{rack.id}").text
    assert f"/racks/{rack.id}/mount?position=7&amp;face=front" in svg
    page = c.get(f"/racks/{rack.id}/mount?position=7&face=front")
    assert "spare-01" in page.text and 'value="7"' in page.text
    r = c.form(f"/racks/{rack.id}/mount", {"hardware_id": spare.id, "position": 7, "face": "front"})
    assert r.url.path == f"/racks/{rack.id}" and "Hardware mounted" in r.text
    db.refresh(spare)
    assert spare.position == 7


def test_mount_form_conflict_keeps_the_choice_and_names_the_occupant(login, db):
    c = login(Role.technician)
    rack = RackFactory()
    mounted(rack, 5, name="occupant")
    hw = HardwareFactory()
    r = c.form(f"/hardware/{hw.id}/mount", {"rack_id": rack.id, "position": 5, "face": "front"})
    assert r.status_code == 409 and "U5 taken by occupant" in r.text
    assert f'<option value="{rack.id}" selected' in r.text and 'value="5"' in r.text


def test_move_and_unmount_forms(login, db):
    c = login(Role.technician)
    a, b = RackFactory(), RackFactory()
    hw = mounted(a, 1)
    form = c.get(f"/hardware/{hw.id}/move").text
    assert "On what basis" in form and "rule K8" in form  # colocation hardware: the basis is asked for
    # each basis' fields together under it, named once
    message, action = form.split("<legend>")[1:3]
    assert message.startswith("The customer&#39;s message") and 'name="message_from"' in message
    assert 'name="message_reference"' in message.split("</fieldset>")[0] and "Customer&#39;s message:" not in form
    assert action.startswith("The supplier&#39;s action") and 'name="reason"' in action and 'name="emergency"' in action
    r = c.form(f"/hardware/{hw.id}/move", {"rack_id": b.id, "position": 12, "face": "rear", "basis": "supplier_action"})
    assert r.status_code == 422 and "Art. 12.7, rule K8" in r.text and 'value="12"' in r.text  # the reason is missing
    asked = {
        "rack_id": b.id,
        "position": 12,
        "face": "rear",
        "basis": "customer_request",
        "message_from": "J. Jansen",
        "message_on": "2026-05-30",
        "message_channel": "email",
        "message_reference": "<move-42@example.nl>",
    }
    r = c.form(f"/hardware/{hw.id}/move", asked)
    assert r.url.path == f"/hardware/{hw.id}" and "move done" in r.text
    assert "customer request" in r.text  # the recorded request is on the hardware's page
    r = c.form(
        f"/hardware/{hw.id}/unmount",
        {"status": "removed", "basis": "supplier_action", "reason": "Overheating, taken out for the customer"},
    )
    db.refresh(hw)
    assert hw.rack_id is None and hw.status.value == "removed"
    assert c.get(f"/hardware/{hw.id}/explode").status_code == 404


def test_supplier_hardware_moves_without_a_basis(login, db):
    c = login(Role.technician)
    a, b = RackFactory(), RackFactory()
    hw = HardwareFactory(contract=None)
    service.mount(db, hw, MountIn(rack_id=a.id, position=1), "test")
    assert "On what basis" not in c.get(f"/hardware/{hw.id}/move").text
    r = c.form(f"/hardware/{hw.id}/move", {"rack_id": b.id, "position": 12, "face": "rear"})
    assert r.url.path == f"/hardware/{hw.id}" and "move done" in r.text


def test_private_rack_form_lets_it_to_a_customer(login, db):
    c = login(Role.account_manager)
    room, customer = RoomFactory(), CustomerFactory()
    r = c.form(
        "/racks/new",
        {
            "room_id": room.id,
            "name": "P7",
            "u_height": 42,
            "kind": "private",
            "customer_id": customer.id,
            "power_budget_w": 0,
            "status": "active",
        },
    )
    rack = db.scalars(select(Rack).where(Rack.name == "P7")).one()
    assert r.url.path == f"/racks/{rack.id}" and rack.kind is RackKind.private and rack.customer_id == customer.id


def test_hardware_list_searches_filters_and_answers_htmx_with_rows_only(login, db):
    c = login(Role.security)
    HardwareFactory(name="findme-01")
    HardwareFactory(name="other-01")
    full = c.get("/hardware", params={"q": "FINDME"})
    assert "findme-01" in full.text and "other-01" not in full.text and "<html" in full.text
    partial = c.get("/hardware", params={"q": "findme"}, headers={"HX-Request": "true"})
    assert "findme-01" in partial.text and "<html" not in partial.text
    assert "No hardware matches" in c.get("/hardware", params={"q": "nothing-like-this"}).text


def test_hardware_list_paginates(login, db):
    c = login(Role.security)
    for i in range(5):
        HardwareFactory(name=f"page-{i}")
    r = c.get("/hardware", params={"q": "page-", "limit": 2, "offset": 2})
    assert "page-2" in r.text and "page-1" not in r.text and "3–4 of 5" in r.text and "Next" in r.text


def test_room_view_renders_every_rack_in_a_fixed_number_of_statements(login, db, count_statements):
    c = login(Role.technician)

    def statements_for(racks: int) -> int:
        room = RoomFactory()
        for i in range(racks):
            rack = RackFactory(room=room)
            mounted(rack, 1 + i % 3, contract=ContractFactory())
        db.expire_all()
        counter = count_statements()
        r = c.get(f"/rooms/{room.id}")
        assert r.status_code == 200 and r.text.count('<div class="ru"') == racks
        return counter.count

    assert statements_for(3) == statements_for(12)


def test_security_cannot_edit_inventory_pages(login, db):
    c = login(Role.security)
    hw = HardwareFactory()
    assert c.get(f"/hardware/{hw.id}/edit").status_code == 403
    r = c.form(f"/hardware/{hw.id}/edit", {"name": "x", "asset_tag": "y", "u_height": 1})
    assert r.status_code == 403 and "may not do this" in r.text
    db.refresh(hw)
    assert hw.name != "x"


def test_missing_objects_get_a_404_page(login):
    r = login(Role.security).get("/racks/999999")
    assert r.status_code == 404 and "rack 999999 does not exist" in r.text


def test_delete_in_use_is_refused_with_a_reason(login, db):
    c = login(Role.technician)
    rack = RackFactory()
    mounted(rack, 1)
    r = c.form(f"/racks/{rack.id}/delete")
    assert r.status_code == 409 and "still holds hardware" in r.text
    assert db.get(Rack, rack.id) is not None
    assert db.scalar(select(Hardware).where(Hardware.rack_id == rack.id)) is not None
