"""Delivering the outbox by SMTP: claim what is due, hand each message to the server, and mark it sent only once the
server accepted it. Senders run in every app worker (and `dcops outbox send`), on as many hosts as there are: a claim
(`claim`) is won by one sender only for a message, and holds it for LEASE; a sender that died lets its messages go
when that ends.

A message is sent at least once and, unless a sender dies between the server's acceptance and recording it, exactly
once; it keeps its Message-ID on every attempt, so a receiver can tell a repeat.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from dcops import audit
from dcops.db import request_session, utcnow
from dcops.notices.addresses import SmtpTarget, check_sender, parse_smtp_url
from dcops.notices.content import content_hash
from dcops.notices.models import MessageStatus, OutboxMessage
from dcops.notices.outbox import OBJECT
from dcops.notices.smtp import (
    TIMEOUT,
    Accepted,
    Attachment,
    Outgoing,
    connect,
    describe,
    hand_over,
    mime,
    permanent,
)
from dcops.settings import Settings

log = logging.getLogger("dcops.outbox")
ACTOR = "outbox"  # who the audit log names for deliveries
LEASE = timedelta(minutes=5)  # a claim lasts this long: far longer than handing over a batch takes
BATCH = 20  # messages claimed and sent over one connection
MAX_ATTEMPTS = 10  # then a message stays failed until a person retries it
FIRST_WAIT, LONGEST_WAIT = timedelta(minutes=1), timedelta(hours=1)
TAMPERED = "the stored message no longer matches its content hash; not sent"


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 1, 2, 4, ... minutes, at most an hour (about 5 hours for all 10)."""
    return min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass(frozen=True)
class Mailer:
    """The server and the sender address (DCOPS_SMTP_URL, DCOPS_MAIL_FROM)."""

    target: SmtpTarget
    sender: str
    context: ssl.SSLContext | None = None  # None: the system's trusted certificates
    timeout: float = TIMEOUT

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer:
        return cls(parse_smtp_url(settings.smtp_url), settings.mail_from)


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # attempts that failed (waiting again, or given up)

    @property
    def claimed(self) -> int:
        return len(self.sent) + len(self.failed)


def _due(now: datetime) -> object:
    return and_(
        OutboxMessage.status == MessageStatus.waiting,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )


def claim(maker: sessionmaker[Session], now: datetime, limit: int = BATCH) -> tuple[str, list[int]]:
    """The messages due now, oldest first, this sender's until now + LEASE. In one transaction: pick them (on
    PostgreSQL FOR UPDATE SKIP LOCKED: rows another sender is claiming are passed over, not waited for; SQLite runs
    the whole transaction under its write lock), then an UPDATE that repeats the condition, so only a message still
    due is claimed. (A LIMITed subquery inside the UPDATE is no good on PostgreSQL: it may run once per row.)"""
    token = secrets.token_hex(16)
    pick = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with request_session(maker, write=True) as db:
        picked = list(db.scalars(pick))
        if not picked:
            return token, []
        stmt = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(picked), _due(now))
            .values(claimed_until=now + LEASE, claim_token=token)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        ids = sorted(db.scalars(stmt).all())
    return token, ids


def _load(maker: sessionmaker[Session], ids: list[int]) -> list[tuple[int, Outgoing | None]]:
    """The claimed messages as they go out; None for one whose content no longer matches its hash."""
    with maker() as db:
        stmt = select(OutboxMessage).where(OutboxMessage.id.in_(ids)).options(selectinload(OutboxMessage.attachments))
        loaded = []
        for m in db.scalars(stmt.order_by(OutboxMessage.id)):
            if content_hash(m.facts()) != m.content_hash:
                loaded.append((m.id, None))
                continue
            attachments = [Attachment(a.filename, a.content_type, a.content) for a in m.attachments]
            recipients = [(r["name"], r["email"]) for r in m.recipients]
            loaded.append(
                (m.id, Outgoing(recipients, m.subject, m.body, m.language, m.message_id, m.created_at, attachments))
            )
        db.rollback()
    return loaded


