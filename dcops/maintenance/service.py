"""Planned and emergency maintenance under R4: planned → announced → in progress → done, or cancelled.

Announcing computes the customers the work affects from the hardware and contracts in its scope, stores them on
the maintenance, and needs the start to be at least two working days ahead (Art. 18.3, 1.14) unless it is
emergency maintenance, which may start at any time and is announced as soon as possible, even afterwards. Each
announcement, change of an announced maintenance and cancellation is kept as a MaintenanceChange: what the
customers are to be told. Every write is audited, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from dcops import audit, clock, crud
from dcops.customers.models import Contract, ContractStatus, Customer
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _, day
from dcops.maintenance import notices
from dcops.maintenance.models import (
    AffectedCustomer,
    ChangeKind,
    ClosureDay,
    Maintenance,
    MaintenanceChange,
    MaintenanceStatus,
    Scope,
    place,
)
from dcops.maintenance.schemas import ClosureDayIn, MaintenanceIn
from dcops.racks.models import Hardware, HardwareStatus, Rack, RackKind, Room, Site
from dcops.settings import Settings
from dcops.terms import Denied, Verdict
from dcops.terms.working_days import Closure, OfficeHours, earliest_start, maintenance_notice, may_start
from dcops.vocabulary import word

FIRST_YEAR, LAST_YEAR = 2000, 2100  # moments outside these are typing mistakes, not maintenance
SCOPE_FIELD = {Scope.site: "site_id", Scope.room: "room_id", Scope.rack: "rack_id", Scope.hardware: "hardware_ids"}
NOTIFIED = ("starts_at", "ends_at", "impact", "scope")  # the changes the affected customers are told about


@dataclass(frozen=True)
class Now:
    """The moment a step is taken, and what R4 reads it with: the site's time zone and the office hours."""

    at: datetime
    tz: ZoneInfo
    hours: OfficeHours = OfficeHours()

    @classmethod
    def of(cls, settings: Settings, at: datetime | None = None) -> Now:
        """This moment (or `at`) as the installation reads it."""
        return cls(at or utcnow(), ZoneInfo(settings.site_timezone), settings.office_hours)


def closures(db: Session) -> tuple[Closure, ...]:
    """Every closure day, as the facts the working-day rules take (the table holds a few a year)."""
    return tuple(c.fact for c in db.scalars(select(ClosureDay).order_by(ClosureDay.day)))


# --- the customers a maintenance affects --------------------------------------------------------------


def _racks_in_scope(m: Maintenance) -> Any:
    if m.scope is Scope.site:
        return select(Rack.id).join(Room).where(Room.site_id == m.site_id)
    if m.scope is Scope.room:
        return select(Rack.id).where(Rack.room_id == m.room_id)
    return select(Rack.id).where(Rack.id == m.rack_id)


def affected_now(db: Session, m: Maintenance) -> list[AffectedCustomer]:
    """Who the maintenance affects as the records stand: the customer of each contract (not ended) with hardware in
    the scope (mounted in its racks, or listed and not removed), and each customer a private rack there is let to.
    Not saved: announcing stores them."""
    stmt = (
        select(Hardware)
        .join(Contract, Contract.id == Hardware.contract_id)
        .options(joinedload(Hardware.rack), joinedload(Hardware.contract))
        .where(Contract.status != ContractStatus.ended)
        .order_by(Hardware.name)
    )
    if m.scope is Scope.hardware:
        ids = [h.id for h in m.hardware]
        stmt = stmt.where(Hardware.id.in_(ids), Hardware.status != HardwareStatus.removed)
        let: list[Rack] = []
    else:
        stmt = stmt.where(Hardware.rack_id.in_(_racks_in_scope(m)))
        let = list(
            db.scalars(
                select(Rack)
                .where(Rack.id.in_(_racks_in_scope(m)), Rack.kind == RackKind.private, Rack.customer_id.is_not(None))
                .order_by(Rack.name)
            )
        )
    found: dict[int, AffectedCustomer] = {}

    def entry(customer_id: int) -> AffectedCustomer:
        return found.setdefault(customer_id, AffectedCustomer(customer_id=customer_id, hardware=[], racks=[]))

    for hw in db.scalars(stmt).unique():
        assert hw.contract is not None
        where = {"rack": hw.rack.name, "position": hw.position} if hw.rack else {"rack": None, "position": None}
        entry(hw.contract.customer_id).hardware.append({"id": hw.id, "name": hw.name, **where})
    for rack in let:
        assert rack.customer_id is not None
        entry(rack.customer_id).racks.append(rack.name)
    if found:  # named on the page before it is announced: loaded with the rows, never saved from here
        customers = db.scalars(select(Customer).where(Customer.id.in_(found)))
        for customer in customers:
            found[customer.id].customer = customer
    return [found[k] for k in sorted(found)]


