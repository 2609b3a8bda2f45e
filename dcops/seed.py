"""Load seed/demo.yaml through the services (so it is validated and audited), idempotently; hardware, its ports and
cables through the NetBox import's bulk path, as a real datacenter's inventory comes in.

Every object has a natural key (username, customer name, contract number, site code, room code
within its site, rack name within its room, asset tag). What exists already is left untouched, so
loading twice changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import audit, clock
from dcops.access import door, people, visits
from dcops.access.keys import KeyRing
from dcops.access.models import Person, Visit
from dcops.access.schemas import ApproveIn, DoorCheckIn, PersonIn, VisitIn
from dcops.auth.models import User
from dcops.auth.service import UserIn, create_user
from dcops.cabling.models import Cable, Port
from dcops.customers import billing, breaches, contacts, insurance, liens, written
from dcops.customers import service as customers
from dcops.customers.models import (
    Breach,
    Contact,
    Contract,
    Customer,
    DefaultNotice,
    InsurancePolicy,
    Invoice,
    Lien,
    PolicyRequest,
    WrittenPermission,
)
from dcops.customers.schemas import (
    BreachIn,
    ContactIn,
    ContractIn,
    CustomerIn,
    InvoiceIn,
    LienIn,
    NoticeIn,
    PaymentIn,
    PermissionIn,
    PolicyIn,
    PolicyRequestIn,
)
from dcops.db import utcnow
from dcops.documents import DocumentStore
from dcops.interop.netbox import NetBoxImport
from dcops.interop.netbox_files import Row
from dcops.maintenance import service as maintenance
from dcops.maintenance.models import ClosureDay, Maintenance
from dcops.maintenance.schemas import ClosureDayIn, MaintenanceIn
from dcops.moves import service as moves
from dcops.moves.models import Relocation, RelocationItem
from dcops.moves.schemas import ConsultIn, DirectIn, RelocationIn, RequestIn, ScheduleIn
from dcops.notices.models import MessageStatus, OutboxMessage
from dcops.racks import service as racks
from dcops.racks.models import Hardware, Rack, Room, Site
from dcops.racks.schemas import RackIn, RoomIn, SiteIn
from dcops.settings import USUAL_RATE_CENTS
from dcops.terms import Denied
from dcops.validation import parse
from dcops.work import service as work
from dcops.work.models import CustomerRate, WorkOrder
from dcops.work.schemas import AcceptanceIn, CloseIn, EstimateIn, RateIn, TimeIn, WorkOrderIn

ACTOR = "seed"


def read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {}


def _first(db: Session, stmt: Any) -> Any:
    return db.scalars(stmt.limit(1)).first()


_RELATIVE = re.compile(r"^today([+-]\d+)?$")


def _dates(values: Any, today: date) -> Any:
    """Resolve "today-45" style dates, so the demo shows the same situations whenever it is loaded."""
    if isinstance(values, dict):
        return {k: _dates(v, today) for k, v in values.items()}
    if isinstance(values, list):
        return [_dates(v, today) for v in values]
    if isinstance(values, str) and (m := _RELATIVE.match(values)):
        return (today + timedelta(days=int(m.group(1) or 0))).isoformat()
    return values


def demo_pdf(title: str) -> bytes:
    """A one-page PDF standing in for a scanned policy, so the demo's documents open."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def load(
    db: Session,
    path: Path,
    store: DocumentStore,
    today: date | None = None,
    *,
    keys: KeyRing,
    usual_rate_cents: int = USUAL_RATE_CENTS,
) -> dict[str, int]:
    today = today or clock.today()
    data = _dates(read(path), today)
    made = {"users": 0, "customers": 0, "contracts": 0, "sites": 0, "rooms": 0, "racks": 0, "hardware": 0}

    for u in data.get("users", []):
        if _first(db, select(User).where(User.username == u["username"])) is None:
            create_user(db, parse(UserIn, u), ACTOR)
            made["users"] += 1

    for c in data.get("customers", []):
        contracts = c.pop("contracts", [])
        people_to_write_to = c.pop("contacts", [])
        customer = _first(db, select(Customer).where(Customer.name == c["name"]))
        if customer is None:
            customer = customers.create_customer(db, parse(CustomerIn, c), ACTOR)
            made["customers"] += 1
        for p in people_to_write_to:
            known = select(Contact.id).where(Contact.customer_id == customer.id, Contact.email == p["email"])
            if _first(db, known) is None:
                contacts.create_contact(db, parse(ContactIn, {**p, "customer_id": customer.id}), ACTOR)
                made["contacts"] = made.get("contacts", 0) + 1
        for k in contracts:
            if _first(db, select(Contract).where(Contract.number == k["number"])) is None:
                customers.create_contract(db, parse(ContractIn, {**k, "customer_id": customer.id}), ACTOR)
                made["contracts"] += 1

    for s in data.get("sites", []):
        rooms = s.pop("rooms", [])
        site = _first(db, select(Site).where(Site.code == s["code"]))
        if site is None:
            site = racks.create_site(db, parse(SiteIn, s), ACTOR)
            made["sites"] += 1
        for r in rooms:
            rack_rows = r.pop("racks", [])
            room = _first(db, select(Room).where(Room.site_id == site.id, Room.code == r["code"]))
            if room is None:
                room = racks.create_room(db, parse(RoomIn, {**r, "site_id": site.id}), ACTOR)
                made["rooms"] += 1
            for k in rack_rows:
                if _first(db, select(Rack).where(Rack.room_id == room.id, Rack.name == k["name"])) is None:
                    owner = k.pop("customer", None)
                    if owner:
                        k["customer_id"] = _first(db, select(Customer.id).where(Customer.name == owner))
                    racks.create_rack(db, parse(RackIn, {**k, "room_id": room.id}), ACTOR)
                    made["racks"] += 1

    for p in data.get("people", []):
        customer_id = _first(db, select(Customer.id).where(Customer.name == p.pop("customer")))
        if _first(db, select(Person.id).where(Person.customer_id == customer_id, Person.name == p["name"])) is None:
            people.create_person(db, parse(PersonIn, {**p, "customer_id": customer_id}), ACTOR, today)
            made["people"] = made.get("people", 0) + 1

    for r in data.get("records", []):
        customer = _first(db, select(Customer).where(Customer.name == r["customer"]))
        for key, n in _records(db, customer, r, store, today).items():
            made[key] = made.get(key, 0) + n

    if folders := data.get("device_types"):
        from dcops.interop.devicetypes import import_library

        library = import_library(db, [path.parent / f for f in folders], ACTOR)
        if not library.ok:
            raise ValueError(f"seed: device types: {library.problems}")
        if library.counts["created"]:
            made["hardware types"] = library.counts["created"]

    installed_on = date.fromisoformat(data.get("hardware_installed_on", today.isoformat()))
    for key, n in _inventory(db, data, installed_on, today, path.name).items():
        if n:
            made[key] = made.get(key, 0) + n

    for r in data.get("relocations", []):
        if _first(db, select(Relocation.id).where(Relocation.reason == r["reason"])) is None:
            _relocation(db, r, today)
            made["relocations"] = made.get("relocations", 0) + 1
    for m in data.get("direct_moves", []):
        hw = _first(db, select(Hardware).where(Hardware.asset_tag == m.pop("hardware")))
        done = select(RelocationItem.id).where(RelocationItem.hardware_id == hw.id, RelocationItem.done_at.is_not(None))
        if _first(db, done.join(Relocation).where(Relocation.kind == m["basis"])) is None:
            if "rack" in m:
                m["rack_id"] = _first(db, select(Rack.id).where(Rack.name == m.pop("rack")))
            moves.move_now(db, hw, parse(DirectIn, m), "tom", today)
            made["relocations"] = made.get("relocations", 0) + 1

    for c in data.get("closure_days", []):
        if _first(db, select(ClosureDay.id).where(ClosureDay.day == date.fromisoformat(c["day"]))) is None:
            maintenance.add_closure(db, parse(ClosureDayIn, c), "admin", today)
            made["closure days"] = made.get("closure days", 0) + 1
    for m in data.get("maintenance", []):
        if _first(db, select(Maintenance.id).where(Maintenance.title == m["title"])) is None:
            _maintenance(db, m, today)
            made["maintenance"] = made.get("maintenance", 0) + 1

    for v in data.get("visits", []):
        if _first(db, select(Visit.id).where(Visit.purpose == v["purpose"])) is None:
            _visit(db, v, today, keys)
            made["visits"] = made.get("visits", 0) + 1

    for r in data.get("work_rates", []):
        customer = _first(db, select(Customer).where(Customer.name == r.pop("customer")))
        if db.get(CustomerRate, customer.id) is None:
            work.set_rate(db, customer, parse(RateIn, r), "anna")
            made["work rates"] = made.get("work rates", 0) + 1
    for w in data.get("work_orders", []):
        if _first(db, select(WorkOrder.id).where(WorkOrder.description == w["description"])) is None:
            _work_order(db, w, today, usual_rate_cents)
            made["work orders"] = made.get("work orders", 0) + 1
    if sent := _delivered_before(db, today):
        made["messages sent"] = sent
    return made


