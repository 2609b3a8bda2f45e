"""Input shapes for work orders (extra work, M1/M2), their steps and a customer's agreed rate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from dcops.i18n import N_
from dcops.terms.extra_work import WorkKind
from dcops.terms.written import Channel
from dcops.validation import Id
from dcops.work.models import RequestChannel

Text = Annotated[str, msgspec.Meta(min_length=3, max_length=5000)]
Note = Annotated[str, msgspec.Meta(max_length=5000)]
Who = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=100_000, description=N_("a duration in whole minutes"))]
RateCents = Annotated[
    int, msgspec.Meta(ge=1, le=100_000_000, description=N_("an hourly rate in cents, more than zero"))
]


class WorkOrderIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    description: Text  # what is asked
    kind: WorkKind = WorkKind.on_request
    contract_id: Id | None = None
    hardware_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] = []
    requested_by: Who | None = None  # who at the customer asked (M1)
    requested_on: date | None = None  # default: today
    requested_via: RequestChannel | None = None
    necessity: Text | None = None  # M2: why it is necessary for the agreed services
    relocation_id: Id | None = None  # K7: a move is never extra work; an order naming a relocation is refused


class EstimateIn(msgspec.Struct, kw_only=True):
    """M1: the estimated time; the amount is that time at the rate that applies (15.3)."""

    estimate_minutes: Minutes
    note: Note | None = None


class AcceptanceIn(msgspec.Struct, kw_only=True):
    """R2: the customer's written acceptance. Each part is checked (and named) by dcops.terms.extra_work."""

    accepted_by: Who | None = None
    accepted_on: date | None = None
    accepted_via: Channel | None = None
    accepted_reference: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None


class CloseIn(msgspec.Struct, kw_only=True):
    reason: Text


class TimeIn(msgspec.Struct, kw_only=True):
    """Time spent: from and until, or only the minutes."""

    minutes: Minutes | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    note: Note | None = None


class RateIn(msgspec.Struct, kw_only=True):
    """The hourly rate agreed with the customer for extra work; none: the usual rate applies (15.3)."""

    rate_cents: RateCents | None = None
    note: Note | None = None
