"""The text of a maintenance notice to one affected customer, in its language: the announcement (R4, Art. 18.3),
a change of an announced maintenance, or its cancellation. `render` is pure: facts in, (subject, body) out; the
outbox sends it. `facts_for` gathers the facts from the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dcops.customers.models import Customer
from dcops.i18n import N_, _, moment, use
from dcops.maintenance.models import AffectedCustomer, ChangeKind, Impact, Maintenance, MaintenanceChange, place
from dcops.notices.kinds import MessageKind
from dcops.notices.outbox import enqueue
from dcops.vocabulary import word

IMPACT_MEANS = {
    Impact.none: N_("No interruption of your services is expected."),
    Impact.reduced: N_("Your services may be slower or partly unavailable during the work."),
    Impact.outage: N_("Your services will be unavailable during the work."),
}
FIELD_NAMES = {
    "starts_at": N_("Starts at"),
    "ends_at": N_("Ends at"),
    "impact": N_("Expected impact"),
    "scope": N_("Where"),
}


@dataclass(frozen=True)
class NoticeFacts:
    kind: ChangeKind
    reference: int  # the maintenance's number, in the subject
    title: str
    description: str
    place: str  # where the work is, as a whole
    starts_at: datetime
    ends_at: datetime
    impact: Impact
    customer: str
    hardware: tuple[str, ...] = ()  # that customer's hardware there: "hh-web-01 (A01 U10)"
    racks: tuple[str, ...] = ()  # private racks let to it there
    emergency_reason: str | None = None
    started_at: datetime | None = None  # emergency work begun before this notice
    announced_at: datetime | None = None  # the announcement a change or cancellation refers to
    changes: dict[str, Any] = field(default_factory=dict)  # MaintenanceChange.changes


def _value(name: str, value: Any, tz: ZoneInfo) -> str:
    if name in ("starts_at", "ends_at") and isinstance(value, str):
        return moment(datetime.fromisoformat(value), tz)
    if name == "impact":
        return word(value)
    if name == "scope" and isinstance(value, list) and len(value) == 2:
        return f"{word(value[0])} {value[1]}"
    return str(value)


def _where(f: NoticeFacts) -> list[str]:
    lines = []
    if f.hardware:
        lines.append(_("Your hardware there: %(hardware)s", hardware=", ".join(f.hardware)))
    if f.racks:
        lines.append(_("Your private racks there: %(racks)s", racks=", ".join(f.racks)))
    return lines


def _emergency(f: NoticeFacts, tz: ZoneInfo) -> list[str]:
    if not f.emergency_reason:
        return [_("We announce planned maintenance at least two working days ahead (Art. 18.3, rule R4).")]
    lines = [
        _(
            "This is emergency maintenance: %(reason)s. Emergency maintenance may be carried out at any time, also "
            "before it is announced (Art. 18.3, rule R4).",
            reason=f.emergency_reason,
        )
    ]
    if f.started_at is not None:
        lines.append(_("The work started on %(moment)s.", moment=moment(f.started_at, tz)))
    return lines


def render(f: NoticeFacts, language: str, tz: ZoneInfo) -> tuple[str, str]:
    """(subject, body) of the notice to `f.customer`, in `language`."""
    with use(language):
        when = _("from %(start)s until %(end)s", start=moment(f.starts_at, tz), end=moment(f.ends_at, tz))
        if f.kind is ChangeKind.cancelled:
            subject = _("Maintenance cancelled: %(title)s (#%(n)s)", title=f.title, n=f.reference)
            body = [
                _(
                    "The maintenance we announced on %(announced)s, %(when)s, is cancelled.",
                    announced=moment(f.announced_at, tz),
                    when=when,
                )
            ]
            if reason := f.changes.get("reason"):
                body.append(_("Reason: %(reason)s", reason=reason))
            body += ["", _("What: %(title)s", title=f.title), _("Where: %(place)s", place=f.place), *_where(f)]
        else:
            if f.kind is ChangeKind.changed:
                subject = _("Maintenance changed: %(title)s (#%(n)s)", title=f.title, n=f.reference)
                intro = [
                    _(
                        "The maintenance we announced on %(announced)s has changed:",
                        announced=moment(f.announced_at, tz),
                    )
                ]
                for name, (before, after) in f.changes.items():
                    if name in FIELD_NAMES:
                        intro.append(
                            f"- {_(FIELD_NAMES[name])}: {_value(name, before, tz)} → {_value(name, after, tz)}"
                        )
            else:
                subject = _(
                    "Maintenance %(start)s: %(title)s (#%(n)s)",
                    start=moment(f.starts_at, tz),
                    title=f.title,
                    n=f.reference,
                )
                intro = [_("We announce maintenance that affects your services with us.")]
            body = [
                *intro,
                "",
                _("What: %(title)s", title=f.title),
                f.description,
                _("Where: %(place)s", place=f.place),
                *_where(f),
                _("When: %(when)s (%(zone)s)", when=when, zone=tz.key),
                _("Expected impact: %(impact)s. %(means)s", impact=word(f.impact), means=_(IMPACT_MEANS[f.impact])),
                "",
                *_emergency(f, tz),
            ]
        greeting = _("Dear %(customer)s,", customer=f.customer)
        closing = _("Kind regards,\nthe datacenter team")
        return subject, "\n".join([greeting, "", *body, "", closing]) + "\n"


def _hardware_text(item: dict[str, Any]) -> str:
    if item.get("rack"):
        return f"{item['name']} ({item['rack']} U{item['position']})"
    return str(item["name"])


def facts_for(
    m: Maintenance, change: MaintenanceChange, customer: Customer, affected: AffectedCustomer | None = None
) -> NoticeFacts:
    """The facts of the notice `change` asks for, to `customer` (one of `change.customer_ids`): with its hardware and
    racks in the scope as they were when they were computed (`affected`; by default its row on the maintenance),
    none when a change of scope left it out."""
    if affected is None:
        affected = next((a for a in m.affected if a.customer_id == customer.id), None)
    return NoticeFacts(
        kind=change.kind,
        reference=m.id,
        title=m.title,
        description=m.description,
        place=place(m, limit=None),
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        impact=m.impact,
        customer=customer.name,
        hardware=tuple(_hardware_text(h) for h in affected.hardware) if affected else (),
        racks=tuple(affected.racks) if affected else (),
        emergency_reason=m.emergency_reason if m.emergency else None,
        started_at=m.started_at if m.emergency and m.started_at and m.started_at <= change.at else None,
        announced_at=m.announced_at,
        changes=dict(change.changes),
    )


KIND = {
    ChangeKind.announced: MessageKind.maintenance_announced,
    ChangeKind.changed: MessageKind.maintenance_changed,
    ChangeKind.cancelled: MessageKind.maintenance_cancelled,
}


def enqueue_for(db: Session, m: Maintenance, change: MaintenanceChange, actor: str, tz: ZoneInfo) -> int:
    """R4: the notice `change` asks for to each customer it names, in that customer's language, to its technical
    contacts, in the transaction that records the change; how many were written."""
    customers = db.scalars(select(Customer).where(Customer.id.in_(change.customer_ids)).order_by(Customer.id)).all()
    for customer in customers:
        subject, body = render(facts_for(m, change, customer), customer.language, tz)
        enqueue(
            db,
            kind=KIND[change.kind],
            customer=customer,
            rule="R4",
            subject=subject,
            body=body,
            related=("maintenance", m.id),
            actor=actor,
            now=change.at,
        )
    return len(customers)
