"""Relocation orders: planned by account managers inside the contract's windows (K4–K6, D3), checked for
equivalence (K3/D3) when planned and again when carried out, executed through the mount service in one
transaction, and every vacated space handed back (A6). Colocation hardware changes rack or leaves only here
(K8): through an order, a supplier action with its reason, or the customer's recorded request."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops import audit, clock, crud
from dcops.customers import breaches
from dcops.customers.models import Breach, Customer
from dcops.customers.schemas import BreachIn
from dcops.db import atomic, utcnow
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _, day
from dcops.moves.models import HandBack, Relocation, RelocationItem, RelocationKind, RelocationStatus, Vacater
from dcops.moves.queries import OPEN
from dcops.moves.schemas import (
    MESSAGE_FIELDS,
    ConsultIn,
    DirectIn,
    HandBackIn,
    PlanIn,
    RelocationIn,
    RequestIn,
    ScheduleIn,
)
from dcops.notices import messages
from dcops.racks import service, units
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, RackKind, RackUnit
from dcops.racks.schemas import MountIn, UnmountIn
from dcops.terms import Denied, Reason, Service, Verdict
from dcops.terms.relocation import (
    Original,
    Specification,
    Target,
    breach_day,
    customer_overdue,
    equivalent,
    may_carry_out_on,
    may_customer_execute,
    may_schedule,
    may_start_reassignment,
    may_supplier_move,
    meets_specification,
)
from dcops.terms.relocation import (
    hand_back_breach as hand_back_is_breach,
)
from dcops.validation import as_dict
from dcops.vocabulary import word

PLANNING = OPEN  # an order can be (re)planned until it is done or cancelled
# Orders the customer's own side carries out or asks for: the space is the customer's to hand back (A6).
BY_CUSTOMER = (RelocationKind.customer_request,)


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
            raise ValidationFailed({"replacement_id": _("No hardware with id %(id)s", id=item.replacement_id)})
        reasons = []
        if new.contract_id is not None:
            reasons.append(
                _(
                    "%(hardware)s is already assigned under contract %(contract)s",
                    hardware=new.name,
                    contract=new.contract.number,
                )
            )
        orig, repl = _original(hw, hw.rack), _original(new, new.rack)
        if new.rack is None:
            reasons.append(_("%(hardware)s is not mounted", hardware=new.name))
        elif orig.site != repl.site and not order.other_site_allowed:
            reasons.append(
                _(
                    "%(hardware)s is in %(site)s, not %(original)s: the order does not name another datacenter",
                    hardware=new.name,
                    site=repl.site,
                    original=orig.site,
                )
            )
        spec = _specification(hw)
        return Verdict.combine(
            Verdict.deny(*(Reason("D3", "11.4", r) for r in reasons)) if reasons else Verdict.allow(),
            meets_specification(spec[0], spec[1], new.name, _offered(new)),
        )
    if item.target_rack_id is None or order.kind is RelocationKind.customer_request:
        # Switching off or removing has no new place to compare; a place the customer asked for is its choice.
        return Verdict.allow()
    rack = db.get(Rack, item.target_rack_id)
    if rack is None:
        raise ValidationFailed({"items": _("No rack with id %(id)s", id=item.target_rack_id)})
    target = _target(db, hw, rack, item.target_position or 1, item.target_face or Face.front)
    return equivalent(_original(hw, item.from_rack), target, order.other_site_allowed)


def _specification(hw: Hardware) -> tuple[str, Specification]:
    """D3: what the contract of the original hardware agreed it must offer (not its height)."""
    c = hw.contract
    if c is None:
        return "", Specification()
    return c.number, Specification(c.spec_cpu_cores, c.spec_memory_gb, c.spec_storage_gb, c.spec_network_mbps)


def _offered(hw: Hardware) -> Specification:
    return Specification(hw.cpu_cores, hw.memory_gb, hw.storage_gb, hw.network_mbps)


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
            errors.append(_("item %(n)s: no hardware with id %(id)s", n=n, id=it.hardware_id))
            continue
        if hw.contract is None or hw.contract.customer_id != data.customer_id:
            errors.append(_("item %(n)s: %(hardware)s is not under a contract of this customer", n=n, hardware=hw.name))
            continue
        if data.kind is RelocationKind.colocation_move and hw.contract.service is not Service.colocation:
            errors.append(
                _(
                    "item %(n)s: %(hardware)s is dedicated hardware: plan a dedicated reassignment (D3)",
                    n=n,
                    hardware=hw.name,
                )
            )
        if data.kind is RelocationKind.dedicated_reassignment and (
            hw.contract.service is not Service.dedicated or it.replacement_id is None
        ):
            errors.append(_("item %(n)s: a dedicated reassignment names dedicated hardware and its replacement", n=n))
        if (
            data.kind is not RelocationKind.dedicated_reassignment
            and data.action == "move"
            and (it.target_rack_id is None or it.target_position is None)
        ):
            errors.append(_("item %(n)s: a move needs a target rack and position", n=n))
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
    _who_moves(data, [i.hardware for i in items])
    return items


def _maintained(hardware: list[Hardware]) -> dict[str, bool]:
    return {hw.name: bool(hw.contract and hw.contract.customer_maintains_hardware) for hw in hardware}


def _who_moves(data: RelocationIn, hardware: list[Hardware]) -> None:
    """K5: the customer moves what it maintains itself, and nothing else; the supplier moves such hardware only
    in an emergency, also when it judges a move necessary (K8). Switching off or removing is no move."""
    if data.customer_executes and data.kind is not RelocationKind.colocation_move:
        raise ValidationFailed({"customer_executes": _("Only a colocation move is carried out by the customer (K5)")})
    if data.kind is RelocationKind.dedicated_reassignment or data.action != "move":
        return
    if data.customer_executes:
        verdict = may_customer_execute(_maintained(hardware))
    else:
        verdict = may_supplier_move(_maintained(hardware), data.emergency)
    if not verdict.allowed:
        raise Denied(verdict)


def create_order(db: Session, data: RelocationIn, actor: str) -> Relocation:
    if data.emergency and not data.emergency_reason:
        raise ValidationFailed({"emergency_reason": _("An emergency move records why (Art. 12.7, rule K6)")})
    if data.kind is RelocationKind.customer_request:
        raise ValidationFailed({"kind": _("A customer's request is recorded with its message on the hardware page")})
    if data.action != "move" and any(i.target_rack_id for i in data.items):
        raise ValidationFailed({"items": _("Switching off, unmounting or removing has no target")})
    if data.action != "move" and data.kind is not RelocationKind.supplier_action:
        raise ValidationFailed({"action": _("Only a supplier action switches off, unmounts or removes (K8)")})
    if db.get(Customer, data.customer_id) is None:
        raise ValidationFailed({"customer_id": _("No customer with id %(id)s", id=data.customer_id)})
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
        raise Conflict(_("This order is %(status)s", status=word(order.status)))


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


def request_move(db: Session, order: Relocation, data: RequestIn, actor: str, today: date | None = None) -> Relocation:
    """K5: the supplier asks the customer (who maintains its own hardware) to move within 14 days. A request made
    today is e-mailed to the customer's technical contacts with its deadline (dcops.notices); one recorded for an
    earlier day was made outside dcops."""
    _require(order, *OPEN[:3])
    if not order.customer_executes:
        raise Conflict(_("The supplier carries this move out; a request to the customer is for K5 orders"))
    asked_again = order.requested_on != data.requested_on
    with atomic(db):
        crud.update(db, order, {"requested_on": data.requested_on}, actor=actor)
        if asked_again and data.requested_on == (today or clock.today()):
            messages.move_request(db, order, actor)
    return order


def agree_plan(db: Session, order: Relocation, data: PlanIn, actor: str) -> Relocation:
    """D3: the plan of approach agreed with the customer."""
    _require(order, *OPEN[:3])
    if order.kind is not RelocationKind.dedicated_reassignment:
        raise Conflict(_("A plan of approach belongs to a dedicated reassignment (D3)"))
    return crud.update(
        db,
        order,
        {"plan_text": data.plan_text, "plan_agreed_on": data.plan_agreed_on, "plan_agreed_with": data.plan_agreed_with},
        actor=actor,
    )


def schedule(db: Session, order: Relocation, data: ScheduleIn, actor: str) -> Relocation:
    """K4: the planned date, inside the window after the consultation, or on another day the customer agreed to in
    a message of its own (R2). Planning again (a move not carried out on its day) follows the same rule."""
    _require(order, *PLANNING)
    if errors := data.missing():
        raise ValidationFailed(errors)
    verdict = may_schedule(data.planned_on, order.consulted_on, order.emergency, data.given, order.customer_executes)
    if not verdict.allowed:
        raise Denied(verdict)
    message = {k: getattr(data, k) for k in MESSAGE_FIELDS}
    with atomic(db):
        _check_all(db, order)
        status = (
            RelocationStatus.in_progress if order.status is RelocationStatus.in_progress else RelocationStatus.scheduled
        )
        return crud.update(
            db,
            order,
            {"planned_on": data.planned_on, **message, "agreement_note": data.agreement_note, "status": status},
            actor=actor,
        )


def cancel(db: Session, order: Relocation, actor: str) -> Relocation:
    _require(order, *OPEN)
    if any(i.done_at for i in order.items):
        raise Conflict(_("Items of this order were carried out already; finish it instead"))
    return crud.update(db, order, {"status": RelocationStatus.cancelled}, actor=actor)


# --- carrying out -------------------------------------------------------------------------------------


def may_execute(order: Relocation, today: date) -> Verdict:
    """Whether the order can be carried out today: K4 on its planned date, K5 once the customer was asked, D3 with
    its plan agreed, K6 at once; a supplier action (K8) and a customer's request whenever they are recorded."""
    if order.kind is RelocationKind.dedicated_reassignment:
        return may_start_reassignment(order.plan_agreed_on, order.emergency, today)
    if order.kind in (RelocationKind.supplier_action, RelocationKind.customer_request):
        return Verdict.allow()
    if order.customer_executes and not order.emergency:
        if order.requested_on is None:
            return Verdict.deny(Reason("K5", "12.4", _("Ask the customer to move first: its 14 days start then")))
        return Verdict.allow(Reason("K5", "12.4", _("the customer moves its own hardware")))
    if order.consulted_on is None and not order.emergency:
        return Verdict.deny(
            Reason("K4", "12.4", _("Consult the customer and schedule the move first (or record an emergency, K6)"))
        )
    if order.status not in (RelocationStatus.scheduled, RelocationStatus.in_progress) and not order.emergency:
        return may_carry_out_on(None, today, False)
    return may_carry_out_on(order.planned_on, today, order.emergency)


