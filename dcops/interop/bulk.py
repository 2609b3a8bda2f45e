"""Many rows into one table at once, as fast as the driver takes them."""

from __future__ import annotations

from typing import Any

from dcops.db import StrEnumType


def insert_many(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """One INSERT for many rows, handed to the driver's executemany with each value put as its column's type puts
    it (SQLAlchemy's own per-row parameter handling was half of a large import). Columns no row names take their
    default, as SQLAlchemy would fill them."""
    if not rows:
        return
    named = set().union(*rows)
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
    getters = [(c.key, defaults.get(c.key)) for c in columns]
    # Each column's bind processor where it has one; a StrEnum is a str already, its value is what is stored.
    convert = [
        (i, p)
        for i, c in enumerate(columns)
        if not isinstance(c.type, StrEnumType) and (p := c.type._cached_bind_processor(dialect)) is not None
    ]
    params = []
    for row in rows:
        values = [row.get(k, d) for k, d in getters]
        for i, p in convert:
            values[i] = p(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)
