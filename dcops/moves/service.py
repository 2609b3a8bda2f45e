"""Relocation orders: planned by account managers inside the contract's windows (K4–K6, D3), checked for
equivalence (K3/D3) when planned and again when carried out, executed by technicians through the mount
service in one transaction, and every vacated space handed back (A6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops import audit, crud
from dcops.customers import breaches
from dcops.customers.models import Breach, Customer, WrittenPermission
from dcops.customers.schemas import BreachIn
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.moves.models import HandBack, Relocation, RelocationItem, RelocationKind, RelocationStatus
from dcops.moves.schemas import ConsultIn, HandBackIn, PlanIn, RelocationIn, RequestIn, ScheduleIn
from dcops.racks import service, units
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, RackKind, RackUnit, Room
from dcops.racks.schemas import MountIn, UnmountIn
from dcops.terms import Denied, Reason, Service, Verdict
from dcops.terms.relocation import (
    Original,
    Target,
    customer_deadline,
    customer_overdue,
    equivalent,
    may_schedule,
    may_start_reassignment,
)
from dcops.validation import as_dict

OPEN = (RelocationStatus.draft, RelocationStatus.consulted, RelocationStatus.scheduled, RelocationStatus.in_progress)


# --- equivalence (K3/D3) ------------------------------------------------------------------------------


def _original(hw: Hardware, rack: Rack | None) -> Original:
    return Original(
        hardware=hw.name,
        rack_private=bool(rack and rack.kind is RackKind.private),
        site=rack.room.site.code if rack else "",
        draw_w=hw.power_draw_w,
    )


def _target(db: Session, hw: Hardware, rack: Rack, position: int, face: Face) -> Target:
    wanted = units.cells(position, hw.u_height, face, hw.full_depth)
    taken = {
        (u, f)
        for u, f in db.execute(
            select(RackUnit.unit, RackUnit.face).where(RackUnit.rack_id == rack.id, RackUnit.hardware_id != hw.id)
        )
    }
    fits = units.fit_error(rack.u_height, position, hw.u_height) is None
    usage = service.rack_usage(db, rack_ids=[rack.id])[0]
    draw = usage.draw_w - (hw.power_draw_w if hw.rack_id == rack.id else 0)
    faces = " and ".join(f.value for f in units.faces(face, hw.full_depth))
    return Target(
        rack=rack.name,
        rack_private=rack.kind is RackKind.private,
        rack_site=rack.room.site.code,
        free_run=fits and not (set(wanted) & taken),
        power_left_w=rack.power_budget_w - draw if rack.power_budget_w else None,
        units_needed=f"{units.describe_units(units.span(position, hw.u_height))} {faces}",
    )


def check_item(db: Session, order: Relocation, item: RelocationItem) -> Verdict:
    """K3 for a move to a rack position; D3 for a replacement: free supplier hardware in a like place."""
    hw = item.hardware
    if item.replacement_id is not None:
        new = db.get(Hardware, item.replacement_id)
        if new is None:
            raise ValidationFailed({"replacement_id": f"No hardware with id {item.replacement_id}"})
        reasons = []
        if new.contract_id is not None:
            reasons.append(f"{new.name} is already assigned under contract {new.contract.number}")
        if new.u_height < hw.u_height:
            reasons.append(f"{new.name} is {new.u_height}U, smaller than {hw.name} ({hw.u_height}U)")
        orig, repl = _original(hw, hw.rack), _original(new, new.rack)
        if new.rack is None:
            reasons.append(f"{new.name} is not mounted")
        elif orig.site != repl.site and not order.other_site_allowed:
            reasons.append(f"{new.name} is in {repl.site}, not {orig.site}: the order does not name another datacenter")
        return Verdict.deny(*(Reason("D3", "11.4", r) for r in reasons)) if reasons else Verdict.allow()
    if item.target_rack_id is None:
        return Verdict.allow()  # switching off or removing: there is no new place to compare
    rack = db.get(Rack, item.target_rack_id)
    if rack is None:
        raise ValidationFailed({"items": f"No rack with id {item.target_rack_id}"})
    target = _target(db, hw, rack, item.target_position or 1, item.target_face or Face.front)
    return equivalent(_original(hw, item.from_rack), target, order.other_site_allowed)


def _check_all(db: Session, order: Relocation) -> None:
    verdict = Verdict.combine(*(check_item(db, order, i) for i in order.items))
    if not verdict.allowed:
        raise Denied(verdict)


# --- planning -----------------------------------------------------------------------------------------


def _items(db: Session, data: RelocationIn) -> list[RelocationItem]:
    items, errors = [], []
    for n, it in enumerate(data.items, 1):
        hw = db.get(Hardware, it.hardware_id)
        if hw is None:
            errors.append(f"item {n}: no hardware with id {it.hardware_id}")
            continue
        if hw.contract is None or hw.contract.customer_id != data.customer_id:
            errors.append(f"item {n}: {hw.name} is not under a contract of this customer")
            continue
        if data.kind is RelocationKind.colocation_move and hw.contract.service is not Service.colocation:
            errors.append(f"item {n}: {hw.name} is dedicated hardware: plan a dedicated reassignment (D3)")
        if data.kind is RelocationKind.dedicated_reassignment and (
            hw.contract.service is not Service.dedicated or it.replacement_id is None
        ):
            errors.append(f"item {n}: a dedicated reassignment names dedicated hardware and its replacement")
        if (
            data.kind is not RelocationKind.dedicated_reassignment
            and data.action == "move"
            and (it.target_rack_id is None or it.target_position is None)
        ):
            errors.append(f"item {n}: a move needs a target rack and position")
        items.append(
            RelocationItem(
                hardware=hw,
                from_rack_id=hw.rack_id,
                from_position=hw.position,
                from_face=hw.face,
                target_rack_id=it.target_rack_id,
                target_position=it.target_position,
                target_face=it.target_face if it.target_rack_id else None,
                replacement_id=it.replacement_id,
            )
        )
    if errors:
        raise ValidationFailed({"items": "; ".join(errors)})
    return items


def create_order(db: Session, data: RelocationIn, actor: str) -> Relocation:
    if data.emergency and not data.emergency_reason:
        raise ValidationFailed({"emergency_reason": "An emergency move records why (Art. 12.7, rule K6)"})
    if (
        data.kind is RelocationKind.supplier_action
        and data.action != "move"
        and any(i.target_rack_id for i in data.items)
    ):
        raise ValidationFailed({"items": "Switching off or removing has no target"})
    if db.get(Customer, data.customer_id) is None:
        raise ValidationFailed({"customer_id": f"No customer with id {data.customer_id}"})
    with atomic(db):
        values = {k: v for k, v in as_dict(data).items() if k != "items"}
        order = crud.create(db, Relocation, {**values, "created_by": actor}, actor=actor)
        order.items = _items(db, data)
        db.flush()
        audit.record(
            db,
            actor=actor,
            action="update",
            object_type="relocation",
            object_id=order.id,
            after={"items": [_item_state(i) for i in order.items]},
        )
        _check_all(db, order)  # planned: the targets must reasonably meet the original requirements
    return order


def _item_state(i: RelocationItem) -> dict[str, Any]:
    return {
        k: getattr(i, k)
        for k in ("hardware_id", "from_rack_id", "from_position", "target_rack_id", "target_position", "replacement_id")
    }


def _require(order: Relocation, *statuses: RelocationStatus) -> None:
    if order.status not in statuses:
        raise Conflict(f"This order is {order.status.value.replace('_', ' ')}")


def consult(db: Session, order: Relocation, data: ConsultIn, actor: str) -> Relocation:
    """K4: the consultation with the customer, which opens the supplier's 14-day window."""
    _require(order, RelocationStatus.draft, RelocationStatus.consulted)
    return crud.update(
        db,
        order,
        {
            "consulted_on": data.consulted_on,
            "consulted_with": data.consulted_with,
            "consultation_outcome": data.outcome,
            "status": RelocationStatus.consulted,
        },
        actor=actor,
    )


