"""Input shapes for relocation orders and hand-back inspections."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from dcops.moves.models import RelocationKind
from dcops.racks.schemas import Id, Position
from dcops.racks.units import Face

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
