"""Ports, cables and traces. Cables are checked against A3 (Art. 13.3) before they are recorded; a port
takes one cable, guarded by the cable_end primary key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, cast, delete, inspect, literal, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from dcops import audit, crud
from dcops.cabling.models import Cable, CableEnd, CableStatus, Port, PortKind, PortSide
from dcops.cabling.schemas import CableIn, PortIn, PortsIn
from dcops.customers.models import Customer
from dcops.db import atomic
from dcops.errors import Conflict, ValidationFailed
from dcops.i18n import _
from dcops.racks.models import Hardware, Rack, RackKind
from dcops.search import contains_text
from dcops.terms import Denied, Verdict
from dcops.terms.cabling import CableEnd as End
from dcops.terms.cabling import may_cable
from dcops.validation import as_dict
from dcops.vocabulary import word

MAX_HOPS = 32
CABLE, PASS = 1, 0  # the two kinds of step in a trace, which alternate
FORWARD, BACKWARD = 0, 1  # a trace's two ways from its port: its cable's first, its pass-through's first

# --- ports --------------------------------------------------------------------------------------------


def _port_values(db: Session, data: PortIn, port: Port | None) -> dict[str, Any]:
    if db.get(Hardware, data.hardware_id) is None:
        raise ValidationFailed({"hardware_id": _("No hardware with id %(id)s", id=data.hardware_id)})
    values = as_dict(data)
    partner_id = values.pop("pass_through_id")
    if partner_id is not None:
        partner = db.get(Port, partner_id)
        if partner is None or partner.hardware_id != data.hardware_id:
            raise ValidationFailed({"pass_through_id": _("Choose a port of the same patch panel")})
        if {partner.side, data.side} != {PortSide.front, PortSide.rear} or partner.kind is not data.kind:
            raise ValidationFailed({"pass_through_id": _("A pass-through joins a front and a rear port of one kind")})
        if partner.pass_through_id not in (None, port.id if port else None):
            raise ValidationFailed(
                {"pass_through_id": _("%(port)s already passes through to another port", port=partner.name)}
            )
    return {**values, "pass_through_id": partner_id}


def _link(db: Session, port: Port, partner_id: int | None, actor: str) -> None:
    """Pass-through is mutual: set (or clear) the partner's link too."""
    old = db.scalars(select(Port).where(Port.pass_through_id == port.id, Port.id != partner_id)).all()
    for p in old:
        crud.update(db, p, {"pass_through_id": None}, actor=actor)
    if partner_id is not None:
        crud.update(db, db.get(Port, partner_id), {"pass_through_id": port.id}, actor=actor)  # type: ignore[arg-type]


def create_port(db: Session, data: PortIn, actor: str) -> Port:
    values = _port_values(db, data, None)
    with atomic(db):
        port = crud.create(db, Port, values, actor=actor, unique=(("hardware_id", "name"),))
        _link(db, port, port.pass_through_id, actor)
    return port


def update_port(db: Session, port: Port, data: PortIn, actor: str) -> Port:
    if data.hardware_id != port.hardware_id:
        raise ValidationFailed({"hardware_id": _("A port stays on its hardware")})
    if data.kind is not port.kind and _live_cable(db, port.id) is not None:
        raise Conflict(_("This port has a cable; remove it before changing the port's kind"))
    values = _port_values(db, data, port)
    with atomic(db):
        crud.update(db, port, values, actor=actor, unique=(("hardware_id", "name"),))
        _link(db, port, port.pass_through_id, actor)
    return port


def delete_port(db: Session, port: Port, actor: str) -> None:
    if _live_cable(db, port.id) is not None or db.scalar(
        select(Cable.id).where(or_(Cable.a_port_id == port.id, Cable.b_port_id == port.id)).limit(1)
    ):
        raise Conflict(_("This port has cables on record; remove them first"))
    with atomic(db):
        _link(db, port, None, actor)
        crud.delete(db, port, actor=actor)