def request_move(db: Session, order: Relocation, data: RequestIn, actor: str) -> Relocation:
    """K5: the supplier asks the customer (who maintains its own hardware) to move within 14 days."""
    _require(order, *OPEN[:3])
    if not order.customer_executes:
        raise Conflict("The supplier carries this move out; a request to the customer is for K5 orders")
    return crud.update(db, order, {"requested_on": data.requested_on}, actor=actor)


def agree_plan(db: Session, order: Relocation, data: PlanIn, actor: str) -> Relocation:
    """D3: the plan of approach agreed with the customer."""
    _require(order, *OPEN[:3])
    if order.kind is not RelocationKind.dedicated_reassignment:
        raise Conflict("A plan of approach belongs to a dedicated reassignment (D3)")
    return crud.update(
        db,
        order,
        {"plan_text": data.plan_text, "plan_agreed_on": data.plan_agreed_on, "plan_agreed_with": data.plan_agreed_with},
        actor=actor,
    )


def schedule(db: Session, order: Relocation, data: ScheduleIn, actor: str) -> Relocation:
    _require(order, *OPEN[:3])
    agreed = bool(data.agreement_note)
    if data.agreement_permission_id is not None:
        permission = db.get(WrittenPermission, data.agreement_permission_id)
        if permission is None or permission.customer_id != order.customer_id or permission.revoked:
            raise ValidationFailed({"agreement_permission_id": "Choose a written permission of this customer"})
        agreed = True
    verdict = may_schedule(data.planned_on, order.consulted_on, order.emergency or order.customer_executes, agreed)
    if not verdict.allowed:
        raise Denied(verdict)
    with atomic(db):
        _check_all(db, order)
        return crud.update(
            db,
            order,
            {
                "planned_on": data.planned_on,
                "agreement_permission_id": data.agreement_permission_id,
                "agreement_note": data.agreement_note,
                "status": RelocationStatus.scheduled,
            },
            actor=actor,
        )


