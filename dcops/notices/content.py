"""The content hash of a message: the SHA-256 of everything the customer receives and who receives it, written
canonically (sorted keys, no spaces, UTF-8), with each attachment's bytes as their own SHA-256. Recorded in the
audit log when the message is written and when the server accepted it, so a stored message can be shown to be
the one sent (R2)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(facts: dict[str, Any]) -> str:
    """`facts`: OutboxMessage.facts(); attachments as (filename, content type, bytes)."""
    written = {
        **facts,
        "attachments": [
            {"filename": name, "content_type": kind, "sha256": hashlib.sha256(content).hexdigest()}
            for name, kind, content in facts["attachments"]
        ],
    }
    canonical = json.dumps(written, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
