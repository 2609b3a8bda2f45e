"""Inventory pages for the desk and the tablet: sites, rooms, racks and their elevations, hardware."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Router
from litestar.enums import MediaType
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.auth.permissions import Perm, allows
from dcops.cabling import service as cabling
from dcops.customers.liens import in_force, liened_customer_ids
from dcops.customers.models import Contract, Customer
from dcops.db import utcnow
from dcops.errors import NotFound, ValidationFailed
from dcops.i18n import N_, _
from dcops.maintenance.queries import current_and_upcoming, touching_rack
from dcops.moves import service as moves
from dcops.moves.schemas import DirectIn
from dcops.moves.service import pending_hardware_ids
from dcops.racks import elevation, forms, room_view, service, units
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn, UnmountIn
from dcops.terms import Owner
from dcops.validation import parse
from dcops.web.fixes import hardware_fixes
from dcops.web.form_pages import FORM, FormPages, back_to, form_router
from dcops.web.forms import render, submit
from dcops.web.helpers import actor, query_int, today
from dcops.web.routes import Db, Form, get, post
from dcops.web.streamed import StreamedTemplate

READ = {"perm": Perm.inventory_read}
MAINTENANCE_AHEAD = timedelta(days=90)  # a rack's page lists open maintenance starting within this
WRITE = {"perm": Perm.inventory_write}


def _query(request: Request, *names: str) -> dict[str, Any]:
    return {n: request.query_params.get(n, "") for n in names}


FORM_ROUTERS: list[Router] = [
    form_router(
        FormPages(
            "/sites",
            "site",
            Site,
            SiteIn,
            lambda db: forms.SITE,
            service.create_site,
            service.update_site,
            service.delete_site,
            label=lambda s: s.code,
            saved=lambda s: "/sites",
            deleted=lambda s: "/sites",
            defaults=lambda r: {"timezone": "Europe/Amsterdam"},
        )
    ),
    form_router(
        FormPages(
            "/rooms",
            "room",
            Room,
            RoomIn,
            forms.room_fields,
            service.create_room,
            service.update_room,
            service.delete_room,
            label=lambda r: r.code,
            saved=lambda r: f"/rooms/{r.id}",
            deleted=lambda r: "/sites",
            defaults=lambda r: _query(r, "site_id"),
            back=back_to("/sites"),
        )
    ),
    form_router(
        FormPages(
            "/racks",
            "rack",
            Rack,
            RackIn,
            forms.rack_fields,
            service.create_rack,
            service.update_rack,
            service.delete_rack,
            label=lambda r: r.name,
            saved=lambda r: f"/racks/{r.id}",
            deleted=lambda r: f"/rooms/{r.room_id}",
            defaults=lambda r: {
                **_query(r, "room_id"),
                "u_height": 42,
                "kind": "shared",
                "status": "active",
                "power_budget_w": 0,
            },
            back=back_to("/sites", room_id="/rooms/{}"),
        )
    ),
    form_router(
        FormPages(
            "/hardware",
            "hardware",
            Hardware,
            HardwareIn,
            forms.hardware_fields,
            service.create_hardware,
            service.update_hardware,
            service.delete_hardware,
            label=lambda h: h.name,
            saved=lambda h: f"/hardware/{h.id}",
            deleted=lambda h: "/hardware",
            defaults=lambda r: {"u_height": 1, "full_depth": True, "power_draw_w": 0},
            deletable=lambda h: h.rack_id is None,
        )
    ),
]


def _can_write(request: Request) -> bool:
    user = request.scope.get("user")
    return user is not None and allows(user.role, Perm.inventory_write)


class SitePages(Controller):
    path = "/sites"

    @get("/", name="sites", opt=READ)
    def index(self, db: Db) -> Template:
        sites = db.scalars(select(Site).order_by(Site.code)).all()
        by_room: dict[int, list[service.RackUsage]] = {}  # grouped once, not filtered per room in the template
        for usage in service.rack_usage(db):
            by_room.setdefault(usage.rack.room_id, []).append(usage)
        return render("racks/sites.html", sites=sites, usage=by_room)


class RoomPages(Controller):
    path = "/rooms"

    @get("/{room_id:int}", name="room", opt=READ)
    def view(self, request: Request, db: Db, room_id: FromPath[int], face: FromQuery[Face] = Face.front) -> Template:
        """Every rack of the room with its elevation: two statements, plus the standing of customers here
        whose lien is open (K10 asks whether it is still in force)."""
        room = room_view.load(db, room_id)
        if room is None:
            raise NotFound("room", room_id)
        day = today(request)
        in_force_of: dict[int, bool] = {}  # asked once per customer whose lien is open (K10)

        def lien_in_force(customer_id: int) -> bool:
            if customer_id not in in_force_of:
                in_force_of[customer_id] = in_force(db, customer_id, day)
            return in_force_of[customer_id]

        room_view.render(db, room, face, can_mount=_can_write(request), lien_in_force=lien_in_force)
        context = {"room": room, "racks": room.racks, "face": face}
        return StreamedTemplate(template_name="racks/room.html", context=context, media_type=MediaType.HTML)


class RackPages(Controller):
    path = "/racks"

    @get("/{rack_id:int}", name="rack", opt=READ)
    def view(self, request: Request, db: Db, rack_id: FromPath[int]) -> Template:
        usage = service.rack_usage(db, rack_ids=[rack_id])
        if not usage:
            raise NotFound("rack", rack_id)
        rack = usage[0].rack
        hardware = service.mounted_hardware(db, [rack.id])[rack.id]
        can_mount, liened = _can_write(request), liened_customer_ids(db, today(request))
        moving, now = pending_hardware_ids(db), utcnow()
        svgs = {f: elevation.render(rack, hardware, f, can_mount=can_mount, liened=liened, moving=moving) for f in Face}
        free = units.free_by_face(rack.u_height, [(h.position, h.u_height, h.face, h.full_depth) for h in hardware])
        return render(
            "racks/rack.html",
            rack=rack,
            usage=usage[0],
            hardware=hardware,
            svgs=svgs,
            liened=liened,
            free=free,
            describe=units.describe_units,
            cables=db.scalars(cabling.cable_query(rack_id=rack.id).limit(200)).unique().all(),
            current=current_and_upcoming(db, now, now + MAINTENANCE_AHEAD, touching_rack(rack)),
        )

    @get("/{rack_id:int}/elevation.svg", name="rack_svg", opt=READ)
    def svg(
        self, request: Request, db: Db, rack_id: FromPath[int], face: FromQuery[Face] = Face.front
    ) -> Response[str]:
        rack = crud.get(db, Rack, rack_id)
        hardware = service.mounted_hardware(db, [rack.id])[rack.id]
        svg = elevation.render(rack, hardware, face, liened=liened_customer_ids(db, today(request)))
        return Response(svg, media_type="image/svg+xml")

    @get("/{rack_id:int}/mount", name="rack_mount_here", opt=WRITE)
    def mount_here(
        self, db: Db, rack_id: FromPath[int], position: FromQuery[int] = 1, face: FromQuery[Face] = Face.front
    ) -> Template:
        """ "Mount here" from an empty unit: pick hardware that is not in a rack yet and may go into this one."""
        rack = _rack(db, rack_id)
        return render(
            "racks/mount_here.html",
            rack=rack,
            values={"position": position, "face": face.value},
            errors={},
            **mount_choices(db, rack),
        )

    @post("/{rack_id:int}/mount", opt=WRITE)
    def mount_here_post(self, request: Request, db: Db, rack_id: FromPath[int], data: Form) -> Any:
        rack = _rack(db, rack_id)
        chosen: list[Hardware] = []

        def act() -> Hardware:
            hw_id = query_int(data.get("hardware_id"))
            hw = db.get(Hardware, hw_id) if hw_id else None
            if hw is None:
                raise ValidationFailed({"hardware_id": _("Choose the hardware to mount")})
            chosen.append(hw)
            return service.mount(
                db, hw, parse(MountIn, {**data, "rack_id": str(rack.id)}, form=True), actor(request), today(request)
            )

        return submit(
            request,
            "racks/mount_here.html",
            data,
            act,
            lambda hw: f"/racks/{rack.id}",
            _("Hardware mounted"),
            page=lambda: mount_choices(db, rack),
            fixes=lambda exc: hardware_fixes(request, chosen[0], exc) if chosen else [],
            rack=rack,
        )


def _rack(db: Session, rack_id: int) -> Rack:
    rack = db.scalars(select(Rack).options(joinedload(Rack.customer)).where(Rack.id == rack_id)).first()
    if rack is None:
        raise NotFound("rack", rack_id)
    return rack


def mount_choices(db: Session, rack: Rack) -> dict[str, Any]:
    """The unmounted hardware this rack may take (K1, through the rule the mount itself applies), and why the
    rest is not offered: `left_out` as (reason, how many) per rule."""
    spare, left_out = [], {}
    for hw in _unmounted(db):
        verdict = service.rack_verdict(hw, rack)
        if verdict.allowed:
            spare.append(hw)
        else:
            for r in verdict.reasons:
                count = left_out.get((r.rule, r.article), 0)
                left_out[(r.rule, r.article)] = count + 1
    return {"spare": spare, "left_out": [(rule, article, n) for (rule, article), n in left_out.items()]}


def _unmounted(db: Session) -> list[Hardware]:
    return list(
        db.scalars(
            select(Hardware)
            .where(Hardware.rack_id.is_(None), Hardware.status != HardwareStatus.removed)
            .options(joinedload(Hardware.contract).joinedload(Contract.customer))
            .order_by(Hardware.name)
        )
    )


class HardwarePages(Controller):
    path = "/hardware"

    @get("/", name="hardware_list", opt=READ)
    def index(self, request: Request, db: Db, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> Template:
        """Filters (q, site_id, room_id, rack_id, customer_id, status, owner) as the API and the CSV read them."""
        f = service.hardware_filter(request.query_params)
        page = service.hardware_page(db, f, limit, offset)
        # htmx asks for the rows only while the user types in the filters.
        template = "racks/hardware_rows.html" if request.headers.get("hx-request") else "racks/hardware_list.html"
        return render(
            template,
            page=page,
            f=f,
            sites=db.scalars(select(Site).order_by(Site.code)).all(),
            customers=db.scalars(select(Customer).order_by(Customer.name)).all(),
            statuses=list(HardwareStatus),
            owners=list(Owner),
            liened=liened_customer_ids(db, today(request)),
        )

    @get("/{hardware_id:int}", name="hardware", opt=READ)
    def view(self, request: Request, db: Db, hardware_id: FromPath[int]) -> Template:
        return render(
            "racks/hardware.html",
            hw=_hardware(db, hardware_id),
            liened=liened_customer_ids(db, today(request)),
            ports=cabling.ports_of(db, hardware_id),
            orders=db.scalars(moves.order_query(hardware_id=hardware_id).limit(20)).unique().all(),
        )

    @get("/{hardware_id:int}/{action:str}", name="hardware_place", opt=WRITE)
    def place_form(
        self,
        db: Db,
        hardware_id: FromPath[int],
        action: FromPath[str],
        rack_id: FromQuery[str] = "",
        position: FromQuery[str] = "",
        face: FromQuery[str] = "",
    ) -> Any:
        hw = _hardware(db, hardware_id)
        title, fields, values = _place_form(db, hw, action)
        values.update({k: v for k, v in {"rack_id": rack_id, "position": position, "face": face}.items() if v})
        return render(FORM, title=title, fields=fields, values=values, errors={}, cancel=f"/hardware/{hw.id}")

    @post("/{hardware_id:int}/{action:str}", opt=WRITE)
    def place(self, request: Request, db: Db, hardware_id: FromPath[int], action: FromPath[str], data: Form) -> Any:
        hw = _hardware(db, hardware_id)
        title, fields, _values = _place_form(db, hw, action)
        who, day = actor(request), today(request)

        def direct() -> Hardware:
            """K8: the customer's colocation hardware moves or leaves with its basis, as a one-step order."""
            removed = data.get("status") == HardwareStatus.removed.value
            how = {"action": "move" if action == "move" else "remove" if removed else "unmount"}
            moves.move_now(db, hw, parse(DirectIn, {**data, **how}, form=True), who, day)
            return hw

        plain = {
            "mount": lambda: service.mount(db, hw, parse(MountIn, data, form=True), who, day),
            "move": lambda: service.move(db, hw, parse(MountIn, data, form=True), who),
            "unmount": lambda: service.unmount(db, hw, parse(UnmountIn, data, form=True), who),
        }
        run = direct if action != "mount" and service.colocation(hw) else plain[action]
        return submit(
            request,
            FORM,
            data,
            run,
            lambda h: f"/hardware/{h.id}",
            _(DONE[action], name=hw.name),
            fixes=lambda exc: hardware_fixes(request, hw, exc),
            title=title,
            fields=fields,
            cancel=f"/hardware/{hw.id}",
        )


