"""JSON API for hardware types: list, read, create and delete. A type changes by importing it again (dcops import
devicetypes), which replaces its port templates whole and changes no hardware made from it."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from litestar import Request, Router
from litestar.params import FromPath, FromQuery, JSONBody

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.cabling.models import PortKind, PortSide
from dcops.racks import types
from dcops.racks.models import HardwareType
from dcops.racks.schemas import HardwareTypeIn
from dcops.web.helpers import actor
from dcops.web.resource import Page
from dcops.web.routes import Db, delete, get, post

READ, WRITE = {"perm": Perm.inventory_read}, {"perm": Perm.inventory_write}


class PortTemplateOut(msgspec.Struct):
    name: str
    kind: PortKind
    side: PortSide
    type: str | None
    outlet: bool
    max_draw_w: int | None
    positions: int
    rear_port: str | None
    rear_position: int | None


class HardwareTypeOut(msgspec.Struct):
    id: int
    manufacturer: str
    model: str
    slug: str
    part_number: str | None
    u_height: float  # NetBox's, halves allowed
    units: int  # the whole units dcops books
    full_depth: bool
    max_draw_w: int | None
    airflow: str | None
    description: str | None
    external_ref: str | None
    ports: list[PortTemplateOut]


def _out(ht: HardwareType) -> HardwareTypeOut:
    fields = {f: getattr(ht, f) for f in HardwareTypeOut.__struct_fields__ if f not in ("u_height", "ports")}
    ports = [msgspec.convert(t, PortTemplateOut, from_attributes=True) for t in ht.ports]
    return HardwareTypeOut(**fields, u_height=float(Decimal(ht.u_height)), ports=ports)


@get("/", name="api.hardware-types.list", opt=READ, description="Filters: q (manufacturer, model, part number).")
def list_types(db: Db, q: FromQuery[str] = "", limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> Page:
    page = crud.paginate(db, types.type_query(q.strip()), limit, offset)
    return Page([_out(ht) for ht in page.items], page.total, page.limit, page.offset)


@get("/{item_id:int}", name="api.hardware-types.detail", opt=READ)
def type_detail(db: Db, item_id: FromPath[int]) -> HardwareTypeOut:
    return _out(types.get_type(db, item_id))


@post("/", name="api.hardware-types.create", opt=WRITE, description="A type with its port templates.")
def create_type(request: Request, db: Db, data: JSONBody[HardwareTypeIn]) -> HardwareTypeOut:
    return _out(types.create_type(db, data, actor(request)))


@delete("/{item_id:int}", name="api.hardware-types.delete", opt=WRITE, description="Only while no hardware is of it.")
def delete_type(request: Request, db: Db, item_id: FromPath[int]) -> None:
    types.delete_type(db, crud.get(db, HardwareType, item_id), actor(request))


ROUTERS = [
    Router(
        path="/api/hardware-types",
        route_handlers=[list_types, type_detail, create_type, delete_type],
        tags=["hardware-types"],
    )
]
