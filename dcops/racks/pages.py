"""Inventory pages for the desk and the tablet: sites, rooms, racks and their elevations, hardware."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.auth.permissions import Perm, allows
from dcops.customers.models import Contract, Customer
from dcops.errors import NotFound, ValidationFailed
from dcops.racks import elevation, forms, service
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn, UnmountIn
from dcops.terms import Owner
from dcops.validation import parse
from dcops.web.forms import render, submit
from dcops.web.helpers import actor, form_values, query_int
from dcops.web.routes import get, post

READ = {"perm": Perm.inventory_read}
WRITE = {"perm": Perm.inventory_write}
FORM = "forms/generic.html"
Form = URLEncodedBody[dict[str, str]]
Db = NamedDependency[Session]


def _form(title: str, fields: list[Any], values: dict[str, Any], cancel: str, **extra: Any) -> Template:
    return render(FORM, title=title, fields=fields, values=values, errors={}, cancel=cancel, **extra)


class SitePages(Controller):
    path = "/sites"

    @get("/", name="sites", opt=READ)
    def index(self, db: Db) -> Template:
        sites = db.scalars(select(Site).order_by(Site.code)).all()
        usage = service.rack_usage(db)
        return render("racks/sites.html", sites=sites, usage=usage)

    @get("/new", name="site_new", opt=WRITE)
    def new(self, db: Db) -> Template:
        return _form("New site", forms.SITE, {"timezone": "Europe/Amsterdam"}, "/sites")

    @post("/new", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_site(db, parse(SiteIn, data, form=True), actor(request)),
            lambda s: "/sites",
            "Site created",
            title="New site",
            fields=forms.SITE,
            cancel="/sites",
        )

    @get("/{site_id:int}/edit", name="site_edit", opt=WRITE)
    def edit(self, db: Db, site_id: FromPath[int]) -> Template:
        site = crud.get(db, Site, site_id)
        return _form(
            f"Edit site {site.code}",
            forms.SITE,
            form_values(site, forms.SITE),
            "/sites",
            delete=f"/sites/{site.id}/delete",
        )

    @post("/{site_id:int}/edit", opt=WRITE)
    def update(self, request: Request, db: Db, site_id: FromPath[int], data: Form) -> Any:
        site = crud.get(db, Site, site_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update_site(db, site, parse(SiteIn, data, form=True), actor(request)),
            lambda s: "/sites",
            "Site saved",
            title=f"Edit site {site.code}",
            fields=forms.SITE,
            cancel="/sites",
            delete=f"/sites/{site.id}/delete",
        )

    @post("/{site_id:int}/delete", opt=WRITE)
    def delete(self, request: Request, db: Db, site_id: FromPath[int]) -> Any:
        site = crud.get(db, Site, site_id)
        service.delete_site(db, site, actor(request))
        return Redirect("/sites")


class RoomPages(Controller):
    path = "/rooms"

    @get("/{room_id:int}", name="room", opt=READ)
    def view(self, request: Request, db: Db, room_id: FromPath[int], face: FromQuery[Face] = Face.front) -> Template:
        """Every rack of the room with its elevation, in a fixed number of statements."""
        room = db.scalars(select(Room).options(joinedload(Room.site)).where(Room.id == room_id)).first()
        if room is None:
            raise NotFound("room", room_id)
        usage = service.rack_usage(db, room_id=room.id)
        mounted = service.mounted_hardware(db, [u.rack.id for u in usage])
        can_mount = _can_write(request)
        svgs = {u.rack.id: elevation.render(u.rack, mounted[u.rack.id], face, can_mount=can_mount) for u in usage}
        return render("racks/room.html", room=room, usage=usage, svgs=svgs, face=face)

    @get("/new", name="room_new", opt=WRITE)
    def new(self, db: Db, site_id: FromQuery[int | None] = None) -> Template:
        return _form("New room", forms.room_fields(db), {"site_id": site_id or ""}, "/sites")

    @post("/new", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_room(db, parse(RoomIn, data, form=True), actor(request)),
            lambda r: f"/rooms/{r.id}",
            "Room created",
            title="New room",
            fields=forms.room_fields(db),
            cancel="/sites",
        )

    @get("/{room_id:int}/edit", name="room_edit", opt=WRITE)
    def edit(self, db: Db, room_id: FromPath[int]) -> Template:
        room = crud.get(db, Room, room_id)
        fields = forms.room_fields(db)
        return _form(
            f"Edit room {room.code}",
            fields,
            form_values(room, fields),
            f"/rooms/{room.id}",
            delete=f"/rooms/{room.id}/delete",
        )

    @post("/{room_id:int}/edit", opt=WRITE)
    def update(self, request: Request, db: Db, room_id: FromPath[int], data: Form) -> Any:
        room = crud.get(db, Room, room_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update_room(db, room, parse(RoomIn, data, form=True), actor(request)),
            lambda r: f"/rooms/{r.id}",
            "Room saved",
            title=f"Edit room {room.code}",
            fields=forms.room_fields(db),
            cancel=f"/rooms/{room.id}",
            delete=f"/rooms/{room.id}/delete",
        )

    @post("/{room_id:int}/delete", opt=WRITE)
    def delete(self, request: Request, db: Db, room_id: FromPath[int]) -> Any:
        service.delete_room(db, crud.get(db, Room, room_id), actor(request))
        return Redirect("/sites")


def _can_write(request: Request) -> bool:
    user = request.scope.get("user")
    return user is not None and allows(user.role, Perm.inventory_write)


class RackPages(Controller):
    path = "/racks"

    @get("/{rack_id:int}", name="rack", opt=READ)
    def view(self, request: Request, db: Db, rack_id: FromPath[int]) -> Template:
        usage = service.rack_usage(db, rack_ids=[rack_id])
        if not usage:
            raise NotFound("rack", rack_id)
        rack = usage[0].rack
        hardware = service.mounted_hardware(db, [rack.id])[rack.id]
        can_mount = _can_write(request)
        svgs = {f: elevation.render(rack, hardware, f, can_mount=can_mount) for f in Face}
        return render("racks/rack.html", rack=rack, usage=usage[0], hardware=hardware, svgs=svgs)

    @get("/{rack_id:int}/elevation.svg", name="rack_svg", opt=READ)
    def svg(self, db: Db, rack_id: FromPath[int], face: FromQuery[Face] = Face.front) -> Response[str]:
        rack = crud.get(db, Rack, rack_id)
        hardware = service.mounted_hardware(db, [rack.id])[rack.id]
        return Response(elevation.render(rack, hardware, face), media_type="image/svg+xml")

    @get("/new", name="rack_new", opt=WRITE)
    def new(self, db: Db, room_id: FromQuery[int | None] = None) -> Template:
        return _form(
            "New rack",
            forms.rack_fields(db),
            {"room_id": room_id or "", "u_height": 42, "kind": "shared", "status": "active", "power_budget_w": 0},
            "/sites",
        )

    @post("/new", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_rack(db, parse(RackIn, data, form=True), actor(request)),
            lambda r: f"/racks/{r.id}",
            "Rack created",
            title="New rack",
            fields=forms.rack_fields(db),
            cancel="/sites",
        )

    @get("/{rack_id:int}/edit", name="rack_edit", opt=WRITE)
    def edit(self, db: Db, rack_id: FromPath[int]) -> Template:
        rack = crud.get(db, Rack, rack_id)
        fields = forms.rack_fields(db)
        return _form(
            f"Edit rack {rack.name}",
            fields,
            form_values(rack, fields),
            f"/racks/{rack.id}",
            delete=f"/racks/{rack.id}/delete",
        )

    @post("/{rack_id:int}/edit", opt=WRITE)
    def update(self, request: Request, db: Db, rack_id: FromPath[int], data: Form) -> Any:
        rack = crud.get(db, Rack, rack_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update_rack(db, rack, parse(RackIn, data, form=True), actor(request)),
            lambda r: f"/racks/{r.id}",
            "Rack saved",
            title=f"Edit rack {rack.name}",
            fields=forms.rack_fields(db),
            cancel=f"/racks/{rack.id}",
            delete=f"/racks/{rack.id}/delete",
        )

    @post("/{rack_id:int}/delete", opt=WRITE)
    def delete(self, request: Request, db: Db, rack_id: FromPath[int]) -> Any:
        rack = crud.get(db, Rack, rack_id)
        room_id = rack.room_id
        service.delete_rack(db, rack, actor(request))
        return Redirect(f"/rooms/{room_id}")

    @get("/{rack_id:int}/mount", name="rack_mount_here", opt=WRITE)
    def mount_here(
        self, db: Db, rack_id: FromPath[int], position: FromQuery[int] = 1, face: FromQuery[Face] = Face.front
    ) -> Template:
        """ "Mount here" from an empty unit: pick hardware that is not in a rack yet."""
        rack = crud.get(db, Rack, rack_id)
        return render(
            "racks/mount_here.html",
            rack=rack,
            values={"position": position, "face": face.value},
            errors={},
            spare=_unmounted(db),
        )

    @post("/{rack_id:int}/mount", opt=WRITE)
    def mount_here_post(self, request: Request, db: Db, rack_id: FromPath[int], data: Form) -> Any:
        rack = crud.get(db, Rack, rack_id)

        def act() -> Hardware:
            hw_id = query_int(data.get("hardware_id"))
            hw = db.get(Hardware, hw_id) if hw_id else None
            if hw is None:
                raise ValidationFailed({"hardware_id": "Choose the hardware to mount"})
            return service.mount(db, hw, parse(MountIn, {**data, "rack_id": str(rack.id)}, form=True), actor(request))

        return submit(
            request,
            "racks/mount_here.html",
            data,
            act,
            lambda hw: f"/racks/{rack.id}",
            "Hardware mounted",
            rack=rack,
            spare=_unmounted(db),
        )


def _unmounted(db: Session) -> list[Hardware]:
    return list(
        db.scalars(
            select(Hardware)
            .where(Hardware.rack_id.is_(None), Hardware.status != HardwareStatus.removed)
            .options(joinedload(Hardware.contract))
            .order_by(Hardware.name)
        )
    )


class HardwarePages(Controller):
    path = "/hardware"

    @get("/", name="hardware_list", opt=READ)
    def index(
        self,
        request: Request,
        db: Db,
        q: FromQuery[str] = "",
        site_id: FromQuery[str] = "",
        room_id: FromQuery[str] = "",
        rack_id: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        status: FromQuery[str] = "",
        owner: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        f = service.HardwareFilter(
            q=q.strip(),
            site_id=query_int(site_id),
            room_id=query_int(room_id),
            rack_id=query_int(rack_id),
            customer_id=query_int(customer_id),
            status=HardwareStatus(status) if status in HardwareStatus.__members__ else None,
            owner=Owner(owner) if owner in Owner.__members__ else None,
        )
        page = crud.paginate(db, service.hardware_query(f), limit, offset)
        template = "racks/hardware_rows.html" if request.headers.get("hx-request") else "racks/hardware_list.html"
        return render(
            template,
            page=page,
            f=f,
            sites=db.scalars(select(Site).order_by(Site.code)).all(),
            customers=db.scalars(select(Customer).order_by(Customer.name)).all(),
            statuses=list(HardwareStatus),
            owners=list(Owner),
        )

    @get("/new", name="hardware_new", opt=WRITE)
    def new(self, db: Db) -> Template:
        return _form(
            "New hardware",
            forms.hardware_fields(db),
            {"u_height": 1, "full_depth": True, "power_draw_w": 0},
            "/hardware",
        )

    @post("/new", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        return submit(
            request,
            FORM,
            data,
            lambda: service.create_hardware(db, parse(HardwareIn, data, form=True), actor(request)),
            lambda hw: f"/hardware/{hw.id}",
            "Hardware created",
            title="New hardware",
            fields=forms.hardware_fields(db),
            cancel="/hardware",
        )

    @get("/{hardware_id:int}", name="hardware", opt=READ)
    def view(self, db: Db, hardware_id: FromPath[int]) -> Template:
        hw = _hardware(db, hardware_id)
        return render("racks/hardware.html", hw=hw)

    @get("/{hardware_id:int}/edit", name="hardware_edit", opt=WRITE)
    def edit(self, db: Db, hardware_id: FromPath[int]) -> Template:
        hw = _hardware(db, hardware_id)
        fields = forms.hardware_fields(db)
        return _form(
            f"Edit {hw.name}",
            fields,
            form_values(hw, fields),
            f"/hardware/{hw.id}",
            delete=None if hw.rack_id else f"/hardware/{hw.id}/delete",
        )

    @post("/{hardware_id:int}/edit", opt=WRITE)
    def update(self, request: Request, db: Db, hardware_id: FromPath[int], data: Form) -> Any:
        hw = _hardware(db, hardware_id)
        return submit(
            request,
            FORM,
            data,
            lambda: service.update_hardware(db, hw, parse(HardwareIn, data, form=True), actor(request)),
            lambda h: f"/hardware/{h.id}",
            "Hardware saved",
            title=f"Edit {hw.name}",
            fields=forms.hardware_fields(db),
            cancel=f"/hardware/{hw.id}",
        )

    @post("/{hardware_id:int}/delete", opt=WRITE)
    def delete(self, request: Request, db: Db, hardware_id: FromPath[int]) -> Any:
        service.delete_hardware(db, _hardware(db, hardware_id), actor(request))
        return Redirect("/hardware")

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
        return _form(title, fields, values, f"/hardware/{hw.id}")

    @post("/{hardware_id:int}/{action:str}", opt=WRITE)
    def place(self, request: Request, db: Db, hardware_id: FromPath[int], action: FromPath[str], data: Form) -> Any:
        hw = _hardware(db, hardware_id)
        title, fields, _ = _place_form(db, hw, action)
        who = actor(request)
        run = {
            "mount": lambda: service.mount(db, hw, parse(MountIn, data, form=True), who),
            "move": lambda: service.move(db, hw, parse(MountIn, data, form=True), who),
            "unmount": lambda: service.unmount(db, hw, parse(UnmountIn, data, form=True), who),
        }[action]
        return submit(
            request,
            FORM,
            data,
            run,
            lambda h: f"/hardware/{h.id}",
            f"{hw.name}: {action} done",
            title=title,
            fields=fields,
            cancel=f"/hardware/{hw.id}",
        )


def _place_form(db: Session, hw: Hardware, action: str) -> tuple[str, list[Any], dict[str, Any]]:
    if action == "unmount":
        return f"Unmount {hw.name}", forms.UNMOUNT, {"status": "planned"}
    if action not in ("mount", "move"):
        raise NotFound("page", action)
    values = {"rack_id": hw.rack_id or "", "position": hw.position or "", "face": (hw.face or Face.front).value}
    return f"{action.capitalize()} {hw.name}", forms.mount_fields(db), values


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
