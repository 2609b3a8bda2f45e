"""The lien on a failing customer's hardware (K10): placed, retained, released."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.customers.models import Customer, Lien
from dcops.customers.schemas import LienIn, ReleaseIn
from dcops.customers.standing import standing_of, unpaid_by_currency
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.terms import Denied
from dcops.terms.lien import may_place_lien, may_release_lien


def standing_lien(db: Session, customer_id: int) -> Lien | None:
    return db.scalars(select(Lien).where(Lien.customer_id == customer_id, Lien.released_at.is_(None))).first()


def liened_customer_ids(db: Session) -> set[int]:
    return set(db.scalars(select(Lien.customer_id).where(Lien.released_at.is_(None))))


def place_lien(db: Session, data: LienIn, actor: str, today: date) -> Lien:
    customer = db.get(Customer, data.customer_id)
    if customer is None:
        raise ValidationFailed({"customer_id": f"No customer with id {data.customer_id}"})
    with atomic(db):
        # Lock the customer row: two account managers placing a lien at once get one lien and one refusal.
        db.execute(select(Customer.id).where(Customer.id == customer.id).with_for_update())
        if standing_lien(db, customer.id) is not None:
            raise Conflict(f"A lien on {customer.name} already stands")
        standing = standing_of(db, customer, today)
        verdict = may_place_lien(customer.name, standing)
        if not verdict.allowed:
            raise Denied(verdict)
        grounds = "; ".join(f.reason.message for f in standing.findings if f.failing)
        values = {
            "customer_id": customer.id,
            "placed_on": today,
            "placed_by": actor,
            "grounds": grounds,
            "note": data.note,
        }
        return crud.create(db, Lien, values, actor=actor)


def release_lien(db: Session, lien: Lien, data: ReleaseIn, actor: str) -> Lien:
    if lien.released_at is not None:
        raise Conflict(f"This lien was already released by {lien.released_by}")
    customer = crud.get(db, Customer, lien.customer_id)
    verdict = may_release_lien(customer.name, unpaid_by_currency(db, [customer.id]).get(customer.id, {}))
    if not verdict.allowed:
        raise Denied(verdict)
    return crud.update(
        db, lien, {"released_at": utcnow(), "released_by": actor, "release_note": data.note}, actor=actor
    )


def lien_query(customer_id: int | None = None, standing_only: bool = False) -> Select[Any]:
    stmt = select(Lien).order_by(Lien.placed_on.desc(), Lien.id.desc())
    if customer_id is not None:
        stmt = stmt.where(Lien.customer_id == customer_id)
    if standing_only:
        stmt = stmt.where(Lien.released_at.is_(None))
    return stmt
