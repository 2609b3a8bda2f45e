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
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
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


def _prepare(data: Path, clients: int, url: str | None = None) -> tuple[str, int, list[str]]:
    """A seeded database, one approved visit with a pass per client, and the security officer's token."""
    url = url or f"sqlite:///{data / 'dcops.sqlite3'}"
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


def _serve(
    data: Path,
    port: int,
    reference_keys: str | None = None,
    url: str | None = None,
    workers: int = WORKERS,
    app: tuple[str, dict[str, str]] | None = None,
) -> subprocess.Popen:
    """dcops under uvicorn; with `reference_keys` the bare door reference app (tests/bench/door_reference_app.py),
    with `app` another one: its uvicorn target and environment."""
    env = {
        **os.environ,
        "DCOPS_DATA_DIR": str(data),
        "DCOPS_DATABASE_URL": url or f"sqlite:///{data / 'dcops.sqlite3'}",
    }
    target = ["--factory", "dcops.app:app_from_env"]
    if reference_keys is not None:
        env |= {"DOOR_REF_DB": str(data / "dcops.sqlite3"), "DOOR_REF_KEYS": reference_keys}
        target = ["tests.bench.door_reference_app:app"]
    if app is not None:
        env |= app[1]
        target = [app[0]]
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        *target,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--workers",
        str(workers),
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


def _run(base: str, token: str, room_id: int, codes: list[str], checks: int = CHECKS) -> tuple[list[float], float]:
    latencies: list[list[float]] = [[] for _ in codes]
    failures: list[str] = []

    def client(i: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for n in range(checks):
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


def statements_over_http(data: Path, token: str, calls: dict[str, Callable[[Client], object]]) -> dict[str, int]:
    """The SQL statements each call costs over HTTP on the bench's database (transaction control left out), the
    token lookup included: a fresh app with a counter on its engine, as a worker serves it."""
    engine = make_engine(f"sqlite:///{data / 'dcops.sqlite3'}")
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    app = create_app(
        Settings(data_dir=data, database_url="unused://", secret_key="b" * 40),
        session_maker=make_sessionmaker(engine, class_=Session),
    )
    client = Client(app)
    client.headers["Authorization"] = f"Bearer {token}"
    counts = {}
    for name, call in calls.items():
        seen.clear()
        call(client)
        counts[name] = len([s for s in seen if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))])
    engine.dispose()
    return counts


def _statements(data: Path, token: str, room_id: int, code: str) -> tuple[int, int]:
    """Statements of one check-in (the token looked up, as by a worker's first call) and one check-out (the token
    known). A pair of scans first: the token's "last used" write, made at most every five minutes, would otherwise
    land in the count or not depending on how long the run took."""

    def scan(direction: str) -> Callable[[Client], object]:
        def call(client: Client) -> None:
            r = client.post("/api/door/checks", json={"code": code, "room_id": room_id, "direction": direction})
            assert r.status_code == 201 and r.json()["allowed"], r.text

        return call

    statements_over_http(data, token, {"in": scan("in"), "out": scan("out")})
    counts = statements_over_http(data, token, {"in": scan("in"), "out": scan("out")})
    return counts["in"], counts["out"]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _public_keys(data: Path) -> str:
    """The pass keys' public halves, for the reference app (which reads no key table)."""
    url = f"sqlite:///{data / 'dcops.sqlite3'}"
    engine = make_engine(url)
    settings = Settings.from_env({"DCOPS_DATA_DIR": str(data), "DCOPS_DATABASE_URL": url})
    verifiers = KeyRing.from_settings(settings, make_sessionmaker(engine)).verifiers()
    engine.dispose()
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    return ",".join(f"{kid.hex()}:{key.public_bytes(*raw).hex()}" for kid, key in verifiers.items())


ROUNDS = int(os.environ.get("DCOPS_BENCH_ROUNDS", "10"))


