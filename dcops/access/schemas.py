"""Input shapes for people, visits, passes, door checks and inspections (JSON API and HTML forms)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from dcops.access.models import Direction, IdDocument
from dcops.customers.schemas import Email, Id
from dcops.i18n import N_
from dcops.terms.access import Purpose

Text200 = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Reason = Annotated[str, msgspec.Meta(min_length=3, max_length=2000, description=N_("a written reason"))]


class PersonIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    name: Text200
    email: Email | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    company: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    third_party: bool = False
    competence_confirmed_on: date | None = None
    id_document_type: IdDocument | None = None
    id_document_last4: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=r"^[A-Za-z0-9]{1,4}$",
                description=N_("at most the last 4 letters or digits of the document number (never the whole number)"),
            ),
        ]
        | None
    ) = None
    active: bool = True


class VisitIn(msgspec.Struct, kw_only=True):
    customer_id: Id
    purpose: Annotated[str, msgspec.Meta(min_length=3, max_length=2000)]
    purpose_kind: Purpose = Purpose.maintain  # D2/K2: access is for installing or maintaining its own hardware
    starts_at: datetime  # without a zone: the site's local time
    ends_at: datetime
    room_ids: Annotated[list[Id], msgspec.Meta(min_length=1)]
    person_ids: Annotated[list[Id], msgspec.Meta(min_length=1)]
    escort_required: bool = False


class ApproveIn(msgspec.Struct, kw_only=True):
    a7_override: Reason | None = None  # only when A7 alone refuses: the account manager's written reason


class DecisionNoteIn(msgspec.Struct, kw_only=True):
    note: Reason


class EscortIn(msgspec.Struct, kw_only=True):
    escort_id: Id | None = None


class RevokeIn(msgspec.Struct, kw_only=True):
    reason: Reason


CLIENT_ID = r"^[A-Za-z0-9_-]{16,64}$"


class DoorCheckIn(msgspec.Struct, kw_only=True):
    code: Annotated[str, msgspec.Meta(max_length=1_100_000)]  # anything scanned; the codec refuses what is not a pass
    room_id: Id
    direction: Direction = Direction.check_in
    asset_tags: list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]] = []
    # The door screen's id for the scan: the same scan later sent from its offline queue is recorded once.
    client_id: Annotated[str, msgspec.Meta(pattern=CLIENT_ID)] | None = None


class InspectionIn(msgspec.Struct, kw_only=True):
    room_id: Id
    findings: Annotated[str, msgspec.Meta(min_length=2, max_length=5000)]
    inspected_at: datetime | None = None


class BreachLinkIn(msgspec.Struct, kw_only=True):
    breach_id: Id | None = None