def _store_affected(db: Session, m: Maintenance, rows: list[AffectedCustomer], actor: str) -> None:
    """The affected customers as computed now replace those stored; the log keeps who and what."""
    db.execute(delete(AffectedCustomer).where(AffectedCustomer.maintenance_id == m.id))
    db.expire(m, ["affected"])
    for row in rows:
        row.maintenance_id = m.id
        db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="affected customers",
        object_type="maintenance",
        object_id=m.id,
        after={"affected": [{"customer_id": r.customer_id, "hardware": r.hardware, "racks": r.racks} for r in rows]},
    )


# --- input ----------------------------------------------------------------------------------------------


def _moment(value: datetime, tz: ZoneInfo) -> datetime:
    """In UTC, to the minute: what the form shows and takes back, so an edit that changes nothing changes nothing."""
    return clock.aware(value, tz.key).astimezone(UTC).replace(second=0, microsecond=0)


def _values(db: Session, data: MaintenanceIn, tz: ZoneInfo) -> tuple[dict[str, Any], list[Hardware]]:
    """The columns to store and the hardware listed, or ValidationFailed naming every bad field."""
    errors: dict[str, str] = {}
    for name in ("starts_at", "ends_at"):  # the year on the site's clock, whatever offset the moment was sent with
        if not FIRST_YEAR <= clock.aware(getattr(data, name), tz.key).astimezone(tz).year <= LAST_YEAR:
            errors[name] = _("Must be a moment between %(first)s and %(last)s", first=FIRST_YEAR, last=LAST_YEAR)
    if not errors and _moment(data.ends_at, tz) <= _moment(data.starts_at, tz):
        errors["ends_at"] = _("The end must come after the start")
    if data.emergency and not data.emergency_reason:
        errors["emergency_reason"] = _("Emergency maintenance records its reason (Art. 18.3, rule R4)")
    field = SCOPE_FIELD[data.scope]
    models = {"site_id": Site, "room_id": Room, "rack_id": Rack}
    listed: list[Hardware] = []
    if field == "hardware_ids":
        listed = (
            list(db.scalars(select(Hardware).where(Hardware.id.in_(set(data.hardware_ids)))))
            if data.hardware_ids
            else []
        )
        if not data.hardware_ids:
            errors[field] = _("List the hardware the work is on")
        elif missing := sorted(set(data.hardware_ids) - {h.id for h in listed}):
            errors[field] = _("No hardware with id %(id)s", id=", ".join(map(str, missing)))
    elif getattr(data, field) is None:
        errors[field] = _("Choose the %(what)s the work is in", what=word(data.scope))
    elif db.get(models[field], getattr(data, field)) is None:
        errors[field] = _("No %(what)s with id %(id)s", what=word(data.scope), id=getattr(data, field))
    if errors:
        raise ValidationFailed(errors)
    values = {
        "title": data.title,
        "description": data.description,
        "scope": data.scope,
        "site_id": data.site_id if data.scope is Scope.site else None,
        "room_id": data.room_id if data.scope is Scope.room else None,
        "rack_id": data.rack_id if data.scope is Scope.rack else None,
        "starts_at": _moment(data.starts_at, tz),
        "ends_at": _moment(data.ends_at, tz),
        "impact": data.impact,
        "emergency": data.emergency,
        "emergency_reason": data.emergency_reason if data.emergency else None,
    }
    return values, listed


def emergency_reason(m: Maintenance) -> str | None:
    """The reason R4 reads: only emergency maintenance has one."""
    return m.emergency_reason if m.emergency else None


# --- planning -------------------------------------------------------------------------------------------


def create(db: Session, data: MaintenanceIn, actor: str, now: Now) -> Maintenance:
    """Planned (not yet announced): nothing is told to anyone, so R4 is asked when it is announced."""
    values, listed = _values(db, data, now.tz)
    with atomic(db):
        m = crud.create(db, Maintenance, {**values, "created_by": actor}, actor=actor)
        _set_hardware(db, m, listed, actor)
    return m


