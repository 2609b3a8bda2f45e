"""Input shapes for racks and hardware, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from typing import Annotated

import msgspec

from dcops.cabling.models import PortKind, PortSide
from dcops.i18n import N_
from dcops.racks.models import MAX_RACK_HEIGHT, Face, HardwareStatus, RackKind, RackStatus
from dcops.validation import Id

Code = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=20,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description=N_("a short code of letters, digits, dots, dashes or underscores, without spaces"),
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Height = Annotated[int, msgspec.Meta(ge=1, le=MAX_RACK_HEIGHT)]
Watts = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Position = Annotated[int, msgspec.Meta(ge=1, le=MAX_RACK_HEIGHT)]
Spec = Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]


class SiteIn(msgspec.Struct, kw_only=True):
    code: Code
    name: Name
    address: str | None = None
    timezone: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "Europe/Amsterdam"


class RoomIn(msgspec.Struct, kw_only=True):
    site_id: Id
    code: Code
    name: Name


class RackIn(msgspec.Struct, kw_only=True):
    room_id: Id
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    u_height: Height = 42
    kind: RackKind = RackKind.shared
    customer_id: Id | None = None
    power_budget_w: Watts = 0
    status: RackStatus = RackStatus.active
    intake_state: Annotated[str, msgspec.Meta(max_length=5000)] | None = None  # A6: as provided when let


class HardwareIn(msgspec.Struct, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    asset_tag: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    serial: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    model: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    u_height: Height = 1
    full_depth: bool = True
    power_draw_w: Watts = 0
    contract_id: Id | None = None
    notes: str | None = None
    third_party_owner: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None  # K1
    planned_rack_id: Id | None = None  # K2: where it is to be installed
    # A hardware type decides height, depth and model, the power draw when none is given, and the ports.
    hardware_type_id: Id | None = None
    cpu_cores: Spec | None = None  # D3: what a dedicated server offers
    memory_gb: Spec | None = None
    storage_gb: Spec | None = None
    network_mbps: Spec | None = None


class MountIn(msgspec.Struct, kw_only=True):
    rack_id: Id
    position: Position
    face: Face = Face.front
    # A6: how the space was provided, recorded at a first installation ("provided empty" when left out)
    intake_state: Annotated[str, msgspec.Meta(max_length=5000)] | None = None


class UnmountIn(msgspec.Struct, kw_only=True):
    status: HardwareStatus = HardwareStatus.planned


# --- hardware types (NetBox's device types) --------------------------------------------------------------

Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[-a-z0-9_]+$")]
TypeHeight = Annotated[float, msgspec.Meta(ge=0, le=MAX_RACK_HEIGHT, multiple_of=0.5)]
PortTemplateName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class PortTemplateIn(msgspec.Struct, kw_only=True, frozen=True):
    name: PortTemplateName
    kind: PortKind
    side: PortSide = PortSide.none
    type: Annotated[str, msgspec.Meta(max_length=50)] | None = None  # NetBox's slug
    outlet: bool = False
    max_draw_w: Watts | None = None
    positions: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 1
    rear_port: PortTemplateName | None = None
    rear_position: Annotated[int, msgspec.Meta(ge=1, le=1024)] | None = None


class HardwareTypeIn(msgspec.Struct, kw_only=True):
    manufacturer: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    model: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    slug: Slug
    part_number: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    u_height: TypeHeight = 1
    full_depth: bool = True
    airflow: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    description: str | None = None
    external_ref: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    ports: list[PortTemplateIn] = []
