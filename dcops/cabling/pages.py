"""Pages for ports, cables (the tablet flow: each end picked device-first, the A3 verdict and the same-device
warning before saving), traces, QR labels and the label scanner."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
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
from dcops.errors import NotFound, ValidationFailed
from dcops.i18n import N_, _
from dcops.racks import labels
from dcops.racks.models import Hardware, HardwareStatus, Rack
from dcops.search import contains_text
from dcops.terms.cabling import Installer, Route
from dcops.validation import parse, query_ids
from dcops.vocabulary import word
from dcops.web.fixes import Fix
from dcops.web.forms import Field, enum_choices, normalize, render, submit
from dcops.web.helpers import actor, query_int, today
from dcops.web.routes import Db, Form, get, post

READ = {"perm": Perm.inventory_read}
WRITE = {"perm": Perm.inventory_write}
CABLE_FORM = "cabling/cable_form.html"


def free_ports(db: Session, hardware_id: int, keep: tuple[int, ...] = ()) -> tuple[list[tuple[int, str]], int]:
    """One hardware's free ports (and `keep`), named by port and kind: the picker's second step; and how many
    ports it has at all (none recorded is not the same as all taken)."""
    free = Port.id.not_in(select(CableEnd.port_id)) | Port.id.in_(keep or (0,))
    rows = db.execute(select(Port, free).where(Port.hardware_id == hardware_id).order_by(Port.side, Port.id)).all()
    return [(p.id, f"{p.name} ({word(p.kind)})") for p, is_free in rows if is_free], len(rows)


# The ends are picked device-first (`Pick`): these fields are the rest of the form.
PORT_FIELDS = [Field("a_port_id", N_("A end"), "select", True), Field("b_port_id", N_("B end"), "select", True)]


def cable_fields(db: Session) -> list[Field]:
    return [
        *PORT_FIELDS,
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


# --- the device-first picker -------------------------------------------------------------------------

ENDS = {"a": N_("A end"), "b": N_("B end")}
MATCHES = 12  # hardware shown for a search: enough to tap on a tablet; typing more narrows it
HARDWARE_URL = re.compile(r"/hardware/(\d{1,18})/?(?:[?#].*)?$")


@dataclass
class Pick:
    """One end as the form shows it: what was typed, the hardware it matches, the one chosen and its free ports."""

    end: str  # "a" | "b"
    label: str  # a message
    q: str = ""
    matches: list[Hardware] = field(default_factory=list)
    more: bool = False
    hardware: Hardware | None = None
    ports: list[tuple[int, str]] = field(default_factory=list)  # the chosen hardware's free ones
    all_ports: int = 0  # how many it has, free or not
    port_id: str = ""


def find_hardware(db: Session, q: str) -> tuple[list[Hardware], bool]:
    """Hardware by name or asset tag, or the one a scanned label's URL (…/hardware/<id>) names."""
    q = q.strip()[:200]
    if not q:
        return [], False
    if (m := HARDWARE_URL.search(q)) is not None:
        hw = db.scalars(
            select(Hardware).options(joinedload(Hardware.rack)).where(Hardware.id == int(m.group(1)))
        ).first()
        return ([hw] if hw is not None else []), False
    rows = db.scalars(
        select(Hardware)
        .options(joinedload(Hardware.rack))
        .where(contains_text(q, Hardware.name, Hardware.asset_tag), Hardware.status != HardwareStatus.removed)
        .order_by(Hardware.name, Hardware.id)
        .limit(MATCHES + 1)
    ).all()
    return list(rows[:MATCHES]), len(rows) > MATCHES


