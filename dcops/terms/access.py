"""Access to the server room (Art. 11.3, 12.3, 13.1, 13.7; rules D2, K2, A1, A2, A7).

Two moments ask these questions: an account manager approving a visit (`may_approve`), and security
at the door scanning a pass (`dcops.terms.door.door_verdict`), which asks them again, live, because a pass that
was valid when printed can stop being so (a customer put in default, a permission revoked).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from dcops.i18n import _, day
from dcops.terms.standing import Standing
from dcops.terms.verdict import Reason, Verdict
from dcops.terms.written import in_force

MAX_VISIT_DAYS = 14


class Purpose(StrEnum):
    """What a visit is for. D2/K2: access only where it is needed for installing or maintaining the
    customer's own hardware; moving it (K5) or taking it out is work on that hardware too."""

    install = "install"
    maintain = "maintain"
    move = "move"
    remove = "remove"
    other = "other"


HARDWARE_WORK = frozenset({Purpose.install, Purpose.maintain, Purpose.move, Purpose.remove})


@dataclass(frozen=True)
class Responsibility:
    """A contract of the customer, as far as access goes: does it make the customer install or maintain
    hardware, and in which rooms: where that hardware is, is booked (a private rack let to the customer) or
    is planned to go (a planned rack, the target of a move the customer carries out itself, K5)."""

    colocation: bool
    maintains: bool
    rooms: frozenset[str]
    contract_id: int = 0


@dataclass(frozen=True)
class Permission:
    """A written third-party access permission for one person (A2)."""

    valid_from: date
    valid_until: date
    revoked: bool
    rooms: frozenset[str]

    def covers(self, rooms: frozenset[str], first: date, last: date) -> bool:
        return (
            rooms <= self.rooms
            and in_force(self.valid_from, self.valid_until, self.revoked, first)
            and in_force(self.valid_from, self.valid_until, self.revoked, last)
        )


@dataclass(frozen=True)
class Visitor:
    label: str  # how a reason names the person; the door shows names beside the reasons, not in them
    active: bool
    competent: bool
    third_party: bool
    permissions: tuple[Permission, ...] = ()


@dataclass(frozen=True)
class VisitFacts:
    customer: str
    consumer: bool
    standing: Standing
    rooms: frozenset[str]
    first_day: date
    last_day: date
    visitors: tuple[Visitor, ...]
    contracts: tuple[Responsibility, ...] = field(default_factory=tuple)
    purpose: Purpose = Purpose.maintain


def contracts_concerned(contracts: tuple[Responsibility, ...], rooms: frozenset[str]) -> frozenset[int]:
    """The contracts a visit to `rooms` is needed for: those making the customer maintain hardware there.
    A breach under another contract does not bar this visit (S6)."""
    return frozenset(c.contract_id for c in contracts if c.maintains and not c.rooms.isdisjoint(rooms))


