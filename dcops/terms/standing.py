"""A customer's standing: payment default and failure to perform (Art. 23, 27.5, 13.7, 12.9).

Every function takes plain facts and `today`; the customers service gathers the facts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from dcops.i18n import N_, _, day
from dcops.terms.verdict import Reason, Verdict

DEFAULT_PAYMENT_TERM_DAYS = 14  # S1, Art. 23.2
DEFAULT_NOTICE_TERM_DAYS = 14  # S3: the term a notice of default gives, unless it says otherwise
MIN_CONSUMER_TERM_DAYS = 14  # S3: a reasonable term for a consumer is at least this long

ONE_DAY = timedelta(days=1)
SEND_NOTICE = N_("send a notice of default")


@dataclass(frozen=True)
class UnpaidInvoice:
    """An invoice with something still open. `contract` is its contract number, for the reason text."""

    id: int
    contract: str
    due_date: date
    outstanding_cents: int
    currency: str = "EUR"


@dataclass(frozen=True)
class Notice:
    """A notice of default (ingebrekestelling) about one invoice or one breach.

    It reaches the customer the day after it was sent (BW 3:37), and the term it gives runs from that day:
    sent on 2 March with 14 days, it reaches on 3 March and the term ends on 17 March; default from 18 March.
    """

    sent_on: date
    term_days: int
    invoice_id: int | None = None
    breach_id: int | None = None

    @property
    def reaches_on(self) -> date:
        return self.sent_on + ONE_DAY

    @property
    def term_ends(self) -> date:
        return self.reaches_on + timedelta(days=self.term_days)


@dataclass(frozen=True)
class OpenBreach:
    """An open breach (S4) and the contract it occurred under (S5); None for breaches recorded before
    dcops linked them to a contract: those count for every contract."""

    id: int
    article: str
    occurred_on: date
    description: str
    contract_id: int | None = None
    contract: str | None = None


@dataclass(frozen=True)
class CustomerFacts:
    consumer: bool
    unpaid: tuple[UnpaidInvoice, ...] = ()
    notices: tuple[Notice, ...] = ()
    breaches: tuple[OpenBreach, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One thing that counts for or against a customer: failing ones make it fail from `since`.

    `contracts`: the contracts it makes the customer fail under (S6); None is all of them (payment default,
    S5, and a breach whose notice of default expired). `default`: it puts the customer in default (verzuim),
    which is what A7 asks of a consumer."""

    reason: Reason
    failing: bool
    since: date | None = None
    todo: str | None = None  # what the supplier should do about it, when something is to be done
    contracts: frozenset[int] | None = None
    default: bool = False


@dataclass(frozen=True)
class Standing:
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    due: tuple[UnpaidInvoice, ...] = ()  # invoices past their due date with something unpaid (K10)

    @property
    def fails(self) -> bool:
        """Fails under at least one of its contracts."""
        return any(f.failing for f in self.findings)

    def _failing(self, contracts: Collection[int] | None) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.failing and (f.contracts is None or contracts is None or not f.contracts.isdisjoint(contracts))
        ]

    def fails_under(self, contracts: Collection[int] | None) -> bool:
        """S6: fails under any of these contracts (None: under any contract at all)."""
        return bool(self._failing(contracts))

    def since_under(self, contracts: Collection[int] | None, default: bool = False) -> date | None:
        """The day it started failing under these contracts; `default`: the day its default (verzuim) began."""
        days = [f.since for f in self._failing(contracts) if f.since is not None and (f.default or not default)]
        return min(days) if days else None

    def in_default_under(self, contracts: Collection[int] | None) -> bool:
        return any(f.default for f in self._failing(contracts))

    @property
    def in_default(self) -> bool:
        """In default (verzuim): payment default (S2/S3) or a breach whose notice of default expired."""
        return self.in_default_under(None)

    @property
    def since(self) -> date | None:
        """The day it started failing: the earliest of the causes that stand today."""
        return self.since_under(None)

    @property
    def due_unpaid(self) -> dict[str, int]:
        """What is due and unpaid, per currency (the lien waits for nothing else, K10)."""
        totals: dict[str, int] = {}
        for inv in self.due:
            if inv.outstanding_cents > 0:
                totals[inv.currency] = totals.get(inv.currency, 0) + inv.outstanding_cents
        return totals

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


