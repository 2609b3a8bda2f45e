"""Policy documents in the database: stored once under their SHA-256, checked against it when read."""

import hashlib

import pytest
from sqlalchemy import func, select, update

from dcops.documents import MAX_BYTES, Document, DocumentStore
from dcops.errors import NotFound, ValidationFailed
from dcops.seed import demo_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def test_stores_pdf_png_jpeg_content_addressed_once(db):
    store = DocumentStore()
    pdf = demo_pdf("policy")
    stored = store.put(db, pdf)
    assert stored.media_type == "application/pdf" and stored.size == len(pdf)
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert db.get(Document, stored.sha256).content == pdf
    assert store.put(db, pdf) == stored  # the same bytes are stored once
    assert db.scalar(select(func.count()).select_from(Document)) == 1
    assert store.put(db, PNG).media_type == "image/png"
    assert store.put(db, b"\xff\xd8\xff\xe0" + b"0" * 10).media_type == "image/jpeg"
    assert store.read(db, stored.sha256) == pdf


@pytest.mark.parametrize("content", [b"", b"MZ\x90\x00 an executable", b"%PDF-" + b"0" * MAX_BYTES])
def test_a_refused_upload_stores_nothing(db, content):
    with pytest.raises(ValidationFailed):
        DocumentStore().put(db, content)
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_a_tampered_or_missing_document_is_not_served(db):
    store = DocumentStore()
    stored = store.put(db, PNG)
    db.execute(update(Document).where(Document.sha256 == stored.sha256).values(content=PNG + b"changed"))
    db.expire_all()
    with pytest.raises(NotFound, match="intact"):
        store.read(db, stored.sha256)
    with pytest.raises(NotFound):
        store.read(db, "ab" * 32)
