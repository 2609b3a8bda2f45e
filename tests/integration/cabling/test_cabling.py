"""Ports, cables, A3, traces and labels through the API; one cable per port under concurrency (PostgreSQL)."""

import io
from types import SimpleNamespace

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import delete, func, select

from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.cabling import service as cabling
from dcops.cabling.models import Cable, CableEnd, Port, PortKind
from dcops.cabling.schemas import CableIn, PortIn
from dcops.customers.models import Breach
from dcops.db import make_sessionmaker
from dcops.errors import Conflict
from dcops.racks import service
from dcops.racks.models import Hardware, Rack, RackKind, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn
from dcops.racks.service import mount
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory
from tests.races import race


def _mounted(rack, position, **kw):
    hw = HardwareFactory(**kw)
    db = HardwareFactory._meta.sqlalchemy_session
    mount(db, hw, MountIn(rack_id=rack.id, position=position), "t")
    return hw


def _ports(c, hw, count=2, kind="copper", patch_panel=False, prefix="p"):
    r = c.post(
        f"/api/hardware/{hw.id}/ports",
        json={"prefix": prefix, "count": count, "kind": kind, "patch_panel": patch_panel},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _cable(c, a, b, **kw):
    return c.post("/api/cables", json={"a_port_id": a["id"], "b_port_id": b["id"], "type": "cat6a", **kw})


@pytest.fixture
def floor(api, db):
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer)
    room = RoomFactory()
    shared = RackFactory(room=room)
    private = RackFactory(room=room, kind=RackKind.private, customer=customer)
    return SimpleNamespace(
        c=api(Role.technician), customer=customer, contract=contract, room=room, shared=shared, private=private
    )


def test_a_supplier_cable_is_recorded_with_a_generated_label(floor):
    a = _ports(floor.c, _mounted(floor.shared, 1))[0]
    b = _ports(floor.c, _mounted(floor.shared, 3))[0]
    r = _cable(floor.c, a, b, route="overhead", colour="blue")
    assert r.status_code == 201, r.text
    assert r.json()["label"] == f"CBL-{r.json()['id']:06d}" and r.json()["installed_by"] == "supplier"


def test_a_port_takes_one_cable_and_incompatible_ends_are_refused(floor, db):
    a, a2 = _ports(floor.c, _mounted(floor.shared, 1))
    b = _ports(floor.c, _mounted(floor.shared, 3))[0]
    power = _ports(floor.c, _mounted(floor.shared, 5), count=1, kind="power", prefix="psu")[0]
    fibre = _ports(floor.c, _mounted(floor.shared, 7), count=1, kind="fibre", prefix="sfp")[0]
    assert _cable(floor.c, a, b).status_code == 201
    r = _cable(floor.c, a2, b)
    assert r.status_code == 409 and "already has cable" in r.json()["detail"]
    assert _cable(floor.c, a2, a2).status_code == 422
    r = _cable(floor.c, a2, power)
    assert r.status_code == 422 and "copper port cannot be cabled to a power port" in r.json()["errors"]["b_port_id"]
    assert _cable(floor.c, a2, fibre).status_code == 422
    assert db.scalar(select(func.count()).select_from(CableEnd)) == 2


def test_removing_a_cable_frees_its_ports(floor):
    a = _ports(floor.c, _mounted(floor.shared, 1))[0]
    b = _ports(floor.c, _mounted(floor.shared, 3))[0]
    cable = _cable(floor.c, a, b).json()
    r = floor.c.patch(f"/api/cables/{cable['id']}", json={"status": "removed"})
    assert r.status_code == 200
    assert _cable(floor.c, a, b).status_code == 201