_PORT_LISTS = {"copper": "interfaces", "fibre": "interfaces", "power": "power-ports", "console": "console-ports"}
_FIBRE = {"interfaces": "10gbase-x-sfpp", "front-ports": "lc", "rear-ports": "lc"}  # NetBox's slugs for fibre


def _inventory(db: Session, data: dict[str, Any], installed_on: date, today: date, source: str) -> dict[str, int]:
    """Hardware, ports and cables through the NetBox import's bulk path (dcops.interop.netbox): each row checked
    (K1, units taken, one cable per port, A3), then one statement per kind and one audit event per kind. dcops' own
    facts go in as the custom fields that import reads. What is on record already (by asset tag, hardware with
    ports, cable label) is left as it is: the demo's moves have moved some of it since. A problem names the file,
    its section and the item's place in it."""
    sites = dict(db.execute(select(Site.code, Site.name)).all())
    rooms = {(s, c): n for s, c, n in db.execute(select(Site.code, Room.code, Room.name).join(Room.site))}
    names = dict(db.execute(select(Hardware.asset_tag, Hardware.name)).all())
    rows: list[Row] = []

    def row(section: str, number: int, kind: str, values: dict[str, Any]) -> None:
        rows.append(Row(f"{source} {section}", number, kind, values))

    def slug(kind: str, lists: str) -> str | None:
        return _FIBRE.get(lists) if kind == "fibre" else None  # copper needs none (as cabling.create_ports)

    own = {"model", "u_height", "full_depth", "power_draw_w", "cpu_cores", "memory_gb", "storage_gb", "network_mbps",
           "third_party_owner", "planned_rack"}  # fmt: skip
    for n, h in enumerate(data.get("hardware", []), 1):
        if h["asset_tag"] in names:
            continue
        names[h["asset_tag"]] = h["name"]
        device = {k: h[k] for k in ("name", "asset_tag", "serial", "contract", "rack", "position", "face") if k in h}
        device |= {f"cf_{k}": h[k] for k in own if k in h} | {"cf_installed_on": installed_on}
        if "site" in h:
            device |= {"site": sites.get(h["site"], h["site"]), "location": rooms.get((h["site"], h.get("room")))}
        row("hardware", n, "devices", device)

    with_ports = set(db.scalars(select(Hardware.asset_tag).join(Port, Port.hardware_id == Hardware.id)))
    panels = {p["hardware"] for p in data.get("ports", []) if p.get("patch_panel")}
    for n, p in enumerate(data.get("ports", []), 1):
        if p["hardware"] in with_ports:
            continue
        device, kind = names[p["hardware"]], p["kind"]
        for i in range(1, p["count"] + 1):
            name = f"{p.get('prefix', '')}{i}"
            if p.get("patch_panel"):  # front ports passing through to their rear ports, as cabling.create_ports
                rear = f"{name}-R"
                row("ports", n, "rear-ports", {"device": device, "name": rear, "type": slug(kind, "rear-ports")})
                front = {"device": device, "name": name, "rear_port": rear, "type": slug(kind, "front-ports")}
                row("ports", n, "front-ports", front)
            else:
                lists = _PORT_LISTS[kind]
                row("ports", n, lists, {"device": device, "name": name, "type": slug(kind, lists)})

    labels = set(db.scalars(select(Cable.label)))
    for n, c in enumerate(data.get("cables", []), 1):
        if c["label"] in labels:
            continue
        cable = {"label": c["label"], "type": c.get("type"), "color": c.get("colour"), "length": c.get("length")}
        cable |= {"cf_route": c.get("route"), "cf_installed_by": c.get("installed_by")}
        cable |= {"tenant": c.get("customer"), "cf_installer_name": c.get("installer_name")}
        cable["cf_installed_at"] = c.get("installed_at")
        for end in ("a", "b"):
            tag, port = c[end]
            termination = "dcim.rearport" if port.endswith("-R") else "dcim.frontport" if tag in panels else None
            cable |= {f"side_{end}_device": names[tag], f"side_{end}_name": port}
            cable[f"side_{end}_type"] = termination or "dcim.interface"
        row("cables", n, "cables", cable)

    if not rows:
        return {}
    report = NetBoxImport(db, ACTOR, today).run(rows)
    if not report.ok:
        raise ValueError("seed: " + "; ".join(str(p) for p in report.problems))
    made = {kind: report.counts[kind]["created"] for kind in ("devices", "cables")}
    ports = sum(report.counts[kind]["created"] for kind in ("interfaces", "front-ports", "rear-ports", "power-ports",
                                                             "console-ports"))  # fmt: skip
    return {"hardware": made["devices"], "ports": ports, "cables": made["cables"]}


