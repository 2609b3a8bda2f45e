"""CSV of what a list page shows, with the same filters and every row (not one page): /hardware.csv, /racks.csv,
/cables.csv, /customers.csv. A cell that a spreadsheet would take for a formula (=, +, -, @ first) is prefixed
with an apostrophe, so a name someone typed cannot run in the reader's spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from litestar import Request, Response
from sqlalchemy.orm import selectinload

from dcops.auth.permissions import Perm
from dcops.cabling import service as cabling
from dcops.customers import service as customers
from dcops.customers.models import Customer, CustomerKind
from dcops.racks import service as racks
from dcops.validation import query_int
from dcops.web.routes import Db, get

READ = {"perm": Perm.inventory_read}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "value"):  # an enum
        value = value.value
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_response(name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> Response[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return Response(
        content=out.getvalue().encode("utf-8-sig"),  # the BOM: spreadsheets then read it as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@get("/hardware.csv", name="hardware_csv", opt=READ)
def hardware_csv(request: Request, db: Db) -> Response[bytes]:
    """Every hardware the list's filters select (q, site_id, room_id, rack_id, customer_id, status, owner)."""
    stmt = racks.hardware_query(racks.hardware_filter(request.query_params))
    header = ["name", "asset_tag", "serial", "model", "site", "room", "rack", "position", "face", "u_height",
              "status", "customer", "contract", "owner", "power_draw_w"]  # fmt: skip
    rows = (
        [
            hw.name,
            hw.asset_tag,
            hw.serial,
            hw.model,
            hw.rack.room.site.code if hw.rack else None,
            hw.rack.room.code if hw.rack else None,
            hw.rack.name if hw.rack else None,
            hw.position,
            hw.face,
            hw.u_height,
            hw.status,
            hw.customer.name if hw.customer else None,
            hw.contract.number if hw.contract else None,
            hw.owner,
            hw.power_draw_w,
        ]  # fmt: skip
        for hw in db.scalars(stmt).unique()
    )
    return csv_response("hardware", header, rows)


@get("/racks.csv", name="racks_csv", opt=READ)
def racks_csv(request: Request, db: Db) -> Response[bytes]:
    """Every rack with its use, as the sites page shows them (site_id, room_id narrow it)."""
    p = request.query_params
    usage = racks.rack_usage(db, room_id=query_int(p.get("room_id")), site_id=query_int(p.get("site_id")))
    header = ["site", "room", "rack", "u_height", "used_u", "kind", "customer", "status", "power_budget_w",
              "draw_w"]  # fmt: skip
    rows = (
        [u.rack.room.site.code, u.rack.room.code, u.rack.name, u.rack.u_height, u.used_u, u.rack.kind,
         u.rack.customer.name if u.rack.customer else None, u.rack.status, u.rack.power_budget_w, u.draw_w]
        for u in usage
    )  # fmt: skip
    return csv_response("racks", header, rows)


@get("/cables.csv", name="cables_csv", opt=READ)
def cables_csv(request: Request, db: Db) -> Response[bytes]:
    """Every cable the list's filters select (q, rack_id)."""
    p = request.query_params
    stmt = cabling.cable_query(query_int(p.get("rack_id")), None, p.get("q", "").strip())
    header = ["label", "a_hardware", "a_port", "b_hardware", "b_port", "type", "route", "installed_by", "customer",
              "installed_at", "status", "length", "length_unit"]  # fmt: skip
    rows = (
        [c.label, c.a_port.hardware.name, c.a_port.name, c.b_port.hardware.name, c.b_port.name, c.type, c.route,
         c.installed_by, c.customer.name if c.customer else None, c.installed_at, c.status, c.length, c.length_unit]
        for c in db.scalars(stmt).unique()
    )  # fmt: skip
    return csv_response("cables", header, rows)


@get("/customers.csv", name="customers_csv", opt={"perm": Perm.customers_read})
def customers_csv(request: Request, db: Db) -> Response[bytes]:
    """Every customer the list's filters select (q, kind), with their contracts' numbers."""
    p = request.query_params
    kind = CustomerKind(p["kind"]) if p.get("kind") in CustomerKind.__members__ else None
    stmt = customers.customer_query(p.get("q", "").strip(), kind).options(selectinload(Customer.contracts))
    header = ["name", "kind", "kvk_number", "country", "email", "phone", "contracts"]
    rows = (
        [c.name, c.kind, c.kvk_number, c.country, c.email, c.phone, " ".join(k.number for k in c.contracts)]
        for c in db.scalars(stmt).unique()
    )
    return csv_response("customers", header, rows)


CSV_LISTS = [hardware_csv, racks_csv, cables_csv, customers_csv]