def _may_execute(order: Relocation, today: date) -> None:
    if order.status in (RelocationStatus.done, RelocationStatus.cancelled):
        raise Conflict(_("This order is %(status)s", status=word(order.status)))
    verdict = may_execute(order, today)
    if not verdict.allowed:
        raise Denied(verdict)


def execute_item(db: Session, order: Relocation, item: RelocationItem, actor: str, today: date) -> RelocationItem:
    """One item, atomically: the equivalence is checked again, the hardware moves through the mount service,
    the vacated space gets a hand-back."""
    _may_execute(order, today)
    if item.done_at is not None:
        raise Conflict(_("%(hardware)s was already moved", hardware=item.hardware.name))
    with atomic(db):
        verdict = check_item(db, order, item)
        if not verdict.allowed:
            raise Denied(verdict)
        hw = item.hardware
        basis = f"relocation #{order.id} ({order.kind.value.replace('_', ' ')})"
        hand_back = _hand_back(order, hw, today) if hw.rack_id else None
        if item.replacement_id is not None:
            _reassign(db, hw, item, actor)
            hand_back = None  # the customer keeps a server in place; the old one stays mounted as the supplier's
        elif order.action in ("remove", "unmount"):
            status = HardwareStatus.removed if order.action == "remove" else HardwareStatus.planned
            service.unmount(db, hw, UnmountIn(status=status), actor, basis, today)  # K10 is checked there
            if hand_back is not None:
                hand_back.cause = "removal"
        elif order.action == "switch_off":
            audit.record(
                db,
                actor=actor,
                action="switch off",
                object_type="hardware",
                object_id=hw.id,
                extra={"relocation_id": order.id, "reason": order.reason},
            )
            hand_back = None
        else:
            target = MountIn(rack_id=item.target_rack_id, position=item.target_position, face=item.target_face)
            service.move(db, hw, target, actor, basis, today)  # a move to another site checks the lien (K10)
        if hand_back is not None:
            db.add(hand_back)
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


