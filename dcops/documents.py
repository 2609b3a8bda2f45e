"""Uploaded documents (insurance policies), stored content-addressed in the data directory.

A file's name is the SHA-256 of its bytes, so the same upload is stored once and a stored file can
be checked against the hash the database keeps. The type is read from the bytes, not the filename.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from litestar.exceptions import ServiceUnavailableException

from dcops.errors import NotFound, ValidationFailed

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a name has no lines: CR and LF would split the header
MAX_BYTES = 8 * 1024 * 1024  # stays under Litestar's default 10 MB request body limit

# Magic numbers of the types a policy may come as: PDF, or a photo or scan of it.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


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
    def __init__(self, root: Path) -> None:
        self.root = root / "documents"

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

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

    def put(self, content: bytes, field: str = "document") -> Stored:
        media = self.check(content, field)
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half a file, and two equal uploads end the same.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(content)
                os.chmod(tmp, 0o640)
                os.replace(tmp, path)
            except OSError as exc:
                Path(tmp).unlink(missing_ok=True)  # a failed write leaves nothing behind
                raise ServiceUnavailableException(
                    f"The document could not be stored ({exc.strerror}); try again."
                ) from exc
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return Stored(digest, media, len(content))

    def read(self, sha256: str) -> bytes:
        path = self._path(sha256)
        if not path.is_file():
            raise NotFound("document", sha256[:12])
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:
            raise NotFound("intact document", sha256[:12])
        return content