def _work_order(db: Session, w: dict[str, Any], today: date, usual_rate_cents: int) -> None:
    """A request for extra work taken through the services to the state the demo needs: estimated, accepted in
    writing, started with time logged, finished (and charged), or declined."""
    body = {
        k: w[k] for k in ("kind", "description", "necessity", "requested_by", "requested_on", "requested_via") if k in w
    }
    body["customer_id"] = _first(db, select(Customer.id).where(Customer.name == w["customer"]))
    body["hardware_ids"] = [
        _first(db, select(Hardware.id).where(Hardware.asset_tag == t)) for t in w.get("hardware", [])
    ]
    order = work.create_order(db, parse(WorkOrderIn, body), "anna", today)
    if "estimate_minutes" in w:
        estimate = {"estimate_minutes": w["estimate_minutes"], "note": w.get("estimate_note")}
        asked = date.fromisoformat(body.get("requested_on", today.isoformat()))  # estimated the day it was asked
        work.estimate(db, order, parse(EstimateIn, estimate), "anna", asked, usual_rate_cents)
    if "accepted" in w:
        work.accept(db, order, parse(AcceptanceIn, w["accepted"]), "anna", today)
    if "decline" in w:
        work.decline(db, order, parse(CloseIn, {"reason": w["decline"]}), "anna", today)
    if w.get("start"):
        work.start(db, order, "tom")
    for t in w.get("times", []):
        work.log_time(db, order, parse(TimeIn, t), "tom")
    if w.get("finish"):
        work.finish(db, order, "tom", today, usual_rate_cents)


