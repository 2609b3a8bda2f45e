"""The written notices dcops sends for the records that call for one, each written in the customer's language
(whatever the language of the staff member recording it) and naming the rule it serves. Each is enqueued in the
transaction that records what it is about: the notice of default (S3), the request to move (K5), the request
for the insurance policy (K9), and a visit approved (with each person's pass) or refused (with the reasons).

A notice of default and a policy request are e-mailed when they are recorded as sent by e-mail today: one
recorded with an earlier day, or sent by letter, was given outside dcops and is not sent again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops import qr
from dcops.access.models import Visit, VisitPass, VisitStatus
from dcops.access.shown import window_text
from dcops.auth.models import User
from dcops.customers.models import Customer, CustomerKind, DefaultNotice, PolicyRequest
from dcops.i18n import _, day, money
from dcops.moves.models import Relocation
from dcops.notices import site
from dcops.notices.kinds import MessageKind
from dcops.notices.models import OutboxMessage
from dcops.notices.outbox import enqueue, speaking
from dcops.notices.smtp import Attachment
from dcops.racks.models import Rack
from dcops.terms import Reason
from dcops.terms.insurance import REQUEST_ANSWER_DAYS
from dcops.terms.relocation import customer_deadline
from dcops.terms.written import Channel


def _signer(db: Session, actor: str) -> str:
    user = db.scalars(select(User).where(User.username == actor)).first()
    return user.display_name if user is not None else _("Account management")


def _letter(db: Session, customer: Customer, paragraphs: Sequence[str], actor: str) -> str:
    """Salutation, paragraphs, closing: plain text, one blank line between paragraphs."""
    parts = [
        _("Dear %(customer)s,", customer=customer.name),
        *paragraphs,
        _("Kind regards,") + "\n" + _signer(db, actor),
    ]
    return "\n\n".join(parts) + "\n"


def _sent_today(channel: Channel, on: date, today: date) -> bool:
    return channel is Channel.email and on == today


# --- S3: notice of default ---------------------------------------------------------------------------


def notice_of_default(db: Session, notice: DefaultNotice, actor: str, today: date) -> OutboxMessage | None:
    """S3, Art. 23.6: the amount still open (or the breach) and the term, with the day it ends."""
    if not _sent_today(notice.channel, notice.sent_on, today):
        return None
    customer = notice.customer
    consumer = customer.kind is CustomerKind.consumer
    with speaking(customer):
        ends = day(notice.term_ends)
        if notice.invoice is not None:
            invoice = notice.invoice
            subject = _("Notice of default: invoice %(number)s", number=invoice.number)
            what = _(
                "Invoice %(number)s of %(issued)s, due on %(due)s, has not been paid in full: %(amount)s is still "
                "open.",
                number=invoice.number,
                issued=day(invoice.issue_date),
                due=day(invoice.due_date),
                amount=money(invoice.outstanding_cents, invoice.currency),
            )
            term = _(
                "We give you %(n)s days to pay it: the term runs from the day after this notice and ends on %(day)s.",
                n=notice.term_days,
                day=ends,
            )
            then = _("If it has not been paid by then, you are in default from %(day)s.", day=day(_after(notice)))
        else:
            breach = notice.breach
            assert breach is not None
            subject = _("Notice of default: breach of Art. %(article)s", article=breach.article)
            what = _(
                "On %(day)s you failed to comply with Art. %(article)s of the general terms: %(description)s",
                day=day(breach.occurred_on),
                article=breach.article,
                description=breach.description,
            )
            term = _(
                "We give you %(n)s days to remedy it: the term runs from the day after this notice and ends on "
                "%(day)s.",
                n=notice.term_days,
                day=ends,
            )
            then = _("If it has not been remedied by then, you are in default from %(day)s.", day=day(_after(notice)))
        rule = _("This is a notice of default under Art. 23.6 of the general terms (rule S3).")
        body = _letter(db, customer, [what, f"{term} {then}" if consumer else term, rule], actor)
    return enqueue(
        db,
        kind=MessageKind.notice_of_default,
        customer=customer,
        rule="S3",
        subject=subject,
        body=body,
        related=("default notice", notice.id),
        actor=actor,
    )


def _after(notice: DefaultNotice) -> date:
    return notice.term_ends + timedelta(days=1)


# --- K5: request to move -----------------------------------------------------------------------------


def _place(rack: Rack | None, position: int | None = None) -> str:
    if rack is None:
        return "—"
    where = f"{rack.room.site.code}/{rack.room.code}/{rack.name}"
    return f"{where} U{position}" if position else where


def move_request(db: Session, order: Relocation, actor: str) -> OutboxMessage:
    """K5, Art. 12.4: the hardware, where it goes, and the deadline 14 days after the request."""
    assert order.requested_on is not None
    customer = order.customer
    with speaking(customer):
        deadline = day(customer_deadline(order.requested_on))
        lines = [
            _(
                "- %(hardware)s (%(tag)s): from %(source)s to %(target)s",
                hardware=i.hardware.name,
                tag=i.hardware.asset_tag,
                source=_place(i.from_rack, i.from_position),
                target=_place(i.target_rack, i.target_position),
            )
            for i in order.items
        ]
        body = _letter(
            db,
            customer,
            [
                _("We ask you to move this hardware, which under your contract you maintain yourself:"),
                "\n".join(lines),
                _("The reason: %(reason)s", reason=order.reason),
                _(
                    "Under Art. 12.4 of the general terms (rule K5) you move it within 14 days of this request of "
                    "%(requested)s: at the latest on %(deadline)s. From the day after, hardware not moved is a breach "
                    "of the agreement.",
                    requested=day(order.requested_on),
                    deadline=deadline,
                ),
                _("Each party bears its own costs of the move (Art. 12.5, rule K7)."),
            ],
            actor,
        )
        subject = _("Request to move your hardware by %(day)s", day=deadline)
    return enqueue(
        db,
        kind=MessageKind.move_request,
        customer=customer,
        rule="K5",
        subject=subject,
        body=body,
        related=("relocation", order.id),
        actor=actor,
    )


# --- K9: request for the insurance policy -------------------------------------------------------------


def policy_request(db: Session, request: PolicyRequest, actor: str, today: date) -> OutboxMessage | None:
    """K9, Art. 12.8: provide the policy on the supplier's first request."""
    if not _sent_today(request.channel, request.requested_on, today):
        return None
    customer = request.customer
    with speaking(customer):
        paragraphs = [
            _(
                "Under Art. 12.8 of the general terms (rule K9) you insure your hardware in our datacenter, keep it "
                "insured, and provide the policy on our first request. We hereby ask you for your current insurance "
                "policy."
            ),
            _(
                "Please send it within %(n)s days, by %(day)s. We install new hardware of yours once a valid policy "
                "is on file.",
                n=REQUEST_ANSWER_DAYS,
                day=day(request.requested_on + timedelta(days=REQUEST_ANSWER_DAYS)),
            ),
        ]
        if request.note:
            paragraphs.append(request.note)
        body = _letter(db, customer, paragraphs, actor)
        subject = _("Request for your insurance policy")
    return enqueue(
        db,
        kind=MessageKind.policy_request,
        customer=customer,
        rule="K9",
        subject=subject,
        body=body,
        related=("policy request", request.id),
        actor=actor,
    )


