"""Door checks against a running server (uvicorn, SQLite): 1 and 8 concurrent clients, each alternating
check-in and check-out on its own valid pass (so anti-passback never refuses), DCOPS_BENCH_CHECKS per
client (default 10,000). Prints p50/p99 latency and checks per second, and the SQL statements one check
costs. Asserts behaviour (every check allowed, statements fixed), never time."""

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from dcops import migrate
from dcops.access import visits
from dcops.access.keys import KeyRing
from dcops.access.schemas import ApproveIn, PersonIn, VisitIn
from dcops.app import create_app
from dcops.auth.models import User
from dcops.auth.service import TokenIn, create_token
from dcops.customers.models import Customer
from dcops.db import make_engine, make_sessionmaker, utcnow
from dcops.documents import DocumentStore
from dcops.racks.models import Room
from dcops.seed import load
from dcops.settings import Settings
from tests.conftest import Client

CHECKS = int(os.environ.get("DCOPS_BENCH_CHECKS", "10000"))
WORKERS = int(os.environ.get("DCOPS_BENCH_WORKERS", "1"))
DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo.yaml"
TZ = "Europe/Amsterdam"


def _prepare(data: Path, clients: int) -> tuple[str, int, list[str]]:
    """A seeded database, one approved visit with a pass per client, and the security officer's token."""
    url = f"sqlite:///{data / 'dcops.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    settings = Settings.from_env({"DCOPS_DATA_DIR": str(data), "DCOPS_DATABASE_URL": url})  # as the server reads them
    keys = KeyRing.from_settings(settings, make_sessionmaker(engine))
    with make_sessionmaker(engine)() as db:
        load(db, DEMO, DocumentStore(), keys=keys)
        customer = db.scalars(select(Customer).where(Customer.name == "Hollandse Hosting B.V.")).one()
        room = db.scalars(select(Room).where(Room.code == "ZAAL-A")).one()
        codes = []
        for i in range(clients):
            from dcops.access import people
            from dcops.clock import today

            person = people.create_person(
                db,
                PersonIn(customer_id=customer.id, name=f"Bench visitor {i}", competence_confirmed_on=today()),
                "bench",
                today(),
            )
            now = utcnow()
            body = VisitIn(
                customer_id=customer.id,
                purpose=f"Benchmark {i}",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=12),
                room_ids=[room.id],
                person_ids=[person.id],
            )
            visit = visits.request_visit(db, body, "bench", TZ)
            visits.approve(db, visit, ApproveIn(), "anna", today(), keys, TZ)
            codes.append(visit.passes[0].code)
        sara = db.scalars(select(User).where(User.username == "sara")).one()
        _, token = create_token(db, TokenIn(user_id=sara.id, name="bench"), "bench")
        db.commit()
    engine.dispose()
    return token, room.id, codes


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "DCOPS_DATA_DIR": str(data), "DCOPS_DATABASE_URL": f"sqlite:///{data / 'dcops.sqlite3'}"}
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "dcops.app:app_from_env",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--workers",
        str(WORKERS),
    ]
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def _run(base: str, token: str, room_id: int, codes: list[str]) -> tuple[list[float], float]:
    latencies: list[list[float]] = [[] for _ in codes]
    failures: list[str] = []

    def client(i: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for n in range(CHECKS):
                body = {"code": codes[i], "room_id": room_id, "direction": "in" if n % 2 == 0 else "out"}
                t = time.perf_counter()
                r = http.post("/api/door/checks", json=body)
                latencies[i].append(time.perf_counter() - t)
                if r.status_code != 201 or not r.json()["allowed"]:
                    failures.append(r.text)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(codes))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert failures == [], failures[:3]
    return [x for per in latencies for x in per], elapsed


def _statements(data: Path, token: str, room_id: int, code: str) -> tuple[int, int]:
    """Statements of one check-in and one check-out over HTTP, token lookup included."""
    engine = make_engine(f"sqlite:///{data / 'dcops.sqlite3'}")
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    app = create_app(
        Settings(data_dir=data, database_url="unused://", secret_key="b" * 40),
        session_maker=make_sessionmaker(engine, class_=Session),
    )
    client = Client(app)
    client.headers["Authorization"] = f"Bearer {token}"
    counts = []
    for direction in ("in", "out"):
        seen.clear()
        r = client.post("/api/door/checks", json={"code": code, "room_id": room_id, "direction": direction})
        assert r.status_code == 201 and r.json()["allowed"], r.text
        counts.append(len([s for s in seen if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]))
    engine.dispose()
    return counts[0], counts[1]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def test_door_checks_against_a_running_server(tmp_path):
    token, room_id, codes = _prepare(tmp_path, 8)
    port = _port()
    server = _serve(tmp_path, port)
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        for clients in (1, 8):
            latencies, elapsed = _run(base, token, room_id, codes[:clients])
            rows.append(
                (
                    clients,
                    len(latencies),
                    statistics.median(latencies) * 1000,
                    _pct(latencies, 0.99),
                    len(latencies) / elapsed,
                )
            )
    finally:
        server.terminate()
        server.wait(10)
    check_in, check_out = _statements(tmp_path, token, room_id, codes[0])
    print(f"\ndoor checks, SQLite, {WORKERS} uvicorn worker(s), {CHECKS} checks per client (valid passes, in/out):")
    for clients, n, p50, p99, rate in rows:
        print(f"  {clients} client(s): {n} checks, p50 {p50:.2f} ms, p99 {p99:.2f} ms, {rate:.0f} checks/s")
    print(f"  statements per HTTP check (token lookup included): check-in {check_in}, check-out {check_out}")
    print(f"  throughput ratio 8/1 clients: {rows[1][4] / rows[0][4]:.2f}x")
