"""Policy documents: type read from the bytes, size limit, stored once under their SHA-256."""

import hashlib

import pytest

from dcops.documents import MAX_BYTES, DocumentStore
from dcops.errors import NotFound, ValidationFailed
from dcops.seed import demo_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def test_accepts_pdf_png_jpeg_and_stores_them_content_addressed(tmp_path):
    store = DocumentStore(tmp_path)
    pdf = demo_pdf("policy")
    stored = store.put(pdf)
    assert stored.media_type == "application/pdf" and stored.size == len(pdf)
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (tmp_path / "documents" / stored.sha256[:2] / stored.sha256).read_bytes() == pdf
    assert store.put(pdf) == stored  # the same bytes are stored once
    assert store.put(PNG).media_type == "image/png"
    assert store.put(b"\xff\xd8\xff\xe0" + b"0" * 10).media_type == "image/jpeg"
    assert store.read(stored.sha256) == pdf


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "Choose"), (b"MZ\x90\x00 an executable", "PDF, PNG or JPEG"), (b"%PDF-" + b"0" * MAX_BYTES, "larger")],
)
def test_refuses_empty_wrong_type_and_too_large(tmp_path, content, message):
    with pytest.raises(ValidationFailed) as exc:
        DocumentStore(tmp_path).put(content)
    assert message in exc.value.errors["document"]
    assert not (tmp_path / "documents").exists()


def test_a_tampered_or_missing_file_is_not_served(tmp_path):
    store = DocumentStore(tmp_path)
    stored = store.put(PNG)
    (tmp_path / "documents" / stored.sha256[:2] / stored.sha256).write_bytes(PNG + b"changed")
    with pytest.raises(NotFound):
        store.read(stored.sha256)
    with pytest.raises(NotFound):
        store.read("ab" * 32)
