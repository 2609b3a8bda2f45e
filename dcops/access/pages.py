"""Pages for people, visits, passes, the door screen and the technicians' floor view."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import clock, crud
from dcops.access import door, inspections, people, visits
from dcops.access.api import qr_response
from dcops.access.door_pages import DOOR_HANDLERS
from dcops.access.models import (
    OPEN_VISIT,
    IdDocument,
    Person,
    Visit,
    VisitPass,
    VisitStatus,
)
from dcops.access.schemas import ApproveIn, InspectionIn, PersonIn, VisitIn
from dcops.access.shown import room_choices, window_text
from dcops.auth.models import Role, User
from dcops.auth.permissions import Perm, allows
from dcops.customers.models import PermissionKind
from dcops.customers.record_forms import customer_choices, customer_default
from dcops.db import utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import N_, _
from dcops.maintenance import queries as maintenance
from dcops.terms.access import Approval, Purpose, VisitFacts, competence, may_approve, third_party
from dcops.validation import day_error, parse, query_day
from dcops.web.form_pages import FORM, FormPages, form_router
from dcops.web.forms import Field, enum_choices, normalize, render, submit, text_of
from dcops.web.helpers import actor, keyring, query_int, timezone, today
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.access_read}
WRITE = {"perm": Perm.visits_write}
APPROVE = {"perm": Perm.visits_approve}


# --- people -----------------------------------------------------------------------------------------


def person_fields(db: Session) -> list[Field]:
    return [
        Field("customer_id", N_("Customer"), "select", True, customer_choices(db)),
        Field("name", N_("Name"), required=True),
        Field("email", N_("E-mail"), "email"),
        Field("phone", N_("Phone")),
        Field(
            "third_party", N_("Third party: not the customer's own staff (written permission needed, A2)"), "checkbox"
        ),
        Field("company", N_("Company"), help=N_("Required for a third party: who they work for")),
        Field(
            "competence_confirmed_on",
            N_("Competence confirmed on"),
            "date",
            help=N_("Rule A1: only people confirmed skilled and competent may maintain hardware"),
        ),
        Field("id_document_type", N_("ID document"), "select", choices=enum_choices(IdDocument)),
        Field(
            "id_document_last4",
            N_("Last 4 characters of its number"),
            help=N_("Never the whole number, never a copy, never a BSN (rule R3)"),
        ),
        Field("active", N_("Active"), "checkbox"),
    ]


PEOPLE_FORMS = form_router(
    FormPages(
        "/people",
        "person",
        Person,
        PersonIn,
        person_fields,
        lambda db, data, who: people.create_person(db, data, who, clock.today()),
        lambda db, obj, data, who: people.update_person(db, obj, data, who, clock.today()),
        None,
        write=Perm.visits_write,
        label=lambda p: p.name,
        saved=lambda p: f"/people/{p.id}",
        deleted=lambda p: "/people",
        defaults=lambda r: {**customer_default(r), "active": True},
    )
)


class PeoplePages(Controller):
    path = "/people"

    @get("/", name="people", opt=READ)
    def index(
        self,
        db: Db,
        q: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        stmt = people.person_query(query_int(customer_id), q.strip())
        page = crud.screen_page(db, stmt, limit, offset)
        return render("access/people.html", page=page, q=q, customer_id=customer_id, customers=customer_choices(db))

    @get("/{item_id:int}", name="person", opt=READ)
    def detail(self, request: Request, db: Db, item_id: FromPath[int]) -> Template:
        return render("access/person.html", **self._context(request, db, crud.get(db, Person, item_id)))

    def _context(self, request: Request, db: Session, person: Person) -> dict[str, Any]:
        person_visits = db.scalars(
            visits.visit_query().join(Visit.people).where(Person.id == person.id).limit(50)
        ).all()
        checks = db.scalars(door.check_query(person_id=person.id).limit(50)).all()
        return {"person": person, "visits": person_visits, "checks": checks, "tz": timezone(request)}

    @post("/{item_id:int}/erase", name="person_erase", opt=WRITE)
    def erase(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        person = crud.get(db, Person, item_id)
        try:
            people.erase(db, person, actor(request))
        except Conflict as exc:
            return render("access/person.html", 409, errors={"": str(exc)}, **self._context(request, db, person))
        return Redirect(f"/people/{person.id}")


# --- visits -----------------------------------------------------------------------------------------


def escort_choices(db: Session) -> list[User]:
    """Who can walk a visitor around: active technicians and security officers."""
    roles = (Role.technician, Role.security)
    return list(db.scalars(select(User).where(User.active, User.role.in_(roles)).order_by(User.display_name)))


PURPOSES = [
    (Purpose.install.value, N_("install its hardware")),
    (Purpose.maintain.value, N_("maintain its hardware")),
    (Purpose.move.value, N_("move its hardware (K5)")),
    (Purpose.remove.value, N_("take its hardware out")),
    (Purpose.other.value, N_("something else (no access: D2/K2)")),
]


def people_field(db: Session, customer_id: int | None) -> Field:
    """The chosen customer's registered people; none until a customer is chosen (the customer select reloads it)."""
    choices: list[tuple[Any, str]] = []
    if customer_id is not None:
        stmt = select(Person.id, Person.name, Person.third_party).where(
            Person.customer_id == customer_id, Person.active.is_(True)
        )
        third = " (" + _("third party") + ")"
        choices = [(p.id, p.name + (third if p.third_party else "")) for p in db.execute(stmt.order_by(Person.name))]
    return Field(
        "person_ids",
        N_("People"),
        "multiselect",
        True,
        choices,
        help=N_("Registered people of this customer"),
        empty=N_("Choose the customer first; its registered people show here")
        if customer_id is None
        else N_("This customer has no registered people yet: register them under People first"),
    )


