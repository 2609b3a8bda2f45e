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
    return hashlib.sha256(
        canonical(canonical_head(at, actor, action, object_type, object_id, data), prev_hash, seq).encode()
    ).hexdigest()


# The canonical JSON has sorted keys, so the two that link an event to the chain, "prev_hash" and "seq", come
# last: everything before them (the head) is known when the event is recorded, and the database finishes the
# text when it appends the event (dcops.audit), without the application holding the chain in between.
_TAIL = '"prev_hash":"","seq":0}'


def canonical_head(at: datetime, actor: str, action: str, object_type: str, object_id: str, data: Any) -> str:
    text = json.dumps(
        {
            "seq": 0,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
            "prev_hash": "",
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return text[: -len(_TAIL)] + '"prev_hash":"'


def canonical(head: str, prev_hash: str, seq: int) -> str:
    """The whole canonical JSON of an event: its head, its predecessor's hash, its place in the chain."""
    return f'{head}{prev_hash}","seq":{seq}}}'


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
