"""Alembic environment: the URL and, in tests, the connection come from dcops, not alembic.ini."""

from alembic import context

from dcops.db import make_engine
from dcops.models import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, drop, rename): with foreign keys on, dropping a table that
            # others refer to fails on a database with rows. SQLite takes this pragma only outside a transaction,
            # so it goes to the driver before SQLAlchemy begins one; the keys are checked again afterwards.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            _migrate(conn)
            if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    engine.dispose()


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
