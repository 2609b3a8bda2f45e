"""The cable form picks each end device-first: type the hardware's name or asset tag (or scan its label, a QR
holding …/hardware/<id>), then choose among its free ports. htmx asks GET /cables/pick/<end>; without script the
form's Find and hardware buttons post it back with everything typed. Two ports of one device are warned about
and saved only when confirmed; a taken port posted anyway is refused, with a link to the cable on it."""

from __future__ import annotations

import re

from sqlalchemy import select

from dcops.auth.models import Role
from dcops.cabling import service as cabling
from dcops.cabling.models import Cable, PortKind
from dcops.cabling.schemas import CableIn, PortsIn
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import HardwareFactory, RackFactory

FORM = {
    "installed_by": "supplier",
    "customer_id": "",
    "route": "in_rack",
    "type": "cat6a",
    "length_unit": "m",
    "status": "connected",
}


def _setup(db):  # type: ignore[no-untyped-def]
    rack = RackFactory(name="S01")
    srv = HardwareFactory(contract=None, name="pick-srv", asset_tag="AT-PICK-1")
    sw = HardwareFactory(contract=None, name="pick-sw", asset_tag="AT-PICK-2")
    mount(db, srv, MountIn(rack_id=rack.id, position=1), "t")
    mount(db, sw, MountIn(rack_id=rack.id, position=2), "t")
    srv_ports = cabling.create_ports(db, srv, PortsIn(prefix="eth", count=3, kind=PortKind.copper), "t")
    sw_ports = cabling.create_ports(db, sw, PortsIn(prefix="ge", count=2, kind=PortKind.copper), "t")
    return srv, sw, srv_ports, sw_ports


def _ports_offered(html: str, end: str) -> list[str]:
    found = html.split(f'id="f-{end}_port_id"', 1)
    if len(found) < 2:
        return []
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', found[1].split("</select>", 1)[0])


