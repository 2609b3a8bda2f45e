"""Visitor data (rule R3): the supplier's own personal data, kept as controller for the security of its building
(AVG art. 4(7)); not customer data under Annex 1. The minimum, for a set period, erased on request."""

from __future__ import annotations

from datetime import date, timedelta

from dcops.i18n import _
from dcops.terms.verdict import Reason, Verdict

MIN_RETENTION_MONTHS = 3


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(day.day, last))


def retention_cutoff(today: date, retention_months: int) -> date:
    """R3, AVG art. 5(1)(e): an inactive person last seen before this day is pseudonymised."""
    return months_before(today, retention_months)


def may_erase(evidence_in_open_breach: bool) -> Verdict:
    """R3, AVG art. 17: a person's data is erased on request at once, unless it is needed for a legal claim
    (art. 17(3)(e)): one of their door checks is evidence in a breach still open."""
    if evidence_in_open_breach:
        return Verdict.deny(
            Reason(
                "R3",
                "17(3)(e) AVG",
                _("A door check of this person is evidence in an open breach: their data is kept until it is resolved"),
            )
        )
    return Verdict.allow()
