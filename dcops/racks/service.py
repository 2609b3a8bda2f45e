"""Inventory work: sites, rooms, racks, hardware, and the one path that mounts, moves and unmounts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from dcops import audit, clock, crud
from dcops.customers import liens
from dcops.customers.insurance import check_may_install
from dcops.customers.models import Contract, Customer
from dcops.db import atomic
from dcops.errors import Conflict, NotFound, ValidationFailed
from dcops.i18n import _
from dcops.racks import types, units
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, RackKind, RackStatus, RackUnit, Room, Site
from dcops.racks.schemas import HardwareIn, MountIn, RackIn, RoomIn, SiteIn, UnmountIn
from dcops.search import contains_text
from dcops.terms import Denied, Owner, Service, Verdict
from dcops.terms.lien import may_leave
from dcops.terms.ownership import may_place_in_rack
from dcops.terms.relocation import may_move_outside_order
from dcops.validation import as_dict, query_int
from dcops.vocabulary import word

PLACEMENT = ("rack_id", "position", "face", "status")


# --- sites and rooms ------------------------------------------------------------------------------


def _check_zone(data: SiteIn) -> None:
    if not clock.is_zone(data.timezone):
        raise ValidationFailed({"timezone": _(clock.NOT_A_ZONE, zone=data.timezone)})


def create_site(db: Session, data: SiteIn, actor: str) -> Site:
    _check_zone(data)
    return crud.create(db, Site, as_dict(data), actor=actor, unique=(("code",), ("name",)))


def update_site(db: Session, site: Site, data: SiteIn, actor: str) -> Site:
    _check_zone(data)
    return crud.update(db, site, as_dict(data), actor=actor, unique=(("code",), ("name",)))


def delete_site(db: Session, site: Site, actor: str) -> None:
    if db.scalar(select(func.count()).where(Room.site_id == site.id)):
        raise Conflict(_("Site %(code)s still has rooms; delete or move them first", code=site.code))
    crud.delete(db, site, actor=actor)


def create_room(db: Session, data: RoomIn, actor: str) -> Room:
    return crud.create(db, Room, as_dict(data), actor=actor, unique=(("site_id", "code"),), refs={"site_id": Site})


def update_room(db: Session, room: Room, data: RoomIn, actor: str) -> Room:
    return crud.update(db, room, as_dict(data), actor=actor, unique=(("site_id", "code"),), refs={"site_id": Site})


def delete_room(db: Session, room: Room, actor: str) -> None:
    if db.scalar(select(func.count()).where(Rack.room_id == room.id)):
        raise Conflict(_("Room %(code)s still has racks; delete or move them first", code=room.code))
    crud.delete(db, room, actor=actor)


# --- racks ----------------------------------------------------------------------------------------


def _rack_rules(db: Session, values: dict[str, Any], rack: Rack | None) -> None:
    errors: dict[str, str] = {}
    if values["kind"] == RackKind.shared and values.get("customer_id") is not None:
        errors["customer_id"] = _("Only a private rack is let to a customer; a shared rack serves many")
    if rack is not None:
        top = db.scalar(select(func.max(RackUnit.unit)).where(RackUnit.rack_id == rack.id))
        if top and values["u_height"] < top:
            errors["u_height"] = _(
                "Hardware is mounted up to U%(top)s; the rack cannot be lower than %(top)sU", top=top
            )
        if values.get("customer_id") is not None:
            others = db.scalars(
                select(Hardware.name)
                .join(Contract)
                .where(Hardware.rack_id == rack.id, Contract.customer_id != values["customer_id"])
                .limit(3)
            ).all()
            if others:
                errors["customer_id"] = _(
                    "Other customers' hardware is mounted here (%(names)s); "
                    "a private rack holds one customer's hardware",
                    names=", ".join(others),
                )
    if errors:
        raise ValidationFailed(errors)


def _intake(values: dict[str, Any], rack: Rack | None, today: date) -> dict[str, Any]:
    """A6: when a private rack is let to a customer, how it was provided is recorded (typed, or "empty")."""
    newly_let = values.get("customer_id") is not None and (rack is None or rack.customer_id != values["customer_id"])
    if not newly_let:
        return {k: v for k, v in values.items() if k != "intake_state"} if rack is not None else values
    state = values.get("intake_state") or f"Rack {values['name']} provided empty, as it stands, on {today.isoformat()}"
    return {**values, "intake_state": state, "intake_on": today}


def create_rack(db: Session, data: RackIn, actor: str, today: date | None = None) -> Rack:
    values = as_dict(data)
    _rack_rules(db, values, None)
    values = _intake(values, None, today or clock.today())
    return crud.create(
        db, Rack, values, actor=actor, unique=(("room_id", "name"),), refs={"room_id": Room, "customer_id": Customer}
    )


def update_rack(db: Session, rack: Rack, data: RackIn, actor: str, today: date | None = None) -> Rack:
    values = as_dict(data)
    _rack_rules(db, values, rack)
    values = _intake(values, rack, today or clock.today())
    return crud.update(
        db, rack, values, actor=actor, unique=(("room_id", "name"),), refs={"room_id": Room, "customer_id": Customer}
    )


def delete_rack(db: Session, rack: Rack, actor: str) -> None:
    if db.scalar(select(func.count()).where(Hardware.rack_id == rack.id)):
        raise Conflict(_("Rack %(name)s still holds hardware; unmount it first", name=rack.name))
    crud.delete(db, rack, actor=actor)


# --- hardware -------------------------------------------------------------------------------------


HARDWARE_REFS = {"contract_id": Contract, "planned_rack_id": Rack}


def create_hardware(
    db: Session, data: HardwareIn, actor: str, mount_at: MountIn | None = None, today: date | None = None
) -> Hardware:
    """Create, and optionally mount, in one transaction: a refused mount leaves no orphan record. Made from a
    hardware type, it takes the type's height, depth, model, power and ports."""
    values = as_dict(data)
    ht = types.type_for(db, data.hardware_type_id) if data.hardware_type_id is not None else None
    if ht is not None:
        values = types.apply_type(values, ht)
    with atomic(db):
        hw = crud.create(db, Hardware, values, actor=actor, unique=(("asset_tag",),), refs=HARDWARE_REFS)
        if ht is not None:
            types.make_ports(db, hw, ht, actor)
        if mount_at is not None:
            mount(db, hw, mount_at, actor, today)
    return hw