def pick(db: Session, end: str, values: Mapping[str, Any], keep: tuple[int, ...] = ()) -> Pick:
    """The end `end` of the form from what was posted or asked: `<end>_q` typed, `pick_<end>` a hardware tapped
    (the form without script posts it), `<end>_hardware` the hardware chosen before, `<end>_port_id` its port."""
    p = Pick(
        end, ENDS[end], q=str(values.get(f"{end}_q") or "").strip(), port_id=str(values.get(f"{end}_port_id") or "")
    )
    before = query_int(values.get(f"{end}_hardware"))
    port = db.get(Port, query_int(p.port_id)) if before is None and query_int(p.port_id) else None
    if port is not None:  # editing: the end's hardware is its port's
        before = port.hardware_id
    p.matches, p.more = find_hardware(db, p.q)
    found = [h.id for h in p.matches]
    if (hw_id := query_int(values.get(f"pick_{end}"))) is None:
        # typed anew and found exactly one: that one; else what was chosen before stays chosen
        hw_id = found[0] if len(found) == 1 and before not in found else before
    if hw_id is not None:
        p.hardware = (
            next((h for h in p.matches if h.id == hw_id), None)
            or db.scalars(select(Hardware).options(joinedload(Hardware.rack)).where(Hardware.id == hw_id)).first()
        )
    if p.hardware is not None:
        if p.hardware not in p.matches:
            p.matches.insert(0, p.hardware)
        p.ports, p.all_ports = free_ports(db, p.hardware.id, keep)
        if p.port_id not in {str(pid) for pid, _text in p.ports}:
            p.port_id = ""
    return p


def _picks(db: Session, values: Mapping[str, Any], keep: tuple[int, ...] = ()) -> list[Pick]:
    return [pick(db, end, values, keep) for end in ENDS]


def same_device(db: Session, values: Mapping[str, Any]) -> Hardware | None:
    """The hardware both ends are ports of, when they are: a cable between two ports of one device is unusual
    (a loop, or a patch panel's front to its own rear): dcops warns and saves it only when confirmed."""
    a, b = query_int(values.get("a_port_id")), query_int(values.get("b_port_id"))
    if a is None or b is None or a == b:
        return None
    ports = db.scalars(select(Port).options(joinedload(Port.hardware)).where(Port.id.in_([a, b]))).all()
    if len(ports) == 2 and ports[0].hardware_id == ports[1].hardware_id:
        return ports[0].hardware
    return None


def _confirmed(values: Mapping[str, Any]) -> bool:
    return str(values.get("same_device") or "").lower() in ("on", "true", "1")


def _save(db: Session, request: Request, fields: list[Field], data: dict[str, Any], cable: Cable | None) -> Cable:
    parsed = _parse(fields, data)
    if (hw := same_device(db, data)) is not None and not _confirmed(data):
        raise ValidationFailed(
            {
                "same_device": _(
                    "A cable between two ports of one device (%(name)s): tick the box to save it anyway", name=hw.name
                )
            }
        )
    if cable is None:
        return service.create_cable(db, parsed, actor(request))
    return service.update_cable(db, cable, parsed, actor(request))


def _cable_fixes(exc: Exception) -> list[Fix]:
    if isinstance(exc, service.PortTaken):
        return [Fix(_("Open cable %(cable)s, which is on that port", cable=exc.cable), f"/cables/{exc.cable_id}")]
    return []


