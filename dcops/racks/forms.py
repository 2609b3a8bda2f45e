"""Field lists for the inventory forms (rendered by forms/generic.html)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops.customers.models import Contract, Customer
from dcops.racks.models import (
    MAX_RACK_HEIGHT,
    Face,
    HardwareStatus,
    HardwareType,
    Rack,
    RackKind,
    RackStatus,
    Room,
    Site,
)
from dcops.terms.written import Channel
from dcops.web.forms import Field, enum_choices

SITE = [
    Field("code", "Code", required=True, help="Short code, e.g. GRV1"),
    Field("name", "Name", required=True),
    Field("address", "Address", "textarea"),
    Field("timezone", "Time zone", help="e.g. Europe/Amsterdam"),
]


def room_fields(db: Session) -> list[Field]:
    sites = [(s.id, f"{s.code} — {s.name}") for s in db.scalars(select(Site).order_by(Site.code))]
    return [
        Field("site_id", "Site", "select", True, sites),
        Field("code", "Code", required=True),
        Field("name", "Name", required=True),
    ]


def rack_fields(db: Session) -> list[Field]:
    rooms = [
        (r.id, f"{r.site.code} / {r.code} — {r.name}")
        for r in db.scalars(select(Room).options(joinedload(Room.site)).order_by(Room.site_id, Room.code))
    ]
    customers = [(c.id, c.name) for c in db.scalars(select(Customer).order_by(Customer.name))]
    return [
        Field("room_id", "Room", "select", True, rooms),
        Field("name", "Name", required=True),
        Field("u_height", "Height (U)", "number", True, min=1, max=MAX_RACK_HEIGHT),
        Field("kind", "Kind", "select", True, enum_choices(RackKind)),
        Field(
            "customer_id",
            "Let to customer",
            "select",
            choices=customers,
            help="Private racks only: the one customer the rack is let to",
        ),
        Field("power_budget_w", "Power budget (W)", "number", min=0),
        Field("status", "Status", "select", True, enum_choices(RackStatus)),
        Field(
            "intake_state",
            "State when let (intake)",
            "textarea",
            help="Recorded when the rack is let to a customer, to compare with at its hand-back (Art. 13.6, rule A6); "
            "left empty: provided empty, as it stands",
        ),
    ]


def contract_choices(db: Session) -> list[tuple[int, str]]:
    rows = db.scalars(select(Contract).options(joinedload(Contract.customer)).order_by(Contract.number))
    return [(c.id, f"{c.number} — {c.customer.name} ({c.service.value})") for c in rows]


def type_choices(db: Session) -> list[tuple[int, str]]:
    columns = HardwareType.id, HardwareType.manufacturer, HardwareType.model, HardwareType.u_height
    rows = db.execute(select(*columns).order_by(HardwareType.manufacturer, HardwareType.model))
    return [(i, f"{maker} {model} ({float(height):g}U)") for i, maker, model, height in rows]


def hardware_fields(db: Session) -> list[Field]:
    return [
        Field("name", "Name", required=True),
        Field("asset_tag", "Asset tag", required=True),
        Field("serial", "Serial"),
        Field(
            "hardware_type_id",
            "Hardware type",
            "select",
            choices=type_choices(db),
            help="Made from a type, hardware takes its model, height, depth, power draw (unless given) and ports; "
            "the type is set once",
        ),
        Field("model", "Model"),
        Field("u_height", "Height (U)", "number", True, min=1, max=MAX_RACK_HEIGHT),
        Field("full_depth", "Full depth (takes front and rear)", "checkbox"),
        Field("power_draw_w", "Power draw (W)", "number", min=0),
        Field(
            "contract_id",
            "Contract",
            "select",
            choices=contract_choices(db),
            help="Decides ownership: dedicated → supplier property (D1), colocation → customer's (K1). "
            "None: supplier infrastructure.",
        ),
        Field(
            "third_party_owner",
            "Owned by a third party",
            help="Colocation hardware the customer leases or finances: its owner. It is never retained (K1, K10)",
        ),
        Field(
            "planned_rack_id",
            "Planned rack",
            "select",
            choices=rack_choices(db),
            help="Where it is to be installed: the customer may visit that room to install it (Art. 12.3, rule K2)",
        ),
        Field("cpu_cores", "CPU cores", "number", min=1, help=SPEC_HELP),
        Field("memory_gb", "Memory (GB)", "number", min=1, help=SPEC_HELP),
        Field("storage_gb", "Storage (GB)", "number", min=1, help=SPEC_HELP),
        Field("network_mbps", "Network (Mbit/s)", "number", min=1, help=SPEC_HELP),
        Field("notes", "Notes", "textarea"),
    ]


SPEC_HELP = "A dedicated server's specification: a replacement must meet its contract's (Art. 11.4, rule D3)"


def rack_choices(db: Session) -> list[tuple[int, str]]:
    rows = db.scalars(
        select(Rack)
        .join(Rack.room)
        .join(Room.site)
        .options(joinedload(Rack.room).joinedload(Room.site))
        .where(Rack.status != RackStatus.retired)
        .order_by(Site.code, Room.code, Rack.name)
    )
    return [(r.id, f"{r.room.site.code} / {r.room.code} / {r.name} ({r.kind.value}, {r.u_height}U)") for r in rows]


def mount_fields(db: Session) -> list[Field]:
    return [
        Field("rack_id", "Rack", "select", True, rack_choices(db)),
        Field("position", "Lowest unit (U)", "number", True, min=1, max=MAX_RACK_HEIGHT),
        Field("face", "Face", "select", True, enum_choices(Face)),
    ]


INTAKE = Field(
    "intake_state",
    "The space as provided (intake)",
    "textarea",
    help="A first installation records how the units were provided, to compare with at the hand-back (Art. 13.6, "
    "rule A6); left empty: provided empty",
)

# K8: colocation hardware changes rack or leaves only with a recorded basis.
BASIS = [
    Field(
        "basis",
        "On what basis",
        "select",
        True,
        [
            ("customer_request", "the customer asked for it (its written message, R2)"),
            ("supplier_action", "the supplier judges it necessary (Art. 12.7, rule K8)"),
        ],
        help="The customer's own colocation hardware changes rack or leaves only through a relocation order, a "
        "supplier action with its reason, or the customer's recorded request (rule K8)",
    ),
    Field("message_from", "Customer's message: from"),
    Field("message_on", "Customer's message: sent on", "date"),
    Field("message_channel", "Customer's message: channel", "select", choices=enum_choices(Channel)),
    Field("message_reference", "Customer's message: reference", help="e.g. the e-mail's Message-ID or ticket number"),
    Field("reason", "Supplier action: reason", "textarea"),
    Field("emergency", "Supplier action: emergency (K6)", "checkbox"),
]


UNMOUNT = [
    Field(
        "status",
        "Afterwards the hardware is",
        "select",
        True,
        [
            (HardwareStatus.planned.value, "planned (kept, to be mounted again)"),
            (HardwareStatus.removed.value, "removed (left the datacenter)"),
        ],
    )
]
