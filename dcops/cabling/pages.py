"""Pages for ports, cables (the tablet flow with the A3 verdict before saving), traces, QR labels and the
label scanner."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops import clock, crud
from dcops.auth.permissions import Perm
from dcops.cabling import service
from dcops.cabling.api import label_response, record_breach
from dcops.cabling.models import Cable, CableEnd, CableStatus, Port, PortKind
from dcops.cabling.schemas import CableIn, PortsIn
from dcops.cabling.trace_svg import render as trace_svg
from dcops.customers.record_forms import customer_choices
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _
from dcops.racks import labels
from dcops.racks.models import Hardware, Rack
from dcops.terms.cabling import Installer, Route
from dcops.validation import parse
from dcops.vocabulary import word
from dcops.web.forms import Field, enum_choices, normalize, render, submit
from dcops.web.helpers import actor, query_int, today
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.inventory_read}
WRITE = {"perm": Perm.inventory_write}
CABLE_FORM = "cabling/cable_form.html"


def port_choices(db: Session, hardware_id: int | None = None, keep: tuple[int, ...] = ()) -> list[tuple[int, str]]:
    """Free ports (and `keep`, the cable's own ends when editing), named by rack, unit, hardware and port."""
    taken = select(CableEnd.port_id)
    stmt = (
        select(Port)
        .options(joinedload(Port.hardware).joinedload(Hardware.rack))
        .join(Hardware, Hardware.id == Port.hardware_id)
        .outerjoin(Rack, Rack.id == Hardware.rack_id)
        .where(Port.id.not_in(taken) | Port.id.in_(keep or (0,)))
        .order_by(Rack.name, Hardware.position.desc(), Hardware.name, Port.id)
    )
    if hardware_id is not None:
        stmt = stmt.where(Port.hardware_id == hardware_id)
    rows = []
    for p in db.scalars(stmt):
        rack = p.hardware.rack
        where = f"{rack.name} U{p.hardware.position} · " if rack else ""
        rows.append((p.id, f"{where}{p.hardware.name} · {p.name} ({word(p.kind)})"))
    return rows


def cable_fields(db: Session, a_hardware: int | None = None, keep: tuple[int, ...] = ()) -> list[Field]:
    return [
        Field(
            "a_port_id",
            N_("A end"),
            "select",
            True,
            port_choices(db, a_hardware, keep),
            help=N_("Scan the hardware's label to start from it"),
        ),
        Field("b_port_id", N_("B end"), "select", True, port_choices(db, None, keep)),
        Field(
            "installed_by",
            N_("Installed by"),
            "select",
            True,
            enum_choices(Installer),
            help=N_("Rule A3: the customer cables only inside its own private rack"),
        ),
        Field("customer_id", N_("Customer (when its technician installed it)"), "select", choices=customer_choices(db)),
        Field("installer_name", N_("Installer's name")),
        Field("route", N_("Route"), "select", True, enum_choices(Route)),
        Field("type", N_("Type"), required=True, help="cat6a, om4, os2, c13-c14, ..."),
        Field("colour", N_("Colour")),
        Field("length", N_("Length"), "number", min=1),
        Field("length_unit", N_("Unit"), "select", True, [("m", "m"), ("cm", "cm")]),
        Field("label", N_("Label"), help=N_("Left empty, dcops numbers it (CBL-000123)")),
        Field("installed_at", N_("Installed on"), "date"),
        Field("status", N_("Status"), "select", True, enum_choices(CableStatus)),
        Field("notes", N_("Notes"), "textarea"),
    ]


def _parse(fields: list[Field], data: dict[str, Any]) -> CableIn:
    return parse(CableIn, normalize(fields, data), form=True)


class CablePages(Controller):
    path = "/cables"

    @get("/", name="cables", opt=READ)
    def index(
        self,
        db: Db,
        q: FromQuery[str] = "",
        rack_id: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        page = crud.paginate(db, service.cable_query(query_int(rack_id), None, q.strip()), limit, offset)
        rack = db.get(Rack, query_int(rack_id)) if query_int(rack_id) else None
        return render("cabling/cables.html", page=page, q=q, rack=rack)

    @get("/{item_id:int}", name="cable", opt=READ)
    def detail(self, db: Db, item_id: FromPath[int]) -> Template:
        cable = db.scalars(service.cable_query().where(Cable.id == item_id)).first()
        if cable is None:
            crud.get(db, Cable, item_id)
        return render("cabling/cable.html", cable=cable)

    @get("/new", name="cable_new", opt=WRITE)
    def new(self, db: Db, a_hardware: FromQuery[str] = "") -> Template:
        fields = cable_fields(db, query_int(a_hardware))
        values = {
            "installed_by": "supplier",
            "route": "in_rack",
            "type": "cat6a",
            "length_unit": "m",
            "status": "connected",
            "installed_at": clock.today().isoformat(),
        }
        return render(CABLE_FORM, title=_("Log cable work"), fields=fields, values=values, errors={}, cancel="/cables")

    @post("/new", name="cable_create", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        fields = cable_fields(db)
        return submit(
            request,
            CABLE_FORM,
            data,
            lambda: service.create_cable(db, _parse(fields, data), actor(request)),
            lambda c: f"/cables/{c.id}",
            _("Cable recorded"),
            title=_("Log cable work"),
            fields=fields,
            cancel="/cables",
        )

    @post("/check", name="cable_check", opt=WRITE)
    def check(self, db: Db, data: Form) -> Template:
        """The A3 verdict on the form as it stands, shown before saving (htmx)."""
        try:
            verdict = service.verdict(db, _parse(cable_fields(db), data))
            answer = {"allowed": verdict.allowed, "reasons": [r.as_dict() for r in verdict.reasons]}
        except ValidationFailed:
            answer = None
        return render("cabling/_a3.html", answer=answer)

    @post("/breach", name="cable_breach", opt=WRITE)
    def breach(self, request: Request, db: Db, data: Form) -> Any:
        fields = cable_fields(db)
        try:
            made = record_breach(db, _parse(fields, data), actor(request), today(request))
        except ValidationFailed as exc:
            values = {k: v for k, v in data.items() if k != "_csrf_token"}
            return render(
                CABLE_FORM,
                422,
                title=_("Log cable work"),
                fields=fields,
                values=values,
                errors=exc.errors,
                cancel="/cables",
            )
        flash(request, _("Recorded as a breach of Art. 13.3 (rule A3, S4)"), category="success")
        return Redirect(f"/breaches/{made.id}")

    @get("/{item_id:int}/edit", name="cable_edit", opt=WRITE)
    def edit(self, db: Db, item_id: FromPath[int]) -> Template:
        cable = crud.get(db, Cable, item_id)
        fields = cable_fields(db, keep=(cable.a_port_id, cable.b_port_id))
        values = {f.name: getattr(cable, f.name) for f in fields}
        values = {k: (v.value if hasattr(v, "value") else ("" if v is None else v)) for k, v in values.items()}
        return render(
            CABLE_FORM,
            title=_("Edit cable %(label)s", label=cable.label),
            fields=fields,
            values=values,
            errors={},
            cancel=f"/cables/{cable.id}",
        )

    @post("/{item_id:int}/edit", name="cable_update", opt=WRITE)
    def update(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        cable = crud.get(db, Cable, item_id)
        fields = cable_fields(db, keep=(cable.a_port_id, cable.b_port_id))
        return submit(
            request,
            CABLE_FORM,
            data,
            lambda: service.update_cable(db, cable, _parse(fields, data), actor(request)),
            lambda c: f"/cables/{c.id}",
            _("Cable saved"),
            title=_("Edit cable %(label)s", label=cable.label),
            fields=fields,
            cancel=f"/cables/{cable.id}",
        )


def port_fields() -> list[Field]:
    return [
        Field(
            "prefix",
            N_("Name prefix"),
            help=N_("eth gives eth1, eth2, ...; a patch panel's rear ports end in -R"),
        ),
        Field("count", N_("How many"), "number", True, min=1, max=288),
        Field("kind", N_("Kind"), "select", True, enum_choices(PortKind)),
        Field("patch_panel", N_("Patch panel: front and rear ports, linked pairwise"), "checkbox"),
    ]


class PortPages(Controller):
    path = "/ports"

    @get("/new", name="ports_new", opt=WRITE)
    def new(self, db: Db, hardware_id: FromQuery[int | None] = None) -> Any:
        if hardware_id is None:  # ports belong to hardware: start from its page
            return Redirect("/hardware")
        hw = crud.get(db, Hardware, hardware_id)
        return render(
            "forms/generic.html",
            title=_("Add ports to %(hardware)s", hardware=hw.name),
            fields=port_fields(),
            values={"count": 1, "kind": "copper"},
            errors={},
            cancel=f"/hardware/{hw.id}",
        )

    @post("/new", name="ports_create", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form, hardware_id: FromQuery[int]) -> Any:
        hw = crud.get(db, Hardware, hardware_id)
        return submit(
            request,
            "forms/generic.html",
            data,
            lambda: service.create_ports(db, hw, parse(PortsIn, data, form=True), actor(request)),
            lambda _: f"/hardware/{hw.id}",
            _("Ports added"),
            title=_("Add ports to %(hardware)s", hardware=hw.name),
            fields=port_fields(),
            cancel=f"/hardware/{hw.id}",
        )

    @get("/{item_id:int}/trace", name="port_trace", opt=READ)
    def trace(self, db: Db, item_id: FromPath[int]) -> Template:
        port = crud.get(db, Port, item_id)
        hops = service.trace(db, port)
        return render("cabling/trace.html", port=port, hops=hops, svg=trace_svg(hops))


class LabelPages(Controller):
    path = "/labels"

    @get("/", name="labels", opt=READ)
    def sheet(
        self,
        request: Request,
        db: Db,
        kind: FromQuery[str] = "hardware",
        ids: FromQuery[str] = "",
        rack_id: FromQuery[str] = "",
        size: FromQuery[str] = "56x32",
        cols: FromQuery[int] = 3,
        rows: FromQuery[int] = 8,
    ) -> Template:
        """One label or a sheet of them (A4, `cols` × `rows`), printable from the browser."""
        wanted = [int(x) for x in ids.split(",") if x.strip().isdigit()]
        base = request.app.state.settings.base_url
        try:
            found = labels.labels(db, kind, base, wanted or None, query_int(rack_id))
        except ValidationFailed:
            found = []  # nothing chosen yet: the page says so
        size = size if size in labels.SIZES else "56x32"  # dcops.css sizes the sheet per size and column count
        return render(
            "racks/labels.html",
            labels=found,
            kind=kind,
            size=size,
            cols=max(1, min(cols, 8)),
            rows=max(1, min(rows, 30)),
            sizes=list(labels.SIZES),
        )

    @get("/{kind:str}/{item_id:int}/qr.svg", name="label_svg", opt=READ, media_type="image/svg+xml")
    def svg(self, request: Request, db: Db, kind: FromPath[str], item_id: FromPath[int]) -> Response[bytes]:
        return label_response(db, kind, item_id, "svg", request.app.state.settings.base_url)


class ScanPage(Controller):
    path = "/scan"

    @get("/", name="scan", opt=READ)
    def scan(self) -> Template:
        """The tablet camera reads a label's QR and opens the object it names."""
        return render("racks/scan.html")


CABLE_PAGES = [CablePages, PortPages, LabelPages, ScanPage]