# --- visits: approved with the passes, refused with the reasons -----------------------------------------


def _slug(name: str) -> str:
    """ "Jörg Müller" -> "jorg-muller": a file name any mail program keeps."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "pass"


def _visit_lines(visit: Visit, timezone: str) -> list[str]:
    return [
        _("Purpose: %(purpose)s", purpose=visit.purpose),
        _("When: %(window)s", window=window_text(visit.starts_at, visit.ends_at, timezone)),
        _("Rooms: %(rooms)s", rooms=", ".join(visit.room_codes)),
    ]


def visit_approved(
    db: Session, visit: Visit, passes: Sequence[VisitPass], actor: str, now: datetime | None = None
) -> OutboxMessage:
    """A1/A2, Art. 13.1: each registered person's pass, as a PNG of its QR code, and its printable page."""
    customer, here = visit.customer, site.current()
    with speaking(customer):
        details = _visit_lines(visit, here.timezone)
        if visit.escort_required:
            details.append(_("Escort required: a member of our staff accompanies the visitors."))
        links = [_("- %(person)s: %(link)s", person=p.person.name, link=here.link(f"/passes/{p.id}")) for p in passes]
        body = _letter(
            db,
            customer,
            [
                _("Your visit has been approved."),
                "\n".join(details),
                _(
                    "Each person's visit pass is attached as a picture of its QR code, shown at the door on a phone "
                    "or on paper together with an identity document. The passes to print:"
                ),
                "\n".join(links),
                _(
                    "A pass is personal and valid only for the rooms and the time of this visit (Art. 13.1 of the "
                    "general terms, rules A1 and A2)."
                ),
            ],
            actor,
        )
        subject = _("Visit approved: %(window)s", window=window_text(visit.starts_at, visit.ends_at, here.timezone))
    attachments = [Attachment(f"pass-{p.id}-{_slug(p.person.name)}.png", "image/png", qr.png(p.code)) for p in passes]
    return enqueue(
        db,
        kind=MessageKind.visit_approved,
        customer=customer,
        rule="A1",
        subject=subject,
        body=body,
        attachments=attachments,
        related=("visit", visit.id),
        actor=actor,
        now=now,
    )