DONE = {"mount": N_("%(name)s: mount done"), "move": N_("%(name)s: move done"), "unmount": N_("%(name)s: unmount done")}
TITLES = {"mount": N_("Mount %(name)s"), "move": N_("Move %(name)s")}


def _place_form(db: Session, hw: Hardware, action: str) -> tuple[str, list[Any], dict[str, Any]]:
    basis = forms.BASIS if service.colocation(hw) and action in ("move", "unmount") else []
    if action == "unmount":
        return (
            _("Unmount %(name)s", name=hw.name),
            forms.UNMOUNT + basis,
            {"status": "planned", "basis": "customer_request"},
        )
    if action not in ("mount", "move"):
        raise NotFound("page", action)
    rack_id = hw.rack_id or hw.planned_rack_id or ""
    values = {"rack_id": rack_id, "position": hw.position or "", "face": (hw.face or Face.front).value}
    fields = forms.mount_fields(db, hw)
    if action == "mount" and service.colocation(hw) and hw.first_installed_on is None:
        fields = [*fields, forms.INTAKE]
    if basis:
        values["basis"] = "customer_request"
    return _(TITLES[action], name=hw.name), fields + basis, values


def _hardware(db: Session, hardware_id: int) -> Hardware:
    hw = db.scalars(
        select(Hardware)
        .where(Hardware.id == hardware_id)
        .options(
            joinedload(Hardware.rack).joinedload(Rack.room).joinedload(Room.site),
            joinedload(Hardware.contract).joinedload(Contract.customer),
        )
    ).first()
    if hw is None:
        raise NotFound("hardware", hardware_id)
    return hw
