"""The append-only, hash-chained audit log (Art. 31.3, rule R1).

Each event's hash covers its canonical JSON and the previous event's hash, so changing,
removing or reordering any stored event breaks the chain from that point on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, BigInteger, String, TextClause, bindparam, event, func, select, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column

from dcops.db import Base, UTCDateTime, utcnow
from dcops.prepared import Prepared
from dcops.terms.records import GENESIS, Event, canonical_head, link_problem

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


_PLAIN = frozenset({int, str, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values, and every id of an import's 100,000: as they are, asked first
        return value
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


def change_lines(data: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's data as people read it, one (field, text) line each: "name: Page → Renamed" for what changed,
    then what the event adds ("room: ZAAL-A")."""
    if not isinstance(data, dict):  # every event dcops records holds an object; the page shows whatever is stored
        return [("data", _shown(data))]
    before, after = (
        v if isinstance(v, dict) else {"value": v} for v in (data.get("before") or {}, data.get("after") or {})
    )
    lines = [(k, f"{_shown(before.get(k))} → {_shown(after.get(k))}") for k in dict.fromkeys([*before, *after])]
    if not before:  # a creation: its values, no arrows from nothing
        lines = [(k, _shown(v)) for k, v in after.items()]
    return lines + [(k, _shown(v)) for k, v in data.items() if k not in ("before", "after")]


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


# R3: personal data stays out of the append-only log, which can never be erased. The log keeps that the
# field changed, not its value; the record itself is pseudonymised when the retention period ends.
PERSONAL = {"person": frozenset({"name", "email", "phone", "company", "id_document_last4"})}
THIRD_PARTY = frozenset({"covers"})
REDACTED = "(personal data, not logged)"


def _redact(object_type: str, values: dict[str, Any] | None) -> dict[str, Any] | None:
    private = PERSONAL.get(object_type)
    if values is not None and object_type == "written permission" and values.get("kind") != "room_change":
        private = THIRD_PARTY  # a third party's permission names the person in its text
    if values is None or not private:
        return values
    return {k: (REDACTED if k in private and v is not None else v) for k, v in values.items()}


@dataclass(frozen=True)
class _Pending:
    values: dict[str, Any]
    recorded_in: SessionTransaction | None  # the savepoint it was recorded in: undone with it


PENDING = "dcops_audit_pending"


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
    """Record an event in the caller's transaction: it is appended to the chain when the transaction commits
    (or before anything reads the log), and is dropped with the savepoint or transaction that rolls back."""
    data: dict[str, Any] = {}
    before, after = _redact(object_type, before), _redact(object_type, after)
    if before is not None:
        data["before"] = _jsonable(before)
    if after is not None:
        data["after"] = _jsonable(after)
    if extra:
        data.update(_jsonable(extra))
    # Microsecond precision is what both databases keep, so the hash survives a round trip.
    at, object_id = utcnow(), str(object_id)
    values = {
        "at": at,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "head": canonical_head(at, actor, action, object_type, object_id, data),
        "genesis": GENESIS,
    }
    session.info.setdefault(PENDING, []).append(_Pending(values, session.get_nested_transaction()))


# The append is one statement that reads the chain's end and finishes the event's canonical text and hash in the
# database (`canonical` in dcops.terms.records, in SQL). On PostgreSQL appenders take turns on an advisory lock
# taken right before it, at commit: held for this statement and the commit, never while Python works.
_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def _append_statement(dialect: str) -> TextClause:
    text_ = "(:head || n.prev || '\",\"seq\":' || CAST(n.seq AS VARCHAR(20)) || '}')"
    sha256_hex = {
        "postgresql": f"encode(sha256(convert_to({text_}, 'UTF8')), 'hex')",
        "sqlite": f"dcops_sha256_hex({text_})",  # registered on every SQLite connection (dcops.db)
    }[dialect]
    sql = f"""
INSERT INTO audit_event (seq, at, actor, action, object_type, object_id, data, prev_hash, hash)
SELECT n.seq, :at, :actor, :action, :object_type, :object_id, :data, n.prev, {sha256_hex}
FROM (
    SELECT COALESCE(last.seq, 0) + 1 AS seq, COALESCE(last.hash, :genesis) AS prev
    FROM (SELECT 1 AS one) AS start
    LEFT JOIN (SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1) AS last ON 1 = 1
) AS n"""
    return text(sql).bindparams(bindparam("at", type_=UTCDateTime()), bindparam("data", type_=JSON()))


_APPEND = {name: Prepared(_append_statement(name)) for name in ("postgresql", "sqlite")}


def append_pending(session: Session) -> None:
    """Append the session's recorded events to the chain, in order, now."""
    pending: list[_Pending] = session.info.pop(PENDING, None) or []
    if not pending:
        return
    conn = session.connection()  # Core on the session's connection: nothing here needs the ORM
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(_CHAIN_LOCK, {"k": _CHAIN_LOCK_KEY})
    for event_ in pending:
        _APPEND[dialect].execute(conn, event_.values)


def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    pending: list[_Pending] = session.info.get(PENDING) or []
    if not pending:
        return
    if not rolled_back.nested:
        session.info.pop(PENDING, None)
        return
    kept = []
    for event_ in pending:
        trans = event_.recorded_in
        while trans is not None and trans is not rolled_back:
            trans = trans.parent
        if trans is None:
            kept.append(event_)
    session.info[PENDING] = kept


def _reads_the_log(state: ORMExecuteState) -> bool:
    """Cheap on purpose (it runs on every statement while events wait): the ORM entities a statement returns, or
    a text statement naming the table. Core statements over the table call `append_pending` themselves."""
    if isinstance(state.statement, TextClause):
        return "audit_event" in state.statement.text
    return any(mapper.class_ is AuditEvent for mapper in state.all_mappers)


@event.listens_for(Session, "before_commit")
def _append_at_commit(session: Session) -> None:
    if session.get_nested_transaction() is None:  # SQLAlchemy calls this for savepoints too: wait for the end
        append_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    _drop_rolled_back(session, previous_transaction)


@event.listens_for(Session, "do_orm_execute")
def _append_before_reading(state: ORMExecuteState) -> None:
    if state.session.info.get(PENDING) and _reads_the_log(state):
        append_pending(state.session)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken: int | None = None
    problem: str = ""


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order; name the first event whose link or hash does not hold."""
    append_pending(session)
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
    append_pending(session)
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
