"""Access to the server room (Art. 11.3, 12.3, 13.1, 13.7; rules D2, K2, A1, A2, A7).

Two moments ask these questions: an account manager approving a visit (`may_approve`), and security
at the door scanning a pass (`door_verdict`), which asks them again, live, because a pass that was
valid when printed can stop being so (a customer put in default, a permission revoked).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from dcops.terms.lien import may_leave
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
                "Access is given only when it is needed to install or maintain the customer's own hardware; "
                "this visit is for something else",
            )
        )
    covered = frozenset().union(*(c.rooms for c in facts.contracts if c.maintains))
    missing = sorted(facts.rooms - covered)
    if missing:
        reasons.append(
            Reason(
                rule,
                article,
                f"No contract makes {facts.customer} responsible for installing or maintaining hardware in "
                f"{', '.join(missing)}",
            )
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()


def _competence(visitor: Visitor) -> Verdict:
    """A1: visitors are registered, active people of the customer, confirmed competent."""
    if not visitor.active:
        return Verdict.deny(Reason("A1", "13.1", f"{visitor.label} is no longer registered as active"))
    if not visitor.competent:
        return Verdict.deny(Reason("A1", "13.1", f"{visitor.label} has not been confirmed competent"))
    return Verdict.allow()


def _third_party(visitor: Visitor, rooms: frozenset[str], first: date, last: date) -> Verdict:
    """A2: a third party needs the supplier's written permission for that person, the days and the rooms."""
    if not visitor.third_party or any(p.covers(rooms, first, last) for p in visitor.permissions):
        return Verdict.allow()
    span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    return Verdict.deny(
        Reason(
            "A2",
            "13.1",
            f"{visitor.label} is a third party without written permission for {', '.join(sorted(rooms))} on {span}",
        )
    )


def customer_blocks(
    customer: str, consumer: bool, standing: Standing, contracts: Collection[int] | None = None
) -> Verdict:
    """A7: access is denied while the customer fails (S6) under a contract the visit is for (`contracts`; None
    when unknown: any); a consumer only while it is in default (verzuim: payment default, S3, or a breach whose
    notice of default expired)."""
    if consumer:
        if not standing.in_default:
            return Verdict.allow()
        since = standing.since_under(None)
        why = "is in default"
    else:
        if not standing.fails_under(contracts):
            return Verdict.allow()
        since = standing.since_under(contracts)
        why = "is in default" if standing.in_default else "fails to perform (an open breach)"
    when = f" since {since.isoformat()}" if since else ""
    return Verdict.deny(Reason("A7", "13.7", f"{customer} {why}{when}: access is denied"))


def may_log_inspection(inspected_at: datetime, now: datetime) -> Verdict:
    """A5, Art. 13.5: the supplier may enter the server room at any time to inspect; an inspection is logged once
    it took place (a log is evidence, R1), not ahead of it."""
    if inspected_at > now:
        return Verdict.deny(Reason("A5", "13.5", "An inspection is logged once it took place, not ahead"))
    return Verdict.allow()


def visit_window(starts_at: datetime, ends_at: datetime) -> dict[str, str]:
    """A visit is one stretch of at most 14 days; longer work needs a new visit. Field errors, or none."""
    if ends_at <= starts_at:
        return {"ends_at": "The visit must end after it starts"}
    if (ends_at - starts_at).total_seconds() > MAX_VISIT_DAYS * 86400:
        return {"ends_at": f"A visit lasts at most {MAX_VISIT_DAYS} days; plan a new visit for the rest"}
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
        checks += [_competence(v), _third_party(v, facts.rooms, facts.first_day, facts.last_day)]
    concerned = contracts_concerned(facts.contracts, facts.rooms) or None
    return Approval(
        Verdict.combine(*checks), customer_blocks(facts.customer, facts.consumer, facts.standing, concerned)
    )


# --- the door: the same questions, live, in the order security reads them ------------------------------

