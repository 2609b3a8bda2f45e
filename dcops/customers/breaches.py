"""Breaches (S4): failures to perform other than paying, open until resolved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.customers.models import Breach, Contract, ContractStatus, Customer, DefaultNotice
from dcops.customers.schemas import BreachIn, ResolveIn
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _, day
from dcops.terms import Service
from dcops.validation import as_dict


def _contract(db: Session, data: BreachIn) -> None:
    """S5: a breach belongs to the contract it occurred under; S6 counts it there first."""
    if data.contract_id is None:
        if db.scalar(select(func.count()).where(Contract.customer_id == data.customer_id)):
            raise ValidationFailed({"contract_id": _("Choose the contract the breach occurred under (rule S5)")})
        return
    contract = db.get(Contract, data.contract_id)
    if contract is None or contract.customer_id != data.customer_id:
        raise ValidationFailed({"contract_id": _("Not a contract of this customer")})


def contract_for(db: Session, customer_id: int, candidates: list[int | None]) -> int | None:
    """S5: the contract a breach found by dcops occurred under: that of the customer's hardware involved, else its
    active colocation contract, else its first contract (None for a customer without one)."""
    mine = set(db.scalars(select(Contract.id).where(Contract.customer_id == customer_id)))
    for cid in candidates:
        if cid in mine:
            return cid
    active = db.scalars(
        select(Contract.id)
        .where(Contract.customer_id == customer_id)
        .order_by(
            (Contract.status == ContractStatus.active).desc(),
            (Contract.service == Service.colocation).desc(),
            Contract.id,
        )
    ).first()
    return active


def create_breach(db: Session, data: BreachIn, actor: str) -> Breach:
    _contract(db, data)
    values = {**as_dict(data), "recorded_by": actor}
    return crud.create(db, Breach, values, actor=actor, refs={"customer_id": Customer})


def update_breach(db: Session, breach: Breach, data: BreachIn, actor: str) -> Breach:
    if breach.resolved_on is not None and data.occurred_on > breach.resolved_on:
        raise ValidationFailed({"occurred_on": _("It was resolved on %(day)s", day=day(breach.resolved_on))})
    if data.contract_id is not None or breach.contract_id is not None:
        _contract(db, data)
    return crud.update(db, breach, as_dict(data), actor=actor, refs={"customer_id": Customer})


def resolve_breach(db: Session, breach: Breach, data: ResolveIn, actor: str) -> Breach:
    if breach.resolved_on is not None:
        raise Conflict(_("This breach was already resolved on %(day)s", day=day(breach.resolved_on)))
    if data.resolved_on < breach.occurred_on:
        raise ValidationFailed({"resolved_on": _("The breach occurred on %(day)s", day=day(breach.occurred_on))})
    return crud.update(db, breach, {**as_dict(data), "resolved_by": actor}, actor=actor)


def delete_breach(db: Session, breach: Breach, actor: str) -> None:
    if db.scalar(select(func.count()).where(DefaultNotice.breach_id == breach.id)):
        raise Conflict(_("A notice of default refers to this breach; resolve it instead of deleting it"))
    crud.delete(db, breach, actor=actor)


def breach_query(customer_id: int | None = None, open_only: bool = False) -> Select[Any]:
    stmt = select(Breach).order_by(Breach.occurred_on.desc())
    if customer_id is not None:
        stmt = stmt.where(Breach.customer_id == customer_id)
    if open_only:
        stmt = stmt.where(Breach.resolved_on.is_(None))
    return stmt