def _responsibility(facts: VisitFacts) -> Verdict:
    """D2/K2: access only where a contract explicitly makes the customer install or maintain hardware, and
    only when the visit is needed for that ("toegang noodzakelijk in licht daarvan")."""
    colocation = any(c.colocation for c in facts.contracts) or not facts.contracts
    rule, article = ("K2", "12.3") if colocation else ("D2", "11.3")
    reasons = []
    if facts.purpose not in HARDWARE_WORK:
        reasons.append(
            Reason(
                rule,
                article,
                _(
                    "Access is given only when it is needed to install or maintain the customer's own hardware; "
                    "this visit is for something else"
                ),
            )
        )
    covered = frozenset().union(*(c.rooms for c in facts.contracts if c.maintains))
    missing = sorted(facts.rooms - covered)
    if missing:
        reasons.append(
            Reason(
                rule,
                article,
                _(
                    "No contract makes %(customer)s responsible for installing or maintaining hardware in %(rooms)s",
                    customer=facts.customer,
                    rooms=", ".join(missing),
                ),
            )
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()


def competence(visitor: Visitor) -> Verdict:
    """A1: visitors are registered, active people of the customer, confirmed competent."""
    if not visitor.active:
        return Verdict.deny(
            Reason("A1", "13.1", _("%(person)s is no longer registered as active", person=visitor.label))
        )
    if not visitor.competent:
        return Verdict.deny(
            Reason("A1", "13.1", _("%(person)s has not been confirmed competent", person=visitor.label))
        )
    return Verdict.allow()


def third_party(visitor: Visitor, rooms: frozenset[str], first: date, last: date) -> Verdict:
    """A2: a third party needs the supplier's written permission for that person, the days and the rooms."""
    if not visitor.third_party or any(p.covers(rooms, first, last) for p in visitor.permissions):
        return Verdict.allow()
    span = day(first) if first == last else _("%(first)s to %(last)s", first=day(first), last=day(last))
    message = _(
        "%(person)s is a third party without written permission for %(rooms)s on %(days)s",
        person=visitor.label,
        rooms=", ".join(sorted(rooms)),
        days=span,
    )
    return Verdict.deny(Reason("A2", "13.1", message))


def customer_blocks(
    customer: str, consumer: bool, standing: Standing, contracts: Collection[int] | None = None
) -> Verdict:
    """A7: access is denied while the customer fails (S6) under a contract the visit is for (`contracts`; None
    when unknown: any); a consumer only while it is in default (verzuim: payment default, S3, or a breach whose
    notice of default expired)."""
    if consumer:
        if not standing.in_default:
            return Verdict.allow()
        contracts, default = None, True
    else:
        if not standing.fails_under(contracts):
            return Verdict.allow()
        default = standing.in_default_under(contracts)
    # In default: since its default began (a breach may have made it fail earlier: that day is not the default's).
    since = standing.since_under(contracts, default=default)
    if default:
        message = (
            _("%(customer)s is in default since %(day)s: access is denied", customer=customer, day=day(since))
            if since
            else _("%(customer)s is in default: access is denied", customer=customer)
        )
    else:
        message = (
            _(
                "%(customer)s fails to perform (an open breach) since %(day)s: access is denied",
                customer=customer,
                day=day(since),
            )
            if since
            else _("%(customer)s fails to perform (an open breach): access is denied", customer=customer)
        )
    return Verdict.deny(Reason("A7", "13.7", message))


def may_log_inspection(inspected_at: datetime, now: datetime) -> Verdict:
    """A5, Art. 13.5: the supplier may enter the server room at any time to inspect; an inspection is logged once
    it took place (a log is evidence, R1), not ahead of it."""
    if inspected_at > now:
        return Verdict.deny(Reason("A5", "13.5", _("An inspection is logged once it took place, not ahead")))
    return Verdict.allow()


def visit_window(starts_at: datetime, ends_at: datetime) -> dict[str, str]:
    """A visit is one stretch of at most 14 days; longer work needs a new visit. Field errors, or none."""
    if ends_at <= starts_at:
        return {"ends_at": _("The visit must end after it starts")}
    if (ends_at - starts_at).total_seconds() > MAX_VISIT_DAYS * 86400:
        return {"ends_at": _("A visit lasts at most %(n)s days; plan a new visit for the rest", n=MAX_VISIT_DAYS)}
    return {}


@dataclass(frozen=True)
class Approval:
    """The terms' answer to an approval: `blocking` must be fixed, `overridable` (A7 alone) may be
    overridden by an account manager with a written reason: the supplier is entitled, not obliged, to deny."""

    blocking: Verdict
    overridable: Verdict

    def verdict(self, override: bool) -> Verdict:
        return self.blocking if override else Verdict.combine(self.blocking, self.overridable)


def may_approve(facts: VisitFacts) -> Approval:
    checks = [_responsibility(facts)]
    for v in facts.visitors:
        checks += [competence(v), third_party(v, facts.rooms, facts.first_day, facts.last_day)]
    concerned = contracts_concerned(facts.contracts, facts.rooms) or None
    return Approval(
        Verdict.combine(*checks), customer_blocks(facts.customer, facts.consumer, facts.standing, concerned)
    )