def cancel(db: Session, order: Relocation, actor: str) -> Relocation:
    _require(order, *OPEN)
    if any(i.done_at for i in order.items):
        raise Conflict("Items of this order were carried out already; finish it instead")
    return crud.update(db, order, {"status": RelocationStatus.cancelled}, actor=actor)


# --- carrying out -------------------------------------------------------------------------------------


def _may_execute(order: Relocation, today: date) -> None:
    if order.status in (RelocationStatus.done, RelocationStatus.cancelled):
        raise Conflict(f"This order is {order.status.value}")
    if order.kind is RelocationKind.dedicated_reassignment:
        verdict = may_start_reassignment(order.plan_agreed_on, order.emergency, today)
        if not verdict.allowed:
            raise Denied(verdict)
    elif (
        not order.emergency
        and order.status is not RelocationStatus.scheduled
        and order.status is not RelocationStatus.in_progress
    ):
        raise Denied(Verdict.deny(_unscheduled(order)))


def _unscheduled(order: Relocation) -> Reason:
    if order.consulted_on is None:
        return Reason("K4", "12.4", "Consult the customer and schedule the move first (or record an emergency, K6)")
    return Reason("K4", "12.4", "Schedule the move inside its window first (or record an emergency, K6)")


def execute_item(db: Session, order: Relocation, item: RelocationItem, actor: str, today: date) -> RelocationItem:
    """One item, atomically: the equivalence is checked again, the hardware moves through the mount service,
    the vacated space gets a hand-back."""
    _may_execute(order, today)
    if item.done_at is not None:
        raise Conflict(f"{item.hardware.name} was already moved")
    with atomic(db):
        verdict = check_item(db, order, item)
        if not verdict.allowed:
            raise Denied(verdict)
        hw = item.hardware
        vacated = (hw.rack_id, hw.position, hw.u_height) if hw.rack_id else None
        if item.replacement_id is not None:
            _reassign(db, hw, item, actor)
            vacated = None  # the customer keeps a server in place; the old one stays mounted as the supplier's
        elif order.action == "remove":
            service.unmount(db, hw, UnmountIn(status=HardwareStatus.removed), actor)  # K10 is checked there
        elif order.action == "switch_off":
            audit.record(
                db,
                actor=actor,
                action="switch off",
                object_type="hardware",
                object_id=hw.id,
                extra={"relocation_id": order.id, "reason": order.reason},
            )
            vacated = None
        else:
            target = MountIn(rack_id=item.target_rack_id, position=item.target_position, face=item.target_face)
            service.move(db, hw, target, actor)  # a move to another site checks the lien (K10)
        if vacated is not None:
            rack_id, position, height = vacated
            db.add(
                HandBack(
                    rack_id=rack_id,
                    units=units.describe_units(units.span(position, height)),
                    customer_id=order.customer_id,
                    relocation_id=order.id,
                    vacated_on=today,
                )
            )
        crud.update(db, item, {"done_at": utcnow(), "done_by": actor}, actor=actor)
        done = all(i.done_at for i in order.items)
        crud.update(db, order, {"status": RelocationStatus.done if done else RelocationStatus.in_progress}, actor=actor)
    return item


def execute_all(db: Session, order: Relocation, actor: str, today: date) -> Relocation:
    """The whole order in one transaction: one item refused, nothing moved."""
    with atomic(db):
        for item in order.items:
            if item.done_at is None:
                execute_item(db, order, item, actor, today)
    return order


def _reassign(db: Session, old: Hardware, item: RelocationItem, actor: str) -> None:
    """D3: the replacement takes over the contract; the old hardware stays the supplier's (D1)."""
    new = db.get(Hardware, item.replacement_id)
    contract_id = old.contract_id
    crud.update(db, old, {"contract_id": None}, actor=actor)
    crud.update(db, new, {"contract_id": contract_id}, actor=actor)  # type: ignore[arg-type]


