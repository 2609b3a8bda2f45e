"""The minimal reference for the room view and the lists: the same essential work as dcops with no framework.
One plain SQL query (two for a list page: the count and the page) on a bare sqlite3 connection, the rows
grouped in Python, one Jinja template, gzip.
It renders the lean markup dcops renders (one element per device, one per run of free units), so the two
figures compare the machinery, not the markup."""

from __future__ import annotations

import gzip
import sqlite3
from itertools import groupby

from jinja2 import Environment

from dcops.terms import Service, hardware_owner

ROOM_SQL = """
SELECT r.id, r.name, r.kind, r.u_height, h.id, h.name, h.asset_tag, h.position, h.u_height, h.face, h.full_depth,
       h.power_draw_w, h.status, c.service, h.third_party_owner, cu.name,
       EXISTS (SELECT 1 FROM relocation_item i JOIN relocation o ON o.id = i.relocation_id
               WHERE i.hardware_id = h.id AND i.done_at IS NULL
                 AND o.status IN ('draft', 'consulted', 'scheduled', 'in_progress')),
       (SELECT count(*) FROM port p JOIN cable_end e ON e.port_id = p.id WHERE p.hardware_id = h.id)
FROM room ro JOIN rack r ON r.room_id = ro.id
LEFT JOIN hardware h ON h.rack_id = r.id
LEFT JOIN contract c ON c.id = h.contract_id LEFT JOIN customer cu ON cu.id = c.customer_id
WHERE ro.id = ? ORDER BY r.name, r.id, h.position DESC
"""

ROOM_TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html><title>room</title><div class="elevations">
{%- for rack in racks %}<figure class="card elevation-card"><figcaption><a href="/racks/{{ rack.id }}">
{{- rack.name }}</a> · {{ rack.kind }} · {{ rack.used }}/{{ rack.height }} U · {{ rack.draw }} W</figcaption>
<div class="ru">{% for b in rack.blocks %}{% if b.hw %}<a class="d u{{ b.n }} {{ b.fill }}" data-u="{{ b.top }}"
 href="/hardware/{{ b.id }}" title="{{ b.title }}">{% if b.cables %}<em>{{ b.cables }}⇄</em>{% endif %}
{{- b.name }}<small>{{ b.sub }}</small></a>{% else %}<a class="f u{{ b.n }}" data-u="{{ b.top }}"
 href="/racks/{{ rack.id }}/mount?position={{ b.low }}&amp;face=front">U{{ b.low }}–U{{ b.top }} free · + mount here
</a>{% endif %}{% endfor %}</div></figure>{% endfor %}</div>"""
)


def _blocks(height: int, devices: list[tuple]) -> tuple[list[dict], int, int]:
    """Top-down blocks of one face: each device, and each run of free units between them."""
    blocks, used, draw, u = [], 0, 0, height
    for d in devices:  # position descending
        hid, name, tag, pos, h, _, _, watts, status, service, third, customer, moving, cables = d[4:]
        top = pos + h - 1
        if u > top:
            blocks.append({"hw": False, "n": u - top, "top": u, "low": top + 1})
        owner, reason = hardware_owner(Service(service) if service else None, third)
        own = "supplier infrastructure" if customer is None else f"{customer} · {owner.value} ({reason.rule})"
        title = f"{name} ({tag}) U{pos}–U{top} — {own}" + (" — a move is planned" if moving else "")
        sub = own if h > 1 else owner.value
        fill = "fi" if customer is None else "fs" if owner.value == "supplier" else "fc"
        hw = {"hw": True, "n": h, "top": top, "id": hid, "name": name, "title": title, "sub": sub, "fill": fill}
        blocks.append({**hw, "cables": cables})
        used, draw, u = used + h, draw + (watts if status == "installed" else 0), pos - 1
    if u > 0:
        blocks.append({"hw": False, "n": u, "top": u, "low": 1})
    return blocks, used, draw


def room(conn: sqlite3.Connection, room_id: int) -> bytes:
    racks = []
    for (rack_id, name, kind, height), rows in groupby(conn.execute(ROOM_SQL, (room_id,)), key=lambda r: r[:4]):
        devices = [r for r in rows if r[4] is not None]
        blocks, used, draw = _blocks(height, devices)
        racks.append({"id": rack_id, "name": name, "kind": kind, "height": height, "used": used, "draw": draw,
                      "blocks": blocks})  # fmt: skip
    return gzip.compress(ROOM_TEMPLATE.render(racks=racks).encode(), compresslevel=6)


LIST_COUNT = "SELECT count(*) FROM hardware"
LIST_SQL = """
SELECT h.id, h.name, h.asset_tag, h.status, r.name, ro.code, cu.name
FROM hardware h LEFT JOIN rack r ON r.id = h.rack_id LEFT JOIN room ro ON ro.id = r.room_id
LEFT JOIN contract c ON c.id = h.contract_id LEFT JOIN customer cu ON cu.id = c.customer_id
ORDER BY h.name, h.id LIMIT 50 OFFSET ?
"""

LIST_TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html><title>hardware</title><table>{% for r in rows %}<tr><td><a href="/hardware/{{ r[0] }}">
{{ r[1] }}</a></td><td>{{ r[2] }}</td><td>{{ r[3] }}</td><td>{{ r[5] or '' }} {{ r[4] or '' }}</td><td>{{ r[6] or '' }}
</td></tr>{% endfor %}</table><p>{{ total }} in all</p>"""
)


# A search: the same four columns dcops searches, SQLite's LIKE ignoring the case of ASCII letters.
SEARCH = "(h.name LIKE :q OR h.asset_tag LIKE :q OR h.serial LIKE :q OR h.model LIKE :q)"


def hardware_list(conn: sqlite3.Connection, offset: int, q: str | None = None) -> bytes:
    if q is None:
        total = conn.execute(LIST_COUNT).fetchone()[0]
        rows = conn.execute(LIST_SQL, (offset,)).fetchall()
    else:
        like = {"q": f"%{q}%", "offset": offset}
        total = conn.execute(f"{LIST_COUNT} h WHERE {SEARCH}", like).fetchone()[0]
        rows = conn.execute(LIST_SQL.replace("ORDER BY", f"WHERE {SEARCH} ORDER BY").replace("?", ":offset"), like)
    return gzip.compress(LIST_TEMPLATE.render(rows=rows, total=total).encode(), compresslevel=6)
