"""JSON API for people, visits, passes, the door check and inspections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Request, Response, Router
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.orm import joinedload

from dcops import clock, crud, qr
from dcops.access import door, inspections, people, visits
from dcops.access.models import Decision, Direction, DoorCheck, IdDocument, Person, Visit, VisitPass, VisitStatus
from dcops.access.schemas import (
    ApproveIn,
    BreachLinkIn,
    DecisionNoteIn,
    DoorCheckIn,
    EscortIn,
    InspectionIn,
    PersonIn,
    RevokeIn,
    VisitIn,
)
from dcops.auth.permissions import Perm
from dcops.customers.models import Breach
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.terms.access import Purpose
from dcops.web.helpers import actor, keyring, query_int, timezone, today
from dcops.web.resource import Page, ReasonOut, Resource, out, router
from dcops.web.routes import Db, get, post

READ = {"perm": Perm.access_read}
WRITE = {"perm": Perm.visits_write}
APPROVE = {"perm": Perm.visits_approve}
DOOR = {"perm": Perm.door_check}
DOOR_CHECK = {**DOOR, "uncompressed": True}  # a small answer on a LAN: gzip costs more than it saves


class PersonOut(msgspec.Struct):
    id: int
    customer_id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    third_party: bool
    competence_confirmed_on: date | None
    competence_confirmed_by: str | None
    id_document_type: IdDocument | None
    id_document_last4: str | None
    active: bool
    pseudonymised_at: datetime | None


class PassOut(msgspec.Struct):
    id: int
    visit_id: int
    person_id: int
    key_id: str
    code: str
    valid_from: datetime
    valid_until: datetime
    issued_by: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None


class VisitOut(msgspec.Struct):
    id: int
    customer_id: int
    purpose: str
    purpose_kind: Purpose
    starts_at: datetime
    ends_at: datetime
    status: VisitStatus
    room_ids: list[int]
    room_codes: list[str]
    person_ids: list[int]
    escort_required: bool
    escort_id: int | None
    requested_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    a7_override: str | None
    contract_ids: list[int] | None  # the contracts the visit was approved for (S6, A7)
    passes: list[PassOut]


class CarryOutOut(msgspec.Struct):
    asset_tag: str
    hardware_id: int | None
    decision: Decision
    reasons: list[ReasonOut]


class DoorCheckOut(msgspec.Struct):
    id: int
    at: datetime
    room_id: int
    direction: Direction
    decision: Decision
    passed: bool  # the holder went through: an allowed entry, or any exit of a known pass (P7 may refuse the items)
    reasons: list[ReasonOut]
    pass_id: int | None
    visit_id: int | None
    person_id: int | None
    customer_id: int | None
    person_name: str | None
    officer: str
    breach_id: int | None
    carry_outs: list[CarryOutOut]


class DoorAnswer(msgspec.Struct):
    """What the door screen shows: the decision, who, for which visit, and every reason."""

    check: DoorCheckOut
    allowed: bool
    person: str | None
    company: str | None
    customer: str | None
    visit_id: int | None
    purpose: str | None
    window: str | None
    escort_required: bool
    a7_override: str | None


class InspectionOut(msgspec.Struct):
    id: int
    room_id: int
    inspected_at: datetime
    inspected_by: str
    findings: str


def answer(outcome: door.Outcome, tz: str) -> DoorAnswer:
    h = outcome.holder
    return DoorAnswer(
        check=out(DoorCheckOut, outcome.check),
        allowed=outcome.allowed,
        person=h.person if h else None,
        company=h.company if h else None,
        customer=h.customer if h else None,
        visit_id=h.visit_id if h else None,
        purpose=h.purpose if h else None,
        window=clock.window_text(h.starts_at, h.ends_at, tz) if h else None,
        escort_required=bool(h and h.escort_required),
        a7_override=h.a7_override if h else None,
    )


# --- people -----------------------------------------------------------------------------------------


def _people_query(p: dict[str, str]) -> Any:
    active = {"true": True, "false": False}.get(p.get("active", ""))
    return people.person_query(query_int(p.get("customer_id")), p.get("q", "").strip(), active)


@post("/{item_id:int}/erase", name="api.people.erase", opt=WRITE, status_code=200)
def erase_person(request: Request, db: Db, item_id: FromPath[int]) -> PersonOut:
    return out(PersonOut, people.erase(db, crud.get(db, Person, item_id), actor(request)))


PEOPLE = Resource(
    name="people",
    model=Person,
    schema_in=PersonIn,
    schema_out=PersonOut,
    query=_people_query,
    create=lambda db, data, who: people.create_person(db, data, who, clock.today()),
    update=lambda db, obj, data, who: people.update_person(db, obj, data, who, clock.today()),
    remove=None,  # people are deactivated or erased (R3), never deleted: door checks refer to them
    read=Perm.access_read,
    write=Perm.visits_write,
    filters=("customer_id", "q", "active"),
    extra_handlers=[erase_person],
)


# --- visits -----------------------------------------------------------------------------------------


def _visit_out(visit: Visit) -> VisitOut:
    return out(VisitOut, visit)


@get("/", name="api.visits.list", opt=READ, description="Filters: customer_id, status, on (a day: visits open then).")
def list_visits(
    request: Request,
    db: Db,
    customer_id: FromQuery[int | None] = None,
    status: FromQuery[VisitStatus | None] = None,
    on: FromQuery[date | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    span = clock.day_span(on, timezone(request)) if on else None
    stmt = visits.visit_query(customer_id, status.value if status else None, span)
    stmt = stmt.options(joinedload(Visit.passes))
    page = crud.paginate(db, stmt, limit, offset)
    return Page([_visit_out(v) for v in page.items], page.total, page.limit, page.offset)


@get("/{item_id:int}", name="api.visits.detail", opt=READ)
def visit_detail(db: Db, item_id: FromPath[int]) -> VisitOut:
    return _visit_out(crud.get(db, Visit, item_id))


@post(
    "/",
    name="api.visits.request",
    opt=WRITE,
    description="Times without a zone are the site's local time. A third party makes the escort required (A2).",
)
def request_visit(request: Request, db: Db, data: JSONBody[VisitIn]) -> VisitOut:
    return _visit_out(visits.request_visit(db, data, actor(request), timezone(request)))


@post(
    "/{item_id:int}/approve",
    name="api.visits.approve",
    opt=APPROVE,
    status_code=200,
    description="Refused with every failing reason (D2/K2, A1, A2, A7). `a7_override` (a written reason) "
    "overrides A7 when it is the only one refusing. Issues one pass per person.",
)
def approve_visit(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[ApproveIn]) -> VisitOut:
    visit = crud.get(db, Visit, item_id)
    visits.approve(db, visit, data, actor(request), today(request), keyring(request), timezone(request))
    return _visit_out(visit)


@post("/{item_id:int}/deny", name="api.visits.deny", opt=APPROVE, status_code=200)
def deny_visit(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[DecisionNoteIn]) -> VisitOut:
    return _visit_out(visits.deny(db, crud.get(db, Visit, item_id), data.note, actor(request)))


@post("/{item_id:int}/cancel", name="api.visits.cancel", opt=WRITE, status_code=200, description="Revokes its passes.")
def cancel_visit(request: Request, db: Db, item_id: FromPath[int]) -> VisitOut:
    return _visit_out(visits.cancel(db, crud.get(db, Visit, item_id), actor(request)))


@post("/{item_id:int}/complete", name="api.visits.complete", opt=WRITE, status_code=200)
def complete_visit(request: Request, db: Db, item_id: FromPath[int]) -> VisitOut:
    return _visit_out(visits.complete(db, crud.get(db, Visit, item_id), actor(request)))


@post("/{item_id:int}/escort", name="api.visits.escort", opt=WRITE, status_code=200)
def escort_visit(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[EscortIn]) -> VisitOut:
    return _visit_out(visits.set_escort(db, crud.get(db, Visit, item_id), data.escort_id, actor(request)))


# --- passes -----------------------------------------------------------------------------------------


@get("/keys", name="api.passes.keys", opt={"perm": Perm.public}, description="Public keys (JWK) for offline checks.")
def pass_keys(request: Request) -> dict[str, Any]:
    return {"keys": [k.as_dict() for k in keyring(request).public_keys().values()]}


@get("/{item_id:int}", name="api.passes.detail", opt=READ)
def pass_detail(db: Db, item_id: FromPath[int]) -> PassOut:
    return out(PassOut, crud.get(db, VisitPass, item_id))


def qr_response(db: Any, item_id: int, kind: str) -> Response[bytes]:
    vp = crud.get(db, VisitPass, item_id)
    body, media = (qr.png(vp.code), "image/png") if kind == "png" else (qr.svg(vp.code), "image/svg+xml")
    return Response(body, media_type=media, headers={"Cache-Control": "private, no-store"})


@get("/{item_id:int}/qr.png", name="api.passes.png", opt=READ, media_type="image/png")
def pass_png(db: Db, item_id: FromPath[int]) -> Response[bytes]:
    return qr_response(db, item_id, "png")


@get("/{item_id:int}/qr.svg", name="api.passes.svg", opt=READ, media_type="image/svg+xml")
def pass_svg(db: Db, item_id: FromPath[int]) -> Response[bytes]:
    return qr_response(db, item_id, "svg")


@post("/{item_id:int}/reprint", name="api.passes.reprint", opt=WRITE, description="Revokes this pass.")
def reprint_pass(request: Request, db: Db, item_id: FromPath[int]) -> PassOut:
    return out(PassOut, visits.reprint(db, crud.get(db, VisitPass, item_id), actor(request), keyring(request)))


@post("/{item_id:int}/revoke", name="api.passes.revoke", opt=WRITE, status_code=200)
def revoke_pass(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[RevokeIn]) -> PassOut:
    return out(PassOut, visits.revoke_pass(db, crud.get(db, VisitPass, item_id), actor(request), data.reason))


# --- the door ---------------------------------------------------------------------------------------


@post(
    "/checks",
    name="api.door.check",
    opt=DOOR_CHECK,
    description="Every scan is recorded, readable or not; the answer is 201 with `allowed` true or false and "
    "every reason. At check-out, `asset_tags` are checked for carry-out (D1, K1, K10).",
)
def door_check(request: Request, db: Db, data: JSONBody[DoorCheckIn]) -> DoorAnswer:
    # Most calls never get here: dcops.access.door_lane answers a known token's well-formed check itself, and
    # hands this route the rest (the first call of a token, bad input, every error), documented here as ever.
    tz = timezone(request)
    return answer(door.check(db, data, actor(request), keyring(request), tz), tz)


@get("/checks", name="api.door.list", opt=READ, description="Filters: room_id, decision, person_id, visit_id.")
def door_checks(
    db: Db,
    room_id: FromQuery[int | None] = None,
    decision: FromQuery[Decision | None] = None,
    person_id: FromQuery[int | None] = None,
    visit_id: FromQuery[int | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    stmt = door.check_query(room_id, decision, person_id, visit_id)
    page = crud.paginate(db, stmt, limit, offset)
    return Page([out(DoorCheckOut, c) for c in page.items], page.total, page.limit, page.offset)


@get("/checks/{item_id:int}", name="api.door.detail", opt=READ)
def door_check_detail(db: Db, item_id: FromPath[int]) -> DoorCheckOut:
    return out(DoorCheckOut, crud.get(db, DoorCheck, item_id))


@post(
    "/checks/{item_id:int}/breach",
    name="api.door.breach",
    opt={"perm": Perm.customers_write},
    status_code=200,
    description="Keep this door check as evidence of a breach: while it is open the person is not erased (R3).",
)
def link_breach(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[BreachLinkIn]) -> DoorCheckOut:
    dc = crud.get(db, DoorCheck, item_id)
    if data.breach_id is not None and db.get(Breach, data.breach_id) is None:
        raise ValidationFailed({"breach_id": _("No breach with id %(id)s", id=data.breach_id)})
    return out(DoorCheckOut, crud.update(db, dc, {"breach_id": data.breach_id}, actor=actor(request)))


class InsideOut(msgspec.Struct):
    person_id: int
    person: str | None
    customer: str | None
    room: str
    visit_id: int | None
    since: datetime


@get("/inside", name="api.door.inside", opt=READ, description="Who is inside now, from the door checks.")
def who_is_inside(db: Db) -> list[InsideOut]:
    return [
        InsideOut(
            person_id=c.person_id or 0,
            person=c.person_name,
            customer=c.visit.customer.name if c.visit else None,
            room=c.room.code,
            visit_id=c.visit_id,
            since=c.at,
        )
        for c in door.inside_now(db)
    ]


# --- inspections (A5) -------------------------------------------------------------------------------


@get("/", name="api.inspections.list", opt=READ, description="Filter: room_id.")
def list_inspections(
    db: Db, room_id: FromQuery[int | None] = None, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0
) -> Page:
    page = crud.paginate(db, inspections.inspection_query(room_id), limit, offset)
    return Page([out(InspectionOut, i) for i in page.items], page.total, page.limit, page.offset)


@post("/", name="api.inspections.create", opt=WRITE, description="A5: the supplier inspects; no pass needed.")
def log_inspection(request: Request, db: Db, data: JSONBody[InspectionIn]) -> InspectionOut:
    return out(InspectionOut, inspections.log(db, data, actor(request), timezone(request)))


ROUTERS = [
    router(PEOPLE),
    Router(
        path="/api/visits",
        route_handlers=[
            list_visits,
            visit_detail,
            request_visit,
            approve_visit,
            deny_visit,
            cancel_visit,
            complete_visit,
            escort_visit,
        ],
        tags=["visits"],
    ),
    Router(
        path="/api/passes",
        route_handlers=[pass_keys, pass_detail, pass_png, pass_svg, reprint_pass, revoke_pass],
        tags=["passes"],
    ),
    Router(
        path="/api/door",
        route_handlers=[door_check, door_checks, door_check_detail, link_breach, who_is_inside],
        tags=["door"],
    ),
    Router(path="/api/inspections", route_handlers=[list_inspections, log_inspection], tags=["inspections"]),
]
