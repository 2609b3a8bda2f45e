"""Running Alembic from dcops: `dcops db upgrade`, and the tests' fresh databases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

if TYPE_CHECKING:
    from dcops.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(
    url: str | None = None, connection: Connection | None = None, settings: Settings | None = None
) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    if settings is not None:
        cfg.attributes["settings"] = settings  # 0008 imports keys and documents from settings.data_dir
    return cfg


def upgrade(
    url: str | None = None,
    connection: Connection | None = None,
    revision: str = "head",
    settings: Settings | None = None,
) -> None:
    command.upgrade(alembic_config(url, connection, settings), revision)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
