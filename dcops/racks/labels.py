"""QR labels for racks, hardware and cables: the QR holds the object's absolute URL in dcops, the text
beside it says what it is. Printed one at a time or as an A4 sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from dcops.cabling.models import Cable, Port
from dcops.cabling.service import cable_query
from dcops.errors import NotFound, ValidationFailed
from dcops.i18n import _
from dcops.racks.models import Hardware, Rack, Room

KINDS = ("rack", "hardware", "cable")
SIZES = {"56x32": (56, 32), "25x10": (25, 10)}  # mm: the common label, and the cable flag (sized in dcops.css)
MAX_LABELS = 500


@dataclass(frozen=True)
class Label:
    kind: str
    id: int
    title: str
    lines: tuple[str, ...]
    url: str


def _rack(r: Rack, base: str) -> Label:
    return Label("rack", r.id, r.name, (f"{r.room.site.code} / {r.room.code}", r.room.name), f"{base}/racks/{r.id}")


def _hardware(h: Hardware, base: str) -> Label:
    lines = [_("Asset %(tag)s", tag=h.asset_tag)] + ([f"S/N {h.serial}"] if h.serial else [])
    return Label("hardware", h.id, h.name, tuple(lines), f"{base}/hardware/{h.id}")


def _end(p: Port) -> str:
    rack = p.hardware.rack
    return f"{rack.name + ' ' if rack else ''}{p.hardware.name} {p.name}"


def _cable(c: Cable, base: str) -> Label:
    return Label("cable", c.id, c.label, (f"A {_end(c.a_port)}", f"B {_end(c.b_port)}"), f"{base}/cables/{c.id}")


def labels(db: Session, kind: str, base: str, ids: list[int] | None = None, rack_id: int | None = None) -> list[Label]:
    """Labels for the given ids, or for a rack's hardware or cables (the rack itself for kind rack)."""
    if kind not in KINDS:
        raise ValidationFailed({"kind": _("Choose rack, hardware or cable")})
    if not ids and rack_id is None:
        raise ValidationFailed({"ids": _("Choose what to label")})
    stmt: Any
    if kind == "rack":
        stmt = select(Rack).options(joinedload(Rack.room).joinedload(Room.site))
        stmt = stmt.where(Rack.id.in_(ids or [rack_id])).order_by(Rack.name)
        make = _rack
    elif kind == "hardware":
        stmt = select(Hardware).order_by(Hardware.rack_id, Hardware.position.desc(), Hardware.name)
        stmt = stmt.where(Hardware.id.in_(ids)) if ids else stmt.where(Hardware.rack_id == rack_id)
        make = _hardware
    else:
        stmt = cable_query(rack_id=None if ids else rack_id)
        stmt = stmt.where(Cable.id.in_(ids)) if ids else stmt
        make = _cable
    found = [make(o, base) for o in db.scalars(stmt.limit(MAX_LABELS)).unique()]
    return found


def one(db: Session, kind: str, item_id: int, base: str) -> Label:
    found = labels(db, kind, base, ids=[item_id])
    if not found:
        raise NotFound(kind, item_id)
    return found[0]
