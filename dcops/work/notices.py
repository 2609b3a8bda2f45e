"""The M1 estimate as a message to the customer, in the customer's language. Rendering only: the outbox sends it
(and keeps the proof of what was sent, R2).

`estimate_message(EstimateNotice.of(order), "nl")` -> (subject, body). Pure: it reads the facts it is given and
nothing else, so the same facts give the same message in every process."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dcops.i18n import _, money, use
from dcops.notices.kinds import MessageKind
from dcops.notices.models import OutboxMessage
from dcops.notices.outbox import enqueue
from dcops.terms.extra_work import RateSource, hours
from dcops.work.models import WorkOrder


@dataclass(frozen=True)
class EstimateNotice:
    reference: str  # MW-000012: what the customer quotes when it accepts
    customer: str
    contact: str | None
    description: str
    hardware: tuple[str, ...]
    minutes: int
    rate_cents: int
    rate_source: RateSource
    amount_cents: int
    note: str | None = None

    @classmethod
    def of(cls, order: WorkOrder) -> EstimateNotice:
        """The facts of an estimated order (its hardware and customer loaded)."""
        if order.estimate_minutes is None or order.rate_cents is None or order.rate_source is None:
            raise ValueError(f"work order {order.id} has no estimate to send")
        return cls(
            reference=order.reference,
            customer=order.customer.name,
            contact=_one_technical_contact(order),
            description=order.description,
            hardware=tuple(h.name for h in order.hardware),
            minutes=order.estimate_minutes,
            rate_cents=order.rate_cents,
            rate_source=order.rate_source,
            amount_cents=order.estimate_cents or 0,
            note=order.estimate_note,
        )


def _one_technical_contact(order: WorkOrder) -> str | None:
    """The estimate goes to the customer's technical contacts: one of them is greeted by name, several as the
    customer."""
    names = [c.name for c in order.customer.contacts if c.technical]
    return names[0] if len(names) == 1 else None


def enqueue_estimate(db: Session, order: WorkOrder, actor: str) -> OutboxMessage:
    """M1: the estimate to the customer's technical contacts, in its language, to accept in writing (R2)."""
    subject, body = estimate_message(EstimateNotice.of(order), order.customer.language)
    return enqueue(
        db,
        kind=MessageKind.extra_work_estimate,
        customer=order.customer,
        rule="M1",
        subject=subject,
        body=body,
        related=("work order", order.id),
        actor=actor,
    )


def estimate_message(notice: EstimateNotice, language: str, supplier: str = "") -> tuple[str, str]:
    """Subject and body of the estimate for the work the customer asked for (M1, Art. 15.2): what, which hardware,
    the hours, the rate and which one applied (15.3), the amount, and that the work starts only once the customer
    accepted the estimate in writing (R2, Art. 31.5), quoting its reference."""
    with use(language):
        short = notice.description if len(notice.description) <= 60 else notice.description[:57] + "..."
        subject = _("Estimate for extra work %(reference)s: %(what)s", reference=notice.reference, what=short)
        rate = (
            _("the rate agreed with you")
            if notice.rate_source is RateSource.agreed
            else _("our usual rate: no rate was agreed with you")
        )
        lines = [
            _("Dear %(name)s,", name=notice.contact or notice.customer),
            "",
            _("You asked us to carry out work outside our agreement (extra work, Art. 15 of our general terms):"),
            "",
            f"    {notice.description}",
        ]
        if notice.hardware:
            lines.append("    " + _("Hardware: %(names)s", names=", ".join(notice.hardware)))
        lines += [
            "",
            _(
                "Our estimate: %(hours)s hours at %(rate)s an hour (%(which)s), in all %(amount)s.",
                hours=hours(notice.minutes),
                rate=money(notice.rate_cents),
                which=rate,
                amount=money(notice.amount_cents),
            ),
        ]
        if notice.note:
            lines.append(notice.note)
        lines += [
            "",
            _(
                "We carry out this work only after you have accepted this estimate in writing (Art. 15.2 and 31.5 of "
                "our general terms, rules M1 and R2). To accept it, reply to this message or answer in the customer "
                "portal, quoting %(reference)s. Should the estimate change, we ask for your acceptance again.",
                reference=notice.reference,
            ),
            "",
            _("Kind regards,"),
            supplier or _("The datacenter team"),
        ]
        return subject, "\n".join(lines)
