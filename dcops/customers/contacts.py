"""A customer's contacts: who receives its written notices, by role (dcops.notices.kinds.ROLE)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.customers.models import Contact, ContactRole, Customer
from dcops.customers.schemas import ContactIn
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.notices.kinds import MessageKind, kinds_of
from dcops.validation import as_dict

UNIQUE = (("customer_id", "email"),)


def _values(data: ContactIn) -> dict[str, Any]:
    if not data.roles:
        raise ValidationFailed({"roles": _("Choose at least one role: it decides which messages the contact receives")})
    return {**as_dict(data), "roles": list(dict.fromkeys(data.roles))}


def create_contact(db: Session, data: ContactIn, actor: str) -> Contact:
    return crud.create(db, Contact, _values(data), actor=actor, unique=UNIQUE, refs={"customer_id": Customer})


def update_contact(db: Session, contact: Contact, data: ContactIn, actor: str) -> Contact:
    if data.customer_id != contact.customer_id:
        raise ValidationFailed({"customer_id": _("A contact stays with its customer; add one to the other customer")})
    return crud.update(db, contact, _values(data), actor=actor, unique=UNIQUE, refs={"customer_id": Customer})


def delete_contact(db: Session, contact: Contact, actor: str) -> None:
    crud.delete(db, contact, actor=actor)


def unreached(contacts: list[Contact]) -> list[tuple[ContactRole, list[MessageKind]]]:
    """The roles no contact has, with the kinds of message that therefore reach nobody (dcops.notices.kinds.ROLE)."""
    held = {role for c in contacts for role in c.roles}
    return [(role, kinds_of(role)) for role in ContactRole if role not in held]


def contact_query(customer_id: int | None = None) -> Select[Any]:
    stmt = select(Contact).order_by(Contact.customer_id, Contact.name, Contact.id)
    return stmt if customer_id is None else stmt.where(Contact.customer_id == customer_id)