def test_a3_the_customer_cables_only_inside_its_own_private_rack(floor, db):
    own = dict(installed_by="customer", customer_id=floor.customer.id, installer_name="Piet")
    x = _ports(floor.c, _mounted(floor.private, 1, contract=floor.contract))[0]
    y = _ports(floor.c, _mounted(floor.private, 3, contract=floor.contract))[0]
    s = _ports(floor.c, _mounted(floor.shared, 1))[0]
    assert _cable(floor.c, x, y, **own).status_code == 201
    x2, y2 = (_ports(floor.c, db.get(Hardware, p["hardware_id"]), count=1, prefix="q")[0] for p in (x, y))
    r = _cable(floor.c, x2, y2, route="underfloor", **own)
    assert r.status_code == 403 and [x["rule"] for x in r.json()["reasons"]] == ["A3"]
    r = _cable(floor.c, x2, s, **own)
    assert r.status_code == 403 and any("shared rack" in x["message"] for x in r.json()["reasons"])
    check = floor.c.post("/api/cables/check", json={"a_port_id": x2["id"], "b_port_id": s["id"], "type": "cat6", **own})
    assert check.status_code == 200 and check.json()["allowed"] is False
    assert _cable(floor.c, x2, s, route="overhead").status_code == 201  # the supplier may


def test_a_refused_customer_cable_becomes_a_breach_in_one_step(floor, db):
    """A3/S4: a customer cable refused under A3 is recorded as a breach of Art. 13.3 in one step."""
    x = _ports(floor.c, _mounted(floor.private, 1, contract=floor.contract))[0]
    s = _ports(floor.c, _mounted(floor.shared, 1))[0]
    body = {
        "a_port_id": x["id"],
        "b_port_id": s["id"],
        "type": "cat6",
        "installed_by": "customer",
        "customer_id": floor.customer.id,
        "installer_name": "Piet",
    }
    r = floor.c.post("/api/cables/breach", json=body)
    assert r.status_code == 201, r.text
    breach = db.get(Breach, r.json()["breach_id"])
    assert breach.article == "13.3" and breach.customer_id == floor.customer.id and "Piet" in breach.description
    r = floor.c.post("/api/cables/breach", json={**body, "installed_by": "supplier", "customer_id": None})
    assert r.status_code == 422


def test_trace_through_two_patch_panels_in_three_statements(floor, db, count_statements):
    rack = floor.shared
    server = _mounted(rack, 1, name="srv-a")
    pp1, pp2 = _mounted(rack, 10, name="pp-1"), _mounted(rack, 11, name="pp-2")
    switch = _mounted(rack, 20, name="sw-1")
    s_port = _ports(floor.c, server, count=1, prefix="eth")[0]
    p1 = _ports(floor.c, pp1, count=1, patch_panel=True)
    p2 = _ports(floor.c, pp2, count=1, patch_panel=True)
    sw = _ports(floor.c, switch, count=1, prefix="ge")[0]
    front1, rear1 = p1
    front2, rear2 = p2
    assert rear1["pass_through_id"] is None or rear1["pass_through_id"] == front1["id"]
    for a, b in ((s_port, front1), (rear1, rear2), (front2, sw)):
        assert _cable(floor.c, a, b).status_code == 201
    start = db.get(Port, s_port["id"])
    db.expire_all()
    counter = count_statements()
    hops = cabling.trace(db, start)
    assert counter.count == 3
    assert [h.port.label for h in hops] == ["srv-a eth1", "pp-1 p1", "pp-1 p1-R", "pp-2 p1-R", "pp-2 p1", "sw-1 ge1"]
    assert [h.cable is not None for h in hops] == [True, False, True, False, True, False]
    # From a patch panel's port in the middle the path runs two ways: read end to end, the same path.
    for middle in (rear1, front2):
        port = db.get(Port, middle["id"])
        db.expire_all()
        counter = count_statements()
        from_middle = cabling.trace(db, port)
        assert counter.count == 3
        assert [h.port.label for h in from_middle] == [h.port.label for h in hops], middle["name"]
        assert [h.cable and h.cable.id for h in from_middle] == [h.cable and h.cable.id for h in hops]
    r = floor.c.get(f"/api/ports/{sw['id']}/trace")  # and back from the other end
    assert [h["hardware"] for h in r.json()] == ["sw-1", "pp-2", "pp-2", "pp-1", "pp-1", "srv-a"]
    svg = floor.c.get(f"/api/ports/{s_port['id']}/trace.svg")
    assert svg.status_code == 200 and svg.text.count('class="tr-hop"') == 6 and "pass-through" in svg.text