def create_ports(db: Session, hardware: Hardware, data: PortsIn, actor: str) -> list[Port]:
    """`prefix`1..count; a patch panel gets front ports and rear ports (`prefix`N-R) linked pairwise."""
    made: list[Port] = []
    with atomic(db):
        for n in range(1, data.count + 1):
            if data.patch_panel:
                rear = create_port(
                    db,
                    PortIn(hardware_id=hardware.id, name=f"{data.prefix}{n}-R", kind=data.kind, side=PortSide.rear),
                    actor,
                )
                front = create_port(
                    db,
                    PortIn(
                        hardware_id=hardware.id,
                        name=f"{data.prefix}{n}",
                        kind=data.kind,
                        side=PortSide.front,
                        pass_through_id=rear.id,
                    ),
                    actor,
                )
                made += [front, rear]
            else:
                made.append(
                    create_port(db, PortIn(hardware_id=hardware.id, name=f"{data.prefix}{n}", kind=data.kind), actor)
                )
    return made


# --- cables -------------------------------------------------------------------------------------------


def _live_cable(db: Session, port_id: int) -> int | None:
    return db.scalar(select(CableEnd.cable_id).where(CableEnd.port_id == port_id))


def compatible(a: PortKind, b: PortKind) -> bool:
    """Power only to power, fibre only to fibre; copper network and console ports take the same cables."""
    if PortKind.power in (a, b) or PortKind.fibre in (a, b):
        return a is b
    return True


def _end(port: Port) -> End:
    rack: Rack | None = port.hardware.rack
    if rack is None:
        return End(None, None, False, None)
    return End(rack.name, rack.id, rack.kind is RackKind.private, rack.customer_id)


def _ports(db: Session, data: CableIn) -> tuple[Port, Port]:
    if data.a_port_id == data.b_port_id:
        raise ValidationFailed({"b_port_id": _("A cable joins two different ports")})
    stmt = (
        select(Port)
        .options(joinedload(Port.hardware).joinedload(Hardware.rack))
        .where(Port.id.in_([data.a_port_id, data.b_port_id]))
    )
    found = {p.id: p for p in db.scalars(stmt)}
    errors = {
        f: _("No port with id %(id)s", id=pid)
        for f, pid in (("a_port_id", data.a_port_id), ("b_port_id", data.b_port_id))
        if pid not in found
    }
    if errors:
        raise ValidationFailed(errors)
    a, b = found[data.a_port_id], found[data.b_port_id]
    if not compatible(a.kind, b.kind):
        raise ValidationFailed(
            {"b_port_id": _("A %(a)s port cannot be cabled to a %(b)s port", a=word(a.kind), b=word(b.kind))}
        )
    return a, b


def verdict(db: Session, data: CableIn) -> Verdict:
    """A3 on what the cable would be: shown before saving, enforced when saving."""
    a, b = _ports(db, data)
    if data.installed_by.value == "customer" and data.customer_id is None:
        raise ValidationFailed({"customer_id": _("Say whose technician installed it")})
    return may_cable(data.installed_by, data.route, _end(a), _end(b), data.customer_id)


def _check(db: Session, data: CableIn) -> None:
    if data.customer_id is not None and db.get(Customer, data.customer_id) is None:
        raise ValidationFailed({"customer_id": _("No customer with id %(id)s", id=data.customer_id)})
    answer = verdict(db, data)
    if not answer.allowed:
        raise Denied(answer)


class PortTaken(Conflict):
    """A port of the cable already has another one: `cable_id`, `cable` (its label) name it, for a link to it."""

    def __init__(self, message: str, cable_id: int, cable: str) -> None:
        super().__init__(message)
        self.cable_id, self.cable = cable_id, cable


