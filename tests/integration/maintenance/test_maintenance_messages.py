"""R4 notices really go out: announcing maintenance, changing it once announced and cancelling it each put one
message per affected customer in the outbox, in that customer's language, to its technical contacts, naming R4, in
the transaction that records it; a refused announcement writes none."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dcops.auth.models import Role
from dcops.customers.models import ContactRole
from dcops.db import utcnow
from dcops.notices.models import OutboxMessage
from dcops.racks.schemas import MountIn
from dcops.racks.service import mount
from tests.factories import ContactFactory, ContractFactory, CustomerFactory, HardwareFactory, RackFactory


def _messages(db, maintenance_id: int) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.related_type == "maintenance", OutboxMessage.related_id == maintenance_id)
            .order_by(OutboxMessage.id)
        )
    )


def test_r4_announcement_change_and_cancellation_are_written_to_each_customer_in_its_language(api, login, db):
    rack = RackFactory(name="MX01")
    dutch = CustomerFactory(name="Hollandse Hosting B.V.", language="nl")
    english = CustomerFactory(name="Schelde Data Services Ltd.", language="en")
    ContactFactory(customer=dutch, name="Pieter Smit", email="pieter@hh.example", roles=[ContactRole.technical])
    ContactFactory(customer=dutch, name="Boekhouding", email="geld@hh.example", roles=[ContactRole.billing])
    ContactFactory(customer=english, name="Sam Lee", email="sam@schelde.example", roles=[ContactRole.technical])
    for n, customer in enumerate((dutch, english)):
        hw = HardwareFactory(name=f"mx-{n}", contract=ContractFactory(customer=customer))
        mount(db, hw, MountIn(rack_id=rack.id, position=1 + 2 * n), "t")
    am = api(Role.account_manager)
    start = utcnow() + timedelta(days=10)
    body = {
        "title": "Replace the PDU",
        "description": "The A-side PDU is swapped.",
        "scope": "rack",
        "rack_id": rack.id,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "impact": "reduced",
    }
    m = am.post("/api/maintenance", json=body).json()
    assert _messages(db, m["id"]) == []  # planned: nobody is told yet

    assert am.post(f"/api/maintenance/{m['id']}/announce").status_code == 200
    announced = _messages(db, m["id"])
    by_customer = {msg.customer_id: msg for msg in announced}
    assert len(announced) == 2 and {msg.kind.value for msg in announced} == {"maintenance_announced"}
    assert {msg.rule for msg in announced} == {"R4"} and {msg.status.value for msg in announced} == {"waiting"}
    nl, en = by_customer[dutch.id], by_customer[english.id]
    assert nl.language == "nl" and nl.addresses == ["pieter@hh.example"]  # the technical contact, not billing
    assert nl.body.startswith("Geachte Hollandse Hosting B.V.,") and "mx-0" in nl.body and "mx-1" not in nl.body
    assert en.language == "en" and en.addresses == ["sam@schelde.example"]
    assert en.body.startswith("Dear Schelde Data Services Ltd.,") and "Art. 18.3, rule R4" in en.body
    # The maintenance's page lists what was written, for whoever may read the outbox
    page = login(Role.account_manager).get(f"/maintenance/{m['id']}").text
    assert f'href="/outbox/{nl.id}"' in page and f'href="/outbox/{en.id}"' in page
    assert "/outbox/" not in login(Role.technician).get(f"/maintenance/{m['id']}").text

    later = start + timedelta(days=1)
    r = am.patch(
        f"/api/maintenance/{m['id']}",
        json={**body, "starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()},
    )
    assert r.status_code == 200, r.text
    changed = [msg for msg in _messages(db, m["id"]) if msg.kind.value == "maintenance_changed"]
    assert len(changed) == 2 and all("→" in msg.body for msg in changed)

    assert am.post(f"/api/maintenance/{m['id']}/cancel", json={"reason": "PDU delivered late"}).status_code == 200
    cancelled = [msg for msg in _messages(db, m["id"]) if msg.kind.value == "maintenance_cancelled"]
    assert len(cancelled) == 2 and all("PDU delivered late" in msg.body for msg in cancelled)


def test_r4_a_refused_announcement_writes_no_message(api, db):
    rack = RackFactory()
    customer = CustomerFactory()
    ContactFactory(customer=customer)
    mount(db, HardwareFactory(contract=ContractFactory(customer=customer)), MountIn(rack_id=rack.id, position=1), "t")
    am = api(Role.account_manager)
    soon = utcnow() + timedelta(hours=1)
    m = am.post(
        "/api/maintenance",
        json={
            "title": "Too soon",
            "description": "Rewire the A feed",
            "scope": "rack",
            "rack_id": rack.id,
            "starts_at": soon.isoformat(),
            "ends_at": (soon + timedelta(hours=1)).isoformat(),
            "impact": "outage",
        },
    ).json()
    assert am.post(f"/api/maintenance/{m['id']}/announce").status_code == 403
    assert _messages(db, m["id"]) == []
