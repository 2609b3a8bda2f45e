"""pass signing keys (private halves encrypted) and uploaded documents in the database, so hosts share no disk

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 15:00:00

The upgrade moves what the data directory holds into the new tables: `pass-keys/` (each `<kid>.pub`, the
`<kid>.key` still there sealed under the key-encryption key, `current`, and `<kid>.retire`) and
`documents/xx/<sha256>`. It reads the directory of the settings `dcops db upgrade` passes (or of
DCOPS_DATA_DIR when Alembic is run by hand); the files are left where they are, nothing is deleted.
"""

import hashlib
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

pass_key = sa.table(
    "pass_key",
    sa.column("kid", sa.String),
    sa.column("public_key", sa.LargeBinary),
    sa.column("private_key", sa.LargeBinary),
    sa.column("is_current", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("retire_after", sa.DateTime(timezone=True)),
)
document = sa.table(
    "document",
    sa.column("sha256", sa.String),
    sa.column("media_type", sa.String),
    sa.column("size", sa.Integer),
    sa.column("content", sa.LargeBinary),
    sa.column("stored_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_document")),
    )
    op.create_table(
        "pass_key",
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retire_after", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_pass_key")),
    )
    with op.batch_alter_table("pass_key", schema=None) as batch_op:
        batch_op.create_index(
            "uq_pass_key_current",
            ["is_current"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
    settings = _settings()
    if settings is not None:
        _import_keys(settings)
        _import_documents(settings.data_dir / "documents")


def downgrade() -> None:
    with op.batch_alter_table("pass_key", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pass_key_current", sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current")
        )
    op.drop_table("pass_key")
    op.drop_table("document")


def _settings():  # type: ignore[no-untyped-def]
    from dcops.settings import Settings

    settings = op.get_context().config.attributes.get("settings")
    if settings is None and os.environ.get("DCOPS_DATA_DIR"):
        settings = Settings.from_env()
    return settings


def _when(moment: datetime) -> datetime:
    """As dcops.db.UTCDateTime stores it: naive UTC on SQLite, aware elsewhere."""
    moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else moment


def _import_keys(settings) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    from dcops.access.keys import RAW, key_encryption_key, key_id, seal

    folder = settings.data_dir / "pass-keys"
    if not folder.is_dir():
        return
    kek = key_encryption_key(settings.secret_key, settings.key_encryption_key)
    current = (folder / "current").read_text().strip() if (folder / "current").exists() else None
    now = datetime.now(UTC)
    for pub in sorted(folder.glob("*.pub")):
        public = serialization.load_pem_public_key(pub.read_bytes())
        assert isinstance(public, Ed25519PublicKey)
        kid = key_id(public)
        if kid.hex() != pub.stem:
            log.warning("pass key %s: its name is not its key id, skipped", pub.name)
            continue
        sealed = None
        private_file = folder / f"{pub.stem}.key"
        if pub.stem == current and private_file.exists():
            private = serialization.load_pem_private_key(private_file.read_bytes(), password=None)
            assert isinstance(private, Ed25519PrivateKey)
            sealed = seal(kek, kid, private)
        retire_file = folder / f"{pub.stem}.retire"
        retire = datetime.fromisoformat(retire_file.read_text().strip()) if retire_file.exists() else None
        if retire is not None and retire < now:
            continue  # retired: no pass of its is open
        op.get_bind().execute(
            pass_key.insert().values(
                kid=pub.stem,
                public_key=public.public_bytes(*RAW),
                private_key=sealed,
                is_current=sealed is not None,
                created_at=_when(datetime.fromtimestamp(pub.stat().st_mtime, UTC)),
                retire_after=_when(retire) if retire else None,
            )
        )
    log.info("pass keys imported from %s", folder)


def _import_documents(folder: Path) -> None:
    from dcops.documents import sniff

    if not folder.is_dir():
        return
    stored = 0
    for path in sorted(folder.glob("??/*")):
        if path.name.startswith("."):
            continue  # an upload's temporary file
        content = path.read_bytes()
        media = sniff(content)
        if hashlib.sha256(content).hexdigest() != path.name or media is None:
            log.warning("document %s is not intact, left out (it could not be served before either)", path.name)
            continue
        op.get_bind().execute(
            document.insert().values(
                sha256=path.name,
                media_type=media,
                size=len(content),
                content=content,
                stored_at=_when(datetime.fromtimestamp(path.stat().st_mtime, UTC)),
            )
        )
        stored += 1
    log.info("%d documents imported from %s", stored, folder)
