"""NetBox inventory in: tenants, sites, locations, racks, devices, their ports (interfaces, console and power
ports, power outlets, front and rear ports) and cables, from NetBox's bulk-import files (CSV, YAML, JSON, with
NetBox's own field names) or from its REST API (the `results` of /api/tenancy/tenants/, /api/dcim/sites/,
/api/dcim/racks/, /api/dcim/devices/, /api/dcim/interfaces/, /api/dcim/cables/, ..., several pages allowed).

The contract still holds: a tenant is a customer (found by its NetBox id or name; a new one needs the KvK number
Art. 1.4 asks of a business), a device belongs to a customer only through a contract (a `contract` column, or the
tenant's default given to the import), a tenant's device never goes into another customer's private rack, and two
devices never share a unit. Every row is checked first; one problem and nothing is saved. The NetBox id is kept
(`external_ref`): importing the same export again changes nothing, a changed one updates what changed. Written with
plain executemany statements, one audit event per kind and import naming every object created and updated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from dcops import audit, clock
from dcops.cabling.models import Cable, CableEnd, CableStatus, Port, PortKind, PortSide
from dcops.cabling.service import compatible
from dcops.customers.models import Contract, Customer, CustomerKind
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _
from dcops.interop import devicetypes
from dcops.interop import netbox_values as v
from dcops.interop.bulk import allocate_ids, insert_many, no_cycle_collection
from dcops.interop.devicetypes import interface_kind, pass_through_kind
from dcops.interop.netbox_files import KINDS, PORT_KINDS, Problem, Row, files, read
from dcops.interop.netbox_values import RowProblem
from dcops.racks import types, units
from dcops.racks.models import (
    MAX_RACK_HEIGHT,
    Face,
    Hardware,
    HardwareStatus,
    HardwareType,
    Rack,
    RackKind,
    RackUnit,
    Room,
    Site,
)
from dcops.terms.cabling import CableEnd as CableEndFacts
from dcops.terms.cabling import Installer, Route, may_cable
from dcops.vocabulary import word

PROGRESS_EVERY = 500  # rows
MAX_CABLE_M = 100_000
_COMPONENTS = ("interfaces", "console-ports", "console-server-ports", "power-ports", "power-outlets", "front-ports",
               "rear-ports", "port-mappings")  # fmt: skip
_CABLE_STATUS = {"connected": CableStatus.connected, "planned": CableStatus.planned,
                 "decommissioning": CableStatus.connected}  # fmt: skip
_SIDE = {"front-ports": PortSide.front, "rear-ports": PortSide.rear}
_TERMINATION = {"dcim.interface", "dcim.frontport", "dcim.rearport", "dcim.consoleport", "dcim.consoleserverport",
                "dcim.powerport", "dcim.poweroutlet"}  # fmt: skip


class TypeFacts(NamedTuple):
    """What hardware made from a type takes from it."""

    id: int
    units: int
    full_depth: bool
    model: str
    max_draw_w: int | None


# dcops' own facts of hardware that NetBox has no field for: custom fields on NetBox's side (dcops/interop/import.md).
_SPECS = ("cpu_cores", "memory_gb", "storage_gb", "network_mbps")  # D3: what a dedicated server offers
_DEVICE_CUSTOM = frozenset({"cf_model", "cf_u_height", "cf_full_depth", "cf_power_draw_w", "cf_third_party_owner",
                            "cf_planned_rack", "cf_installed_on", *(f"cf_{s}" for s in _SPECS)})  # fmt: skip


@dataclass
class Report:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        parts = []
        for kind in KINDS:
            c = self.counts[kind]
            if c.total():
                parts.append(f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged")
        return "; ".join(parts) or "nothing to import"


# --- applying --------------------------------------------------------------------------------------------


class Index:
    """dcops ids of one kind by NetBox id and by natural key, what is on record plus what this import adds."""

    def __init__(self) -> None:
        self.by_ref: dict[str, int] = {}
        self.by_key: dict[Any, int] = {}

    def add(self, ident: int, ref: str | None, key: Any) -> None:
        if ref is not None:
            self.by_ref[ref] = ident
        self.by_key[key] = ident

    def find(self, ref: str | None, key: Any) -> int | None:
        if ref is not None and ref in self.by_ref:
            return self.by_ref[ref]
        return self.by_key.get(key)


class NetBoxImport:
    def __init__(self, db: Session, actor: str, today: date, contracts: dict[str, str] | None = None) -> None:
        self.db, self.actor, self.today = db, actor, today
        self.contract_of_tenant = {k.casefold(): v for k, v in (contracts or {}).items()}
        self.report = Report()
        self.writes: dict[str, list[tuple[str, int | None, dict[str, Any]]]] = {k: [] for k in KINDS}

    # Every row is checked against what is on record and what earlier rows add; nothing is written until all
    # rows passed, then each kind is written with one executemany per statement.
    def run(
        self,
        rows: Iterable[Row],
        progress: Callable[[int, int], None] | None = None,
        before_write: Callable[[], None] | None = None,
    ) -> Report:
        """`progress(done, total)` is told every PROGRESS_EVERY rows; `before_write` runs once all rows passed, right
        before the first write (the Import page takes SQLite's write lock there, not while checking)."""
        by_kind: dict[str, list[Row]] = {k: [] for k in KINDS}
        for row in rows:
            by_kind[row.kind].append(row)
        total, done = sum(len(v) for v in by_kind.values()), 0
        self._load_indexes()
        self.front_names = {
            (v.device_key(r.data.get("device")), str(r.data.get("name", "")).strip().casefold())
            for r in by_kind["front-ports"]
        }
        for kind in KINDS:
            check = self._port if kind in PORT_KINDS else getattr(self, f"_{kind.replace('-', '_')}")
            for row in by_kind[kind]:
                try:
                    check(row)
                except RowProblem as p:
                    self.report.problems.append(Problem(row.file, row.number, p.field, p.message, p.rule, p.article))
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
        if progress is not None:
            progress(total, total)
        if self.report.ok:
            if before_write is not None:
                before_write()
            self._write()
        return self.report

    def _load_indexes(self) -> None:
        db = self.db
        self.customers, self.sites, self.rooms, self.racks, self.hardware = (Index() for _ in range(5))
        for i, ref, name in db.execute(select(Customer.id, Customer.external_ref, Customer.name)):
            self.customers.add(i, ref, name.casefold())
        for i, ref, code, name in db.execute(select(Site.id, Site.external_ref, Site.code, Site.name)):
            self.sites.add(i, ref, name.casefold())
            self.sites.by_key[("code", code.casefold())] = i
        for i, ref, site, code, name in db.execute(
            select(Room.id, Room.external_ref, Room.site_id, Room.code, Room.name)
        ):
            self.rooms.add(i, ref, (site, name.casefold()))
            self.rooms.by_key[(site, "code", code.casefold())] = i
        self.rack_rows: dict[int, dict[str, Any]] = {}
        self.room_site = dict(db.execute(select(Room.id, Room.site_id)).all())
        self.racks_at: dict[tuple[int, str], list[int]] = {}  # (site, name): how a device's row names its rack
        racks = select(Rack.id, Rack.external_ref, Rack.room_id, Rack.name, Rack.u_height, Rack.customer_id, Rack.kind)
        for r in db.execute(racks):
            self._add_rack(r.id, r.external_ref, r.room_id, r.name, r.u_height, r.customer_id, r.kind)
        self.asset_tags = dict(db.execute(select(Hardware.asset_tag, Hardware.id)).all())
        for i, ref, tag in db.execute(select(Hardware.id, Hardware.external_ref, Hardware.asset_tag)):
            self.hardware.add(i, ref, tag)
        self.taken: dict[tuple[int, int, Face], int] = {
            (u.rack_id, u.unit, u.face): u.hardware_id for u in db.execute(select(RackUnit.__table__))
        }
        self.types: dict[str, TypeFacts] = {}
        for ht in db.scalars(select(HardwareType)):
            self._know_type(ht)
        self.contracts = {
            n.casefold(): (i, c) for i, n, c in db.execute(select(Contract.id, Contract.number, Contract.customer_id))
        }
        self.cells_of: dict[int, list[tuple[int, int, Face]]] = {}
        for key, holder in self.taken.items():
            self.cells_of.setdefault(holder, []).append(key)
        self.ports: dict[tuple[int, str], int] = {
            (hw, name.casefold()): i for i, hw, name in db.execute(select(Port.id, Port.hardware_id, Port.name))
        }
        self.device_names: dict[str, list[int]] = {}
        self.device_by_cell: dict[str, int] = {}  # filled by port and cable rows, all checked after every device
        for i, name in db.execute(select(Hardware.id, Hardware.name)):
            self.device_names.setdefault(name.casefold(), []).append(i)
        self.links: list[tuple[int, int]] = []  # (front, rear) pass-throughs to set once both have ids
        self.rear_positions: dict[int, int] = {}
        self.cables = dict(db.execute(select(Cable.label, Cable.id)).all())
        self.cable_ends = {p: c for p, c in db.execute(select(CableEnd.port_id, CableEnd.cable_id))}
        self.port_facts: dict[int, tuple[int, PortKind]] = {
            i: (hw, kind) for i, hw, kind in db.execute(select(Port.id, Port.hardware_id, Port.kind))
        }
        self.hardware_rack = dict(db.execute(select(Hardware.id, Hardware.rack_id)).all())
        self.ends_of: dict[int, tuple[int, int]] = {}  # cable -> its two ports, as this import leaves them
        self.last_placeholder = 0

    def _new_id(self) -> int:
        """A placeholder id for a row not written yet: negative (never a real one) and unique across kinds (ports
        of several kinds meet in one cable)."""
        self.last_placeholder -= 1
        return self.last_placeholder

    def _plan(self, kind: str, existing: int | None, values: dict[str, Any], current: dict[str, Any] | None) -> int:
        if existing is not None and existing < 0:  # made by an earlier row: one of the two would be lost
            raise RowProblem(
                "", _("The same object (NetBox id, name or asset tag) is on an earlier row of this import")
            )
        if existing is None:
            ident = self._new_id()
            self.writes[kind].append(("create", ident, values))
            self.report.counts[kind]["created"] += 1
            return ident
        changed = {k: v for k, v in values.items() if current is None or current.get(k) != v}
        if changed:
            self.writes[kind].append(("update", existing, changed))
            self.report.counts[kind]["updated"] += 1
        else:
            self.report.counts[kind]["unchanged"] += 1
        return existing

    def _current(self, model: Any, ident: int | None, columns: Iterable[str]) -> dict[str, Any] | None:
        if ident is None or ident < 0:
            return None
        row = self.db.execute(select(*(getattr(model, c) for c in columns)).where(model.id == ident)).one()
        return dict(zip(columns, row, strict=True))

    # --- one check per kind: the row's values, or a RowProblem ---

    def _tenants(self, row: Row) -> None:
        name = v.text(row, "name", 200, required=True)
        assert name is not None
        ref = v.netbox_id(row)
        found = self.customers.find(ref, name.casefold())
        values: dict[str, Any] = {"name": name}
        if ref is not None:
            values["external_ref"] = ref
        if found is None:
            kvk = v.text(row, "cf_kvk_number", 8) or v.text(row, "kvk_number", 8)
            if kvk is None or not kvk.isdigit() or len(kvk) != 8:
                raise RowProblem(
                    "cf_kvk_number",
                    _(
                        "Tenant %(name)s is no customer here yet: a business is identified by its 8-digit KvK number "
                        "(give cf_kvk_number), or create the customer first and import again",
                        name=name,
                    ),
                    "Art. 1.4",
                )
            values |= {"kind": CustomerKind.business, "kvk_number": kvk}
        ident = self._plan("tenants", found, values, self._current(Customer, found, values))
        self.customers.add(ident, ref, name.casefold())

    def _sites(self, row: Row) -> None:
        name = v.text(row, "name", 200, required=True)
        assert name is not None
        slug = v.text(row, "slug", 100) or name
        ref = v.netbox_id(row)
        found = self.sites.find(ref, name.casefold())
        values: dict[str, Any] = {"name": name, "code": v.code(slug).upper() if found is None else None}
        if found is not None:
            values.pop("code")  # the site's code is dcops' own once it exists
        if (address := v.text(row, "physical_address", 5000)) is not None:
            values["address"] = address
        if (zone := v.text(row, "time_zone", 64)) is not None:
            if not clock.is_zone(zone):
                raise RowProblem("time_zone", _(clock.NOT_A_ZONE, zone=zone))
            values["timezone"] = zone
        if ref is not None:
            values["external_ref"] = ref
        if found is None and ("code", values["code"].casefold()) in self.sites.by_key:
            raise RowProblem("slug", _("Site code %(code)s is used by another site", code=values["code"]))
        ident = self._plan("sites", found, values, self._current(Site, found, values))
        self.sites.add(ident, ref, name.casefold())
        if "code" in values:
            self.sites.by_key[("code", values["code"].casefold())] = ident

    def _site_of(self, row: Row) -> int:
        site = v.ref(row.data.get("site"))
        if site is None:
            raise RowProblem("site", _("is required"))
        found = self.sites.find(site.id, (site.name or "").casefold())
        if found is None:
            raise RowProblem(
                "site", _("No site %(site)s (import sites first, or in the same run)", site=site.name or site.id)
            )
        return found

    def _locations(self, row: Row) -> None:
        site = self._site_of(row)
        name = v.text(row, "name", 200, required=True)
        assert name is not None
        ref = v.netbox_id(row)
        found = self.rooms.find(ref, (site, name.casefold()))
        values: dict[str, Any] = {"site_id": site, "name": name}
        if found is None:
            code = v.code(v.text(row, "slug", 100) or name).upper()
            if (site, "code", code.casefold()) in self.rooms.by_key:
                raise RowProblem("slug", _("Room code %(code)s is used by another room of this site", code=code))
            values["code"] = code
        if ref is not None:
            values["external_ref"] = ref
        ident = self._plan("locations", found, values, self._current(Room, found, values))
        self.rooms.add(ident, ref, (site, name.casefold()))
        self.room_site[ident] = site
        if "code" in values:
            self.rooms.by_key[(site, "code", values["code"].casefold())] = ident

    def _room_of(self, row: Row, site: int) -> int:
        location = v.ref(row.data.get("location"))
        if location is None:
            raise RowProblem("location", _("is required: a dcops rack stands in a room (NetBox's location)"))
        found = self.rooms.find(location.id, (site, (location.name or "").casefold()))
        if found is None:
            raise RowProblem(
                "location", _("No location %(location)s at this site", location=location.name or location.id)
            )
        return found

    def _tenant_of(self, row: Row) -> int | None:
        tenant = v.ref(row.data.get("tenant"))
        if tenant is None:
            return None
        found = self.customers.find(tenant.id, (tenant.name or "").casefold())
        if found is None:
            raise RowProblem(
                "tenant", _("No customer for tenant %(tenant)s (import tenants first)", tenant=tenant.name or tenant.id)
            )
        return found

    def _racks(self, row: Row) -> None:
        site = self._site_of(row)
        room = self._room_of(row, site)
        name = v.text(row, "name", 50, required=True)
        assert name is not None
        ref = v.netbox_id(row)
        found = self.racks.find(ref, (room, name.casefold()))
        height = v.number(row, "u_height", 1, MAX_RACK_HEIGHT)
        customer = self._tenant_of(row)
        values: dict[str, Any] = {
            "room_id": room,
            "name": name,
            "u_height": int(height or 42),
            # A rack NetBox assigns to a tenant is a private rack let to that customer.
            "kind": RackKind.private if customer is not None else RackKind.shared,
            "customer_id": customer,
        }
        if ref is not None:
            values["external_ref"] = ref
        ident = self._plan("racks", found, values, self._current(Rack, found, values))
        if found is None:
            self._add_rack(ident, ref, room, name, values["u_height"], customer, values["kind"])
        else:
            self.racks.add(ident, ref, (room, name.casefold()))
            self.rack_rows[ident] = self._rack_facts(name, values["u_height"], customer, room, values["kind"])

    def _add_rack(
        self, ident: int, ref: str | None, room: int, name: str, height: int, customer: int | None, kind: RackKind
    ) -> None:
        self.racks.add(ident, ref, (room, name.casefold()))
        self.rack_rows[ident] = self._rack_facts(name, height, customer, room, kind)
        self.racks_at.setdefault((self.room_site[room], name.casefold()), []).append(ident)

    @staticmethod
    def _rack_facts(name: str, height: int, customer: int | None, room: int, kind: RackKind) -> dict[str, Any]:
        return {"name": name, "u_height": height, "customer_id": customer, "room_id": room, "kind": kind}

    def _devices(self, row: Row) -> None:
        name = v.text(row, "name", 100, required=True)
        assert name is not None
        ref = v.netbox_id(row)
        tag = v.text(row, "asset_tag", 50) or (f"NB-{ref}" if ref is not None else None)
        if tag is None:
            raise RowProblem("asset_tag", _("is required without a NetBox id: dcops knows hardware by its asset tag"))
        found = self.hardware.find(ref, tag)
        tenant = self._tenant_of(row)
        contract_id, customer = self._contract(row, tenant)
        type_ = self._type(row)
        values: dict[str, Any] = {
            "name": name,
            "asset_tag": tag,
            "serial": v.text(row, "serial", 100),
            "contract_id": contract_id,
        }
        if type_ is not None:
            values |= {"hardware_type_id": type_.id, "u_height": type_.units, "full_depth": type_.full_depth}
            values["model"] = type_.model
        if ref is not None:
            values["external_ref"] = ref
        custom = not _DEVICE_CUSTOM.isdisjoint(row.data)  # most NetBox exports have none: skip them in one step
        if custom:
            values |= self._own_facts(row, type_)
        if found is None and type_ is not None and "power_draw_w" not in values:
            values["power_draw_w"] = type_.max_draw_w or 0  # as hardware made from its type in dcops (apply_type)
        values |= self._placement(row, found, values.get("u_height", 1), values.get("full_depth", True), customer)
        planned = self._planned_rack(row, values, customer) if custom else None
        if planned is not None or (found is not None and values.get("rack_id") is not None):
            values["planned_rack_id"] = planned  # mounted hardware is planned for no other rack
        if found is None:
            # Taken over, not installed now (K9 is not asked at import): re-mounting it later is no new installation.
            installed_on = (v.day(row, "cf_installed_on") if custom else None) or self.today
            values["first_installed_on"] = installed_on if values.get("rack_id") else None
        kept = [k for k in values if k != "first_installed_on"] if found is not None else []
        current = self._current(Hardware, found, kept)
        if tag in self.asset_tags and self.asset_tags[tag] != found:
            raise RowProblem("asset_tag", _("%(tag)s is the asset tag of other hardware", tag=tag))
        ident = self._plan("devices", found, values, current)
        self.hardware.add(ident, ref, tag)
        self.hardware_rack[ident] = values.get("rack_id")
        if found is None:
            self.device_names.setdefault(name.casefold(), []).append(ident)
        self.asset_tags[tag] = ident
        self._book(ident, values)

    def _contract(self, row: Row, tenant: int | None) -> tuple[int | None, int | None]:
        """The contract the device runs under and the customer whose it is (the contract's, which a tenant given
        must be)."""
        number = v.text(row, "contract", 40) or v.text(row, "cf_contract", 40)
        if number is None and tenant is not None:
            ref = v.ref(row.data.get("tenant"))
            number = self.contract_of_tenant.get((ref.name or "").casefold()) if ref else None
        if number is None:
            return None, tenant  # supplier infrastructure (no contract: the supplier's, D1)
        found = self.contracts.get(number.casefold())
        if found is None:
            raise RowProblem("contract", _("No contract %(number)s", number=number))
        contract_id, contract_customer = found
        if tenant is not None and contract_customer != tenant:
            raise RowProblem(
                "contract", _("Contract %(number)s is another customer's than the device's tenant", number=number)
            )
        return contract_id, contract_customer

    def _own_facts(self, row: Row, type_: TypeFacts | None) -> dict[str, Any]:
        """dcops' facts of hardware as custom fields: those given are kept, those left out stay as they are.
        Model, height and depth are the type's when the device has one."""
        facts: dict[str, Any] = {}
        if type_ is None:
            if (model := v.text(row, "cf_model", 100)) is not None:
                facts["model"] = model
            if (height := v.whole(row, "cf_u_height", 1, MAX_RACK_HEIGHT)) is not None:
                facts["u_height"] = height
            if (full_depth := v.flag(row, "cf_full_depth")) is not None:
                facts["full_depth"] = full_depth
        if (watts := v.whole(row, "cf_power_draw_w", 0, 1_000_000)) is not None:
            facts["power_draw_w"] = watts
        for spec in _SPECS:
            if (amount := v.whole(row, f"cf_{spec}", 1, 100_000_000)) is not None:
                facts[spec] = amount
        if (owner := v.text(row, "cf_third_party_owner", 200)) is not None:
            facts["third_party_owner"] = owner  # K1: leased or financed, a third party's
        return facts

    def _planned_rack(self, row: Row, values: dict[str, Any], customer: int | None) -> int | None:
        """K2: the rack unmounted hardware is to be installed in (`cf_planned_rack`: its name, at the device's site
        when the row names one)."""
        name = v.text(row, "cf_planned_rack", 50)
        if name is None:
            return None
        if values.get("rack_id") is not None:
            raise RowProblem("cf_planned_rack", _("Mounted hardware is where it is, not planned for another rack"))
        site = self._site_of(row) if v.ref(row.data.get("site")) is not None else None
        wanted = name.casefold()
        racks = [i for (at, n), ids in self.racks_at.items() if n == wanted and site in (None, at) for i in ids]
        if len(racks) != 1:
            raise RowProblem("cf_planned_rack", _("No single rack %(rack)s at this site", rack=name))
        let_to = self.rack_rows[racks[0]]["customer_id"]
        if let_to is not None and customer is not None and let_to != customer:
            raise RowProblem("cf_planned_rack", _("A private rack let to another customer"), "K1", "12.2")
        return racks[0]

    def _type(self, row: Row) -> TypeFacts | None:
        ref = v.ref(row.data.get("device_type"))
        if ref is None:
            return None
        maker = v.ref(row.data.get("manufacturer"))
        keys = [(ref.name or "").casefold()]
        if maker is not None and maker.name:
            keys.insert(0, f"{maker.name} {ref.name}".casefold())
        for key in keys:
            if key in self.types:
                return self.types[key]
        raise RowProblem(
            "device_type", _("No hardware type %(type)s: import it from the device-type library first", type=ref.name)
        )

    def _placement(
        self, row: Row, found: int | None, height: int, full_depth: bool, customer: int | None
    ) -> dict[str, Any]:
        rack_ref = v.ref(row.data.get("rack"))
        position = v.number(row, "position", 1, MAX_RACK_HEIGHT)
        if rack_ref is None or position is None:
            status = HardwareStatus.planned if found is None else None
            return {"rack_id": None, "position": None, "face": None, **({"status": status} if status else {})}
        site = self._site_of(row)
        rack = self.racks.by_ref.get(rack_ref.id) if rack_ref.id is not None else None
        location = v.ref(row.data.get("location"))
        if rack is None and location is not None:  # the rack's room, when the row names it
            room = self.rooms.find(location.id, (site, (location.name or "").casefold()))
            rack = self.racks.by_key.get((room, (rack_ref.name or "").casefold()))
        if rack is None:
            candidates = self.racks_at.get((site, (rack_ref.name or "").casefold()), [])
            if len(candidates) != 1:
                raise RowProblem("rack", _("No single rack %(rack)s at this site", rack=rack_ref.name))
            rack = candidates[0]
        if position != int(position):
            raise RowProblem(
                "position", _("U%(position)s: dcops places hardware on whole units", position=format(position, "g"))
            )
        face = Face.rear if v.text(row, "face", 10) == "rear" else Face.front
        info = self.rack_rows[rack]
        if problem := units.fit_error(info["u_height"], int(position), height):
            raise RowProblem("position", problem)
        if info["customer_id"] is not None and customer is not None and info["customer_id"] != customer:
            raise RowProblem("rack", _("A private rack let to another customer"), "K1", "12.2")
        return {"rack_id": rack, "position": int(position), "face": face, "status": HardwareStatus.installed}

    def _book(self, ident: int, values: dict[str, Any]) -> None:
        """The units this device takes, refused when another device holds one (RackUnit's key decides too)."""
        for key in self.cells_of.pop(ident, []):
            del self.taken[key]
        if values.get("rack_id") is None:
            return
        cells = units.cells(
            values["position"], values.get("u_height", 1), values["face"], values.get("full_depth", True)
        )
        for unit, face in cells:
            holder = self.taken.get((values["rack_id"], unit, face))
            if holder is not None and holder != ident:
                raise RowProblem(
                    "position", _("U%(unit)s (%(face)s) is taken by another device", unit=unit, face=word(face))
                )
        for unit, face in cells:
            self.taken[(values["rack_id"], unit, face)] = ident
        self.cells_of[ident] = [(values["rack_id"], unit, face) for unit, face in cells]

    def _device_types(self, row: Row) -> None:
        """A device type in NetBox's own import format (the library's: YAML or JSON with its components, or CSV
        without them) or from its REST API (fields only: the API lists components elsewhere, so a type on record
        keeps its ports). Saved at once in the import's transaction, which is rolled back on any problem."""
        data = dict(row.data)
        maker = data.get("manufacturer")
        if isinstance(maker, dict):  # the REST API's nested manufacturer
            airflow = data.get("airflow")
            data = {
                "manufacturer": maker.get("name"),
                **{k: data.get(k) for k in ("model", "slug", "part_number", "u_height", "is_full_depth")},
                "airflow": airflow.get("value") if isinstance(airflow, dict) else airflow,
            }
        data = {k: v for k, v in data.items() if v not in (None, "")}
        try:
            wanted = devicetypes.from_mapping(data)
        except ValidationFailed as exc:
            field, message = next(iter(exc.errors.items()))
            raise RowProblem(field, message) from None
        with_ports = any(k in row.data for k in _COMPONENTS)
        saved = types.save_type(self.db, wanted, self.actor, with_ports=with_ports)
        self.report.counts["device-types"][saved.outcome] += 1
        self._know_type(saved.hardware_type)

    def _know_type(self, ht: HardwareType) -> None:
        """A device row names its type by model, slug, or manufacturer and model."""
        for key in (ht.model.casefold(), ht.slug.casefold(), ht.label.casefold()):
            self.types[key] = TypeFacts(ht.id, ht.units, ht.full_depth, ht.hardware_model, ht.max_draw_w)

    def _device_of(self, row: Row, value: Any = None) -> int:
        """The hardware a port or cable row names (its `device`, or `value` when given)."""
        raw = row.data.get("device") if value is None else value
        if type(raw) is str and (known := self.device_by_cell.get(raw)) is not None:
            return known  # a CSV names one device on many rows (its ports, its cables)
        ident = self._find_device(raw)
        if type(raw) is str:
            self.device_by_cell[raw] = ident
        return ident

    def _find_device(self, raw: Any) -> int:
        device = v.ref(raw)
        if device is None:
            raise RowProblem("device", _("is required"))
        if device.id is not None and device.id in self.hardware.by_ref:
            return self.hardware.by_ref[device.id]
        named = self.device_names.get((device.name or "").casefold(), [])
        if len(named) != 1:
            problem = (
                N_("No device named %(name)s (import devices first, or in the same run)")
                if not named
                else N_("More than one device is named %(name)s (import devices first, or in the same run)")
            )
            raise RowProblem("device", _(problem, name=device.name))
        return named[0]

    def _port(self, row: Row) -> None:
        """One port of a device: NetBox's interfaces, console and power ports and outlets, front and rear ports."""
        hw = self._device_of(row)
        name = v.text(row, "name", 45, required=True)
        assert name is not None
        slug = v.text(row, "type", 50)
        side = _SIDE.get(row.kind, PortSide.none)
        if row.kind == "interfaces":
            kind = interface_kind(slug)
            if kind is None:
                self.report.counts[row.kind]["unchanged"] += 1  # virtual: nothing to cable, nothing to keep
                return
        elif row.kind in ("console-ports", "console-server-ports"):
            kind = PortKind.console
        elif row.kind in ("power-ports", "power-outlets"):
            kind = PortKind.power
        else:
            kind = pass_through_kind(slug)
        # NetBox lets a rear port share its front port's name; dcops' ports are named once per hardware ("1-R").
        key_name = f"{name}-R" if side is PortSide.rear and self._front_named(row, name) else name
        found = self.ports.get((hw, key_name.casefold()))
        values: dict[str, Any] = {"hardware_id": hw, "name": key_name, "kind": kind, "side": side, "type": slug}
        if slug is None and found is not None:
            del values["kind"], values["type"]  # no type given: the port on record keeps its kind
        current = self._current(Port, found, [k for k in values if k != "hardware_id"]) if found else None
        if current is not None:
            current["hardware_id"] = hw
        ident = self._plan(row.kind, found, values, current)
        self.ports[(hw, key_name.casefold())] = ident
        if "kind" in values:
            self.port_facts[ident] = (hw, kind)
        if side is PortSide.rear:
            self.rear_positions[ident] = int(v.number(row, "positions", 1, 1024) or 1)
        if side is PortSide.front and (rear_name := v.text(row, "rear_port", 50)) is not None:
            rear = self.ports.get((hw, f"{rear_name}-R".casefold())) or self.ports.get((hw, rear_name.casefold()))
            if rear is None:
                raise RowProblem(
                    "rear_port", _("No rear port %(name)s on this device (import rear ports first)", name=rear_name)
                )
            if self.rear_positions.get(rear, 1) == 1:
                self.links.append((ident, rear))

    def _cables(self, row: Row) -> None:
        """A cable between two ports on record or imported before it; the supplier's (NetBox records no installer),
        one cable per port, ports of a kind one cable can join."""
        a, b = self._termination(row, "a"), self._termination(row, "b")
        if a == b:
            raise RowProblem("side_b_name", _("A cable joins two different ports"))
        (hw_a, kind_a), (hw_b, kind_b) = self.port_facts[a], self.port_facts[b]
        if not compatible(kind_a, kind_b):
            raise RowProblem(
                "type",
                _("A %(a)s port and a %(b)s port take no cable between them", a=word(kind_a), b=word(kind_b)),
            )
        ref = v.netbox_id(row)
        label = v.text(row, "label", 50) or (f"NB-{ref}" if ref else v.generated_label(row, a, b))
        found = self.cables.get(label)
        status = _CABLE_STATUS.get((v.text(row, "status", 20) or "connected").casefold())
        if status is None:
            raise RowProblem("status", _("is connected, planned or decommissioning"))
        for port in (a, b):  # one cable per port
            holder = self.cable_ends.get(port)
            if holder is not None and holder != (found if found is not None else object()):
                raise RowProblem("side_a_name" if port == a else "side_b_name", _("This port has a cable already"))
        length = v.number(row, "length", 0, 1_000_000)
        unit = (v.text(row, "length_unit", 5) or "m").casefold()
        if length is not None and unit not in ("m", "cm"):
            length, unit = length * {"km": 100_000, "ft": 30.48, "in": 2.54}.get(unit, 100), "cm"
        if length is not None and length / (100 if unit == "cm" else 1) > MAX_CABLE_M:
            raise RowProblem("length", _("Longer than %(km)s km: not a cable in a datacenter", km=MAX_CABLE_M // 1000))
        rack_a, rack_b = self.hardware_rack.get(hw_a), self.hardware_rack.get(hw_b)
        route = Route.in_rack if rack_a is not None and rack_a == rack_b else Route.overhead
        if (given := v.text(row, "cf_route", 20)) is not None:
            if given not in Route.__members__:
                raise RowProblem("cf_route", _("is one of %(routes)s", routes=", ".join(Route.__members__)))
            route = Route(given)
        values: dict[str, Any] = {
            "label": label,
            "a_port_id": a,
            "b_port_id": b,
            "type": v.text(row, "type", 40) or "unspecified",
            "colour": v.text(row, "color", 30),
            "length": round(length) if length else None,
            "length_unit": unit,
            "route": route,
            "status": status,
        }
        values |= self._installer(row, route, rack_a, rack_b)
        ident = self._plan("cables", found, values, self._current(Cable, found, values))
        self.cables[label] = ident
        for port in (a, b):
            self.cable_ends[port] = ident
        self.ends_of[ident] = (a, b)

    def _installer(self, row: Row, route: Route, rack_a: int | None, rack_b: int | None) -> dict[str, Any]:
        """Who installed the cable: the supplier (NetBox records no installer) unless `cf_installed_by` says the
        customer, whose technician is then the cable's tenant, and A3 applies: both ends in one private rack let to
        that customer, and the cable stays in it."""
        given = v.text(row, "cf_installed_by", 20)
        if given is None:
            return {}  # a cable on record keeps who installed it
        if given.casefold() not in Installer.__members__:
            raise RowProblem("cf_installed_by", _("is supplier or customer"))
        installer = Installer(given.casefold())
        facts: dict[str, Any] = {"installed_by": installer, "installer_name": v.text(row, "cf_installer_name", 200)}
        facts["installed_at"] = v.day(row, "cf_installed_at")
        facts["customer_id"] = self._tenant_of(row) if installer is Installer.customer else None
        if installer is Installer.customer and facts["customer_id"] is None:
            raise RowProblem("tenant", _("Say whose technician installed it: the cable's tenant"), "A3", "13.3")
        verdict = may_cable(installer, route, self._end(rack_a), self._end(rack_b), facts["customer_id"])
        if not verdict.allowed:
            reason = verdict.reasons[0]
            raise RowProblem("cf_installed_by", reason.message, reason.rule, reason.article)
        return facts

    def _end(self, rack: int | None) -> CableEndFacts:
        if rack is None:
            return CableEndFacts(None, None, False, None)
        facts = self.rack_rows[rack]
        return CableEndFacts(facts["name"], rack, facts["kind"] is RackKind.private, facts["customer_id"])

    def _termination(self, row: Row, side: str) -> int:
        """The port at one end: the API's `{side}_terminations`, or the CSV's side_{side}_device/_type/_name."""
        terminations = row.data.get(f"{side}_terminations")
        if isinstance(terminations, list):
            if len(terminations) != 1:
                raise RowProblem(f"{side}_terminations", _("A dcops cable joins one port at each end"))
            t = terminations[0] if isinstance(terminations[0], dict) else {}
            kind, obj = t.get("object_type"), t.get("object") or {}
            device, name = obj.get("device"), obj.get("name")
        else:
            kind = v.text(row, f"side_{side}_type", 40)
            device, name = row.data.get(f"side_{side}_device"), v.text(row, f"side_{side}_name", 64)
        field = f"side_{side}_name"
        if kind not in _TERMINATION:
            raise RowProblem(
                f"side_{side}_type", _("%(kind)s: a cable ends on a device's port here", kind=kind or _("nothing"))
            )
        if not name:
            raise RowProblem(field, _("is required"))
        hw = self._device_of(row, device)
        port = self.ports.get((hw, str(name).casefold())) or (
            self.ports.get((hw, f"{name}-R".casefold())) if kind == "dcim.rearport" else None
        )
        if port is None:
            raise RowProblem(
                field, _("No port %(name)s on that device (import its ports first, or in the same run)", name=name)
            )
        return port

    def _front_named(self, row: Row, name: str) -> bool:
        return (v.device_key(row.data.get("device")), name.casefold()) in self.front_names

    # --- writing ---

    def _write(self) -> None:
        """Every planned create and update, kind by kind, as executemany statements; placeholders replaced by the
        ids taken for the new rows (dcops.interop.bulk.allocate_ids)."""
        models = {"tenants": Customer, "sites": Site, "locations": Room, "racks": Rack, "devices": Hardware}
        models |= dict.fromkeys(PORT_KINDS, Port) | {"cables": Cable}
        refs = {
            "site_id": "sites",
            "room_id": "locations",
            "customer_id": "tenants",
            "rack_id": "racks",
            "planned_rack_id": "racks",
            "hardware_id": "devices",
        }
        port_ids: dict[int, int] = {}
        real: dict[str, dict[int, int]] = {k: {} for k in KINDS}
        conn = self.db.connection()
        for kind in KINDS:
            if kind not in models:  # device types are saved as they are checked (dcops.racks.types)
                continue
            table = models[kind].__table__
            creates = [(tmp, v) for op, tmp, v in self.writes[kind] if op == "create"]
            updates = [(i, v) for op, i, v in self.writes[kind] if op == "update"]

            # The columns that may hold a placeholder (a negative id of a row this import makes), and where to look
            # its real id up: only those are looked at, row by row (a large import has 100,000 rows).
            lookups = [(k, real[refs[k]]) for k in refs if k in table.c]
            lookups += [(end, port_ids) for end in ("a_port_id", "b_port_id") if end in table.c]

            def resolved(values: dict[str, Any], lookups: list[tuple[str, dict[int, int]]] = lookups) -> dict[str, Any]:
                out = dict(values)
                for k, ids in lookups:
                    placeholder = out.get(k)
                    if type(placeholder) is int and placeholder < 0:
                        out[k] = ids.get(placeholder, placeholder)
                return out

            created: list[int] = []
            if creates:  # the new rows' ids taken first (not read back after), then one executemany
                created = allocate_ids(conn, table, len(creates))
                real[kind] = {tmp: new for (tmp, _), new in zip(creates, created, strict=True)}  # type: ignore[misc]
                insert_many(conn, table, [v for _, v in creates], created, lookups)
            for ident, values in updates:
                conn.execute(update(table).where(table.c.id == ident).values(**resolved(values)))
            if kind == "devices":
                self._write_units(conn, real)
            if kind in PORT_KINDS:
                port_ids.update(real[kind])
            if kind == "cables":
                self._write_cable_ends(conn, real["cables"], port_ids)
            if created or updates:
                audit.record(
                    self.db,
                    actor=self.actor,
                    action="import",
                    object_type=models[kind].__tablename__.replace("_", " "),
                    object_id="netbox",
                    extra={"created": created, "updated": {str(i): sorted(v) for i, v in updates}},
                )
        self._write_links(conn, real)

    def _write_cable_ends(self, conn: Any, cables: dict[int, int], port_ids: dict[int, int]) -> None:
        """One cable_end row per port of every live cable written (its primary key: one cable per port)."""
        written = [i for op, i, _ in self.writes["cables"]]
        if not written:
            return
        if updated := [i for op, i, _ in self.writes["cables"] if op == "update"]:  # a new cable has no ends yet
            conn.execute(CableEnd.__table__.delete().where(CableEnd.__table__.c.cable_id.in_(updated)))
        removed = {i for op, i, v in self.writes["cables"] if v.get("status") is CableStatus.removed}
        rows = [
            {"port_id": port_ids.get(p, p), "cable_id": cables.get(i, i)}
            for i in written
            if i not in removed
            for p in self.ends_of[i]
        ]
        if rows:
            insert_many(conn, CableEnd.__table__, rows)

    def _write_links(self, conn: Any, real: dict[str, dict[int, int]]) -> None:
        """A front port and its rear port pass through to each other (one position each)."""
        pairs = [(real["front-ports"].get(f, f), real["rear-ports"].get(r, r)) for f, r in self.links]
        if not pairs:
            return
        port = Port.__table__
        conn.execute(
            update(port).where(port.c.id.in_([p for pair in pairs for p in pair])).values(pass_through_id=None)
        )
        set_link = update(port).where(port.c.id == bindparam("a")).values(pass_through_id=bindparam("b"))
        conn.execute(set_link, [{"a": f, "b": r} for f, r in pairs] + [{"a": r, "b": f} for f, r in pairs])

    def _write_units(self, conn: Any, real: dict[str, dict[int, int]]) -> None:
        """The unit rows of every device created in a rack or placed anew (its old rows released first)."""
        placement = {"rack_id", "position", "face", "u_height", "full_depth"}
        moved = [i for op, i, v in self.writes["devices"] if op == "update" and placement & v.keys()]
        if moved:
            conn.execute(RackUnit.__table__.delete().where(RackUnit.__table__.c.hardware_id.in_(moved)))
        placed = moved + [i for op, i, v in self.writes["devices"] if op == "create" and v.get("rack_id")]
        rows = [
            {
                "rack_id": real["racks"].get(rack, rack),
                "unit": u,
                "face": f,
                "hardware_id": real["devices"].get(i, i),
            }
            for i in placed
            for rack, u, f in self.cells_of.get(i, [])
        ]
        if rows:
            insert_many(conn, RackUnit.__table__, rows)


def import_files(
    db: Session,
    paths: Iterable[Path],
    actor: str,
    today: date,
    contracts: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    before_write: Callable[[], None] | None = None,
) -> Report:
    """Read every file, check every row, and write it all in the caller's transaction when nothing is wrong (the
    caller commits only then)."""
    with no_cycle_collection():
        rows: list[Row] = []
        problems: list[Problem] = []
        for path in files(paths):
            result = read(path)
            if isinstance(result, Problem):
                problems.append(result)
            else:
                rows += result
        if problems:
            report = Report()
            report.problems = problems
            return report
        return NetBoxImport(db, actor, today, contracts).run(rows, progress, before_write)
