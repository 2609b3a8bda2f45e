"""Field lists for the inventory forms (rendered by forms/generic.html)."""

from __future__ import annotations

from dataclasses import replace

from babel.support import LazyProxy
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops.customers.models import Contract, Customer
from dcops.i18n import N_, gettext
from dcops.racks.models import (
    MAX_RACK_HEIGHT,
    Face,
    Hardware,
    HardwareStatus,
    HardwareType,
    Rack,
    RackKind,
    RackStatus,
    Room,
    Site,
)
from dcops.racks.service import rack_verdict
from dcops.terms.written import Channel
from dcops.vocabulary import word
from dcops.web.forms import Field, enum_choices


def _lazy(message: str) -> LazyProxy:
    """A choice's text in the language of whoever reads the form (the lists below are made once, at import)."""
    return LazyProxy(gettext, message, enable_cache=False)


SITE = [
    Field("code", N_("Code"), required=True, help=N_("Short code, e.g. GRV1")),
    Field("name", N_("Name"), required=True),
    Field("address", N_("Address"), "textarea"),
    Field("timezone", N_("Time zone"), help=N_("e.g. Europe/Amsterdam")),
]


def room_fields(db: Session) -> list[Field]:
    sites = [(s.id, f"{s.code} — {s.name}") for s in db.scalars(select(Site).order_by(Site.code))]
    return [
        Field("site_id", N_("Site"), "select", True, sites),
        Field("code", N_("Code"), required=True),
        Field("name", N_("Name"), required=True),
    ]


def rack_fields(db: Session) -> list[Field]:
    rooms = [
        (r.id, f"{r.site.code} / {r.code} — {r.name}")
        for r in db.scalars(select(Room).options(joinedload(Room.site)).order_by(Room.site_id, Room.code))
    ]
    customers = [(c.id, c.name) for c in db.scalars(select(Customer).order_by(Customer.name))]
    return [
        Field("room_id", N_("Room"), "select", True, rooms),
        Field("name", N_("Name"), required=True),
        Field("u_height", N_("Height (U)"), "number", True, min=1, max=MAX_RACK_HEIGHT),
        Field("kind", N_("Kind"), "select", True, enum_choices(RackKind)),
        Field(
            "customer_id",
            N_("Let to customer"),
            "select",
            choices=customers,
            help=N_("Private racks only: the one customer the rack is let to"),
        ),
        Field("power_budget_w", N_("Power budget (W)"), "number", min=0),
        Field("status", N_("Status"), "select", True, enum_choices(RackStatus)),
        Field(
            "intake_state",
            N_("State when let (intake)"),
            "textarea",
            help=N_(
                "Recorded when the rack is let to a customer, to compare with at its hand-back (Art. 13.6, rule A6); "
                "left empty: provided empty, as it stands"
            ),
        ),
    ]


def contract_choices(db: Session) -> list[tuple[int, str]]:
    rows = db.scalars(select(Contract).options(joinedload(Contract.customer)).order_by(Contract.number))
    return [(c.id, f"{c.number} — {c.customer.name} ({word(c.service)})") for c in rows]


def type_choices(db: Session) -> list[tuple[int, str]]:
    columns = HardwareType.id, HardwareType.manufacturer, HardwareType.model, HardwareType.u_height
    rows = db.execute(select(*columns).order_by(HardwareType.manufacturer, HardwareType.model))
    return [(i, f"{maker} {model} ({float(height):g}U)") for i, maker, model, height in rows]