DEFAULTS = {
    "installed_by": "supplier",
    "route": "in_rack",
    "type": "cat6a",
    "length_unit": "m",
    "status": "connected",
}


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
        page = crud.screen_page(db, service.cable_query(query_int(rack_id), None, q.strip()), limit, offset)
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
        values = {**DEFAULTS, "installed_at": clock.today().isoformat(), "a_hardware": a_hardware}
        return render(
            CABLE_FORM,
            title=_("Log cable work"),
            fields=cable_fields(db),
            values=values,
            errors={},
            cancel="/cables",
            picks=_picks(db, values),
            same=None,
        )

    @post("/new", name="cable_create", opt=WRITE)
    def create(self, request: Request, db: Db, data: Form) -> Any:
        fields = cable_fields(db)
        context = {"title": _("Log cable work"), "fields": fields, "cancel": "/cables"}
        if data.get("find"):  # the form without script: find the hardware typed, or show the ports of the one tapped
            return _again(db, data, **context)
        return submit(
            request,
            CABLE_FORM,
            data,
            lambda: _save(db, request, fields, data, None),
            lambda c: f"/cables/{c.id}",
            _("Cable recorded"),
            page=lambda: {"picks": _picks(db, data), "same": same_device(db, data)},
            fixes=_cable_fixes,
            **context,
        )

    @get("/pick/{end:str}", name="cable_pick", opt=WRITE)
    def pick_end(self, request: Request, db: Db, end: FromPath[str], cable: FromQuery[str] = "") -> Template:
        """htmx: one end's hardware matching what is typed (`<end>_q`) or scanned, and the free ports of the one
        found or tapped (`pick_<end>`)."""
        if end not in ENDS:
            raise NotFound("page", end)
        cable_id = query_int(cable)
        p = pick(db, end, request.query_params, _kept(db, cable_id))
        return render("cabling/_pick.html", p=p, cable_id=cable_id)

    @post("/check", name="cable_check", opt=WRITE)
    def check(self, db: Db, data: Form) -> Template:
        """The A3 verdict on the form as it stands, and the warning for two ports of one device, shown before
        saving (htmx)."""
        try:
            verdict = service.verdict(db, _parse(cable_fields(db), data))
            answer = {"allowed": verdict.allowed, "reasons": [r.as_dict() for r in verdict.reasons]}
        except ValidationFailed:
            answer = None
        return render("cabling/_a3.html", answer=answer, same=same_device(db, data), values=data, oob=True)

    @post("/breach", name="cable_breach", opt=WRITE)
    def breach(self, request: Request, db: Db, data: Form) -> Any:
        fields = cable_fields(db)
        try:
            made = record_breach(db, _parse(fields, data), actor(request), today(request))
        except ValidationFailed as exc:
            return _again(db, data, 422, exc.errors, title=_("Log cable work"), fields=fields, cancel="/cables")
        flash(request, _("Recorded as a breach of Art. 13.3 (rule A3, S4)"), category="success")
        return Redirect(f"/breaches/{made.id}")

    @get("/{item_id:int}/edit", name="cable_edit", opt=WRITE)
    def edit(self, db: Db, item_id: FromPath[int]) -> Template:
        cable = crud.get(db, Cable, item_id)
        fields = cable_fields(db)
        values = {f.name: getattr(cable, f.name) for f in fields}
        values = {k: (v.value if hasattr(v, "value") else ("" if v is None else v)) for k, v in values.items()}
        return render(
            CABLE_FORM,
            title=_("Edit cable %(label)s", label=cable.label),
            fields=fields,
            values=values,
            errors={},
            cancel=f"/cables/{cable.id}",
            picks=_picks(db, values, (cable.a_port_id, cable.b_port_id)),
            same=same_device(db, values),
            cable=cable,
        )

    @post("/{item_id:int}/edit", name="cable_update", opt=WRITE)
    def update(self, request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        cable = crud.get(db, Cable, item_id)
        fields = cable_fields(db)
        keep = (cable.a_port_id, cable.b_port_id)
        context = {
            "title": _("Edit cable %(label)s", label=cable.label),
            "fields": fields,
            "cancel": f"/cables/{cable.id}",
            "cable": cable,
        }
        if data.get("find"):
            return _again(db, data, keep=keep, **context)
        return submit(
            request,
            CABLE_FORM,
            data,
            lambda: _save(db, request, fields, data, cable),
            lambda c: f"/cables/{c.id}",
            _("Cable saved"),
            page=lambda: {"picks": _picks(db, data, keep), "same": same_device(db, data)},
            fixes=_cable_fixes,
            **context,
        )


def _kept(db: Session, cable_id: int | None) -> tuple[int, ...]:
    """When editing a cable, its own ports are offered although they are taken (by it)."""
    cable = db.get(Cable, cable_id) if cable_id else None
    return (cable.a_port_id, cable.b_port_id) if cable is not None else ()


def _again(
    db: Session,
    data: Mapping[str, Any],
    status: int = 200,
    errors: dict[str, str] | None = None,
    keep: tuple[int, ...] = (),
    **context: Any,
) -> Template:
    """The form again with what was typed: after a search without script, or a refusal outside submit()."""
    values = {k: v for k, v in data.items() if k not in ("_csrf_token", "find") and not k.startswith("pick_")}
    picks = _picks(db, data, keep)
    for p in picks:  # what was tapped is now the end's hardware
        values[f"{p.end}_hardware"] = p.hardware.id if p.hardware else ""
    return render(
        CABLE_FORM, status, values=values, errors=errors or {}, picks=picks, same=same_device(db, data), **context
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
        wanted = query_ids(ids)
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
