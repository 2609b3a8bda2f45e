"""Maintenance pages: the list, a maintenance with its R4 verdict, affected customers, changes and steps, its form,
a preview of the notices to its customers, and the admins' closure days."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.auth.permissions import Perm, allows
from dcops.customers.models import Customer
from dcops.db import utcnow
from dcops.i18n import LANGUAGES, N_, _, current
from dcops.maintenance import notices, queries, service
from dcops.maintenance.models import (
    ChangeKind,
    ClosureDay,
    Impact,
    Maintenance,
    MaintenanceChange,
    MaintenanceStatus,
    Scope,
    place,
)
from dcops.maintenance.schemas import CancelIn, ClosureDayIn, MaintenanceIn
from dcops.notices import outbox
from dcops.racks.models import Hardware, HardwareStatus, Rack, Room, Site
from dcops.terms.working_days import may_start
from dcops.validation import parse, query_int
from dcops.web.forms import Field, enum_choices, normalize, render, submit
from dcops.web.helpers import actor, form_values, today
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.inventory_read}
PLAN = {"perm": Perm.maintenance_plan}
CARRY = {"perm": Perm.maintenance_carry}
CLOSURES = {"perm": Perm.closure_days}
DETAIL = "maintenance/maintenance.html"
FORM = "forms/generic.html"


def _now(request: Request) -> service.Now:
    return service.Now.of(request.app.state.settings)


def maintenance_fields(db: Session) -> list[Field]:
    sites = [(s.id, f"{s.code} — {s.name}") for s in db.scalars(select(Site).order_by(Site.code))]
    rooms = [
        (r.id, f"{r.site.code} / {r.code}") for r in db.scalars(select(Room).join(Site).order_by(Site.code, Room.code))
    ]
    racks = [
        (r.id, f"{r.name} ({r.room.code})") for r in db.scalars(select(Rack).join(Room).order_by(Room.code, Rack.name))
    ]
    hardware = [
        (h.id, f"{h.name} ({h.asset_tag})")
        for h in db.scalars(select(Hardware).where(Hardware.status != HardwareStatus.removed).order_by(Hardware.name))
    ]
    return [
        Field("title", N_("Title"), required=True),
        Field("description", N_("What is done"), "textarea", True),
        Field(
            "scope",
            N_("Where"),
            "select",
            True,
            enum_choices(Scope),
            help=N_("A whole site, a room, a rack, or the hardware listed; fill in the one chosen"),
        ),
        Field("site_id", N_("Site"), "select", choices=sites),
        Field("room_id", N_("Room"), "select", choices=rooms),
        Field("rack_id", N_("Rack"), "select", choices=racks),
        Field("hardware_ids", N_("Hardware"), "multiselect", choices=hardware),
        Field("starts_at", N_("Starts at"), "datetime-local", True),
        Field("ends_at", N_("Ends at"), "datetime-local", True),
        Field("impact", N_("Expected impact"), "select", True, enum_choices(Impact)),
        Field(
            "emergency",
            N_("Emergency maintenance (spoedonderhoud)"),
            "checkbox",
            help=N_("May start at any time, before it is announced; announce it as soon as possible (Art. 18.3)"),
        ),
        Field("emergency_reason", N_("Emergency reason"), "textarea", help=N_("Required for emergency maintenance")),
    ]


def _form_in(fields: list[Field], data: dict[str, Any]) -> MaintenanceIn:
    return parse(MaintenanceIn, normalize(fields, data), form=True)


class MaintenancePages(Controller):
    path = "/maintenance"

    @get("/", name="maintenance_list", opt=READ)
    def index(
        self,
        db: Db,
        status: FromQuery[str] = "",
        when: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        statuses = [s.value for s in MaintenanceStatus]
        stmt = queries.maintenance_query(
            status if status in statuses else None, when if when in queries.WHEN else None, utcnow()
        )
        page = crud.screen_page(db, stmt, limit, offset)
        return render(
            "maintenance/list.html",
            page=page,
            status=status,
            when=when,
            statuses=statuses,
            place=place,
        )

    @get("/new", name="maintenance_new", opt=PLAN)
    def new(self, db: Db) -> Template:
        values = {"scope": Scope.rack.value, "impact": Impact.none.value}
        return render(
            FORM,
            title=_("Plan maintenance"),
            fields=maintenance_fields(db),
            values=values,
            errors={},
            cancel="/maintenance",
        )

    @post("/new", name="maintenance_create", opt=PLAN)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        fields = maintenance_fields(db)
        return submit(
            request,
            FORM,
            data,
            lambda: service.create(db, _form_in(fields, data), actor(request), _now(request)),
            lambda m: f"/maintenance/{m.id}",
            _("Maintenance planned"),
            title=_("Plan maintenance"),
            fields=fields,
            cancel="/maintenance",
        )

    def _context(self, request: Request, db: Session, m: Maintenance) -> dict[str, Any]:
        now = _now(request)
        role = request.scope["user"].role
        if m.announced:
            assert m.announced_at is not None
            notice = service.notice_verdict(db, m, service.Now(m.announced_at, now.tz, now.hours))
        else:
            notice = service.notice_verdict(db, m, now)
        return {
            "m": m,
            "place": place(m, limit=None),
            "notice": notice,
            "earliest": service.earliest(db, now),
            "affected": m.affected if m.announced else service.affected_now(db, m),
            "can_start": may_start(now.at, m.starts_at, m.announced, service.emergency_reason(m), now.tz)
            if m.status in (MaintenanceStatus.planned, MaintenanceStatus.announced)
            else None,
            "can_plan": allows(role, Perm.maintenance_plan),
            "can_carry": allows(role, Perm.maintenance_carry),
            "field_names": notices.FIELD_NAMES,
            # what was written to the customers, for whoever may read the outbox (R2's proof of it)
            "messages": outbox.about(db, "maintenance", m.id) if allows(role, Perm.outbox) else [],
        }

    @get("/{item_id:int}", name="maintenance", opt=READ)
    def detail(self, request: Request, db: Db, item_id: FromPath[int]) -> Template:
        m = crud.get(db, Maintenance, item_id)
        return render(DETAIL, values={}, errors={}, **self._context(request, db, m))

    def _step(self, request: Request, db: Session, item_id: int, data: dict[str, Any], run: Any, done: str) -> Any:
        """One step; refused, the maintenance's page again with the reasons (naming R4) and what was typed."""
        m = crud.get(db, Maintenance, item_id)
        return submit(
            request,
            DETAIL,
            data,
            lambda: run(m),
            lambda _: f"/maintenance/{item_id}",
            done,
            page=lambda: self._context(request, db, m),
        )

    @post("/{item_id:int}/announce", opt=PLAN)
    def announce(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        return self._step(
            request,
            db,
            item_id,
            {},
            lambda m: service.announce(db, m, actor(request), _now(request)),
            _("Maintenance announced"),
        )

    @post("/{item_id:int}/start", opt=CARRY)
    def start(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        return self._step(
            request,
            db,
            item_id,
            {},
            lambda m: service.start(db, m, actor(request), _now(request)),
            _("Maintenance started"),
        )

    @post("/{item_id:int}/finish", opt=CARRY)
    def finish(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        return self._step(
            request,
            db,
            item_id,
            {},
            lambda m: service.finish(db, m, actor(request), _now(request)),
            _("Maintenance finished"),
        )

    @post("/{item_id:int}/cancel", opt=PLAN)
    def cancel(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        return self._step(
            request,
            db,
            item_id,
            data,
            lambda m: service.cancel(db, m, actor(request), _now(request), parse(CancelIn, data, form=True).reason),
            _("Maintenance cancelled"),
        )

    @get("/{item_id:int}/edit", name="maintenance_edit", opt=PLAN)
    def edit(self, db: Db, item_id: FromPath[int]) -> Template:
        m = crud.get(db, Maintenance, item_id)
        fields = maintenance_fields(db)
        values = form_values(m, fields) | {"hardware_ids": [h.id for h in m.hardware]}
        return render(
            FORM, title=_("Edit maintenance"), fields=fields, values=values, errors={}, cancel=f"/maintenance/{m.id}"
        )

    @post("/{item_id:int}/edit", opt=PLAN)
    def update(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        m = crud.get(db, Maintenance, item_id)
        fields = maintenance_fields(db)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update(db, m, _form_in(fields, data), actor(request), _now(request)),
            lambda m: f"/maintenance/{m.id}",
            _("Maintenance saved"),
            title=_("Edit maintenance"),
            fields=fields,
            cancel=f"/maintenance/{m.id}",
        )

    @get("/{item_id:int}/notice", name="maintenance_notice", opt=READ)
    def notice(
        self,
        request: Request,
        db: Db,
        item_id: FromPath[int],
        change_id: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        language: FromQuery[str] = "",
    ) -> Template:
        """What each affected customer is (or, before the announcement, would be) told, in Dutch or English."""
        m, now = crud.get(db, Maintenance, item_id), _now(request)
        changes = list(m.changes)
        affected = list(m.affected) if m.announced else service.affected_now(db, m)
        change = next((c for c in changes if str(c.id) == change_id), changes[-1] if changes else None)
        if change is None:  # not announced yet: the announcement it would be
            customer_ids = [a.customer_id for a in affected]
            change = MaintenanceChange(kind=ChangeKind.announced, at=now.at, changes={}, customer_ids=customer_ids)
        wanted = query_int(customer_id)
        chosen = wanted if wanted in change.customer_ids else (change.customer_ids[0] if change.customer_ids else None)
        customer = db.get(Customer, chosen) if chosen is not None else None
        language = language if language in LANGUAGES else current()
        text = None
        if customer is not None:
            row = next((a for a in affected if a.customer_id == customer.id), None)
            text = notices.render(notices.facts_for(m, change, customer, row), language, now.tz)
        names = dict(db.execute(select(Customer.id, Customer.name).where(Customer.id.in_(change.customer_ids))).all())
        return render(
            "maintenance/notice.html",
            m=m,
            change=change,
            changes=changes,
            customer=customer,
            customers=[(cid, names.get(cid, "")) for cid in change.customer_ids],
            shown_in=language,
            text=text,
        )


# --- closure days ---------------------------------------------------------------------------------------


def closure_fields() -> list[Field]:
    return [
        Field("day", N_("Closed on"), "date", True),
        Field("reason", N_("Reason"), required=True),
        Field(
            "announced_on",
            N_("Announced on"),
            "date",
            help=N_("When the closure was made known; it counts only for announcements made from then on"),
        ),
    ]


class ClosureDayPages(Controller):
    path = "/closure-days"

    def _context(self, request: Request, db: Session) -> dict[str, Any]:
        day = today(request)
        return {
            "upcoming": db.scalars(select(ClosureDay).where(ClosureDay.day >= day).order_by(ClosureDay.day)).all(),
            "past": db.scalars(
                select(ClosureDay).where(ClosureDay.day < day).order_by(ClosureDay.day.desc()).limit(20)
            ).all(),
            "fields": closure_fields(),
            "can_edit": allows(request.scope["user"].role, Perm.closure_days),
        }

    @get("/", name="closure_days", opt=READ)
    def index(self, request: Request, db: Db) -> Template:
        values = {"announced_on": today(request)}
        return render("maintenance/closure_days.html", values=values, errors={}, **self._context(request, db))

    @post("/", name="closure_day_create", opt=CLOSURES)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            "maintenance/closure_days.html",
            data,
            lambda: service.add_closure(
                db, parse(ClosureDayIn, normalize(closure_fields(), data), form=True), actor(request), today(request)
            ),
            lambda _: "/closure-days",
            _("Closure day recorded"),
            page=lambda: self._context(request, db),
        )

    @post("/{item_id:int}/delete", opt=CLOSURES)
    def remove(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        closure = crud.get(db, ClosureDay, item_id)
        return submit(
            request,
            "maintenance/closure_days.html",
            {},
            lambda: service.remove_closure(db, closure, actor(request)),
            lambda _: "/closure-days",
            _("Closure day removed"),
            page=lambda: self._context(request, db),
        )


MAINTENANCE_PAGES = [MaintenancePages, ClosureDayPages]
