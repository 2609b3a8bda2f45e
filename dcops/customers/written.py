"""Written permissions (A2, A4, R2): who granted what, to whom, for which rooms and days, by what channel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from dcops import audit, crud
from dcops.access.models import Person
from dcops.auth.models import Role, User
from dcops.customers.models import Customer, PermissionKind, WrittenPermission
from dcops.customers.schemas import PermissionIn
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _
from dcops.racks.models import Room
from dcops.validation import as_dict

GRANTORS = (Role.account_manager, Role.admin)


def _values(db: Session, data: PermissionIn) -> tuple[dict[str, Any], list[Room]]:
    if data.valid_until < data.valid_from:
        raise ValidationFailed({"valid_until": _("The permission cannot end before it starts")})
    grantor = db.get(User, data.granted_by_id)
    if grantor is None or grantor.role not in GRANTORS:
        raise ValidationFailed({"granted_by_id": _("Written permission is granted by an account manager or admin")})
    if data.person_id is not None:
        person = db.get(Person, data.person_id)
        if person is None or person.customer_id != data.customer_id or not person.third_party:
            raise ValidationFailed({"person_id": _("Choose a registered third party of this customer")})
        if data.kind is not PermissionKind.third_party_access:
            raise ValidationFailed({"person_id": _("Only a third-party access permission names a person")})
    ids = sorted(set(data.room_ids))
    rooms = list(db.scalars(select(Room).where(Room.id.in_(ids))))
    if len(rooms) != len(ids):
        missing = sorted(set(ids) - {r.id for r in rooms})
        raise ValidationFailed({"room_ids": _("No room with id %(ids)s", ids=", ".join(map(str, missing)))})
    values = as_dict(data)
    values.pop("room_ids")
    return values, rooms


def _record_rooms(db: Session, permission: WrittenPermission, actor: str, before: list[int]) -> None:
    after = [r.id for r in permission.rooms]
    if after != before:
        audit.record(
            db,
            actor=actor,
            action="update",
            object_type="written permission",
            object_id=permission.id,
            before={"room_ids": before},
            after={"room_ids": after},
        )


def create_permission(db: Session, data: PermissionIn, actor: str) -> WrittenPermission:
    values, rooms = _values(db, data)
    with atomic(db):
        permission = crud.create(db, WrittenPermission, values, actor=actor, refs={"customer_id": Customer})
        permission.rooms = rooms
        db.flush()
        _record_rooms(db, permission, actor, [])
    return permission


def update_permission(db: Session, permission: WrittenPermission, data: PermissionIn, actor: str) -> WrittenPermission:
    if permission.revoked:
        raise Conflict(_("A revoked permission stays as it was; grant a new one instead"))
    values, rooms = _values(db, data)
    with atomic(db):
        before = [r.id for r in permission.rooms]
        crud.update(db, permission, values, actor=actor, refs={"customer_id": Customer})
        permission.rooms = rooms
        db.flush()
        _record_rooms(db, permission, actor, before)
    return permission


def revoke_permission(db: Session, permission: WrittenPermission, actor: str) -> WrittenPermission:
    if permission.revoked:
        raise Conflict(_("This permission was already revoked by %(who)s", who=permission.revoked_by))
    return crud.update(db, permission, {"revoked_at": utcnow(), "revoked_by": actor}, actor=actor)


def permission_query(customer_id: int | None = None) -> Select[Any]:
    stmt = (
        select(WrittenPermission)
        .options(selectinload(WrittenPermission.rooms), selectinload(WrittenPermission.granted_by))
        .order_by(WrittenPermission.valid_until.desc())
    )
    return stmt if customer_id is None else stmt.where(WrittenPermission.customer_id == customer_id)


def grantors(db: Session) -> list[User]:
    return list(db.scalars(select(User).where(User.role.in_(GRANTORS), User.active).order_by(User.display_name)))