def _set_hardware(db: Session, m: Maintenance, listed: list[Hardware], actor: str) -> None:
    before = sorted(h.id for h in m.hardware)
    m.hardware = listed if m.scope is Scope.hardware else []
    db.flush()
    after = sorted(h.id for h in m.hardware)
    if before != after:
        audit.record(
            db,
            actor=actor,
            action="update",
            object_type="maintenance",
            object_id=m.id,
            before={"hardware_ids": before},
            after={"hardware_ids": after},
        )


def _notified_state(m: Maintenance) -> dict[str, Any]:
    return {
        "starts_at": m.starts_at.isoformat(),
        "ends_at": m.ends_at.isoformat(),
        "impact": m.impact.value,
        "scope": [m.scope.value, place(m, limit=None)],  # shown as "room GRV1 / ZAAL-A"
    }


def update(db: Session, m: Maintenance, data: MaintenanceIn, actor: str, now: Now) -> Maintenance:
    """Edit. Once announced, a change of start, end, impact or scope is recorded for the customers; a start moved
    earlier, and customers a wider scope adds, need the two working days again from now (R4) unless it is
    emergency maintenance. A start moved later keeps the notice: the customers only get more of it. Maintenance no
    longer recorded as an emergency needs its announcement to have been in time."""
    if not m.open:
        raise Conflict(_("This maintenance is %(status)s: it can no longer be changed", status=word(m.status)))
    values, listed = _values(db, data, now.tz)
    if m.status is MaintenanceStatus.in_progress and (
        values["starts_at"] != m.starts_at
        or values["scope"] is not m.scope
        or any(values[k] != getattr(m, k) for k in ("site_id", "room_id", "rack_id"))
        or {h.id for h in listed} != {h.id for h in m.hardware}
        or values["emergency"] != m.emergency
    ):
        raise Conflict(_("The work has started: only its end, impact and description can still change"))
    before = _notified_state(m)
    before_customers = {a.customer_id for a in m.affected}
    earlier = values["starts_at"] < m.starts_at
    no_longer_emergency = m.emergency and not values["emergency"]
    with atomic(db):
        crud.update(db, m, values, actor=actor)
        _set_hardware(db, m, listed, actor)
        if not m.announced:
            return m
        if no_longer_emergency:
            assert m.announced_at is not None
            _check_notice(db, m, Now(m.announced_at, now.tz, now.hours))
        after = _notified_state(m)
        changed = {k: [before[k], after[k]] for k in NOTIFIED if before[k] != after[k]}
        if not changed:
            return m
        customers = before_customers
        if "scope" in changed:
            rows = affected_now(db, m)
            added = {r.customer_id for r in rows} - before_customers
            if added:
                _check_notice(db, m, now)  # the customers the wider scope adds are told only now
            _store_affected(db, m, rows, actor)
            customers = before_customers | {r.customer_id for r in rows}
        if earlier:
            _check_notice(db, m, now)
        _record_change(db, m, ChangeKind.changed, actor, now, changed, customers)
    return m


def _check_notice(db: Session, m: Maintenance, now: Now) -> None:
    verdict = notice_verdict(db, m, now)
    if not verdict.allowed:
        raise Denied(verdict)


def notice_verdict(db: Session, m: Maintenance, now: Now) -> Verdict:
    """R4 for telling the customers about this maintenance at `now.at`."""
    return maintenance_notice(now.at, m.starts_at, emergency_reason(m), closures(db), now.hours, now.tz)


def earliest(db: Session, now: Now) -> date:
    """The earliest start of planned maintenance announced now (R4)."""
    return earliest_start(now.at, closures(db), now.hours, now.tz)


def _record_change(
    db: Session, m: Maintenance, kind: ChangeKind, actor: str, now: Now, changes: dict[str, Any], customers: Any
) -> MaintenanceChange:
    """The change, audited, and its notice in the outbox for each customer it names (R4), in one transaction."""
    change = MaintenanceChange(
        maintenance_id=m.id, kind=kind, at=now.at, by=actor, changes=changes, customer_ids=sorted(customers)
    )
    db.add(change)
    db.flush()
    db.expire(m, ["changes"])
    audit.record(
        db,
        actor=actor,
        action=f"maintenance {kind.value}",
        object_type="maintenance",
        object_id=m.id,
        extra={"change_id": change.id, "changes": changes, "customer_ids": change.customer_ids},
    )
    notices.enqueue_for(db, m, change, actor, now.tz)
    return change


