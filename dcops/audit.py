"""The append-only, hash-chained audit log (Art. 31.3, rule R1).

Each event's hash covers its canonical JSON and the previous event's hash, so changing,
removing or reordering any stored event breaks the chain from that point on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, BigInteger, String, func, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from dcops.db import Base, utcnow
from dcops.terms.records import GENESIS, Event, event_hash, link_problem

# Arbitrary constant naming the chain's advisory lock on PostgreSQL.
_CHAIN_LOCK_KEY = 0x0DC0_A0D1


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The audit-relevant state of an object, for "before" and "after"."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


# R3: personal data stays out of the append-only log, which can never be erased. The log keeps that the
# field changed, not its value; the record itself is pseudonymised when the retention period ends.
PERSONAL = {"person": frozenset({"name", "email", "phone", "company", "id_document_last4"})}
THIRD_PARTY = frozenset({"covers"})
REDACTED = "(personal data, not logged)"


_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_LAST = select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
_INSERT = insert(AuditEvent)


def _redact(object_type: str, values: dict[str, Any] | None) -> dict[str, Any] | None:
    private = PERSONAL.get(object_type)
    if values is not None and object_type == "written permission" and values.get("kind") != "room_change":
        private = THIRD_PARTY  # a third party's permission names the person in its text
    if values is None or not private:
        return values
    return {k: (REDACTED if k in private and v is not None else v) for k, v in values.items()}


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append an event in the caller's transaction: it commits or rolls back with the change itself.
    Statements are built once and the row is inserted without the unit of work: this runs on every write."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders so two transactions never chain onto the same predecessor.
        session.execute(_CHAIN_LOCK, {"k": _CHAIN_LOCK_KEY})
    last = session.execute(_LAST).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    data: dict[str, Any] = {}
    before, after = _redact(object_type, before), _redact(object_type, after)
    if before is not None:
        data["before"] = _jsonable(before)
    if after is not None:
        data["after"] = _jsonable(after)
    if extra:
        data.update(_jsonable(extra))
    # Microsecond precision is what both databases keep, so the hash survives a round trip.
    at = utcnow()
    row = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "data": data,
        "prev_hash": prev,
        "hash": event_hash(seq, at, actor, action, object_type, str(object_id), data, prev),
    }
    session.execute(_INSERT, [row])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken: int | None = None
    problem: str = ""


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order; name the first event whose link or hash does not hold."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return ChainReport(True, checked)
        for ev in rows:
            fields = (ev.action, ev.object_type, ev.object_id, ev.data, ev.prev_hash, ev.hash)
            if problem := link_problem(Event(ev.seq, ev.at, ev.actor, *fields), expected_seq, prev):
                return ChainReport(False, checked, ev.seq, problem)
            prev, expected_seq, checked, last_seq = ev.hash, ev.seq + 1, checked + 1, ev.seq
            session.expunge(ev)


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