def test_typing_finds_the_hardware_and_offers_only_its_free_ports(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    other = HardwareFactory(contract=None, name="far-away")
    far_ports = cabling.create_ports(db, other, PortsIn(prefix="p", count=1, kind=PortKind.copper), "t")
    cabling.create_cable(db, CableIn(a_port_id=srv_ports[0].id, b_port_id=far_ports[0].id, type="cat6a"), "t")
    tech = login(Role.technician)
    r = tech.get("/cables/pick/a", params={"a_q": "pick-s"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "pick-srv · AT-PICK-1 · S01 U1" in r.text and "pick-sw · AT-PICK-2" in r.text
    assert "<html" not in r.text and _ports_offered(r.text, "a") == []  # two found: tap one
    r = tech.get("/cables/pick/a", params={"a_q": "pick-s", "pick_a": srv.id}, headers={"HX-Request": "true"})
    assert _ports_offered(r.text, "a") == ["eth2 (copper)", "eth3 (copper)"]  # eth1 is taken: not offered
    assert 'aria-pressed="true"' in r.text and f'name="a_hardware" value="{srv.id}"' in r.text
    # an asset tag found alone is chosen at once, with its ports
    r = tech.get("/cables/pick/b", params={"b_q": "at-pick-2"}, headers={"HX-Request": "true"})
    assert _ports_offered(r.text, "b") == ["ge1 (copper)", "ge2 (copper)"]
    assert "No hardware matches" in tech.get("/cables/pick/b", params={"b_q": "zzz-nothing"}).text
    assert tech.get("/cables/pick/c", params={"c_q": "pick"}).status_code == 404


def test_a_scanned_hardware_label_chooses_that_hardware(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    r = login(Role.technician).get("/cables/pick/b", params={"b_q": f"https://dcops.example/hardware/{sw.id}"})
    assert "pick-sw · AT-PICK-2" in r.text and _ports_offered(r.text, "b") == ["ge1 (copper)", "ge2 (copper)"]


def test_without_script_the_form_finds_and_picks_by_posting_back(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    tech = login(Role.technician)
    form = tech.get(f"/cables/new?a_hardware={srv.id}").text
    assert _ports_offered(form, "a") == ["eth1 (copper)", "eth2 (copper)", "eth3 (copper)"]
    assert 'name="find" value="b"' in form and "Find the hardware first" in form
    data = {**FORM, "a_hardware": srv.id, "a_port_id": srv_ports[1].id, "b_q": "pick", "colour": "blue"}
    r = tech.form("/cables/new", {**data, "find": "b"})
    assert r.status_code == 200 and 'value="blue"' in r.text  # nothing typed is lost
    assert f'name="pick_b" value="{sw.id}"' in r.text and _ports_offered(r.text, "b") == []
    r = tech.form("/cables/new", {**data, "pick_b": sw.id})
    assert _ports_offered(r.text, "b") == ["ge1 (copper)", "ge2 (copper)"]
    assert re.search(rf'<option value="{srv_ports[1].id}" selected', r.text)  # the A end's port stays chosen
    r = tech.form("/cables/new", {**data, "b_hardware": sw.id, "b_port_id": sw_ports[0].id, "label": "PICK-1"})
    assert r.status_code == 200 and "Cable recorded" in r.text
    cable = db.scalars(select(Cable).where(Cable.label == "PICK-1")).one()
    assert (cable.a_port_id, cable.b_port_id) == (srv_ports[1].id, sw_ports[0].id)


def test_two_ports_of_one_device_are_warned_about_and_saved_only_when_confirmed(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    tech = login(Role.technician)
    data = {**FORM, "a_port_id": srv_ports[0].id, "b_port_id": srv_ports[1].id, "label": "LOOP-1"}
    preview = tech.form("/cables/check", data, headers={"HX-Request": "true"})
    assert "a cable between two ports of one device (pick-srv)" in preview.text
    assert 'hx-swap-oob="true"' in preview.text and 'name="same_device"' in preview.text
    r = tech.form("/cables/new", data)
    assert r.status_code == 422 and "tick the box to save it anyway" in r.text and 'name="same_device"' in r.text
    assert db.scalars(select(Cable).where(Cable.label == "LOOP-1")).first() is None
    r = tech.form("/cables/new", {**data, "same_device": "on"})
    assert r.status_code == 200 and "Cable recorded" in r.text
    assert db.scalars(select(Cable).where(Cable.label == "LOOP-1")).one()
    other = tech.form("/cables/check", {**data, "b_port_id": sw_ports[0].id})
    assert "one device" not in other.text


def test_a_taken_port_posted_anyway_is_refused_with_a_link_to_its_cable(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    first = cabling.create_cable(db, CableIn(a_port_id=srv_ports[0].id, b_port_id=sw_ports[0].id, type="cat6a"), "t")
    tech = login(Role.technician)
    r = tech.form("/cables/new", {**FORM, "a_port_id": srv_ports[0].id, "b_port_id": sw_ports[1].id})
    assert r.status_code == 409 and f"already has cable {first.label}" in r.text
    assert f'href="/cables/{first.id}"' in r.text


def test_editing_a_cable_offers_its_own_ports(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    cable = cabling.create_cable(db, CableIn(a_port_id=srv_ports[0].id, b_port_id=sw_ports[0].id, type="cat6a"), "t")
    tech = login(Role.technician)
    page = tech.get(f"/cables/{cable.id}/edit").text
    assert "eth1 (copper)" in _ports_offered(page, "a") and "ge1 (copper)" in _ports_offered(page, "b")
    assert re.search(rf'<option value="{srv_ports[0].id}" selected', page)
    r = tech.get("/cables/pick/a", params={"a_q": "AT-PICK-1", "cable": cable.id})
    assert "eth1 (copper)" in _ports_offered(r.text, "a")


def test_the_picker_speaks_dutch(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    tech = login(Role.technician)
    tech.headers["Accept-Language"] = "nl"
    form = tech.get("/cables/new").text
    assert "Zoek eerst de hardware" in form and "Label scannen" in form
    data = {**FORM, "a_port_id": srv_ports[0].id, "b_port_id": srv_ports[1].id}
    r = tech.form("/cables/new", data)
    assert r.status_code == 422 and "twee poorten van één apparaat (pick-srv)" in r.text


def test_the_scan_page_opens_a_typed_code(login, db):
    srv, sw, srv_ports, sw_ports = _setup(db)
    tech = login(Role.technician)
    page = tech.get("/scan").text
    assert 'action="/search"' in page and 'name="q"' in page and "Open" in page
    r = tech.get("/search", params={"q": f"https://dcops.example/hardware/{srv.id}"}, follow_redirects=False)
    assert r.status_code in (301, 302, 303) and r.headers["location"] == f"/hardware/{srv.id}"
    tech.headers["Accept-Language"] = "nl"
    assert "typ de code" in tech.get("/scan").text.lower()


def test_hardware_without_ports_is_told_apart_from_hardware_whose_ports_are_all_cabled(login, db):
    bare = HardwareFactory(contract=None, name="bare-box")
    full = HardwareFactory(contract=None, name="full-box")
    far = HardwareFactory(contract=None, name="far-box")
    (port,) = cabling.create_ports(db, full, PortsIn(prefix="p", count=1, kind=PortKind.copper), "t")
    (far_port,) = cabling.create_ports(db, far, PortsIn(prefix="p", count=1, kind=PortKind.copper), "t")
    cabling.create_cable(db, CableIn(a_port_id=port.id, b_port_id=far_port.id, type="cat6a"), "t")
    tech = login(Role.technician)
    r = tech.get("/cables/pick/a", params={"a_q": "x", "pick_a": bare.id}, headers={"HX-Request": "true"})
    assert "bare-box has no ports recorded." in r.text and f'href="/ports/new?hardware_id={bare.id}"' in r.text
    r = tech.get("/cables/pick/a", params={"a_q": "x", "pick_a": full.id}, headers={"HX-Request": "true"})
    assert "Every port of full-box is cabled." in r.text and f'href="/hardware/{full.id}"' in r.text
    assert "no ports recorded" not in r.text