def visit_fields(db: Session, customer_id: int | None) -> list[Field]:
    return [
        Field(
            "customer_id",
            N_("Customer"),
            "select",
            True,
            customer_choices(db),
            reloads=("/visits/new/people", "person_ids"),
        ),
        Field(
            "purpose_kind",
            N_("What the visit is for"),
            "select",
            True,
            [(value, _(text)) for value, text in PURPOSES],
            help=N_(
                "Access is given only when needed to install or maintain the customer's own hardware "
                "(Art. 11.3 / 12.3, rules D2/K2)"
            ),
        ),
        Field("purpose", N_("Purpose"), "textarea", True),
        Field("starts_at", N_("From"), "datetime-local", True),
        Field("ends_at", N_("Until"), "datetime-local", True, help=N_("At most 14 days after the start")),
        Field("room_ids", N_("Rooms"), "multiselect", True, room_choices(db)),
        people_field(db, customer_id),
        Field("escort_required", N_("Escort required (always for a third party)"), "checkbox"),
    ]


Fixes = dict[Any, "tuple[str, str] | list[tuple[str, str]]"]


def refusal_fixes(request: Request, visit: Visit, facts: VisitFacts, preview: Approval) -> Fixes:
    """The way to each fix of a refused approval, for `reasons_list`: A1 to the person's competence (or active
    flag), A2 to a new written permission for that person, rooms and days, A7 to the customer's standing and
    invoices (and the override, for whoever may approve), K2/D2 to the customer's contracts. A1 and A2 name a person:
    those are keyed by (rule, message), as `dcops.terms.access` words them for that person."""
    role = request.scope["user"].role
    customer = visit.customer
    fixes: Fixes = {}
    for person, who in zip(visit.people, facts.visitors, strict=True):  # approval_facts keeps the visit's order
        for r in competence(who).reasons:
            if not allows(role, Perm.visits_write) or person.pseudonymised_at is not None:
                fixes[(r.rule, r.message)] = (_("Open %(person)s", person=person.name), f"/people/{person.id}")
            elif not who.active:
                label = _("Register %(person)s as active again", person=person.name)
                fixes[(r.rule, r.message)] = (label, f"/people/{person.id}/edit#f-active")
            else:
                label = _("Confirm %(person)s's competence", person=person.name)
                fixes[(r.rule, r.message)] = (label, f"/people/{person.id}/edit#f-competence_confirmed_on")
        for r in third_party(who, facts.rooms, facts.first_day, facts.last_day).reasons:
            if not allows(role, Perm.customers_write):
                continue
            query = [
                ("customer_id", customer.id),
                ("kind", PermissionKind.third_party_access.value),
                ("person_id", person.id),
                ("covers", f"{person.name} ({person.company})" if person.company else person.name),
                *(("room_ids", room_id) for room_id in visit.room_ids),
                ("valid_from", facts.first_day.isoformat()),
                ("valid_until", facts.last_day.isoformat()),
            ]
            label = _("Record a written permission for %(person)s", person=person.name)
            fixes[(r.rule, r.message)] = (label, f"/written-permissions/new?{urlencode(query)}")
    page = f"/customers/{customer.id}"
    standing = [(_("%(customer)s's standing and invoices", customer=customer.name), f"{page}#standing")]
    if allows(role, Perm.visits_approve) and preview.blocking.allowed:
        standing.append((_("Override A7 with your written reason"), "#a7_override"))
    fixes["A7"] = standing
    fixes["K2"] = fixes["D2"] = (_("Contracts of %(customer)s", customer=customer.name), f"{page}#contracts")
    return fixes


