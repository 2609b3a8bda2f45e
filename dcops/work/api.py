"""JSON API for extra work: work orders and their steps (M1, M2, R2, K7), and the rate agreed with a customer."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Request, Router
from litestar.params import FromPath, FromQuery, JSONBody

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.customers.models import Customer
from dcops.terms.extra_work import RateSource, WorkKind
from dcops.terms.written import Channel
from dcops.web.helpers import actor, timezone, today, usual_rate
from dcops.web.resource import Page, ReasonOut
from dcops.web.routes import Db, get, patch, post
from dcops.work import service
from dcops.work.models import CustomerRate, RequestChannel, TimeEntry, WorkOrder, WorkStatus
from dcops.work.schemas import AcceptanceIn, CloseIn, EstimateIn, RateIn, TimeIn, WorkOrderIn

READ = {"perm": Perm.work_read}
PLAN = {"perm": Perm.customers_write}  # account managers record, estimate, record acceptance, decline
CARRY = {"perm": Perm.inventory_write}  # technicians start, log time, finish


class TimeOut(msgspec.Struct):
    id: int
    technician: str
    started_at: datetime | None
    ended_at: datetime | None
    minutes: int
    note: str | None
    recorded_at: datetime


class ChargeOut(msgspec.Struct):
    """The invoice line that charges the work (M1: the accepted estimate; M2: the time spent)."""

    invoice_id: int
    invoice_number: str
    description: str
    minutes: int
    unit_price_cents: int
    amount_cents: int


class CarryOutOut(msgspec.Struct):
    """Whether the work may be carried out as the order stands (M1, R2, M2), with the rules' reasons."""

    allowed: bool
    reasons: list[ReasonOut]


class WorkOrderOut(msgspec.Struct):
    id: int
    reference: str
    customer_id: int
    contract_id: int | None
    kind: WorkKind
    description: str
    necessity: str | None
    requested_by: str | None
    requested_on: date
    requested_via: RequestChannel | None
    status: WorkStatus
    hardware_ids: list[int]
    estimate_minutes: int | None
    rate_cents: int | None
    rate_source: RateSource | None
    estimate_cents: int | None
    estimate_note: str | None
    estimated_on: date | None
    estimated_by: str | None
    accepted_by: str | None
    accepted_on: date | None
    accepted_via: Channel | None
    accepted_reference: str | None
    accepted_cents: int | None
    closed_reason: str | None
    closed_on: date | None
    closed_by: str | None
    started_at: datetime | None
    started_by: str | None
    finished_at: datetime | None
    finished_by: str | None
    minutes_spent: int
    times: list[TimeOut]
    carry_out: CarryOutOut | None  # while it can still be started
    charge: ChargeOut | None


class RateOut(msgspec.Struct):
    customer_id: int
    agreed_cents: int | None
    note: str | None
    usual_cents: int
    applies_cents: int  # the agreed rate, else the usual rate (15.3)
    source: RateSource


def order_out(o: WorkOrder) -> WorkOrderOut:
    values = {f: getattr(o, f) for f in WorkOrderOut.__struct_fields__ if f not in ("times", "carry_out", "charge")}
    verdict = service.may_start(o) if o.status in service.BEFORE_START else None
    line = o.charge
    carry_out = None
    if verdict is not None:
        carry_out = CarryOutOut(verdict.allowed, [ReasonOut(**r.as_dict()) for r in verdict.reasons])
    charge = None
    if line is not None:
        charge = ChargeOut(
            line.invoice_id,
            line.invoice.number,
            line.description,
            line.minutes,
            line.unit_price_cents,
            line.amount_cents,
        )
    times = [msgspec.convert(t, TimeOut, from_attributes=True) for t in o.times]
    return WorkOrderOut(**values, times=times, carry_out=carry_out, charge=charge)


def _order(db: Db, item_id: int) -> WorkOrder:
    return crud.get(db, WorkOrder, item_id)


