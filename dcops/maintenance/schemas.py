"""Input shapes for maintenance and closure days, shared by the JSON API and the HTML forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from dcops.maintenance.models import Impact, Scope
from dcops.validation import Id

Title = Annotated[str, msgspec.Meta(min_length=3, max_length=200)]
Text = Annotated[str, msgspec.Meta(min_length=3, max_length=5000)]
Reason = Annotated[str, msgspec.Meta(min_length=3, max_length=300)]


class MaintenanceIn(msgspec.Struct, kw_only=True):
    """Where: `scope` names which of site_id, room_id, rack_id or hardware_ids counts (the others are ignored).
    Moments without a zone are the site's local time."""

    title: Title
    description: Text
    scope: Scope
    site_id: Id | None = None
    room_id: Id | None = None
    rack_id: Id | None = None
    hardware_ids: Annotated[list[Id], msgspec.Meta(max_length=500)] = []
    starts_at: datetime
    ends_at: datetime
    impact: Impact
    emergency: bool = False  # spoedonderhoud (Art. 18.3): needs its reason
    emergency_reason: Text | None = None


class CancelIn(msgspec.Struct, kw_only=True):
    reason: Text | None = None  # told to the customers with the cancellation


class ClosureDayIn(msgspec.Struct, kw_only=True):
    day: date
    reason: Reason
    announced_on: date | None = None  # when the supplier made the closure known; today when not given