def update_hardware(db: Session, hw: Hardware, data: HardwareIn, actor: str) -> Hardware:
    values = as_dict(data)
    if values.pop("hardware_type_id") not in (None, hw.hardware_type_id):
        raise ValidationFailed({"hardware_type_id": _("The type is set when hardware is made; its ports are its own")})
    if hw.rack_id is not None:
        values["planned_rack_id"] = None  # mounted hardware is where it is, not planned anywhere
    with _booking(db):
        _lock(db, hw)
        old_owner = _owning_customer(hw)
        new_contract = db.get(Contract, values["contract_id"]) if values["contract_id"] else None
        new_owner = new_contract.customer_id if new_contract and new_contract.service is Service.colocation else None
        if old_owner is not None and new_owner != old_owner.id:
            check_may_leave(db, hw, _("handed to another owner"))
        elif old_owner is not None and values.get("third_party_owner"):
            check_may_leave(db, hw, _("recorded as a third party's"))  # K10 would no longer reach it
        crud.update(db, hw, values, actor=actor, unique=(("asset_tag",),), refs=HARDWARE_REFS)
        db.refresh(hw, ["contract"])
        if hw.rack_id is not None:
            # A new height, depth or owner must still fit where the hardware stands.
            rack = crud.get(db, Rack, hw.rack_id)
            _occupy(db, hw, rack, hw.position or 1, hw.face or Face.front)
    return hw


def delete_hardware(db: Session, hw: Hardware, actor: str) -> None:
    if hw.rack_id is not None:
        raise Conflict(_("%(name)s is mounted; unmount it before deleting the record", name=hw.name))
    if hw.status is not HardwareStatus.removed:
        check_may_leave(db, hw, _("written off the inventory"))
    crud.delete(db, hw, actor=actor)


_BOOK_UNIT = insert(RackUnit.__table__)
_RELEASE_UNITS = delete(RackUnit.__table__).where(RackUnit.__table__.c.hardware_id == bindparam("hardware_id"))