# --- K5 and A6 ----------------------------------------------------------------------------------------


def record_k5_breach(db: Session, order: Relocation, actor: str, today: date) -> Breach:
    """K5: the customer did not move within 14 days of the request: a breach of Art. 12.4 in one step."""
    if not customer_overdue(order.requested_on, order.status is RelocationStatus.done, today):
        raise Conflict("The customer's 14 days have not passed (or the move is done)")
    if order.breach_id is not None:
        raise Conflict("A breach was recorded for this order already")
    assert order.requested_on is not None
    body = BreachIn(
        customer_id=order.customer_id,
        article="12.4",
        occurred_on=customer_deadline(order.requested_on),
        description=f"Hardware not moved within 14 days of the request of {order.requested_on} "
        f"(relocation #{order.id}: {order.reason[:200]})",
    )
    with atomic(db):
        breach = breaches.create_breach(db, body, actor)
        crud.update(db, order, {"breach_id": breach.id}, actor=actor)
    return breach


def inspect_hand_back(db: Session, hb: HandBack, data: HandBackIn, actor: str, today: date) -> HandBack:
    if hb.inspected_on is not None:
        raise Conflict(f"This space was inspected on {hb.inspected_on}")
    if not data.as_received and not (data.findings or "").strip():
        raise ValidationFailed({"findings": "Say what differs from how the space was received"})
    return crud.update(
        db,
        hb,
        {
            "as_received": data.as_received,
            "findings": data.findings,
            "inspected_on": data.inspected_on or today,
            "inspected_by": actor,
        },
        actor=actor,
    )


def hand_back_breach(db: Session, hb: HandBack, actor: str) -> Breach:
    """A6: a space not handed back as received is a breach of Art. 13.6."""
    if hb.as_received is not False or hb.customer_id is None:
        raise Conflict("Only a failed hand-back of a customer's space is recorded as a breach")
    if hb.breach_id is not None:
        raise Conflict("A breach was recorded for this hand-back already")
    body = BreachIn(
        customer_id=hb.customer_id,
        article="13.6",
        occurred_on=hb.inspected_on or hb.vacated_on,
        description=f"Space {hb.rack.name} {hb.units} not handed back as received: {hb.findings}",
    )
    with atomic(db):
        breach = breaches.create_breach(db, body, actor)
        crud.update(db, hb, {"breach_id": breach.id}, actor=actor)
    return breach


# --- queries ------------------------------------------------------------------------------------------


def order_query(customer_id: int | None = None, status: str | None = None, room_id: int | None = None) -> Select[Any]:
    stmt = (
        select(Relocation)
        .options(
            joinedload(Relocation.customer),
            selectinload(Relocation.items).joinedload(RelocationItem.hardware),
            selectinload(Relocation.items).joinedload(RelocationItem.from_rack),
            selectinload(Relocation.items).joinedload(RelocationItem.target_rack),
        )
        .order_by(Relocation.id.desc())
    )
    if customer_id is not None:
        stmt = stmt.where(Relocation.customer_id == customer_id)
    if status:
        stmt = stmt.where(Relocation.status == status)
    if room_id is not None:
        in_room = (
            select(RelocationItem.relocation_id)
            .join(Rack, Rack.id == RelocationItem.from_rack_id)
            .where(Rack.room_id == room_id)
        )
        stmt = stmt.where(Relocation.id.in_(in_room))
    return stmt


def pending_hardware_ids(db: Session) -> set[int]:
    """Hardware with a move still to do: the rack elevation marks it."""
    return set(
        db.scalars(
            select(RelocationItem.hardware_id)
            .join(Relocation)
            .where(RelocationItem.done_at.is_(None), Relocation.status.in_(OPEN))
        )
    )


def open_hand_backs(db: Session) -> list[HandBack]:
    stmt = (
        select(HandBack)
        .options(joinedload(HandBack.rack).joinedload(Rack.room).joinedload(Room.site), joinedload(HandBack.customer))
        .where(HandBack.inspected_on.is_(None))
        .order_by(HandBack.vacated_on)
    )
    return list(db.scalars(stmt))


def overdue_requests(db: Session, today: date) -> list[Relocation]:
    stmt = (
        select(Relocation)
        .options(joinedload(Relocation.customer))
        .where(
            Relocation.customer_executes.is_(True),
            Relocation.requested_on.is_not(None),
            Relocation.status.in_(OPEN),
        )
    )
    return [o for o in db.scalars(stmt) if customer_overdue(o.requested_on, False, today)]
