"""Relocation pages: the account managers' list and calendar of orders with their windows and deadlines,
an order's page with each step, the technicians' moves of the day, and hand-back inspections."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import clock, crud
from dcops.auth.permissions import Perm, allows
from dcops.customers.record_forms import customer_choices
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _
from dcops.maintenance import queries as maintenance
from dcops.maintenance.models import Maintenance
from dcops.moves import queries, service
from dcops.moves.models import HandBack, Relocation, RelocationItem, RelocationKind, RelocationStatus
from dcops.moves.schemas import ConsultIn, HandBackIn, ItemIn, PlanIn, RelocationIn, RequestIn, ScheduleIn
from dcops.racks.models import Hardware, Rack, Room
from dcops.terms.relocation import customer_overdue
from dcops.terms.verdict import Verdict
from dcops.validation import parse, query_day
from dcops.vocabulary import word
from dcops.web.forms import Field, enum_choices, normalize, render, submit
from dcops.web.helpers import actor, query_int, timezone, today
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.inventory_read}
PLAN = {"perm": Perm.customers_write}
CARRY = {"perm": Perm.inventory_write}
ORDER = "moves/relocation.html"


def order_fields(db: Session) -> list[Field]:
    hardware = [(h.id, f"{h.name} ({h.asset_tag})") for h in db.scalars(select(Hardware).order_by(Hardware.name))]
    racks = [(r.id, r.name) for r in db.scalars(select(Rack).order_by(Rack.name))]
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field(
            "kind",
            N_("Kind"),
            "select",
            True,
            [c for c in enum_choices(RelocationKind) if c[0] != RelocationKind.customer_request.value],
            help=N_(
                "Colocation move (K3), dedicated reassignment (D3) or the supplier's own action (K8); a customer's "
                "own request is recorded from the hardware's page"
            ),
        ),
        Field(
            "action",
            N_("Action"),
            "select",
            True,
            [
                ("move", _("move")),
                ("switch_off", _("switch off")),
                ("unmount", _("unmount (keep here)")),
                ("remove", _("remove")),
            ],
            help=N_("Switching off, unmounting and removing are supplier actions (K8)"),
        ),
        Field("reason", N_("Reason"), "textarea", True),
        Field("hardware_id", N_("Hardware"), "select", True, hardware),
        Field("target_rack_id", N_("Target rack"), "select", choices=racks),
        Field("target_position", N_("Target position (lowest unit)"), "number", min=1),
        Field("target_face", N_("Target face"), "select", True, [("front", _("front")), ("rear", _("rear"))]),
        Field("replacement_id", N_("Replacement hardware (D3)"), "select", choices=hardware),
        Field("other_site_allowed", N_("The move may go to another datacenter"), "checkbox"),
        Field(
            "customer_executes",
            N_("The customer moves it itself (K5: within 14 days of our request)"),
            "checkbox",
            help=N_(
                "Only where its contract makes the customer maintain its hardware; the supplier then moves it only "
                "in an emergency (Art. 12.4)"
            ),
        ),
        Field("emergency", N_("Emergency (K6: no consultation or window)"), "checkbox"),
        Field("emergency_reason", N_("Emergency reason"), "textarea", help=N_("Required for an emergency (Art. 12.7)")),
    ]


ITEM_FIELDS = ("hardware_id", "target_rack_id", "target_position", "target_face", "replacement_id")


def _order_in(fields: list[Field], data: dict[str, Any]) -> RelocationIn:
    """The form holds one item; the API takes several. Errors of the order and the item come together."""
    values = normalize(fields, data)
    item_values = {k: values.pop(k) for k in ITEM_FIELDS if k in values}
    errors: dict[str, str] = {}
    item = order = None
    try:
        item = parse(ItemIn, item_values, form=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        order = parse(RelocationIn, {**values, "items": [{"hardware_id": 1}]}, form=True)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors or order is None or item is None:
        raise ValidationFailed(errors)
    return msgspec.structs.replace(order, items=[item])


Event = tuple[str, str, str]  # what the calendar shows, where it links, its css class


def _calendar(orders: list[Relocation], first: date, last: date) -> dict[date, list[Event]]:
    """Per day: orders on their planned day with their state (a carried-out order is not "planned"), and for open
    orders the supplier's window ending (K4) and the customer's deadline (K5), marked: a closed order has none."""
    days: dict[date, list[Event]] = {}
    for o in orders:
        open_ = o.status in queries.OPEN
        for day, what, deadline in (
            (o.planned_on, word(o.status), False),
            (o.window_until if open_ else None, _("K4 window ends"), True),
            (o.customer_deadline if open_ else None, _("K5 deadline"), True),
        ):
            if day is not None and first <= day <= last:
                text = f"#{o.id} {what}: {o.customer.name}"
                css = "deadline" if deadline else "" if open_ else "closed"
                days.setdefault(day, []).append((text, f"/relocations/{o.id}", css))
    return days


def _with_maintenance(
    days: dict[date, list[Event]], items: list[Maintenance], first: date, last: date, tz: ZoneInfo
) -> dict[date, list[Event]]:
    """Maintenance on every day of its window (R4): one calendar of moves and maintenance."""
    for m in items:
        start, end = m.starts_at.astimezone(tz).date(), (m.ends_at - timedelta(microseconds=1)).astimezone(tz).date()
        text = _("Maintenance #%(id)s: %(title)s", id=m.id, title=m.title)
        for n in range((min(end, last) - max(start, first)).days + 1):
            days.setdefault(max(start, first) + timedelta(days=n), []).append(
                (text, f"/maintenance/{m.id}", "maintenance")
            )
    return days


def _place(rack: Rack | None, position: int | None) -> str:
    return f"{rack.name} U{position}" if rack is not None and position is not None else "—"


def carry_out_question(order: Relocation, item: RelocationItem) -> str:
    """What the confirmation before carrying out an item asks: what moves (or is switched off, removed) where."""
    hardware, here = item.hardware.name, _place(item.from_rack, item.from_position)
    if item.replacement is not None:
        return _(
            "Carry out now: %(hardware)s (%(place)s) is replaced by %(replacement)s?",
            hardware=hardware,
            place=here,
            replacement=item.replacement.name,
        )
    if order.action == "switch_off":
        return _("Carry out now: switch off %(hardware)s in %(place)s?", hardware=hardware, place=here)
    if order.action == "remove":
        return _("Carry out now: remove %(hardware)s from %(place)s?", hardware=hardware, place=here)
    if order.action == "unmount":
        return _(
            "Carry out now: unmount %(hardware)s from %(place)s (it stays in the datacenter)?",
            hardware=hardware,
            place=here,
        )
    there = _place(item.target_rack, item.target_position)
    if item.target_face is not None:
        there = f"{there} ({word(item.target_face)})"
    if item.from_rack is None:
        return _("Carry out now: mount %(hardware)s in %(target)s?", hardware=hardware, target=there)
    return _(
        "Carry out now: move %(hardware)s from %(place)s to %(target)s?", hardware=hardware, place=here, target=there
    )


def next_step(order: Relocation, verdict: Verdict | None) -> tuple[str, str] | None:
    """The step a refused carrying out waits for (as `service.may_execute` decides it) and where on the order's page
    that step is recorded; None when nothing is to be done but wait (a plan agreed for a later day)."""
    if verdict is None or verdict.allowed:
        return None
    if order.kind is RelocationKind.dedicated_reassignment:
        return (_("record the agreed plan of approach (D3)"), "#plan") if order.plan_agreed_on is None else None
    if order.customer_executes and not order.emergency and order.requested_on is None:
        return _("record the request to the customer (K5)"), "#request"
    if order.consulted_on is None:
        return _("record the consultation with the customer (K4)"), "#consult"
    if order.planned_on is not None and order.status in (RelocationStatus.scheduled, RelocationStatus.in_progress):
        return _("schedule it again for another day (K4)"), "#schedule"
    return _("schedule the move inside its window (K4)"), "#schedule"


class RelocationPages(Controller):
    path = "/relocations"

    @get("/", name="relocations", opt=READ)
    def index(
        self,
        request: Request,
        db: Db,
        view: FromQuery[str] = "list",
        status: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        room_id: FromQuery[str] = "",
        on: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        valid = status if status in {s.value for s in RelocationStatus} else None
        stmt = service.order_query(query_int(customer_id), valid, query_int(room_id))
        ctx: dict[str, Any] = {
            "view": view,
            "status": status,
            "customer_id": customer_id,
            "room_id": room_id,
            "statuses": [s.value for s in RelocationStatus],
            "customers": customer_choices(db),
            "rooms": [(r.id, r.code) for r in db.scalars(select(Room).order_by(Room.code))],
            "on": on,
        }
        if view in ("week", "month"):
            tz = ZoneInfo(timezone(request))
            anchor = query_day(on) or today(request)  # the reader's way or ISO, within the days dcops takes
            if view == "week":
                first = anchor - timedelta(days=anchor.weekday())
                last = first + timedelta(days=6)
            else:
                first = anchor.replace(day=1)
                last = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
            grid_start = first - timedelta(days=first.weekday())
            days = [grid_start + timedelta(days=i) for i in range((last - grid_start).days + 1 + (6 - last.weekday()))]
            span = last - first + timedelta(days=1)
            ctx.update(
                days=days,
                first=first,
                last=last,
                events=_with_maintenance(
                    _calendar(list(db.scalars(stmt)), first, last),
                    self._maintenance(db, first, last, tz, query_int(customer_id), query_int(room_id)),
                    first,
                    last,
                    tz,
                ),
                prev=(first - span).isoformat()
                if view == "week"
                else (first - timedelta(days=1)).replace(day=1).isoformat(),
                next=(last + timedelta(days=1)).isoformat(),
                today=today(request),
            )
            return render("moves/relocations_calendar.html", **ctx)
        page = crud.screen_page(db, stmt, limit, offset)
        return render("moves/relocations.html", page=page, **ctx)

    @staticmethod
    def _maintenance(
        db: Session, first: date, last: date, tz: ZoneInfo, customer_id: int | None, room_id: int | None
    ) -> list[Maintenance]:
        """Maintenance in the calendar's days, narrowed like its orders: touching the room, affecting the customer."""
        where = []
        if room_id is not None:
            where.append(maintenance.touching_room(db, room_id))
        if customer_id is not None:
            where.append(maintenance.affecting_customer(customer_id))
        start, end = clock.day_span(first, tz.key)[0], clock.day_span(last, tz.key)[1]
        return maintenance.between(db, start, end, *where)

    @get("/today", name="moves_today", opt=READ)
    def moves_today(self, request: Request, db: Db) -> Template:
        """The technicians' tablet: what to move today."""
        day = today(request)
        # Exactly the orders the terms let be carried out today (service.may_execute: K4 on the planned day, K6 at
        # once, D3 once the plan is agreed, K5 once asked): each of their items offers "Carry out".
        orders = [o for o in db.scalars(service.order_query(open_only=True)) if service.may_execute(o, day).allowed]
        questions = {i.id: carry_out_question(o, i) for o in orders for i in o.items}
        return render("moves/moves_today.html", orders=orders, today=day, questions=questions)

    @get("/new", name="relocation_new", opt=PLAN)
    def new(self, request: Request, db: Db) -> Template:
        """`?hardware_id=&customer_id=`: started from a refusal that asks for an order (K8, dcops.web.fixes)."""
        given = {k: request.query_params[k] for k in ("hardware_id", "customer_id") if request.query_params.get(k)}
        return render(
            "forms/generic.html",
            title=_("Plan a relocation"),
            fields=order_fields(db),
            values={"kind": "colocation_move", "action": "move", "target_face": "front", **given},
            errors={},
            cancel="/relocations",
        )

    @post("/new", name="relocation_create", opt=PLAN)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        fields = order_fields(db)
        return submit(
            request,
            "forms/generic.html",
            data,
            lambda: service.create_order(db, _order_in(fields, data), actor(request)),
            lambda o: f"/relocations/{o.id}",
            _("Relocation planned"),
            title=_("Plan a relocation"),
            fields=fields,
            cancel="/relocations",
        )

    def _context(self, request: Request, db: Session, order: Relocation) -> dict[str, Any]:
        day = today(request)
        can_execute = service.may_execute(order, day) if order.status in service.OPEN else None
        return {
            "order": order,
            "today": day,
            "overdue": customer_overdue(order.requested_on, order.status is RelocationStatus.done, day),
            "checks": {i.id: service.check_item(db, order, i) for i in order.items if i.done_at is None},
            "can_plan": allows(request.scope["user"].role, Perm.customers_write),
            "can_execute": can_execute,
            "next_step": next_step(order, can_execute),
            "questions": {i.id: carry_out_question(order, i) for i in order.items if i.done_at is None},
        }

    @get("/{item_id:int}", name="relocation", opt=READ)
    def detail(self, request: Request, db: Db, item_id: FromPath[int]) -> Template:
        return render(ORDER, values={}, errors={}, **self._context(request, db, crud.get(db, Relocation, item_id)))

    def _step(self, request: Request, db: Session, item_id: int, data: dict[str, Any], run: Any, done: str) -> Any:
        """One step of the order; on refusal the order's page again, with the reasons and what was typed."""
        order = crud.get(db, Relocation, item_id)
        back = data.get("back") if data.get("back") == "/relocations/today" else f"/relocations/{item_id}"
        return submit(
            request,
            ORDER,
            data,
            lambda: run(order),
            lambda _: back,
            done,
            page=lambda: self._context(request, db, order),
        )

    @post("/{item_id:int}/consult", opt=PLAN)
    def consult(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            data,
            lambda o: service.consult(db, o, parse(ConsultIn, data, form=True), actor(request)),
            _("Consultation recorded"),
        )

    @post("/{item_id:int}/request", opt=PLAN)
    def request_move(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            data,
            lambda o: service.request_move(db, o, parse(RequestIn, data, form=True), actor(request)),
            _("Request to the customer recorded"),
        )

    @post("/{item_id:int}/plan", opt=PLAN)
    def plan(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            data,
            lambda o: service.agree_plan(db, o, parse(PlanIn, data, form=True), actor(request)),
            _("Plan of approach recorded"),
        )

    @post("/{item_id:int}/schedule", opt=PLAN)
    def schedule(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            data,
            lambda o: service.schedule(db, o, parse(ScheduleIn, data, form=True), actor(request)),
            _("Move scheduled"),
        )

    @post("/{item_id:int}/cancel", opt=PLAN)
    def cancel(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        return self._step(
            request, db, item_id, {}, lambda o: service.cancel(db, o, actor(request)), _("Order cancelled")
        )

    @post("/{item_id:int}/breach", opt=PLAN)
    def breach(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        return self._step(
            request,
            db,
            item_id,
            {},
            lambda o: service.record_k5_breach(db, o, actor(request), today(request)),
            _("Breach of Art. 12.4 recorded (K5)"),
        )

    @post("/{item_id:int}/execute", opt=CARRY)
    def execute(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        line = query_int(data.get("item_id"))

        def run(order: Relocation) -> None:
            if line is None:
                service.execute_all(db, order, actor(request), today(request))
                return
            item = crud.get(db, RelocationItem, line)
            if item.relocation_id != order.id:
                raise ValidationFailed({"item_id": _("Not an item of this order")})
            service.execute_item(db, order, item, actor(request), today(request))

        return self._step(request, db, item_id, data, run, _("Moved"))


class HandBackPages(Controller):
    path = "/hand-backs"

    @get("/", name="hand_backs", opt=READ)
    def index(self, db: Db) -> Template:
        return render("moves/hand_backs.html", items=queries.open_hand_backs(db))

    @get("/{item_id:int}", name="hand_back", opt=READ)
    def detail(self, db: Db, item_id: FromPath[int]) -> Template:
        return render(
            "moves/hand_back.html", hb=crud.get(db, HandBack, item_id), fields=_hb_fields(), values={}, errors={}
        )

    @post("/{item_id:int}/inspect", opt=CARRY)
    def inspect(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        hb = crud.get(db, HandBack, item_id)
        return submit(
            request,
            "moves/hand_back.html",
            data,
            lambda: service.inspect_hand_back(
                db, hb, parse(HandBackIn, data, form=True), actor(request), today(request)
            ),
            lambda h: f"/hand-backs/{h.id}",
            _("Inspection recorded (A6)"),
            hb=hb,
            fields=_hb_fields(),
        )

    @post("/{item_id:int}/breach", opt=PLAN)
    def breach(self, request: Request, db: Db, item_id: FromPath[int]) -> Redirect:
        made = service.hand_back_breach(db, crud.get(db, HandBack, item_id), actor(request))
        flash(request, _("Breach of Art. 13.6 recorded"), category="success")
        return Redirect(f"/breaches/{made.id}")


def _hb_fields() -> list[Field]:
    return [
        Field("as_received", N_("Handed back as it was received"), "checkbox"),
        Field("findings", N_("Findings"), "textarea", help=N_("Required when it was not handed back as received")),
        Field("inspected_on", N_("Inspected on"), "date"),
    ]


RELOCATION_PAGES = [RelocationPages, HandBackPages]