@get(
    "/",
    name="api.work_orders.list",
    opt=READ,
    description="Filters: customer_id, status, kind; to_do=true for what technicians may carry out now (M1 accepted, "
    "M2 at once, and work in progress).",
)
def list_orders(
    db: Db,
    customer_id: FromQuery[int | None] = None,
    status: FromQuery[WorkStatus | None] = None,
    kind: FromQuery[WorkKind | None] = None,
    to_do: FromQuery[bool] = False,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    stmt = service.order_query(customer_id, status.value if status else None, kind.value if kind else None, to_do)
    page = crud.paginate(db, stmt, limit, offset)
    return Page([order_out(o) for o in page.items], page.total, page.limit, page.offset)


@get("/{item_id:int}", name="api.work_orders.detail", opt=READ)
def order_detail(db: Db, item_id: FromPath[int]) -> WorkOrderOut:
    return order_out(_order(db, item_id))


@post(
    "/",
    name="api.work_orders.create",
    opt=PLAN,
    description="kind on_request (M1: requested_by and requested_via required) or necessary (M2: necessity "
    "required). Hardware must be under a contract of the customer. A relocation_id is refused (K7: a move creates "
    "no charge).",
)
def create_order(request: Request, db: Db, data: JSONBody[WorkOrderIn]) -> WorkOrderOut:
    return order_out(service.create_order(db, data, actor(request), today(request)))


@post(
    "/{item_id:int}/estimate",
    name="api.work_orders.estimate",
    opt=PLAN,
    status_code=200,
    description="The estimated minutes at the rate that applies (the customer's agreed rate, else the usual rate). "
    "A changed estimate voids an acceptance (M1).",
)
def estimate(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[EstimateIn]) -> WorkOrderOut:
    order = service.estimate(db, _order(db, item_id), data, actor(request), today(request), usual_rate(request))
    return order_out(order)


@post(
    "/{item_id:int}/accept",
    name="api.work_orders.accept",
    opt=PLAN,
    status_code=200,
    description="The customer's written acceptance of the estimate (R2): who, when, channel and reference.",
)
def accept(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[AcceptanceIn]) -> WorkOrderOut:
    return order_out(service.accept(db, _order(db, item_id), data, actor(request), today(request)))


@post(
    "/{item_id:int}/decline",
    name="api.work_orders.decline",
    opt=PLAN,
    status_code=200,
    description="The supplier declines the work (Art. 15.1), saying why.",
)
def decline(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[CloseIn]) -> WorkOrderOut:
    return order_out(service.decline(db, _order(db, item_id), data, actor(request), today(request)))


@post(
    "/{item_id:int}/withdraw",
    name="api.work_orders.withdraw",
    opt=PLAN,
    status_code=200,
    description="The customer withdrew its request or refused the estimate.",
)
def withdraw(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[CloseIn]) -> WorkOrderOut:
    return order_out(service.withdraw(db, _order(db, item_id), data, actor(request), today(request)))


@post(
    "/{item_id:int}/start",
    name="api.work_orders.start",
    opt=CARRY,
    status_code=200,
    description="Refused (M1) before the customer accepted the estimate in writing, and (R2) while the acceptance "
    "lacks who, when, channel or reference; necessary work (M2) starts at once.",
)
def start(request: Request, db: Db, item_id: FromPath[int]) -> WorkOrderOut:
    return order_out(service.start(db, _order(db, item_id), actor(request)))


@post(
    "/{item_id:int}/time",
    name="api.work_orders.time",
    opt=CARRY,
    description="Time spent by the signed-in technician: minutes, or started_at and ended_at (site time when "
    "given without a zone).",
)
def log_time(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[TimeIn]) -> TimeOut:
    entry: TimeEntry = service.log_time(db, _order(db, item_id), data, actor(request), timezone(request))
    return msgspec.convert(entry, TimeOut, from_attributes=True)


@post(
    "/{item_id:int}/finish",
    name="api.work_orders.finish",
    opt=CARRY,
    status_code=200,
    description="Done, and charged as an invoice line on an invoice of its own: M1 the accepted estimate, M2 the "
    "time spent at the rate that applies (refused, M2, without time logged).",
)
def finish(request: Request, db: Db, item_id: FromPath[int]) -> WorkOrderOut:
    order = service.finish(db, _order(db, item_id), actor(request), today(request), usual_rate(request))
    return order_out(order)


def rate_out(db: Db, customer: Customer, usual: int) -> RateOut:
    agreed = db.get(CustomerRate, customer.id)
    rate = service.rate_for(db, customer.id, usual)
    if agreed is None:
        return RateOut(customer.id, None, None, usual, rate.cents, rate.source)
    return RateOut(customer.id, agreed.rate_cents, agreed.note, usual, rate.cents, rate.source)


@get("/{customer_id:int}", name="api.work_rates.detail", opt=READ)
def rate_detail(request: Request, db: Db, customer_id: FromPath[int]) -> RateOut:
    return rate_out(db, crud.get(db, Customer, customer_id), usual_rate(request))


@patch(
    "/{customer_id:int}",
    name="api.work_rates.update",
    opt=PLAN,
    description="The hourly rate agreed with the customer; rate_cents null: the usual rate applies (Art. 15.3).",
)
def rate_update(request: Request, db: Db, customer_id: FromPath[int], data: JSONBody[RateIn]) -> RateOut:
    customer = crud.get(db, Customer, customer_id)
    service.set_rate(db, customer, data, actor(request))
    return rate_out(db, customer, usual_rate(request))


ROUTERS = [
    Router(
        path="/api/work-orders",
        route_handlers=[
            list_orders,
            order_detail,
            create_order,
            estimate,
            accept,
            decline,
            withdraw,
            start,
            log_time,
            finish,
        ],
        tags=["work orders"],
    ),
    Router(path="/api/work-rates", route_handlers=[rate_detail, rate_update], tags=["work rates"]),
]
