"""Prepared statements (dcops.prepared) put values in and take them out exactly as `Connection.execute` does, on
SQLite and PostgreSQL: aware datetimes, enums, JSON, booleans, insert defaults, a literal SQLAlchemy renders at
execution; the connection's listeners see them, and a driver error is SQLAlchemy's own."""

from datetime import UTC, datetime, timedelta, timezone
from itertools import count

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Enum,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from dcops.access.models import VisitStatus
from dcops.db import UTCDateTime
from dcops.prepared import Prepared

_meta = MetaData()
_serial = count(1)
_thing = Table(
    "prepared_test_thing",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("status", Enum(VisitStatus), nullable=False),
    Column("data", JSON, nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("label", String(20), nullable=False, default="plain"),
    Column("serial", Integer, nullable=False, default=lambda: next(_serial)),
    Column("code", String(20), unique=True),
)
_INSERT = Prepared(insert(_thing).returning(_thing.c.id))
_ROW = Prepared(select(_thing).where(_thing.c.id == bindparam("id")))
_LABELS = Prepared(select(func.aggregate_strings(_thing.c.code, "\n")).where(_thing.c.flag == bindparam("flag")))


@pytest.fixture
def things(connection):  # type: ignore[no-untyped-def]
    _meta.create_all(connection)  # in the test's transaction: rolled back with it
    return connection


VALUES = {
    "at": datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2))),
    "status": VisitStatus.in_progress,
    "data": {"reasons": [{"rule": "A7", "text": "in verzuim sinds 19-11"}], "n": 3},
    "flag": True,
    "code": "a'b",
}


def test_a_row_written_and_read_prepared_is_the_row_sqlalchemy_writes_and_reads(things):
    ours = _INSERT.scalar(things, VALUES)
    theirs = things.execute(insert(_thing).returning(_thing.c.id), {**VALUES, "code": "other"}).scalar_one()

    read_ours = _ROW.first(things, {"id": ours})
    read_by_sqlalchemy = things.execute(select(_thing).where(_thing.c.id == ours)).one()
    assert read_ours == tuple(read_by_sqlalchemy)
    assert read_ours[1] == VALUES["at"] and read_ours[1].tzinfo is not None and read_ours[1].utcoffset() == timedelta(0)
    assert read_ours[2] is VisitStatus.in_progress and read_ours[3] == VALUES["data"] and read_ours[4] is True
    assert read_ours[5] == "plain" and read_ours[6] >= 1  # the scalar and the callable default, as SQLAlchemy gives
    assert _ROW.first(things, {"id": theirs})[1:5] == read_ours[1:5]
    assert _ROW.first(things, {"id": 10**9}) is None


def test_a_literal_rendered_at_execution_is_rendered_once_and_right(things):
    for code in ("x1", "x2"):
        _INSERT.scalar(things, {**VALUES, "code": code, "flag": False})
    assert sorted(_LABELS.scalar(things, {"flag": False}).split("\n")) == ["x1", "x2"]
    assert _LABELS.scalar(things, {"flag": None}) is None


@pytest.mark.parametrize("on", ["connection", "engine"])
def test_the_listeners_of_the_connection_and_of_its_engine_see_the_statement(things, on):
    seen: list[str] = []

    def listener(*args: object) -> None:
        seen.append(str(args[2]))

    target = things if on == "connection" else things.engine
    event.listen(target, "before_cursor_execute", listener)
    try:
        _ROW.first(things, {"id": 1})
    finally:
        event.remove(target, "before_cursor_execute", listener)
    assert len(seen) == 1 and "prepared_test_thing" in seen[0]


def test_a_driver_error_is_sqlalchemys_own(things):
    _INSERT.scalar(things, {**VALUES, "at": datetime.now(UTC), "code": "twice"})
    with pytest.raises(IntegrityError), things.begin_nested():  # PostgreSQL: only the savepoint is lost
        _INSERT.scalar(things, {**VALUES, "code": "twice"})
    assert things.execute(select(func.count()).select_from(_thing)).scalar_one() == 1
