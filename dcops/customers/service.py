"""Customer and contract records."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from dcops import clock, crud
from dcops.customers.models import Contract, ContractStatus, Customer, CustomerKind
from dcops.customers.schemas import ContractIn, CustomerIn
from dcops.db import atomic
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _
from dcops.moves.models import HandBack, Vacater
from dcops.racks.models import Hardware, Rack
from dcops.search import contains_text
from dcops.terms import Service
from dcops.validation import as_dict


def _customer_rules(values: dict[str, Any]) -> dict[str, Any]:
    """Art. 1.4: a business is identified in its own register: a Dutch one by its KvK number, a foreign one by
    its registration or VAT number. A consumer has neither."""
    values = {**values, "country": (values.get("country") or "NL").upper()}
    if values["kind"] == CustomerKind.consumer:
        return {**values, "kvk_number": None, "registration_number": None, "vat_number": None}
    if values.get("country", "NL") == "NL":
        if not values.get("kvk_number"):
            raise ValidationFailed({"kvk_number": _("A Dutch business needs its KvK number (8 digits)")})
    elif not (values.get("registration_number") or values.get("vat_number")):
        raise ValidationFailed(
            {"registration_number": _("A business abroad needs its registration number or its VAT number")}
        )
    return values


def create_customer(db: Session, data: CustomerIn, actor: str) -> Customer:
    return crud.create(db, Customer, _customer_rules(as_dict(data)), actor=actor, unique=(("name",),))


def update_customer(db: Session, customer: Customer, data: CustomerIn, actor: str) -> Customer:
    return crud.update(db, customer, _customer_rules(as_dict(data)), actor=actor, unique=(("name",),))


def delete_customer(db: Session, customer: Customer, actor: str) -> None:
    if db.scalar(select(func.count()).where(Contract.customer_id == customer.id)):
        raise Conflict(
            _("%(customer)s has contracts; end them instead of deleting the customer", customer=customer.name)
        )
    if db.scalar(select(func.count()).where(Rack.customer_id == customer.id)):
        raise Conflict(_("%(customer)s is let a private rack; release the rack first", customer=customer.name))
    crud.delete(db, customer, actor=actor)


def _contract_rules(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("end_date") and values["end_date"] < values["start_date"]:
        raise ValidationFailed({"end_date": _("The contract cannot end before it starts")})
    return values


def create_contract(db: Session, data: ContractIn, actor: str) -> Contract:
    return crud.create(
        db, Contract, _contract_rules(as_dict(data)), actor=actor, unique=(("number",),), refs={"customer_id": Customer}
    )


def update_contract(
    db: Session, contract: Contract, data: ContractIn, actor: str, today: date | None = None
) -> Contract:
    values = _contract_rules(as_dict(data))
    hardware = db.scalar(select(func.count()).where(Hardware.contract_id == contract.id))
    if hardware and values["customer_id"] != contract.customer_id:
        raise ValidationFailed({"customer_id": _("Hardware runs under this contract; it cannot change customer")})
    if hardware and values["service"] != contract.service:
        # Ownership follows from the service (D1/K1): switching it would silently change who owns the hardware.
        raise ValidationFailed(
            {
                "service": _(
                    "Hardware runs under this contract; its service decides ownership "
                    "(Art. 11.2, rule D1 / Art. 12.2, rule K1) and cannot change"
                )
            }
        )
    ending = values["status"] is ContractStatus.ended and contract.status is not ContractStatus.ended
    with atomic(db):
        updated = crud.update(db, contract, values, actor=actor, unique=(("number",),), refs={"customer_id": Customer})
        if ending:
            _hand_back_racks(db, updated, today or clock.today())
    return updated


def _hand_back_racks(db: Session, contract: Contract, today: date) -> None:
    """A6, Art. 13.6: at the end of the contract the customer hands back the space as it was provided. Private racks
    let to it are handed back when no other active colocation contract keeps them."""
    if contract.service is not Service.colocation:
        return
    others = db.scalar(
        select(func.count()).where(
            Contract.customer_id == contract.customer_id,
            Contract.id != contract.id,
            Contract.service == Service.colocation,
            Contract.status == ContractStatus.active,
        )
    )
    if others:
        return
    for rack in db.scalars(select(Rack).where(Rack.customer_id == contract.customer_id)):
        db.add(
            HandBack(
                rack_id=rack.id,
                units=f"the whole rack ({rack.u_height}U)",
                customer_id=contract.customer_id,
                contract_id=contract.id,
                vacated_on=contract.end_date or today,
                vacated_by=Vacater.customer,
                cause="contract_end",
                intake_state=rack.intake_state,
            )
        )
    db.flush()


def delete_contract(db: Session, contract: Contract, actor: str) -> None:
    if db.scalar(select(func.count()).where(Hardware.contract_id == contract.id)):
        raise Conflict(_("Hardware runs under contract %(number)s; end the contract instead", number=contract.number))
    crud.delete(db, contract, actor=actor)


def customer_query(q: str = "", kind: CustomerKind | None = None) -> Select[Any]:
    stmt = (
        select(Customer)
        .options(selectinload(Customer.contracts), selectinload(Customer.contacts))
        .order_by(Customer.name)
    )
    if q:
        stmt = stmt.where(contains_text(q, Customer.name, Customer.kvk_number))
    if kind is not None:
        stmt = stmt.where(Customer.kind == kind)
    return stmt


def contract_query(customer_id: int | None = None, q: str = "") -> Select[Any]:
    stmt = select(Contract).join(Contract.customer).order_by(Contract.number)
    if customer_id is not None:
        stmt = stmt.where(Contract.customer_id == customer_id)
    if q:
        stmt = stmt.where(contains_text(q, Contract.number, Customer.name))
    return stmt
