"""dcops inventory out to NetBox: CSV files for NetBox's bulk import (its field names) of tenants, sites, locations,
racks and devices, and hardware types as device-type library YAML. `dcops import netbox` and `dcops import
devicetypes` read them back: exporting, importing and exporting again gives the same files.

The `cf_` columns are dcops' own and are custom fields on the NetBox side (create them there first, or drop the
columns): `cf_kvk_number` on tenants (a business's KvK number, Art. 1.4); on devices the contract a customer's
hardware runs under, its power draw, what a dedicated server offers (D3), a third party's ownership (K1), the rack it
is planned for (K2), the day it was first installed (K9), and model, height and depth of hardware without a type; on
cables who installed them (A3) and their route (dcops/interop/import.md lists them all).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from dcops.cabling.models import Cable, CableStatus, Port, PortKind, PortSide
from dcops.customers.models import Contract, Customer
from dcops.racks.models import Hardware, HardwareStatus, HardwareType, Rack, RackKind, RackStatus, Room, Site

_RACK_STATUS = {RackStatus.active: "active", RackStatus.planned: "planned", RackStatus.retired: "deprecated"}
_DEVICE_STATUS = {
    HardwareStatus.installed: "active",
    HardwareStatus.planned: "planned",
    HardwareStatus.removed: "offline",
}
DEVICE_ROLE = "hardware"  # NetBox requires a role; dcops has none: create this one in NetBox


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-")[:100] or "x"


@dataclass(frozen=True)
class Exported:
    files: list[Path]
    counts: dict[str, int]


def _write(folder: Path, name: str, header: list[str], rows: Iterable[list[Any]]) -> tuple[Path, int]:
    path = folder / f"{name}.csv"
    n = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        for row in rows:
            out.writerow(["" if v is None else getattr(v, "value", v) for v in row])
            n += 1
    return path, n


def export(db: Session, folder: Path) -> Exported:
    folder.mkdir(parents=True, exist_ok=True)
    files, counts = [], {}

    def add(result: tuple[Path, int], kind: str) -> None:
        files.append(result[0])
        counts[kind] = result[1]

    customers = db.scalars(select(Customer).order_by(Customer.name)).all()
    add(_write(folder, "tenants", ["name", "slug", "cf_kvk_number"],
               ([c.name, slug(c.name), c.kvk_number] for c in customers)), "tenants")  # fmt: skip
    sites = db.scalars(select(Site).order_by(Site.code)).all()
    add(_write(folder, "sites", ["name", "slug", "status", "time_zone", "physical_address"],
               ([s.name, s.code.lower(), "active", s.timezone, s.address] for s in sites)), "sites")  # fmt: skip
    rooms = db.scalars(select(Room).options(joinedload(Room.site)).order_by(Room.site_id, Room.code)).all()
    add(_write(folder, "locations", ["site", "name", "slug", "status"],
               ([r.site.name, r.name, r.code.lower(), "active"] for r in rooms)), "locations")  # fmt: skip
    racks = db.scalars(
        select(Rack).options(joinedload(Rack.room).joinedload(Room.site), joinedload(Rack.customer))
        .order_by(Rack.room_id, Rack.name)
    ).all()  # fmt: skip
    add(_write(folder, "racks", ["site", "location", "name", "status", "width", "u_height", "tenant"],
               ([r.room.site.name, r.room.name, r.name, _RACK_STATUS[r.status], 19, r.u_height,
                 r.customer.name if r.kind is RackKind.private and r.customer else None] for r in racks)),
        "racks")  # fmt: skip
    add(_write(folder, "devices", _DEVICE_HEADER, _devices(db)), "devices")
    for kind, (header, rows) in _ports(db).items():
        add(_write(folder, kind, header, rows), kind)
    add(_write(folder, "cables", _CABLE_HEADER, _cables(db)), "cables")
    counts["device types"] = export_types(db, folder / "device-types")
    return Exported(files, counts)


_DEVICE_HEADER = ["name", "role", "device_type", "manufacturer", "site", "location", "rack", "position", "face",
                  "status", "tenant", "cf_contract", "asset_tag", "serial", "cf_model", "cf_u_height", "cf_full_depth",
                  "cf_power_draw_w", "cf_cpu_cores", "cf_memory_gb", "cf_storage_gb", "cf_network_mbps",
                  "cf_third_party_owner", "cf_planned_rack", "cf_installed_on"]  # fmt: skip


def _devices(db: Session) -> Iterable[list[Any]]:
    stmt = (
        select(Hardware)
        .options(
            joinedload(Hardware.rack).joinedload(Rack.room).joinedload(Room.site),
            joinedload(Hardware.contract).joinedload(Contract.customer),
            joinedload(Hardware.hardware_type),
            joinedload(Hardware.planned_rack),
        )
        .where(Hardware.status != HardwareStatus.removed)
        .order_by(Hardware.asset_tag)
        .execution_options(yield_per=2000)
    )
    for hw in db.scalars(stmt):
        ht, rack, contract = hw.hardware_type, hw.rack, hw.contract
        yield [
            hw.name,
            DEVICE_ROLE,
            ht.model if ht else None,
            ht.manufacturer if ht else None,
            rack.room.site.name if rack else None,
            rack.room.name if rack else None,
            rack.name if rack else None,
            hw.position,
            hw.face.value if hw.face else None,
            _DEVICE_STATUS[hw.status],
            contract.customer.name if contract else None,
            contract.number if contract else None,
            hw.asset_tag,
            hw.serial,
            *((None, None, None) if ht else (hw.model, hw.u_height, str(hw.full_depth).lower())),  # else the type's
            hw.power_draw_w,
            hw.cpu_cores,
            hw.memory_gb,
            hw.storage_gb,
            hw.network_mbps,
            hw.third_party_owner,
            hw.planned_rack.name if hw.planned_rack else None,
            hw.first_installed_on,
        ]


def _ports(db: Session) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Ports by NetBox's lists: rear ports before the front ports that name them."""
    out: dict[str, tuple[list[str], list[list[Any]]]] = {
        "rear-ports": (["device", "name", "type", "positions"], []),
        "front-ports": (["device", "name", "type", "rear_port", "rear_port_position"], []),
        "interfaces": (["device", "name", "type"], []),
        "console-ports": (["device", "name", "type"], []),
        "power-ports": (["device", "name", "type"], []),
    }
    rear = aliased(Port)
    stmt = (
        select(Port, Hardware.name, rear.name)
        .join(Hardware, Hardware.id == Port.hardware_id)
        .outerjoin(rear, (rear.id == Port.pass_through_id) & (rear.side == PortSide.rear))
        .where(Hardware.status != HardwareStatus.removed)
        .order_by(Hardware.asset_tag, Port.name)
    )
    for port, device, rear_name in db.execute(stmt):
        kind = _port_list(port)
        row: list[Any] = [device, port.name, port.type]
        if kind == "rear-ports":
            row.append(1)
        elif kind == "front-ports":
            row += [rear_name, 1 if rear_name else None]
        out[kind][1].append(row)
    return out


