"""The dashboard and the audit log pages."""

from __future__ import annotations

from litestar import Controller, Request
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import func, select

from dcops import audit, clock, crud
from dcops.access.door import inside_now
from dcops.access.models import OPEN_VISIT, Visit, VisitStatus
from dcops.access.visits import visit_query
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.auth.permissions import Perm, allows
from dcops.customers.compliance import sweep
from dcops.customers.models import Contract, Customer
from dcops.customers.standing import standings
from dcops.racks import service as racks
from dcops.racks.models import Hardware, HardwareStatus
from dcops.web.forms import render
from dcops.web.helpers import timezone, today
from dcops.web.routes import Db, get


class DashboardPage(Controller):
    @get("/", name="dashboard", opt={"perm": Perm.authenticated})
    def dashboard(self, request: Request, db: Db) -> Template | Redirect:
        if request.scope["user"].role is Role.security:
            return Redirect("/door")  # security's screen is the door (a kiosk)
        usage = racks.rack_usage(db)
        counts = {
            "racks": len(usage),
            "hardware": db.scalar(
                select(func.count()).select_from(Hardware).where(Hardware.status == HardwareStatus.installed)
            )
            or 0,
            "customers": db.scalar(select(func.count()).select_from(Customer)) or 0,
            "contracts": db.scalar(select(func.count()).select_from(Contract)) or 0,
        }
        used = sum(u.used_u for u in usage)
        total = sum(u.rack.u_height for u in usage)
        fullest = sorted(usage, key=lambda u: u.used_pct, reverse=True)[:8]
        day = today(request)
        # Account managers get the day's compliance work; everyone sees how many customers fail (S6).
        report = sweep(db, day) if allows(request.scope["user"].role, Perm.accounts_read) else None
        failing = sum(1 for _, st in standings(db, day).values() if st.fails)
        access = None
        if allows(request.scope["user"].role, Perm.access_read):
            span = clock.day_span(day, timezone(request))
            access = {
                "visits": db.scalar(
                    select(func.count()).select_from(
                        visit_query(day=span).where(Visit.status.in_(OPEN_VISIT)).order_by(None).subquery()
                    )
                )
                or 0,
                "requested": db.scalar(
                    select(func.count()).select_from(Visit).where(Visit.status == VisitStatus.requested)
                )
                or 0,
                "inside": len(inside_now(db)),
            }
        return render(
            "dashboard.html",
            counts=counts,
            used=used,
            total=total,
            fullest=fullest,
            failing=failing,
            report=report,
            access=access,
            today_iso=day.isoformat(),
        )


class AuditPages(Controller):
    path = "/audit"
    opt = {"perm": Perm.audit_read}

    @get("/", name="audit")
    def index(
        self,
        db: Db,
        object_type: FromQuery[str] = "",
        object_id: FromQuery[str] = "",
        actor: FromQuery[str] = "",
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> Template:
        stmt = select(AuditEvent).order_by(AuditEvent.seq.desc())
        if object_type:
            stmt = stmt.where(AuditEvent.object_type == object_type)
        if object_id:
            stmt = stmt.where(AuditEvent.object_id == object_id)
        if actor:
            stmt = stmt.where(AuditEvent.actor == actor)
        page = crud.screen_page(db, stmt, limit, offset)
        types = db.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)).all()
        return render(
            "audit/list.html",
            page=page,
            object_type=object_type,
            object_id=object_id,
            actor=actor,
            types=types,
            change_lines=audit.change_lines,
        )