def _occupy(db: Session, hw: Hardware, rack: Rack, position: int, face: Face) -> None:
    """Take the units for `hw` at `position`, releasing whatever it held before. Caller is atomic.

    The primary key on (rack, unit, face) decides: the units are booked without asking first, and only a
    refused booking reads who holds them, to say so. Two people booking the same units at once cannot both win.
    """
    if rack.status is RackStatus.retired:
        raise ValidationFailed({"rack_id": _("Rack %(name)s is retired", name=rack.name)})
    if problem := units.fit_error(rack.u_height, position, hw.u_height):
        raise ValidationFailed({"position": problem})
    if not (verdict := rack_verdict(hw, rack)).allowed:
        raise Denied(verdict)
    wanted = units.cells(position, hw.u_height, face, hw.full_depth)
    booking = Booking(hw.id, hw.name, hw.u_height, rack.id, rack.name, position, face, wanted)  # read before writing
    # The unit rows as two Core statements (no unit of work for what is only ever inserted and deleted whole).
    conn = db.connection()
    if hw.rack_id is not None:
        conn.execute(_RELEASE_UNITS, {"hardware_id": hw.id})
    try:
        conn.execute(_BOOK_UNIT, [{"rack_id": rack.id, "unit": u, "face": f, "hardware_id": hw.id} for u, f in wanted])
    except IntegrityError as exc:
        raise Taken(booking) from exc
    hw.rack, hw.position, hw.face = rack, position, face
    hw.status = HardwareStatus.installed
    db.flush()


def rack_verdict(hw: Hardware, rack: Rack) -> Verdict:
    """K1: whether `hw` may go into `rack` at all (a private rack holds its customer's hardware and the supplier's),
    whatever the units. The mount form lists only hardware this allows; mounting enforces it."""
    contract = hw.contract
    return may_place_in_rack(
        hw.name,
        contract.customer_id if contract is not None else None,
        contract.customer.name if contract is not None else None,
        rack.name,
        rack.customer_id,
        rack.customer.name if rack.customer is not None else None,
    )


@dataclass(frozen=True)
class Booking:
    hardware_id: int
    hardware: str
    u_height: int
    rack_id: int
    rack: str
    position: int
    face: Face
    wanted: set[tuple[int, Face]]


