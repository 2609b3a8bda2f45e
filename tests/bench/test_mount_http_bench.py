"""Mount, move and unmount over HTTP against a running server (uvicorn, SQLite, 1 worker), as a technician's
tablet does them: DEVICES devices mounted one after the other into an empty rack, moved to another, unmounted,
ROUNDS times. Prints the server's CPU per operation (from /proc) and p50 latency for dcops and for a reference
(tests/bench/mount_reference_app.py: a bare ASGI app doing the essential work in plain SQL), their ratio, and
the SQL statements one operation costs over HTTP. Asserts behaviour (every operation succeeds, statements
fixed), never time (issue 14, goal 3)."""

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select

from dcops import migrate
from dcops.access.keys import KeyRing
from dcops.auth.models import User
from dcops.auth.service import TokenIn, create_token
from dcops.db import make_engine, make_sessionmaker
from dcops.documents import DocumentStore
from dcops.racks.models import HardwareStatus
from dcops.seed import load
from dcops.settings import Settings
from dcops.terms import Service
from tests import factories
from tests.bench.test_door_bench import DEMO, _cpu_seconds, _port, _serve, statements_over_http
from tests.conftest import Client

DEVICES = 40
ROUNDS = int(os.environ.get("DCOPS_BENCH_ROUNDS", "10"))
OPERATIONS = ("mount", "move", "unmount")


def _prepare(data: Path) -> tuple[str, list[int], int, int]:
    """The demo data, two empty 42U racks, DEVICES planned 1U devices under a dedicated contract (moved without
    a relocation order: K8 is for colocation) and a technician's token."""
    url = f"sqlite:///{data / 'dcops.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    settings = Settings.from_env({"DCOPS_DATA_DIR": str(data), "DCOPS_DATABASE_URL": url})
    with make_sessionmaker(engine)() as db:
        load(db, DEMO, DocumentStore(), keys=KeyRing.from_settings(settings, make_sessionmaker(engine)))
        for f in factories.ALL:
            f._meta.sqlalchemy_session = db
        contract = factories.ContractFactory(service=Service.dedicated)
        room = factories.RoomFactory()
        first, second = factories.RackFactory(room=room, u_height=42), factories.RackFactory(room=room, u_height=42)
        devices = [factories.HardwareFactory(contract=contract, status=HardwareStatus.planned) for _ in range(DEVICES)]
        tom = db.scalars(select(User).where(User.username == "tom")).one()
        _, token = create_token(db, TokenIn(user_id=tom.id, name="bench"), "bench")
        db.commit()
        ids = [d.id for d in devices]
        racks = first.id, second.id
    engine.dispose()
    return token, ids, *racks


def _body(operation: str, n: int, first: int, second: int) -> dict[str, object]:
    if operation == "unmount":
        return {"status": "planned"}
    return {"rack_id": first if operation == "mount" else second, "position": 1 + n}


def _phase(http: httpx.Client, operation: str, ids: list[int], first: int, second: int) -> list[float]:
    """Every device through one operation; the latency of each."""
    latencies = []
    for n, hw in enumerate(ids):
        t = time.perf_counter()
        r = http.post(f"/api/hardware/{hw}/{operation}", json=_body(operation, n, first, second))
        latencies.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
    return latencies


def _measure(data: Path, token: str, ids: list[int], first: int, second: int, reference: bool) -> dict[str, tuple]:
    """Per operation: p50 ms and server CPU ms, the CPU read around each operation's own phase of a round."""
    port = _port()
    app = ("tests.bench.mount_reference_app:app", {"MOUNT_REF_DB": str(data / "dcops.sqlite3")}) if reference else None
    server = _serve(data, port, app=app, workers=1)
    cpu = dict.fromkeys(OPERATIONS, 0.0)
    latencies: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}) as http:
            for operation in OPERATIONS:  # warm up
                _phase(http, operation, ids, first, second)
            for _ in range(ROUNDS):
                for operation in OPERATIONS:
                    before = _cpu_seconds(server.pid)
                    latencies[operation] += _phase(http, operation, ids, first, second)
                    cpu[operation] += _cpu_seconds(server.pid) - before
    finally:
        server.terminate()
        server.wait(10)
    n = ROUNDS * len(ids)
    return {op: (statistics.median(latencies[op]) * 1000, cpu[op] / n * 1000) for op in OPERATIONS}


def _statements(data: Path, token: str, ids: list[int], first: int, second: int) -> dict[str, int]:
    """Statements of one operation over HTTP (transaction control left out), the token lookup included."""

    def operate(operation: str) -> Callable[[Client], None]:
        def call(client: Client) -> None:
            r = client.post(f"/api/hardware/{ids[0]}/{operation}", json=_body(operation, 0, first, second))
            assert r.status_code == 200, r.text

        return call

    return statements_over_http(data, token, {op: operate(op) for op in OPERATIONS})


def test_mount_move_unmount_over_http(tmp_path):
    token, ids, first, second = _prepare(tmp_path)
    ours = _measure(tmp_path, token, ids, first, second, reference=False)
    ref = _measure(tmp_path, token, ids, first, second, reference=True)
    statements = _statements(tmp_path, token, ids, first, second)
    print(f"\nmount / move / unmount over HTTP, SQLite, 1 uvicorn worker, {ROUNDS * DEVICES} of each (1U devices):")
    print("  operation  what        p50 ms  server CPU ms  statements")
    for op in OPERATIONS:
        (p50, cpu), (rp50, rcpu) = ours[op], ref[op]
        print(f"  {op:9s}  dcops     {p50:7.2f}  {cpu:9.2f}      {statements[op]}")
        print(f"  {op:9s}  reference {rp50:7.2f}  {rcpu:9.2f}")
        print(f"  {op:9s}  ratio     {p50 / rp50:7.2f}x {cpu / rcpu:9.2f}x")
    assert all(count <= 6 for count in statements.values()), statements
