"""The mount benchmark's reference: a bare ASGI app doing only the essential work of mounting, moving and
unmounting one device, with no framework. Read the body; in one write transaction book the units through the
primary key of rack_unit (a taken unit fails the insert), place the hardware, append one audit event chained to
the last (SHA-256 in Python), commit; answer the hardware row as JSON.

Served by uvicorn like dcops (`uvicorn tests.bench.mount_reference_app:app`), on the SQLite file MOUNT_REF_DB.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from datetime import UTC, datetime

from tests.bench.door_reference_app import connection, read_body, respond

_PATH = re.compile(r"^/api/hardware/(\d+)/(mount|move|unmount)$")
_COLUMNS = "id, name, asset_tag, rack_id, position, face, status, u_height"


def _db() -> sqlite3.Connection:
    return connection(os.environ["MOUNT_REF_DB"], foreign_keys=True)


def _event(db: sqlite3.Connection, action: str, hardware_id: int, data: dict[str, object]) -> None:
    seq, prev = db.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone() or (0, "0" * 64)
    at = datetime.now(UTC).isoformat()
    body = json.dumps({"at": at, "action": action, "id": hardware_id, "data": data, "prev": prev, "seq": seq + 1})
    db.execute(
        "INSERT INTO audit_event (seq, at, actor, action, object_type, object_id, data, prev_hash, hash) "
        "VALUES (?, ?, 'bench', ?, 'hardware', ?, ?, ?, ?)",
        (seq + 1, at, action, str(hardware_id), json.dumps(data), prev, hashlib.sha256(body.encode()).hexdigest()),
    )


def act(hardware_id: int, action: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    db = _db()
    db.execute("BEGIN IMMEDIATE")
    try:
        (height,) = db.execute("SELECT u_height FROM hardware WHERE id = ?", (hardware_id,)).fetchone()
        db.execute("DELETE FROM rack_unit WHERE hardware_id = ?", (hardware_id,))
        if action == "unmount":
            db.execute(
                "UPDATE hardware SET rack_id = NULL, position = NULL, face = NULL, status = ? WHERE id = ?",
                (body.get("status", "planned"), hardware_id),
            )
        else:
            rack, position = body["rack_id"], body["position"]
            db.executemany(
                "INSERT INTO rack_unit (rack_id, unit, face, hardware_id) VALUES (?, ?, 'front', ?)",
                [(rack, unit, hardware_id) for unit in range(position, position + height)],
            )
            db.execute(
                "UPDATE hardware SET rack_id = ?, position = ?, face = 'front', status = 'installed' WHERE id = ?",
                (rack, position, hardware_id),
            )
        _event(db, action, hardware_id, body)
        row = db.execute(f"SELECT {_COLUMNS} FROM hardware WHERE id = ?", (hardware_id,)).fetchone()
        db.execute("COMMIT")
    except sqlite3.IntegrityError as exc:
        db.execute("ROLLBACK")
        return 409, {"detail": str(exc)}
    return 200, dict(zip(_COLUMNS.split(", "), row, strict=True))


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    match = _PATH.match(scope["path"])
    if match is None:  # the readiness probe
        await respond(send, 404, None)
        return
    await respond(send, *act(int(match[1]), match[2], json.loads(await read_body(receive))))
