"""Many rows into one table at once, as fast as the driver takes them."""

from __future__ import annotations

import gc
import operator
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select, text

from dcops.db import StrEnumType

_paused = 0
_pausing = threading.Lock()


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a large import builds and writes its rows. Each of its passes walks
    every object alive, and an import keeps 100,000 rows alive: with it running, a third of the import's time went
    to collections that found nothing (the rows hold no cycles; reference counting frees them). Process-wide, so
    counted: the collector runs again when the last import using this ends."""
    global _paused
    with _pausing:
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if _paused == 0:
                gc.enable()


def allocate_ids(conn: Any, table: Any, n: int) -> list[int]:
    """Ids for `n` new rows of `table`, known before they are written, so an import needs no statement to read them
    back. PostgreSQL: from the table's sequence, as inserts take them (another session's inserts meanwhile take
    others). SQLite: the ones after the highest; the import's write transaction keeps other writers out, and one
    that wrote in between makes this transaction fail as a whole (SQLite refuses to upgrade a stale snapshot)."""
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar_one()
        taken = conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": sequence, "n": n})
        return list(taken.scalars())
    start = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + n))


def insert_many(
    conn: Any,
    table: Any,
    rows: list[dict[str, Any]],
    ids: list[int] | None = None,
    placeholders: Sequence[tuple[str, dict[int, int]]] = (),
) -> None:
    """One INSERT for many rows, handed to the driver's executemany with each value put as its column's type puts
    it (SQLAlchemy's own per-row parameter handling was half of a large import). Columns no row names take their
    default, as SQLAlchemy would fill them. `ids`: the rows' primary keys (dcops.interop.bulk.allocate_ids);
    `placeholders`: columns that may hold a negative stand-in for a row written earlier, and the real ids by
    stand-in (looked up while each row's values are put)."""
    if not rows:
        return
    named = set().union(*rows) | ({"id"} if ids is not None else set())
    columns = [c for c in table.columns if c.key in named or (c.default is not None and not c.primary_key)]
    defaults = {}  # what a row that does not name a column gets there (one value for all of them, like a scalar)
    for c in columns:
        default = c.default
        defaults[c.key] = None if default is None else default.arg if default.is_scalar else default.arg(None)
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    # Each column's bind processor where it has one; a StrEnum is a str already, its value is what is stored.
    convert = [
        (c.key, p)
        for c in columns
        if not isinstance(c.type, StrEnumType) and (p := c.type._cached_bind_processor(dialect)) is not None
    ]
    base = {c.key: defaults.get(c.key) for c in columns}  # every column, its default where a row names none
    stand_ins = [(k, real) for k, real in placeholders if k in base]
    pick = operator.itemgetter(*base) if len(base) > 1 else lambda row, only=next(iter(base)): (row[only],)
    params = []
    for n, row in enumerate(rows):
        values = base | row
        if ids is not None:
            values["id"] = ids[n]
        for k, real in stand_ins:
            if type(value := values[k]) is int and value < 0:
                values[k] = real.get(value, value)
        for k, p in convert:
            values[k] = p(values[k])
        params.append(pick(values))
    conn.exec_driver_sql(sql, params)
