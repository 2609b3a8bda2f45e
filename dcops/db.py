"""Declarative base, column types, engines and the request-scoped session."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from dcops.prepared import on_driver

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class OutsideTheCalendar(ValueError):
    """A day no column takes, on its way into a statement (dcops.web.problems answers 422)."""


# The net under the input guard (which takes 1900 to 2999, i18n.FIRST_DAY/LAST_DAY): stored, a day near year 1 or
# 9999 would break every page that shows it (a sum of days or a change of time zone overflows). Centuries wider than
# what people may type, so that the bounds a query derives from a day they typed (a week's grid, a time zone's
# offset, a retention cutoff) are never refused.
FIRST_STORED, LAST_STORED = date(1000, 1, 1), date(8999, 12, 31)


def _in_calendar(day: date) -> None:
    if not FIRST_STORED <= day <= LAST_STORED:
        raise OutsideTheCalendar(day.isoformat())


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        _in_calendar(value.date())
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Day(TypeDecorator[date]):
    """A date column that refuses a day near year 1 or 9999 (FIRST_STORED to LAST_STORED)."""

    impl = Date
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Any) -> date | None:
        if value is not None:
            _in_calendar(value)
        return value


class StrEnumType(TypeDecorator[enum.StrEnum]):
    """A StrEnum stored as its lowercase value in a plain VARCHAR (portable, readable in SQL)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> enum.StrEnum | None:
        return None if value is None else self.enum_class(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), date: Day()}


def utcnow() -> datetime:
    return datetime.now(UTC)


WRITE = "dcops_write"  # execution option: this session will write (SQLite: BEGIN IMMEDIATE)
HELD = "dcops_holds_write_lock"
CHECKPOINT_EVERY = 1.0  # seconds: about 200 door checks' log on a busy SQLite door


def _sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _configure_sqlite(engine: Engine, background_checkpoints: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        if background_checkpoints:
            # The server copies the write-ahead log into the database file itself (checkpoint_loop), so no
            # request pays for it: by default the commit that takes the log past 1,000 pages does, a few
            # milliseconds in about one door check of a hundred.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()
        # The audit chain's append hashes in SQL (dcops.audit); PostgreSQL has sha256(), SQLite gets it here.
        dbapi_connection.create_function("dcops_sha256_hex", 1, _sha256_hex, deterministic=True)

    # Writers queue on a lock in this process, in arrival order, instead of in SQLite's busy handler,
    # which polls with sleeps of up to 100 ms: that made the door's slowest answers take half a second.
    # The lock is taken with the write transaction and given back when the connection returns to the pool.
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing request takes the write lock up front: a deferred transaction that reads first and
        # then writes cannot wait for another writer (SQLite answers SQLITE_BUSY at once).
        # On the driver's cursor: a BEGIN needs none of an execution's machinery, and every request has one.
        if not conn.get_execution_options().get(WRITE):
            on_driver(conn, "BEGIN").close()
            return
        if not conn.info.get(HELD):
            write_lock.acquire()
            conn.info[HELD] = True
        on_driver(conn, "BEGIN IMMEDIATE").close()

    def _give_back(dbapi_connection: Any, record: Any, *rest: Any) -> None:
        if record.info.pop(HELD, False):
            write_lock.release()

    event.listen(engine.pool, "checkin", _give_back)
    event.listen(engine.pool, "invalidate", _give_back)


def make_engine(url: str, *, background_checkpoints: bool = False, **kwargs: Any) -> Engine:
    """`background_checkpoints`: on SQLite, commits leave the write-ahead log to `checkpoint_loop` (the server
    runs one); processes without one (the command line) keep SQLite's automatic checkpoints."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, background_checkpoints)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def checkpoint(engine: Engine) -> tuple[int, int, int]:
    """A PASSIVE checkpoint of an SQLite database: as much of the write-ahead log as no reader still needs is
    copied into the database file, waiting for nobody. SQLite's answer: (busy, pages in the log, pages copied)."""
    raw = engine.raw_connection()  # outside any transaction: a checkpoint is no statement of one
    try:
        busy, log, copied = raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return busy, log, copied
    finally:
        raw.close()


async def checkpoint_loop(engine: Engine, every: float = CHECKPOINT_EVERY) -> None:
    """The server's checkpoints, in a worker thread every `every` seconds, while it runs."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(checkpoint, engine)
        except Exception as exc:  # noqa: BLE001 — a missed checkpoint is taken by the next one
            logging.getLogger("dcops").warning("write-ahead log checkpoint failed: %s", exc)


def make_sessionmaker(bind: Any, **kwargs: Any) -> sessionmaker[Session]:
    # Models name other packages' models by class name only; every one must be known before the first query.
    import dcops.models  # noqa: F401

    return sessionmaker(bind=bind, expire_on_commit=False, **kwargs)


@contextmanager
def request_session(session_maker: sessionmaker[Session], write: bool = False) -> Iterator[Session]:
    """One session per request: commit when the handler returned, roll back when it raised.

    The app runs this around the handler on the event loop (an async dependency), so the commit happens
    before anything is sent: a failed commit becomes an error response instead of a success the database
    never kept. It must not run in the handlers' thread pool: handlers waiting there for the write lock
    would starve the very commit that releases it.
    """
    bind = session_maker.kw.get("bind")
    if write and isinstance(bind, Engine):
        # Begins lazily, in the handler's thread: waiting for the lock here would block the event loop.
        session = session_maker(bind=bind.execution_options(**{WRITE: True}))
    else:
        session = session_maker()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        keep_follow_up(session, exc)
        raise
    finally:
        session.close()


def keep_follow_up(session: Session, exc: BaseException) -> None:
    """After a refusal was rolled back, record what the refusal itself leads to (dcops.terms.Denied.follow_up)."""
    follow_up = getattr(exc, "follow_up", None)
    if follow_up is not None:
        follow_up()
        session.commit()


def begin_write(session: Session) -> Connection:
    """End the reading part of a request and start writing: on SQLite that takes the write lock (BEGIN
    IMMEDIATE), so a request that reads a lot first (the door check) holds it only for its writes.
    Routes that do this declare `opt={"reads_first": True}` so the request does not lock from the start; in a
    session that writes from the start it changes nothing. The session's connection, writing."""
    if session.in_transaction():
        connection = session.connection()
        if connection.get_execution_options().get(WRITE):
            return connection
        session.commit()
    return session.connection(execution_options={WRITE: True})


@contextmanager
def atomic(session: Session) -> Iterator[Session]:
    """A savepoint around a multi-step change: on any error all of it is undone, the session stays usable."""
    with session.begin_nested():
        yield session