def _occupy(db: Session, cable: Cable) -> None:
    for port_id in (cable.a_port_id, cable.b_port_id):
        taken = _live_cable(db, port_id)
        if taken is not None and taken != cable.id:
            label = db.get(Cable, taken).label  # type: ignore[union-attr]
            port = db.get(Port, port_id).label  # type: ignore[union-attr]
            raise PortTaken(_("Port %(port)s already has cable %(cable)s", port=port, cable=label), taken, label)
    db.execute(delete(CableEnd).where(CableEnd.cable_id == cable.id))
    if cable.status is not CableStatus.removed:
        db.add_all(
            [CableEnd(port_id=cable.a_port_id, cable_id=cable.id), CableEnd(port_id=cable.b_port_id, cable_id=cable.id)]
        )
    try:
        db.flush()
    except IntegrityError as exc:  # the other cable was recorded at the same moment
        raise Conflict(_("One of these ports was cabled at the same moment; reload and try again")) from exc


def create_cable(db: Session, data: CableIn, actor: str) -> Cable:
    _check(db, data)
    values = as_dict(data)
    generated = values["label"] is None
    if generated:
        values["label"] = f"tmp-{uuid.uuid4().hex[:12]}"
    with atomic(db):
        cable = crud.create(db, Cable, values, actor=actor, unique=(("label",),))
        if generated:
            cable.label = f"CBL-{cable.id:06d}"
            db.flush()
            audit.record(
                db, actor=actor, action="update", object_type="cable", object_id=cable.id, after={"label": cable.label}
            )
        _occupy(db, cable)
    return cable


def update_cable(db: Session, cable: Cable, data: CableIn, actor: str) -> Cable:
    _check(db, data)
    values = as_dict(data)
    if values["label"] is None:
        values["label"] = cable.label
    with atomic(db):
        crud.update(db, cable, values, actor=actor, unique=(("label",),))
        _occupy(db, cable)
    return cable


def delete_cable(db: Session, cable: Cable, actor: str) -> None:
    with atomic(db):
        db.execute(delete(CableEnd).where(CableEnd.cable_id == cable.id))
        crud.delete(db, cable, actor=actor)


def cable_query(rack_id: int | None = None, hardware_id: int | None = None, q: str = "") -> Select[Any]:
    a, b = aliased(Port), aliased(Port)
    ha, hb = aliased(Hardware), aliased(Hardware)
    stmt = (
        select(Cable)
        .join(a, a.id == Cable.a_port_id)
        .join(b, b.id == Cable.b_port_id)
        .join(ha, ha.id == a.hardware_id)
        .join(hb, hb.id == b.hardware_id)
        .options(
            joinedload(Cable.a_port).joinedload(Port.hardware).joinedload(Hardware.rack),
            joinedload(Cable.b_port).joinedload(Port.hardware).joinedload(Hardware.rack),
        )
        .order_by(Cable.label)
    )
    if rack_id is not None:
        stmt = stmt.where(or_(ha.rack_id == rack_id, hb.rack_id == rack_id))
    if hardware_id is not None:
        stmt = stmt.where(or_(ha.id == hardware_id, hb.id == hardware_id))
    if q:
        stmt = stmt.where(contains_text(q, Cable.label))
    return stmt


def ports_of(db: Session, hardware_id: int) -> list[tuple[Port, Cable | None, Port | None]]:
    """A hardware's ports, each with its live cable and the port at the cable's other end."""
    ports = db.scalars(select(Port).where(Port.hardware_id == hardware_id).order_by(Port.side, Port.id)).all()
    cables = {
        c.id: c
        for c in db.scalars(cable_query(hardware_id=hardware_id).where(Cable.status != CableStatus.removed)).unique()
    }
    rows = []
    for p in ports:
        cable = next((c for c in cables.values() if p.id in (c.a_port_id, c.b_port_id)), None)
        peer = None if cable is None else (cable.b_port if cable.a_port_id == p.id else cable.a_port)
        rows.append((p, cable, peer))
    return rows


