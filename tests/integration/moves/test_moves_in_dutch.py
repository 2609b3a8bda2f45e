"""Relocations, hand-backs and cables read in Dutch: the pages in the words of the general terms (verhuizing,
overleg, oplevering, kabel, poort, kabelpad), dates as the Dutch write them, and refusals and form errors in
Dutch too."""

from datetime import timedelta

from sqlalchemy import select

from dcops import clock
from dcops.auth.models import Role
from dcops.cabling import service as cabling
from dcops.cabling.models import PortKind
from dcops.cabling.schemas import CableIn, PortsIn
from dcops.moves.models import HandBack
from dcops.racks.models import RackKind
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory, RoomFactory

TODAY = clock.today()
D = timedelta(days=1)


def dutch(client):  # type: ignore[no-untyped-def]
    client.headers["Accept-Language"] = "nl"
    return client


def _dutch_day(d) -> str:  # type: ignore[no-untyped-def]
    return f"{d:%d-%m-%Y}"


def _planned_order(db, login):  # type: ignore[no-untyped-def]
    """A colocation move the supplier carries out, planned through the Dutch form."""
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer, customer_maintains_hardware=False)
    room = RoomFactory()
    a, b = RackFactory(room=room, name="RA"), RackFactory(room=room, name="RB")
    hw = HardwareFactory(contract=contract, name="srv-verhuis", u_height=2)
    mount(db, hw, MountIn(rack_id=a.id, position=10), "t")
    desk = dutch(login(Role.account_manager))
    data = {
        "customer_id": customer.id,
        "kind": "colocation_move",
        "action": "move",
        "reason": "Serverruimte A wordt verbouwd",
        "hardware_id": hw.id,
        "target_rack_id": b.id,
        "target_position": "",
        "target_face": "front",
    }
    r = desk.form("/relocations/new", data)
    assert r.status_code == 422 and "onderdeel 1: een verhuizing vraagt een doelrack en een positie" in r.text
    assert "Doelrack" in r.text and "Handeling" in r.text  # the form's own words
    r = desk.form("/relocations/new", {**data, "target_position": 20})
    assert r.status_code == 200 and "Verhuizing gepland" in r.text and "gelijkwaardig aan het origineel" in r.text
    return desk, int(r.url.path.rsplit("/", 1)[1]), hw


def test_an_order_s_page_its_steps_and_refusals_read_in_dutch(login, db):
    desk, order_id, _hw = _planned_order(db, login)
    page = desk.get(f"/relocations/{order_id}").text
    assert f"Verhuizing #{order_id}" in page and '<html lang="nl">' in page
    assert "Overleg (K4)" in page and "Overleg vastleggen" in page and "Opdracht annuleren" in page
    assert 'data-confirm="Deze opdracht annuleren?"' in page
    # Not consulted yet: the order may not be carried out (K4), said in Dutch.
    assert "Overleg eerst met de klant en plan de verhuizing in" in page
    r = desk.form(
        f"/relocations/{order_id}/consult",
        {"consulted_on": TODAY.isoformat(), "consulted_with": "Eva", "outcome": "Akkoord"},
    )
    assert r.status_code == 200 and "Overleg vastgelegd" in r.text
    assert f"de leverancier mag het verhuizen tot en met <strong>{_dutch_day(TODAY + 14 * D)}</strong>" in r.text
    assert f"{_dutch_day(TODAY)} met Eva: Akkoord" in r.text
    # A partly recorded customer's message is a form error, in Dutch.
    r = desk.form(f"/relocations/{order_id}/schedule", {"planned_on": TODAY.isoformat(), "message_from": "Eva"})
    assert r.status_code == 422 and "Leg het hele bericht vast: wie het stuurde, wanneer, hoe en het kenmerk" in r.text
    listing = desk.get("/relocations").text
    assert "Verhuizing plannen" in listing and "Verhuizingen van vandaag" in listing and "Opleveringen" in listing
    assert f"K4 tot en met {_dutch_day(TODAY + 14 * D)}" in listing
    month = desk.get(f"/relocations?view=month&on={TODAY.isoformat()}").text
    assert ">ma<" in month and ">zo<" in month and "Verhuizingen en onderhoud per maand" in month


