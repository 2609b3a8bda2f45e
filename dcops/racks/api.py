"""JSON API for sites, rooms, racks and hardware, with mount/move/unmount as actions."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request, Router
from litestar.params import FromPath, JSONBody
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dcops.auth.permissions import Perm
from dcops.cabling.api import add_ports
from dcops.moves import service as moves
from dcops.moves.schemas import DirectIn, MoveIn, UnmountBasisIn
from dcops.racks import service
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, RackKind, RackStatus, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn, UnmountIn
from dcops.terms import Owner
from dcops.web.helpers import actor, query_int, today
from dcops.web.resource import Resource, out, router
from dcops.web.routes import Db, post


class SiteOut(msgspec.Struct):
    id: int
    code: str
    name: str
    address: str | None
    timezone: str


class RoomOut(msgspec.Struct):
    id: int
    site_id: int
    code: str
    name: str


class RackOut(msgspec.Struct):
    id: int
    room_id: int
    name: str
    u_height: int
    kind: RackKind
    customer_id: int | None
    power_budget_w: int
    status: RackStatus
    intake_state: str | None
    intake_on: date | None


class HardwareOut(msgspec.Struct):
    id: int
    name: str
    asset_tag: str
    serial: str | None
    model: str | None
    u_height: int
    full_depth: bool
    rack_id: int | None
    position: int | None
    face: Face | None
    power_draw_w: int
    status: HardwareStatus
    contract_id: int | None
    owner: Owner
    notes: str | None
    third_party_owner: str | None
    planned_rack_id: int | None
    first_installed_on: date | None
    intake_state: str | None
    cpu_cores: int | None
    memory_gb: int | None
    storage_gb: int | None
    network_mbps: int | None
    hardware_type_id: int | None


class HardwareCreateIn(HardwareIn, kw_only=True):
    mount: MountIn | None = None


def _site_query(p: dict[str, str]) -> Select[Any]:
    return select(Site).order_by(Site.code)


def _room_query(p: dict[str, str]) -> Select[Any]:
    stmt = select(Room).order_by(Room.site_id, Room.code)
    return stmt.where(Room.site_id == query_int(p["site_id"])) if "site_id" in p else stmt


def _rack_query(p: dict[str, str]) -> Select[Any]:
    stmt = select(Rack).join(Rack.room).order_by(Rack.room_id, Rack.name)
    if "room_id" in p:
        stmt = stmt.where(Rack.room_id == query_int(p["room_id"]))
    if "site_id" in p:
        stmt = stmt.where(Room.site_id == query_int(p["site_id"]))
    if p.get("kind") in RackKind.__members__:  # a value that is not one of the choices is no filter
        stmt = stmt.where(Rack.kind == RackKind(p["kind"]))
    if "customer_id" in p:
        stmt = stmt.where(Rack.customer_id == query_int(p["customer_id"]))
    return stmt


def _hardware_query(p: dict[str, str]) -> Select[Any]:
    return service.hardware_query(service.hardware_filter(p))


def _create_hardware(db: Session, data: HardwareCreateIn, who: str) -> Hardware:
    fields = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "mount"}
    return service.create_hardware(db, HardwareIn(**fields), who, data.mount)


WRITE = {"perm": Perm.inventory_write}


@post("/{item_id:int}/mount", name="api.hardware.mount", opt=WRITE, status_code=200)
def mount(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[MountIn]) -> HardwareOut:
    hw = service.locked_hardware(db, item_id, moving=False)
    return out(HardwareOut, service.mount(db, hw, data, actor(request), today(request), locked=True))


BASIS = (
    " The customer's own colocation hardware needs a basis (rule K8): `basis` customer_request with the customer's "
    "message (message_from, message_on, message_channel, message_reference), or supplier_action with its `reason`; "
    "it is recorded as a one-step relocation order."
)


@post("/{item_id:int}/move", name="api.hardware.move", opt=WRITE, status_code=200, description="Move." + BASIS)
def move(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[MoveIn]) -> HardwareOut:
    hw = service.locked_hardware(db, item_id)
    if service.colocation(hw):
        direct = DirectIn(**msgspec.structs.asdict(data), action="move")
        moves.move_now(db, hw, direct, actor(request), today(request))
        return out(HardwareOut, hw)
    target = MountIn(rack_id=data.rack_id, position=data.position, face=data.face)
    return out(HardwareOut, service.move(db, hw, target, actor(request), locked=True))


@post("/{item_id:int}/unmount", name="api.hardware.unmount", opt=WRITE, status_code=200, description="Unmount." + BASIS)
def unmount(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[UnmountBasisIn]) -> HardwareOut:
    hw = service.locked_hardware(db, item_id)
    if service.colocation(hw):
        fields = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "status"}
        direct = DirectIn(**fields, action="remove" if data.status == "removed" else "unmount")
        moves.move_now(db, hw, direct, actor(request), today(request))
        return out(HardwareOut, hw)
    status = UnmountIn(status=HardwareStatus(data.status))
    return out(HardwareOut, service.unmount(db, hw, status, actor(request), locked=True))


ROUTERS: list[Router] = [
    router(
        Resource(
            "sites", Site, SiteIn, SiteOut, _site_query, service.create_site, service.update_site, service.delete_site
        )
    ),
    router(
        Resource(
            "rooms",
            Room,
            RoomIn,
            RoomOut,
            _room_query,
            service.create_room,
            service.update_room,
            service.delete_room,
            filters=("site_id",),
        )
    ),
    router(
        Resource(
            "racks",
            Rack,
            RackIn,
            RackOut,
            _rack_query,
            service.create_rack,
            service.update_rack,
            service.delete_rack,
            filters=("room_id", "site_id", "kind", "customer_id"),
        )
    ),
    router(
        Resource(
            "hardware",
            Hardware,
            HardwareIn,
            HardwareOut,
            _hardware_query,
            _create_hardware,
            service.update_hardware,
            service.delete_hardware,
            schema_create=HardwareCreateIn,
            filters=("q", "site_id", "room_id", "rack_id", "customer_id", "status", "owner"),
            extra_handlers=[mount, move, unmount, add_ports],
        )
    ),
]