def _hand_back(order: Relocation, hw: Hardware, today: date) -> HandBack:
    """A6: the space `hw` leaves, to be inspected against how it was provided. The customer hands back what it
    vacated itself (its own move under K5, its request); a space the supplier vacated is no breach of its."""
    rack = hw.rack
    assert rack is not None and hw.position is not None
    by_customer = order.kind in BY_CUSTOMER or (order.customer_executes and not order.emergency)
    intake = hw.intake_state or (rack.intake_state if rack.kind is RackKind.private else None)
    return HandBack(
        rack_id=rack.id,
        units=units.describe_units(units.span(hw.position, hw.u_height)),
        customer_id=order.customer_id,
        contract_id=hw.contract_id,
        relocation_id=order.id,
        vacated_on=today,
        vacated_by=Vacater.customer if by_customer else Vacater.supplier,
        cause="move",
        intake_state=intake,
    )


def move_now(db: Session, hw: Hardware, data: DirectIn, actor: str, today: date) -> Relocation:
    """K8: colocation hardware moved, unmounted or removed outside a planned relocation, as a recorded supplier
    action (with its reason) or at the customer's recorded request (its written message, R2), in one step."""
    errors = data.missing()
    if data.basis is None:
        errors["basis"] = _("Say on what basis: the customer's recorded request or a supplier action (rule K8)")
    if data.basis == "customer_request" and not data.given:
        errors.update(
            (k, _("The customer's request is recorded with who sent it, when, how and its reference"))
            for k in MESSAGE_FIELDS
            if getattr(data, k) is None
        )
    if data.basis == "supplier_action" and not data.reason:
        errors["reason"] = _("A supplier action records why the supplier judges it necessary (Art. 12.7, rule K8)")
    if data.action == "move" and (data.rack_id is None or data.position is None):
        errors["rack_id"] = _("A move needs a target rack and position")
    if errors:
        raise ValidationFailed(errors)
    if hw.contract is None:
        raise ValidationFailed({"": _("%(hardware)s is under no contract: move it directly", hardware=hw.name)})
    if data.basis == "supplier_action" and data.action == "move":
        verdict = may_supplier_move(_maintained([hw]), data.emergency)  # K5: the customer moves what it maintains
        if not verdict.allowed:
            raise Denied(verdict)
    kind = RelocationKind.customer_request if data.basis == "customer_request" else RelocationKind.supplier_action
    reason = data.reason or f"At the customer's request ({data.message_channel}, {data.message_reference})"
    target = (data.rack_id, data.position, data.face) if data.action == "move" else (None, None, None)
    with atomic(db):
        order = crud.create(
            db,
            Relocation,
            {
                "customer_id": hw.contract.customer_id,
                "kind": kind,
                "action": data.action,
                "reason": reason,
                "emergency": data.emergency and kind is RelocationKind.supplier_action,
                "emergency_reason": data.reason if data.emergency and kind is RelocationKind.supplier_action else None,
                "status": RelocationStatus.scheduled,
                "planned_on": today,
                "other_site_allowed": True,  # the customer asked for it, or the supplier judged it necessary
                **{k: getattr(data, k) for k in MESSAGE_FIELDS},
                "created_by": actor,
            },
            actor=actor,
        )
        item = RelocationItem(
            hardware=hw,
            from_rack_id=hw.rack_id,
            from_position=hw.position,
            from_face=hw.face,
            target_rack_id=target[0],
            target_position=target[1],
            target_face=target[2],
        )
        order.items = [item]
        db.flush()
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
    """K5: the customer did not move within 14 days of the request: a breach of Art. 12.4 from the day after
    its deadline, under the contract of the hardware concerned, in one step."""
    if not customer_overdue(order.requested_on, order.status is RelocationStatus.done, today):
        raise Conflict(_("The customer's 14 days have not passed (or the move is done)"))
    if order.breach_id is not None:
        raise Conflict(_("A breach was recorded for this order already"))
    assert order.requested_on is not None
    body = BreachIn(
        customer_id=order.customer_id,
        contract_id=breaches.contract_for(db, order.customer_id, [i.hardware.contract_id for i in order.items]),
        article="12.4",
        occurred_on=breach_day(order.requested_on),
        description=f"Hardware not moved within 14 days of the request of {order.requested_on} "
        f"(relocation #{order.id}: {order.reason[:200]})",
    )
    with atomic(db):
        breach = breaches.create_breach(db, body, actor)
        crud.update(db, order, {"breach_id": breach.id}, actor=actor)
    return breach


