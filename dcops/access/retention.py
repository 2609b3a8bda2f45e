"""R3 housekeeping run by `dcops sweep`: deactivate people nobody brought for a year, and pseudonymise
inactive people (and their door checks) once the retention period has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from dcops import clock, crud
from dcops.access.models import DoorCheck, Person, Visit, visit_person
from dcops.access.people import pseudonymise
from dcops.customers.models import Breach
from dcops.terms.personal_data import retention_cutoff

SWEEPER = "dcops sweep"


@dataclass(frozen=True)
class Housekeeping:
    deactivated: list[int]
    pseudonymised: list[int]
    kept_for_breach: list[int]

    def as_dict(self) -> dict[str, list[int]]:
        return {"deactivated": self.deactivated, "pseudonymised": self.pseudonymised, "kept": self.kept_for_breach}


def _midnight(day: date, timezone: str | None) -> datetime:
    """The start of `day` at the site (Europe/Amsterdam), where the retention period is counted."""
    return datetime.combine(day, time.min, clock.zone(timezone))


def _last_use() -> object:
    """The end of the person's latest visit (a correlated subquery), or their registration."""
    latest = (
        select(func.max(Visit.ends_at))
        .join(visit_person, visit_person.c.visit_id == Visit.id)
        .where(visit_person.c.person_id == Person.id)
        .scalar_subquery()
    )
    return func.coalesce(latest, Person.created_at)


def housekeeping(
    db: Session, today: date, idle_days: int, retention_months: int, timezone: str | None = None
) -> Housekeeping:
    last_use = _last_use()
    idle = list(
        db.scalars(
            select(Person).where(
                Person.active.is_(True),
                Person.pseudonymised_at.is_(None),
                last_use < _midnight(today - timedelta(days=idle_days), timezone),
            )
        )
    )
    for person in idle:
        crud.update(db, person, {"active": False}, actor=SWEEPER)

    in_breach = exists().where(
        DoorCheck.person_id == Person.id, DoorCheck.breach_id == Breach.id, Breach.resolved_on.is_(None)
    )
    expired = select(Person).where(
        Person.active.is_(False),
        Person.pseudonymised_at.is_(None),
        last_use < _midnight(retention_cutoff(today, retention_months), timezone),
    )
    kept = list(db.scalars(select(Person.id).where(Person.id.in_(expired.with_only_columns(Person.id)), in_breach)))
    gone = list(db.scalars(expired.where(~in_breach)))
    for person in gone:
        pseudonymise(db, person, SWEEPER, f"retention period of {retention_months} months ended")
    return Housekeeping([p.id for p in idle], [p.id for p in gone], kept)
