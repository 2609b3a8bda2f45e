"""The outbox: each written notice to a customer, kept until the mail server accepted it and after, as evidence (R2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, StrEnumType, utcnow
from dcops.notices.kinds import MessageKind

if TYPE_CHECKING:
    from dcops.customers.models import Customer


class MessageStatus(StrEnum):
    waiting = "waiting"  # for its next attempt (next_attempt_at)
    sent = "sent"  # the server accepted it (sent_at, server_reply)
    failed = "failed"  # given up, or no recipient: waits for a person to retry it


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(StrEnumType(MessageKind))
    rule: Mapped[str] = mapped_column(String(20))  # the rule the message serves, e.g. "S3"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    recipients: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"name", "email"}], the contacts at the time
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    related_type: Mapped[str | None] = mapped_column(String(40))  # the record it is about: "visit", 12
    related_id: Mapped[int | None] = mapped_column()
    message_id: Mapped[str] = mapped_column(String(300), unique=True)  # the same on every attempt
    content_hash: Mapped[str] = mapped_column(String(64))  # dcops.notices.content.content_hash
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[MessageStatus] = mapped_column(StrEnumType(MessageStatus), default=MessageStatus.waiting)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    # A sender's claim: until this time the message is that sender's (token) to deliver; then anyone's again.
    claimed_until: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column()
    sender: Mapped[str | None] = mapped_column(String(254))  # the From it went out with
    server_reply: Mapped[str | None] = mapped_column(Text)  # the server's answer accepting it

    customer: Mapped[Customer] = relationship()
    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.position", cascade="all, delete-orphan"
    )

    @property
    def addresses(self) -> list[str]:
        return [r["email"] for r in self.recipients]

    def facts(self) -> dict[str, Any]:
        """What the content hash covers (dcops.notices.content)."""
        return {
            "kind": self.kind.value,
            "rule": self.rule,
            "customer_id": self.customer_id,
            "recipients": self.recipients,
            "language": self.language,
            "subject": self.subject,
            "body": self.body,
            "message_id": self.message_id,
            "related": [self.related_type, self.related_id],
            "attachments": [(a.filename, a.content_type, a.content) for a in self.attachments],
        }


class OutboxAttachment(Base):
    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()  # 1, 2, ... in the message
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    @property
    def size(self) -> int:
        return len(self.content)
