"""The room view: every rack of a room, one face, in two statements and lean HTML.

A room holds hundreds of racks and thousands of devices, so this page reads plain rows (no ORM objects) and
renders each rack as one CSS grid: one element per device spanning its units, one per run of free units.
The per-unit SVG of the rack page (`elevation`) cost 3.9 MB for 300 racks; this costs about a third of that
before compression, and the same facts are on screen: name, owner and ownership (D1, K1), LIEN (K10), MOVE
(a pending relocation), cables, U used and power drawn, and "mount here" on free units for those who may.

Every view reads the rows as they are. A rendered rack is reused only for exactly the same rows (`_render`
is memoised on every fact it shows), so a mount, move, unmount, cable or pending move shows at the next view.
The rows are rendered rack by rack as they come and then let go: a view never holds all 6,000 at once, so
several views at the same moment stay lean.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import groupby
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import String, and_, exists, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from dcops import i18n
from dcops.cabling.models import CableEnd, Port
from dcops.customers.models import Contract, Customer, Lien
from dcops.i18n import _
from dcops.moves.models import Relocation, RelocationItem
from dcops.moves.service import OPEN
from dcops.racks.models import Face, Hardware, HardwareStatus, Rack, Room, Site
from dcops.terms import Owner, Service, hardware_owner
from dcops.vocabulary import word


class Device(NamedTuple):
    """One mounted device as the elevation needs it (the columns of `_devices`, in order). A plain tuple:
    6,000 of them are read per view, and attribute access on SQLAlchemy rows costs microseconds each."""

    rack_id: int
    id: int
    name: str
    asset_tag: str
    position: int
    u_height: int
    face: str
    full_depth: bool
    power_draw_w: int
    status: str
    third_party_owner: str | None
    service: str | None
    customer_id: int | None
    customer: str | None
    moving: bool
    cables: int
    open_lien: bool


@dataclass
class RackRow:
    id: int
    name: str
    kind: str
    u_height: int
    customer_id: int | None
    customer_name: str | None
    used_u: int = 0
    draw_w: int = 0
    html: str = ""  # its elevation, one face (`render`)


def _used_u(devices: tuple[Device, ...]) -> int:
    """Units taken on either face, as `rack_usage` counts them. Full-depth hardware overlaps nothing, so only
    half-depth hardware (front and rear may share a unit) needs the units counted one by one."""
    if all(d.full_depth for d in devices):
        return sum(d.u_height for d in devices)
    return len({u for d in devices for u in range(d.position, d.position + d.u_height)})


def _draw_w(devices: tuple[Device, ...]) -> int:
    return sum(d.power_draw_w for d in devices if d.status == HardwareStatus.installed.value)


@dataclass
class RoomView:
    id: int
    code: str
    name: str
    site_code: str
    racks: list[RackRow]


def load(db: Session, room_id: int) -> RoomView | None:
    """The room with its racks (statement 1), None if no such room; `render` adds their elevations."""
    rack_customer = aliased(Customer)
    racks = db.execute(
        select(
            Room.id,
            Room.code,
            Room.name,
            Site.code.label("site_code"),
            Rack.id.label("rack_id"),
            Rack.name.label("rack_name"),
            Rack.kind,
            Rack.u_height,
            Rack.customer_id,
            rack_customer.name.label("customer_name"),
        )
        .join(Site, Site.id == Room.site_id)
        .outerjoin(Rack, Rack.room_id == Room.id)
        .outerjoin(rack_customer, rack_customer.id == Rack.customer_id)
        .where(Room.id == room_id)
        .order_by(Rack.name)
    ).all()
    if not racks:
        return None
    first = racks[0]
    rows = [
        RackRow(r.rack_id, r.rack_name, r.kind.value, r.u_height, r.customer_id, r.customer_name)
        for r in racks
        if r.rack_id is not None
    ]
    return RoomView(first.id, first.code, first.name, first.site_code, rows)


def render(db: Session, view: RoomView, face: Face, *, can_mount: bool, lien_in_force: Callable[[int], bool]) -> None:
    """Every device of the room (statement 2), rack by rack as the rows come (they come ordered by rack): each
    rack's elevation, units used and power drawn, its rows then let go. `lien_in_force(customer_id)` is asked only
    for customers whose lien is open (K10: their standing decides whether it holds)."""
    by_id = {r.id: r for r in view.racks}
    empty: tuple[Device, ...] = ()
    if by_id:
        # Core rows straight from the connection: no ORM result processing for what maps to no entity.
        rows = map(Device._make, db.connection().execute(_devices(view.id)))
        for rack_id, of_rack in groupby(rows, key=attrgetter("rack_id")):
            devices = tuple(of_rack)
            rack = by_id[rack_id]
            rack.used_u, rack.draw_w = _used_u(devices), _draw_w(devices)
            rack.html = render_rack(rack, devices, face, can_mount=can_mount, lien_in_force=lien_in_force)
    for rack in view.racks:
        if not rack.html:
            rack.html = render_rack(rack, empty, face, can_mount=can_mount, lien_in_force=lien_in_force)


def _devices(room_id: int) -> Any:
    """Every device mounted in the room, top first, with what the elevation marks on it."""
    moving = exists().where(
        RelocationItem.hardware_id == Hardware.id,
        RelocationItem.done_at.is_(None),
        Relocation.id == RelocationItem.relocation_id,
        Relocation.status.in_(OPEN),
    )
    cables = select(func.count()).select_from(Port).join(CableEnd, CableEnd.port_id == Port.id)
    open_lien = exists().where(Lien.customer_id == Contract.customer_id, Lien.released_at.is_(None))
    return (
        select(
            Hardware.rack_id,
            Hardware.id,
            Hardware.name,
            Hardware.asset_tag,
            Hardware.position,
            Hardware.u_height,
            # Enum columns come back as their plain values: converting 18,000 of them costs more than the rest.
            type_coerce(Hardware.face, String).label("face"),
            Hardware.full_depth,
            Hardware.power_draw_w,
            type_coerce(Hardware.status, String).label("status"),
            Hardware.third_party_owner,
            type_coerce(Contract.service, String).label("service"),
            Contract.customer_id,
            Customer.name.label("customer"),
            moving.label("moving"),
            cables.where(Port.hardware_id == Hardware.id).scalar_subquery().label("cables"),
            open_lien.label("open_lien"),
        )
        .join(Rack, and_(Rack.id == Hardware.rack_id, Rack.room_id == room_id))
        .outerjoin(Contract, Contract.id == Hardware.contract_id)
        .outerjoin(Customer, Customer.id == Contract.customer_id)
        .order_by(Hardware.rack_id, Hardware.position.desc())
    )


# --- rendering ------------------------------------------------------------------------------------


def _ownership(d: Device) -> tuple[Owner, str]:
    return _ownership_of(d.service, d.third_party_owner, d.customer, i18n.current())


@lru_cache(maxsize=4096)
def _ownership_of(
    service: str | None, third_party: str | None, customer: str | None, language: str
) -> tuple[Owner, str]:
    """The same words as the rack page's elevation: "Customer · customer (K1)", in `language` (the reader's: part
    of the key). Few distinct inputs per room (customers x services), so the answers of the rule function are kept
    rather than asked 6,000 times."""
    owner, reason = hardware_owner(Service(service) if service else None, third_party)
    if customer is None:
        return owner, _("supplier infrastructure")
    who = customer if len(customer) <= 24 else customer[:23].rstrip() + "…"
    return owner, f"{who} · {word(owner)} ({reason.rule if reason else '-'})"


def _device(d: Device, liened: Collection[int]) -> str:
    owner, ownership = _ownership(d)
    top = d.position + d.u_height - 1
    title = f"{d.name} ({d.asset_tag}) U{d.position}" + (f"–U{top}" if d.u_height > 1 else "")
    fill = "fi" if d.customer is None else "fs" if owner is Owner.supplier else "fc"
    mark = ""
    if owner is Owner.customer and d.customer_id in liened:  # K10, as Hardware.retained decides it
        title += " — " + _("retained under a lien (Art. 12.9, rule K10)")
        fill += " lien"
        mark = '<b class="lien">' + escape(_("LIEN")) + "</b>"
    elif d.moving:
        mark = '<b class="move">' + escape(_("MOVE")) + "</b>"
    if d.moving:
        title += " — " + _("a move is planned (relocation order)")
    if d.cables:
        title += " — " + i18n.ngettext("%(num)s cable", "%(num)s cables", d.cables) % {"num": d.cables}
    sub = ownership if d.u_height > 1 else word(owner)
    return (
        f'<a class="d u{d.u_height} {fill}" data-u="{top}" href="/hardware/{d.id}" '
        f'title="{escape(title)} — {escape(ownership)}">{mark}{f"<em>{d.cables}⇄</em>" if d.cables else ""}'
        f"{escape(d.name)}<small>{escape(sub)}</small></a>"
    )


def _free(rack_id: int, low: int, top: int, face: str, can_mount: bool) -> str:
    units = f"U{low}" if low == top else f"U{low}–U{top}"
    free = escape(_("%(units)s free", units=units))
    if not can_mount:
        return f'<span class="f u{top - low + 1}" data-u="{top}">{free}</span>'
    label, here = escape(_("mount at U%(u)s", u=low)), escape(_("+ mount here"))
    return (
        f'<a class="f u{top - low + 1}" data-u="{top}" href="/racks/{rack_id}/mount?position={low}&amp;'
        f'face={face}" aria-label="{label}">{free} · {here}</a>'
    )


def render_rack(
    rack: RackRow, devices: tuple[Device, ...], face: Face, *, can_mount: bool, lien_in_force: Callable[[int], bool]
) -> str:
    """One face of one rack, top down: each device as one element, each run of free units as one."""
    on_face = tuple(d for d in devices if d.full_depth or d.face == face.value)  # as `units.faces` decides
    retained = frozenset(d.customer_id for d in on_face if d.open_lien and lien_in_force(d.customer_id))
    return _render(rack.id, rack.name, rack.u_height, face.value, can_mount, retained, on_face, i18n.current())


@lru_cache(maxsize=2048)
def _render(
    rack_id: int,
    name: str,
    height: int,
    face: str,
    can_mount: bool,
    liened: frozenset[int],
    devices: tuple[Device, ...],
    language: str,
) -> str:
    """A pure function of its arguments, which are every fact the fragment shows (and the reader's language, which
    its words are in): a rack whose rows have not
    changed since the last view is not formatted again (rendering 6,000 devices is most of the page's time),
    and a rack whose rows changed has another key, so nothing stale can be served. Bounded: about 3 kB per
    fragment plus its rows, 2,048 fragments (a few rooms, both faces)."""
    out = [f'<div class="ru" role="group" aria-label="{escape(name)} {escape(word(face))}">']
    free_top = height  # the highest unit not drawn yet
    for d in devices:
        top = d.position + d.u_height - 1
        if free_top > top:
            out.append(_free(rack_id, top + 1, free_top, face, can_mount))
        out.append(_device(d, liened))
        free_top = d.position - 1
    if free_top >= 1:
        out.append(_free(rack_id, 1, free_top, face, can_mount))
    out.append("</div>")
    return "".join(out)
