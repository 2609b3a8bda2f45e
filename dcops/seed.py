"""Load seed/demo.yaml through the services (so it is validated and audited), idempotently.

Every object has a natural key (username, customer name, contract number, site code, room code
within its site, rack name within its room, asset tag). What exists already is left untouched, so
loading twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops.auth.models import User
from dcops.auth.service import UserIn, create_user
from dcops.customers import service as customers
from dcops.customers.models import Contract, Customer
from dcops.customers.schemas import ContractIn, CustomerIn
from dcops.racks import service as racks
from dcops.racks.models import Hardware, Rack, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn
from dcops.validation import parse

ACTOR = "seed"


def read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {}


def _first(db: Session, stmt: Any) -> Any:
    return db.scalars(stmt.limit(1)).first()


def load(db: Session, path: Path) -> dict[str, int]:
    data = read(path)
    made = {"users": 0, "customers": 0, "contracts": 0, "sites": 0, "rooms": 0, "racks": 0, "hardware": 0}

    for u in data.get("users", []):
        if _first(db, select(User).where(User.username == u["username"])) is None:
            create_user(db, parse(UserIn, u), ACTOR)
            made["users"] += 1

    for c in data.get("customers", []):
        contracts = c.pop("contracts", [])
        customer = _first(db, select(Customer).where(Customer.name == c["name"]))
        if customer is None:
            customer = customers.create_customer(db, parse(CustomerIn, c), ACTOR)
            made["customers"] += 1
        for k in contracts:
            if _first(db, select(Contract).where(Contract.number == k["number"])) is None:
                customers.create_contract(db, parse(ContractIn, {**k, "customer_id": customer.id}), ACTOR)
                made["contracts"] += 1

    for s in data.get("sites", []):
        rooms = s.pop("rooms", [])
        site = _first(db, select(Site).where(Site.code == s["code"]))
        if site is None:
            site = racks.create_site(db, parse(SiteIn, s), ACTOR)
            made["sites"] += 1
        for r in rooms:
            rack_rows = r.pop("racks", [])
            room = _first(db, select(Room).where(Room.site_id == site.id, Room.code == r["code"]))
            if room is None:
                room = racks.create_room(db, parse(RoomIn, {**r, "site_id": site.id}), ACTOR)
                made["rooms"] += 1
            for k in rack_rows:
                if _first(db, select(Rack).where(Rack.room_id == room.id, Rack.name == k["name"])) is None:
                    owner = k.pop("customer", None)
                    if owner:
                        k["customer_id"] = _first(db, select(Customer.id).where(Customer.name == owner))
                    racks.create_rack(db, parse(RackIn, {**k, "room_id": room.id}), ACTOR)
                    made["racks"] += 1

    for h in data.get("hardware", []):
        if _first(db, select(Hardware).where(Hardware.asset_tag == h["asset_tag"])) is not None:
            continue
        place = {k: h.pop(k) for k in ("site", "room", "rack", "position", "face") if k in h}
        contract = h.pop("contract", None)
        if contract:
            h["contract_id"] = _first(db, select(Contract.id).where(Contract.number == contract))
        mount_at = None
        if place.get("rack"):
            rack_id = _first(
                db,
                select(Rack.id)
                .join(Rack.room)
                .join(Room.site)
                .where(Site.code == place["site"], Room.code == place["room"], Rack.name == place["rack"]),
            )
            mount_at = parse(
                MountIn, {"rack_id": rack_id, "position": place["position"], "face": place.get("face", "front")}
            )
        racks.create_hardware(db, parse(HardwareIn, h), ACTOR, mount_at)
        made["hardware"] += 1
    return made