# --- the steps ------------------------------------------------------------------------------------------


def announce(db: Session, m: Maintenance, actor: str, now: Now) -> Maintenance:
    """R4: told to the customers it affects (computed now, from its scope) at least two working days before its
    start; emergency maintenance at any time, also once it has started or is done."""
    if m.announced:
        raise Conflict(
            _("This maintenance was announced on %(day)s", day=day(m.announced_at.astimezone(now.tz).date()))
        )
    if m.status is MaintenanceStatus.cancelled or (m.status is not MaintenanceStatus.planned and not m.emergency):
        raise Conflict(_("This maintenance is %(status)s", status=word(m.status)))
    _check_notice(db, m, now)
    with atomic(db):
        rows = affected_now(db, m)
        _store_affected(db, m, rows, actor)
        status = MaintenanceStatus.announced if m.status is MaintenanceStatus.planned else m.status
        crud.update(db, m, {"status": status, "announced_at": now.at, "announced_by": actor}, actor=actor)
        _record_change(db, m, ChangeKind.announced, actor, now, {}, [r.customer_id for r in rows])
    return m


def start(db: Session, m: Maintenance, actor: str, now: Now) -> Maintenance:
    """The work begins: planned maintenance once announced and not before its announced start (R4); emergency
    maintenance at any time, announced or not."""
    if m.status not in (MaintenanceStatus.planned, MaintenanceStatus.announced):
        raise Conflict(_("This maintenance is %(status)s", status=word(m.status)))
    verdict = may_start(now.at, m.starts_at, m.announced, emergency_reason(m), now.tz)
    if not verdict.allowed:
        raise Denied(verdict)
    return crud.update(db, m, {"status": MaintenanceStatus.in_progress, "started_at": now.at}, actor=actor)


def finish(db: Session, m: Maintenance, actor: str, now: Now) -> Maintenance:
    if m.status is not MaintenanceStatus.in_progress:
        raise Conflict(_("Only maintenance in progress can be finished; this one is %(status)s", status=word(m.status)))
    return crud.update(db, m, {"status": MaintenanceStatus.done, "finished_at": now.at}, actor=actor)


def cancel(db: Session, m: Maintenance, actor: str, now: Now, reason: str | None = None) -> Maintenance:
    """Before the work starts. Customers it was announced to are told (the change record)."""
    if m.status not in (MaintenanceStatus.planned, MaintenanceStatus.announced):
        raise Conflict(
            _("Only maintenance not yet started can be cancelled; this one is %(status)s", status=word(m.status))
        )
    with atomic(db):
        crud.update(db, m, {"status": MaintenanceStatus.cancelled}, actor=actor)
        if m.announced:
            customers = [a.customer_id for a in m.affected]
            _record_change(db, m, ChangeKind.cancelled, actor, now, {"reason": reason} if reason else {}, customers)
    return m


# --- closure days ---------------------------------------------------------------------------------------


def add_closure(db: Session, data: ClosureDayIn, actor: str, today: date) -> ClosureDay:
    """Art. 1.14: a day the supplier announced in advance that it is closed. Recorded once announced (not for a
    day still to come) and on or before the closed day itself."""
    announced_on = data.announced_on or today
    errors = {}
    if not FIRST_YEAR <= data.day.year <= LAST_YEAR:
        errors["day"] = _("Must be a date between %(first)s and %(last)s", first=FIRST_YEAR, last=LAST_YEAR)
    if announced_on > today:
        errors["announced_on"] = _("Record a closure once it has been announced, not before")
    elif announced_on > data.day:
        errors["announced_on"] = _("A closure is announced in advance: on or before the day itself (Art. 1.14)")
    if errors:
        raise ValidationFailed(errors)
    values = {"day": data.day, "reason": data.reason, "announced_on": announced_on, "created_by": actor}
    return crud.create(db, ClosureDay, values, actor=actor, unique=(("day",),))


def remove_closure(db: Session, closure: ClosureDay, actor: str) -> None:
    crud.delete(db, closure, actor=actor)
