"""Visits: requested by technicians and account managers, approved only by account managers under the
access terms (D2, K2, A1, A2, A7), with one signed pass per person on approval."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops import audit, clock, crud
from dcops.access import codec
from dcops.access.keys import KeyRing
from dcops.access.models import OPEN_VISIT, Person, Visit, VisitPass, VisitStatus
from dcops.access.schemas import ApproveIn, VisitIn
from dcops.auth.models import Role, User
from dcops.customers.models import Contract, ContractStatus, Customer, CustomerKind, PermissionKind, WrittenPermission
from dcops.customers.standing import standing_of
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import N_, _
from dcops.moves.models import Relocation, RelocationItem
from dcops.moves.service import OPEN as OPEN_ORDER
from dcops.notices import messages, site
from dcops.racks.models import Hardware, HardwareStatus, Rack, RackKind, Room
from dcops.terms import Denied, Reason, Service
from dcops.terms.access import (
    Approval,
    Permission,
    Responsibility,
    VisitFacts,
    Visitor,
    contracts_concerned,
    may_approve,
    visit_window,
)
from dcops.vocabulary import word

# --- request ----------------------------------------------------------------------------------------


def _rooms(db: Session, ids: list[int]) -> list[Room]:
    wanted = sorted(set(ids))
    rooms = list(db.scalars(select(Room).where(Room.id.in_(wanted)).order_by(Room.code)))
    if len(rooms) != len(wanted):
        missing = sorted(set(wanted) - {r.id for r in rooms})
        raise ValidationFailed({"room_ids": _("No room with id %(ids)s", ids=", ".join(map(str, missing)))})
    return rooms


def _people(db: Session, ids: list[int], customer_id: int) -> list[Person]:
    wanted = sorted(set(ids))
    people = list(db.scalars(select(Person).where(Person.id.in_(wanted))))
    errors = []
    if len(people) != len(wanted):
        unknown = ", ".join(map(str, sorted(set(wanted) - {p.id for p in people})))
        errors.append(_("No person with id %(ids)s", ids=unknown))
    others = [p.name for p in people if p.customer_id != customer_id]
    if others:
        errors.append(_("%(names)s not registered for this customer", names=", ".join(others)))
    if errors:
        raise ValidationFailed({"person_ids": "; ".join(errors)})
    return people


def request_visit(db: Session, data: VisitIn, actor: str, timezone: str) -> Visit:
    starts = clock.aware(data.starts_at, timezone).astimezone(UTC)
    ends = clock.aware(data.ends_at, timezone).astimezone(UTC)
    errors = visit_window(starts, ends)
    if errors:
        raise ValidationFailed(errors)
    if db.get(Customer, data.customer_id) is None:
        raise ValidationFailed({"customer_id": _("No customer with id %(id)s", id=data.customer_id)})
    rooms, people = _rooms(db, data.room_ids), _people(db, data.person_ids, data.customer_id)
    with atomic(db):
        visit = crud.create(
            db,
            Visit,
            {
                "customer_id": data.customer_id,
                "purpose": data.purpose,
                "purpose_kind": data.purpose_kind,
                "starts_at": starts,
                "ends_at": ends,
                # A2: a third party is always escorted
                "escort_required": data.escort_required or any(p.third_party for p in people),
                "requested_by": actor,
            },
            actor=actor,
        )
        visit.rooms, visit.people = rooms, people
        db.flush()
        audit.record(
            db,
            actor=actor,
            action="update",
            object_type="visit",
            object_id=visit.id,
            after={"room_ids": visit.room_ids, "person_ids": visit.person_ids},
        )
    return visit


# --- the facts approval rests on --------------------------------------------------------------------


def _active_contracts(db: Session, customer_id: int, first: date, last: date) -> list[Contract]:
    stmt = select(Contract).where(
        Contract.customer_id == customer_id,
        Contract.status == ContractStatus.active,
        Contract.start_date <= last,
        (Contract.end_date.is_(None)) | (Contract.end_date >= first),
    )
    return list(db.scalars(stmt))


def responsibilities(db: Session, customer_id: int, first: date, last: date) -> tuple[Responsibility, ...]:
    """D2/K2: per active contract, whether it makes the customer install or maintain hardware, and the rooms
    where that hardware is, is booked or is planned to go: where it stands, where unmounted hardware is
    planned, the targets of moves the customer carries out itself (K5), and for colocation the rooms of
    private racks let to the customer."""
    contracts = _active_contracts(db, customer_id, first, last)
    if not contracts:
        return ()
    ids = [c.id for c in contracts]
    hw_rooms: dict[int, set[str]] = defaultdict(set)
    rack = select(Rack.id, Room.code).join(Room, Room.id == Rack.room_id).subquery()
    where_it_is = (
        select(Hardware.contract_id, rack.c.code)
        .join(rack, rack.c.id == func.coalesce(Hardware.rack_id, Hardware.planned_rack_id))
        .where(Hardware.contract_id.in_(ids), Hardware.status != HardwareStatus.removed)
    )
    k5_targets = (
        select(Hardware.contract_id, rack.c.code)
        .select_from(RelocationItem)
        .join(Relocation, Relocation.id == RelocationItem.relocation_id)
        .join(Hardware, Hardware.id == RelocationItem.hardware_id)
        .join(rack, rack.c.id == RelocationItem.target_rack_id)
        .where(
            Hardware.contract_id.in_(ids),
            Relocation.customer_executes.is_(True),
            Relocation.status.in_(OPEN_ORDER),
            RelocationItem.done_at.is_(None),
        )
    )
    for contract_id, code in db.execute(where_it_is.union(k5_targets)):
        hw_rooms[contract_id].add(code)
    private = set(
        db.scalars(
            select(Room.code)
            .join(Rack, Rack.room_id == Room.id)
            .where(Rack.kind == RackKind.private, Rack.customer_id == customer_id)
        )
    )
    return tuple(
        Responsibility(
            colocation=c.service is Service.colocation,
            maintains=c.customer_maintains_hardware,
            rooms=frozenset(hw_rooms[c.id] | (private if c.service is Service.colocation else set())),
            contract_id=c.id,
        )
        for c in contracts
    )


def permissions_of(db: Session, person_ids: list[int], customer_id: int) -> dict[int, tuple[Permission, ...]]:
    """A2: the third-party access permissions granted for each person, revoked ones included (they say no)."""
    stmt = (
        select(WrittenPermission)
        .options(selectinload(WrittenPermission.rooms))
        .where(
            WrittenPermission.person_id.in_(person_ids),
            WrittenPermission.customer_id == customer_id,
            WrittenPermission.kind == PermissionKind.third_party_access,
        )
    )
    found: dict[int, list[Permission]] = defaultdict(list)
    for p in db.scalars(stmt):
        assert p.person_id is not None
        found[p.person_id].append(
            Permission(p.valid_from, p.valid_until, p.revoked, frozenset(r.code for r in p.rooms))
        )
    return {pid: tuple(v) for pid, v in found.items()}


def visitor(person: Person, permissions: tuple[Permission, ...]) -> Visitor:
    return Visitor(
        label=person.name,
        active=person.active,
        competent=person.competent,
        third_party=person.third_party,
        permissions=permissions,
    )


def approval_facts(db: Session, visit: Visit, today: date, timezone: str) -> VisitFacts:
    first, last = clock.local(visit.starts_at, timezone).date(), clock.local(visit.ends_at, timezone).date()
    perms = permissions_of(db, visit.person_ids, visit.customer_id)
    return VisitFacts(
        customer=visit.customer.name,
        consumer=visit.customer.kind is CustomerKind.consumer,
        standing=standing_of(db, visit.customer, today),
        rooms=frozenset(visit.room_codes),
        first_day=first,
        last_day=last,
        visitors=tuple(visitor(p, perms.get(p.id, ())) for p in visit.people),
        contracts=responsibilities(db, visit.customer_id, first, last),
        purpose=visit.purpose_kind,
    )


def approval(db: Session, visit: Visit, today: date, timezone: str) -> Approval:
    return may_approve(approval_facts(db, visit, today, timezone))


# --- decisions --------------------------------------------------------------------------------------


def _lock(db: Session, visit: Visit) -> None:
    """Two account managers deciding at once: the second waits, then sees the first decision."""
    db.execute(select(Visit.id).where(Visit.id == visit.id).with_for_update())
    db.refresh(visit)


def _decide(db: Session, visit: Visit, actor: str, values: dict[str, Any], now: datetime | None = None) -> None:
    crud.update(db, visit, {"decided_by": actor, "decided_at": now or utcnow(), **values}, actor=actor)


def approve(
    db: Session,
    visit: Visit,
    data: ApproveIn,
    actor: str,
    today: date,
    keys: KeyRing,
    timezone: str,
    now: datetime | None = None,
) -> Visit:
    """Runs the access terms and refuses with every failing reason; A7 alone may be overridden with a
    written reason. Issues one pass per person, all in one transaction."""
    with atomic(db):
        _lock(db, visit)
        if visit.status is not VisitStatus.requested:
            raise Conflict(_("This visit is %(status)s; only a requested visit is approved", status=word(visit.status)))
        if visit.ends_at <= (now or utcnow()):
            raise Conflict(_("This visit's window has passed; request a new visit"))
        facts = approval_facts(db, visit, today, timezone)
        answer = may_approve(facts)
        override = bool(data.a7_override)
        if override and answer.overridable.allowed:
            raise ValidationFailed({"a7_override": _("Nothing to override: the customer's standing allows access")})
        verdict = answer.verdict(override)
        if not verdict.allowed:
            raise Denied(verdict)
        concerned = sorted(contracts_concerned(facts.contracts, facts.rooms))
        values = {"status": VisitStatus.approved, "a7_override": data.a7_override, "contract_ids": concerned}
        _decide(db, visit, actor, values, now)
        passes = [issue_pass(db, visit, person, actor, keys, now) for person in visit.people]
        messages.visit_approved(db, visit, passes, actor, now)  # to the customer's access contacts, passes attached
    return visit


def deny(db: Session, visit: Visit, note: str, actor: str) -> Visit:
    """Refused with the account manager's reason; the customer's access contacts are told it, with every rule of the
    terms the visit does not meet."""
    with atomic(db):
        _lock(db, visit)
        if visit.status is not VisitStatus.requested:
            raise Conflict(_("This visit is %(status)s; only a requested visit is denied", status=word(visit.status)))
        _decide(db, visit, actor, {"status": VisitStatus.denied, "decision_note": note})
        timezone = site.current().timezone

        def reasons() -> tuple[Reason, ...]:
            verdict = approval(db, visit, clock.today(timezone), timezone).verdict(override=False)
            return () if verdict.allowed else verdict.reasons

        messages.visit_refused(db, visit, note, reasons, actor)
    return visit


def cancel(db: Session, visit: Visit, actor: str) -> Visit:
    """Cancelling revokes every pass of the visit."""
    with atomic(db):
        _lock(db, visit)
        if visit.status not in (VisitStatus.requested, *OPEN_VISIT):
            raise Conflict(_("This visit is already %(status)s", status=word(visit.status)))
        was = visit.status
        crud.update(db, visit, {"status": VisitStatus.cancelled, "cancelled_by": actor}, actor=actor)
        for p in visit.passes:
            if not p.revoked:
                revoke_pass(db, p, actor, N_("visit cancelled"))
        messages.visit_cancelled(db, visit, was, actor)  # to the customer's access contacts
    return visit


def complete(db: Session, visit: Visit, actor: str) -> Visit:
    with atomic(db):
        _lock(db, visit)
        if visit.status not in OPEN_VISIT:
            raise Conflict(
                _("Only an approved or running visit is completed; this one is %(status)s", status=word(visit.status))
            )
        crud.update(db, visit, {"status": VisitStatus.completed}, actor=actor)
        for p in visit.passes:
            if not p.revoked:
                revoke_pass(db, p, actor, N_("visit completed"))
    return visit


def set_escort(db: Session, visit: Visit, escort_id: int | None, actor: str) -> Visit:
    if escort_id is not None:
        user = db.get(User, escort_id)
        if user is None or not user.active or user.role not in (Role.technician, Role.security, Role.admin):
            raise ValidationFailed({"escort_id": _("An escort is an active technician or security officer")})
    if visit.status not in (VisitStatus.requested, *OPEN_VISIT):
        raise Conflict(_("This visit is %(status)s", status=word(visit.status)))
    return crud.update(db, visit, {"escort_id": escort_id}, actor=actor)


# --- passes -----------------------------------------------------------------------------------------


def issue_pass(
    db: Session, visit: Visit, person: Person, actor: str, keys: KeyRing, now: datetime | None = None
) -> VisitPass:
    kid, private = keys.signing_key(db)
    vp = VisitPass(
        visit_id=visit.id,
        person_id=person.id,
        key_id=kid.hex(),
        code="",
        valid_from=visit.starts_at,
        valid_until=visit.ends_at,
        issued_by=actor,
        issued_at=now or utcnow(),
    )
    db.add(vp)
    db.flush()  # the pass id is part of what is signed
    claims = codec.Claims(vp.id, visit.starts_at, visit.ends_at, tuple(visit.room_codes))
    vp.code = codec.encode(claims, private, kid)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="issue pass",
        object_type="visit pass",
        object_id=vp.id,
        after={"visit_id": visit.id, "person_id": person.id, "key_id": vp.key_id},
    )
    return vp


def revoke_pass(db: Session, vp: VisitPass, actor: str, reason: str) -> VisitPass:
    if vp.revoked:
        raise Conflict(_("This pass was already revoked by %(who)s", who=vp.revoked_by))
    return crud.update(db, vp, {"revoked_at": utcnow(), "revoked_by": actor, "revoke_reason": reason}, actor=actor)


def reprint(db: Session, vp: VisitPass, actor: str, keys: KeyRing) -> VisitPass:
    """A new pass for the same person and visit; the old one stops working at once."""
    with atomic(db):
        db.execute(select(VisitPass.id).where(VisitPass.id == vp.id).with_for_update())
        db.refresh(vp)
        if vp.visit.status not in OPEN_VISIT:
            raise Conflict(_("The visit is %(status)s; passes are not reprinted", status=word(vp.visit.status)))
        if vp.revoked:
            raise Conflict(_("This pass was revoked; reprint the person's current pass instead"))
        revoke_pass(db, vp, actor, N_("reprinted"))
        new = issue_pass(db, vp.visit, vp.person, actor, keys)
        messages.pass_reissued(db, new, actor)  # the one the customer was sent no longer works
        return new


def latest_pass_expiry(db: Session, key_id: bytes) -> datetime | None:
    """When the last unrevoked pass signed by this key expires: until then its public key is kept."""
    stmt = select(VisitPass.valid_until).where(VisitPass.key_id == key_id.hex(), VisitPass.revoked_at.is_(None))
    return db.scalar(stmt.order_by(VisitPass.valid_until.desc()).limit(1))


# --- queries ----------------------------------------------------------------------------------------


def visit_query(
    customer_id: int | None = None, status: str | None = None, day: tuple[datetime, datetime] | None = None
) -> Select[Any]:
    stmt = (
        select(Visit)
        .options(joinedload(Visit.customer), selectinload(Visit.rooms), selectinload(Visit.people))
        .order_by(Visit.starts_at.desc(), Visit.id.desc())
    )
    if customer_id is not None:
        stmt = stmt.where(Visit.customer_id == customer_id)
    if status:
        stmt = stmt.where(Visit.status == status)
    if day is not None:
        stmt = stmt.where(Visit.starts_at < day[1], Visit.ends_at > day[0])
    return stmt
