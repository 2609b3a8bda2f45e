"""SQLite's write-ahead log is copied into the database file by the server's own checkpoints, in the background,
not by whichever request's commit takes it past 1,000 pages (a few milliseconds of one door check in a hundred)."""

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from dcops.db import checkpoint, checkpoint_loop, make_engine


def _write(engine, rows: int) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)"))
        conn.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "x" * 500} for _ in range(rows)])


def test_the_servers_engine_leaves_checkpoints_to_the_loop_and_the_command_line_does_not(tmp_path):
    server = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}", background_checkpoints=True)
    command_line = make_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    with server.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    with command_line.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000  # SQLite's own
    _write(server, 12_000)  # past 1,000 pages of log (4 kB each): no commit copied it
    busy, log, copied = checkpoint(server)
    assert busy == 0 and log > 1000 and copied == log
    server.dispose(), command_line.dispose()


def test_the_loop_checkpoints_while_the_server_runs(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}", background_checkpoints=True)

    async def run() -> None:
        loop = asyncio.create_task(checkpoint_loop(engine, every=0.05))
        await asyncio.to_thread(_write, engine, 2000)
        await asyncio.sleep(0.3)
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop

    # In a thread of its own: the browser tests' synchronous Playwright leaves this one's loop marked running.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result()
    busy, log, copied = checkpoint(engine)
    assert (busy, log - copied) == (0, 0)  # the loop had copied it all: nothing left for this one
    engine.dispose()