class Taken(Exception):
    """The units were booked by someone else; the caller rolls its savepoint back, then names who (`_clash`)."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(booking.hardware)
        self.booking = booking


@contextmanager
def _booking(db: Session) -> Iterator[None]:
    """atomic(), answering a refused booking with who holds the units (read after the rollback)."""
    try:
        with atomic(db):
            yield
    except Taken as taken:
        raise _clash(db, taken.booking) from taken


class UnitsTaken(Conflict):
    """The units are held by other hardware: `occupants` (id, name) says which, for a link to what is there."""

    def __init__(self, message: str, occupants: list[tuple[int, str]]) -> None:
        super().__init__(message, field="position")
        self.occupants = occupants


def _clash(db: Session, b: Booking) -> Conflict:
    lo, hi = b.position, b.position + b.u_height - 1
    held = db.execute(
        select(RackUnit.unit, RackUnit.face, Hardware.id, Hardware.name)
        .join(Hardware, Hardware.id == RackUnit.hardware_id)
        .where(RackUnit.rack_id == b.rack_id, RackUnit.unit.between(lo, hi), RackUnit.hardware_id != b.hardware_id)
    ).all()
    by_name: dict[tuple[int, str], list[int]] = {}
    for c in held:
        if (c.unit, c.face) in b.wanted:
            by_name.setdefault((c.id, c.name), []).append(c.unit)
    if not by_name:
        return Conflict(
            _("The rack unit booking conflicts with a change made at the same moment; reload and try again")
        )
    taken = "; ".join(
        _("%(units)s taken by %(name)s", units=units.describe_units(us), name=n) for (_id, n), us in by_name.items()
    )
    where = _("U%(low)s–U%(high)s (%(face)s) in %(rack)s", low=lo, high=hi, face=word(b.face), rack=b.rack)
    return UnitsTaken(
        _("Cannot place %(hardware)s at %(where)s: %(taken)s", hardware=b.hardware, where=where, taken=taken),
        list(by_name),
    )


# `locked=True`: the caller loaded `hw` with `locked_hardware` in this transaction, so it is not read again.


def mount(
    db: Session, hw: Hardware, target: MountIn, actor: str, today: date | None = None, *, locked: bool = False
) -> Hardware:
    return _place(db, hw, target, actor, "mount", today or clock.today(), None, locked)


def move(
    db: Session,
    hw: Hardware,
    target: MountIn,
    actor: str,
    basis: str | None = None,
    today: date | None = None,
    *,
    locked: bool = False,
) -> Hardware:
    """`basis`: for colocation hardware, the relocation order or recorded request that moves it (K8)."""
    return _place(db, hw, target, actor, "move", today or clock.today(), basis, locked)


def colocation(hw: Hardware) -> bool:
    """Hardware the customer provides under a colocation contract (its own or a third party's, K1)."""
    return hw.contract is not None and hw.contract.service is Service.colocation


def _owning_customer(hw: Hardware) -> Customer | None:
    """The customer whose property this is: only colocation hardware is (K1), unless a third party owns it;
    dedicated hardware is the supplier's (D1)."""
    if colocation(hw) and hw.owner is Owner.customer:
        return hw.contract.customer  # type: ignore[union-attr]
    return None


def check_may_leave(db: Session, hw: Hardware, leaving: str, today: date | None = None) -> None:
    """K10: while a lien is in force on the owner, its hardware does not leave the datacenter."""
    owner = _owning_customer(hw)
    if owner is None:
        return
    verdict = may_leave(hw.name, owner.name, liens.in_force(db, owner.id, today or clock.today()), leaving)
    if not verdict.allowed:
        raise Denied(verdict)


def check_basis(hw: Hardware, basis: str | None, what: str) -> None:
    """K8: colocation hardware changes rack or leaves only on a recorded basis (moves.service passes its order)."""
    customer = hw.contract.customer.name if colocation(hw) else None  # type: ignore[union-attr]
    verdict = may_move_outside_order(hw.name, customer, basis, what)
    if not verdict.allowed:
        raise Denied(verdict)


# The hardware with what the rules ask of it (its contract and customer; for a move its rack and room too), re-read
# and locked for this transaction (PostgreSQL; SQLite serialises writers anyway) in one statement.
_LOCKED = (
    select(Hardware)
    .options(joinedload(Hardware.contract).joinedload(Contract.customer))
    .with_for_update(of=Hardware)
    .execution_options(populate_existing=True)
)
_LOCKED_IN_PLACE = _LOCKED.options(joinedload(Hardware.rack).joinedload(Rack.room))
# Built once with the id as a parameter: a statement built per call paid its construction and cache key each time.
_LOCKED_BY_ID = {
    moving: stmt.where(Hardware.id == bindparam("hardware_id"))
    for moving, stmt in ((True, _LOCKED_IN_PLACE), (False, _LOCKED))
}
_RACK = select(Rack).options(joinedload(Rack.room)).where(Rack.id == bindparam("rack_id"))


def _lock(db: Session, hw: Hardware) -> None:
    """Two people placing the same device at once: the second waits, then sees where the first put it,
    instead of silently undoing the first booking."""
    db.execute(_LOCKED_BY_ID[True], {"hardware_id": hw.id}).unique().one()


def locked_hardware(db: Session, hardware_id: int, *, moving: bool = True) -> Hardware:
    """The hardware, locked and read with what placing it needs, in one statement (pass `locked=True` on).
    `moving=False` (a mount, an unmount of hardware that is not the customer's): its rack is not read with it."""
    hw = db.execute(_LOCKED_BY_ID[moving], {"hardware_id": hardware_id}).unique().scalar_one_or_none()
    if hw is None:
        raise NotFound("hardware", hardware_id)
    return hw


def _place(
    db: Session, hw: Hardware, target: MountIn, actor: str, action: str, today: date, basis: str | None, locked: bool
) -> Hardware:
    with _booking(db):
        if not locked:
            _lock(db, hw)
        if action == "mount" and hw.rack_id is not None:
            raise Conflict(
                _(
                    "%(name)s is already mounted in %(rack)s; move it instead",
                    name=hw.name,
                    rack=hw.rack.name if hw.rack else _("a rack"),
                )
            )
        if action == "move" and hw.rack_id is None:
            raise Conflict(_("%(name)s is not mounted; mount it instead", name=hw.name))
        if action == "move":
            check_basis(hw, basis, _("moved"))
        rack = _rack_for(db, target.rack_id)
        new_installation = action == "mount" and colocation(hw) and hw.first_installed_on is None
        if new_installation:
            check_may_install(db, hw.contract.customer, today, hw.name)  # type: ignore[union-attr]
        if action == "move" and hw.rack is not None and rack.room.site_id != hw.rack.room.site_id:
            check_may_leave(db, hw, _("moved to site %(site)s", site=rack.room.site.code), today)
        before = crud.state(hw)
        hw.planned_rack_id = None
        if hw.first_installed_on is None:
            hw.first_installed_on = today
            # A6: how the space was provided, to compare with when it is handed back.
            hw.intake_state = target.intake_state or (
                f"{units.describe_units(units.span(target.position, hw.u_height))} of {rack.name} "
                f"provided empty on {today.isoformat()}"
            )
        _occupy(db, hw, rack, target.position, target.face)  # one flush writes all of it
        _record_placement(db, hw, action, before, actor, basis)
    return hw


def unmount(
    db: Session,
    hw: Hardware,
    data: UnmountIn,
    actor: str,
    basis: str | None = None,
    today: date | None = None,
    *,
    locked: bool = False,
) -> Hardware:
    if data.status is HardwareStatus.installed:
        raise ValidationFailed({"status": _("Unmounted hardware is planned (kept) or removed (gone)")})
    with atomic(db):
        if not locked:
            _lock(db, hw)
        if hw.rack_id is None:
            raise Conflict(_("%(name)s is not mounted", name=hw.name))
        check_basis(hw, basis, _("unmounted"))
        if data.status is HardwareStatus.removed:
            check_may_leave(db, hw, _("removed from the datacenter"), today)
        before = crud.state(hw)
        db.connection().execute(_RELEASE_UNITS, {"hardware_id": hw.id})
        hw.rack_id = hw.position = hw.face = None
        hw.status = data.status
        db.flush()
        _record_placement(db, hw, "unmount", before, actor, basis)
    return hw


def _rack_for(db: Session, rack_id: int) -> Rack:
    rack = db.scalars(_RACK, {"rack_id": rack_id}).first()
    if rack is None:
        raise ValidationFailed({"rack_id": _("No rack with id %(id)s", id=rack_id)})
    return rack


def _record_placement(
    db: Session, hw: Hardware, action: str, before: dict[str, Any], actor: str, basis: str | None = None
) -> None:
    after = crud.state(hw)
    audit.record(
        db,
        actor=actor,
        action=action,
        object_type="hardware",
        object_id=hw.id,
        before={k: before[k] for k in PLACEMENT},
        after={k: after[k] for k in PLACEMENT},
        extra={"basis": basis} if basis else None,
    )


# --- queries for lists and views ------------------------------------------------------------------


@dataclass(frozen=True)
class RackUsage:
    rack: Rack
    used_u: int
    draw_w: int

    @property
    def used_pct(self) -> int:
        return round(100 * self.used_u / self.rack.u_height) if self.rack.u_height else 0

    @property
    def power_pct(self) -> int | None:
        return round(100 * self.draw_w / self.rack.power_budget_w) if self.rack.power_budget_w else None


def rack_usage(
    db: Session, *, room_id: int | None = None, site_id: int | None = None, rack_ids: Sequence[int] | None = None
) -> list[RackUsage]:
    """Racks with U used and power drawn, in one statement whatever the number of racks."""
    used = (
        select(func.count(func.distinct(RackUnit.unit)))
        .where(RackUnit.rack_id == Rack.id)
        .correlate(Rack)
        .scalar_subquery()
    )
    draw = (
        select(func.coalesce(func.sum(Hardware.power_draw_w), 0))
        .where(Hardware.rack_id == Rack.id, Hardware.status == HardwareStatus.installed)
        .correlate(Rack)
        .scalar_subquery()
    )
    stmt = (
        select(Rack, used, draw)
        .join(Rack.room)
        .join(Room.site)
        .options(joinedload(Rack.room).joinedload(Room.site), joinedload(Rack.customer))
        .order_by(Site.code, Room.code, Rack.name)
    )
    if room_id is not None:
        stmt = stmt.where(Rack.room_id == room_id)
    if site_id is not None:
        stmt = stmt.where(Room.site_id == site_id)
    if rack_ids is not None:
        stmt = stmt.where(Rack.id.in_(rack_ids))
    return [RackUsage(r, u or 0, d or 0) for r, u, d in db.execute(stmt)]


def mounted_hardware(db: Session, rack_ids: Sequence[int]) -> dict[int, list[Hardware]]:
    """All hardware in the given racks with contract and customer, in one statement."""
    result: dict[int, list[Hardware]] = {rid: [] for rid in rack_ids}
    if not rack_ids:
        return result
    rows = db.scalars(
        select(Hardware)
        .where(Hardware.rack_id.in_(rack_ids))
        .options(joinedload(Hardware.contract).joinedload(Contract.customer))
        .order_by(Hardware.position.desc())
    )
    for hw in rows:
        result[hw.rack_id].append(hw)  # type: ignore[index]
    return result


@dataclass(frozen=True)
class HardwareFilter:
    q: str = ""
    site_id: int | None = None
    room_id: int | None = None
    rack_id: int | None = None
    customer_id: int | None = None
    status: HardwareStatus | None = None
    owner: Owner | None = None


def hardware_filter(p: Mapping[str, str]) -> HardwareFilter:
    """The hardware list's filter from query parameters (the page, its CSV and the API read the same ones);
    a value that is not one of the choices is no filter."""
    status, owner = p.get("status", ""), p.get("owner", "")
    return HardwareFilter(
        q=p.get("q", "").strip(),
        site_id=query_int(p.get("site_id")),
        room_id=query_int(p.get("room_id")),
        rack_id=query_int(p.get("rack_id")),
        customer_id=query_int(p.get("customer_id")),
        status=HardwareStatus(status) if status in HardwareStatus.__members__ else None,
        owner=Owner(owner) if owner in Owner.__members__ else None,
    )


def hardware_query(f: HardwareFilter) -> Select[Any]:
    return (
        _filtered(select(Hardware), f)
        .options(
            joinedload(Hardware.rack).joinedload(Rack.room).joinedload(Room.site),
            joinedload(Hardware.contract).joinedload(Contract.customer),
        )
        .order_by(Hardware.name, Hardware.id)
    )


def _filtered(stmt: Select[Any], f: HardwareFilter) -> Select[Any]:
    """The filter's conditions on `stmt` (which selects from hardware), joining only the tables they need: at
    50,000 hardware a count or a page that joins nothing it does not filter on is several times faster."""
    if f.q:
        stmt = stmt.where(contains_text(f.q, Hardware.name, Hardware.asset_tag, Hardware.serial, Hardware.model))
    if f.rack_id is not None:
        stmt = stmt.where(Hardware.rack_id == f.rack_id)
    if f.room_id is not None or f.site_id is not None:
        stmt = stmt.join(Rack, Rack.id == Hardware.rack_id)
    if f.room_id is not None:
        stmt = stmt.where(Rack.room_id == f.room_id)
    if f.site_id is not None:
        stmt = stmt.join(Room, Room.id == Rack.room_id).where(Room.site_id == f.site_id)
    if f.customer_id is not None or f.owner is not None:
        stmt = stmt.outerjoin(Contract, Contract.id == Hardware.contract_id)
    if f.customer_id is not None:
        stmt = stmt.where(Contract.customer_id == f.customer_id)
    if f.status is not None:
        stmt = stmt.where(Hardware.status == f.status)
    if f.owner is Owner.customer:
        stmt = stmt.where(Contract.service == Service.colocation, Hardware.third_party_owner.is_(None))
    elif f.owner is Owner.third_party:
        stmt = stmt.where(Contract.service == Service.colocation, Hardware.third_party_owner.is_not(None))
    elif f.owner is Owner.supplier:
        stmt = stmt.where(or_(Hardware.contract_id.is_(None), Contract.service == Service.dedicated))
    return stmt


def hardware_page(db: Session, f: HardwareFilter, limit: int, offset: int) -> crud.Page[Hardware]:
    """One page of the hardware list in two statements at most: the page's rows with their place and contract,
    and the count (not needed on the last page). The page's ids are picked first, in name order from the name
    index, so a deep page skips index entries rather than joined rows; only those ids are then loaded with their
    joins. A text search reads every row whatever the order and matches few, so it filters and pages in the one
    statement."""
    limit, offset = max(1, min(limit, crud.MAX_PAGE)), max(0, offset)
    if f.q:
        stmt = hardware_query(f).limit(limit).offset(offset)
    else:
        ids = _filtered(select(Hardware.id), f).order_by(Hardware.name, Hardware.id).limit(limit).offset(offset)
        stmt = hardware_query(HardwareFilter()).where(Hardware.id.in_(ids.scalar_subquery()))
    items = list(db.scalars(stmt).unique())

    def count() -> int:
        return db.scalar(_filtered(select(func.count()).select_from(Hardware), f)) or 0

    return crud.Page(items, crud.total_of(items, limit, offset, count), limit, offset)