def test_today_s_moves_and_the_hand_back_read_in_dutch(login, db):
    desk, order_id, hw = _planned_order(db, login)
    desk.form(
        f"/relocations/{order_id}/consult",
        {"consulted_on": TODAY.isoformat(), "consulted_with": "Eva", "outcome": "Akkoord"},
    )
    desk.form(f"/relocations/{order_id}/schedule", {"planned_on": TODAY.isoformat()})
    tech = dutch(login(Role.technician))
    today = tech.get("/relocations/today").text
    assert f"Verhuizingen op {_dutch_day(TODAY)}" in today and "Uitvoeren" in today and "srv-verhuis" in today
    r = tech.form(f"/relocations/{order_id}/execute", {"back": "/relocations/today"})
    assert r.status_code == 200 and "Verhuisd" in r.text and "Vandaag geen verhuizingen." in r.text
    r = desk.form(f"/relocations/{order_id}/cancel", {})
    assert r.status_code == 409 and "Deze opdracht is afgerond" in r.text  # done already: a refusal, in Dutch
    hb = db.scalars(select(HandBack).where(HandBack.relocation_id == order_id)).one()
    spaces = tech.get("/hand-backs").text
    assert "Ontruimde ruimtes voor de opleverinspectie (art. 13.6, regel A6)" in spaces and "Opleverinspectie" in spaces
    page = tech.get(f"/hand-backs/{hb.id}").text
    assert "Oplevering: RA U10–U11" in page and "Opleverinspectie vastleggen" in page
    assert "De leverancier heeft deze ruimte zelf ontruimd" in page and _dutch_day(TODAY) in page
    r = tech.form(f"/hand-backs/{hb.id}/inspect", {"findings": ""})
    assert r.status_code == 422 and "Geef aan wat afwijkt van hoe de ruimte is ontvangen" in r.text
    r = tech.form(f"/hand-backs/{hb.id}/inspect", {"as_received": "on"})
    assert r.status_code == 200 and "Opleverinspectie vastgelegd (A6)" in r.text and "zoals ontvangen" in r.text


def test_cables_ports_and_traces_read_in_dutch(login, db):
    customer = CustomerFactory()
    room = RoomFactory()
    shared = RackFactory(room=room, name="S01")
    private = RackFactory(room=room, kind=RackKind.private, customer=customer, name="P01")
    own = HardwareFactory(contract=ContractFactory(customer=customer), name="own-srv")
    sw = HardwareFactory(contract=None, name="shared-sw")
    mount(db, own, MountIn(rack_id=private.id, position=1), "t")
    mount(db, sw, MountIn(rack_id=shared.id, position=1), "t")
    own_ports = cabling.create_ports(db, own, PortsIn(prefix="eth", count=2, kind=PortKind.copper), "t")
    sw_ports = cabling.create_ports(db, sw, PortsIn(prefix="ge", count=2, kind=PortKind.copper), "t")
    cable = cabling.create_cable(
        db,
        CableIn(a_port_id=own_ports[0].id, b_port_id=sw_ports[0].id, type="cat6a", installed_at=TODAY - 3 * D),
        "t",
    )
    tech = dutch(login(Role.technician))
    page = tech.get(f"/cables/{cable.id}").text
    assert f"Kabel {cable.label}" in page and "A-kant" in page and "Aangelegd door" in page
    assert "poort eth1" in page and "Label afdrukken" in page and _dutch_day(TODAY - 3 * D) in page
    listing = tech.get(f"/cables?rack_id={shared.id}").text
    assert "Kabels van rack S01" in listing and "Kabelwerk vastleggen" in listing and "Filteren" in listing
    trace = tech.get(f"/ports/{own_ports[0].id}/trace").text
    assert "Kabelpad vanaf own-srv eth1" in trace and "↓ kabel" in trace and 'aria-label="Kabelpad"' in trace
    form = tech.get(f"/cables/new?a_hardware={own.id}").text
    assert "Naam van de installateur" in form and "Regel A3: de klant legt alleen kabels binnen zijn eigen" in form
    data = {
        "a_port_id": own_ports[1].id,
        "b_port_id": own_ports[1].id,
        "installed_by": "customer",
        "customer_id": customer.id,
        "route": "in_rack",
        "type": "cat6a",
        "length_unit": "m",
        "status": "connected",
    }
    r = tech.form("/cables/new", data)
    assert r.status_code == 422 and "Een kabel verbindt twee verschillende poorten" in r.text
    r = tech.form("/cables/new", {**data, "b_port_id": sw_ports[1].id})
    assert r.status_code == 403 and "Vastleggen als tekortkoming (S4, art. 13.3)" in r.text  # refused under A3
    r = tech.form("/cables/new", {**data, "b_port_id": sw_ports[0].id, "installed_by": "supplier", "customer_id": ""})
    assert r.status_code == 409 and f"Poort {sw.name} ge1 heeft al kabel {cable.label}" in r.text
    r = tech.form("/cables/new", {**data, "b_port_id": sw_ports[1].id, "installed_by": "supplier", "customer_id": ""})
    assert r.status_code == 200 and "Kabel vastgelegd" in r.text
