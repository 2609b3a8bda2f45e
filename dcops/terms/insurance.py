"""Insurance of colocation hardware: Art. 12.8, rule K9."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dcops.i18n import _, day
from dcops.terms.verdict import Reason, Verdict

REQUEST_ANSWER_DAYS = 14  # a policy request unanswered this long is a breach candidate
POLICY_ENDING_DAYS = 30  # policies ending within this many days are flagged


@dataclass(frozen=True)
class Policy:
    valid_from: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


def may_install(customer: str, policies: tuple[Policy, ...], on: date) -> Verdict:
    """K9, Art. 12.8: the customer insures its hardware and keeps it insured; new customer hardware is not
    installed without a policy on file that is valid on the day of installation."""
    if any(p.valid_on(on) for p in policies):
        return Verdict.allow()
    message = _("%(customer)s has no insurance policy on file valid on %(day)s", customer=customer, day=day(on))
    return Verdict.deny(Reason("K9", "12.8", message))


def request_overdue(requested_on: date, answered: bool, today: date) -> bool:
    """K9, Art. 12.8: the customer provides the policy "op eerste verzoek"; a request still open after
    14 days is a breach candidate (from day 15)."""
    return not answered and today > requested_on + timedelta(days=REQUEST_ANSWER_DAYS)


def policy_ending_soon(policy: Policy, today: date) -> bool:
    """K9: a policy still valid that ends within 30 days is flagged so a new one is asked for in time."""
    return today <= policy.valid_until <= today + timedelta(days=POLICY_ENDING_DAYS)