DEMO_REPLY = "250 demo: accepted by no mail server; the seed marks what was written before today as sent"


def _delivered_before(db: Session, today: date) -> int:
    """The demo has no mail server: the messages written before today read as sent a minute later (what
    dcops.notices.sender records, said to be the seed's), today's wait in the outbox, and one without a recipient
    stays failed."""
    start, _ = clock.day_span(today)
    waiting = select(OutboxMessage).where(
        OutboxMessage.status == MessageStatus.waiting, OutboxMessage.created_at < start
    )
    count = 0
    for msg in db.scalars(waiting.order_by(OutboxMessage.id)):
        at = msg.created_at + timedelta(minutes=1)
        msg.status, msg.sent_at, msg.sender, msg.server_reply = MessageStatus.sent, at, "dcops@localhost", DEMO_REPLY
        msg.attempts, msg.next_attempt_at = 1, None
        extra = {"sender": msg.sender, "recipients": msg.addresses, "sent_at": at, "message_id": msg.message_id}
        extra |= {"content_hash": msg.content_hash, "server_reply": DEMO_REPLY}
        audit.record(
            db, actor=ACTOR, action="send message", object_type="outbox message", object_id=msg.id, extra=extra
        )
        count += 1
    db.flush()
    return count


def _relocation(db: Session, r: dict[str, Any], today: date) -> None:
    """An order taken through the services to the state the demo needs."""

    def tag(asset_tag: str) -> int:
        return _first(db, select(Hardware.id).where(Hardware.asset_tag == asset_tag))

    items = []
    for i in r["items"]:
        item: dict[str, Any] = {"hardware_id": tag(i["hardware"])}
        if "rack" in i:
            item["target_rack_id"] = _first(db, select(Rack.id).where(Rack.name == i["rack"]))
            item["target_position"] = i["position"]
        if "replacement" in i:
            item["replacement_id"] = tag(i["replacement"])
        items.append(item)
    keys = ("kind", "action", "reason", "emergency", "emergency_reason", "customer_executes")
    body = {k: r[k] for k in keys if k in r}
    body["customer_id"] = _first(db, select(Customer.id).where(Customer.name == r["customer"]))
    order = moves.create_order(db, parse(RelocationIn, {**body, "items": items}), "anna")
    if "consulted_on" in r:
        consulted = {"consulted_on": r["consulted_on"], "consulted_with": "the customer's contact", "outcome": "Agreed"}
        moves.consult(db, order, parse(ConsultIn, consulted), "anna")
    if "requested_on" in r:
        moves.request_move(db, order, parse(RequestIn, {"requested_on": r["requested_on"]}), "anna")
    if "planned_on" in r:
        moves.schedule(db, order, parse(ScheduleIn, {"planned_on": r["planned_on"], **r.get("message", {})}), "anna")
    if r.get("execute") == "first":
        moves.execute_item(db, order, order.items[0], "tom", today)
    elif r.get("execute") == "all":
        moves.execute_all(db, order, "tom", today)
    if r.get("cancel"):
        moves.cancel(db, order, "anna")