def visit_cancelled(db: Session, visit: Visit, was: VisitStatus, actor: str) -> OutboxMessage:
    """A1: a visit cancelled (`was` its status before): the passes sent for it no longer open the door."""
    customer, here = visit.customer, site.current()
    with speaking(customer):
        approved = was is not VisitStatus.requested  # its passes were sent with the approval
        cancelled = (
            _("This visit has been cancelled:") if approved else _("Your request for this visit has been cancelled:")
        )
        paragraphs = [cancelled, "\n".join(_visit_lines(visit, here.timezone))]
        if approved:
            paragraphs.append(_("The visit passes sent for it no longer open the door (rule A1)."))
        body = _letter(db, customer, paragraphs, actor)
        subject = _("Visit cancelled: %(window)s", window=window_text(visit.starts_at, visit.ends_at, here.timezone))
    return enqueue(
        db,
        kind=MessageKind.visit_cancelled,
        customer=customer,
        rule="A1",
        subject=subject,
        body=body,
        related=("visit", visit.id),
        actor=actor,
    )


def pass_reissued(db: Session, new: VisitPass, actor: str) -> OutboxMessage:
    """A1: a person's pass reprinted. The one sent with the approval stops working at once, so the new one is sent
    too: a visitor with only the first on their phone would otherwise be refused at the door."""
    visit, customer, here = new.visit, new.visit.customer, site.current()
    with speaking(customer):
        body = _letter(
            db,
            customer,
            [
                _("%(person)s has a new visit pass for this visit:", person=new.person.name),
                "\n".join(_visit_lines(visit, here.timezone)),
                _(
                    "The new pass is attached as a picture of its QR code; to print: %(link)s. The pass sent "
                    "before no longer opens the door (rule A1).",
                    link=here.link(f"/passes/{new.id}"),
                ),
            ],
            actor,
        )
        subject = _("New visit pass for %(person)s", person=new.person.name)
    return enqueue(
        db,
        kind=MessageKind.pass_reissued,
        customer=customer,
        rule="A1",
        subject=subject,
        body=body,
        attachments=[Attachment(f"pass-{new.id}-{_slug(new.person.name)}.png", "image/png", qr.png(new.code))],
        related=("visit", visit.id),
        actor=actor,
    )


def visit_refused(
    db: Session, visit: Visit, note: str, reasons: Callable[[], Sequence[Reason]], actor: str
) -> OutboxMessage:
    """The reason the account manager gave, and each rule of the terms the visit does not meet (`reasons`, called
    in the customer's language)."""
    customer, here = visit.customer, site.current()
    with speaking(customer):
        found = list(reasons())
        paragraphs = [
            _("Your request for this visit has not been approved:"),
            "\n".join(_visit_lines(visit, here.timezone)),
            _("The reason: %(note)s", note=note),
        ]
        if found:
            paragraphs.append("\n".join([_("Under the general terms:"), *(f"- {reason}" for reason in found)]))
        body = _letter(db, customer, paragraphs, actor)
        subject = _("Visit not approved: %(window)s", window=window_text(visit.starts_at, visit.ends_at, here.timezone))
    rules = ", ".join(dict.fromkeys(r.rule for r in found))
    return enqueue(
        db,
        kind=MessageKind.visit_refused,
        customer=customer,
        rule=rules[:20] or "A1",
        subject=subject,
        body=body,
        related=("visit", visit.id),
        actor=actor,
    )
