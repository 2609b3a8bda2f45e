"""JSON API for the outbox: the written notices to customers, their attachments, and retrying a failed one."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Request, Response, Router
from litestar.params import FromPath, FromQuery

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.notices import outbox
from dcops.notices.content import content_hash
from dcops.notices.kinds import MessageKind
from dcops.notices.models import MessageStatus, OutboxMessage
from dcops.notices.pages import attachment
from dcops.web.helpers import actor
from dcops.web.resource import Page
from dcops.web.routes import Db, get, post

OUTBOX = {"perm": Perm.outbox}


class RecipientOut(msgspec.Struct):
    name: str
    email: str


class AttachmentOut(msgspec.Struct):
    position: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(msgspec.Struct):
    id: int
    kind: MessageKind
    rule: str
    customer_id: int
    recipients: list[RecipientOut]
    language: str
    subject: str
    body: str
    attachments: list[AttachmentOut]
    related_type: str | None
    related_id: int | None
    status: MessageStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    sender: str | None
    server_reply: str | None
    message_id: str
    content_hash: str
    intact: bool  # the stored message still matches its content hash


def message_out(m: OutboxMessage) -> MessageOut:
    return MessageOut(
        id=m.id,
        kind=m.kind,
        rule=m.rule,
        customer_id=m.customer_id,
        recipients=[RecipientOut(r["name"], r["email"]) for r in m.recipients],
        language=m.language,
        subject=m.subject,
        body=m.body,
        attachments=[
            AttachmentOut(
                a.position, a.filename, a.content_type, a.size, f"/api/outbox/{m.id}/attachments/{a.position}"
            )
            for a in m.attachments
        ],
        related_type=m.related_type,
        related_id=m.related_id,
        status=m.status,
        attempts=m.attempts,
        next_attempt_at=m.next_attempt_at,
        last_error=m.last_error,
        created_at=m.created_at,
        created_by=m.created_by,
        sent_at=m.sent_at,
        sender=m.sender,
        server_reply=m.server_reply,
        message_id=m.message_id,
        content_hash=m.content_hash,
        intact=content_hash(m.facts()) == m.content_hash,
    )


@get("/", name="api.outbox.list", opt=OUTBOX, description="Filters: status, kind, customer_id. Newest first.")
def list_messages(
    db: Db,
    status: FromQuery[MessageStatus | None] = None,
    kind: FromQuery[MessageKind | None] = None,
    customer_id: FromQuery[int | None] = None,
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page:
    page = crud.paginate(db, outbox.message_query(status, kind, customer_id), limit, offset)
    return Page([message_out(m) for m in page.items], page.total, page.limit, page.offset)


@get("/{message_id:int}", name="api.outbox.detail", opt=OUTBOX)
def message_detail(db: Db, message_id: FromPath[int]) -> MessageOut:
    return message_out(crud.get(db, OutboxMessage, message_id))


@get(
    "/{message_id:int}/attachments/{position:int}",
    name="api.outbox.attachment",
    opt=OUTBOX,
    media_type="application/octet-stream",
    description="The attachment's bytes, with its own content type.",
)
def message_attachment(db: Db, message_id: FromPath[int], position: FromPath[int]) -> Response[bytes]:
    return attachment(db, message_id, position)


@post(
    "/{message_id:int}/retry",
    name="api.outbox.retry",
    opt=OUTBOX,
    status_code=200,
    description="A failed message is tried again at once; one without recipients is first addressed to the "
    "customer's contacts for its kind. 409 when it was sent, waits already, or the customer has no such contact.",
)
def retry_message(request: Request, db: Db, message_id: FromPath[int]) -> MessageOut:
    return message_out(outbox.retry(db, crud.get(db, OutboxMessage, message_id), actor(request)))


ROUTERS = [
    Router(
        path="/api/outbox",
        route_handlers=[list_messages, message_detail, message_attachment, retry_message],
        tags=["outbox"],
    )
]