def notice_counts(notice: Notice, concerns: date, breach: bool) -> bool:
    """S3, Art. 23.6 and BW 6:82: a notice of default can only demand what is already owed. About an invoice
    it counts when sent after the due date (on the due date the customer may still pay); about a breach, when
    sent on or after the day it occurred."""
    return notice.sent_on >= concerns if breach else notice.sent_on > concerns


def notice_can_concern_invoice(outstanding_cents: int, due: date, today: date) -> bool:
    """S3, Art. 23.6 and BW 6:82: a notice of default sent today can be about an invoice only while something of it
    is unpaid and it is past its due date (`notice_counts`): a paid invoice, or one that can still be paid in time,
    leaves nothing to demand."""
    return outstanding_cents > 0 and notice_counts(Notice(today, DEFAULT_NOTICE_TERM_DAYS), due, breach=False)


def notice_problems(
    consumer: bool, sent_on: date, term_days: int, today: date, due: date | None = None, occurred: date | None = None
) -> dict[str, str]:
    """Why a notice of default about to be recorded would not count (field errors), or nothing."""
    errors: dict[str, str] = {}
    if sent_on > today:
        errors["sent_on"] = _("A notice is recorded once it was sent; %(day)s is still to come", day=day(sent_on))
    elif due is not None and sent_on <= due:
        errors["sent_on"] = _(
            "Art. 23.6 (rule S3): a notice of default counts only when sent after the due date (%(day)s); until "
            "then the invoice can still be paid in time",
            day=day(due),
        )
    elif occurred is not None and sent_on < occurred:
        errors["sent_on"] = _("Art. 23.6 (rule S3): the breach occurred on %(day)s, after this date", day=day(occurred))
    if consumer and term_days < MIN_CONSUMER_TERM_DAYS:
        errors["term_days"] = _(
            "Art. 23.6 (rule S3): a consumer is given a reasonable term of at least %(n)s days",
            n=MIN_CONSUMER_TERM_DAYS,
        )
    return errors


def payment_default(facts: CustomerFacts, today: date) -> tuple[Finding, ...]:
    """S2, Art. 23.3: a business is in default automatically, without notice, from the day after a due date
    while anything of that invoice is unpaid.
    S3, Art. 23.6: a consumer only once a notice of default sent after the due date gave it a term of at least
    14 days and that term passed without payment. S5, Art. 27.5: default under one contract counts for all.
    """
    findings: list[Finding] = []
    for inv in facts.unpaid:
        if inv.outstanding_cents <= 0 or today <= inv.due_date:
            continue
        where = _("an invoice under contract %(contract)s, due %(day)s", contract=inv.contract, day=day(inv.due_date))
        if not facts.consumer:
            since = inv.due_date + ONE_DAY
            msg = _("in payment default since %(day)s: %(invoice)s, is unpaid", day=day(since), invoice=where)
            findings.append(Finding(Reason("S2", "23.3", msg), True, since, default=True))
            continue
        about = [n for n in facts.notices if n.invoice_id == inv.id and n.sent_on <= today]
        notices = [n for n in about if notice_counts(n, inv.due_date, breach=False)]
        expired = [n.term_ends for n in notices if today > n.term_ends]
        if expired:
            since = min(expired) + ONE_DAY
            msg = _(
                "in payment default since %(day)s: %(invoice)s, is unpaid after the notice of default",
                day=day(since),
                invoice=where,
            )
            findings.append(Finding(Reason("S3", "23.6", msg), True, since, default=True))
        elif notices:
            ends = min(n.term_ends for n in notices)
            msg = _(
                "%(invoice)s, is unpaid; the notice of default's term runs until %(day)s", invoice=where, day=day(ends)
            )
            findings.append(Finding(Reason("S3", "23.6", msg), False))
        elif about:
            msg = _(
                "%(invoice)s, is overdue but not in default: the notice of default was sent before the invoice fell "
                "due and does not count",
                invoice=where,
            )
            findings.append(Finding(Reason("S3", "23.6", msg), False, todo=_(SEND_NOTICE)))
        else:
            msg = _(
                "%(invoice)s, is overdue but not in default: a consumer needs a notice of default first", invoice=where
            )
            findings.append(Finding(Reason("S3", "23.6", msg), False, todo=_(SEND_NOTICE)))
    return tuple(findings)