class VisitPages(Controller):
    path = "/visits"

    @get("/", name="visits", opt=READ)
    def index(
        self,
        request: Request,
        db: Db,
        status: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        on: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        day = query_day(on)
        valid = status if status in {s.value for s in VisitStatus} else None
        stmt = visits.visit_query(
            query_int(customer_id), valid, clock.day_span(day, timezone(request)) if day else None
        )
        page = crud.screen_page(db, stmt, limit, offset)
        return render(
            "access/visits.html",
            page=page,
            status=status,
            statuses=[s.value for s in VisitStatus],
            customer_id=customer_id,
            on=on,
            on_error=day_error() if on and day is None else None,
            customers=customer_choices(db),
            tz=timezone(request),
            window=window_text,
        )

    @get("/new", name="visit_new", opt=WRITE)
    def new(self, request: Request, db: Db) -> Template:
        cid = query_int(request.query_params.get("customer_id"))
        start = clock.local(clock.aware(_next_hour(), timezone(request)), timezone(request))
        values = {
            "customer_id": cid or "",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        }
        return render(
            FORM,
            title=_("Request a visit"),
            fields=visit_fields(db, cid),
            values=values,
            errors={},
            cancel="/visits",
        )

    @get("/new/people", name="visit_new_people", opt=WRITE)
    def people(self, db: Db, customer_id: FromQuery[str] = "") -> Template:
        """The people boxes for the customer just chosen on the form (htmx swaps them in)."""
        return render("forms/_choices.html", field=people_field(db, query_int(customer_id)))

    @post("/new", name="visit_create", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        chosen = data.get("customer_id")
        fields = visit_fields(db, query_int(chosen if isinstance(chosen, str) else None))
        return submit(
            request,
            FORM,
            data,
            lambda: visits.request_visit(
                db, parse(VisitIn, normalize(fields, data), form=True), actor(request), timezone(request)
            ),
            lambda v: f"/visits/{v.id}",
            _("Visit requested"),
            title=_("Request a visit"),
            fields=fields,
            cancel="/visits",
        )

    def _context(self, request: Request, db: Session, visit: Visit) -> dict[str, Any]:
        role = request.scope["user"].role
        ctx: dict[str, Any] = {
            "visit": visit,
            "tz": timezone(request),
            "window": window_text(visit.starts_at, visit.ends_at, timezone(request)),
            "checks": db.scalars(door.check_query(visit_id=visit.id).limit(100)).all(),
            "escorts": escort_choices(db),
        }
        if visit.status is VisitStatus.requested and allows(role, Perm.visits_approve):
            facts = visits.approval_facts(db, visit, today(request), timezone(request))
            ctx["preview"] = may_approve(facts)
            ctx["fixes"] = refusal_fixes(request, visit, facts, ctx["preview"])
        return ctx

    @get("/{item_id:int}", name="visit", opt=READ)
    def detail(self, request: Request, db: Db, item_id: FromPath[int]) -> Template:
        return render(
            "access/visit.html", values={}, errors={}, **self._context(request, db, crud.get(db, Visit, item_id))
        )

    def _act(self, request: Request, db: Session, visit: Visit, action: Any, success: str, posted: dict) -> Any:
        """Run a decision; on refusal show the visit again with the reasons and what was typed."""
        return submit(
            request,
            "access/visit.html",
            posted,
            action,
            lambda _: f"/visits/{visit.id}",
            success,
            page=lambda: self._context(request, db, visit),
        )

    @post("/{item_id:int}/approve", name="visit_approve", opt=APPROVE)
    def approve(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        visit = crud.get(db, Visit, item_id)

        def run() -> None:
            body = parse(ApproveIn, {"a7_override": data.get("a7_override", "")}, form=True)
            visits.approve(db, visit, body, actor(request), today(request), keyring(request), timezone(request))

        return self._act(request, db, visit, run, _("Visit approved; passes issued"), data)

    @post("/{item_id:int}/deny", name="visit_deny", opt=APPROVE)
    def deny(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        visit = crud.get(db, Visit, item_id)

        def run() -> None:
            note = text_of(data, "note").strip()
            if len(note) < 3:
                raise ValidationFailed({"note": _("Say why the visit is denied")})
            visits.deny(db, visit, note, actor(request))

        return self._act(request, db, visit, run, _("Visit denied"), data)

    @post("/{item_id:int}/cancel", name="visit_cancel", opt=WRITE)
    def cancel(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        visit = crud.get(db, Visit, item_id)
        return self._act(
            request,
            db,
            visit,
            lambda: visits.cancel(db, visit, actor(request)),
            _("Visit cancelled; its passes are revoked"),
            {},
        )

    @post("/{item_id:int}/complete", name="visit_complete", opt=WRITE)
    def complete(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        visit = crud.get(db, Visit, item_id)
        done = _("Visit completed")
        return self._act(request, db, visit, lambda: visits.complete(db, visit, actor(request)), done, {})

    @post("/{item_id:int}/escort", name="visit_escort", opt=WRITE)
    def escort(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        visit = crud.get(db, Visit, item_id)
        escort_id = query_int(data.get("escort_id"))
        back = data.get("back") if data.get("back") == "/floor" else None
        result = self._act(
            request,
            db,
            visit,
            lambda: visits.set_escort(db, visit, escort_id, actor(request)),
            _("Escort saved"),
            data,
        )
        return Redirect(back) if back and isinstance(result, Redirect) else result


def _next_hour() -> datetime:
    now = utcnow()
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


# --- passes -----------------------------------------------------------------------------------------


# Kept in English (the visit page's revoke button sends it too) and shown in the reader's language.
REVOKED_AT_THE_DESK = N_("revoked at the desk")


class PassPages(Controller):
    path = "/passes"

    @get("/{item_id:int}", name="pass", opt=READ)
    def detail(self, request: Request, db: Db, item_id: FromPath[int]) -> Template:
        vp = crud.get(db, VisitPass, item_id)
        tz = timezone(request)
        return render(
            "access/pass.html",
            vp=vp,
            visit=vp.visit,
            person=vp.person,
            window=window_text(vp.valid_from, vp.valid_until, tz),
            size=request.query_params.get("size", "card"),
        )

    @get("/{item_id:int}/qr.svg", name="pass_svg", opt=READ, media_type="image/svg+xml")
    def svg(self, db: Db, item_id: FromPath[int]) -> Response[bytes]:
        return qr_response(db, item_id, "svg")

    @get("/{item_id:int}/qr.png", name="pass_png", opt=READ, media_type="image/png")
    def png(self, db: Db, item_id: FromPath[int]) -> Response[bytes]:
        return qr_response(db, item_id, "png")

    @post("/{item_id:int}/reprint", name="pass_reprint", opt=WRITE)
    def reprint(self, request: Request, db: Db, item_id: FromPath[int]) -> Any:
        vp = crud.get(db, VisitPass, item_id)
        try:
            new = visits.reprint(db, vp, actor(request), keyring(request))
        except Conflict as exc:
            flash(request, str(exc), category="error")
            return Redirect(f"/visits/{vp.visit_id}")
        return Redirect(f"/passes/{new.id}")

    @post("/{item_id:int}/revoke", name="pass_revoke", opt=WRITE)
    def revoke(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        vp = crud.get(db, VisitPass, item_id)
        reason = text_of(data, "reason").strip() or REVOKED_AT_THE_DESK
        try:
            visits.revoke_pass(db, vp, actor(request), reason)
            flash(request, _("Pass revoked"), category="success")
        except Conflict as exc:
            flash(request, str(exc), category="error")
        return Redirect(f"/visits/{vp.visit_id}")


# --- the technicians' floor view (tablet) ------------------------------------------------------------


def inspection_fields(db: Session) -> list[Field]:
    return [
        Field("room_id", N_("Room"), "select", True, room_choices(db)),
        Field("findings", N_("Findings"), "textarea", True, help=N_("What you saw; write 'nothing to report' if so")),
    ]


class FloorPage(Controller):
    path = "/floor"

    def _context(self, request: Request, db: Session) -> dict[str, Any]:
        tz = timezone(request)
        day = today(request)
        start, end = clock.day_span(day, tz)
        todays = db.scalars(
            visits.visit_query(day=(start, end)).where(Visit.status.in_((VisitStatus.requested, *OPEN_VISIT)))
        ).all()
        upcoming = db.scalars(
            visits.visit_query(day=(end, end + timedelta(days=7)))
            .where(Visit.status.in_((VisitStatus.requested, *OPEN_VISIT)), Visit.starts_at >= end)
            .limit(50)
        ).all()
        return {
            "todays": sorted(todays, key=lambda v: v.starts_at),
            "upcoming": sorted(upcoming, key=lambda v: v.starts_at),
            "inside": door.inside_now(db),
            "inspections": db.scalars(inspections.inspection_query().limit(10)).all(),
            # R4: what is being worked on now, and what the coming week brings
            "current": maintenance.current_and_upcoming(db, utcnow(), end + timedelta(days=7)),
            "escorts": escort_choices(db),
            "tz": tz,
            "window": window_text,
        }

    @get("/", name="floor", opt=READ)
    def view(self, request: Request, db: Db) -> Template:
        fields = inspection_fields(db)
        return render("access/floor.html", values={}, errors={}, fields=fields, **self._context(request, db))

    @post("/inspections", name="floor_inspection", opt=WRITE)
    def inspect(self, request: Request, db: Db, data: Form) -> Any:
        fields = inspection_fields(db)
        return submit(
            request,
            "access/floor.html",
            data,
            lambda: inspections.log(
                db, parse(InspectionIn, normalize(fields, data), form=True), actor(request), timezone(request)
            ),
            lambda i: "/floor",
            _("Inspection logged (Art. 13.5, rule A5)"),
            page=lambda: self._context(request, db),
            fields=fields,
        )


ROUTE_HANDLERS = [PEOPLE_FORMS, PeoplePages, VisitPages, PassPages, *DOOR_HANDLERS, FloorPage]
