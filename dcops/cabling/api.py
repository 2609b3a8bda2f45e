"""JSON API for ports, cables, traces and labels."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request, Response, Router
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from dcops import crud, qr
from dcops.auth.permissions import Perm
from dcops.cabling import service
from dcops.cabling.models import Cable, CableStatus, Port, PortKind, PortSide
from dcops.cabling.schemas import CableIn, PortIn, PortsIn
from dcops.cabling.trace_svg import render as trace_svg
from dcops.customers import breaches
from dcops.customers.schemas import BreachIn
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.racks import labels
from dcops.racks.models import Hardware
from dcops.terms.cabling import Installer, Route
from dcops.validation import query_ids
from dcops.web.helpers import actor, query_int, today
from dcops.web.resource import ReasonOut, Resource, out, router
from dcops.web.routes import Db, get, post

READ = {"perm": Perm.inventory_read}
WRITE = {"perm": Perm.inventory_write}


class PortOut(msgspec.Struct):
    id: int
    hardware_id: int
    name: str
    kind: PortKind
    side: PortSide
    pass_through_id: int | None


class CableOut(msgspec.Struct):
    id: int
    label: str
    a_port_id: int
    b_port_id: int
    type: str
    colour: str | None
    length: int | None
    length_unit: str
    route: Route
    installed_by: Installer
    customer_id: int | None
    installer_name: str | None
    installed_at: date | None
    status: CableStatus
    notes: str | None


class VerdictOut(msgspec.Struct):
    allowed: bool
    reasons: list[ReasonOut]


class HopOut(msgspec.Struct):
    port_id: int
    port: str
    hardware_id: int
    hardware: str
    rack: str | None
    room: str | None
    position: int | None
    cable_id: int | None  # the cable leaving this port towards the next; None at the end or a pass-through
    cable_label: str | None


def _ports_query(p: dict[str, str]) -> Any:
    stmt = select(Port).order_by(Port.hardware_id, Port.side, Port.id)
    hw = query_int(p.get("hardware_id"))
    return stmt if hw is None else stmt.where(Port.hardware_id == hw)


@post(
    "/{item_id:int}/ports",
    name="api.hardware.ports",
    opt=WRITE,
    description="Create `prefix`1..count ports; a patch panel gets front and rear ports linked pairwise.",
)
def add_ports(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[PortsIn]) -> list[PortOut]:
    hw = crud.get(db, Hardware, item_id)
    return [out(PortOut, p) for p in service.create_ports(db, hw, data, actor(request))]


@get(
    "/{item_id:int}/trace",
    name="api.ports.trace",
    opt=READ,
    description="The whole path through this port, end to end, along cables and patch-panel pass-throughs (from a "
    "patch panel's port both ways: the port is in the middle).",
)
def trace(db: Db, item_id: FromPath[int]) -> list[HopOut]:
    return [
        HopOut(
            port_id=h.port.id,
            port=h.port.name,
            hardware_id=h.port.hardware_id,
            hardware=h.port.hardware.name,
            rack=h.port.hardware.rack.name if h.port.hardware.rack else None,
            room=h.port.hardware.rack.room.code if h.port.hardware.rack else None,
            position=h.port.hardware.position,
            cable_id=h.cable.id if h.cable else None,
            cable_label=h.cable.label if h.cable else None,
        )
        for h in service.trace(db, crud.get(db, Port, item_id))
    ]


@get("/{item_id:int}/trace.svg", name="api.ports.trace_svg", opt=READ, media_type="image/svg+xml")
def trace_image(db: Db, item_id: FromPath[int]) -> Response[str]:
    return Response(trace_svg(service.trace(db, crud.get(db, Port, item_id))), media_type="image/svg+xml")


@post(
    "/check",
    name="api.cables.check",
    opt=READ,
    status_code=200,
    description="Rule A3 (Art. 13.3) on a cable as it would be recorded, without recording it.",
)
def check_cable(db: Db, data: JSONBody[CableIn]) -> VerdictOut:
    v = service.verdict(db, data)
    return VerdictOut(v.allowed, [ReasonOut(**r.as_dict()) for r in v.reasons])


@post(
    "/breach",
    name="api.cables.breach",
    opt=WRITE,
    description="Record a cable the customer laid against A3 as a breach of Art. 13.3 (S4), in one step.",
)
def cable_breach(request: Request, db: Db, data: JSONBody[CableIn]) -> dict[str, Any]:
    return {"breach_id": record_breach(db, data, actor(request), today(request)).id}


def record_breach(db: Any, data: CableIn, who: str, day: date) -> Any:
    verdict = service.verdict(db, data)
    if verdict.allowed or data.customer_id is None:
        raise ValidationFailed({"installed_by": _("Only a cable the customer laid against rule A3 is a breach")})
    a, b = db.get(Port, data.a_port_id), db.get(Port, data.b_port_id)
    description = (
        f"Cabling by the customer's technician{' ' + data.installer_name if data.installer_name else ''} "
        f"from {a.label} to {b.label} ({data.route.value.replace('_', ' ')}): "
        + "; ".join(r.message for r in verdict.reasons)
    )
    ends = [a.hardware.contract_id, b.hardware.contract_id]
    body = BreachIn(
        customer_id=data.customer_id,
        contract_id=breaches.contract_for(db, data.customer_id, ends),
        article="13.3",
        occurred_on=data.installed_at or day,
        description=description,
        evidence=f"Logged in dcops by {who}",
    )
    return breaches.create_breach(db, body, who)


def label_response(db: Any, kind: str, item_id: int, fmt: str, base: str) -> Response[bytes]:
    label = labels.one(db, kind, item_id, base)
    if fmt == "png":
        return Response(qr.png(label.url, box=6, alphanumeric=False), media_type="image/png")
    return Response(qr.svg(label.url, alphanumeric=False), media_type="image/svg+xml")


@get(
    "/{kind:str}/{item_id:int}/qr.png",
    name="api.labels.png",
    opt=READ,
    media_type="image/png",
    description="A label's QR (the object's URL); kind is rack, hardware or cable.",
)
def label_png(request: Request, db: Db, kind: FromPath[str], item_id: FromPath[int]) -> Response[bytes]:
    return label_response(db, kind, item_id, "png", request.app.state.settings.base_url)


@get("/{kind:str}/{item_id:int}/qr.svg", name="api.labels.svg", opt=READ, media_type="image/svg+xml")
def label_svg(request: Request, db: Db, kind: FromPath[str], item_id: FromPath[int]) -> Response[bytes]:
    return label_response(db, kind, item_id, "svg", request.app.state.settings.base_url)


@get("/", name="api.labels.list", opt=READ, description="Label texts and URLs: kind with ids=1,2 or rack_id.")
def label_list(
    request: Request,
    db: Db,
    kind: FromQuery[str] = "hardware",
    ids: FromQuery[str] = "",
    rack_id: FromQuery[int | None] = None,
) -> list[dict[str, Any]]:
    wanted = query_ids(ids)
    if not wanted and rack_id is None:
        return []
    found = labels.labels(db, kind, request.app.state.settings.base_url, wanted or None, rack_id)
    return [{"kind": x.kind, "id": x.id, "title": x.title, "lines": list(x.lines), "url": x.url} for x in found]


def _cables_query(p: dict[str, str]) -> Any:
    return service.cable_query(query_int(p.get("rack_id")), query_int(p.get("hardware_id")), p.get("q", "").strip())


ROUTERS = [
    router(
        Resource(
            "ports",
            Port,
            PortIn,
            PortOut,
            _ports_query,
            service.create_port,
            service.update_port,
            service.delete_port,
            filters=("hardware_id",),
            extra_handlers=[trace, trace_image],
        )
    ),
    router(
        Resource(
            "cables",
            Cable,
            CableIn,
            CableOut,
            _cables_query,
            service.create_cable,
            service.update_cable,
            service.delete_cable,
            filters=("rack_id", "hardware_id", "q"),
            extra_handlers=[check_cable, cable_breach],
        )
    ),
    Router(path="/api/labels", route_handlers=[label_png, label_svg, label_list], tags=["labels"]),
]
