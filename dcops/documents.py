"""Uploaded documents (insurance policies), stored content-addressed in the database.

A document's key is the SHA-256 of its bytes, so the same upload is stored once and what is read back can
be checked against the hash the policy keeps. The bytes live in the `document` table, not on a host's disk,
so every host behind a load balancer serves every document. The type is read from the bytes, not the filename.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import Integer, LargeBinary, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from dcops.db import Base, atomic, utcnow
from dcops.errors import NotFound, ValidationFailed

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a name has no lines: CR and LF would split the header
MAX_BYTES = 8 * 1024 * 1024  # stays under Litestar's default 10 MB request body limit

# Magic numbers of the types a policy may come as: PDF, or a photo or scan of it.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class Document(Base):
    """The bytes of an upload under their SHA-256. Written once, never changed: equal uploads share the row."""

    __tablename__ = "document"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Stored:
    sha256: str
    media_type: str
    size: int


def clean_name(filename: str, fallback: str = "document") -> str:
    """An uploaded file's name as we keep it: the last path part, no control characters, at most 200 characters."""
    name = _ANY_CONTROL.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[-200:] or fallback


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII `filename` for old clients and the exact name as `filename*=UTF-8''…`."""
    name = clean_name(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace('"', "").strip()
    return f"{kind}; filename=\"{ascii_name or 'document'}\"; filename*=UTF-8''{quote(name, safe='')}"


def sniff(content: bytes) -> str | None:
    return next((media for magic, media in SIGNATURES if content.startswith(magic)), None)


class DocumentStore:
    """Checks uploads and keeps them in the caller's transaction: a policy and its document are stored
    together or not at all."""

    def check(self, content: bytes, field: str = "document") -> str:
        """The media type of an acceptable upload; ValidationFailed naming the field otherwise."""
        if not content:
            raise ValidationFailed({field: "Choose the policy document to upload (PDF, PNG or JPEG)"})
        if len(content) > MAX_BYTES:
            raise ValidationFailed({field: f"The document is larger than {MAX_BYTES // (1024 * 1024)} MB"})
        media = sniff(content)
        if media is None:
            raise ValidationFailed({field: "The document must be a PDF, PNG or JPEG file"})
        return media

    def put(self, db: Session, content: bytes, field: str = "document") -> Stored:
        media = self.check(content, field)
        digest = hashlib.sha256(content).hexdigest()
        if db.scalar(select(Document.sha256).where(Document.sha256 == digest)) is None:
            try:
                with atomic(db):
                    db.add(Document(sha256=digest, media_type=media, size=len(content), content=content))
                    db.flush()
            except IntegrityError:
                pass  # the same bytes were stored by another request at the same moment: they are there now
        return Stored(digest, media, len(content))

    def read(self, db: Session, sha256: str) -> bytes:
        content = db.scalar(select(Document.content).where(Document.sha256 == sha256))
        if content is None:
            raise NotFound("document", sha256[:12])
        if hashlib.sha256(content).hexdigest() != sha256:
            raise NotFound("intact document", sha256[:12])
        return content
