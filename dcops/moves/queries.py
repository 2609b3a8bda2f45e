"""Read-only questions about relocations that reports ask (the compliance sweep), apart from the service
so that `dcops sweep` imports no schemas or write paths for them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops.moves.models import HandBack, Relocation, RelocationStatus
from dcops.racks.models import Rack, Room
from dcops.terms.relocation import customer_overdue

OPEN = (RelocationStatus.draft, RelocationStatus.consulted, RelocationStatus.scheduled, RelocationStatus.in_progress)


def open_hand_backs(db: Session) -> list[HandBack]:
    stmt = (
        select(HandBack)
        .options(joinedload(HandBack.rack).joinedload(Rack.room).joinedload(Room.site), joinedload(HandBack.customer))
        .where(HandBack.inspected_on.is_(None))
        .order_by(HandBack.vacated_on)
    )
    return list(db.scalars(stmt))


def overdue_requests(db: Session, today: date) -> list[Relocation]:
    stmt = (
        select(Relocation)
        .options(joinedload(Relocation.customer))
        .where(
            Relocation.customer_executes.is_(True),
            Relocation.requested_on.is_not(None),
            Relocation.status.in_(OPEN),
        )
    )
    return [o for o in db.scalars(stmt) if customer_overdue(o.requested_on, False, today)]
