"""Statements compiled once and run on the driver's own cursor, for the few on the hottest path (the door check and
the audit chain's append, at every scan).

SQLAlchemy's compiled cache already spares the compiling; what each execution still paid (an execution context,
a result object, parameter and row processing set up anew) cost the door more CPU than SQLite's own work. A
Prepared statement is the same Core statement, compiled by SQLAlchemy once per dialect: its SQL, the order of its
parameters and the types' own bind and result processors, so values go in and come out exactly as they would
through `Connection.execute`. It runs inside the caller's transaction, on the session's connection; the
connection's `before_cursor_execute` listeners see it (statement counters, logging), and a driver error is raised
as SQLAlchemy's own (`sqlalchemy.exc.DBAPIError` and its subclasses), as from any other statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: bool  # SQLite's driver takes parameters in order, PostgreSQL's by name
    binds: tuple[tuple[str, Processor], ...]  # each parameter's name and bind processor, in order when positional
    fixed: dict[str, Any]  # the statement's own values (literals in the expression) and insert defaults
    defaults: dict[str, Callable[[], Any]]  # insert columns with a Python default the caller did not give
    results: tuple[Processor, ...]


class Prepared:
    """`statement`, compiled on first use for each dialect and set of parameter names (an INSERT's columns are the
    ones given; the others take their defaults, as SQLAlchemy gives them)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, frozenset[str]], _Compiled] = {}

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> None:
        """Run in `conn`'s transaction."""
        self._run(conn, params).close()

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row, its values as SQLAlchemy's result would hold them; None if there is none."""
        cursor = self._run(conn, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return None
        results = self._for(conn.dialect, params).results
        return tuple(f(v) if f is not None else v for f, v in zip(results, row, strict=True))

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        row = self.first(conn, params)
        return None if row is None else row[0]

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        c = self._for(conn.dialect, params)
        values = {**c.fixed, **{k: f() for k, f in c.defaults.items() if k not in params}, **params}
        if c.positional:
            parameters: Any = tuple([values[name] if f is None else f(values[name]) for name, f in c.binds])
        else:
            parameters = {name: values[name] if f is None else f(values[name]) for name, f in c.binds}
        return on_driver(conn, c.sql, parameters)

    def _for(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        key = (dialect.name, frozenset(params))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _compile(self.statement, list(params), dialect)
        return compiled


def _compile(statement: ClauseElement, keys: list[str], dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect, column_keys=keys)
    sql, order = compiled.string, compiled.positiontup
    # Values SQLAlchemy renders into the SQL at execution (an aggregate's separator): rendered here, once.
    for bind in compiled.literal_execute_params:
        name = compiled.bind_names[bind]
        literal = bind.type.dialect_impl(dialect).literal_processor(dialect)(bind.value)
        sql = sql.replace(f"__[POSTCOMPILE_{name}]", literal)
        order = [n for n in order if n != name] if order is not None else None
    processors = {
        name: bind.type.dialect_impl(dialect).bind_processor(dialect) for bind, name in compiled.bind_names.items()
    }
    names = order if order is not None else [n for n in processors if n in compiled.binds]
    binds = tuple((name, processors[name]) for name in names)
    fixed = {name: bind.value for bind, name in compiled.bind_names.items() if bind.value is not None}
    defaults: dict[str, Callable[[], Any]] = {}
    for column in getattr(compiled, "insert_prefetch", ()):
        default = column.default
        if default.is_scalar:
            fixed[column.key] = default.arg
        else:
            defaults[column.key] = lambda arg=default.arg: arg(None)  # SQLAlchemy's wrapper takes a context
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in getattr(statement, "exported_columns", ())
    )
    return _Compiled(sql, order is not None, binds, fixed, defaults, results)


def on_driver(conn: Connection, sql: str, parameters: Any = ()) -> Any:
    """`sql` run on the driver's own cursor in `conn`'s transaction, seen by the connection's listeners (statement
    counters, logging); a driver error is raised as SQLAlchemy's, as from `Connection.execute`."""
    dbapi_connection = conn.connection.driver_connection
    assert dbapi_connection is not None
    cursor = dbapi_connection.cursor()
    if conn._has_events or conn.engine._has_events:  # listeners on the connection or on its engine
        conn.dispatch.before_cursor_execute(conn, cursor, sql, parameters, None, False)
    try:
        cursor.execute(sql, parameters)
    except conn.dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(sql, parameters, error, conn.dialect.loaded_dbapi.Error) from error
    return cursor