def _mine(message_id: int, token: str) -> object:
    return and_(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)


def _record_sent(
    maker: sessionmaker[Session], message_id: int, token: str, mailer: Mailer, accepted: Accepted, now: datetime
) -> bool:
    with request_session(maker, write=True) as db:
        refused = "; ".join(f"{r}: {reply}" for r, reply in accepted.refused.items()) or None
        done = db.execute(
            update(OutboxMessage)
            .where(_mine(message_id, token))
            .values(
                status=MessageStatus.sent,
                sent_at=now,
                sender=mailer.sender,
                server_reply=accepted.reply,
                attempts=OutboxMessage.attempts + 1,
                last_error=refused,
                next_attempt_at=None,
                claimed_until=None,
                claim_token=None,
            )
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:  # the claim ran out and another sender took it: it records its own attempt
            log.warning("outbox message %s was sent, but its claim had passed to another sender", message_id)
            return False
        msg = db.get(OutboxMessage, message_id)
        assert msg is not None
        audit.record(
            db,
            actor=ACTOR,
            action="send message",
            object_type=OBJECT,
            object_id=message_id,
            extra={
                "sender": mailer.sender,
                "recipients": [a for a in msg.addresses if a not in accepted.refused],
                "refused": accepted.refused,
                "sent_at": now,
                "message_id": msg.message_id,
                "content_hash": msg.content_hash,
                "server_reply": accepted.reply,
            },
        )
    return True


def _record_failure(
    maker: sessionmaker[Session], message_id: int, token: str, error: str, give_up: bool, now: datetime
) -> None:
    with request_session(maker, write=True) as db:
        msg = db.scalars(select(OutboxMessage).where(_mine(message_id, token))).first()
        if msg is None:
            return
        attempts = msg.attempts + 1
        gives_up = give_up or attempts >= MAX_ATTEMPTS
        msg.attempts, msg.last_error = attempts, error
        msg.claimed_until = msg.claim_token = None
        msg.status = MessageStatus.failed if gives_up else MessageStatus.waiting
        msg.next_attempt_at = None if gives_up else now + backoff(attempts)
        db.flush()
        audit.record(
            db,
            actor=ACTOR,
            action="message not delivered",
            object_type=OBJECT,
            object_id=message_id,
            extra={"attempts": attempts, "error": error, "next_attempt_at": msg.next_attempt_at, "gave_up": gives_up},
        )


def send_due(maker: sessionmaker[Session], mailer: Mailer, now: datetime | None = None, limit: int = BATCH) -> Report:
    """Deliver what is due now over one connection; every message ends sent, or waiting (with its backoff), or
    failed. Never raises for the mail server: its errors are the messages' last errors."""
    now = now or utcnow()
    report = Report()
    with maker() as db:
        if db.scalar(select(OutboxMessage.id).where(_due(now)).limit(1)) is None:
            return report  # nothing due: no write lock taken
    token, ids = claim(maker, now, limit)
    if not ids:
        return report
    loaded = _load(maker, ids)
    for message_id, outgoing in loaded:
        if outgoing is None:
            _record_failure(maker, message_id, token, TAMPERED, True, now)
            report.failed.append(message_id)
    waiting = [(i, o) for i, o in loaded if o is not None]
    if not waiting:
        return report
    envelope_from = check_sender(mailer.sender)
    try:
        smtp = connect(mailer.target, mailer.timeout, mailer.context)
    except (OSError, smtplib.SMTPException) as exc:
        for message_id, _ in waiting:
            _record_failure(maker, message_id, token, describe(exc), False, now)
            report.failed.append(message_id)
        return report
    try:
        for message_id, outgoing in waiting:
            assert outgoing is not None
            try:
                accepted = hand_over(
                    smtp, mime(outgoing, mailer.sender), envelope_from, [a for _, a in outgoing.recipients]
                )
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                _record_failure(maker, message_id, token, describe(exc), permanent(exc), now)
                report.failed.append(message_id)
                continue
            if _record_sent(maker, message_id, token, mailer, accepted, now):
                report.sent.append(message_id)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report
