"""The door while sign-ins flood in: door-check latency with 1 client against a running server (uvicorn, SQLite,
1 worker), alone and while 8 threads post wrong passwords to /login as fast as they can. The reference is the door
alone in the same run; the figure is the ratio (goal: at most 2x). Asserts behaviour (every check allowed, the flood
throttled), never time."""

import os
import re
import statistics
import threading
import time

import httpx

from tests.bench.test_door_bench import _pct, _port, _prepare, _serve

CHECKS = int(os.environ.get("DCOPS_BENCH_FLOOD_CHECKS", "2000"))
FLOODERS = 8


def _door(base: str, token: str, room_id: int, code: str) -> list[float]:
    latencies = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        for n in range(CHECKS):
            body = {"code": code, "room_id": room_id, "direction": "in" if n % 2 == 0 else "out"}
            t = time.perf_counter()
            r = http.post("/api/door/checks", json=body)
            latencies.append(time.perf_counter() - t)
            assert r.status_code == 201 and r.json()["allowed"], r.text
    return latencies


def _flood(base: str, stop: threading.Event, answers: dict[int, int], lock: threading.Lock, n: int) -> None:
    with httpx.Client(base_url=base) as http:
        page = http.get("/login").text
        csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
        i = 0
        while not stop.is_set():
            i += 1
            r = http.post("/login", data={"username": f"sara{n}-{i % 3}", "password": "wrong", "_csrf_token": csrf})
            with lock:
                answers[r.status_code] = answers.get(r.status_code, 0) + 1


def test_the_door_stays_fast_during_a_login_flood(tmp_path):
    token, room_id, codes = _prepare(tmp_path, 1)
    port = _port()
    server = _serve(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    answers: dict[int, int] = {}
    try:
        _door(base, token, room_id, codes[0])  # warm up
        alone = _door(base, token, room_id, codes[0])
        stop, lock = threading.Event(), threading.Lock()
        flood = [threading.Thread(target=_flood, args=(base, stop, answers, lock, n)) for n in range(FLOODERS)]
        for t in flood:
            t.start()
        time.sleep(1)
        start = time.perf_counter()
        during = _door(base, token, room_id, codes[0])
        elapsed = time.perf_counter() - start
        stop.set()
        for t in flood:
            t.join()
    finally:
        server.terminate()
        server.wait(10)
    p50a, p99a = statistics.median(alone) * 1000, _pct(alone, 0.99)
    p50f, p99f = statistics.median(during) * 1000, _pct(during, 0.99)
    attempts = sum(answers.values())
    print(f"\nthe door during a login flood (SQLite, 1 worker, {CHECKS} checks, {FLOODERS} flooding threads):")
    print(f"  reference, the door alone:  p50 {p50a:.2f} ms, p99 {p99a:.2f} ms")
    print(f"  during the flood:           p50 {p50f:.2f} ms, p99 {p99f:.2f} ms")
    print(f"  ratio flood/alone:          p50 {p50f / p50a:.2f}x, p99 {p99f / p99a:.2f}x (goal <= 2x)")
    print(f"  sign-in attempts answered:  {attempts} ({attempts / elapsed:.0f}/s): {dict(sorted(answers.items()))}")
    assert answers.get(429, 0) > answers.get(401, 0)  # the flood is throttled, not hashed