# --- trace --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    """One step of a trace: a port, and the cable leaving it towards the next port (None at the far end or
    where the trace passes through a patch panel)."""

    port: Port
    cable: Cable | None


def trace(db: Session, start: Port) -> list[Hop]:
    """The whole path through a port, end to end, along cables and patch-panel pass-throughs, in three statements
    whatever the number of hops: a recursive query finds the path, then its ports and cables are read at once.

    A path alternates: a cable, then the pass-through of the port it reaches, then that port's cable. From a port
    in the middle (a patch panel's) it runs two ways, its cable's and its pass-through's: both are followed, each
    alternating from its first step, and the second is put in front, reversed, so the path reads end to end."""
    start_id = inspect(start).identity[0]  # without a reload, even if the session expired it
    ends = select(CableEnd.port_id.label("src"), CableEnd.cable_id).subquery()
    other = select(CableEnd.port_id.label("dst"), CableEnd.cable_id).subquery()
    edges = union_all(
        # along a cable: the port at its other end
        select(ends.c.src, other.c.dst, ends.c.cable_id.label("cable_id"), literal(CABLE).label("kind")).join(
            other, (other.c.cable_id == ends.c.cable_id) & (other.c.dst != ends.c.src)
        ),
        # through a patch panel: front to rear, rear to front
        select(
            Port.id.label("src"),
            Port.pass_through_id.label("dst"),
            cast(null(), Integer).label("cable_id"),
            literal(PASS).label("kind"),
        ).where(Port.pass_through_id.is_not(None)),
    ).subquery("edge")
    # Each way starts as if it had arrived by the other kind of step: "forward" takes the cable first.
    seeds = [
        select(
            cast(literal(start_id), Integer).label("port_id"),
            cast(null(), Integer).label("cable_id"),
            cast(literal(0), Integer).label("depth"),
            cast(literal(way), Integer).label("way"),
            cast(literal(arrived), Integer).label("kind"),
        )
        for way, arrived in ((FORWARD, PASS), (BACKWARD, CABLE))
    ]
    path = seeds[0].cte("path", recursive=True)
    step = (
        select(edges.c.dst, edges.c.cable_id, path.c.depth + 1, path.c.way, edges.c.kind)
        .join(edges, edges.c.src == path.c.port_id)
        .where(edges.c.kind != path.c.kind, path.c.depth < MAX_HOPS)
    )
    path = path.union_all(seeds[1], step)
    rows = db.execute(select(path.c.port_id, path.c.cable_id, path.c.way).order_by(path.c.way, path.c.depth)).all()
    port_ids = [r.port_id for r in rows]
    ports = {
        p.id: p
        for p in db.scalars(
            select(Port)
            .options(joinedload(Port.hardware).joinedload(Hardware.rack).joinedload(Rack.room))
            .where(Port.id.in_(port_ids))
        ).unique()
    }
    cable_ids = [r.cable_id for r in rows if r.cable_id is not None]
    cables = {c.id: c for c in db.scalars(select(Cable).where(Cable.id.in_(cable_ids)))} if cable_ids else {}
    # rows: (port reached, the cable that led to it, if a cable did), per way from the start outwards. The hops
    # read end to end: (port, the cable leaving it towards the next port).
    forward = _one_way([r for r in rows if r.way == FORWARD])
    backward = _one_way([r for r in rows if r.way == BACKWARD])[1:]  # the start is in forward
    seen: set[int] = set()
    ordered: list[tuple[int, int | None]] = []  # (port, cable leaving it towards the next)
    for port_id, arrived_by in reversed(backward):
        ordered.append((port_id, arrived_by))  # read backwards, the cable that reached it leaves it
    for i, (port_id, _arrived_by) in enumerate(forward):
        ordered.append((port_id, forward[i + 1][1] if i + 1 < len(forward) else None))
    hops: list[Hop] = []
    for port_id, leaving in ordered:
        if port_id in seen:  # a loop in the cabling: stop where it closes
            break
        seen.add(port_id)
        hops.append(Hop(ports[port_id], cables.get(leaving) if leaving else None))
    return hops


def _one_way(rows: list[Any]) -> list[tuple[int, int | None]]:
    """One way's (port, cable that reached it) from the start, up to where it first comes back to a port."""
    seen: set[int] = set()
    way = []
    for r in rows:
        if r.port_id in seen:
            break
        seen.add(r.port_id)
        way.append((r.port_id, r.cable_id))
    return way