def _maintenance(db: Session, m: dict[str, Any], today: date) -> None:
    """Maintenance taken through the services to the state the demo needs: each step (announce, start, finish) at
    its moment, or now if that is earlier; `refused`: a step the terms refuse (R4), which leaves it as it is."""
    scope = m["scope"]
    where = {
        "site": lambda code: {"site_id": _first(db, select(Site.id).where(Site.code == code))},
        "room": lambda code: {"room_id": _first(db, select(Room.id).where(Room.code == code))},
        "rack": lambda name: {"rack_id": _first(db, select(Rack.id).where(Rack.name == name))},
        "hardware": lambda tags: {
            "hardware_ids": list(db.scalars(select(Hardware.id).where(Hardware.asset_tag.in_(tags))))
        },
    }[scope](m["where"])
    body = {k: m[k] for k in ("title", "description", "impact", "emergency_reason") if k in m}
    body |= {"scope": scope, "emergency": "emergency_reason" in m, **where}
    body |= {"starts_at": _moment(m["starts"], today), "ends_at": _moment(m["ends"], today)}

    def at(text: str | None) -> maintenance.Now:
        return maintenance.Now(min(_moment(text, today), utcnow()) if text else utcnow(), clock.zone())

    made = maintenance.create(db, parse(MaintenanceIn, body), "anna", at(None))
    steps = {
        "announce": (maintenance.announce, "anna"),
        "start": (maintenance.start, "tom"),
        "finish": (maintenance.finish, "tom"),
    }
    for step, moment in m.get("steps", []):
        run, who = steps[step]
        run(db, made, who, at(moment))
    if refused := m.get("refused"):
        try:
            steps[refused][0](db, made, "anna", at(None))
        except Denied:
            return
        raise ValueError(f"seed: {refused} of {m['title']!r} was meant to be refused")


_MOMENT = re.compile(r"^today([+-]\d+)? (\d\d):(\d\d)$")


def _moment(text: str, today: date) -> datetime:
    """ "today-1 08:00": a local time on a day relative to the load day."""
    m = _MOMENT.match(text)
    if not m:
        raise ValueError(f"seed: {text!r} is not like 'today+1 08:00'")
    day = today + timedelta(days=int(m.group(1) or 0))
    return clock.aware(datetime.combine(day, time(int(m.group(2)), int(m.group(3)))))


def _visit(db: Session, v: dict[str, Any], today: date, keys: KeyRing) -> None:
    """A visit taken through the services to the state the demo needs: requested, approved (as of
    `decided_on`, the day the account manager approved it), denied, cancelled, reprinted, in progress
    (checked in at the door) or completed."""
    customer_id = _first(db, select(Customer.id).where(Customer.name == v["customer"]))
    starts, ends = _moment(v["from"], today), _moment(v["until"], today)
    body = {
        "customer_id": customer_id,
        "purpose": v["purpose"],
        "purpose_kind": v.get("purpose_kind", "maintain"),
        "starts_at": starts,
        "ends_at": ends,
        "room_ids": [_first(db, select(Room.id).where(Room.code == code)) for code in v["rooms"]],
        "person_ids": [
            _first(db, select(Person.id).where(Person.customer_id == customer_id, Person.name == name))
            for name in v["people"]
        ],
    }
    tz = clock.zone().key
    visit = visits.request_visit(db, parse(VisitIn, body), v.get("requested_by", "tom"), tz)
    status = v.get("status", "requested")
    if status == "denied":
        visits.deny(db, visit, v["note"], "anna")
    if status in ("requested", "denied"):
        return
    decided_on = date.fromisoformat(v.get("decided_on", today.isoformat()))
    decided_at = min(clock.aware(datetime.combine(decided_on, time(9))), starts - timedelta(hours=1))
    approval = ApproveIn(a7_override=v.get("a7_override"))
    visits.approve(db, visit, approval, "anna", decided_on, keys, tz, now=decided_at)
    # Decided as of that morning, so requested before it (else the visit's page says approved before asked for).
    visit.created_at = min(visit.created_at, decided_at - timedelta(hours=2))
    if status == "cancelled":
        visits.cancel(db, visit, "anna")
    elif status == "reprinted":
        visits.reprint(db, visit.passes[0], "tom", keys)
    elif status == "completed":
        visits.complete(db, visit, "tom")
    elif status == "in_progress":
        room_id = body["room_ids"][0]
        for vp in list(visit.passes):
            checked = DoorCheckIn(code=vp.code, room_id=room_id)
            outcome = door.check(db, checked, "sara", keys, tz, now=max(starts, utcnow()))
            if not outcome.allowed:
                raise ValueError(f"seed: check-in for {v['purpose']!r} refused: {outcome.verdict.reasons}")


