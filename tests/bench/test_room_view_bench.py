"""The room view at 300 racks x 42U and 6,000 devices, and the lists at 50,000 hardware (issue 14, goal 2).
For each: dcops in-process (TestClient, the whole app: middleware, auth, session, template, compression) and a
minimal reference doing the same essential work in the same run (tests/bench/room_reference.py), the ratio,
bytes on the wire with Accept-Encoding: gzip and the SQL statements. Then the memory of a uvicorn server
after 4 concurrent room views. Asserts statements and sizes, never times."""

import logging
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import event
from sqlalchemy.orm import Session

from dcops.app import create_app
from dcops.db import make_engine, make_sessionmaker
from dcops.racks import room_view
from dcops.settings import Settings
from tests.bench import room_data, room_reference
from tests.bench.test_door_bench import _port
from tests.conftest import Client
from tests.factories import PASSWORD

logging.getLogger("httpx").setLevel(logging.WARNING)
RUNS = int(os.environ.get("DCOPS_BENCH_RUNS", "15"))
GZIP = {"Accept-Encoding": "gzip"}
TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _median_ms(fn: Callable[[], object], before: Callable[[], object] = lambda: None) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (server and in-process client) in ms. The machine
    may be shared: CPU time is the steadier figure of the two."""
    fn()  # warm: templates compiled, statements cached
    wall, cpu = [], []
    for _ in range(RUNS):
        before()
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def _login(client: httpx.Client | Client, username: str) -> None:
    client.get("/login")
    form = {"username": username, "password": PASSWORD, "_csrf_token": client.cookies["csrftoken"]}
    r = client.post("/login", data=form)
    assert r.status_code in (200, 302, 303), r.text


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _memory_after_concurrent_views(data: room_data.RoomData, folder: Path) -> tuple[float, float]:
    """RSS of a one-worker uvicorn server after its first room view, and after 4 more at once."""
    port = _port()
    env = {**os.environ, "DCOPS_DATA_DIR": str(folder), "DCOPS_DATABASE_URL": data.url, "DCOPS_SECRET_KEY": "m" * 40}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "dcops.app:app_from_env", "--port", str(port)]
    server = subprocess.Popen([*cmd, "--no-access-log", "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with httpx.Client(base_url=base, headers=GZIP, timeout=60, follow_redirects=True) as http:
            _login(http, data.username)
            assert http.get(f"/rooms/{data.room_id}").status_code == 200
            after_one = _rss_mb(server.pid)
            statuses: list[int] = []

            def view() -> None:
                with httpx.Client(base_url=base, headers=GZIP, cookies=http.cookies, timeout=60) as c:
                    statuses.append(c.get(f"/rooms/{data.room_id}").status_code)

            threads = [threading.Thread(target=view) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert statuses == [200] * 4
            return after_one, _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)


def test_room_view_and_lists_against_the_reference(tmp_path):
    t = time.perf_counter()
    data = room_data.build(tmp_path)
    print(f"\ndata set: {room_data.RACKS} racks x 42U, {data.devices} devices mounted, {data.hardware} hardware "
          f"(built in {time.perf_counter() - t:.0f} s)")  # fmt: skip
    engine = make_engine(data.url)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    app = create_app(
        Settings(data_dir=tmp_path, database_url="unused://", secret_key="b" * 40),
        session_maker=make_sessionmaker(engine, class_=Session),
    )
    client = Client(app)
    _login(client, data.username)
    raw = sqlite3.connect(data.url.removeprefix("sqlite:///"))

    def measure(path: str, before: Callable[[], object] = lambda: None) -> tuple[float, float, int, int, int]:
        seen.clear()
        headers = {**GZIP, "Authorization": f"Bearer {data.token}"} if path.startswith("/api/") else GZIP
        before()
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text[:500]
        statements = len([s for s in seen if not s.lstrip().upper().startswith(TRANSACTION)])
        wall, cpu = _median_ms(lambda: client.get(path, headers=headers), before)
        return wall, cpu, statements, r.num_bytes_downloaded, len(r.content)

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {RUNS}, wall / CPU ms")
    room = f"/rooms/{data.room_id}"
    cold = measure(room, room_view._render.cache_clear)
    warm = measure(room)
    ref_wall, ref_cpu = _median_ms(lambda: room_reference.room(raw, data.room_id))
    ref_wire = len(room_reference.room(raw, data.room_id))
    encoding = client.get(room, headers=GZIP).headers.get("content-encoding")
    print(f"room view, SQLite, in-process ({encoding}):")
    for label, (wall, cpu, statements, wire, html) in (("dcops, cold", cold), ("dcops, warm", warm)):
        print(
            f"  {label:12s} {wall:7.1f} / {cpu:7.1f} ms, {statements} statements (sign-in included), "
            f"{wire / 1000:6.1f} kB on the wire ({html / 1000:.0f} kB HTML); "
            f"ratio to the reference {wall / ref_wall:.2f}x wall, {cpu / ref_cpu:.2f}x CPU"
        )
    ref = f"{ref_wall:7.1f} / {ref_cpu:7.1f} ms, 1 statement, {ref_wire / 1000:6.1f} kB on the wire"
    print(f"  {'reference':12s} {ref}")
    print("  (cold: the rendered racks' memo emptied before each view; warm: no rack changed since the last)")

    lists = {
        "sites and racks (/sites)": "/sites",
        "hardware list, first page": "/hardware",
        "hardware list, last page": f"/hardware?offset={data.hardware - 50}",
        "hardware list, search": "/hardware?q=srv-0599",
        "racks API (/api/racks?limit=500)": "/api/racks?limit=500",
        "hardware API (/api/hardware)": "/api/hardware",
    }
    print(f"lists at {data.hardware} hardware:")
    figures = {}
    for label, path in lists.items():
        figures[label] = measure(path)
        wall, cpu, statements, wire, _ = figures[label]
        print(f"  {label:34s} {wall:6.1f} / {cpu:6.1f} ms, {statements} statements, {wire / 1000:5.1f} kB on the wire")
    references = ((0, "first page", None), (data.hardware - 50, "last page", None), (0, "search", "srv-0599"))
    for offset, label, q in references:
        r_wall, r_cpu = _median_ms(lambda o=offset, q=q: room_reference.hardware_list(raw, o, q))  # type: ignore[misc]
        ratio = figures[f"hardware list, {label}"][0] / r_wall
        print(f"  reference hardware list, {label:9s} {r_wall:6.1f} / {r_cpu:6.1f} ms (dcops/reference {ratio:.2f}x)")
    raw.close()
    engine.dispose()

    after_one, after_four = _memory_after_concurrent_views(data, tmp_path)
    print(f"memory of the uvicorn server (RSS): {after_one:.0f} MB after a room view, {after_four:.0f} MB after 4 more")
    assert cold[2] == warm[2] <= 3, "the room view: the signed-in user, the room with its racks, the devices"
    assert cold[3] <= 400_000 and warm[3] <= 400_000
