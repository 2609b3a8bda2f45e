"""JSON API for maintenance (R4) and the supplier's closure days (Art. 1.14)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import msgspec
from litestar import Request, Router
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.db import utcnow
from dcops.maintenance import queries, service
from dcops.maintenance.models import ChangeKind, ClosureDay, Impact, Maintenance, MaintenanceStatus, Scope, place
from dcops.maintenance.schemas import CancelIn, ClosureDayIn, MaintenanceIn
from dcops.validation import parse
from dcops.web.helpers import actor, today
from dcops.web.resource import Page, ReasonOut, out
from dcops.web.routes import Db, delete, get, patch, post

READ = {"perm": Perm.inventory_read}
PLAN = {"perm": Perm.maintenance_plan}
CARRY = {"perm": Perm.maintenance_carry}
CLOSURES = {"perm": Perm.closure_days}


class AffectedHardwareOut(msgspec.Struct):
    id: int
    name: str
    rack: str | None
    position: int | None


class AffectedOut(msgspec.Struct):
    customer_id: int
    customer: str
    hardware: list[AffectedHardwareOut]
    racks: list[str]  # private racks let to the customer in the scope


class ChangeOut(msgspec.Struct):
    id: int
    kind: ChangeKind
    at: datetime
    by: str
    changes: dict[str, Any]  # field: [before, after]; a cancellation's reason
    customer_ids: list[int]  # who is told


class NoticeOut(msgspec.Struct):
    """R4 as it stands: for an announced maintenance as of its announcement, else for announcing it now."""

    allowed: bool
    reasons: list[ReasonOut]
    earliest_start: date  # of planned maintenance announced now


class MaintenanceOut(msgspec.Struct):
    id: int
    title: str
    description: str
    scope: Scope
    site_id: int | None
    room_id: int | None
    rack_id: int | None
    hardware_ids: list[int]
    place: str
    starts_at: datetime
    ends_at: datetime
    impact: Impact
    status: MaintenanceStatus
    emergency: bool
    emergency_reason: str | None
    announced_at: datetime | None
    announced_by: str | None
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    created_at: datetime
    affected: list[AffectedOut]  # stored when announced; empty before
    changes: list[ChangeOut]
    notice: NoticeOut


def _now(request: Request) -> service.Now:
    return service.Now.of(request.app.state.settings)


def maintenance_out(db: Session, m: Maintenance, now: service.Now) -> MaintenanceOut:
    verdict = service.notice_verdict(db, m, service.Now(m.announced_at, now.tz, now.hours) if m.announced else now)
    return MaintenanceOut(
        **_fields(m, MaintenanceOut, COMPUTED),
        hardware_ids=[h.id for h in m.hardware],
        place=place(m, limit=None),
        affected=[
            AffectedOut(
                a.customer_id, a.customer.name, [msgspec.convert(h, AffectedHardwareOut) for h in a.hardware], a.racks
            )
            for a in m.affected
        ],
        changes=[out(ChangeOut, c) for c in m.changes],
        notice=NoticeOut(
            verdict.allowed, [ReasonOut(**r.as_dict()) for r in verdict.reasons], service.earliest(db, now)
        ),
    )


COMPUTED = ("hardware_ids", "place", "affected", "changes", "notice")


def _maintenance(db: Db, item_id: int) -> Maintenance:
    return crud.get(db, Maintenance, item_id)


class SummaryOut(msgspec.Struct):
    id: int
    title: str
    scope: Scope
    place: str
    starts_at: datetime
    ends_at: datetime
    impact: Impact
    status: MaintenanceStatus
    emergency: bool
    announced_at: datetime | None


@get(
    "/",
    name="api.maintenance.list",
    opt=READ,
    description="Filters: status; when=upcoming (not over yet, soonest first) or past (over, latest first).",
)
def list_maintenance(
    db: Db,
    status: FromQuery[MaintenanceStatus | None] = None,
    when: FromQuery[Literal["upcoming", "past"] | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    stmt = queries.maintenance_query(status.value if status else None, when, utcnow())
    page = crud.paginate(db, stmt, limit, offset)
    items = [SummaryOut(**{**_fields(m, SummaryOut), "place": place(m)}) for m in page.items]
    return Page(items, page.total, page.limit, page.offset)


def _fields(obj: Any, schema: type[msgspec.Struct], leave: tuple[str, ...] = ("place",)) -> dict[str, Any]:
    """The schema's fields the object holds as they are (`leave`: those computed apart)."""
    return {f: getattr(obj, f) for f in schema.__struct_fields__ if f not in leave}


@post(
    "/",
    name="api.maintenance.create",
    opt=PLAN,
    description="Planned, not yet announced. Moments without a zone are the site's local time. Emergency maintenance "
    "(emergency: true) needs its emergency_reason.",
)
def create(request: Request, db: Db, data: JSONBody[MaintenanceIn]) -> MaintenanceOut:
    now = _now(request)
    return maintenance_out(db, service.create(db, data, actor(request), now), now)