def test_a_label_qr_decodes_to_the_object_s_url(floor, settings):
    hw = _mounted(floor.shared, 1, name="srv-label", serial="SN123")
    r = floor.c.get(f"/api/labels/hardware/{hw.id}/qr.png")
    assert r.status_code == 200
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(r.content)))
    assert [f.text for f in found] == [f"{settings.base_url}/hardware/{hw.id}"]
    listed = floor.c.get("/api/labels", params={"kind": "hardware", "rack_id": floor.shared.id}).json()
    assert listed[0]["title"] == "srv-label" and "S/N SN123" in listed[0]["lines"]
    assert floor.c.get("/api/labels/hardware/99999/qr.svg").status_code == 404
    assert floor.c.get(f"/api/labels/nonsense/{hw.id}/qr.svg").status_code == 422


def test_patch_panel_ports_pass_through_pairwise(floor, db):
    pp = _mounted(floor.shared, 1)
    ports = _ports(floor.c, pp, count=2, patch_panel=True)
    by_name = {p["name"]: p for p in ports}
    assert {by_name["p1"]["pass_through_id"], db.get(Port, by_name["p1-R"]["id"]).pass_through_id} == {
        by_name["p1-R"]["id"],
        by_name["p1"]["id"],
    }
    r = floor.c.post(
        "/api/ports",
        json={
            "hardware_id": pp.id,
            "name": "x",
            "kind": "copper",
            "side": "front",
            "pass_through_id": by_name["p2-R"]["id"],
        },
    )
    assert r.status_code == 422 and "already passes through" in r.json()["errors"]["pass_through_id"]


# --- concurrency ------------------------------------------------------------------------------------------


@pytest.fixture
def committed(engine):
    maker = make_sessionmaker(engine)
    with maker() as s:
        first_event = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
        site = service.create_site(s, SiteIn(code="RACE", name="Race site"), "t")
        room = service.create_room(s, RoomIn(site_id=site.id, code="R1", name="Race room"), "t")
        rack = service.create_rack(s, RackIn(room_id=room.id, name="RK1"), "t")
        hw = [service.create_hardware(s, HardwareIn(name=f"race-{i}", asset_tag=f"RACE-{i}"), "t") for i in range(3)]
        ports = [cabling.create_port(s, PortIn(hardware_id=h.id, name="p1", kind=PortKind.copper), "t") for h in hw]
        s.commit()
        ids = SimpleNamespace(
            maker=maker, site=site.id, room=room.id, rack=rack.id, hw=[h.id for h in hw], ports=[p.id for p in ports]
        )
    yield ids
    with maker() as s:
        s.execute(delete(CableEnd).where(CableEnd.port_id.in_(ids.ports)))
        s.execute(delete(Cable).where(Cable.a_port_id.in_(ids.ports)))
        s.execute(delete(Port).where(Port.id.in_(ids.ports)))
        s.execute(delete(Hardware).where(Hardware.id.in_(ids.hw)))
        s.execute(delete(Rack).where(Rack.id == ids.rack))
        s.execute(delete(Room).where(Room.id == ids.room))
        s.execute(delete(Site).where(Site.id == ids.site))
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= first_event))
        s.commit()


@pytest.mark.postgres_only
def test_two_cables_on_one_port_at_once_cannot_both_be_recorded(committed):
    sa, sb = committed.maker(), committed.maker()
    p0, p1, p2 = committed.ports
    result = race(
        lambda: cabling.create_cable(sa, CableIn(a_port_id=p0, b_port_id=p1, type="cat6"), "al"),
        lambda: cabling.create_cable(sb, CableIn(a_port_id=p2, b_port_id=p1, type="cat6"), "bo"),
        sa.commit,
        sb,
    )
    assert isinstance(result, Conflict)
    sa.close(), sb.close()
    with committed.maker() as s:
        assert s.scalar(select(func.count()).select_from(CableEnd).where(CableEnd.port_id == p1)) == 1
