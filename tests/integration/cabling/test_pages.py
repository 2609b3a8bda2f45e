"""Cabling over HTML: ports on the hardware page, the cable form with the A3 verdict before saving and the
one-tap breach, traces, label sheets and the label scanner."""

import re

from sqlalchemy import select

from dcops.auth.models import Role
from dcops.cabling import service as cabling
from dcops.cabling.models import Cable, PortKind
from dcops.cabling.schemas import CableIn, PortsIn
from dcops.customers.models import Breach
from dcops.racks.models import RackKind
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory


def _setup(db):
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer)
    room = RoomFactory()
    shared = RackFactory(room=room, name="S01")
    private = RackFactory(room=room, kind=RackKind.private, customer=customer, name="P01")
    own = HardwareFactory(contract=contract, name="own-srv")
    sw = HardwareFactory(contract=None, name="shared-sw")
    mount(db, own, MountIn(rack_id=private.id, position=1), "t")
    mount(db, sw, MountIn(rack_id=shared.id, position=1), "t")
    own_ports = cabling.create_ports(db, own, PortsIn(prefix="eth", count=2, kind=PortKind.copper), "t")
    sw_ports = cabling.create_ports(db, sw, PortsIn(prefix="ge", count=2, kind=PortKind.copper), "t")
    return customer, shared, own, sw, own_ports, sw_ports


def test_the_cable_form_shows_a3_before_saving_and_records_a_breach_in_one_tap(login, db):
    customer, shared, own, sw, own_ports, sw_ports = _setup(db)
    tech = login(Role.technician)
    form = tech.get(f"/cables/new?a_hardware={own.id}")
    assert form.status_code == 200 and 'hx-post="/cables/check"' in form.text
    assert "Free port on own-srv" in form.text and "eth1 (copper)" in form.text  # the A end picked device-first
    data = {
        "a_port_id": own_ports[0].id,
        "b_port_id": sw_ports[0].id,
        "installed_by": "customer",
        "customer_id": customer.id,
        "installer_name": "Piet",
        "route": "in_rack",
        "type": "cat6a",
        "length_unit": "m",
        "status": "connected",
    }
    preview = tech.form("/cables/check", data, headers={"HX-Request": "true"})
    assert 'data-a3="deny"' in preview.text and "shared rack S01" in preview.text
    r = tech.form("/cables/new", data)
    assert r.status_code == 403 and "Art. 13.3 (rule A3)" in r.text and "Record as breach" in r.text
    assert 'value="Piet"' in r.text  # what was typed stays
    r = tech.form("/cables/breach", data)
    assert r.status_code == 200 and "13.3" in r.text
    breach = db.scalars(select(Breach).where(Breach.customer_id == customer.id)).one()
    assert breach.article == "13.3" and "Piet" in breach.description
    ok = tech.form("/cables/check", {**data, "installed_by": "supplier", "customer_id": ""})
    assert 'data-a3="allow"' in ok.text
    r = tech.form("/cables/new", {**data, "installed_by": "supplier", "customer_id": "", "label": "X-1"})
    assert r.status_code == 200 and "Cable recorded" in r.text
    page = tech.get(f"/hardware/{own.id}").text
    assert "X-1" in page and "shared-sw" in page and "free" in page


def test_trace_labels_and_scan_pages(login, db, settings):
    _, shared, own, sw, own_ports, sw_ports = _setup(db)
    cable = cabling.create_cable(
        db, CableIn(a_port_id=own_ports[0].id, b_port_id=sw_ports[0].id, type="cat6a", colour="blue"), "t"
    )
    c = login(Role.technician)
    trace = c.get(f"/ports/{own_ports[0].id}/trace").text
    assert "own-srv" in trace and "shared-sw" in trace and cable.label in trace and "<svg" in trace
    sheet = c.get(f"/labels?kind=hardware&rack_id={shared.id}&cols=2&rows=5")
    assert sheet.status_code == 200 and "shared-sw" in sheet.text
    assert 'class="label-sheet s56x32 cols2"' in sheet.text  # 2 columns of 56 × 32 mm (dcops.css)
    flags = c.get(f"/labels?kind=cable&rack_id={shared.id}&size=25x10")
    assert cable.label in flags.text and "A P01 own-srv eth1" in flags.text and "B S01 shared-sw ge1" in flags.text
    assert 'class="label-sheet s25x10 cols3"' in flags.text and len(re.findall(r'class="label"', flags.text)) == 1
    svg = c.get(f"/labels/hardware/{sw.id}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content
    assert "Start the camera" in c.get("/scan").text
    assert db.scalar(select(Cable.id)) == cable.id
