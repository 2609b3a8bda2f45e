"""The Outbox page: the written notices to customers, waiting, sent or failed; one message with its attachments,
attempts and content hash; "retry now" for a failed one. For admins and account managers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.customers.record_forms import customer_choices
from dcops.documents import content_disposition
from dcops.errors import Conflict, NotFound
from dcops.i18n import _
from dcops.notices import outbox
from dcops.notices.content import content_hash
from dcops.notices.kinds import ROLE, MessageKind
from dcops.notices.models import MessageStatus, OutboxAttachment, OutboxMessage
from dcops.web.forms import render
from dcops.web.helpers import actor, query_int
from dcops.web.routes import Db, get, post

OUTBOX = {"perm": Perm.outbox}
# Where the record a message is about is shown.
RELATED = {
    "default notice": "/customers/{customer_id}#notices",
    "policy request": "/policy-requests/{id}",
    "relocation": "/relocations/{id}",
    "visit": "/visits/{id}",
    "maintenance": "/maintenance/{id}",
    "work order": "/work/{id}",
}


def related_link(msg: OutboxMessage) -> str | None:
    pattern = RELATED.get(msg.related_type or "")
    return pattern.format(id=msg.related_id, customer_id=msg.customer_id) if pattern else None


def status_counts(db: Session) -> dict[str, int]:
    rows = db.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status.value: n for status, n in rows}


def attachment(db: Session, message_id: int, position: int) -> Response[bytes]:
    found = db.scalars(
        select(OutboxAttachment).where(OutboxAttachment.message_id == message_id, OutboxAttachment.position == position)
    ).first()
    if found is None:
        raise NotFound("outbox attachment", f"{message_id}/{position}")
    headers = {"Content-Disposition": content_disposition(found.filename), "Cache-Control": "private, no-store"}
    return Response(found.content, media_type=found.content_type, headers=headers)


def parse_filters(status: str, kind: str) -> tuple[MessageStatus | None, MessageKind | None]:
    return (
        MessageStatus(status) if status in MessageStatus.__members__ else None,
        MessageKind(kind) if kind in MessageKind.__members__ else None,
    )


class OutboxPages(Controller):
    path = "/outbox"

    @get("/", name="outbox", opt=OUTBOX)
    def index(
        self,
        request: Request,
        db: Db,
        status: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        customer_id: FromQuery[str] = "",
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> Template:
        chosen_status, chosen_kind = parse_filters(status, kind)
        stmt = outbox.message_query(chosen_status, chosen_kind, query_int(customer_id))
        return render(
            "notices/outbox.html",
            page=crud.screen_page(db, stmt, limit, offset),
            status=status,
            kind=kind,
            customer_id=customer_id,
            statuses=list(MessageStatus),
            kinds=list(MessageKind),
            customers=customer_choices(db),
            counts=status_counts(db),
            delivering=bool(request.app.state.settings.smtp_url),
        )

    @get("/{message_id:int}", name="outbox_message", opt=OUTBOX)
    def detail(self, request: Request, db: Db, message_id: FromPath[int]) -> Template:
        msg = crud.get(db, OutboxMessage, message_id)
        return render(
            "notices/message.html",
            msg=msg,
            intact=content_hash(msg.facts()) == msg.content_hash,
            role=ROLE[msg.kind],
            related=related_link(msg),
            delivering=bool(request.app.state.settings.smtp_url),
        )

    @get("/{message_id:int}/attachments/{position:int}", name="outbox_attachment", opt=OUTBOX)
    def attachment(self, db: Db, message_id: FromPath[int], position: FromPath[int]) -> Response[bytes]:
        return attachment(db, message_id, position)

    @post("/{message_id:int}/retry", name="outbox_retry", opt=OUTBOX)
    def retry(self, request: Request, db: Db, message_id: FromPath[int]) -> Any:
        msg = crud.get(db, OutboxMessage, message_id)
        try:
            outbox.retry(db, msg, actor(request))
            flash(request, _("The message is sent at the next attempt"), category="success")
        except Conflict as exc:
            flash(request, str(exc), category="error")
        return Redirect(f"/outbox/{message_id}")
