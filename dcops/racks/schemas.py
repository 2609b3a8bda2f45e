"""Input shapes for racks and hardware, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from typing import Annotated

import msgspec

from dcops.racks.models import MAX_RACK_HEIGHT, Face, HardwareStatus, RackKind, RackStatus

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
