"""The lien on a failing customer's hardware (K10): placed, in force while something due is unpaid, ended by
itself once nothing due is unpaid (or released by an account manager)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.customers.models import Customer, Lien
from dcops.customers.schemas import LienIn, ReleaseIn
from dcops.customers.standing import standing_of
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import N_, _
from dcops.terms import Denied
from dcops.terms import lien as terms

# Stored as the release note in English; pages show it through the catalogue.
ENDED_BY_ITSELF = N_("Ended by itself: nothing due is unpaid any more (Art. 12.9, rule K10)")


def open_lien(db: Session, customer_id: int) -> Lien | None:
    """The customer's lien record that was placed and not released (it may be out of force today)."""
    return db.scalars(select(Lien).where(Lien.customer_id == customer_id, Lien.released_at.is_(None))).first()


def in_force(db: Session, customer_id: int, today: date) -> bool:
    """K10, live: an open lien retains hardware while the customer fails and something due is unpaid."""
    return open_lien(db, customer_id) is not None and terms.in_force(True, standing_of(db, customer_id, today))


def liened_customer_ids(db: Session, today: date) -> set[int]:
    """Customers whose lien is in force today. Open liens are few; their standing is read only for them."""
    return {
        cid
        for cid in db.scalars(select(Lien.customer_id).where(Lien.released_at.is_(None)))
        if in_force(db, cid, today)
    }


def place_lien(db: Session, data: LienIn, actor: str, today: date) -> Lien:
    customer = db.get(Customer, data.customer_id)
    if customer is None:
        raise ValidationFailed({"customer_id": _("No customer with id %(id)s", id=data.customer_id)})
    with atomic(db):
        # Lock the customer row: two account managers placing a lien at once get one lien and one refusal.
        db.execute(select(Customer.id).where(Customer.id == customer.id).with_for_update())
        if open_lien(db, customer.id) is not None:
            raise Conflict(_("A lien on %(customer)s already stands", customer=customer.name))
        standing = standing_of(db, customer, today)
        verdict = terms.may_place_lien(customer.name, standing)
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
    """The supplier may give up its right of retention at any time; the release is recorded with its note."""
    if lien.released_at is not None:
        raise Conflict(_("This lien was already released by %(who)s", who=lien.released_by))
    return crud.update(
        db, lien, {"released_at": utcnow(), "released_by": actor, "release_note": data.note}, actor=actor
    )


def end_if_paid(db: Session, customer_id: int, today: date) -> Lien | None:
    """K10: called in the same transaction as every change to what a customer owes (payments, invoices): the
    moment nothing due is unpaid, an open lien ends by itself, audited as dcops' own act."""
    lien = open_lien(db, customer_id)
    if lien is None or not terms.ends(standing_of(db, customer_id, today)):
        return None
    return crud.update(
        db, lien, {"released_at": utcnow(), "released_by": "dcops", "release_note": ENDED_BY_ITSELF}, actor="dcops"
    )


def lien_query(customer_id: int | None = None, open_only: bool = False) -> Select[Any]:
    stmt = select(Lien).order_by(Lien.placed_on.desc(), Lien.id.desc())
    if customer_id is not None:
        stmt = stmt.where(Lien.customer_id == customer_id)
    if open_only:
        stmt = stmt.where(Lien.released_at.is_(None))
    return stmt
