"""Work orders for extra work (Art. 15): recorded by an account manager, estimated at the rate that applies (15.3),
accepted by the customer in writing (R2) before an M1 order is carried out, or carried out at once when necessary for
the agreed services (M2); technicians start it, log their time and finish it, and finishing charges it (the charge).

The steps and the states they need:

    requested --estimate--> estimated --accept (M1, R2)--> accepted --start--> in progress --finish--> done
    requested | estimated (M2) ------------------------------------------start--> in progress
    requested | estimated | accepted --decline (the supplier) / withdraw (the customer)--> declined | withdrawn

A new estimate after an acceptance voids the acceptance (the order is estimated again): the customer accepts the
new one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops import audit, clock, crud
from dcops.customers.models import Contract, Customer
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _, day
from dcops.moves.models import Relocation
from dcops.racks.models import Hardware
from dcops.terms import Denied, Verdict
from dcops.terms.extra_work import (
    Acceptance,
    Estimate,
    Rate,
    WorkKind,
    acceptance_problems,
    applicable_rate,
    may_carry_out,
    no_charge_for_a_move,
)
from dcops.vocabulary import word
from dcops.work import charges, notices
from dcops.work.models import CustomerRate, TimeEntry, WorkOrder, WorkStatus
from dcops.work.schemas import AcceptanceIn, CloseIn, EstimateIn, RateIn, TimeIn, WorkOrderIn

# Before it is carried out, an order can be estimated (again), declined or withdrawn.
BEFORE_START = (WorkStatus.requested, WorkStatus.estimated, WorkStatus.accepted)
ACCEPTANCE = ("accepted_by", "accepted_on", "accepted_via", "accepted_reference", "accepted_cents")


def _require(db: Session, order: WorkOrder, *statuses: WorkStatus) -> None:
    """The order is in one of `statuses`, read again under a lock: two people stepping the same order at once, the
    second waits for the first and sees its result (PostgreSQL; SQLite serialises writers anyway)."""
    db.execute(select(WorkOrder.id).where(WorkOrder.id == order.id).with_for_update())
    db.refresh(order)
    if order.status not in statuses:
        raise Conflict(_("This work order is %(status)s", status=word(order.status)))


# --- the request -----------------------------------------------------------------------------------------


def _hardware(db: Session, customer_id: int, ids: list[int]) -> list[Hardware]:
    """The hardware concerned: each under a contract of this customer (its own, or the supplier's it uses)."""
    found, errors = [], []
    for hid in dict.fromkeys(ids):
        hw = db.get(Hardware, hid)
        if hw is None:
            errors.append(_("No hardware with id %(id)s", id=hid))
        elif hw.contract is None or hw.contract.customer_id != customer_id:
            errors.append(_("%(hardware)s is not under a contract of this customer", hardware=hw.name))
        else:
            found.append(hw)
    if errors:
        raise ValidationFailed({"hardware_ids": "; ".join(errors)})
    return found


def create_order(db: Session, data: WorkOrderIn, actor: str, today: date) -> WorkOrder:
    if data.relocation_id is not None:
        relocation = db.get(Relocation, data.relocation_id)
        if relocation is None:
            raise ValidationFailed({"relocation_id": _("No relocation with id %(id)s", id=data.relocation_id)})
        raise Denied(no_charge_for_a_move(_("Relocation #%(id)s", id=relocation.id)))
    customer = db.get(Customer, data.customer_id)
    if customer is None:
        raise ValidationFailed({"customer_id": _("No customer with id %(id)s", id=data.customer_id)})
    errors: dict[str, str] = {}
    if not customer.contracts:
        errors["customer_id"] = _(
            "%(customer)s has no contract: extra work is charged under one", customer=customer.name
        )
    if data.contract_id is not None:
        contract = db.get(Contract, data.contract_id)
        if contract is None or contract.customer_id != customer.id:
            errors["contract_id"] = _("Not a contract of this customer")
    if data.kind is WorkKind.on_request and (data.requested_by is None or data.requested_via is None):
        missing = _("Extra work the customer asks for records who asked and how (Art. 15.1, rule M1)")
        errors.update({k: missing for k in ("requested_by", "requested_via") if getattr(data, k) is None})
    if data.kind is WorkKind.necessary and data.necessity is None:
        errors["necessity"] = _(
            "Art. 15.2 (rule M2): work done without the customer's acceptance records why it is necessary for the "
            "agreed services"
        )
    requested_on = data.requested_on or today
    if requested_on > today:
        errors["requested_on"] = _("%(day)s is still to come", day=day(requested_on))
    if errors:
        raise ValidationFailed(errors)
    hardware = _hardware(db, customer.id, data.hardware_ids)
    values = {
        "customer_id": customer.id,
        "contract_id": data.contract_id,
        "kind": data.kind,
        "description": data.description,
        "necessity": data.necessity if data.kind is WorkKind.necessary else None,
        "requested_by": data.requested_by,
        "requested_on": requested_on,
        "requested_via": data.requested_via,
        "created_by": actor,
    }
    with atomic(db):
        order = crud.create(db, WorkOrder, values, actor=actor)
        order.hardware = hardware
        db.flush()
        if hardware:
            audit.record(
                db,
                actor=actor,
                action="update",
                object_type="work order",
                object_id=order.id,
                after={"hardware_ids": order.hardware_ids},
            )
    return order


# --- the estimate and its acceptance ---------------------------------------------------------------------


def rate_for(db: Session, customer_id: int, usual_cents: int) -> Rate:
    """M2, Art. 15.3: the rate agreed with the customer, else the usual rate."""
    agreed = db.get(CustomerRate, customer_id)
    return applicable_rate(agreed.rate_cents if agreed else None, usual_cents)


def estimate(db: Session, order: WorkOrder, data: EstimateIn, actor: str, today: date, usual_cents: int) -> WorkOrder:
    """M1: the estimated cost, the time at the rate that applies today (15.3). A changed estimate voids the
    customer's acceptance of the old one: the order is estimated again and waits for a new acceptance."""
    _require(db, order, *BEFORE_START)
    new = Estimate(data.estimate_minutes, rate_for(db, order.customer_id, usual_cents))
    values: dict[str, Any] = {
        "estimate_minutes": new.minutes,
        "rate_cents": new.rate.cents,
        "rate_source": new.rate.source,
        "estimate_cents": new.cents,
        "estimate_note": data.note,
        "estimated_on": today,
        "estimated_by": actor,
        "status": WorkStatus.estimated,
    }
    unchanged = order.acceptance is not None and order.estimate == new
    with atomic(db):
        if unchanged:
            values["status"] = order.status  # the same estimate again: its acceptance stands
        elif order.acceptance is not None:
            audit.record(
                db,
                actor=actor,
                action="void acceptance",
                object_type="work order",
                object_id=order.id,
                before={k: getattr(order, k) for k in ACCEPTANCE},
                extra={"rule": "M1", "article": "15.2", "why": "the estimate changed after it was accepted"},
            )
            values.update(dict.fromkeys((*ACCEPTANCE, "acceptance_recorded_by")))
        crud.update(db, order, values, actor=actor)
        if order.kind is WorkKind.on_request and not unchanged:
            # M1: the customer is told the estimate (again) and asked to accept it in writing
            notices.enqueue_estimate(db, order, actor)
        return order


def accept(db: Session, order: WorkOrder, data: AcceptanceIn, actor: str, today: date) -> WorkOrder:
    """R2: the customer's written acceptance of the estimate as it stands (M1)."""
    if order.kind is WorkKind.necessary:
        raise Conflict(_("Necessary extra work is carried out without acceptance (Art. 15.2, rule M2)"))
    _require(db, order, WorkStatus.requested, WorkStatus.estimated)
    given = Acceptance(data.accepted_by, data.accepted_on, data.accepted_via, data.accepted_reference, None)
    if errors := acceptance_problems(given, order.estimated_on, today):
        raise ValidationFailed(errors)
    values = {
        "accepted_by": data.accepted_by,
        "accepted_on": data.accepted_on,
        "accepted_via": data.accepted_via,
        "accepted_reference": data.accepted_reference,
        "accepted_cents": order.estimate_cents,
        "acceptance_recorded_by": actor,
        "status": WorkStatus.accepted,
    }
    return crud.update(db, order, values, actor=actor)


def _close(db: Session, order: WorkOrder, status: WorkStatus, data: CloseIn, actor: str, today: date) -> WorkOrder:
    if order.status in (WorkStatus.in_progress, WorkStatus.done):
        raise Conflict(_("This work has been started: it is finished and charged, not called off"))
    _require(db, order, *BEFORE_START)
    values = {"status": status, "closed_reason": data.reason, "closed_on": today, "closed_by": actor}
    return crud.update(db, order, values, actor=actor)


def decline(db: Session, order: WorkOrder, data: CloseIn, actor: str, today: date) -> WorkOrder:
    """Art. 15.1 (M1): the supplier is not obliged to do extra work; it declines it, saying why."""
    return _close(db, order, WorkStatus.declined, data, actor, today)


def withdraw(db: Session, order: WorkOrder, data: CloseIn, actor: str, today: date) -> WorkOrder:
    """The customer withdrew its request or refused the estimate."""
    return _close(db, order, WorkStatus.withdrawn, data, actor, today)


# --- carrying it out ----------------------------------------------------------------------------------------


def may_start(order: WorkOrder) -> Verdict:
    """M1 or M2 on what the order records (dcops.terms.extra_work.may_carry_out)."""
    return may_carry_out(order.kind, order.estimate, order.acceptance, order.necessity)


def start(db: Session, order: WorkOrder, actor: str, now: datetime | None = None) -> WorkOrder:
    """M1: only once the customer accepted the estimate in writing (R2); M2 at once, its reason recorded."""
    _require(db, order, *BEFORE_START)
    verdict = may_start(order)
    if not verdict.allowed:
        raise Denied(verdict)
    values = {"status": WorkStatus.in_progress, "started_at": now or utcnow(), "started_by": actor}
    return crud.update(db, order, values, actor=actor)


def log_time(db: Session, order: WorkOrder, data: TimeIn, actor: str, timezone: str | None = None) -> TimeEntry:
    """Time a technician spent: from and until (typed in the site's time), or only the minutes."""
    _require(db, order, WorkStatus.in_progress)
    errors: dict[str, str] = {}
    minutes = data.minutes
    if data.started_at is not None or data.ended_at is not None:
        if data.started_at is None or data.ended_at is None:
            which = "started_at" if data.started_at is None else "ended_at"
            errors[which] = _("Give both from and until, or only the minutes")
        else:
            started = clock.aware(data.started_at, timezone)
            ended = clock.aware(data.ended_at, timezone)
            span = round((ended - started).total_seconds() / 60)
            if span <= 0:
                errors["ended_at"] = _("Until is after from")
            elif span > 24 * 60:
                errors["ended_at"] = _("One entry covers at most a day")
            elif minutes is not None and minutes != span:
                errors["minutes"] = _("From and until make %(n)s minutes", n=span)
            minutes = span
    elif minutes is None:
        errors["minutes"] = _("Give the minutes spent, or from and until")
    if errors:
        raise ValidationFailed(errors)
    values = {
        "work_order_id": order.id,
        "technician": actor,
        "started_at": _aware(data.started_at, timezone),
        "ended_at": _aware(data.ended_at, timezone),
        "minutes": minutes,
        "note": data.note,
    }
    entry = crud.create(db, TimeEntry, values, actor=actor)
    db.refresh(order, ["times"])
    return entry


def _aware(value: datetime | None, timezone: str | None) -> datetime | None:
    return None if value is None else clock.aware(value, timezone)


def finish(
    db: Session, order: WorkOrder, actor: str, today: date, usual_cents: int, now: datetime | None = None
) -> WorkOrder:
    """Done, and charged in the same transaction: M1 the accepted estimate, M2 the time spent (charges.charge)."""
    _require(db, order, WorkStatus.in_progress)
    with atomic(db):
        charges.charge(db, order, rate_for(db, order.customer_id, usual_cents), actor, today)
        values = {"status": WorkStatus.done, "finished_at": now or utcnow(), "finished_by": actor}
        return crud.update(db, order, values, actor=actor)


# --- rates -------------------------------------------------------------------------------------------------


def set_rate(db: Session, customer: Customer, data: RateIn, actor: str) -> CustomerRate | None:
    """The hourly rate agreed with the customer (15.3); none: the usual rate applies from now on. Estimates already
    made keep the rate they were made at."""
    current = db.get(CustomerRate, customer.id)
    if data.rate_cents is None:
        if current is not None:
            crud.delete(db, current, actor=actor)
        return None
    values = {"rate_cents": data.rate_cents, "note": data.note, "updated_by": actor, "updated_at": utcnow()}
    if current is None:
        return crud.create(db, CustomerRate, {"customer_id": customer.id, **values}, actor=actor)
    return crud.update(db, current, values, actor=actor)


# --- queries -----------------------------------------------------------------------------------------------


def order_query(
    customer_id: int | None = None, status: str | None = None, kind: str | None = None, to_do: bool = False
) -> Select[Any]:
    stmt = (
        select(WorkOrder)
        .options(joinedload(WorkOrder.customer), selectinload(WorkOrder.hardware), selectinload(WorkOrder.times))
        .order_by(WorkOrder.id.desc())
    )
    if customer_id is not None:
        stmt = stmt.where(WorkOrder.customer_id == customer_id)
    if status:
        stmt = stmt.where(WorkOrder.status == status)
    if kind:
        stmt = stmt.where(WorkOrder.kind == kind)
    if to_do:
        # What technicians may carry out or are carrying out: M1 once accepted (R2), M2 at once.
        stmt = (
            stmt.where(
                or_(
                    WorkOrder.status.in_((WorkStatus.in_progress, WorkStatus.accepted)),
                    (WorkOrder.kind == WorkKind.necessary) & WorkOrder.status.in_(BEFORE_START),
                )
            )
            .order_by(None)
            .order_by((WorkOrder.status == WorkStatus.in_progress).desc(), WorkOrder.id)  # in progress first
        )
    return stmt
