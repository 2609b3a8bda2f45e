"""On-demand benchmark (make bench): `dcops sweep --json` as a whole process (interpreter start, imports,
housekeeping, the sweep, JSON out) on 10,000 customers and 500,000 hardware rows in a SQLite file, next to
a REFERENCE from the same run: a bare `python -c` that opens the file with sqlite3, runs the very statements
dcops ran (captured once in-process) and prints their rows as JSON. Prints both medians and the ratio;
asserts only that both processes succeed and agree on the data, never time."""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import event

from dcops import migrate
from dcops.access.retention import housekeeping
from dcops.customers.compliance import sweep
from dcops.db import make_engine, make_sessionmaker
from tests import factories
from tests.bench.bytecode import compile_dcops
from tests.bench.test_compliance_bench import CUSTOMERS, HARDWARE_PER_CUSTOMER, TODAY, _generate

RUNS = int(os.environ.get("DCOPS_BENCH_RUNS", "7"))

# The reference: nothing but the interpreter, sqlite3 and json.
REFERENCE = """
import json, sqlite3, sys
statements = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
out = [db.execute(sql, params).fetchall() for sql, params in statements]
db.commit()
print(json.dumps(out, default=str))
"""


def _build(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        for f in factories.ALL:
            f._meta.sqlalchemy_session = db
        _generate(db)
        db.commit()
    engine.dispose()
    return url


def _capture(url: str) -> list[tuple[str, list[object]]]:
    """The statements `dcops sweep` runs (housekeeping and the sweep), with their parameters as sent."""
    engine = make_engine(url)
    captured: list[tuple[str, list[object]]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            captured.append((statement, list(parameters or ())))

    with make_sessionmaker(engine)() as db:
        housekeeping(db, TODAY, 365, 12, "Europe/Amsterdam")
        db.commit()
        sweep(db, TODAY)
    engine.dispose()
    return captured


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, str, int]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    assert proc.returncode in (0, 1), proc.stderr  # the sweep exits 1 when something needs action
    return seconds, proc.stdout, proc.returncode


def test_sweep_json_as_a_whole_process(tmp_path):
    compile_dcops()
    t = time.perf_counter()
    url = _build(tmp_path)
    built = time.perf_counter() - t
    statements = _capture(url)
    (tmp_path / "statements.json").write_text(json.dumps(statements, default=str))
    env = {
        **os.environ,
        "DCOPS_DATABASE_URL": url,
        "DCOPS_DATA_DIR": str(tmp_path),
        "DCOPS_SECRET_KEY": "bench-" + "s" * 40,
    }
    dcops_cmd = [sys.executable, "-m", "dcops.cli", "sweep", "--json", "--on", TODAY.isoformat()]
    ref_cmd = [sys.executable, "-c", REFERENCE, str(tmp_path / "statements.json"), url.removeprefix("sqlite:///")]
    dcops_times, ref_times = [], []
    for _ in range(RUNS):  # interleaved, so both see the same machine
        seconds, out, _ = _time(dcops_cmd, env)
        report = json.loads(out)
        dcops_times.append(seconds)
        seconds, out, code = _time(ref_cmd, env)
        assert code == 0
        rows = json.loads(out)
        ref_times.append(seconds)
    assert report["needs_action"] and sum(len(s["lines"]) for s in report["sections"]) > 0
    assert len(rows) == len(statements)
    ours, ref = statistics.median(dcops_times), statistics.median(ref_times)
    print(
        f"\n`dcops sweep --json`, whole process (SQLite file, {CUSTOMERS:,} customers, "
        f"{CUSTOMERS * HARDWARE_PER_CUSTOMER:,} hardware; built in {built:.0f} s; {len(statements)} statements)"
    )
    print(f"  dcops      median of {RUNS}: {ours:.2f} s (min {min(dcops_times):.2f}, max {max(dcops_times):.2f})")
    print(f"  reference  median of {RUNS}: {ref:.2f} s (min {min(ref_times):.2f}, max {max(ref_times):.2f})")
    print(f"  ratio {ours / ref:.1f}x")