def hardware_fields(db: Session) -> list[Field]:
    return [
        Field("name", N_("Name"), required=True),
        Field("asset_tag", N_("Asset tag"), required=True),
        Field("serial", N_("Serial")),
        Field(
            "hardware_type_id",
            N_("Hardware type"),
            "select",
            choices=type_choices(db),
            help=N_(
                "Made from a type, hardware takes its model, height, depth, power draw (unless given) and ports; "
                "the type is set once"
            ),
        ),
        Field("model", N_("Model")),
        Field("u_height", N_("Height (U)"), "number", True, min=1, max=MAX_RACK_HEIGHT),
        Field("full_depth", N_("Full depth (takes front and rear)"), "checkbox"),
        Field("power_draw_w", N_("Power draw (W)"), "number", min=0),
        Field(
            "contract_id",
            N_("Contract"),
            "select",
            choices=contract_choices(db),
            help=N_(
                "Decides ownership: dedicated → supplier property (D1), colocation → customer's (K1). "
                "None: supplier infrastructure."
            ),
        ),
        Field(
            "third_party_owner",
            N_("Owned by a third party"),
            help=N_("Colocation hardware the customer leases or finances: its owner. It is never retained (K1, K10)"),
        ),
        Field(
            "planned_rack_id",
            N_("Planned rack"),
            "select",
            choices=rack_choices(db),
            help=N_("Where it is to be installed: the customer may visit that room to install it (Art. 12.3, rule K2)"),
        ),
        Field("cpu_cores", N_("CPU cores"), "number", min=1, help=SPEC_HELP),
        Field("memory_gb", N_("Memory (GB)"), "number", min=1, help=SPEC_HELP),
        Field("storage_gb", N_("Storage (GB)"), "number", min=1, help=SPEC_HELP),
        Field("network_mbps", N_("Network (Mbit/s)"), "number", min=1, help=SPEC_HELP),
        Field("notes", N_("Notes"), "textarea"),
    ]


SPEC_HELP = N_("A dedicated server's specification: a replacement must meet its contract's (Art. 11.4, rule D3)")


def rack_choices(db: Session, hardware: Hardware | None = None) -> list[tuple[int, str]]:
    """The racks in use; for `hardware`, only those it may go into (K1: not a private rack let to another customer,
    the rule the mount itself applies)."""
    rows = db.scalars(
        select(Rack)
        .join(Rack.room)
        .join(Room.site)
        .options(joinedload(Rack.room).joinedload(Room.site), joinedload(Rack.customer))
        .where(Rack.status != RackStatus.retired)
        .order_by(Site.code, Room.code, Rack.name)
    ).all()
    if hardware is not None:
        rows = [r for r in rows if rack_verdict(hardware, r).allowed]
    return [(r.id, f"{r.room.site.code} / {r.room.code} / {r.name} ({word(r.kind)}, {r.u_height}U)") for r in rows]


def mount_fields(db: Session, hardware: Hardware) -> list[Field]:
    private = N_("Private racks let to another customer are not listed (Art. 12.2, rule K1)")
    return [
        Field("rack_id", N_("Rack"), "select", True, rack_choices(db, hardware), help=private),
        Field("position", N_("Lowest unit (U)"), "number", True, min=1, max=MAX_RACK_HEIGHT),
        Field("face", N_("Face"), "select", True, enum_choices(Face)),
    ]


INTAKE = Field(
    "intake_state",
    N_("The space as provided (intake)"),
    "textarea",
    help=N_(
        "A first installation records how the units were provided, to compare with at the hand-back (Art. 13.6, "
        "rule A6); left empty: provided empty"
    ),
)

# K8: colocation hardware changes rack or leaves only with a recorded basis.
BASIS = [
    Field(
        "basis",
        N_("On what basis"),
        "select",
        True,
        [
            ("customer_request", _lazy(N_("the customer asked for it (its written message, R2)"))),
            ("supplier_action", _lazy(N_("the supplier judges it necessary (Art. 12.7, rule K8)"))),
        ],
        help=N_(
            "The customer's own colocation hardware changes rack or leaves only through a relocation order, a "
            "supplier action with its reason, or the customer's recorded request (rule K8)"
        ),
    ),
    *(
        replace(f, group=N_("The customer's message (when the customer asked)"))
        for f in (
            Field("message_from", N_("Sent by")),
            Field("message_on", N_("Sent on"), "date"),
            Field("message_channel", N_("Channel"), "select", choices=enum_choices(Channel)),
            Field("message_reference", N_("Reference"), help=N_("e.g. the e-mail's Message-ID or ticket number")),
        )
    ),
    *(
        replace(f, group=N_("The supplier's action (when the supplier judges it necessary)"))
        for f in (Field("reason", N_("Reason"), "textarea"), Field("emergency", N_("Emergency (K6)"), "checkbox"))
    ),
]


UNMOUNT = [
    Field(
        "status",
        N_("Afterwards the hardware is"),
        "select",
        True,
        [
            (HardwareStatus.planned.value, _lazy(N_("planned (kept, to be mounted again)"))),
            (HardwareStatus.removed.value, _lazy(N_("removed (left the datacenter)"))),
        ],
    )
]