def _measure(data: Path, token: str, room_id: int, codes: list[str]) -> tuple[list[tuple], list[tuple]]:
    """dcops and the reference served side by side and measured in turns, ROUNDS short rounds each per number of
    clients: this machine's speed drifts from minute to minute, and measuring one for minutes and then the other
    put the drift into their ratio. Only one of them is ever busy at a time."""
    servers = {False: _serve(data, ours := _port()), True: _serve(data, ref := _port(), _public_keys(data))}
    bases = {False: f"http://127.0.0.1:{ours}", True: f"http://127.0.0.1:{ref}"}
    per_round = max(2, CHECKS // ROUNDS // 2 * 2)  # even: every round ends with the visitor outside again
    rows: dict[bool, list[tuple]] = {False: [], True: []}
    try:
        for reference in (False, True):
            _run(bases[reference], token, room_id, codes[:1], checks=200)  # warm up
        for clients in (1, 8):
            cpu = {False: 0.0, True: 0.0}
            latencies: dict[bool, list[float]] = {False: [], True: []}
            elapsed = {False: 0.0, True: 0.0}
            for _ in range(ROUNDS):
                for reference in (False, True):
                    before = _cpu_seconds(servers[reference].pid)
                    took, seconds = _run(bases[reference], token, room_id, codes[:clients], checks=per_round)
                    cpu[reference] += _cpu_seconds(servers[reference].pid) - before
                    latencies[reference] += took
                    elapsed[reference] += seconds
            for reference in (False, True):
                n = len(latencies[reference])
                p50, p99 = statistics.median(latencies[reference]) * 1000, _pct(latencies[reference], 0.99)
                rows[reference].append((clients, n, p50, p99, n / elapsed[reference], cpu[reference] / n * 1000))
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(10)
    return rows[False], rows[True]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def test_door_checks_against_a_running_server(tmp_path):
    """dcops and the reference (a bare ASGI app doing the essential work) on one database, measured in turns."""
    token, room_id, codes = _prepare(tmp_path, 8)
    ours, ref = _measure(tmp_path, token, room_id, codes)
    check_in, check_out = _statements(tmp_path, token, room_id, codes[0])
    print(
        f"\ndoor checks, SQLite, {WORKERS} uvicorn worker(s), {CHECKS} checks per client (valid passes, in/out), "
        f"in {ROUNDS} rounds taken in turns with the reference:"
    )
    print("  clients  what       p50 ms   p99 ms  checks/s  server CPU ms/check")
    for (clients, _, p50, p99, rate, cpu), (_, _, rp50, rp99, rrate, rcpu) in zip(ours, ref, strict=True):
        print(f"  {clients:>7}  dcops     {p50:7.2f}  {p99:7.2f}  {rate:8.0f}  {cpu:8.2f}")
        print(f"  {clients:>7}  reference {rp50:7.2f}  {rp99:7.2f}  {rrate:8.0f}  {rcpu:8.2f}")
        print(
            f"  {clients:>7}  ratio     {p50 / rp50:7.2f}x {p99 / rp99:7.2f}x {rrate / rate:8.2f}x {cpu / rcpu:8.2f}x"
        )
    print(f"  statements per HTTP check: check-in {check_in} (token lookup included), check-out {check_out}")
    assert check_in <= 6 and check_out <= 6


PG_URL = os.environ.get("DCOPS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def test_door_checks_scale_with_postgresql_workers(tmp_path):
    """Door checks/s with 8 clients against 1, 2 and 4 uvicorn workers on one PostgreSQL database: the audit chain's
    lock is held only for its append at commit, so more workers give more checks (goal: 2 workers >= 1.3x, 4 >= 1.0x
    of one on a 2-core machine). The reference is the same app with one worker, in the same run."""
    from tests.conftest import fresh_database

    with fresh_database(PG_URL, tmp_path) as url:
        token, room_id, codes = _prepare(tmp_path, 8, url)
        rates = {}
        for workers in (1, 2, 4):
            port = _port()
            server = _serve(tmp_path, port, url=url, workers=workers)
            try:
                base = f"http://127.0.0.1:{port}"
                _run(base, token, room_id, codes[:1], checks=100)  # warm up every worker's imports
                latencies, elapsed = _run(base, token, room_id, codes)
                rates[workers] = len(latencies) / elapsed
            finally:
                server.terminate()
                server.wait(10)
    print(f"\ndoor checks on PostgreSQL, 8 clients, {CHECKS} checks each:")
    for workers, rate in rates.items():
        print(f"  {workers} worker(s): {rate:7.0f} checks/s  ({rate / rates[1]:.2f}x of 1 worker)")