def _none_yet(db: Session, model: Any, customer: Customer) -> bool:
    """Standing records have no natural key: a customer's are loaded only while it has none of that kind."""
    return _first(db, select(model.id).where(model.customer_id == customer.id)) is None


def _records(db: Session, customer: Customer, r: dict[str, Any], store: DocumentStore, today: date) -> dict[str, int]:
    made: dict[str, int] = {}
    cid = customer.id

    def count(key: str) -> None:
        made[key] = made.get(key, 0) + 1

    if _none_yet(db, Invoice, customer):
        for i in r.get("invoices", []):
            payments = i.pop("payments", [])
            i["contract_id"] = _first(db, select(Contract.id).where(Contract.number == i.pop("contract")))
            invoice = billing.create_invoice(db, parse(InvoiceIn, i), ACTOR)
            for p in payments:
                billing.add_payment(db, invoice, parse(PaymentIn, p), ACTOR, today)
            count("invoices")
    if _none_yet(db, Breach, customer):
        for b in r.get("breaches", []):
            b["contract_id"] = _first(db, select(Contract.id).where(Contract.number == b.pop("contract")))
            breaches.create_breach(db, parse(BreachIn, {**b, "customer_id": cid}), ACTOR)
            count("breaches")
    if _none_yet(db, DefaultNotice, customer):
        for n in r.get("notices", []):
            invoice = n.pop("invoice", None)
            if invoice:
                n["invoice_id"] = _first(db, select(Invoice.id).where(Invoice.number == invoice))
            billing.create_notice(db, parse(NoticeIn, {**n, "customer_id": cid}), ACTOR, today)
            count("notices")
    if _none_yet(db, InsurancePolicy, customer):
        for p in r.get("policies", []):
            policy = parse(PolicyIn, {**p, "customer_id": cid})
            document = demo_pdf(f"Demo insurance policy {policy.policy_number} - {policy.insurer}")
            name = f"{policy.policy_number}.pdf"
            insurance.create_policy(db, store, policy, document, name, ACTOR, today)
            count("policies")
    if _none_yet(db, PolicyRequest, customer):
        for q in r.get("policy_requests", []):
            insurance.create_request(db, parse(PolicyRequestIn, {**q, "customer_id": cid}), ACTOR)
            count("policy requests")
    if _none_yet(db, WrittenPermission, customer):
        for w in r.get("permissions", []):
            site = _first(db, select(Site.id).where(Site.code == w.pop("site")))
            w["room_ids"] = [
                _first(db, select(Room.id).where(Room.site_id == site, Room.code == code)) for code in w.pop("rooms")
            ]
            w["granted_by_id"] = _first(db, select(User.id).where(User.username == w.pop("granted_by")))
            if "person" in w:
                name = w.pop("person")
                w["person_id"] = _first(db, select(Person.id).where(Person.customer_id == cid, Person.name == name))
            written.create_permission(db, parse(PermissionIn, {**w, "customer_id": cid}), ACTOR)
            count("permissions")
    if r.get("lien") and _none_yet(db, Lien, customer):
        then_paid = r["lien"].pop("then_paid", None)
        liens.place_lien(db, parse(LienIn, {**r["lien"], "customer_id": cid}), ACTOR, today)
        count("liens")
        if then_paid:  # K10: paying the last due amount ends the lien by itself
            invoice = _first(db, select(Invoice).where(Invoice.number == then_paid))
            paid = {"paid_on": today.isoformat(), "amount_cents": invoice.outstanding_cents, "reference": "settled"}
            billing.add_payment(db, invoice, parse(PaymentIn, paid), ACTOR, today)
    return made
