"""A customer's registered visitors (A1, A2) and their personal data (R3)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, joinedload

from dcops import crud
from dcops.access.models import DoorCheck, Person
from dcops.access.retention import pseudonymise
from dcops.customers.models import Breach, Customer
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import N_, _
from dcops.search import contains_text
from dcops.terms.personal_data import may_erase
from dcops.validation import as_dict

if TYPE_CHECKING:  # only a type here: `dcops sweep` pseudonymises people without loading the input schemas
    from dcops.access.schemas import PersonIn

REFS = {"customer_id": Customer}


def _values(data: PersonIn, person: Person | None, actor: str, today: date) -> dict[str, Any]:
    if data.third_party and not (data.company or "").strip():
        raise ValidationFailed({"company": _("A third party's own company is required (rule A2)")})
    if data.competence_confirmed_on and data.competence_confirmed_on > today:
        raise ValidationFailed({"competence_confirmed_on": _("Competence cannot be confirmed for a future day")})
    if data.id_document_last4 and not data.id_document_type:
        raise ValidationFailed({"id_document_type": _("Say which document the last characters are from")})
    values = as_dict(data)
    before = person.competence_confirmed_on if person else None
    if data.competence_confirmed_on != before:
        values["competence_confirmed_by"] = actor if data.competence_confirmed_on else None
    return values


def create_person(db: Session, data: PersonIn, actor: str, today: date) -> Person:
    return crud.create(db, Person, _values(data, None, actor, today), actor=actor, refs=REFS)


def update_person(db: Session, person: Person, data: PersonIn, actor: str, today: date) -> Person:
    if person.pseudonymised_at is not None:
        raise Conflict(_("This person's data was erased; register them again if they return"))
    if data.customer_id != person.customer_id:
        raise ValidationFailed({"customer_id": _("A person stays with their customer; register them anew instead")})
    return crud.update(db, person, _values(data, person, actor, today), actor=actor, refs=REFS)


def under_open_breach(db: Session, person_id: int) -> bool:
    """R3's exception: a door check of theirs is evidence in a breach that is still open."""
    stmt = select(
        exists().where(DoorCheck.person_id == person_id, DoorCheck.breach_id == Breach.id, Breach.resolved_on.is_(None))
    )
    return bool(db.scalar(stmt))


def erase(db: Session, person: Person, actor: str) -> Person:
    """Erasure on request (R3): at once, unless their door checks are evidence in an open breach."""
    if person.pseudonymised_at is not None:
        raise Conflict(_("This person's data was already erased"))
    verdict = may_erase(under_open_breach(db, person.id))
    if not verdict.allowed:
        raise Conflict(str(verdict.reasons[0]))
    pseudonymise(db, person, actor, N_("erased on request"))
    return person


def person_query(customer_id: int | None = None, q: str = "", active: bool | None = None) -> Select[Any]:
    stmt = select(Person).options(joinedload(Person.customer)).order_by(Person.name, Person.id)
    if customer_id is not None:
        stmt = stmt.where(Person.customer_id == customer_id)
    if q:
        stmt = stmt.where(contains_text(q, Person.name))
    if active is not None:
        stmt = stmt.where(Person.active.is_(active))
    return stmt
