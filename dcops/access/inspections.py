"""A5: the supplier may enter any server room at any time to inspect; every inspection is logged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from dcops import clock, crud
from dcops.access.models import Inspection
from dcops.access.schemas import InspectionIn
from dcops.db import utcnow
from dcops.errors import ValidationFailed
from dcops.racks.models import Room
from dcops.terms.access import may_log_inspection


def log(db: Session, data: InspectionIn, actor: str, timezone: str) -> Inspection:
    at = clock.aware(data.inspected_at, timezone) if data.inspected_at else utcnow()
    verdict = may_log_inspection(at, utcnow())
    if not verdict.allowed:
        raise ValidationFailed({"inspected_at": str(verdict.reasons[0])})
    values = {"room_id": data.room_id, "findings": data.findings, "inspected_at": at, "inspected_by": actor}
    return crud.create(db, Inspection, values, actor=actor, refs={"room_id": Room})


def inspection_query(room_id: int | None = None) -> Select[Any]:
    stmt = select(Inspection).options(joinedload(Inspection.room)).order_by(Inspection.inspected_at.desc())
    return stmt if room_id is None else stmt.where(Inspection.room_id == room_id)
