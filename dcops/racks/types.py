"""Hardware types (NetBox's device types): saved whole with their port templates, and the ports hardware made
from a type gets. A type changed later changes no hardware: the ports made from it are the hardware's own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from dcops import audit, crud
from dcops.cabling.models import Port, PortSide, PortTemplate
from dcops.errors import Conflict, NotFound, ValidationFailed
from dcops.i18n import _, ngettext
from dcops.racks.models import Hardware, HardwareType
from dcops.racks.schemas import HardwareTypeIn, PortTemplateIn
from dcops.search import contains_text
from dcops.vocabulary import word

Outcome = Literal["created", "updated", "unchanged"]
_FIELDS = ("manufacturer", "model", "slug", "part_number", "full_depth", "airflow", "description", "external_ref")


@dataclass(frozen=True)
class Saved:
    hardware_type: HardwareType
    outcome: Outcome


def template_problems(data: HardwareTypeIn) -> dict[str, str]:
    """What makes the templates inconsistent: a name twice on one side, a front port naming a rear port the type
    lacks or a position past its last."""
    problems: dict[str, str] = {}
    seen: set[tuple[str, str, str]] = set()
    rears = {t.name: t for t in data.ports if t.side is PortSide.rear}
    taken: dict[tuple[str, int], str] = {}
    for i, t in enumerate(data.ports):
        key = (t.name, t.kind.value, t.side.value)
        if key in seen:
            problems[f"ports[{i}].name"] = _(
                "%(name)s is named twice (%(kind)s, %(side)s)", name=t.name, kind=word(t.kind), side=word(t.side)
            )
        seen.add(key)
        if t.side is not PortSide.front or t.rear_port is None:
            continue
        rear = rears.get(t.rear_port)
        if rear is None:
            problems[f"ports[{i}].rear_port"] = _(
                "Front port %(name)s names rear port %(rear)s, which is not there", name=t.name, rear=t.rear_port
            )
        elif (t.rear_position or 1) > rear.positions:
            problems[f"ports[{i}].rear_position"] = _(
                "Front port %(name)s takes position %(position)s of rear port %(rear)s, which has %(positions)s",
                name=t.name,
                position=t.rear_position,
                rear=rear.name,
                positions=rear.positions,
            )
        elif (other := taken.setdefault((rear.name, t.rear_position or 1), t.name)) != t.name:
            problems[f"ports[{i}].rear_position"] = _(
                "Front ports %(other)s and %(name)s both take position %(position)s of rear port %(rear)s",
                other=other,
                name=t.name,
                position=t.rear_position or 1,
                rear=rear.name,
            )
    return problems


def _templates(data: HardwareTypeIn) -> list[PortTemplate]:
    return [PortTemplate(**{f: getattr(t, f) for f in PortTemplateIn.__struct_fields__}) for t in data.ports]


def _same_templates(ht: HardwareType, data: HardwareTypeIn) -> bool:
    have = [PortTemplateIn(**{f: getattr(t, f) for f in PortTemplateIn.__struct_fields__}) for t in ht.ports]
    return have == list(data.ports)


def find(db: Session, data: HardwareTypeIn) -> HardwareType | None:
    """The type this describes: by its NetBox id when it has one, else by slug or manufacturer and model."""
    same = or_(
        HardwareType.slug == data.slug,
        (HardwareType.manufacturer == data.manufacturer) & (HardwareType.model == data.model),
    )
    if data.external_ref is not None:
        same = or_(HardwareType.external_ref == data.external_ref, same)
    return db.scalars(select(HardwareType).options(selectinload(HardwareType.ports)).where(same).limit(1)).first()


def save_type(db: Session, data: HardwareTypeIn, actor: str, *, with_ports: bool = True) -> Saved:
    """Create the type, or bring the one on record up to `data` (fields and templates), or leave it as it is.
    `with_ports=False`: `data` says nothing of ports (NetBox's API lists them elsewhere): a type on record keeps its
    templates and maximum draw."""
    if problems := template_problems(data):
        raise ValidationFailed(problems)
    values: dict[str, Any] = {f: getattr(data, f) for f in _FIELDS}
    values["u_height"] = Decimal(str(data.u_height))
    values["max_draw_w"] = max((t.max_draw_w or 0 for t in data.ports if not t.outlet), default=0) or None
    ht = find(db, data)
    if ht is not None and not with_ports:
        values.pop("max_draw_w")
    if ht is None:
        ht = HardwareType(**values, ports=_templates(data))
        db.add(ht)
        db.flush()
        _record(db, ht, "create", actor)
        return Saved(ht, "created")
    changed = {k: v for k, v in values.items() if getattr(ht, k) != v}
    same_ports = not with_ports or _same_templates(ht, data)
    if not changed and same_ports:
        return Saved(ht, "unchanged")
    for k, v in changed.items():
        setattr(ht, k, v)
    if not same_ports:
        ht.ports = []
        db.flush()  # the old templates go first: the new ones may reuse their names
        ht.ports = _templates(data)
    db.flush()
    _record(db, ht, "update", actor, changed=sorted(changed))
    return Saved(ht, "updated")


def _record(db: Session, ht: HardwareType, action: str, actor: str, changed: list[str] | None = None) -> None:
    extra: dict[str, Any] = {"ports": len(ht.ports)}
    if changed is not None:
        extra["changed"] = changed
    audit.record(
        db,
        actor=actor,
        action=action,
        object_type="hardware type",
        object_id=ht.id,
        after={k: getattr(ht, k) for k in ("manufacturer", "model", "slug", "u_height", "max_draw_w")},
        extra=extra,
    )


def apply_type(values: dict[str, Any], ht: HardwareType) -> dict[str, Any]:
    """Hardware values from its type: the type decides height, depth and model; its power draw applies when
    none was given."""
    return {
        **values,
        "u_height": ht.units,
        "full_depth": ht.full_depth,
        "model": ht.hardware_model,
        "power_draw_w": values.get("power_draw_w") or ht.max_draw_w or 0,
    }


PORT_NAME = Port.__table__.c.name.type.length  # a template's name may be longer (NetBox allows 64)


def _free_name(name: str, suffix: str, taken: set[str]) -> str:
    """`name`, or with `suffix` (then a number) when the hardware has a port of that name: within PORT_NAME."""
    candidate, n = name[:PORT_NAME], 1
    while candidate in taken:
        tail = suffix if n == 1 else f"{suffix}-{n}"
        candidate, n = name[: PORT_NAME - len(tail)] + tail, n + 1
    return candidate


def make_ports(db: Session, hw: Hardware, ht: HardwareType, actor: str) -> list[Port]:
    """The type's ports on `hw`. A name used on two sides or kinds (NetBox lets a front port and its rear port
    both be "1") gets its side on the second: "1-R". A front port passes through to its rear port where that
    rear port has one position; a rear port with several (an MPO cassette) is made without pass-throughs, as a
    dcops pass-through joins one front port to one rear port."""
    positions = {t.name: t.positions for t in ht.ports if t.side is PortSide.rear}
    ordered = sorted(ht.ports, key=lambda t: t.side is PortSide.rear)  # a rear port yields its name to a front
    taken: set[str] = set()
    made: list[Port] = []
    rears: dict[str, Port] = {}
    for t in ordered:
        name = _free_name(t.name, "-R" if t.side is PortSide.rear else f" ({t.kind.value})", taken)
        taken.add(name)
        made.append(Port(hardware_id=hw.id, name=name, kind=t.kind, side=t.side, type=t.type))
        if t.side is PortSide.rear:
            rears[t.name] = made[-1]
    db.add_all(made)
    db.flush()
    for t, port in zip(ordered, made, strict=True):
        rear = rears.get(t.rear_port or "") if t.side is PortSide.front else None
        if rear is not None and positions[t.rear_port or ""] == 1:
            port.pass_through_id, rear.pass_through_id = rear.id, port.id
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="create ports",
        object_type="hardware",
        object_id=hw.id,
        extra={"hardware_type_id": ht.id, "ports": len(made)},
    )
    return made


def _loaded(db: Session, hardware_type_id: int) -> HardwareType | None:
    return db.scalars(
        select(HardwareType).options(selectinload(HardwareType.ports)).where(HardwareType.id == hardware_type_id)
    ).first()


def type_for(db: Session, hardware_type_id: int) -> HardwareType:
    """The type hardware is to be made from (a form's or a call's field)."""
    if (ht := _loaded(db, hardware_type_id)) is None:
        raise ValidationFailed({"hardware_type_id": _("No hardware type with id %(id)s", id=hardware_type_id)})
    return ht


def get_type(db: Session, hardware_type_id: int) -> HardwareType:
    """The type a page or an API call names in its path."""
    if (ht := _loaded(db, hardware_type_id)) is None:
        raise NotFound("hardware type", hardware_type_id)
    return ht


def type_query(q: str = "") -> Any:
    stmt = select(HardwareType).order_by(HardwareType.manufacturer, HardwareType.model, HardwareType.id)
    if q:
        stmt = stmt.where(contains_text(q, HardwareType.manufacturer, HardwareType.model, HardwareType.part_number))
    return stmt


def hardware_count(db: Session, hardware_type_id: int) -> int:
    return db.scalar(select(func.count()).where(Hardware.hardware_type_id == hardware_type_id)) or 0


def create_type(db: Session, data: HardwareTypeIn, actor: str) -> HardwareType:
    if (same := find(db, data)) is not None:
        raise Conflict(_("%(type)s (%(slug)s) is on record already", type=same.label, slug=same.slug), field="slug")
    return save_type(db, data, actor).hardware_type


def delete_type(db: Session, ht: HardwareType, actor: str) -> None:
    if used := hardware_count(db, ht.id):
        raise Conflict(
            ngettext(
                "%(n)s hardware item is of type %(type)s; the type stays while it does",
                "%(n)s hardware items are of type %(type)s; the type stays while they do",
                used,
            )
            % {"n": used, "type": ht.label}
        )
    crud.delete(db, ht, actor=actor)
