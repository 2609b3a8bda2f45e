"""The "+ mount here" form lists only hardware the rack may take (K1, Art. 12.2: a private rack holds the hardware
of the customer it is let to and the supplier's own), says why the rest is not listed, and a refusal on submit
names both customers and the rule, with a link to what resolves it."""

from __future__ import annotations

import re

from sqlalchemy import select

from dcops.auth.models import Role
from dcops.racks.models import Hardware, RackKind
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount, rack_verdict
from dcops.terms import Service
from tests.factories import ContractFactory, CustomerFactory, HardwareFactory, RackFactory


def _world(db):  # type: ignore[no-untyped-def]
    mine = CustomerFactory(name="Hollandse Hosting B.V.")
    theirs = CustomerFactory(name="Brabant Cloud Services B.V.")
    rack = RackFactory(kind=RackKind.private, customer=mine, name="P07")
    own = HardwareFactory(contract=ContractFactory(customer=mine), name="hh-new-01")
    dedicated = HardwareFactory(contract=ContractFactory(customer=mine, service=Service.dedicated), name="hh-ded-01")
    infra = HardwareFactory(contract=None, name="patch-01")
    others = [HardwareFactory(contract=ContractFactory(customer=theirs), name=f"bcs-{n}") for n in range(3)]
    return mine, theirs, rack, own, dedicated, infra, others


def _options(html: str) -> list[str]:
    select_html = html.split('id="hw"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<·]+) ·", select_html)


def test_k1_the_mount_form_of_a_private_rack_lists_only_what_may_go_in(login, db):
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    page = login(Role.technician).get(f"/racks/{rack.id}/mount?position=20&face=front")
    assert page.status_code == 200
    names = {n.strip() for n in _options(page.text)}
    assert {"hh-new-01", "hh-ded-01", "patch-01"} <= names  # its customer's (colocation, dedicated) and the supplier's
    assert not names & {hw.name for hw in others}
    # why the rest is not listed: how many, to whom the rack is let, and the rule the mount applies
    assert "3 other items are not listed" in page.text
    assert "other customers than Hollandse Hosting B.V., to whom this private rack is let" in page.text
    assert "(Art. 12.2, rule K1)" in page.text


def test_k1_the_listing_and_the_mount_use_one_rule(login, db):
    """What the form lists is exactly what the mount's own rule allows (dcops.racks.service.rack_verdict)."""
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    page = login(Role.technician).get(f"/racks/{rack.id}/mount").text
    listed = {n.strip() for n in _options(page)}
    unmounted = db.scalars(select(Hardware).where(Hardware.rack_id.is_(None))).all()
    assert listed == {hw.name for hw in unmounted if rack_verdict(hw, rack).allowed}
    assert not rack_verdict(others[0], rack).allowed and rack_verdict(infra, rack).allowed


def test_a_shared_rack_lists_every_customers_hardware(login, db):
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    shared = RackFactory(name="S09")
    page = login(Role.technician).get(f"/racks/{shared.id}/mount?position=1")
    names = {n.strip() for n in _options(page.text)}
    assert {"hh-new-01", "bcs-0", "patch-01"} <= names and "not listed" not in page.text


def test_k1_another_customers_hardware_posted_anyway_is_refused_naming_both_customers(login, db):
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    tech = login(Role.technician)
    r = tech.form(f"/racks/{rack.id}/mount", {"hardware_id": others[0].id, "position": 5, "face": "front"})
    assert r.status_code == 403
    assert "Art. 12.2 (rule K1)" in r.text
    assert "Brabant Cloud Services B.V." in r.text and "Hollandse Hosting B.V." in r.text
    assert f'href="/hardware/{others[0].id}"' in r.text  # the link to resolve it: mount it where it may go
    assert 'value="5"' in r.text  # what was typed stays
    assert others[0].rack_id is None


def test_a_taken_unit_links_to_what_is_there(login, db):
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    mount(db, own, MountIn(rack_id=rack.id, position=10), "t")
    tech = login(Role.technician)
    r = tech.form(f"/racks/{rack.id}/mount", {"hardware_id": infra.id, "position": 10, "face": "front"})
    assert r.status_code == 409 and "U10 taken by hh-new-01" in r.text
    assert f'href="/hardware/{own.id}"' in r.text and "Open hh-new-01, which is there" in r.text
    r = tech.form(f"/racks/{rack.id}/mount", {"hardware_id": infra.id, "position": 11, "face": "front"})
    assert r.status_code == 302 or "Hardware mounted" in r.text


def test_the_mount_form_speaks_dutch(login, db):
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    tech = login(Role.technician)
    tech.headers["Accept-Language"] = "nl"
    page = tech.get(f"/racks/{rack.id}/mount?position=20")
    assert "3 andere stuks hardware staan er niet bij" in page.text and "(art. 12.2, regel K1)" in page.text
    r = tech.form(f"/racks/{rack.id}/mount", {"hardware_id": others[0].id, "position": 5, "face": "front"})
    assert r.status_code == 403 and "Brabant Cloud Services B.V." in r.text and "privérack" in r.text


def test_k5_a_refused_supplier_move_links_to_planning_a_relocation_order(login, db):
    """Refusals link to their fix: hardware its customer maintains is moved by the customer, on an order (K5)."""
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    shared = RackFactory(name="S10")
    mount(db, own, MountIn(rack_id=shared.id, position=1), "t")
    admin = login(Role.admin)
    data = {"rack_id": shared.id, "position": 8, "face": "front", "basis": "supplier_action", "reason": "tidy up"}
    r = admin.form(f"/hardware/{own.id}/move", data)
    assert r.status_code == 403 and "rule K5" in r.text
    link = f"/relocations/new?hardware_id={own.id}&amp;customer_id={mine.id}"
    assert link in r.text and "Plan a relocation order for hh-new-01" in r.text
    form = admin.get(link.replace("&amp;", "&")).text
    assert re.search(rf'<option value="{own.id}" selected', form) and re.search(
        rf'<option value="{mine.id}" selected', form
    )


def test_k1_the_hardware_s_own_mount_form_lists_only_racks_it_may_go_into(login, db):
    """From the hardware's side the same rule: another customer's private rack is not offered, and the form says so."""
    mine, theirs, rack, own, dedicated, infra, others = _world(db)
    shared = RackFactory(name="S10")
    tech = login(Role.technician)

    def racks(hw: Hardware) -> str:
        page = tech.get(f"/hardware/{hw.id}/mount")
        assert page.status_code == 200
        return page.text.split('id="f-rack_id"', 1)[1].split("</select>", 1)[0]

    theirs_form = racks(others[0])
    assert f'value="{shared.id}"' in theirs_form and f'value="{rack.id}"' not in theirs_form
    assert (
        "Private racks let to another customer are not listed (Art. 12.2, rule K1)"
        in tech.get(f"/hardware/{others[0].id}/mount").text
    )
    for allowed in (own, infra):  # its customer's own hardware and the supplier's go into the private rack
        assert f'value="{rack.id}"' in racks(allowed)
