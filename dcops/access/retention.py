"""R3 housekeeping run by `dcops sweep`: deactivate people nobody brought for a year, and pseudonymise
inactive people (and their door checks) once the retention period has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from dcops import audit, clock, crud
from dcops.access.models import DoorCheck, Person, Visit, VisitPass, visit_person
from dcops.customers.models import Breach, WrittenPermission
from dcops.db import atomic, utcnow
from dcops.terms.personal_data import retention_cutoff

SWEEPER = "dcops sweep"


def pseudonym(person_id: int) -> str:
    return f"Visitor #{person_id} (erased)"


def pseudonymise(db: Session, person: Person, actor: str, why: str) -> None:
    """Name and contact replaced, open passes revoked, door checks keep only the pseudonym (R3)."""
    now = utcnow()
    with atomic(db):
        person.name = pseudonym(person.id)
        person.email = person.phone = person.company = person.id_document_last4 = None
        person.id_document_type = None
        person.active = False
        person.pseudonymised_at = now
        db.execute(
            update(VisitPass)
            .where(VisitPass.person_id == person.id, VisitPass.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=actor, revoke_reason=why)
        )
        db.execute(update(DoorCheck).where(DoorCheck.person_id == person.id).values(person_name=person.name))
        # A written permission for this third party names them in its text: the pseudonym replaces that too.
        db.execute(
            update(WrittenPermission)
            .where(WrittenPermission.person_id == person.id)
            .values(covers=f"Third-party access for {person.name}")
        )
        db.flush()
        audit.record(
            db, actor=actor, action="pseudonymise", object_type="person", object_id=person.id, extra={"why": why}
        )


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