PASS = ("A1", "13.1")  # a pass stands for a registered, approved visitor: pass faults cite A1


@dataclass(frozen=True)
class DoorFacts:
    """What the door knows about a pass whose signature verified. Times in the site's zone."""

    now: datetime
    direction: str  # "in" | "out"
    room: str
    valid_from: datetime
    valid_until: datetime
    pass_revoked: bool
    visit_status: str
    visitor: Visitor
    visit_rooms: frozenset[str]
    customer: str
    consumer: bool
    standing: Standing
    a7_overridden: bool
    inside: bool  # the person's last allowed check was a check-in
    contracts: frozenset[int] | None = None  # the contracts the visit was approved for (A7 asks about those)


def door_verdict(f: DoorFacts) -> Verdict:
    """Every check in the order of the door screen, every failing reason kept. Leaving is never refused
    once the pass is known: the check-out is recorded (and carry-outs are checked on their own)."""
    if f.direction == "out":
        return Verdict.allow()
    day = f.now.date()
    reasons: list[Reason] = []
    if f.now < f.valid_from:
        reasons.append(Reason(*PASS, f"The pass is valid from {_at(f.valid_from)}"))
    elif f.now > f.valid_until:
        reasons.append(Reason(*PASS, f"The pass expired at {_at(f.valid_until)}"))
    if f.pass_revoked:
        reasons.append(Reason(*PASS, "The pass was revoked"))
    if f.visit_status not in ("approved", "in_progress"):
        reasons.append(Reason(*PASS, f"The visit is {f.visit_status.replace('_', ' ')}, not approved"))
    checks = [
        _competence(f.visitor),
        _third_party(f.visitor, frozenset({f.room}), day, day),
        Verdict.allow() if f.room in f.visit_rooms else Verdict.deny(Reason(*PASS, _not_in_visit(f))),
        Verdict.allow() if f.a7_overridden else customer_blocks(f.customer, f.consumer, f.standing, f.contracts),
    ]
    reasons += [r for v in checks if not v.allowed for r in v.reasons]
    if f.inside:
        reasons.append(Reason(*PASS, "Already checked in and not checked out since (anti-passback)"))
    return Verdict.deny(*reasons) if reasons else Verdict.allow()


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _not_in_visit(f: DoorFacts) -> str:
    return f"The visit is for {', '.join(sorted(f.visit_rooms))}, not {f.room}"


# --- carry-out at check-out -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarriedItem:
    """An asset tag a visitor carries out, with what the records say about it (None: unknown tag)."""

    asset_tag: str
    name: str | None = None
    owner_is_customer: bool = False  # colocation hardware (K1); dedicated and infrastructure are the supplier's
    customer_matches: bool = False  # owned by the visit's customer
    liened: bool = False
    mounted_in: str | None = None  # "R03 U12" while the records still have it in a rack


def may_carry_out(item: CarriedItem, customer: str) -> Verdict:
    """D1, K1, K10 and the door procedure (P7, under Art. 13.1): only the visit's customer's own hardware leaves,
    not under a lien, and only once the records no longer have it in a rack. Every failing reason is kept."""
    if item.name is None:
        return Verdict.deny(Reason("P7", "13.1", f"Asset tag {item.asset_tag} is not in the records"))
    reasons: list[Reason] = []
    if not item.owner_is_customer:
        reasons.append(Reason("D1", "11.2", f"{item.name} is the supplier's property"))
    elif not item.customer_matches:
        reasons.append(Reason("K1", "12.2", f"{item.name} is not {customer}'s hardware"))
    if item.liened:
        reasons.extend(may_leave(item.name, "its owner", True, "carried out").reasons)
    if item.mounted_in:
        reasons.append(
            Reason("P7", "13.1", f"{item.name} is still mounted in {item.mounted_in}: unmount it in dcops first")
        )
    return Verdict.deny(*reasons) if reasons else Verdict.allow()