def _port_list(port: Port) -> str:
    if port.side is PortSide.rear:
        return "rear-ports"
    if port.side is PortSide.front:
        return "front-ports"
    return {PortKind.console: "console-ports", PortKind.power: "power-ports"}.get(port.kind, "interfaces")


_TERMINATION = {"rear-ports": "dcim.rearport", "front-ports": "dcim.frontport", "interfaces": "dcim.interface",
                "console-ports": "dcim.consoleport", "power-ports": "dcim.powerport"}  # fmt: skip
_CABLE_HEADER = ["side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name", "type",
                 "status", "label", "color", "length", "length_unit", "tenant", "cf_installed_by", "cf_installer_name",
                 "cf_installed_at", "cf_route"]  # fmt: skip


def _cables(db: Session) -> Iterable[list[Any]]:
    stmt = (
        select(Cable)
        .options(
            joinedload(Cable.a_port).joinedload(Port.hardware),
            joinedload(Cable.b_port).joinedload(Port.hardware),
            joinedload(Cable.customer),
        )
        .where(Cable.status != CableStatus.removed)
        .order_by(Cable.label)
    )
    for c in db.scalars(stmt):
        a, b = c.a_port, c.b_port
        yield [a.hardware.name, _TERMINATION[_port_list(a)], a.name, b.hardware.name, _TERMINATION[_port_list(b)],
               b.name, c.type, c.status, c.label, c.colour, c.length, c.length_unit,
               c.customer.name if c.customer else None, c.installed_by, c.installer_name, c.installed_at,
               c.route]  # fmt: skip


def library_yaml(ht: HardwareType) -> dict[str, Any]:
    """A hardware type as a device-type library file (the older front-port shape, which every NetBox reads)."""
    data: dict[str, Any] = {
        "manufacturer": ht.manufacturer,
        "model": ht.model,
        "slug": ht.slug,
        **({"part_number": ht.part_number} if ht.part_number else {}),
        "u_height": float(ht.u_height) if ht.u_height % 1 else int(ht.u_height),
        "is_full_depth": ht.full_depth,
        **({"airflow": ht.airflow} if ht.airflow else {}),
        **({"description": ht.description} if ht.description else {}),
    }
    lists: dict[str, list[dict[str, Any]]] = {}
    for t in ht.ports:
        item: dict[str, Any] = {"name": t.name, **({"type": t.type} if t.type else {})}
        if t.side is PortSide.front:
            key = "front-ports"
            if t.rear_port is not None:
                item |= {"rear_port": t.rear_port, "rear_port_position": t.rear_position or 1}
        elif t.side is PortSide.rear:
            key, item = "rear-ports", item | {"positions": t.positions}
        elif t.kind is PortKind.console:
            key = "console-ports"
        elif t.kind is PortKind.power:
            key = "power-outlets" if t.outlet else "power-ports"
            if t.max_draw_w is not None:
                item["maximum_draw"] = t.max_draw_w
        else:
            key = "interfaces"
        lists.setdefault(key, []).append(item)
    order = ("interfaces", "console-ports", "power-ports", "power-outlets", "rear-ports", "front-ports")
    return data | {k: lists[k] for k in order if k in lists}


def export_types(db: Session, folder: Path) -> int:
    n = 0
    for ht in db.scalars(select(HardwareType).options(selectinload(HardwareType.ports)).order_by(HardwareType.slug)):
        path = folder / re.sub(r"[^A-Za-z0-9 ._-]+", "-", ht.manufacturer) / f"{ht.slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(library_yaml(ht), sort_keys=False, allow_unicode=True))
        n += 1
    return n
