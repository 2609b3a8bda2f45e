"""Input shapes for relocation orders and hand-back inspections."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from dcops.i18n import _
from dcops.moves.models import RelocationKind
from dcops.racks.schemas import Id, Position
from dcops.racks.units import Face
from dcops.terms.written import Channel

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
    action: Literal["move", "switch_off", "unmount", "remove"] = "move"
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


class MessageIn(msgspec.Struct, kw_only=True):
    """R2: the customer's own written message (its agreement or its request): who, when, how, which one."""

    message_from: Who | None = None
    message_on: date | None = None
    message_channel: Channel | None = None
    message_reference: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None

    def missing(self) -> dict[str, str]:
        """Field errors for a message that is only partly recorded ({} when whole or absent)."""
        given = {k: getattr(self, k) for k in MESSAGE_FIELDS}
        if not any(v is not None for v in given.values()):
            return {}
        return {
            k: _("Record the whole message: who sent it, when, how and its reference")
            for k, v in given.items()
            if v is None
        }

    @property
    def given(self) -> bool:
        return all(getattr(self, k) is not None for k in MESSAGE_FIELDS)


MESSAGE_FIELDS = ("message_from", "message_on", "message_channel", "message_reference")


class ScheduleIn(MessageIn, kw_only=True):
    """K4: the planned date; one outside the window needs the customer's written agreement (the message)."""

    planned_on: date
    agreement_note: Text | None = None


class BasisIn(MessageIn, kw_only=True):
    """K8: why colocation hardware is moved, unmounted or removed outside a planned relocation: a supplier action
    with its reason, or the customer's recorded request (the message). Not needed for other hardware."""

    basis: Literal["customer_request", "supplier_action"] | None = None
    reason: Text | None = None
    emergency: bool = False


class MoveIn(BasisIn, kw_only=True):
    rack_id: Id
    position: Position
    face: Face = Face.front


class UnmountBasisIn(BasisIn, kw_only=True):
    status: Literal["planned", "removed"] = "planned"


class DirectIn(BasisIn, kw_only=True):
    action: Literal["move", "unmount", "remove"]
    rack_id: Id | None = None
    position: Position | None = None
    face: Face = Face.front


class PlanIn(msgspec.Struct, kw_only=True):
    plan_text: Text
    plan_agreed_on: date
    plan_agreed_with: Who


class HandBackIn(msgspec.Struct, kw_only=True):
    as_received: bool
    findings: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    inspected_on: date | None = None
