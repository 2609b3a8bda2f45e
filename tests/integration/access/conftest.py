"""A small world for access tests: a colocation customer maintaining its hardware in a private rack of one
room, a competent visitor, an account manager to approve and a security officer at the door."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from dcops import clock
from dcops.auth.models import Role
from dcops.db import utcnow
from dcops.racks.models import RackKind
from tests.factories import ContractFactory, CustomerFactory, PersonFactory, RackFactory, RoomFactory


@dataclass
class World:
    customer: Any
    contract: Any
    room: Any
    other_room: Any
    rack: Any
    person: Any
    desk: Any  # account manager (API)
    door: Any  # security (API)

    def visit(self, **kw: Any) -> dict[str, Any]:
        now = utcnow()
        return {
            "customer_id": self.customer.id,
            "purpose": "Replace a disk",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
            "room_ids": [self.room.id],
            "person_ids": [self.person.id],
            **kw,
        }

    def approved(self, **kw: Any) -> dict[str, Any]:
        r = self.desk.post("/api/visits", json=self.visit(**kw))
        assert r.status_code == 201, r.text
        r = self.desk.post(f"/api/visits/{r.json()['id']}/approve", json={})
        assert r.status_code == 200, r.text
        return r.json()

    def grant(self, person: Any, days: int = 1, **kw: Any) -> Any:
        """A written third-party access permission for `person` in this world's room, from yesterday."""
        body = {
            "customer_id": self.customer.id,
            "kind": "third_party_access",
            "covers": f"{person.name} ({person.company})",
            "person_id": person.id,
            "room_ids": [self.room.id],
            "valid_from": (clock.today() - timedelta(days=1)).isoformat(),
            "valid_until": (clock.today() + timedelta(days=days)).isoformat(),
            "granted_by_id": self.desk.user.id,
            "channel": "email",
            "reference": "<grant@example.com>",
            **kw,
        }
        return self.desk.post("/api/written-permissions", json=body)

    def scan(self, code: str, direction: str = "in", room: Any = None, **kw: Any) -> dict[str, Any]:
        body = {"code": code, "room_id": (room or self.room).id, "direction": direction, **kw}
        r = self.door.post("/api/door/checks", json=body)
        assert r.status_code == 201, r.text
        return r.json()


@pytest.fixture
def world(api, db) -> World:  # type: ignore[no-untyped-def]
    customer = CustomerFactory()
    contract = ContractFactory(customer=customer)
    room = RoomFactory()
    rack = RackFactory(room=room, kind=RackKind.private, customer=customer)
    return World(
        customer=customer,
        contract=contract,
        room=room,
        other_room=RoomFactory(site=room.site),
        rack=rack,
        person=PersonFactory(customer=customer),
        desk=api(Role.account_manager),
        door=api(Role.security),
    )


def rules(body: dict[str, Any]) -> list[str]:
    return [r["rule"] for r in body.get("reasons") or body.get("check", {}).get("reasons", [])]
