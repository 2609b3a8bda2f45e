"""The door check: verify the pass, ask the access terms live, log every scan (R1) and check carry-outs.

A check costs a fixed number of statements whatever the data (a test and the door benchmark count them), all Core
statements in one write transaction: the facts in one read (the pass, its visit, person and customer, the rooms,
the person's last passage, whether the customer could be failing today) that locks the person's row, the check
inserted, its audit event appended at commit. PostgreSQL reads the last passage once more after the lock. A
customer who may be failing adds three (their standing in full), a third party one (their permissions), the first
check-in of a visit one (it starts), a check-out with asset tags two or more (the hardware, the liens).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.util import identity_key

from dcops import audit, clock
from dcops.access import codec
from dcops.access.keys import KeyRing
from dcops.access.models import (
    CarryOut,
    Decision,
    Direction,
    DoorCheck,
    Person,
    Visit,
    VisitPass,
    VisitStatus,
    visit_room,
)
from dcops.access.schemas import DoorCheckIn
from dcops.access.visits import permissions_of
from dcops.customers.liens import liened_customer_ids
from dcops.customers.models import Breach, Customer, CustomerKind, Invoice
from dcops.customers.standing import GOOD, outstanding_cents, standing_of
from dcops.db import begin_write, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _
from dcops.prepared import Prepared
from dcops.racks.models import Hardware, HardwareStatus, Room
from dcops.terms import Service, Verdict
from dcops.terms.access import Visitor
from dcops.terms.door import CarriedItem, DoorFacts, authentic, door_verdict, may_carry_out, pass_checks


@dataclass(frozen=True)
class Holder:
    """The pass, its visit, person and customer as the door read them: plain values, no ORM entities (a check
    reads them in one statement and writes without the unit of work)."""

    pass_id: int
    revoked: bool
    visit_id: int
    visit_status: VisitStatus
    starts_at: datetime
    ends_at: datetime
    purpose: str
    escort_required: bool
    a7_override: str | None
    contract_ids: list[int] | None
    customer_id: int
    customer: str
    consumer: bool
    person_id: int
    person: str
    company: str  # the person's own employer, else the customer
    third_party: bool
    active: bool
    competent: bool


@dataclass(frozen=True)
class CarriedOut:
    asset_tag: str
    hardware_id: int | None
    decision: Decision
    reasons: list[dict[str, str | None]]


@dataclass(frozen=True)
class Passage:
    """The door check as recorded (the fields of a DoorCheck row)."""

    id: int
    at: datetime
    room_id: int
    direction: Direction
    decision: Decision
    passed: bool
    reasons: list[dict[str, str | None]]
    pass_id: int | None
    visit_id: int | None
    person_id: int | None
    customer_id: int | None
    person_name: str | None
    scanned_sha256: str
    scanned_length: int
    officer: str
    carry_outs: list[CarriedOut]
    breach_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    check: Passage
    holder: Holder | None
    verdict: Verdict

    @property
    def allowed(self) -> bool:
        return self.verdict.allowed


# Core statements on the tables: the door reads rows, not entities. The hot ones (the facts, the check's insert)
# are Prepared: compiled once and run on the driver's cursor (dcops.prepared).
_pass, _visit, _customer, _person, _room = (m.__table__ for m in (VisitPass, Visit, Customer, Person, Room))
_check, _carry = DoorCheck.__table__, CarryOut.__table__

# The door's facts in one statement, in the check's write transaction: the pass with its visit, person and
# customer, the scanned room, the visit's rooms, the person's last passage through a door (P6), and whether the
# customer could fail at all today (something overdue unpaid, or an open breach). Only then is the standing worked
# out in full (three more statements): a customer in good standing costs nothing more, and the answer is still read
# at every scan, never cached (A7). The person's row is locked by it (FOR UPDATE on PostgreSQL; on SQLite the write
# transaction is the lock), so two scans of one pass at once cannot both pass anti-passback.
_ROOM_CODE = select(_room.c.code).where(_room.c.id == bindparam("room_id")).scalar_subquery()
_VISIT_ROOMS = (
    select(func.aggregate_strings(_room.c.code, "\n"))
    .join(visit_room, visit_room.c.room_id == _room.c.id)
    .where(visit_room.c.visit_id == _visit.c.id)
    .scalar_subquery()
)
_MAY_FAIL = or_(
    exists().where(
        Invoice.customer_id == _visit.c.customer_id, Invoice.due_date < bindparam("today"), outstanding_cents() > 0
    ),
    exists().where(Breach.customer_id == _visit.c.customer_id, Breach.resolved_on.is_(None)),
)
_LAST_PASSAGE = (
    select(_check.c.direction)
    .where(_check.c.person_id == _person.c.id, _check.c.passed.is_(True))
    .order_by(_check.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_FACTS = Prepared(
    select(
        _pass.c.id,
        _pass.c.revoked_at.is_not(None),
        _visit.c.id,
        _visit.c.status,
        _visit.c.starts_at,
        _visit.c.ends_at,
        _visit.c.purpose,
        _visit.c.escort_required,
        _visit.c.a7_override,
        _visit.c.contract_ids,
        _customer.c.id,
        _customer.c.name,
        _customer.c.kind == CustomerKind.consumer,
        _person.c.id,
        _person.c.name,
        func.coalesce(_person.c.company, _customer.c.name),
        _person.c.third_party,
        _person.c.active,
        _person.c.competence_confirmed_on.is_not(None),
        _ROOM_CODE,
        _VISIT_ROOMS,
        _MAY_FAIL,
        _LAST_PASSAGE,
    )
    .join(_visit, _visit.c.id == _pass.c.visit_id)
    .join(_customer, _customer.c.id == _visit.c.customer_id)
    .join(_person, _person.c.id == _pass.c.person_id)
    .where(_pass.c.id == bindparam("pass_id"))
    .with_for_update(of=_person)
)
# PostgreSQL evaluates a statement on the snapshot taken when it started, also after waiting for a row lock: a scan
# that waited for another scan of the same person reads their last passage again, now that it holds the lock.
_LAST_PASSAGE_AGAIN = Prepared(select(_LAST_PASSAGE).where(_person.c.id == bindparam("person_id")))
# A scan the screen sent before (it gave up waiting, decided offline and sent it again from its queue) is not a
# second check: the client id's unique index turns it away in the insert itself, with no read before it.
_INSERT_CHECK = {
    name: Prepared(
        dialect_insert(_check).on_conflict_do_nothing(index_elements=[_check.c.client_id]).returning(_check.c.id)
    )
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}
_START_VISIT = (
    update(_visit)
    .where(_visit.c.id == bindparam("visit"), _visit.c.status == VisitStatus.approved)
    .values(status=VisitStatus.in_progress)
)


@dataclass(frozen=True)
class _Read:
    holder: Holder
    room_code: str | None
    visit_rooms: frozenset[str]
    may_fail: bool
    inside: bool  # the person's last passage through a door was an entry


def _read(conn: Connection, pass_id: int, room_id: int, today: date) -> _Read | None:
    row = _FACTS.first(conn, {"pass_id": pass_id, "room_id": room_id, "today": today})
    if row is None:
        return None
    *held, room_code, rooms, may_fail, last = row
    holder = Holder(*held)
    if conn.dialect.name == "postgresql":
        last = _LAST_PASSAGE_AGAIN.scalar(conn, {"person_id": holder.person_id})
    visit_rooms = frozenset(rooms.split("\n")) if rooms else frozenset()
    inside = last is not None and Direction(last) is Direction.check_in
    return _Read(holder, room_code, visit_rooms, bool(may_fail), inside)


def _facts(
    db: Session, read: _Read, claims: codec.Claims, direction: Direction, now: datetime, timezone: str
) -> DoorFacts:
    h = read.holder
    local_now = clock.local(now, timezone)
    perms = permissions_of(db, [h.person_id], h.customer_id).get(h.person_id, ()) if h.third_party else ()
    return DoorFacts(
        now=local_now,
        direction=direction.value,
        room=read.room_code or "",
        valid_from=clock.local(claims.not_before, timezone),
        valid_until=clock.local(claims.expires, timezone),
        pass_revoked=h.revoked,
        visit_status=h.visit_status.value,
        visitor=Visitor(h.person, h.active, h.competent, h.third_party, perms),
        visit_rooms=read.visit_rooms,
        customer=h.customer,
        consumer=h.consumer,
        standing=standing_of(db, h.customer_id, local_now.date()) if read.may_fail else GOOD,
        a7_overridden=h.a7_override is not None,
        inside=read.inside,
        contracts=frozenset(h.contract_ids) if h.contract_ids is not None else None,
    )


def _carried(
    db: Session, tags: list[str], holder: Holder | None, pass_problem: str | None, today: date
) -> list[tuple[str, Hardware | None, Verdict]]:
    """Each asset tag with its hardware and verdict (P7: a pass passing P1–P5 and the pass's customer's own
    hardware that may leave; D1, K1, K10)."""
    wanted = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if not wanted:
        return []
    found = {
        hw.asset_tag: hw
        for hw in db.scalars(
            select(Hardware)
            .options(joinedload(Hardware.contract), joinedload(Hardware.rack))
            .where(Hardware.asset_tag.in_(wanted))
        )
    }
    liened = liened_customer_ids(db, today)
    customer_id = holder.customer_id if holder is not None else None
    results = []
    for tag in wanted:
        hw = found.get(tag)
        if hw is None:
            verdict = may_carry_out(CarriedItem(tag), None, pass_problem)
        else:
            colocation = hw.contract is not None and hw.contract.service is Service.colocation
            item = CarriedItem(
                asset_tag=tag,
                name=hw.name,
                owner_is_customer=colocation,
                customer_matches=colocation and hw.contract is not None and hw.contract.customer_id == customer_id,
                liened=hw.retained(liened),
                mounted_in=f"{hw.rack.name} U{hw.position}" if hw.rack is not None else None,
            )
            verdict = may_carry_out(item, holder.customer if holder is not None else None, pass_problem)
        results.append((tag, hw, verdict))
    return results


def check(
    db: Session, data: DoorCheckIn, officer: str, keys: KeyRing, timezone: str, now: datetime | None = None
) -> Outcome:
    now = now or utcnow()
    scanned = data.code.encode("utf-8", "replace")
    holder: Holder | None = None
    facts: DoorFacts | None = None
    problem: str | None = None
    room_code: str | None = None
    claims: codec.Claims | None
    try:
        claims = codec.decode(data.code, keys.verifiers(now))
    except codec.PassUnreadable as exc:
        claims, problem = None, str(exc)
    # From here on the check is one write transaction (on SQLite writers take turns: it is kept short, the pass
    # already verified), so a failure rolls all of it back, no savepoint needed.
    conn = begin_write(db)
    if claims is not None:
        read = _read(conn, claims.pass_id, data.room_id, clock.local(now, timezone).date())
        if read is None:
            problem = _("The pass is not in the records (signed, but never issued here)")
        else:
            holder, room_code = read.holder, read.room_code
            if room_code is not None:
                facts = _facts(db, read, claims, data.direction, now, timezone)
    if room_code is None:  # no pass to read it with, or no such room
        room = db.get(Room, data.room_id)
        if room is None:
            raise ValidationFailed({"room_id": _("No room with id %(ids)s", ids=data.room_id)})
        room_code = room.code
    verdict = door_verdict(facts) if facts is not None else authentic(problem)  # P1 first
    # Leaving is never refused once the pass names its holder: the exit is recorded whatever is carried.
    passed = holder is not None and (data.direction is Direction.check_out or verdict.allowed)
    carried = []
    if data.direction is Direction.check_out and data.asset_tags:
        day = clock.local(now, timezone).date()
        checks = pass_checks(facts) if facts is not None else None
        pass_problem = problem or (
            "; ".join(r.message for r in checks.reasons) if checks is not None and not checks.allowed else None
        )
        carried = _carried(db, data.asset_tags, holder, pass_problem, day)
        refused = [r for _tag, _hw, v in carried if not v.allowed for r in v.reasons]
        if refused:
            verdict = Verdict.deny(*verdict.reasons, *refused)
    values = {
        "at": now,
        "room_id": data.room_id,
        "direction": data.direction,
        "decision": Decision.of(verdict),
        "reasons": [r.as_dict() for r in verdict.reasons],
        "pass_id": holder.pass_id if holder else None,
        "visit_id": holder.visit_id if holder else None,
        "person_id": holder.person_id if holder else None,
        "customer_id": holder.customer_id if holder else None,
        "person_name": holder.person if holder else None,
        "scanned_sha256": hashlib.sha256(scanned).hexdigest(),
        "scanned_length": len(scanned),
        "officer": officer,
        "passed": passed,
    }
    check_id = _INSERT_CHECK[conn.dialect.name].scalar(conn, {**values, "client_id": data.client_id})
    if check_id is None:
        raise Conflict(_("This scan was recorded already (the door screen sent it twice)"))
    carry_outs = [
        CarriedOut(tag[:50], hw.id if hw else None, Decision.of(v), [r.as_dict() for r in v.reasons])
        for tag, hw, v in carried
    ]
    if carry_outs:
        conn.execute(insert(_carry), [{"door_check_id": check_id, **vars(c)} for c in carry_outs])
    passage = Passage(id=check_id, carry_outs=carry_outs, **values)  # type: ignore[arg-type]
    audit_check(
        db,
        officer,
        check_id,
        room_code,
        direction=data.direction,
        decision=passage.decision,
        passed=passed,
        pass_id=passage.pass_id,
        visit_id=passage.visit_id,
        person_id=passage.person_id,
        reasons=passage.reasons,
        carry_outs=[(c.asset_tag, c.decision) for c in carry_outs],
    )
    _after_passage(db, passage, holder, carried, officer)
    return Outcome(passage, holder, verdict)


def audit_check(
    db: Session,
    officer: str,
    check_id: int,
    room_code: str | None,
    *,
    direction: Direction,
    decision: Decision,
    passed: bool,
    pass_id: int | None,
    visit_id: int | None,
    person_id: int | None,
    reasons: list[dict[str, str | None]],
    carry_outs: list[tuple[str, Decision]],
    **more: Any,
) -> None:
    """A door check's audit event, online or decided offline (`more`: what an offline check adds). The log keeps
    ids, never names (R3): the door check row carries the name until retention ends."""
    audit.record(
        db,
        actor=officer,
        action=f"door check {direction.value}",
        object_type="door check",
        object_id=check_id,
        extra={
            "decision": decision.value,
            "passed": passed,
            "room": room_code,
            "pass_id": pass_id,
            "visit_id": visit_id,
            "person_id": person_id,
            "reasons": reasons,
            "carry_outs": [{"asset_tag": tag, "decision": d.value} for tag, d in carry_outs],
            **more,
        },
    )


def _after_passage(db: Session, passage: Passage, holder: Holder | None, carried: list, officer: str) -> None:
    """A visit starts with its first allowed check-in; hardware allowed out is recorded as gone, one item at a time
    (a refused item stays inside, P7)."""
    starts = passage.passed and passage.direction is Direction.check_in
    if holder is not None and starts and holder.visit_status is VisitStatus.approved:
        db.connection().execute(_START_VISIT, {"visit": holder.visit_id})
        if (visit := db.identity_map.get(identity_key(Visit, holder.visit_id))) is not None:
            db.expire(visit, ["status"])  # a caller holding the visit (the seed) reads the new status
        audit.record(
            db,
            actor=officer,
            action="update",
            object_type="visit",
            object_id=holder.visit_id,
            before={"status": "approved"},
            after={"status": "in_progress"},
        )
    for _tag, hw, verdict in carried:
        if hw is None or not verdict.allowed:
            continue
        before = hw.status.value
        hw.status = HardwareStatus.removed
        audit.record(
            db,
            actor=officer,
            action="carry out",
            object_type="hardware",
            object_id=hw.id,
            before={"status": before},
            after={"status": hw.status.value},
            extra={"door_check_id": passage.id},
        )
    if carried:
        db.flush()


def inside_now(db: Session) -> list[DoorCheck]:
    """Who is inside: people whose last passage through a door was an entry, with that check-in."""
    latest = (
        select(func.max(DoorCheck.id))
        .where(DoorCheck.passed.is_(True), DoorCheck.person_id.is_not(None))
        .group_by(DoorCheck.person_id)
    )
    stmt = (
        select(DoorCheck)
        .options(
            joinedload(DoorCheck.person),
            joinedload(DoorCheck.room),
            joinedload(DoorCheck.visit).joinedload(Visit.customer),
        )
        .where(DoorCheck.id.in_(latest), DoorCheck.direction == Direction.check_in)
        .order_by(DoorCheck.at)
    )
    return list(db.scalars(stmt))


def check_query(
    room_id: int | None = None,
    decision: Decision | None = None,
    person_id: int | None = None,
    visit_id: int | None = None,
) -> Select[Any]:
    stmt = (
        select(DoorCheck)
        .options(joinedload(DoorCheck.room), selectinload(DoorCheck.carry_outs))
        .order_by(DoorCheck.id.desc())
    )
    for column, value in (
        (DoorCheck.room_id, room_id),
        (DoorCheck.decision, decision),
        (DoorCheck.person_id, person_id),
        (DoorCheck.visit_id, visit_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt
