"""JSON API for relocation orders and hand-back inspections."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Request, Router
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.moves import service
from dcops.moves.models import HandBack, Relocation, RelocationItem, RelocationKind, RelocationStatus, Vacater
from dcops.moves.schemas import ConsultIn, HandBackIn, PlanIn, RelocationIn, RequestIn, ScheduleIn
from dcops.racks.models import Face
from dcops.terms.written import Channel
from dcops.web.helpers import actor, today
from dcops.web.resource import Page, out
from dcops.web.routes import Db, get, post

READ = {"perm": Perm.inventory_read}
PLAN = {"perm": Perm.customers_write}  # account managers plan
CARRY = {"perm": Perm.inventory_write}  # technicians carry out and inspect


class ItemOut(msgspec.Struct):
    id: int
    hardware_id: int
    from_rack_id: int | None
    from_position: int | None
    from_face: Face | None
    target_rack_id: int | None
    target_position: int | None
    target_face: Face | None
    replacement_id: int | None
    done_at: datetime | None
    done_by: str | None


class RelocationOut(msgspec.Struct):
    id: int
    customer_id: int
    kind: RelocationKind
    action: str
    reason: str
    emergency: bool
    emergency_reason: str | None
    status: RelocationStatus
    other_site_allowed: bool
    consulted_on: date | None
    consulted_with: str | None
    consultation_outcome: str | None
    customer_executes: bool
    requested_on: date | None
    planned_on: date | None
    message_from: str | None  # R2: the customer's own written message (agreement to a date, or its request)
    message_on: date | None
    message_channel: Channel | None
    message_reference: str | None
    agreement_note: str | None
    plan_text: str | None
    plan_agreed_on: date | None
    plan_agreed_with: str | None
    breach_id: int | None
    items: list[ItemOut]
    window_from: date | None  # K4: the supplier may carry the move out from ...
    window_until: date | None  # ... until this day
    customer_deadline: date | None  # K5
    costs: str  # K7


class HandBackOut(msgspec.Struct):
    id: int
    rack_id: int
    units: str
    customer_id: int | None
    contract_id: int | None
    relocation_id: int | None
    vacated_on: date
    vacated_by: Vacater  # A6: only a space the customer vacated can be its breach
    cause: str
    intake_state: str | None
    inspected_by: str | None
    inspected_on: date | None
    as_received: bool | None
    findings: str | None
    breach_id: int | None


def order_out(o: Relocation) -> RelocationOut:
    return out(RelocationOut, o)


def _order(db: Db, item_id: int) -> Relocation:
    return crud.get(db, Relocation, item_id)


@get("/", name="api.relocations.list", opt=READ, description="Filters: customer_id, status, room_id.")
def list_orders(
    db: Db,
    customer_id: FromQuery[int | None] = None,
    status: FromQuery[RelocationStatus | None] = None,
    room_id: FromQuery[int | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    stmt = service.order_query(customer_id, status.value if status else None, room_id)
    page = crud.paginate(db, stmt, limit, offset)
    return Page([order_out(o) for o in page.items], page.total, page.limit, page.offset)


@get("/{item_id:int}", name="api.relocations.detail", opt=READ)
def order_detail(db: Db, item_id: FromPath[int]) -> RelocationOut:
    return order_out(_order(db, item_id))


@post(
    "/",
    name="api.relocations.create",
    opt=PLAN,
    description="Refused with every shortfall (K3/D3) when a target does not reasonably meet the original.",
)
def create_order(request: Request, db: Db, data: JSONBody[RelocationIn]) -> RelocationOut:
    return order_out(service.create_order(db, data, actor(request)))


@post("/{item_id:int}/consult", name="api.relocations.consult", opt=PLAN, status_code=200)
def consult(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[ConsultIn]) -> RelocationOut:
    return order_out(service.consult(db, _order(db, item_id), data, actor(request)))


@post("/{item_id:int}/request", name="api.relocations.request", opt=PLAN, status_code=200)
def request_move(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[RequestIn]) -> RelocationOut:
    return order_out(service.request_move(db, _order(db, item_id), data, actor(request)))


@post("/{item_id:int}/plan", name="api.relocations.plan", opt=PLAN, status_code=200)
def agree_plan(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[PlanIn]) -> RelocationOut:
    return order_out(service.agree_plan(db, _order(db, item_id), data, actor(request)))


@post(
    "/{item_id:int}/schedule",
    name="api.relocations.schedule",
    opt=PLAN,
    status_code=200,
    description="Refused (K4) outside the 14 days after the consultation unless the customer agreed in writing: "
    "message_from, message_on, message_channel and message_reference record its own message (R2).",
)
def schedule(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[ScheduleIn]) -> RelocationOut:
    return order_out(service.schedule(db, _order(db, item_id), data, actor(request)))


@post("/{item_id:int}/cancel", name="api.relocations.cancel", opt=PLAN, status_code=200)
def cancel(request: Request, db: Db, item_id: FromPath[int]) -> RelocationOut:
    return order_out(service.cancel(db, _order(db, item_id), actor(request)))


@post(
    "/{item_id:int}/execute",
    name="api.relocations.execute",
    opt=CARRY,
    status_code=200,
    description="Every open item in one transaction: one refused, nothing moved. A supplier's move is carried out "
    "on its planned date (K4), a customer's own move once it was asked (K5), an emergency at once (K6).",
)
def execute(request: Request, db: Db, item_id: FromPath[int]) -> RelocationOut:
    return order_out(service.execute_all(db, _order(db, item_id), actor(request), today(request)))


@post("/{item_id:int}/items/{line_id:int}/execute", name="api.relocations.execute_item", opt=CARRY, status_code=200)
def execute_item(request: Request, db: Db, item_id: FromPath[int], line_id: FromPath[int]) -> RelocationOut:
    order = _order(db, item_id)
    item = crud.get(db, RelocationItem, line_id)
    if item.relocation_id != order.id:
        raise ValidationFailed({"item": _("Item %(item)s is not on order %(order)s", item=line_id, order=order.id)})
    service.execute_item(db, order, item, actor(request), today(request))
    return order_out(order)


@post(
    "/{item_id:int}/breach",
    name="api.relocations.breach",
    opt=PLAN,
    description="K5: the customer did not move within 14 days of the request: record the breach (Art. 12.4).",
)
def k5_breach(request: Request, db: Db, item_id: FromPath[int]) -> RelocationOut:
    order = _order(db, item_id)
    service.record_k5_breach(db, order, actor(request), today(request))
    return order_out(order)


@get("/", name="api.hand_backs.list", opt=READ, description="Filter: open=true for spaces still to inspect.")
def list_hand_backs(
    db: Db, open: FromQuery[bool] = False, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0
) -> Page:
    stmt = select(HandBack).order_by(HandBack.id.desc())
    if open:
        stmt = stmt.where(HandBack.inspected_on.is_(None))
    page = crud.paginate(db, stmt, limit, offset)
    return Page([out(HandBackOut, h) for h in page.items], page.total, page.limit, page.offset)


@post("/{item_id:int}/inspect", name="api.hand_backs.inspect", opt=CARRY, status_code=200)
def inspect(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[HandBackIn]) -> HandBackOut:
    hb = crud.get(db, HandBack, item_id)
    return out(HandBackOut, service.inspect_hand_back(db, hb, data, actor(request), today(request)))


@post("/{item_id:int}/breach", name="api.hand_backs.breach", opt=PLAN, status_code=200)
def hand_back_breach(request: Request, db: Db, item_id: FromPath[int]) -> HandBackOut:
    hb = crud.get(db, HandBack, item_id)
    service.hand_back_breach(db, hb, actor(request))
    return out(HandBackOut, hb)


ROUTERS = [
    Router(
        path="/api/relocations",
        route_handlers=[
            list_orders,
            order_detail,
            create_order,
            consult,
            request_move,
            agree_plan,
            schedule,
            cancel,
            execute,
            execute_item,
            k5_breach,
        ],
        tags=["relocations"],
    ),
    Router(path="/api/hand-backs", route_handlers=[list_hand_backs, inspect, hand_back_breach], tags=["hand-backs"]),
]
