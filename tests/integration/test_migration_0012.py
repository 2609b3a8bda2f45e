"""Migration 0012 adds what a door check decided offline needs (offline, the screen's id for the scan, the feed's and
the receipt's times): existing checks read as online ones, the screen's id is unique, and it downgrades and upgrades
again. On SQLite and PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from dcops import migrate
from tests.conftest import _database_urls, _label, fresh_database

NEW = {"offline", "client_id", "feed_at", "received_at"}
CHECK = (
    "INSERT INTO door_check (at, room_id, direction, decision, passed, reasons, scanned_sha256, scanned_length, officer"
    "{extra}) VALUES ('2026-11-30 10:00:00+00:00', 1, 'in', 'deny', false, '[]', '{sha}', 3, 'sara'{values})"
)


@pytest.fixture(params=_database_urls(), ids=_label)
def at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        migrate.upgrade(url, revision="0011")
        yield url


def _columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("door_check")}
    finally:
        engine.dispose()


def test_0012_upgrades_with_existing_checks_and_downgrades(at_0011):
    engine = create_engine(at_0011)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO site (id, code, name, timezone) VALUES (1, 'GRV1', 'Grave', 'UTC')"))
        conn.execute(text("INSERT INTO room (id, site_id, code, name) VALUES (1, 1, 'ZAAL-A', 'Server room A')"))
        conn.execute(text(CHECK.format(extra="", values="", sha="a" * 64)))
    migrate.upgrade(at_0011, revision="0012")
    assert _columns(at_0011) >= NEW
    with engine.begin() as conn:
        assert conn.execute(text("SELECT offline, client_id FROM door_check")).one() == (False, None)
        conn.execute(text(CHECK.format(extra=", offline, client_id", values=", true, 'abc'", sha="b" * 64)))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(CHECK.format(extra=", offline, client_id", values=", true, 'abc'", sha="c" * 64)))
    engine.dispose()
    command.downgrade(migrate.alembic_config(at_0011), "0011")
    assert not NEW & _columns(at_0011)
    migrate.upgrade(at_0011)
    assert _columns(at_0011) >= NEW