def open_breaches(facts: CustomerFacts, today: date) -> tuple[Finding, ...]:
    """S4/S6, Art. 13.7 and 12.9: an open breach makes a business fail under the contract it occurred under,
    from the day it occurred; under its other contracts only once a notice of default about the breach expired
    (S5 speaks of payment default only). A consumer fails on a breach only once such a notice expired: then it
    is in default (verzuim) under every contract.
    """
    findings: list[Finding] = []
    for b in facts.breaches:
        if b.occurred_on > today:  # asked as of an earlier day: it had not happened yet
            continue
        what = (
            _(
                "open breach of Art. %(article)s under contract %(contract)s since %(day)s: %(description)s",
                article=b.article,
                contract=b.contract,
                day=day(b.occurred_on),
                description=b.description,
            )
            if b.contract
            else _(
                "open breach of Art. %(article)s since %(day)s: %(description)s",
                article=b.article,
                day=day(b.occurred_on),
                description=b.description,
            )
        )
        notices = [
            n
            for n in facts.notices
            if n.breach_id == b.id and n.sent_on <= today and notice_counts(n, b.occurred_on, True)
        ]
        expired = [n.term_ends for n in notices if today > n.term_ends]
        everywhere = min(expired) + ONE_DAY if expired else None
        if not facts.consumer:
            scope = None if b.contract_id is None else frozenset({b.contract_id})
            findings.append(Finding(Reason("S6", "13.7", what), True, b.occurred_on, contracts=scope))
            if everywhere is not None and scope is not None:
                msg = _(
                    "%(breach)s (its notice of default expired: counts for every contract since %(day)s)",
                    breach=what,
                    day=day(everywhere),
                )
                findings.append(Finding(Reason("S6", "13.7", msg), True, everywhere, default=True))
            continue
        if everywhere is not None:
            msg = _(
                "%(breach)s (notice of default expired; in default since %(day)s)", breach=what, day=day(everywhere)
            )
            findings.append(Finding(Reason("S6", "13.7", msg), True, everywhere, default=True))
        else:
            ends = [n.term_ends for n in notices]
            msg = (
                _(
                    "%(breach)s (notice term runs until %(day)s; a consumer does not fail yet)",
                    breach=what,
                    day=day(min(ends)),
                )
                if ends
                else _("%(breach)s (no notice of default sent; a consumer does not fail yet)", breach=what)
            )
            todo = None if ends else _(SEND_NOTICE)
            findings.append(Finding(Reason("S6", "13.7", msg), False, todo=todo))
    return tuple(findings)


def standing(facts: CustomerFacts, today: date) -> Standing:
    """S6, Art. 13.7 / 12.9: a customer fails when it is in payment default or has an open breach (see
    `open_breaches` for the contracts a breach counts under)."""
    due = tuple(inv for inv in facts.unpaid if inv.outstanding_cents > 0 and today > inv.due_date)
    return Standing(payment_default(facts, today) + open_breaches(facts, today), due)


# S4: the breaches the terms name, offered when one is recorded (any article may be cited).
BREACH_ARTICLES: dict[str, str] = {
    "12.4": N_("hardware not moved within 14 days of the supplier's request"),
    "12.6": N_("hardware damaged or disturbed the server room, others' hardware or cabling"),
    "12.8": N_("insurance policy not provided on request"),
    "13.1": N_("access given to people not competent or not permitted"),
    "13.3": N_("cabling installed outside the customer's own private rack"),
    "13.4": N_("change to the server room without written permission"),
    "13.6": N_("space not handed back as it was received"),
}
