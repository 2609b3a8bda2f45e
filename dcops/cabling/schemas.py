"""Input shapes for ports and cables, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from dcops.cabling.models import CableStatus, PortKind, PortSide
from dcops.racks.schemas import Id
from dcops.terms.cabling import Installer, Route

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