@get("/{item_id:int}", name="api.maintenance.detail", opt=READ)
def detail(request: Request, db: Db, item_id: FromPath[int]) -> MaintenanceOut:
    return maintenance_out(db, _maintenance(db, item_id), _now(request))


def _current(m: Maintenance) -> dict[str, Any]:
    values = _fields(m, MaintenanceIn, ("hardware_ids",)) | {"hardware_ids": [h.id for h in m.hardware]}
    return {k: v.value if isinstance(v, Scope | Impact) else v for k, v in values.items()}


@patch(
    "/{item_id:int}",
    name="api.maintenance.update",
    opt={**PLAN, "body": MaintenanceIn},  # read as a dict of some of its fields (dcops.web.input_guard)
    description="Send only the fields to change. Once announced, a change of start, end, impact or scope is recorded "
    "for the customers; a start moved earlier, or customers a wider scope adds, need two working days from now (R4) "
    "unless it is emergency maintenance.",
)
def update(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[dict[str, Any]]) -> MaintenanceOut:
    m, now = _maintenance(db, item_id), _now(request)
    service.update(db, m, parse(MaintenanceIn, {**_current(m), **data}), actor(request), now)
    return maintenance_out(db, m, now)


@post(
    "/{item_id:int}/announce",
    name="api.maintenance.announce",
    opt=PLAN,
    status_code=200,
    description="Refused (R4, Art. 18.3 and 1.14) when the start is less than two working days ahead, unless it is "
    "emergency maintenance, which may also be announced once started or done. Stores the affected customers.",
)
def announce(request: Request, db: Db, item_id: FromPath[int]) -> MaintenanceOut:
    now = _now(request)
    return maintenance_out(db, service.announce(db, _maintenance(db, item_id), actor(request), now), now)


@post(
    "/{item_id:int}/start",
    name="api.maintenance.start",
    opt=CARRY,
    status_code=200,
    description="Planned maintenance once announced and not before its start (R4); emergency maintenance any time.",
)
def start(request: Request, db: Db, item_id: FromPath[int]) -> MaintenanceOut:
    now = _now(request)
    return maintenance_out(db, service.start(db, _maintenance(db, item_id), actor(request), now), now)


@post("/{item_id:int}/finish", name="api.maintenance.finish", opt=CARRY, status_code=200)
def finish(request: Request, db: Db, item_id: FromPath[int]) -> MaintenanceOut:
    now = _now(request)
    return maintenance_out(db, service.finish(db, _maintenance(db, item_id), actor(request), now), now)


@post("/{item_id:int}/cancel", name="api.maintenance.cancel", opt=PLAN, status_code=200)
def cancel(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[CancelIn]) -> MaintenanceOut:
    now = _now(request)
    m = service.cancel(db, _maintenance(db, item_id), actor(request), now, data.reason)
    return maintenance_out(db, m, now)


class ClosureDayOut(msgspec.Struct):
    id: int
    day: date
    reason: str
    announced_on: date
    created_by: str
    created_at: datetime


@get("/", name="api.closure_days.list", opt=READ, description="Filter: from_day (closures on or after it).")
def list_closures(
    db: Db, from_day: FromQuery[date | None] = None, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0
) -> Page:
    stmt = select(ClosureDay).order_by(ClosureDay.day)
    if from_day is not None:
        stmt = stmt.where(ClosureDay.day >= from_day)
    page = crud.paginate(db, stmt, limit, offset)
    return Page([out(ClosureDayOut, c) for c in page.items], page.total, page.limit, page.offset)


@post(
    "/",
    name="api.closure_days.create",
    opt=CLOSURES,
    description="A day the supplier announced it is closed (Art. 1.14); announced_on is today when not given. It "
    "counts as no working day only for announcements made on or after announced_on.",
)
def add_closure(request: Request, db: Db, data: JSONBody[ClosureDayIn]) -> ClosureDayOut:
    return out(ClosureDayOut, service.add_closure(db, data, actor(request), today(request)))


@get("/{item_id:int}", name="api.closure_days.detail", opt=READ)
def closure(db: Db, item_id: FromPath[int]) -> ClosureDayOut:
    return out(ClosureDayOut, crud.get(db, ClosureDay, item_id))


@delete("/{item_id:int}", name="api.closure_days.delete", opt=CLOSURES)
def remove_closure(request: Request, db: Db, item_id: FromPath[int]) -> None:
    service.remove_closure(db, crud.get(db, ClosureDay, item_id), actor(request))


ROUTERS = [
    Router(
        path="/api/maintenance",
        route_handlers=[list_maintenance, create, detail, update, announce, start, finish, cancel],
        tags=["maintenance"],
    ),
    Router(
        path="/api/closure-days",
        route_handlers=[list_closures, add_closure, closure, remove_closure],
        tags=["closure days"],
    ),
]
