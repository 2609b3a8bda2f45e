"""The pass signing keys' table: every host reads and writes the same keys (dcops.access.keys)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from dcops.db import Base, utcnow


class PassKey(Base):
    """An Ed25519 key passes are signed with. `private_key` is AES-256-GCM ciphertext under the
    key-encryption key (never the key itself) and is emptied when the key is rotated away; the public key
    stays until `retire_after`, the expiry of the last pass it signed. Exactly one key is current."""

    __tablename__ = "pass_key"
    __table_args__ = (
        Index(
            "uq_pass_key_current",
            "is_current",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    kid: Mapped[str] = mapped_column(String(16), primary_key=True)  # hex of dcops.access.keys.key_id
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # raw, 32 bytes
    private_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # nonce + ciphertext; None once rotated away
    is_current: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retire_after: Mapped[datetime | None]
