"""The room view's data set, written straight into a file database: one room of 300 racks x 42U holding
6,000 devices (1U and 2U, full depth, with gaps), one cable per device pair, 50 devices with a pending move,
and 44,000 unmounted devices more so the hardware list pages through 50,000. The handful of customers,
contracts and the signed-in user go through the factories; the bulk goes in with Core inserts (mounting
6,000 devices through the service would take minutes and measure the mount, not the view)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from dcops import migrate
from dcops.auth.models import Role
from dcops.auth.service import TokenIn, create_token
from dcops.cabling.models import Cable, CableEnd, Port, PortKind
from dcops.db import make_engine, make_sessionmaker
from dcops.moves.models import Relocation, RelocationItem, RelocationKind, RelocationStatus
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, RackUnit
from dcops.terms import Service
from tests import factories

RACKS = 300
PER_RACK = 20
UNMOUNTED = 44_000
PENDING = 50


@dataclass(frozen=True)
class RoomData:
    url: str
    room_id: int
    username: str
    token: str
    devices: int
    hardware: int


def _layout() -> list[tuple[int, int]]:
    """(position, height) of the 20 devices in every rack: 1U and 2U alternating, a free U every fourth."""
    out, u = [], 1
    for i in range(PER_RACK):
        height = 2 if i % 2 == 0 else 1
        out.append((u, height))
        u += height + (1 if i % 4 == 3 else 0)
    return out


def build(folder: Path) -> RoomData:
    url = f"sqlite:///{folder / 'room.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = db
        user = factories.UserFactory(role=Role.technician)
        room = factories.RoomFactory()
        contracts = [
            factories.ContractFactory(service=Service.dedicated if i % 4 == 0 else Service.colocation)
            for i in range(20)
        ]
        _bulk(db, room.id, [c.id for c in contracts])
        _, token = create_token(db, TokenIn(user_id=user.id, name="bench"), actor="bench")
        data = RoomData(url, room.id, user.username, token, RACKS * PER_RACK, RACKS * PER_RACK + UNMOUNTED)
        db.commit()
    engine.dispose()
    return data


def _bulk(db: Session, room_id: int, contract_ids: list[int]) -> None:
    db.execute(insert(Rack), [{"room_id": room_id, "name": f"R{r:03d}", "u_height": 42} for r in range(RACKS)])
    rack_ids = [r.id for r in db.query(Rack.id).filter(Rack.room_id == room_id).order_by(Rack.name)]
    layout = _layout()
    hardware, n = [], 0
    for rack_id in rack_ids:
        for position, height in layout:
            n += 1
            hardware.append(
                {
                    "name": f"srv-{n:05d}",
                    "asset_tag": f"A{n:06d}",
                    "u_height": height,
                    "full_depth": True,
                    "rack_id": rack_id,
                    "position": position,
                    "face": Face.front,
                    "power_draw_w": 250,
                    "status": HardwareStatus.installed,
                    "contract_id": contract_ids[n % len(contract_ids)] if n % 10 else None,
                    "third_party_owner": "Lease B.V." if n % 17 == 0 else None,
                }
            )
    for i in range(UNMOUNTED):
        n += 1
        hardware.append({"name": f"spare-{n:05d}", "asset_tag": f"A{n:06d}", "contract_id": contract_ids[i % 20]})
    db.execute(insert(Hardware), hardware)
    mounted = db.query(Hardware.id, Hardware.rack_id, Hardware.position, Hardware.u_height).filter(
        Hardware.rack_id.is_not(None)
    )
    mounted = sorted(mounted, key=lambda m: m.id)
    db.execute(
        insert(RackUnit),
        [
            {"rack_id": m.rack_id, "unit": u, "face": face, "hardware_id": m.id}
            for m in mounted
            for u in range(m.position, m.position + m.u_height)
            for face in Face
        ],
    )
    db.execute(insert(Port), [{"hardware_id": m.id, "name": "eth0", "kind": PortKind.copper} for m in mounted])
    ports = [p.id for p in db.query(Port.id).order_by(Port.id)]
    pairs = list(zip(ports[0::2], ports[1::2], strict=False))
    db.execute(
        insert(Cable),
        [{"label": f"C{i:05d}", "a_port_id": a, "b_port_id": b, "type": "cat6a"} for i, (a, b) in enumerate(pairs)],
    )
    cables = [c.id for c in db.query(Cable.id).order_by(Cable.id)]
    db.execute(
        insert(CableEnd),
        [{"port_id": p, "cable_id": c} for c, (a, b) in zip(cables, pairs, strict=True) for p in (a, b)],
    )
    order = Relocation(
        customer_id=db.get_one(Hardware, mounted[1].id).contract.customer_id,  # type: ignore[union-attr]
        kind=RelocationKind.supplier_action,
        reason="Bench: cooling work",
        status=RelocationStatus.draft,
        created_by="bench",
    )
    db.add(order)
    db.flush()
    db.execute(
        insert(RelocationItem),
        [{"relocation_id": order.id, "hardware_id": m.id, "from_rack_id": m.rack_id} for m in mounted[1 : PENDING + 1]],
    )
