"""The door benchmark's reference: a bare ASGI app doing only the essential work of a door check, with no
framework. Read the body, decode the pass (base45, CBOR, Ed25519 verify: dcops' own codec, the essential part),
read the pass, its visit and its person by primary key, insert one row, commit, answer JSON.

Served by uvicorn like dcops (`uvicorn tests.bench.door_reference_app:app`), configured by environment:
DOOR_REF_DB (SQLite file of a dcops database), DOOR_REF_KEYS ("kid-hex:public-key-hex,…").
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dcops.access import codec

KEYS = {
    bytes.fromhex(kid): Ed25519PublicKey.from_public_bytes(bytes.fromhex(pub))
    for kid, pub in (item.split(":") for item in os.environ.get("DOOR_REF_KEYS", "").split(",") if item)
}
_local = threading.local()


def connection(path: str, foreign_keys: bool = False) -> sqlite3.Connection:
    """This thread's connection to the dcops database, set up as dcops sets up its own (WAL, busy timeout)."""
    if not hasattr(_local, "db"):
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=5000")
        if foreign_keys:
            db.execute("PRAGMA foreign_keys=ON")
        _local.db = db
    return _local.db


def _db() -> sqlite3.Connection:
    db = connection(os.environ["DOOR_REF_DB"])
    if not getattr(_local, "ready", False):
        db.execute("CREATE TABLE IF NOT EXISTS ref_check (id INTEGER PRIMARY KEY, at TEXT, pass_id INT, sha TEXT)")
        _local.ready = True
    return db


def check(body: bytes) -> dict[str, object]:
    data = json.loads(body)
    claims = codec.decode(data["code"], KEYS)
    db = _db()
    visit_id, person_id, revoked = db.execute(
        "SELECT visit_id, person_id, revoked_at FROM visit_pass WHERE id = ?", (claims.pass_id,)
    ).fetchone()
    status = db.execute("SELECT status FROM visit WHERE id = ?", (visit_id,)).fetchone()[0]
    name = db.execute("SELECT name FROM person WHERE id = ?", (person_id,)).fetchone()[0]
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO ref_check (at, pass_id, sha) VALUES (?, ?, ?)",
        (datetime.now(UTC).isoformat(), claims.pass_id, hashlib.sha256(body).hexdigest()),
    )
    db.execute("COMMIT")
    allowed = revoked is None and status in ("approved", "in_progress")
    return {"check": {"id": claims.pass_id}, "allowed": allowed, "person": name}


async def read_body(receive) -> bytes:  # type: ignore[no-untyped-def]
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def respond(send, status: int, answer: object | None) -> None:  # type: ignore[no-untyped-def]
    """A JSON answer, or an empty one when `answer` is None (the readiness probe's 404)."""
    payload = b"" if answer is None else json.dumps(answer).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    if scope["path"] != "/api/door/checks":  # the readiness probe
        await respond(send, 404, None)
        return
    await respond(send, 201, check(await read_body(receive)))
