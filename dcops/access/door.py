"""The door check: verify the pass, ask the access terms live, log every scan (R1) and check carry-outs.

A check costs a fixed number of statements whatever the data (a test and the door benchmark count them).
Reading, without holding up other writers: one statement for the pass, its visit, person, customer and rooms
and whether the customer could be failing today. Writing: the person's row locked with their last passage read,
the check inserted, and its audit event appended at commit. A customer who may be failing adds three (their
standing in full), a third party one (their permissions), the first check-in of a visit one (it starts), a
check-out with asset tags two (the hardware, the liens).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

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
from dcops.access.visits import permissions_of, visitor
from dcops.customers.liens import liened_customer_ids
from dcops.customers.models import Breach, Contract, Customer, CustomerKind, Invoice
from dcops.customers.standing import GOOD, outstanding_cents, standing_of
from dcops.db import begin_write, utcnow
from dcops.errors import ValidationFailed
from dcops.racks.models import Hardware, HardwareStatus, Room
from dcops.terms import Service, Verdict
from dcops.terms.door import CarriedItem, DoorFacts, authentic, door_verdict, may_carry_out, pass_checks


@dataclass(frozen=True)
class Outcome:
    check: DoorCheck
    visit_pass: VisitPass | None
    verdict: Verdict

    @property
    def allowed(self) -> bool:
        return self.verdict.allowed


# The door's facts in one statement, built once: the pass with its visit, person and customer, the scanned room,
# the visit's rooms, and whether the customer could fail at all today (something overdue unpaid, or an open
# breach). Only then is the standing worked out in full (three more statements): a customer in good standing
# costs nothing more, and the answer is still read at every scan, never cached (A7).
_ROOM_CODE = select(Room.code).where(Room.id == bindparam("room_id")).scalar_subquery()
_VISIT_ROOMS = (
    select(func.aggregate_strings(Room.code, "\n"))
    .join(visit_room, visit_room.c.room_id == Room.id)
    .where(visit_room.c.visit_id == Visit.id)
    .scalar_subquery()
)
_MAY_FAIL = or_(
    exists().where(
        Invoice.customer_id == Visit.customer_id, Invoice.due_date < bindparam("today"), outstanding_cents() > 0
    ),
    exists().where(Breach.customer_id == Visit.customer_id, Breach.resolved_on.is_(None)),
)
_FACTS = (
    select(VisitPass, Visit, Customer, Person, _ROOM_CODE, _VISIT_ROOMS, _MAY_FAIL)
    .join(Visit, Visit.id == VisitPass.visit_id)
    .join(Customer, Customer.id == Visit.customer_id)
    .join(Person, Person.id == VisitPass.person_id)
    .where(VisitPass.id == bindparam("pass_id"))
)
# P6 under the write lock, in the statement that takes it: the person's row locked (two scans of one pass at once
# cannot both pass anti-passback) and their last passage through a door read with it.
_LAST_PASSAGE = (
    select(DoorCheck.direction)
    .where(DoorCheck.person_id == Person.id, DoorCheck.passed.is_(True))
    .order_by(DoorCheck.id.desc())
    .limit(1)
    .scalar_subquery()
)
_LOCK_PERSON = select(_LAST_PASSAGE).where(Person.id == bindparam("person_id")).with_for_update(of=Person)


@dataclass(frozen=True)
class _Read:
    visit_pass: VisitPass
    visit: Visit  # held here: the session's identity map keeps only weak references, and vp.visit reads it there
    customer: Customer
    person: Person
    room_code: str | None
    visit_rooms: frozenset[str]
    may_fail: bool


def _read(db: Session, pass_id: int, room_id: int, today: date) -> _Read | None:
    row = db.execute(_FACTS, {"pass_id": pass_id, "room_id": room_id, "today": today}).first()
    if row is None:
        return None
    vp, visit, customer, person, room_code, rooms, may_fail = row
    visit_rooms = frozenset(rooms.split("\n")) if rooms else frozenset()
    return _Read(vp, visit, customer, person, room_code, visit_rooms, bool(may_fail))


def _facts(
    db: Session, read: _Read, claims: codec.Claims, direction: Direction, now: datetime, timezone: str
) -> DoorFacts:
    vp = read.visit_pass
    visit, person = vp.visit, vp.person
    local_now = clock.local(now, timezone)
    perms = permissions_of(db, [person.id], visit.customer_id).get(person.id, ()) if person.third_party else ()
    return DoorFacts(
        now=local_now,
        direction=direction.value,
        room=read.room_code or "",
        valid_from=clock.local(claims.not_before, timezone),
        valid_until=clock.local(claims.expires, timezone),
        pass_revoked=vp.revoked,
        visit_status=visit.status.value,
        visitor=visitor(person, perms),
        visit_rooms=read.visit_rooms,
        customer=visit.customer.name,
        consumer=visit.customer.kind is CustomerKind.consumer,
        standing=standing_of(db, visit.customer, local_now.date()) if read.may_fail else GOOD,
        a7_overridden=visit.a7_override is not None,
        inside=False,  # read under the write lock (see check)
        contracts=frozenset(visit.contract_ids) if visit.contract_ids is not None else None,
    )


def _carried(
    db: Session, tags: list[str], visit: Visit | None, pass_problem: str | None, today: date
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
            .options(joinedload(Hardware.contract).joinedload(Contract.customer), joinedload(Hardware.rack))
            .where(Hardware.asset_tag.in_(wanted))
        )
    }
    liened = liened_customer_ids(db, today)
    customer_id, customer = (visit.customer_id, visit.customer.name) if visit is not None else (None, None)
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
            verdict = may_carry_out(
                item, hw.contract.customer.name if hw.contract and customer_id else None, pass_problem
            )
        results.append((tag, hw, verdict))
    return results


def check(
    db: Session, data: DoorCheckIn, officer: str, keys: KeyRing, timezone: str, now: datetime | None = None
) -> Outcome:
    now = now or utcnow()
    scanned = data.code.encode("utf-8", "replace")
    vp: VisitPass | None = None
    facts: DoorFacts | None = None
    problem: str | None = None
    room_code: str | None = None
    try:
        claims = codec.decode(data.code, keys.verifiers(now))
        read = _read(db, claims.pass_id, data.room_id, clock.local(now, timezone).date())
        if read is None:
            problem = "The pass is not in the records (signed, but never issued here)"
        else:
            vp, room_code = read.visit_pass, read.room_code
            if room_code is not None:
                facts = _facts(db, read, claims, data.direction, now, timezone)
    except codec.PassUnreadable as exc:
        problem = str(exc)
    if room_code is None:  # no pass to read it with, or no such room
        room = db.get(Room, data.room_id)
        if room is None:
            raise ValidationFailed({"room_id": f"No room with id {data.room_id}"})
        room_code = room.code
    verdict = authentic(problem)  # P1

    visit = vp.visit if vp else None
    person: Person | None = vp.person if vp else None
    # Everything above only read. Writers take turns from here on, so this part stays short; the person's
    # row is locked so two scans of one pass at once cannot both pass anti-passback.
    begin_write(db)
    # The write part is a transaction of its own (begin_write): a failure rolls all of it back, no savepoint
    # needed.
    if facts is not None and person is not None:
        last = db.execute(_LOCK_PERSON, {"person_id": person.id}).scalar()
        verdict = door_verdict(replace(facts, inside=last is not None and Direction(last) is Direction.check_in))
    # Leaving is never refused once the pass names its holder: the exit is recorded whatever is carried.
    passed = person is not None and (data.direction is Direction.check_out or verdict.allowed)
    carried = []
    if data.direction is Direction.check_out and data.asset_tags:
        day = clock.local(now, timezone).date()
        checks = pass_checks(facts) if facts is not None else None
        pass_problem = problem or (
            "; ".join(r.message for r in checks.reasons) if checks is not None and not checks.allowed else None
        )
        carried = _carried(db, data.asset_tags, visit, pass_problem, day)
        refused = [r for _, _, v in carried if not v.allowed for r in v.reasons]
        if refused:
            verdict = Verdict.deny(*verdict.reasons, *refused)
    dc = DoorCheck(
        at=now,
        room_id=data.room_id,
        direction=data.direction,
        decision=Decision.allow if verdict.allowed else Decision.deny,
        reasons=[r.as_dict() for r in verdict.reasons],
        pass_id=vp.id if vp else None,
        visit_id=visit.id if visit else None,
        person_id=person.id if person else None,
        customer_id=visit.customer_id if visit else None,
        person_name=person.name if person else None,
        scanned_sha256=hashlib.sha256(scanned).hexdigest(),
        scanned_length=len(scanned),
        officer=officer,
        passed=passed,
    )
    dc.carry_outs = [
        CarryOut(
            asset_tag=tag[:50],
            hardware_id=hw.id if hw else None,
            decision=Decision.allow if v.allowed else Decision.deny,
            reasons=[r.as_dict() for r in v.reasons],
        )
        for tag, hw, v in carried
    ]
    db.add(dc)
    db.flush()
    # The log keeps ids, never names (R3): the door check row carries the name until retention ends.
    audit.record(
        db,
        actor=officer,
        action=f"door check {data.direction.value}",
        object_type="door check",
        object_id=dc.id,
        extra={
            "decision": dc.decision.value,
            "passed": passed,
            "room": room_code,
            "pass_id": dc.pass_id,
            "visit_id": dc.visit_id,
            "person_id": dc.person_id,
            "reasons": dc.reasons,
            "carry_outs": [{"asset_tag": c.asset_tag, "decision": c.decision.value} for c in dc.carry_outs],
        },
    )
    _after_passage(db, dc, visit, carried, officer)
    return Outcome(dc, vp, verdict)


def _after_passage(db: Session, dc: DoorCheck, visit: Visit | None, carried: list, officer: str) -> None:
    """A visit starts with its first allowed check-in; hardware allowed out is recorded as gone, one item at a time
    (a refused item stays inside, P7)."""
    if visit is not None and dc.passed and dc.direction is Direction.check_in and visit.status is VisitStatus.approved:
        visit.status = VisitStatus.in_progress
        audit.record(
            db,
            actor=officer,
            action="update",
            object_type="visit",
            object_id=visit.id,
            before={"status": "approved"},
            after={"status": "in_progress"},
        )
    for _, hw, verdict in carried:
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
            extra={"door_check_id": dc.id},
        )
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
