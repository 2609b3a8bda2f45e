"""Records as evidence (Art. 31.3, rule R1): every decision and change is an event in a hash-chained, append-only
log. Evidence of the supplier's statements, open to counter-evidence, and never a ground against a consumer: so
no refusal cites 31.3; the log only has to show, at any time, whether it is intact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Event:
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    data: Any
    prev_hash: str
    hash: str


def event_hash(
    seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str, data: Any, prev_hash: str
) -> str:
    """R1: an event's hash covers its canonical JSON and its predecessor's hash, so changing, removing or reordering
    any stored event breaks the chain from that point on."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_problem(event: Event, expected_seq: int, prev_hash: str) -> str | None:
    """R1: why `event` does not continue the chain after `prev_hash` at `expected_seq`, or None when it does."""
    if event.seq != expected_seq:
        return f"event {expected_seq} is missing"
    if event.prev_hash != prev_hash:
        return "previous-hash link does not match"
    fields = (event.action, event.object_type, event.object_id, event.data, event.prev_hash)
    if event_hash(event.seq, event.at, event.actor, *fields) != event.hash:
        return "content does not match its hash"
    return None
