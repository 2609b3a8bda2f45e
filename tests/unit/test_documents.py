"""Policy documents: type read from the bytes and the size limit (storage: tests/integration/test_documents.py)."""

import pytest

from dcops.documents import MAX_BYTES, DocumentStore
from dcops.errors import ValidationFailed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def test_accepts_pdf_png_jpeg_by_their_bytes():
    store = DocumentStore()
    assert store.check(b"%PDF-1.4 ...") == "application/pdf"
    assert store.check(PNG) == "image/png"
    assert store.check(b"\xff\xd8\xff\xe0" + b"0" * 10) == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "Choose"), (b"MZ\x90\x00 an executable", "PDF, PNG or JPEG"), (b"%PDF-" + b"0" * MAX_BYTES, "larger")],
)
def test_refuses_empty_wrong_type_and_too_large(content, message):
    with pytest.raises(ValidationFailed) as exc:
        DocumentStore().check(content)
    assert message in exc.value.errors["document"]
