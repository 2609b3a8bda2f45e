"""A customer's standing: payment default and failure to perform (Art. 23, 27.4, 27.5, 13.7).

Every function takes plain facts and `today`; the customers service gathers the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dcops.terms.verdict import Reason, Verdict

DEFAULT_PAYMENT_TERM_DAYS = 14  # S1, Art. 23.2
DEFAULT_NOTICE_TERM_DAYS = 14  # S3: the term a notice of default gives, unless it says otherwise

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class UnpaidInvoice:
    """An invoice with something still open. `contract` is its contract number, for the reason text."""

    id: int
    contract: str
    due_date: date
    outstanding_cents: int


@dataclass(frozen=True)
class Notice:
    """A notice of default (ingebrekestelling) about one invoice or one breach."""

    sent_on: date
    term_days: int
    invoice_id: int | None = None
    breach_id: int | None = None

    @property
    def term_ends(self) -> date:
        return self.sent_on + timedelta(days=self.term_days)


@dataclass(frozen=True)
class OpenBreach:
    id: int
    article: str
    occurred_on: date
    description: str


@dataclass(frozen=True)
class CustomerFacts:
    consumer: bool
    unpaid: tuple[UnpaidInvoice, ...] = ()
    notices: tuple[Notice, ...] = ()
    breaches: tuple[OpenBreach, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One thing that counts for or against a customer: failing ones make it fail from `since`."""

    reason: Reason
    failing: bool
    since: date | None = None
    todo: str | None = None  # what the supplier should do about it, when something is to be done


@dataclass(frozen=True)
class Standing:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def fails(self) -> bool:
        return any(f.failing for f in self.findings)

    @property
    def in_default(self) -> bool:
        return any(f.failing and f.reason.rule in ("S2", "S3") for f in self.findings)

    @property
    def since(self) -> date | None:
        """The day it started failing: the earliest of the causes that stand today."""
        days = [f.since for f in self.findings if f.failing and f.since is not None]
        return min(days) if days else None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return tuple(f.reason for f in sorted(self.findings, key=lambda f: (not f.failing, f.since or date.max)))

    @property
    def verdict(self) -> Verdict:
        """Allowed while the customer does not fail; the reasons say why either way."""
        return Verdict(not self.fails, self.reasons)


def due_date(issue_date: date, payment_term_days: int | None) -> date:
    """S1, Art. 23.2: "binnen 14 dagen na factuurdatum", unless the contract sets another term."""
    return issue_date + timedelta(days=payment_term_days or DEFAULT_PAYMENT_TERM_DAYS)


def payment_default(facts: CustomerFacts, today: date) -> tuple[Finding, ...]:
    """S2, Art. 23.3: a business is in default automatically, without notice, from the day after a due date
    while anything of that invoice is unpaid.
    S3, Art. 23.6: a consumer only once a notice of default for the unpaid amount was sent and the term it
    gave passed without payment. S5, Art. 27.5: default under one contract counts for all of them.
    """
    findings: list[Finding] = []
    for inv in facts.unpaid:
        if inv.outstanding_cents <= 0 or today <= inv.due_date:
            continue
        where = f"an invoice under contract {inv.contract}, due {inv.due_date.isoformat()}"
        if not facts.consumer:
            since = inv.due_date + ONE_DAY
            msg = f"in payment default since {since.isoformat()}: {where}, is unpaid"
            findings.append(Finding(Reason("S2", "23.3", msg), True, since))
            continue
        notices = [n for n in facts.notices if n.invoice_id == inv.id]
        # A notice sent before the due date cannot put anyone in default before it.
        expired = [max(n.term_ends, inv.due_date) for n in notices if today > max(n.term_ends, inv.due_date)]
        if expired:
            since = min(expired) + ONE_DAY
            msg = f"in payment default since {since.isoformat()}: {where}, is unpaid after the notice of default"
            findings.append(Finding(Reason("S3", "23.6", msg), True, since))
        elif notices:
            ends = min(n.term_ends for n in notices)
            msg = f"{where}, is unpaid; the notice of default's term runs until {ends.isoformat()}"
            findings.append(Finding(Reason("S3", "23.6", msg), False))
        else:
            msg = f"{where}, is overdue but not in default: a consumer needs a notice of default first"
            findings.append(Finding(Reason("S3", "23.6", msg), False, todo="send a notice of default"))
    return tuple(findings)


def open_breaches(facts: CustomerFacts, today: date) -> tuple[Finding, ...]:
    """S4/S6, Art. 27.4 and 13.7: an open breach makes a business fail from the day it occurred.
    A consumer fails on it only after a notice of default for that breach with an expired term.
    """
    findings: list[Finding] = []
    for b in facts.breaches:
        if b.occurred_on > today:  # asked as of an earlier day: it had not happened yet
            continue
        what = f"open breach of Art. {b.article} since {b.occurred_on.isoformat()}: {b.description}"
        if not facts.consumer:
            findings.append(Finding(Reason("S6", "27.4", what), True, b.occurred_on))
            continue
        ends = [n.term_ends for n in facts.notices if n.breach_id == b.id]
        expired = [e for e in ends if today > e]
        if expired:
            since = min(expired) + ONE_DAY
            msg = f"{what} (notice of default expired; failing since {since.isoformat()})"
            findings.append(Finding(Reason("S6", "27.4", msg), True, since))
        else:
            tail = f"notice term runs until {min(ends).isoformat()}" if ends else "no notice of default sent"
            todo = None if ends else "send a notice of default"
            findings.append(
                Finding(Reason("S6", "27.4", f"{what} ({tail}; a consumer does not fail yet)"), False, todo=todo)
            )
    return tuple(findings)


def standing(facts: CustomerFacts, today: date) -> Standing:
    """S6, Art. 13.7 / 27.4: a customer fails when it is in payment default or has an open breach
    (for a consumer: an open breach counts only after its notice of default expired)."""
    return Standing(payment_default(facts, today) + open_breaches(facts, today))


# S4: the breaches the terms name, offered when one is recorded (any article may be cited).
BREACH_ARTICLES: dict[str, str] = {
    "12.4": "hardware not moved within 14 days of the supplier's request",
    "12.6": "hardware damaged or disturbed the server room, others' hardware or cabling",
    "12.8": "insurance policy not provided on request",
    "13.1": "access given to people not competent or not permitted",
    "13.3": "cabling installed outside the customer's own private rack",
    "13.4": "change to the server room without written permission",
    "13.6": "space not handed back as it was received",
}