def inspect_hand_back(db: Session, hb: HandBack, data: HandBackIn, actor: str, today: date) -> HandBack:
    if hb.inspected_on is not None:
        raise Conflict(_("This space was inspected on %(day)s", day=day(hb.inspected_on)))
    if not data.as_received and not (data.findings or "").strip():
        raise ValidationFailed({"findings": _("Say what differs from how the space was received")})
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
    """A6: a space the customer vacated and did not hand back as received is a breach of Art. 13.6."""
    if hb.customer_id is None:
        raise Conflict(_("Only a failed hand-back of a customer's space is recorded as a breach"))
    verdict = hand_back_is_breach(hb.customer_vacated, hb.as_received)
    if not verdict.allowed:
        raise Denied(verdict)
    if hb.breach_id is not None:
        raise Conflict(_("A breach was recorded for this hand-back already"))
    body = BreachIn(
        customer_id=hb.customer_id,
        contract_id=breaches.contract_for(db, hb.customer_id, [hb.contract_id]),
        article="13.6",
        occurred_on=hb.inspected_on or hb.vacated_on,
        description=f"Space {hb.rack.name} {hb.units} not handed back as received: {hb.findings}",
    )
    with atomic(db):
        breach = breaches.create_breach(db, body, actor)
        crud.update(db, hb, {"breach_id": breach.id}, actor=actor)
    return breach


# --- queries ------------------------------------------------------------------------------------------


def order_query(
    customer_id: int | None = None,
    status: str | None = None,
    room_id: int | None = None,
    hardware_id: int | None = None,
    open_only: bool = False,
) -> Select[Any]:
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
    if hardware_id is not None:
        stmt = stmt.where(
            Relocation.id.in_(select(RelocationItem.relocation_id).where(RelocationItem.hardware_id == hardware_id))
        )
    if open_only:
        stmt = stmt.where(Relocation.status.in_(OPEN))
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
