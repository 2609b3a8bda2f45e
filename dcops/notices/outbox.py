"""The outbox: a written notice is enqueued in the transaction of the record it is about, in the customer's language,
to the customer's contacts for its kind, and stays until the mail server accepted it (dcops.notices.sender).

What another part of dcops needs to send a notice:

    with outbox.speaking(customer):              # the customer's language, whatever the staff member reads
        subject = _("...")
        body = _("...")
    outbox.enqueue(db, kind=MessageKind.maintenance_announced, customer=customer, rule="R4", subject=subject,
                   body=body, related=("maintenance", m.id), actor=actor)

Enqueueing and every delivery (or failed attempt) are audited with the recipients and the content hash: the written
proof that the notice was given (R2, Art. 31.5).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from dcops import audit, i18n
from dcops.clock import zone
from dcops.customers.models import Contact, Customer
from dcops.db import utcnow
from dcops.errors import Conflict
from dcops.i18n import N_, _, moment
from dcops.notices import site
from dcops.notices.content import content_hash
from dcops.notices.kinds import ROLE, MessageKind
from dcops.notices.models import MessageStatus, OutboxAttachment, OutboxMessage
from dcops.notices.smtp import Attachment
from dcops.vocabulary import word

OBJECT = "outbox message"  # the audit log's object type
# Kept in English (last_error) and shown in the reader's language.
NO_RECIPIENT = N_("No contact of the customer has the role this message goes to")


@contextmanager
def speaking(customer: Customer) -> Iterator[None]:
    """Write a message in the customer's language."""
    with i18n.use(customer.language):
        yield


def recipients(db: Session, customer_id: int, kind: MessageKind) -> list[dict[str, str]]:
    """Every contact of the customer with the kind's role (dcops.notices.kinds.ROLE); none falls back to another."""
    role = ROLE[kind]
    contacts = db.scalars(
        select(Contact)
        .where(Contact.customer_id == customer_id, getattr(Contact, role.value).is_(True))
        .order_by(Contact.name, Contact.id)
    )
    return [{"name": c.name, "email": c.email} for c in contacts]


def _message_id() -> str:
    return make_msgid("dcops", domain=urlsplit(site.current().base_url).hostname or "dcops.invalid")


def enqueue(
    db: Session,
    *,
    kind: MessageKind,
    customer: Customer,
    rule: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    related: tuple[str, int] | None = None,
    actor: str,
    now: datetime | None = None,
) -> OutboxMessage:
    """Put a message in the outbox, in the caller's transaction. Without a contact for its kind it is kept as
    failed (nobody to send it to): it is retried by hand once a contact has been added. `now`: when it was written,
    if not now (a decision recorded as of another time)."""
    now = now or utcnow()
    to = recipients(db, customer.id, kind)
    msg = OutboxMessage(
        kind=kind,
        rule=rule,
        customer_id=customer.id,
        recipients=to,
        language=customer.language,
        subject=" ".join(subject.split())[:300],
        body=body,
        related_type=related[0] if related else None,
        related_id=related[1] if related else None,
        message_id=_message_id(),
        created_by=actor,
        created_at=now,
        status=MessageStatus.waiting if to else MessageStatus.failed,
        next_attempt_at=min(now, utcnow()) if to else None,  # due at once, also when written as of later
        last_error=None if to else NO_RECIPIENT,
        attempts=0,
    )
    msg.attachments = [
        OutboxAttachment(position=n, filename=a.filename, content_type=a.content_type, content=a.content)
        for n, a in enumerate(attachments, start=1)
    ]
    msg.content_hash = content_hash(msg.facts())
    db.add(msg)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="enqueue message",
        object_type=OBJECT,
        object_id=msg.id,
        extra={
            "kind": kind,
            "rule": rule,
            "customer_id": customer.id,
            "recipients": msg.addresses,
            "language": msg.language,
            "message_id": msg.message_id,
            "content_hash": msg.content_hash,
            "related": [msg.related_type, msg.related_id],
            "attachments": [a.filename for a in msg.attachments],
        },
    )
    return msg


def retry(db: Session, msg: OutboxMessage, actor: str, now: datetime | None = None) -> OutboxMessage:
    """Try a failed message again at once. One that had nobody to go to is addressed to the customer's contacts for
    its kind now (a new content hash, audited); still nobody is refused."""
    now = now or utcnow()
    if msg.status is MessageStatus.sent:
        raise Conflict(
            _("This message was sent on %(moment)s", moment=moment(msg.sent_at, zone(site.current().timezone)))
        )
    if msg.status is MessageStatus.waiting:
        raise Conflict(
            _(
                "This message waits already: next attempt %(moment)s",
                moment=moment(msg.next_attempt_at, zone(site.current().timezone)),
            )
        )
    extra: dict[str, Any] = {}
    if not msg.recipients:
        to = recipients(db, msg.customer_id, msg.kind)
        if not to:
            raise Conflict(
                _(
                    "%(customer)s has no contact with the %(role)s role: add one on the customer's page first",
                    customer=msg.customer.name,
                    role=word(ROLE[msg.kind]),
                )
            )
        msg.recipients = to
        msg.content_hash = content_hash(msg.facts())
        extra = {"recipients": msg.addresses, "content_hash": msg.content_hash}
    msg.status, msg.next_attempt_at, msg.claimed_until, msg.claim_token = MessageStatus.waiting, now, None, None
    db.flush()
    audit.record(db, actor=actor, action="retry message", object_type=OBJECT, object_id=msg.id, extra=extra or None)
    return msg


def message_query(
    status: MessageStatus | None = None, kind: MessageKind | None = None, customer_id: int | None = None
) -> Select[Any]:
    stmt = select(OutboxMessage).options(selectinload(OutboxMessage.customer)).order_by(OutboxMessage.id.desc())
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if customer_id is not None:
        stmt = stmt.where(OutboxMessage.customer_id == customer_id)
    return stmt


def about(db: Session, related_type: str, related_id: int) -> list[OutboxMessage]:
    """The messages about one record (a visit, a notice of default), oldest first."""
    stmt = select(OutboxMessage).where(
        OutboxMessage.related_type == related_type, OutboxMessage.related_id == related_id
    )
    return list(db.scalars(stmt.order_by(OutboxMessage.id)))
