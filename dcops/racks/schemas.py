"""Input shapes for racks and hardware, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from dcops.racks.models import (
    MAX_RACK_HEIGHT,
    CableStatus,
    Face,
    HardwareStatus,
    PortKind,
    PortSide,
    RackKind,
    RackStatus,
    RelocationKind,
)
from dcops.terms.cabling import Installer, Route

Code = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=20,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="a short code of letters, digits, dots, dashes or underscores, without spaces",
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Id = Annotated[int, msgspec.Meta(ge=1)]
Height = Annotated[int, msgspec.Meta(ge=1, le=MAX_RACK_HEIGHT)]
Watts = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Position = Annotated[int, msgspec.Meta(ge=1, le=MAX_RACK_HEIGHT)]


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


class MountIn(msgspec.Struct, kw_only=True):
    rack_id: Id
    position: Position
    face: Face = Face.front


class UnmountIn(msgspec.Struct, kw_only=True):
    status: HardwareStatus = HardwareStatus.planned


# --- ports and cables ---------------------------------------------------------------------------------

PortName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class PortIn(msgspec.Struct, kw_only=True):
    hardware_id: Id
    name: PortName
    kind: PortKind
    side: PortSide = PortSide.none
    pass_through_id: Id | None = None  # a patch panel's front port names its rear port (or the other way)


class PortsIn(msgspec.Struct, kw_only=True):
    """Many ports at once: `prefix` + 1..count. A patch panel gets front and rear ports linked pairwise."""

    prefix: Annotated[str, msgspec.Meta(max_length=40)] = ""
    count: Annotated[int, msgspec.Meta(ge=1, le=288)]
    kind: PortKind
    patch_panel: bool = False


class CableIn(msgspec.Struct, kw_only=True):
    a_port_id: Id
    b_port_id: Id
    type: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None  # generated when left out
    colour: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    length: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    length_unit: Literal["m", "cm"] = "m"
    route: Route = Route.in_rack
    installed_by: Installer = Installer.supplier
    customer_id: Id | None = None  # whose technician installed it (installed_by customer)
    installer_name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    installed_at: date | None = None
    status: CableStatus = CableStatus.connected
    notes: str | None = None


# --- relocations --------------------------------------------------------------------------------------

Text = Annotated[str, msgspec.Meta(min_length=3, max_length=5000)]
Who = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ItemIn(msgspec.Struct, kw_only=True):
    hardware_id: Id
    target_rack_id: Id | None = None
    target_position: Position | None = None
    target_face: Face = Face.front
    replacement_id: Id | None = None  # D3: the supplier hardware that takes over


class RelocationIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    kind: RelocationKind
    reason: Text
    items: Annotated[list[ItemIn], msgspec.Meta(min_length=1)]
    action: Literal["move", "switch_off", "remove"] = "move"
    emergency: bool = False
    emergency_reason: Text | None = None
    other_site_allowed: bool = False
    customer_executes: bool = False


class ConsultIn(msgspec.Struct, kw_only=True):
    consulted_on: date
    consulted_with: Who
    outcome: Text


class RequestIn(msgspec.Struct, kw_only=True):
    requested_on: date


class ScheduleIn(msgspec.Struct, kw_only=True):
    planned_on: date
    agreement_permission_id: Id | None = None  # K4: the customer's written agreement to a date outside the window
    agreement_note: Text | None = None


class PlanIn(msgspec.Struct, kw_only=True):
    plan_text: Text
    plan_agreed_on: date
    plan_agreed_with: Who


class HandBackIn(msgspec.Struct, kw_only=True):
    as_received: bool
    findings: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    inspected_on: date | None = None
